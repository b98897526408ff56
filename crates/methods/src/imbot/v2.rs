//! Chatbots 2.0 (reference chat §9): `imbot.v2.Bot.register/update/get/
//! list/unregister`, `imbot.v2.Event.get` (the fetch queue; an `offset`
//! acknowledges every event below it) and `imbot.v2.Revision.get`.

use portico_protocol::envelope::format_datetime;
use portico_protocol::params::Params;
use portico_protocol::{ApiError, ErrorCode};
use portico_store::bots::payload::v2_bot_object;
use portico_store::bots::{
    Bot, BotFlags, BotHandlers, BotOwner, BotProfile, BotType, EventMode, MAX_V2_BOTS,
};
use portico_store::secrets::new_application_token;
use portico_store::StoreError;
use serde_json::{json, Value};

use super::access::{bot_token, v2_bot, V2Caller};
use super::input::{flag, key, object, text, v2_profile};
use crate::context::Ctx;
use crate::im::render::{color_hex, color_of_id};
use crate::registry::MethodOutput;
use crate::values::{php_intval, store_error};

/// The longest `botToken`.
const MAX_TOKEN_CHARS: usize = 40;

/// The chat backgrounds a bot may have.
const BACKGROUNDS: [&str; 9] = [
    "azure",
    "mint",
    "steel",
    "slate",
    "teal",
    "cornflower",
    "sky",
    "peach",
    "frost",
];

/// The API revision this server speaks (`imbot.v2.Revision.get`).
const REVISION: i64 = 36;

