//! Inbound-webhook authentication: `/rest/{user_id}/{secret}/…`. The secret is
//! looked up by its keyed hash and checked in constant time; the path's user id
//! must be the webhook's owner, the webhook unexpired and the user active.
//! Neither the secret nor the path is ever logged.

use std::sync::Arc;

use portico_methods::{AuthKind, Caller};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::secrets::is_webhook_secret_shape;
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
