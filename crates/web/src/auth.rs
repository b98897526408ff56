//! REST authentication. Inbound webhooks: `/rest/{user_id}/{secret}/…`; the
//! secret is looked up by its keyed hash and checked in constant time; the
//! path's user id must be the webhook's owner, the webhook unexpired and the
//! user active. Applications: an OAuth access token (`auth` parameter or
//! `Authorization: Bearer`), found by its keyed hash; an unknown token is
//! `invalid_token` (something that is not token-shaped `NO_AUTH_FOUND`), an
//! expired one `expired_token` (clients refresh on it), a
//! deactivated user `authorization_error`. Neither secrets, tokens nor the
//! path are ever logged.

use std::sync::Arc;

use portico_methods::{AuthKind, Caller};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::secrets::{is_oauth_token_shape, is_webhook_secret_shape};
use subtle::ConstantTimeEq;

use crate::state::AppState;

/// Resolves a webhook path to the caller it acts as.
pub async fn webhook(
    state: &AppState,
    user_id: &str,
    secret: &str,
) -> Result<Arc<Caller>, ApiError> {
    let denied = || ApiError::from_code(ErrorCode::InvalidCredentials);
    // Only the canonical decimal form names a user: `01`, `+1`, ` 1` do not.
    let canonical = !user_id.is_empty()
        && user_id.len() <= 18
        && !user_id.starts_with('0')
        && user_id.bytes().all(|b| b.is_ascii_digit());
    if !canonical {
        return Err(denied());
    }
    let user_id: i64 = user_id.parse().map_err(|_| denied())?;
    if !is_webhook_secret_shape(secret) {
        return Err(denied());
    }
    let hash = state.secrets.lookup_hash(secret);
    let (hook, user) = state
        .store
        .webhook_by_hash(&hash)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "webhook lookup failed");
            ApiError::internal()
        })?
        .ok_or_else(denied)?;
    if !state.secrets.verify(secret, &hook.secret_hash)
        || !bool::from(hook.user_id.to_le_bytes().ct_eq(&user_id.to_le_bytes()))
    {
        return Err(denied());
    }
    if hook.expires_at.is_some_and(|at| at <= state.clock.now()) {
        return Err(ApiError::new(
            ErrorCode::InvalidCredentials,
            "The webhook has expired",
        ));
    }
    if !user.active {
        return Err(ApiError::from_code(ErrorCode::AuthorizationError));
    }
    Ok(Arc::new(Caller::new(
        user,
        hook.scopes,
        AuthKind::Webhook { id: hook.id },
    )))
}

/// Resolves an application's access token to the caller it acts as: the
/// token's user, with the application's scopes and the call's
/// `auth_connector`.
pub async fn access_token(
    state: &AppState,
    token: &str,
    auth_connector: Option<String>,
) -> Result<Arc<Caller>, ApiError> {
    let invalid = || ApiError::from_code(ErrorCode::InvalidToken);
    if !is_oauth_token_shape(token) {
        // Not a token at all: Bitrix24's "wrong authorization data".
        return Err(ApiError::from_code(ErrorCode::NoAuthFound));
    }
    let hash = state.secrets.lookup_hash(token);
    let grant = state
        .store
        .grant_by_access_hash(&hash)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "access token lookup failed");
            ApiError::internal()
        })?
        .ok_or_else(invalid)?;
    if grant.expires_at <= state.clock.now() {
        return Err(ApiError::from_code(ErrorCode::ExpiredToken));
    }
    if !grant.user.active {
        return Err(ApiError::from_code(ErrorCode::AuthorizationError));
    }
    Ok(Arc::new(
        Caller::new(
            grant.user,
            grant.app.scopes,
            AuthKind::App { id: grant.app.id },
        )
        .with_auth_connector(auth_connector),
    ))
}

/// The token of an `Authorization: Bearer …` header, if any.
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}