/// The 2.0 user object of a bot.
fn bot_user(bot: &Bot) -> Value {
    let p = &bot.profile;
    let full = [p.name.as_str(), p.last_name.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    json!({
        "id": bot.id,
        "active": true,
        "name": full,
        "firstName": p.name,
        "lastName": p.last_name,
        "workPosition": p.work_position,
        "color": color_hex(if p.color.is_empty() { color_of_id(bot.id) } else { &p.color }),
        "avatar": "",
        "gender": p.gender,
        "birthday": p.birthday,
        "extranet": false,
        "bot": true,
        "connector": false,
        "externalAuthId": "bot",
        "status": "online",
        "idle": false,
        "lastActivityDate": false,
        "absent": false,
        "departments": [],
        "phones": false,
        "type": "bot",
        "website": p.www,
        "email": p.email,
    })
}

/// `{bot, users}` of one bot.
fn bot_answer(bot: &Bot) -> MethodOutput {
    MethodOutput::value(json!({ "bot": v2_bot_object(bot), "users": [bot_user(bot)] }))
}

/// A checked `webhookUrl` (`BOT_INVALID_CALLBACK` when refused).
fn webhook_url(
    ctx: &Ctx,
    fields: &serde_json::Map<String, Value>,
) -> Result<Option<String>, ApiError> {
    super::input::handler_url(ctx, fields, "webhookUrl")
        .map_err(|()| ApiError::from_code(ErrorCode::BotInvalidCallback))
}

/// Applies the flags, mode and URL of `fields` to `bot`.
fn apply_settings(
    ctx: &Ctx,
    fields: &serde_json::Map<String, Value>,
    bot: &mut Bot,
) -> Result<(), ApiError> {
    if key(fields, "eventMode").is_some() {
        bot.event_mode = EventMode::parse(&text(fields, "eventMode"))
            .ok_or_else(|| ApiError::from_code(ErrorCode::BotInvalidEventMode))?;
    }
    if let Some(url) = webhook_url(ctx, fields)? {
        bot.webhook_url = Some(url);
    }
    if bot.event_mode == EventMode::Webhook && bot.webhook_url.is_none() {
        return Err(ApiError::from_code(ErrorCode::BotWebhookUrlRequired));
    }
    bot.flags.hidden = flag(fields, "isHidden", bot.flags.hidden);
    bot.flags.reactions_enabled = flag(fields, "isReactionsEnabled", bot.flags.reactions_enabled);
    bot.flags.support_openline = flag(fields, "isSupportOpenline", bot.flags.support_openline);
    if key(fields, "backgroundId").is_some() {
        let id = text(fields, "backgroundId");
        bot.flags.background_id = BACKGROUNDS.contains(&id.as_str()).then_some(id);
    }
    Ok(())
}

/// A checked `botToken` (at most 40 characters).
fn checked_token(token: &str) -> Result<&str, ApiError> {
    if token.chars().count() > MAX_TOKEN_CHARS {
        return Err(ApiError::from_code(ErrorCode::BotTokenInvalidLength));
    }
    Ok(token)
}

/// `imbot.v2.Bot.register`: idempotent by code for its owner.
pub(super) async fn register(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let fields = object(params.map(), "fields").unwrap_or_default();
    let token = Some(text(&fields, "botToken")).or_else(|| bot_token(&params));
    let caller = V2Caller::of(&ctx, token.filter(|t| !t.is_empty()))?;
    let token = match &caller {
        V2Caller::Webhook { token: None, .. } => {
            return Err(ApiError::from_code(ErrorCode::BotTokenNotSpecified))
        }
        V2Caller::Webhook { token: Some(t), .. } => Some(checked_token(t)?.to_owned()),
        V2Caller::App(_) => None,
    };
    let code = text(&fields, "code");
    if code.is_empty() {
        return Err(ApiError::from_code(ErrorCode::BotCodeRequired));
    }
    let props = object(&fields, "properties").unwrap_or_default();
    let profile = v2_profile(&ctx, &props, BotProfile::default());
    if profile.name.is_empty() {
        return Err(ApiError::from_code(ErrorCode::BotPropertiesRequired));
    }
    if let Some(existing) = ctx.store.bot_by_code(&code).await.map_err(store_error)? {
        if existing.owner.clone() == caller.owner() || caller.owns(&ctx, &existing) {
            return Ok(bot_answer(&existing));
        }
        return Err(ApiError::from_code(ErrorCode::BotCodeAlreadyTaken));
    }
    let bot_type = match text(&fields, "type").as_str() {
        "" => BotType::Bot,
        name => BotType::from_v2_name(name)
            .ok_or_else(|| ApiError::from_code(ErrorCode::BotInvalidType))?,
    };
    let owner = caller.owner();
    let mut bot = Bot {
        id: 0,
        code,
        bot_type,
        openline: bot_type == BotType::Openline,
        owner: owner.clone(),
        api_version: 2,
        handlers: BotHandlers::default(),
        event_mode: EventMode::Fetch,
        webhook_url: None,
        token_hash: token.as_deref().map(|t| ctx.secrets.lookup_hash(t)),
        application_token_sealed: match owner {
            BotOwner::App(_) => Vec::new(),
            BotOwner::Webhook { .. } => ctx.secrets.encrypt(&new_application_token()),
        },
        profile,
        flags: BotFlags::default(),
        created_by: ctx.caller.user.id,
        created_at: ctx.clock.now(),
    };
    apply_settings(&ctx, &fields, &mut bot)?;
    let bots = ctx.store.list_bots().await.map_err(store_error)?;
    let mine = bots
        .iter()
        .filter(|b| b.api_version >= 2 && b.owner == owner)
        .count();
    if mine >= MAX_V2_BOTS {
        return Err(ApiError::from_code(ErrorCode::BotLimitExceeded));
    }
    match ctx.store.insert_bot(bot.clone()).await {
        Ok(id) => Ok(bot_answer(&Bot { id, ..bot })),
        Err(StoreError::Conflict(name)) if name == "bots_code" => {
            Err(ApiError::from_code(ErrorCode::BotCodeAlreadyTaken))
        }
        Err(StoreError::Conflict(_)) => Err(ApiError::from_code(ErrorCode::BotRegisterFailed)),
        Err(e) => Err(store_error(e)),
    }
}

/// `imbot.v2.Bot.update`: profile, flags, mode, URL, and `botToken`
/// rotation (the old token stops working at once).
pub(super) async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, mut bot) = v2_bot(&ctx, &params).await?;
    let fields = object(params.map(), "fields").unwrap_or_default();
    if let Some(props) = object(&fields, "properties") {
        bot.profile = v2_profile(&ctx, &props, bot.profile);
    }
    apply_settings(&ctx, &fields, &mut bot)?;
    let new_token = text(&fields, "botToken");
    let rotated = !new_token.is_empty() && matches!(bot.owner, BotOwner::Webhook { .. });
    if rotated {
        bot.token_hash = Some(ctx.secrets.lookup_hash(checked_token(&new_token)?));
        bot.application_token_sealed = ctx.secrets.encrypt(&new_application_token());
    }
    match ctx.store.update_bot(bot.clone()).await {
        Ok(_) => Ok(MethodOutput::value(json!({ "bot": v2_bot_object(&bot) }))),
        Err(StoreError::Conflict(_)) if rotated => {
            Err(ApiError::from_code(ErrorCode::BotTokenRotationFailed))
        }
        Err(e) => Err(store_error(e)),
    }
}

