//! A 2.0 bot acting in chats: `imbot.v2.Chat.Message.send/update/delete`,
//! `imbot.v2.Chat.InputAction.notify`, `imbot.v2.Command.answer`,
//! `imbot.v2.Chat.get`, run as the bot user through the chat's methods
//! (where the chat refuses, the bot gets `ACCESS_DENIED`), and
//! `im.message.command`, the keyboard `COMMAND` button a user presses.

use portico_protocol::params::{value_as_bool, value_as_string, ParamMap, Params};
use portico_protocol::{ApiError, ErrorCode};
use serde_json::{json, Value};

use super::access::v2_bot;
use super::acting::{answer, as_bot, with_bot_keyboard};
use super::commands::v2_command_of;
use super::input::{key, object};
use crate::context::Ctx;
use crate::registry::MethodOutput;
use crate::values::{php_intval, store_error};

/// A chat's refusal as a 2.0 bot sees it: `ACCESS_DENIED`.
fn denied(e: ApiError) -> ApiError {
    match e.code {
        ErrorCode::AccessError | ErrorCode::CantEditMessage => {
            ApiError::new(ErrorCode::AccessDenied, "Access denied")
        }
        ErrorCode::MessageEmpty => ApiError::from_code(ErrorCode::EmptyMessage),
        _ => e,
    }
}

/// The classic parameters of 2.0 `fields`: `message`, `attach`, `keyboard`,
/// `menu`, `system`, `urlPreview`.
fn classic_fields(fields: &ParamMap) -> ParamMap {
    let mut map = ParamMap::new();
    for (from, to) in [
        ("message", "MESSAGE"),
        ("attach", "ATTACH"),
        ("keyboard", "KEYBOARD"),
        ("menu", "MENU"),
        ("urlPreview", "URL_PREVIEW"),
        ("templateId", "TEMPLATE_ID"),
        ("replyId", "REPLY_ID"),
    ] {
        if let Some(v) = key(fields, from) {
            map.insert(to.to_owned(), v.clone());
        }
    }
    if key(fields, "system").and_then(value_as_bool) == Some(true) {
        map.insert("SYSTEM".to_owned(), json!("Y"));
    }
    map
}

/// `dialogId` (`DIALOG_ID_EMPTY` without one).
fn dialog_id(params: &Params) -> Result<String, ApiError> {
    params
        .get("dialogId")
        .and_then(value_as_string)
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty())
        .ok_or_else(|| ApiError::from_code(ErrorCode::DialogIdEmpty))
}

/// `messageId` (`MESSAGE_ID_EMPTY` without one).
fn message_id(params: &Params) -> Result<i64, ApiError> {
    params
        .get("messageId")
        .and_then(php_intval)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::from_code(ErrorCode::MessageIdEmpty))
}

/// `imbot.v2.Chat.Message.send`.
pub(super) async fn send(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, bot) = v2_bot(&ctx, &params).await?;
    let dialog = dialog_id(&params)?;
    let fields = object(params.map(), "fields").unwrap_or_default();
    if key(&fields, "forwardIds").is_some() {
        ctx.ignored("parameter (no forwarding)", "forwardIds");
    }
    let mut map = classic_fields(&fields);
    map.insert("DIALOG_ID".to_owned(), json!(dialog));
    with_bot_keyboard(&mut map, &bot);
    let id = as_bot(&ctx, &bot, "im.message.add", map)
        .await
        .map_err(denied)?
        .into_value();
    Ok(MethodOutput::value(json!({ "id": id, "uuidMap": {} })))
}

/// `imbot.v2.Chat.Message.update`: the bot's own messages.
pub(super) async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, bot) = v2_bot(&ctx, &params).await?;
    let id = message_id(&params)?;
    let fields = object(params.map(), "fields").unwrap_or_default();
    let mut map = classic_fields(&fields);
    map.insert("MESSAGE_ID".to_owned(), json!(id));
    with_bot_keyboard(&mut map, &bot);
    as_bot(&ctx, &bot, "im.message.update", map)
        .await
        .map_err(denied)?;
    Ok(MethodOutput::value(json!(true)))
}

