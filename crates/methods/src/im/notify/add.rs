//! Sending notifications: `im.notify.system.add` (from the system),
//! `im.notify.personal.add` (from the caller) and the legacy `im.notify`
//! (`TYPE` `SYSTEM` or `USER`, personal by default). The recipient is an
//! active user; `MESSAGE` is trimmed; `ATTACH` is checked by
//! [`crate::im::attach`]; `TAG` and `SUB_TAG` are namespaced by the sender
//! (see [`super::Sender`]) and a webhook passes them only with `CLIENT_ID`
//! (without it they are ignored). The answer is the new notification's id.

use portico_protocol::params::{value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::sizes::{MAX_STRING_CHARS, MAX_TEXT_CHARS};
use portico_store::{NewNotification, NotifyKind};
use serde_json::json;

use super::{text_param, Sender, CLIENT_ID};
use crate::context::{AuthKind, Ctx};
use crate::handler;
use crate::im::{attach, SCOPE};
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{check_length, invalid_arg, store_error};

/// The parameters every sending method takes.
const PARAMS: [ParamSpec; 7] = [
    ParamSpec {
        name: "USER_ID",
        kind: "integer",
        required: true,
        description: "The recipient's user ID.",
        description_pt: "ID do usuário destinatário.",
    },
    ParamSpec {
        name: "MESSAGE",
        kind: "string",
        required: true,
        description: "The text (trimmed); BB-codes allowed.",
        description_pt: "O texto (sem espaços nas pontas); BB-codes permitidos.",
    },
    ParamSpec {
        name: "MESSAGE_OUT",
        kind: "string",
        required: false,
        description: "The text for e-mail.",
        description_pt: "O texto para e-mail.",
    },
    ParamSpec {
        name: "TAG",
        kind: "string",
        required: false,
        description: "A tag unique per sender: a new notification with it removes the older ones.",
        description_pt:
            "Uma tag única por remetente: uma nova notificação com ela remove as anteriores.",
    },
    ParamSpec {
        name: "SUB_TAG",
        kind: "string",
        required: false,
        description: "An extra tag, not unique.",
        description_pt: "Uma tag extra, não única.",
    },
    ParamSpec {
        name: "ATTACH",
        kind: "object",
        required: false,
        description: "A rich attachment (object or JSON string, at most 60 000 characters).",
        description_pt: "Um anexo rico (objeto ou texto JSON, no máximo 60 000 caracteres).",
    },
    CLIENT_ID,
];

/// `PARAMS` with `TYPE` (of `im.notify`).
const LEGACY_PARAMS: [ParamSpec; 8] = [
    PARAMS[0],
    PARAMS[1],
    ParamSpec {
        name: "TYPE",
        kind: "string",
        required: false,
        description: "USER (default, from the caller) or SYSTEM.",
        description_pt: "USER (padrão, de quem chama) ou SYSTEM.",
    },
    PARAMS[2],
    PARAMS[3],
    PARAMS[4],
    PARAMS[5],
    PARAMS[6],
];

const EXAMPLE: &str =
    r#"{"USER_ID": 1, "MESSAGE": "Deal [b]won[/b]", "MESSAGE_OUT": "Deal won", "TAG": "DEAL_42"}"#;

/// Declares the sending methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "im.notify.system.add",
        "Sends a system notification (no author) to a user and returns its ID. Applications and webhooks only.",
        "Envia uma notificação do sistema (sem autor) a um usuário e retorna seu ID. Somente aplicativos e webhooks.",
        &PARAMS,
        EXAMPLE,
        handler!(system_add),
    );
    s.method(
        "im.notify.personal.add",
        "Sends a notification from the caller to a user and returns its ID. Applications and webhooks only.",
        "Envia uma notificação de quem chama a um usuário e retorna seu ID. Somente aplicativos e webhooks.",
        &PARAMS,
        EXAMPLE,
        handler!(personal_add),
    );
    s.method(
        "im.notify",
        "Sends a notification (TYPE USER from the caller, the default, or SYSTEM) and returns its ID. Applications and webhooks only.",
        "Envia uma notificação (TYPE USER de quem chama, o padrão, ou SYSTEM) e retorna seu ID. Somente aplicativos e webhooks.",
        &LEGACY_PARAMS,
        r#"{"USER_ID": 1, "MESSAGE": "Report ready", "TYPE": "SYSTEM"}"#,
        handler!(legacy),
    );
}

/// `im.notify.system.add`.
async fn system_add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    send(&ctx, &params, NotifyKind::System).await
}

/// `im.notify.personal.add`.
async fn personal_add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    send(&ctx, &params, NotifyKind::Personal).await
}

/// `im.notify`: `TYPE` `SYSTEM` sends a system notification, anything else
/// a personal one.
async fn legacy(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let system = params
        .get("TYPE")
        .and_then(value_as_string)
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("SYSTEM"));
    let kind = if system {
        NotifyKind::System
    } else {
        NotifyKind::Personal
    };
    send(&ctx, &params, kind).await
}

/// A namespaced tag parameter of `sender`; ignored (and logged) when the
/// sender cannot own tags.
fn tag_param(ctx: &Ctx, params: &Params, sender: &Sender, name: &str) -> Result<String, ApiError> {
    let Some(tag) = text_param(params, name) else {
        return Ok(String::new());
    };
    let Some(tag) = sender.tag(&tag) else {
        ctx.ignored("parameter (a webhook needs CLIENT_ID for tags)", name);
        return Ok(String::new());
    };
    check_length(name, &tag, MAX_STRING_CHARS).map_err(invalid_arg)?;
    Ok(tag)
}

/// Sends a notification of `kind` as `params` say.
async fn send(ctx: &Ctx, params: &Params, kind: NotifyKind) -> Result<MethodOutput, ApiError> {
    if ctx.caller.auth == AuthKind::WebSession {
        return Err(ApiError::new(
            ErrorCode::WrongAuthType,
            "Access for this method not allowed by session authorization.",
        ));
    }
    let user_id = params
        .get("USER_ID")
        .and_then(value_as_i64)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::from_code(ErrorCode::UserIdEmpty))?;
    let text = text_param(params, "MESSAGE")
        .ok_or_else(|| ApiError::from_code(ErrorCode::MessageEmpty))?;
    check_length("MESSAGE", &text, MAX_TEXT_CHARS).map_err(invalid_arg)?;
    let text_out = params
        .get("MESSAGE_OUT")
        .and_then(value_as_string)
        .unwrap_or_default();
    check_length("MESSAGE_OUT", &text_out, MAX_TEXT_CHARS).map_err(invalid_arg)?;
    let attach = attach::from_params(ctx, params, "ATTACH")?;
    let recipient = ctx.store.user_by_id(user_id).await.map_err(store_error)?;
    if !recipient.is_some_and(|u| u.active) {
        return Err(ApiError::from_code(ErrorCode::UserNotFound));
    }
    let sender = Sender::of(ctx, params);
    let tag = tag_param(ctx, params, &sender, "TAG")?;
    let sub_tag = tag_param(ctx, params, &sender, "SUB_TAG")?;
    let author_id = match kind {
        NotifyKind::System => 0,
        NotifyKind::Personal => ctx.caller.user.id,
    };
    let id = ctx
        .store
        .add_notification(NewNotification {
            user_id,
            author_id,
            kind,
            text,
            text_out,
            attach,
            owner: sender.owner,
            tag,
            sub_tag,
            created_at: ctx.clock.now(),
        })
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!(id)))
}
