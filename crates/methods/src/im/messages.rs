//! `im.message.add`, `im.message.update`, `im.message.delete`, and
//! [`post_message`], the one path every message a user (or, later, a bot)
//! writes takes to the store. Members write to their chats (a 1:1 dialog is
//! created on first use); the author changes a message for three days; the
//! author (for three days) or the chat's owner deletes it. An update with an
//! empty `MESSAGE` deletes the message, as Bitrix24 does.

use portico_protocol::params::{value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::{ChatKind, Message, MessageChange, NewMessage, StoreError};
use serde_json::{json, Map, Value};

use super::dialog::{access_error, chat_access, dialog_param, readable, DialogRef};
use super::keyboard::{keyboard, menu, Extra};
use super::{attach, SCOPE};
use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::store_error;

/// How long the author may change or delete a message, seconds.
pub const EDIT_WINDOW_SECS: i64 = 3 * 86_400;

/// The longest message text kept, characters; longer text is cut and ends
/// with ` (...)`.
pub const MAX_MESSAGE_CHARS: usize = 20_000;

const MESSAGE_ID: ParamSpec = ParamSpec {
    name: "MESSAGE_ID",
    kind: "integer",
    required: true,
    description: "Message ID.",
    description_pt: "ID da mensagem.",
};

/// Declares the message methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "im.message.add",
        "Sends a message to a dialog (DIALOG_ID: a user ID or chatN) and returns its ID. MESSAGE (BB-code) is required unless ATTACH is given; KEYBOARD, MENU, SYSTEM=Y (no author), REPLY_ID (a message of the same chat).",
        "Envia uma mensagem a um diálogo (DIALOG_ID: um ID de usuário ou chatN) e retorna seu ID. MESSAGE (BB-code) é obrigatório salvo com ATTACH; KEYBOARD, MENU, SYSTEM=Y (sem autor), REPLY_ID (uma mensagem do mesmo chat).",
        &[
            ParamSpec { name: "DIALOG_ID", kind: "string", required: true, description: "A user ID (1:1 dialog) or chatN.", description_pt: "Um ID de usuário (diálogo 1:1) ou chatN." },
            ParamSpec { name: "MESSAGE", kind: "string", required: false, description: "Text with BB-codes.", description_pt: "Texto com BB-codes." },
            ParamSpec { name: "ATTACH", kind: "object", required: false, description: "Rich attachment (blocks).", description_pt: "Anexo rico (blocos)." },
            ParamSpec { name: "KEYBOARD", kind: "object", required: false, description: "Buttons under the message.", description_pt: "Botões sob a mensagem." },
            ParamSpec { name: "MENU", kind: "object", required: false, description: "Items of the message's menu.", description_pt: "Itens do menu da mensagem." },
        ],
        r#"{"DIALOG_ID": "chat1", "MESSAGE": "Hello [b]team[/b]"}"#,
        handler!(add),
    );
    s.method(
        "im.message.update",
        "Changes a message of the caller (for three days): MESSAGE (empty deletes the message), ATTACH, KEYBOARD, MENU (N or empty removes), IS_EDITED.",
        "Altera uma mensagem de quem chama (por três dias): MESSAGE (vazio remove a mensagem), ATTACH, KEYBOARD, MENU (N ou vazio remove), IS_EDITED.",
        &[MESSAGE_ID],
        r#"{"MESSAGE_ID": 1, "MESSAGE": "Hello again"}"#,
        handler!(update),
    );
    s.method(
        "im.message.delete",
        "Deletes a message: the author's own (for three days), or any message of a chat its owner deletes.",
        "Remove uma mensagem: a do próprio autor (por três dias), ou qualquer mensagem de um chat pelo seu dono.",
        &[MESSAGE_ID],
        r#"{"MESSAGE_ID": 1}"#,
        handler!(delete),
    );
}

