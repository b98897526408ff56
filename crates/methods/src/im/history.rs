//! `im.dialog.messages.get` (a dialog's messages, newest first, paged by
//! `LAST_ID` / `FIRST_ID`, with their authors) and `im.dialog.read` (a read
//! mark up to a message). Members and visitors of open chats read; only
//! members mark; a member whose history is hidden never sees what came
//! before they joined.

use portico_protocol::params::{value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::{Message, MessageQuery};
use serde_json::{json, Value};

use super::dialog::{dialog_id_empty, dialog_param, no_dialog_access, readable, Access, DialogRef};
use super::render::{message_object, user_object, users_by_id};
use super::SCOPE;
use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::store_error;

/// `LIMIT` of `im.dialog.messages.get` when not given.
const DEFAULT_LIMIT: i64 = 20;
/// The most `LIMIT` may ask.
const MAX_LIMIT: i64 = 50;

const DIALOG_ID: ParamSpec = ParamSpec {
    name: "DIALOG_ID",
    kind: "string",
    required: true,
    description: "A user ID (1:1 dialog) or chatN.",
    description_pt: "Um ID de usuário (diálogo 1:1) ou chatN.",
};

/// Declares the history methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "im.dialog.messages.get",
        "Lists a dialog's messages, newest first, with their authors: LAST_ID (older than), FIRST_ID (newer than; wins), LIMIT (20, at most 50).",
        "Lista as mensagens de um diálogo, das mais novas às mais antigas, com seus autores: LAST_ID (mais antigas que), FIRST_ID (mais novas que; prevalece), LIMIT (20, no máximo 50).",
        &[DIALOG_ID],
        r#"{"DIALOG_ID": "chat1", "LIMIT": 20}"#,
        handler!(messages_get),
    );
    s.method(
        "im.dialog.read",
        "Marks a dialog read by the caller up to MESSAGE_ID (the newest message when absent); answers the dialog, its chat, the caller's unread counter and last read ID.",
        "Marca um diálogo como lido por quem chama até MESSAGE_ID (a mensagem mais nova quando ausente); responde o diálogo, seu chat, o contador de não lidas e o último ID lido.",
        &[DIALOG_ID, ParamSpec { name: "MESSAGE_ID", kind: "integer", required: false, description: "The last message read.", description_pt: "A última mensagem lida." }],
        r#"{"DIALOG_ID": "chat1", "MESSAGE_ID": 10}"#,
        handler!(read),
    );
}

/// The dialog of `DIALOG_ID` the caller may read, or Bitrix24's errors.
async fn dialog(ctx: &Ctx, params: &Params) -> Result<Access, ApiError> {
    let raw = dialog_param(params).ok_or_else(dialog_id_empty)?;
    let dialog = DialogRef::parse(&raw).ok_or_else(no_dialog_access)?;
    readable(ctx, dialog).await?.ok_or_else(no_dialog_access)
}

/// A paging id: absent or `0` is `None`; text that is no number is `error`.
fn paging_id(params: &Params, name: &str, error: ErrorCode) -> Result<Option<i64>, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match value_as_i64(v) {
            Some(id) => Ok(Some(id).filter(|id| *id > 0)),
            None if value_as_string(v).is_some_and(|s| s.trim().is_empty()) => Ok(None),
            None => Err(ApiError::from_code(error)),
        },
    }
}

/// Whether `message` is unread as the caller sees it: by others, after the
/// caller's read mark; the caller's own, until another member read it.
fn unread(access: &Access, me: i64, message: &Message) -> bool {
    if message.author_id == me {
        !access
            .members
            .iter()
            .any(|m| m.user_id != me && m.last_read_id >= message.id)
    } else {
        access
            .member
            .as_ref()
            .is_some_and(|m| message.id > m.last_read_id)
    }
}

/// `im.dialog.messages.get`.
async fn messages_get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let first = paging_id(&params, "FIRST_ID", ErrorCode::FirstIdString)?;
    let last = paging_id(&params, "LAST_ID", ErrorCode::LastIdString)?;
    let access = dialog(&ctx, &params).await?;
    let limit = params
        .get("LIMIT")
        .and_then(value_as_i64)
        .filter(|l| *l > 0)
        .unwrap_or(DEFAULT_LIMIT)
        .min(MAX_LIMIT);
    let query = MessageQuery {
        after: first,
        before: last,
        floor: access.floor(),
        limit: usize::try_from(limit).unwrap_or(20),
    };
    let messages = ctx
        .store
        .chat_messages(access.chat.id, query)
        .await
        .map_err(store_error)?;
    let me = ctx.caller.user.id;
    let mut people: Vec<i64> = messages.iter().map(|m| m.author_id).collect();
    people.extend(access.peer.as_ref().map(|p| p.id));
    let users = users_by_id(&ctx, &people).await?;
    let rendered: Vec<Value> = messages
        .iter()
        .map(|m| message_object(&ctx, m, unread(&access, me, m)))
        .collect();
    Ok(MethodOutput::value(json!({
        "chat_id": access.chat.id,
        "messages": rendered,
        "users": users.values().map(user_object).collect::<Vec<_>>(),
        "files": [],
    })))
}

/// `im.dialog.read`.
async fn read(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let access = dialog(&ctx, &params).await?;
    let me = ctx.caller.user.id;
    let up_to = params
        .get("MESSAGE_ID")
        .and_then(value_as_i64)
        .filter(|id| *id > 0);
    let last_id = match access.member {
        Some(_) => ctx
            .store
            .mark_chat_read(access.chat.id, me, up_to, ctx.clock.now())
            .await
            .map_err(store_error)?
            .unwrap_or(0),
        None => 0,
    };
    let counter = ctx
        .store
        .user_chats(me, Some(access.chat.id))
        .await
        .map_err(store_error)?
        .first()
        .map_or(0, |s| s.unread);
    Ok(MethodOutput::value(json!({
        "dialogId": access.dialog_id(),
        "chatId": access.chat.id,
        "counter": counter,
        "lastId": last_id,
    })))
}
