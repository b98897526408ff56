//! Classic bots (reference chat §3.1, rest §12.2): `imbot.register`,
//! `imbot.unregister`, `imbot.update`, `imbot.bot.list`.

use portico_protocol::params::Params;
use portico_protocol::{ApiError, ErrorCode};
use portico_store::bots::{
    Bot, BotFlags, BotHandlers, BotOwner, BotProfile, BotType, EventMode, MAX_CLASSIC_BOTS,
};
use portico_store::secrets::new_application_token;
use portico_store::StoreError;
use serde_json::{json, Map, Value};

use super::access::{classic_bot, classic_owner, same_owner, session_refused};
use super::input::{classic_profile, handler_url, object, text};
use crate::context::{AuthKind, Ctx};
use crate::registry::MethodOutput;
use crate::values::store_error;

/// The five handler keys with their error codes and event names.
const HANDLER_KEYS: [(&str, ErrorCode, &str); 5] = [
    (
        "EVENT_MESSAGE_ADD",
        ErrorCode::EventMessageAddError,
        "Message add",
    ),
    (
        "EVENT_MESSAGE_UPDATE",
        ErrorCode::EventMessageUpdateError,
        "Message update",
    ),
    (
        "EVENT_MESSAGE_DELETE",
        ErrorCode::EventMessageDeleteError,
        "Message delete",
    ),
    (
        "EVENT_WELCOME_MESSAGE",
        ErrorCode::EventWelcomeMessageError,
        "Welcome message",
    ),
    (
        "EVENT_BOT_DELETE",
        ErrorCode::EventBotDeleteError,
        "Bot delete",
    ),
];

/// The handler URLs given in `map` over `base` (`EVENT_HANDLER` fills every
/// one); a URL the check refuses is that key's `…_ERROR`.
fn read_handlers(
    ctx: &Ctx,
    map: &Map<String, Value>,
    base: BotHandlers,
) -> Result<BotHandlers, ApiError> {
    let common = handler_url(ctx, map, "EVENT_HANDLER")
        .map_err(|()| ApiError::from_code(ErrorCode::EventMessageAddError))?;
    let mut urls = [
        base.message_add,
        base.message_update,
        base.message_delete,
        base.welcome_message,
        base.bot_delete,
    ];
    for (slot, (name, code, _)) in urls.iter_mut().zip(HANDLER_KEYS) {
        let given = handler_url(ctx, map, name).map_err(|()| ApiError::from_code(code))?;
        if let Some(url) = given.or_else(|| common.clone()) {
            *slot = Some(url);
        }
    }
    let [message_add, message_update, message_delete, welcome_message, bot_delete] = urls;
    Ok(BotHandlers {
        message_add,
        message_update,
        message_delete,
        welcome_message,
        bot_delete,
    })
}

/// `Handler for "…" event isn't specified`.
fn missing_handler(code: ErrorCode, event: &str) -> ApiError {
    ApiError::new(
        code,
        format!("Handler for \"{event}\" event isn't specified"),
    )
}

