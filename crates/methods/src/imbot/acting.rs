//! A bot acting in chats: the `im.*` methods run as the bot user (so the
//! chat's own rules decide where it may write, and every message takes the
//! chat's one write path), after its owner is checked. Classic calls:
//! `imbot.message.add/update/delete`, `imbot.chat.sendTyping`,
//! `imbot.command.answer`, `imbot.dialog.get`, `imbot.chat.*`.

use std::sync::Arc;

use portico_protocol::params::{value_as_string, ParamMap, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::bots::{Bot, BotCommand};
use portico_store::NewMessage;
use serde_json::{json, Map, Value};

use super::access::{classic_bot, classic_owner, same_owner};
use crate::context::{Caller, Ctx};
use crate::im::keyboard::{keyboard, menu, Extra};
use crate::im::messages::post_message;
use crate::registry::MethodOutput;
use crate::values::{php_intval, store_error};

/// The context of a call made as `bot`'s user (scope `im`).
pub(super) async fn bot_ctx(ctx: &Ctx, bot: &Bot) -> Result<Ctx, ApiError> {
    let user = ctx
        .store
        .user_by_id(bot.id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::from_code(ErrorCode::BotIdError))?;
    let caller = Caller::new(user, vec!["im".to_owned()], ctx.caller.auth.clone());
    Ok(Ctx {
        caller: Arc::new(caller),
        ..ctx.clone()
    })
}

/// Calls `method` as `bot` with `params`.
pub(super) async fn as_bot(
    ctx: &Ctx,
    bot: &Bot,
    method: &str,
    params: ParamMap,
) -> Result<MethodOutput, ApiError> {
    let inner = bot_ctx(ctx, bot).await?;
    crate::call(inner, method, Params::new(params)).await
}

/// The classic bot a call acts as: `BOT_ID`, else the first bot of the
/// caller's application (or `CLIENT_ID`).
pub(super) async fn acting_bot(ctx: &Ctx, params: &Params) -> Result<Bot, ApiError> {
    let owner = classic_owner(ctx, params)?;
    if params
        .get("BOT_ID")
        .and_then(php_intval)
        .is_some_and(|id| id > 0)
    {
        return classic_bot(ctx, params, &owner).await;
    }
    ctx.store
        .list_bots()
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|b| same_owner(ctx, &b.owner, &owner))
        .ok_or_else(|| ApiError::from_code(ErrorCode::BotIdError))
}

/// The keys of `params` named in `keys` (any case), as given.
pub(super) fn pick(params: &Params, keys: &[&str]) -> ParamMap {
    keys.iter()
        .filter_map(|k| params.get(k).map(|v| ((*k).to_owned(), v.clone())))
        .collect()
}

/// A `KEYBOARD` of `bot`: its `BOT_ID` set when missing, so that presses
/// reach the bot.
pub(super) fn with_bot_keyboard(map: &mut ParamMap, bot: &Bot) {
    let Some(raw) = map.get("KEYBOARD").cloned() else {
        return;
    };
    let parsed = match &raw {
        Value::String(text) => serde_json::from_str::<Value>(text).ok(),
        other => Some(other.clone()),
    };
    let keyboard = match parsed {
        Some(Value::Object(mut m)) if m.keys().any(|k| k.eq_ignore_ascii_case("BUTTONS")) => {
            m.entry("BOT_ID").or_insert(json!(bot.id));
            Value::Object(m)
        }
        Some(list @ Value::Array(_)) => json!({"BUTTONS": list, "BOT_ID": bot.id}),
        _ => return,
    };
    map.insert("KEYBOARD".to_owned(), keyboard);
}

/// `imbot.message.add`.
pub(super) async fn message_add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let bot = acting_bot(&ctx, &params).await?;
    for key in ["FROM_USER_ID", "TO_USER_ID", "SKIP_CONNECTOR"] {
        if params.get(key).is_some() {
            ctx.ignored("parameter", key);
        }
    }
    if params
        .get("DIALOG_ID")
        .and_then(value_as_string)
        .is_none_or(|d| d.trim().is_empty())
    {
        return Err(ApiError::from_code(ErrorCode::DialogIdEmpty));
    }
    let mut map = pick(
        &params,
        &[
            "DIALOG_ID",
            "MESSAGE",
            "ATTACH",
            "KEYBOARD",
            "MENU",
            "SYSTEM",
            "URL_PREVIEW",
        ],
    );
    with_bot_keyboard(&mut map, &bot);
    as_bot(&ctx, &bot, "im.message.add", map).await
}

/// `imbot.message.update`: the bot's own messages.
pub(super) async fn message_update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let bot = acting_bot(&ctx, &params).await?;
    let mut map = pick(
        &params,
        &[
            "MESSAGE_ID",
            "MESSAGE",
            "ATTACH",
            "KEYBOARD",
            "MENU",
            "URL_PREVIEW",
            "IS_EDITED",
        ],
    );
    with_bot_keyboard(&mut map, &bot);
    as_bot(&ctx, &bot, "im.message.update", map).await
}

/// `imbot.message.delete`: the bot's own messages.
pub(super) async fn message_delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let bot = acting_bot(&ctx, &params).await?;
    if params.get("COMPLETE").is_some() {
        ctx.ignored(
            "parameter (a deleted message always leaves a stub)",
            "COMPLETE",
        );
    }
    as_bot(
        &ctx,
        &bot,
        "im.message.delete",
        pick(&params, &["MESSAGE_ID"]),
    )
    .await
}

