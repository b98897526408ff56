//! Bot commands: classic `imbot.command.register/update/unregister`
//! (reference chat §3.1) and 2.0 `imbot.v2.Command.register/list/unregister`
//! (§9.1). A command is stored without its slash.

use portico_protocol::params::{php_values, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::bots::{Bot, BotCommand, CommandLang};
use portico_store::StoreError;
use serde_json::{json, Value};

use super::access::{classic_bot, classic_owner, same_owner, v2_bot};
use super::input::{flag, handler_url, key, object, text};
use crate::context::Ctx;
use crate::registry::MethodOutput;
use crate::values::{php_intval, store_error};

/// A command as typed: latin letters, digits, `_` and `-`, no spaces, an
/// optional leading slash dropped.
fn command_name(raw: &str) -> Option<String> {
    let name = raw.trim().trim_start_matches('/');
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    valid.then(|| name.to_owned())
}

/// `LANG`: a list of `{LANGUAGE_ID, TITLE, PARAMS}`.
fn langs(value: Option<&Value>) -> Vec<CommandLang> {
    let Some(value) = value else {
        return Vec::new();
    };
    let parsed;
    let value = match value_as_string(value) {
        Some(text) if text.trim_start().starts_with('[') => {
            parsed = serde_json::from_str::<Value>(&text).unwrap_or(Value::Null);
            &parsed
        }
        _ => value,
    };
    php_values(value)
        .into_iter()
        .filter_map(|item| {
            let map = item.as_object()?;
            let field = |k: &str| text(map, k);
            let language_id = field("LANGUAGE_ID");
            (!language_id.is_empty()).then(|| CommandLang {
                language_id,
                title: field("TITLE"),
                params: field("PARAMS"),
            })
        })
        .collect()
}

/// The classic command `COMMAND_ID` names, when its bot is the caller's.
async fn classic_command(ctx: &Ctx, params: &Params) -> Result<BotCommand, ApiError> {
    let owner = classic_owner(ctx, params)?;
    let id = params
        .get("COMMAND_ID")
        .and_then(php_intval)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::from_code(ErrorCode::CommandIdError))?;
    let command = ctx
        .store
        .bot_command_by_id(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::from_code(ErrorCode::CommandIdError))?;
    let bot = ctx
        .store
        .bot_by_id(command.bot_id)
        .await
        .map_err(store_error)?;
    if !bot.is_some_and(|b| same_owner(ctx, &b.owner, &owner)) {
        return Err(ApiError::new(
            ErrorCode::AppIdError,
            "Command was installed by another rest application",
        ));
    }
    Ok(command)
}

/// `imbot.command.register`.
pub(super) async fn register(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let owner = classic_owner(&ctx, &params)?;
    let bot = classic_bot(&ctx, &params, &owner).await?;
    let map = params.map();
    let command = command_name(&text(map, "COMMAND"))
        .ok_or_else(|| ApiError::from_code(ErrorCode::CommandError))?;
    let handler = handler_url(&ctx, map, "EVENT_COMMAND_ADD")
        .map_err(|()| ApiError::from_code(ErrorCode::EventCommandAddError))?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::EventCommandAddError,
                "Handler for \"Command add\" event isn't specified",
            )
        })?;
    let langs = langs(key(map, "LANG"));
    if langs.is_empty() {
        return Err(ApiError::from_code(ErrorCode::LangError));
    }
    let new = BotCommand {
        id: 0,
        bot_id: bot.id,
        command,
        common: flag(map, "COMMON", false),
        hidden: flag(map, "HIDDEN", false),
        extranet_support: flag(map, "EXTRANET_SUPPORT", false),
        langs,
        handler_url: Some(handler),
        created_at: ctx.clock.now(),
    };
    match ctx.store.insert_bot_command(new).await {
        Ok(id) => Ok(MethodOutput::value(json!(id))),
        Err(StoreError::Conflict(_)) => Err(ApiError::new(
            ErrorCode::WrongRequest,
            "Command can't be created",
        )),
        Err(e) => Err(store_error(e)),
    }
}