/// `imbot.register`.
pub(super) async fn register(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let owner = classic_owner(&ctx, &params)?;
    let map = params.map();
    let code = text(map, "CODE");
    if code.is_empty() {
        return Err(ApiError::from_code(ErrorCode::CodeError));
    }
    let bot_type = match text(map, "TYPE").as_str() {
        "" => BotType::Bot,
        letter => BotType::from_letter(letter)
            .filter(|t| *t != BotType::Personal)
            .unwrap_or_else(|| {
                ctx.ignored("unknown bot type", letter);
                BotType::Bot
            }),
    };
    let openline = bot_type == BotType::Openline || super::input::flag(map, "OPENLINE", false);
    let mut handlers = read_handlers(&ctx, map, BotHandlers::default())?;
    for (slot, (_, code, event)) in [
        (&handlers.message_add, HANDLER_KEYS[0]),
        (&handlers.welcome_message, HANDLER_KEYS[3]),
        (&handlers.bot_delete, HANDLER_KEYS[4]),
    ] {
        if slot.is_none() {
            return Err(missing_handler(code, event));
        }
    }
    if matches!(bot_type, BotType::Bot | BotType::Human) && !openline {
        for (slot, key) in [
            (&mut handlers.message_update, "EVENT_MESSAGE_UPDATE"),
            (&mut handlers.message_delete, "EVENT_MESSAGE_DELETE"),
        ] {
            if slot.take().is_some() {
                ctx.ignored(
                    "handler bound later with imbot.update for this bot type",
                    key,
                );
            }
        }
    }
    let props = object(map, "PROPERTIES").unwrap_or_default();
    let profile = classic_profile(&ctx, &props, BotProfile::default());
    if profile.name.is_empty() && profile.last_name.is_empty() {
        return Err(ApiError::from_code(ErrorCode::NameError));
    }
    let bots = ctx.store.list_bots().await.map_err(store_error)?;
    if let Some(existing) = bots.iter().find(|b| b.code == code) {
        return if same_owner(&ctx, &existing.owner, &owner) {
            Ok(MethodOutput::value(json!(existing.id)))
        } else {
            Err(ApiError::new(
                ErrorCode::WrongRequest,
                "Bot can't be created",
            ))
        };
    }
    let siblings: Vec<&Bot> = bots
        .iter()
        .filter(|b| b.api_version == 1 && same_owner(&ctx, &b.owner, &owner))
        .collect();
    if siblings.len() >= MAX_CLASSIC_BOTS {
        return Err(ApiError::from_code(ErrorCode::MaxCountError));
    }
    if let Some(first) = siblings.first() {
        for (mine, theirs, (_, code, _)) in [
            (
                &handlers.message_add,
                &first.handlers.message_add,
                HANDLER_KEYS[0],
            ),
            (
                &handlers.welcome_message,
                &first.handlers.welcome_message,
                HANDLER_KEYS[3],
            ),
            (
                &handlers.bot_delete,
                &first.handlers.bot_delete,
                HANDLER_KEYS[4],
            ),
        ] {
            if mine != theirs {
                return Err(ApiError::from_code(code));
            }
        }
    }
    let application_token_sealed = match owner {
        BotOwner::App(_) => Vec::new(),
        BotOwner::Webhook { .. } => ctx.secrets.encrypt(&new_application_token()),
    };
    let bot = Bot {
        id: 0,
        code,
        bot_type,
        openline,
        owner,
        api_version: 1,
        handlers,
        event_mode: EventMode::Webhook,
        webhook_url: None,
        token_hash: None,
        application_token_sealed,
        profile,
        flags: BotFlags::default(),
        created_by: ctx.caller.user.id,
        created_at: ctx.clock.now(),
    };
    match ctx.store.insert_bot(bot).await {
        Ok(id) => Ok(MethodOutput::value(json!(id))),
        Err(StoreError::Conflict(_)) => Err(ApiError::new(
            ErrorCode::WrongRequest,
            "Bot can't be created",
        )),
        Err(e) => Err(store_error(e)),
    }
}

/// `imbot.unregister`.
pub(super) async fn unregister(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let owner = classic_owner(&ctx, &params)?;
    let bot = classic_bot(&ctx, &params, &owner).await?;
    let deleted = ctx
        .store
        .delete_bot(bot.id, ctx.event_stamp())
        .await
        .map_err(store_error)?;
    if !deleted {
        return Err(ApiError::new(
            ErrorCode::WrongRequest,
            "Bot can't be deleted",
        ));
    }
    Ok(MethodOutput::value(json!(true)))
}

/// `imbot.update`.
pub(super) async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let owner = classic_owner(&ctx, &params)?;
    let mut bot = classic_bot(&ctx, &params, &owner).await?;
    let fields = object(params.map(), "FIELDS").unwrap_or_default();
    if fields.is_empty() {
        return Err(ApiError::new(
            ErrorCode::WrongRequest,
            "Update fields can't be empty",
        ));
    }
    for key in ["TYPE", "OPENLINE"] {
        if super::input::key(&fields, key).is_some() {
            ctx.ignored("a bot's type cannot change", key);
        }
    }
    let code = text(&fields, "CODE");
    if !code.is_empty() {
        bot.code = code;
    }
    bot.handlers = read_handlers(&ctx, &fields, bot.handlers)?;
    if let Some(props) = object(&fields, "PROPERTIES") {
        bot.profile = classic_profile(&ctx, &props, bot.profile);
        if bot.profile.name.is_empty() && bot.profile.last_name.is_empty() {
            return Err(ApiError::from_code(ErrorCode::NameError));
        }
    }
    match ctx.store.update_bot(bot).await {
        Ok(true) => Ok(MethodOutput::value(json!(true))),
        Ok(false) | Err(StoreError::Conflict(_)) => Err(ApiError::new(
            ErrorCode::WrongRequest,
            "Bot can't be updated",
        )),
        Err(e) => Err(store_error(e)),
    }
}

/// `imbot.bot.list`: every bot of the portal, keyed by id.
pub(super) async fn list(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    if ctx.caller.auth == AuthKind::WebSession {
        return Err(session_refused());
    }
    let bots = ctx.store.list_bots().await.map_err(store_error)?;
    if bots.is_empty() {
        return Ok(MethodOutput::value(json!([])));
    }
    let listed: Map<String, Value> = bots
        .iter()
        .map(|b| {
            let name = [b.profile.name.as_str(), b.profile.last_name.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            (
                b.id.to_string(),
                json!({
                    "ID": b.id,
                    "NAME": name,
                    "CODE": b.code,
                    "OPENLINE": if b.openline { "Y" } else { "N" },
                }),
            )
        })
        .collect();
    Ok(MethodOutput::value(Value::Object(listed)))
}