/// `imbot.v2.Bot.get`.
pub(super) async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, bot) = v2_bot(&ctx, &params).await?;
    Ok(bot_answer(&bot))
}

/// `imbot.v2.Bot.list`: the caller's bots, `filter.type`, `limit` (50),
/// `offset`.
pub(super) async fn list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let caller = V2Caller::of(&ctx, bot_token(&params))?;
    let owner = caller.owner();
    let filter = object(params.map(), "filter").unwrap_or_default();
    let wanted = text(&filter, "type");
    let limit = params
        .get("limit")
        .and_then(php_intval)
        .filter(|l| *l > 0)
        .unwrap_or(50)
        .min(1000);
    let offset = params
        .get("offset")
        .and_then(php_intval)
        .unwrap_or(0)
        .max(0);
    let bots: Vec<Bot> = ctx
        .store
        .list_bots()
        .await
        .map_err(store_error)?
        .into_iter()
        .filter(|b| match (&b.owner, &owner) {
            (BotOwner::App(a), BotOwner::App(c)) => a == c,
            (BotOwner::Webhook { webhook_id: a, .. }, BotOwner::Webhook { webhook_id: c, .. }) => {
                a == c
            }
            _ => false,
        })
        .filter(|b| wanted.is_empty() || b.bot_type.v2_name() == wanted)
        .collect();
    let start = usize::try_from(offset).unwrap_or(usize::MAX);
    let size = usize::try_from(limit).unwrap_or(50);
    let page: Vec<&Bot> = bots.iter().skip(start).take(size).collect();
    let has_next = bots.len() > start.saturating_add(size);
    Ok(MethodOutput::value(json!({
        "bots": page.iter().map(|b| v2_bot_object(b)).collect::<Vec<_>>(),
        "users": page.iter().map(|b| bot_user(b)).collect::<Vec<_>>(),
        "hasNextPage": has_next,
    })))
}

/// `imbot.v2.Bot.unregister`.
pub(super) async fn unregister(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, bot) = v2_bot(&ctx, &params).await?;
    ctx.store
        .delete_bot(bot.id, ctx.event_stamp())
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!(true)))
}

/// `imbot.v2.Event.get`: the bot's queued events from `offset` (those below
/// it are acknowledged), at most `limit` (1–1000, default 100).
pub(super) async fn event_get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, bot) = v2_bot(&ctx, &params).await?;
    if params
        .get("withUserEvents")
        .and_then(portico_protocol::params::value_as_bool)
        .unwrap_or(false)
    {
        let code = if ctx.caller.scopes.iter().any(|s| s == "im") {
            ErrorCode::UserNotSubscribed
        } else {
            ErrorCode::ScopeError
        };
        return Err(ApiError::from_code(code));
    }
    let offset = params.get("offset").and_then(php_intval).filter(|o| *o > 0);
    let limit = params
        .get("limit")
        .and_then(php_intval)
        .unwrap_or(100)
        .clamp(1, 1000);
    let wanted = usize::try_from(limit).unwrap_or(100);
    let mut events = ctx
        .store
        .fetch_bot_events(bot.id, offset, wanted + 1, ctx.clock.now())
        .await
        .map_err(store_error)?;
    let has_more = events.len() > wanted;
    events.truncate(wanted);
    let next = events.last().map_or(offset.unwrap_or(0), |e| e.id + 1);
    let list: Vec<Value> = events
        .into_iter()
        .map(|e| {
            json!({
                "eventId": e.id,
                "type": e.code,
                "date": format_datetime(e.created_at, ctx.clock.offset),
                "data": e.data,
            })
        })
        .collect();
    Ok(MethodOutput::value(json!({
        "events": list,
        "nextOffset": next,
        "hasMore": has_more,
    })))
}

/// `imbot.v2.Revision.get`.
pub(super) async fn revision(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    V2Caller::of(&ctx, None)?;
    Ok(MethodOutput::value(json!({
        "rest": REVISION,
        "web": 130,
        "mobile": 23,
        "desktop": 6,
    })))
}