/// Writes `message`: the one path every message written by a user takes
/// (REST, the chat page, keyboard commands). Its id.
pub async fn post_message(ctx: &Ctx, message: NewMessage) -> Result<i64, ApiError> {
    match ctx.store.add_message(message).await {
        Ok(id) => Ok(id),
        Err(StoreError::NotFound) => Err(ApiError::from_code(ErrorCode::ChatIdError)),
        Err(e) => Err(store_error(e)),
    }
}

/// The trimmed `MESSAGE`, cut at [`MAX_MESSAGE_CHARS`].
fn message_text(params: &Params) -> Option<String> {
    let text = params.get("MESSAGE").and_then(value_as_string)?;
    let text = text.trim();
    if text.chars().count() <= MAX_MESSAGE_CHARS {
        return Some(text.to_owned());
    }
    let cut: String = text.chars().take(MAX_MESSAGE_CHARS).collect();
    Some(format!("{cut} (...)"))
}

/// The chat a new message goes to: `DIALOG_ID`, else `CHAT_ID` or `USER_ID`.
fn target(params: &Params) -> Result<DialogRef, ApiError> {
    if let Some(raw) = dialog_param(params) {
        return match DialogRef::parse(&raw) {
            Some(dialog) => Ok(dialog),
            None if raw.starts_with("chat") => Err(access_error("Action unavailable")),
            None => Err(ApiError::from_code(ErrorCode::UserIdEmpty)),
        };
    }
    let id = |name: &str| params.get(name).and_then(value_as_i64).filter(|id| *id > 0);
    if let Some(chat) = id("CHAT_ID") {
        return Ok(DialogRef::Chat(chat));
    }
    if let Some(user) = id("USER_ID") {
        return Ok(DialogRef::User(user));
    }
    Err(ApiError::from_code(ErrorCode::ParamsError))
}

/// `im.message.add`.
async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let dialog = target(&params)?;
    if let DialogRef::User(id) = dialog {
        if ctx
            .store
            .user_by_id(id)
            .await
            .map_err(store_error)?
            .is_none()
        {
            return Err(ApiError::from_code(ErrorCode::UserNotFound));
        }
    }
    let access = readable(&ctx, dialog)
        .await?
        .filter(|a| a.can_write())
        .ok_or_else(|| access_error("Action unavailable"))?;
    let text = message_text(&params).unwrap_or_default();
    let attach = attach::from_params(&ctx, &params, "ATTACH")?;
    if text.is_empty() && attach.is_none() {
        return Err(ApiError::from_code(ErrorCode::MessageEmpty));
    }
    let mut extra = Map::new();
    if let Some(attach) = attach {
        extra.insert("ATTACH".into(), attach);
    }
    for (name, value) in [
        ("KEYBOARD", keyboard(&ctx, &params)?),
        ("MENU", menu(&ctx, &params)?),
    ] {
        if let Extra::Set(value) = value {
            extra.insert(name.into(), value);
        }
    }
    if let Some(reply) = params
        .get("REPLY_ID")
        .and_then(value_as_i64)
        .filter(|id| *id > 0)
    {
        let replied = ctx.store.message(reply).await.map_err(store_error)?;
        if replied.is_none_or(|m| m.chat_id != access.chat.id) {
            return Err(ApiError::from_code(ErrorCode::ReplyFromOtherChat));
        }
        extra.insert("REPLY_ID".into(), json!(reply));
    }
    if params.get("URL_PREVIEW").is_some() {
        ctx.ignored("parameter (no link previews)", "URL_PREVIEW");
    }
    let system = params
        .get("SYSTEM")
        .and_then(value_as_string)
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("Y"));
    let uuid = params
        .get("TEMPLATE_ID")
        .and_then(value_as_string)
        .map(|u| u.trim().chars().take(64).collect::<String>())
        .filter(|u| !u.is_empty());
    let message = NewMessage {
        chat_id: access.chat.id,
        author_id: if system { 0 } else { ctx.caller.user.id },
        text,
        params: Value::Object(extra),
        uuid,
        created_at: ctx.clock.now(),
    };
    let id = post_message(&ctx, message).await?;
    Ok(MethodOutput::value(json!(id)))
}