/// `imbot.v2.Chat.Message.delete`: the bot's own messages.
pub(super) async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, bot) = v2_bot(&ctx, &params).await?;
    let id = message_id(&params)?;
    if params.get("complete").is_some() {
        ctx.ignored(
            "parameter (a deleted message always leaves a stub)",
            "complete",
        );
    }
    let map: ParamMap = [("MESSAGE_ID".to_owned(), json!(id))].into_iter().collect();
    as_bot(&ctx, &bot, "im.message.delete", map)
        .await
        .map_err(denied)?;
    Ok(MethodOutput::value(json!(true)))
}

/// `imbot.v2.Chat.InputAction.notify`: accepted for a dialog the bot reads
/// (the chat page shows no typing state).
pub(super) async fn input_action(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, bot) = v2_bot(&ctx, &params).await?;
    let dialog = dialog_id(&params)?;
    let map: ParamMap = [("DIALOG_ID".to_owned(), json!(dialog))]
        .into_iter()
        .collect();
    as_bot(&ctx, &bot, "im.dialog.get", map)
        .await
        .map_err(denied)?;
    Ok(MethodOutput::value(json!(true)))
}

/// `imbot.v2.Command.answer`: works where the command's message is, even
/// when the bot is not in that chat.
pub(super) async fn command_answer(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, bot) = v2_bot(&ctx, &params).await?;
    v2_command_of(&ctx, &params, &bot).await?;
    let id = message_id(&params)?;
    let fields = object(params.map(), "fields").unwrap_or_default();
    answer(&ctx, &bot, id, &Params::new(classic_fields(&fields)))
        .await
        .map_err(denied)?;
    Ok(MethodOutput::value(json!(true)))
}

/// `imbot.v2.Chat.get`: the chat of `dialogId` as the bot sees it.
pub(super) async fn chat_get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, bot) = v2_bot(&ctx, &params).await?;
    let dialog = dialog_id(&params)?;
    let map: ParamMap = [("DIALOG_ID".to_owned(), json!(dialog))]
        .into_iter()
        .collect();
    let got = as_bot(&ctx, &bot, "im.dialog.get", map)
        .await
        .map_err(denied)?
        .into_value();
    let chat_id = got["id"].as_i64().unwrap_or_default();
    let chat = ctx
        .store
        .chat(chat_id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::new(ErrorCode::AccessDenied, "Access denied"))?;
    Ok(MethodOutput::value(json!({ "chat": {
        "id": chat.id,
        "dialogId": dialog,
        "name": chat.title,
        "type": if chat.kind.code() == "O" { "open" } else { "chat" },
        "messageType": chat.kind.code(),
        "owner": chat.owner_id,
        "color": got["color"],
        "avatar": "",
        "description": chat.description,
        "extranet": false,
        "entityType": chat.entity_type,
        "entityId": chat.entity_id,
        "messageCount": chat.message_count,
        "userCounter": chat.member_count,
        "lastMessageId": chat.last_message_id,
    }})))
}

/// `im.message.command`: a user presses a keyboard `COMMAND` button of
/// message `MESSAGE_ID` in a chat they read; the command's bot gets
/// `ONIMCOMMANDADD` with `COMMAND_CONTEXT` `KEYBOARD` (no message is written).
pub(super) async fn press(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = params
        .get("MESSAGE_ID")
        .and_then(php_intval)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::from_code(ErrorCode::MessageIdError))?;
    let message = ctx
        .store
        .message(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::from_code(ErrorCode::MessageIdError))?;
    let dialog = crate::im::dialog::DialogRef::Chat(message.chat_id);
    crate::im::dialog::readable(&ctx, dialog)
        .await?
        .filter(|a| a.member.is_some())
        .ok_or_else(|| ApiError::from_code(ErrorCode::AccessError))?;
    let command = params
        .get("COMMAND")
        .and_then(value_as_string)
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::from_code(ErrorCode::CommandError))?;
    let command_params = params
        .get("COMMAND_PARAMS")
        .and_then(value_as_string)
        .unwrap_or_default();
    let bot = params
        .get("BOT_ID")
        .and_then(php_intval)
        .or_else(|| {
            message
                .params
                .pointer("/KEYBOARD/BOT_ID")
                .and_then(Value::as_i64)
        })
        .or(Some(message.author_id))
        .filter(|id| *id > 0);
    let found = ctx
        .store
        .press_bot_command(
            id,
            bot,
            &command,
            command_params.trim(),
            ctx.caller.user.id,
            ctx.clock.now(),
        )
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!(found)))
}
