//! Who may act as a bot. Session authorization is refused by every `imbot`
//! method. Classic calls: an application acts for its own bots; a webhook
//! must name the `CLIENT_ID` its bot was registered with. 2.0 calls: an
//! application's bots by its OAuth token; a webhook's bot by `botToken` too.

use portico_protocol::params::Params;
use portico_protocol::{ApiError, ErrorCode};
use portico_store::bots::{Bot, BotOwner};

use crate::context::{AuthKind, Ctx};
use crate::values::{param_string, php_intval, store_error};

/// The refusal of session authorization.
pub(super) fn session_refused() -> ApiError {
    ApiError::new(
        ErrorCode::WrongAuthType,
        "Access for this method not allowed by session authorization.",
    )
}

/// The caller's classic identity: its application, or its webhook with the
/// `CLIENT_ID` it names.
pub(super) fn classic_owner(ctx: &Ctx, params: &Params) -> Result<BotOwner, ApiError> {
    match ctx.caller.auth {
        AuthKind::WebSession => Err(session_refused()),
        AuthKind::App { id } => Ok(BotOwner::App(id)),
        AuthKind::Webhook { id } => {
            let client_id = param_string(params, "CLIENT_ID")
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::AccessDenied,
                        "Access denied! Client ID not specified",
                    )
                })?;
            Ok(BotOwner::Webhook {
                webhook_id: id,
                client_id: Some(client_id),
            })
        }
    }
}

/// Whether a bot registered by `owner` is `caller`'s (a webhook's
/// `CLIENT_ID` compared in constant time).
pub(super) fn same_owner(ctx: &Ctx, owner: &BotOwner, caller: &BotOwner) -> bool {
    match (owner, caller) {
        (BotOwner::App(a), BotOwner::App(b)) => a == b,
        (
            BotOwner::Webhook {
                webhook_id: a,
                client_id: Some(stored),
            },
            BotOwner::Webhook {
                webhook_id: b,
                client_id: Some(given),
            },
        ) => a == b && ctx.secrets.verify(given, &ctx.secrets.lookup_hash(stored)),
        _ => false,
    }
}

/// The classic bot `BOT_ID` names, when it is the caller's: `BOT_ID_ERROR`
/// for none, `APP_ID_ERROR` for another's.
pub(super) async fn classic_bot(
    ctx: &Ctx,
    params: &Params,
    caller: &BotOwner,
) -> Result<Bot, ApiError> {
    let id = params
        .get("BOT_ID")
        .and_then(php_intval)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::from_code(ErrorCode::BotIdError))?;
    let bot = ctx
        .store
        .bot_by_id(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::from_code(ErrorCode::BotIdError))?;
    if !same_owner(ctx, &bot.owner, caller) {
        return Err(ApiError::from_code(ErrorCode::AppIdError));
    }
    Ok(bot)
}

/// The caller's 2.0 identity: its application, or its webhook with the
/// `botToken` it gives (top level, or `fields.botToken` at registration).
#[derive(Clone, Debug)]
pub(super) enum V2Caller {
    /// A local application.
    App(i64),
    /// An inbound webhook and the token it gave.
    Webhook {
        /// Webhook id.
        id: i64,
        /// The `botToken`, when given.
        token: Option<String>,
    },
}

impl V2Caller {
    /// The caller of this call.
    pub(super) fn of(ctx: &Ctx, token: Option<String>) -> Result<V2Caller, ApiError> {
        match ctx.caller.auth {
            AuthKind::WebSession => Err(session_refused()),
            AuthKind::App { id } => Ok(V2Caller::App(id)),
            AuthKind::Webhook { id } => Ok(V2Caller::Webhook {
                id,
                token: token.filter(|t| !t.is_empty()),
            }),
        }
    }

    /// The owner a bot registered by this caller has.
    pub(super) fn owner(&self) -> BotOwner {
        match self {
            V2Caller::App(id) => BotOwner::App(*id),
            V2Caller::Webhook { id, .. } => BotOwner::Webhook {
                webhook_id: *id,
                client_id: None,
            },
        }
    }

    /// Whether this caller registered `bot`: the same application, or the
    /// same webhook with the bot's token.
    pub(super) fn owns(&self, ctx: &Ctx, bot: &Bot) -> bool {
        match (self, &bot.owner) {
            (V2Caller::App(a), BotOwner::App(b)) => a == b,
            (V2Caller::Webhook { id, token }, BotOwner::Webhook { webhook_id, .. }) => {
                id == webhook_id
                    && match (token, &bot.token_hash) {
                        (Some(token), Some(hash)) => ctx.secrets.verify(token, hash),
                        _ => false,
                    }
            }
            _ => false,
        }
    }
}

/// The top-level `botToken` of a 2.0 call.
pub(super) fn bot_token(params: &Params) -> Option<String> {
    param_string(params, "botToken").map(|t| t.trim().to_owned())
}

/// The 2.0 bot `botId` names, when the caller registered it: for a webhook
/// `BOT_TOKEN_NOT_SPECIFIED` first, then `BOT_ID_REQUIRED`, `BOT_NOT_FOUND`
/// and `BOT_OWNERSHIP_ERROR`.
pub(super) async fn v2_bot(ctx: &Ctx, params: &Params) -> Result<(V2Caller, Bot), ApiError> {
    let caller = V2Caller::of(ctx, bot_token(params))?;
    if matches!(caller, V2Caller::Webhook { token: None, .. }) {
        return Err(ApiError::from_code(ErrorCode::BotTokenNotSpecified));
    }
    let id = params
        .get("botId")
        .and_then(php_intval)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::from_code(ErrorCode::BotIdRequired))?;
    let bot = ctx
        .store
        .bot_by_id(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::from_code(ErrorCode::BotNotFound))?;
    if !caller.owns(ctx, &bot) {
        return Err(ApiError::from_code(ErrorCode::BotOwnershipError));
    }
    Ok((caller, bot))
}