/// `imbot.chat.sendTyping`: accepted (the chat page shows no typing state).
pub(super) async fn send_typing(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let bot = acting_bot(&ctx, &params).await?;
    if params
        .get("DIALOG_ID")
        .and_then(value_as_string)
        .is_none_or(|d| d.trim().is_empty())
    {
        return Err(ApiError::from_code(ErrorCode::DialogIdEmpty));
    }
    as_bot(&ctx, &bot, "im.dialog.get", pick(&params, &["DIALOG_ID"])).await?;
    Ok(MethodOutput::value(json!(true)))
}

/// `imbot.dialog.get`.
pub(super) async fn dialog_get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let bot = acting_bot(&ctx, &params).await?;
    as_bot(&ctx, &bot, "im.dialog.get", pick(&params, &["DIALOG_ID"])).await
}

/// `imbot.chat.*` as the matching `im.chat.*` method run by the bot.
pub(super) async fn chat_method(
    ctx: Ctx,
    params: Params,
    method: &str,
) -> Result<MethodOutput, ApiError> {
    let bot = acting_bot(&ctx, &params).await?;
    let map: ParamMap = params
        .map()
        .iter()
        .filter(|(k, _)| {
            !["BOT_ID", "CLIENT_ID", "auth"]
                .iter()
                .any(|x| k.eq_ignore_ascii_case(x))
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    as_bot(&ctx, &bot, method, map).await
}

/// `imbot.chat.add`.
pub(super) async fn chat_add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    chat_method(ctx, params, "im.chat.add").await
}

/// `imbot.chat.get`.
pub(super) async fn chat_get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    chat_method(ctx, params, "im.chat.get").await
}

/// `imbot.chat.user.add`.
pub(super) async fn chat_user_add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    chat_method(ctx, params, "im.chat.user.add").await
}

/// `imbot.chat.user.list`.
pub(super) async fn chat_user_list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    chat_method(ctx, params, "im.chat.user.list").await
}

/// `imbot.chat.leave`.
pub(super) async fn chat_leave(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    chat_method(ctx, params, "im.chat.leave").await
}

/// Posts the answer of `bot` to command message `message_id` into that
/// message's chat (the command and message grant it; the bot need not be a
/// member): `MESSAGE`, `ATTACH`, `KEYBOARD`, `MENU`, `SYSTEM` of `fields`.
pub(super) async fn answer(
    ctx: &Ctx,
    bot: &Bot,
    message_id: i64,
    fields: &Params,
) -> Result<i64, ApiError> {
    let message = ctx
        .store
        .message(message_id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::new(ErrorCode::WrongRequest, "Message isn't added"))?;
    let text = fields
        .get("MESSAGE")
        .and_then(value_as_string)
        .map(|t| t.trim().to_owned())
        .unwrap_or_default();
    let inner = bot_ctx(ctx, bot).await?;
    let attach = crate::im::attach::from_params(&inner, fields, "ATTACH")?;
    if text.is_empty() && attach.is_none() {
        return Err(ApiError::from_code(ErrorCode::MessageEmpty));
    }
    let mut map = fields.map().clone();
    with_bot_keyboard(&mut map, bot);
    let fields = Params::new(map);
    let mut extra = Map::new();
    if let Some(attach) = attach {
        extra.insert("ATTACH".into(), attach);
    }
    for (name, value) in [
        ("KEYBOARD", keyboard(&inner, &fields)?),
        ("MENU", menu(&inner, &fields)?),
    ] {
        if let Extra::Set(value) = value {
            extra.insert(name.into(), value);
        }
    }
    let system = fields
        .get("SYSTEM")
        .and_then(value_as_string)
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("Y"));
    post_message(
        &inner,
        NewMessage {
            chat_id: message.chat_id,
            author_id: if system { 0 } else { bot.id },
            text,
            params: Value::Object(extra),
            uuid: None,
            created_at: ctx.clock.now(),
        },
    )
    .await
}

/// `imbot.command.answer`.
pub(super) async fn command_answer(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let owner = classic_owner(&ctx, &params)?;
    let command = find_command(&ctx, &params).await?;
    let bot = ctx
        .store
        .bot_by_id(command.bot_id)
        .await
        .map_err(store_error)?
        .filter(|b| same_owner(&ctx, &b.owner, &owner))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::AppIdError,
                "Command was installed by another rest application",
            )
        })?;
    let message_id = params
        .get("MESSAGE_ID")
        .and_then(php_intval)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::from_code(ErrorCode::MessageIdEmpty))?;
    let id = answer(&ctx, &bot, message_id, &params).await?;
    Ok(MethodOutput::value(json!(id)))
}

/// The command of `COMMAND_ID`, else the caller's command named `COMMAND`.
async fn find_command(ctx: &Ctx, params: &Params) -> Result<BotCommand, ApiError> {
    let not_found = || ApiError::from_code(ErrorCode::CommandIdError);
    if let Some(id) = params
        .get("COMMAND_ID")
        .and_then(php_intval)
        .filter(|i| *i > 0)
    {
        return ctx
            .store
            .bot_command_by_id(id)
            .await
            .map_err(store_error)?
            .ok_or_else(not_found);
    }
    let name = params
        .get("COMMAND")
        .and_then(value_as_string)
        .map(|c| c.trim().trim_start_matches('/').to_owned())
        .filter(|c| !c.is_empty())
        .ok_or_else(not_found)?;
    let owner = classic_owner(ctx, params)?;
    for bot in ctx.store.list_bots().await.map_err(store_error)? {
        if !same_owner(ctx, &bot.owner, &owner) {
            continue;
        }
        let commands = ctx.store.bot_commands(bot.id).await.map_err(store_error)?;
        if let Some(c) = commands
            .into_iter()
            .find(|c| c.command.eq_ignore_ascii_case(&name))
        {
            return Ok(c);
        }
    }
    Err(not_found())
}