/// `imbot.command.update`.
pub(super) async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let mut command = classic_command(&ctx, &params).await?;
    let fields = object(params.map(), "FIELDS").unwrap_or_default();
    if fields.is_empty() {
        return Err(ApiError::new(
            ErrorCode::WrongRequest,
            "Update fields can't be empty",
        ));
    }
    if let Some(url) = handler_url(&ctx, &fields, "EVENT_COMMAND_ADD")
        .map_err(|()| ApiError::from_code(ErrorCode::EventCommandAddError))?
    {
        command.handler_url = Some(url);
    }
    command.common = flag(&fields, "COMMON", command.common);
    command.hidden = flag(&fields, "HIDDEN", command.hidden);
    command.extranet_support = flag(&fields, "EXTRANET_SUPPORT", command.extranet_support);
    let new_langs = langs(key(&fields, "LANG"));
    if !new_langs.is_empty() {
        command.langs = new_langs;
    }
    let updated = ctx
        .store
        .update_bot_command(command)
        .await
        .map_err(store_error)?;
    if !updated {
        return Err(ApiError::new(
            ErrorCode::WrongRequest,
            "Command can't be updated",
        ));
    }
    Ok(MethodOutput::value(json!(true)))
}

/// `imbot.command.unregister`.
pub(super) async fn unregister(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let command = classic_command(&ctx, &params).await?;
    let deleted = ctx
        .store
        .delete_bot_command(command.id)
        .await
        .map_err(store_error)?;
    if !deleted {
        return Err(ApiError::new(
            ErrorCode::WrongRequest,
            "Command can't be deleted",
        ));
    }
    Ok(MethodOutput::value(json!(true)))
}

/// A command as 2.0 shows it.
fn v2_command(c: &BotCommand) -> Value {
    let en = c
        .langs
        .iter()
        .find(|l| l.language_id == "en")
        .or(c.langs.first());
    json!({
        "id": c.id,
        "botId": c.bot_id,
        "command": format!("/{}", c.command),
        "common": c.common,
        "hidden": c.hidden,
        "extranetSupport": c.extranet_support,
        "title": en.map_or("", |l| l.title.as_str()),
        "params": en.map_or("", |l| l.params.as_str()),
    })
}

/// `imbot.v2.Command.register`: idempotent per (bot, command); the flat
/// format (fields at the top level) is read too.
pub(super) async fn v2_register(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, bot) = v2_bot(&ctx, &params).await?;
    let fields = object(params.map(), "fields").unwrap_or_else(|| params.map().clone());
    let command = command_name(&text(&fields, "command"))
        .ok_or_else(|| ApiError::from_code(ErrorCode::CommandError))?;
    let existing = ctx.store.bot_commands(bot.id).await.map_err(store_error)?;
    if let Some(found) = existing.iter().find(|c| c.command == command) {
        return Ok(MethodOutput::value(json!({ "command": v2_command(found) })));
    }
    let title = text(&fields, "title");
    let new = BotCommand {
        id: 0,
        bot_id: bot.id,
        command,
        common: flag(&fields, "common", false),
        hidden: flag(&fields, "hidden", false),
        extranet_support: flag(&fields, "extranetSupport", false),
        langs: vec![CommandLang {
            language_id: "en".to_owned(),
            title,
            params: text(&fields, "params"),
        }],
        handler_url: None,
        created_at: ctx.clock.now(),
    };
    let id = ctx
        .store
        .insert_bot_command(new.clone())
        .await
        .map_err(store_error)?;
    let stored = BotCommand { id, ..new };
    Ok(MethodOutput::value(
        json!({ "command": v2_command(&stored) }),
    ))
}

/// `imbot.v2.Command.list`.
pub(super) async fn v2_list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, bot) = v2_bot(&ctx, &params).await?;
    let commands = ctx.store.bot_commands(bot.id).await.map_err(store_error)?;
    let list: Vec<Value> = commands.iter().map(v2_command).collect();
    Ok(MethodOutput::value(json!({ "commands": list })))
}

/// The 2.0 command `commandId` names, when it is `bot`'s.
pub(super) async fn v2_command_of(
    ctx: &Ctx,
    params: &Params,
    bot: &Bot,
) -> Result<BotCommand, ApiError> {
    let id = params
        .get("commandId")
        .and_then(php_intval)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::from_code(ErrorCode::CommandNotFound))?;
    ctx.store
        .bot_command_by_id(id)
        .await
        .map_err(store_error)?
        .filter(|c| c.bot_id == bot.id)
        .ok_or_else(|| ApiError::from_code(ErrorCode::CommandNotFound))
}

/// `imbot.v2.Command.unregister`.
pub(super) async fn v2_unregister(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, bot) = v2_bot(&ctx, &params).await?;
    let command = v2_command_of(&ctx, &params, &bot).await?;
    ctx.store
        .delete_bot_command(command.id)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!(true)))
}