/// `MESSAGE_ID`, or `MESSAGE_ID_ERROR`.
fn message_id(params: &Params) -> Result<i64, ApiError> {
    params
        .get("MESSAGE_ID")
        .and_then(value_as_i64)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::from_code(ErrorCode::MessageIdError))
}

/// `CANT_EDIT_MESSAGE`.
fn cant_edit() -> ApiError {
    ApiError::from_code(ErrorCode::CantEditMessage)
}

/// Message `id` when the caller, a member of its chat, may change it: their
/// own, not deleted, written less than three days ago; or, when
/// `owner_may` and the caller owns the (group) chat, any of its messages.
async fn changeable(ctx: &Ctx, id: i64, owner_may: bool) -> Result<Message, ApiError> {
    let me = ctx.caller.user.id;
    let message = ctx
        .store
        .message(id)
        .await
        .map_err(store_error)?
        .filter(|m| !m.deleted)
        .ok_or_else(cant_edit)?;
    let access = chat_access(ctx, message.chat_id, None)
        .await?
        .filter(|a| a.can_write())
        .ok_or_else(cant_edit)?;
    let own = message.author_id == me && ctx.clock.now() - message.created_at <= EDIT_WINDOW_SECS;
    let owner = owner_may && access.chat.kind != ChatKind::Private && access.chat.owner_id == me;
    if own || owner {
        Ok(message)
    } else {
        Err(cant_edit())
    }
}

/// `im.message.update`.
async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = message_id(&params)?;
    let message = changeable(&ctx, id, false).await?;
    let text = message_text(&params);
    let mut extra = message.params.as_object().cloned().unwrap_or_default();
    match params.get("ATTACH") {
        None => {}
        Some(v) if value_as_string(v).is_some_and(|s| s.trim().eq_ignore_ascii_case("N")) => {
            extra.remove("ATTACH");
        }
        Some(_) => match attach::from_params(&ctx, &params, "ATTACH")? {
            Some(attach) => {
                extra.insert("ATTACH".into(), attach);
            }
            None => {
                extra.remove("ATTACH");
            }
        },
    }
    for (name, value) in [
        ("KEYBOARD", keyboard(&ctx, &params)?),
        ("MENU", menu(&ctx, &params)?),
    ] {
        match value {
            Extra::Absent => {}
            Extra::Remove => {
                extra.remove(name);
            }
            Extra::Set(value) => {
                extra.insert(name.into(), value);
            }
        }
    }
    if params.get("URL_PREVIEW").is_some() {
        ctx.ignored("parameter (no link previews)", "URL_PREVIEW");
    }
    let empties = text.as_deref() == Some("") && !extra.contains_key("ATTACH");
    let now = ctx.clock.now();
    if empties {
        ctx.store
            .delete_message(id, now)
            .await
            .map_err(store_error)?;
        return Ok(MethodOutput::value(json!(true)));
    }
    let edited = params
        .get("IS_EDITED")
        .and_then(value_as_string)
        .is_none_or(|s| !s.trim().eq_ignore_ascii_case("N"));
    let change = MessageChange {
        text,
        params: Some(Value::Object(extra)),
        edited,
        at: now,
    };
    if !ctx
        .store
        .update_message(id, change)
        .await
        .map_err(store_error)?
    {
        return Err(cant_edit());
    }
    Ok(MethodOutput::value(json!(true)))
}

/// `im.message.delete`.
async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = message_id(&params)?;
    changeable(&ctx, id, true).await?;
    if !ctx
        .store
        .delete_message(id, ctx.clock.now())
        .await
        .map_err(store_error)?
    {
        return Err(cant_edit());
    }
    Ok(MethodOutput::value(json!(true)))
}
