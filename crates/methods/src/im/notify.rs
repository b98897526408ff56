//! Notifications (`im.notify.*`): sending ([`add`]: `im.notify.system.add`,
//! `im.notify.personal.add`, the legacy `im.notify`), deleting by id or by
//! tag (`im.notify.delete`, here), marking read ([`read`]) and listing
//! ([`get`]). Sending needs an application or a webhook (a web session is
//! `WRONG_AUTH_TYPE`). Tags belong to the sender: an application, or a
//! webhook together with the `CLIENT_ID` it passes; they are stored as
//! `MP|{key}|{tag}` (the key is the application's id, or the `CLIENT_ID`), so
//! one sender never replaces nor deletes another's. A user reads, marks and
//! deletes by id only their own notifications.

pub mod add;
pub mod get;
pub mod read;

use portico_protocol::params::{value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::TagField;
use serde_json::json;

use crate::context::{AuthKind, Ctx};
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::store_error;

use super::SCOPE;

/// Declares the `im.notify.*` methods.
pub fn register(r: &mut Registry) {
    add::register(r);
    read::register(r);
    get::register(r);
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "im.notify.delete",
        "Deletes a notification: by ID (the caller's own), or the sender's notifications by TAG or SUB_TAG (an application, or a webhook with CLIENT_ID). Returns true (false for an ID that is not the caller's).",
        "Remove uma notificação: por ID (do próprio usuário), ou as notificações do remetente por TAG ou SUB_TAG (um aplicativo, ou um webhook com CLIENT_ID). Retorna true (false para um ID que não é do usuário).",
        &[
            ParamSpec { name: "ID", kind: "integer", required: false, description: "Notification ID.", description_pt: "ID da notificação." },
            ParamSpec { name: "TAG", kind: "string", required: false, description: "Delete the sender's notifications with this tag.", description_pt: "Remove as notificações do remetente com esta tag." },
            ParamSpec { name: "SUB_TAG", kind: "string", required: false, description: "Delete the sender's notifications with this sub-tag.", description_pt: "Remove as notificações do remetente com esta subtag." },
            CLIENT_ID,
        ],
        r#"{"ID": 1}"#,
        handler!(delete),
    );
}

/// `CLIENT_ID`: a webhook's sender identity for tags.
pub(crate) const CLIENT_ID: ParamSpec = ParamSpec {
    name: "CLIENT_ID",
    kind: "string",
    required: false,
    description: "Webhooks only: the sender identity that owns TAG and SUB_TAG.",
    description_pt: "Somente webhooks: a identidade do remetente dona de TAG e SUB_TAG.",
};

/// Who sends, as tags see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Sender {
    /// The stored owner (`app:3`, `webhook:7:crm-sync`, `webhook:7`, `` for
    /// a web session).
    pub owner: String,
    /// The namespace of its tags (`MP|3|`), `None` when it cannot own tags
    /// (a webhook without `CLIENT_ID`, a web session).
    pub namespace: Option<String>,
}

impl Sender {
    /// The caller of `ctx` with the `CLIENT_ID` of `params`; a `CLIENT_ID`
    /// an application passes is ignored (its own id is its identity).
    pub fn of(ctx: &Ctx, params: &Params) -> Sender {
        let client_id = params
            .get("CLIENT_ID")
            .and_then(value_as_string)
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        match (&ctx.caller.auth, client_id) {
            (AuthKind::App { id }, client_id) => {
                if client_id.is_some() {
                    ctx.ignored(
                        "parameter (applications are known by their token)",
                        "CLIENT_ID",
                    );
                }
                Sender {
                    owner: format!("app:{id}"),
                    namespace: Some(format!("MP|{id}|")),
                }
            }
            (AuthKind::Webhook { id }, Some(client_id)) => Sender {
                owner: format!("webhook:{id}:{client_id}"),
                namespace: Some(format!("MP|{client_id}|")),
            },
            (AuthKind::Webhook { id }, None) => Sender {
                owner: format!("webhook:{id}"),
                namespace: None,
            },
            (AuthKind::WebSession, _) => Sender {
                owner: String::new(),
                namespace: None,
            },
        }
    }

    /// `tag` in this sender's namespace.
    pub fn tag(&self, tag: &str) -> Option<String> {
        self.namespace.as_ref().map(|ns| format!("{ns}{tag}"))
    }
}

/// A text parameter, trimmed; `None` when absent or blank.
pub(crate) fn text_param(params: &Params, name: &str) -> Option<String> {
    params
        .get(name)
        .and_then(value_as_string)
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// `PARAMS_ERROR` `Incorrect params`.
fn incorrect_params() -> ApiError {
    ApiError::from_code(ErrorCode::ParamsError)
}

/// `im.notify.delete`.
async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = params.get("ID").and_then(value_as_i64).filter(|id| *id > 0);
    if let Some(id) = id {
        let deleted = ctx
            .store
            .delete_notification(ctx.caller.user.id, id, ctx.clock.now())
            .await
            .map_err(store_error)?;
        return Ok(MethodOutput::value(json!(deleted)));
    }
    let (field, value) = match (text_param(&params, "TAG"), text_param(&params, "SUB_TAG")) {
        (Some(tag), _) => (TagField::Tag, tag),
        (None, Some(sub_tag)) => (TagField::SubTag, sub_tag),
        (None, None) => return Err(incorrect_params()),
    };
    if ctx.caller.auth == AuthKind::WebSession {
        return Err(incorrect_params());
    }
    let sender = Sender::of(&ctx, &params);
    let Some(value) = sender.tag(&value) else {
        return Err(ApiError::new(
            ErrorCode::AccessDenied,
            "Access denied! Client ID not specified",
        ));
    };
    ctx.store
        .delete_tagged_notifications(&sender.owner, field, &value, ctx.clock.now())
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!(true)))
}
