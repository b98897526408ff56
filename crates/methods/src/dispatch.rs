//! Calling a method by name: lookup (any case, `.json` stripped), scope check,
//! then the handler. Used by the HTTP endpoint and by `batch`.

use portico_protocol::params::Params;
use portico_protocol::{ApiError, ErrorCode};

use crate::context::Ctx;
use crate::registry::MethodOutput;

/// Looks the method up, checks the caller's scopes and runs it. Top-level
/// parameters named like list keys (`0`, `1`) are ignored with a leniency warning.
pub async fn call(mut ctx: Ctx, method: &str, params: Params) -> Result<MethodOutput, ApiError> {
    let spec = ctx
        .registry
        .get(method)
        .ok_or_else(|| ApiError::from_code(ErrorCode::MethodNotFound))?;
    if ctx.in_batch && !spec.batchable {
        return Err(ApiError::from_code(ErrorCode::BatchMethodNotAllowed));
    }
    if !spec.granted_by(&ctx.caller.scopes) {
        return Err(ApiError::from_code(ErrorCode::InsufficientScope));
    }
    ctx.method = spec.name;
    // A PHP list sent as the parameters (`[{"fields": …}]`, `0[fields][TITLE]=…`)
    // leaves keys `0`, `1`, … that no method reads: Bitrix24 ignores them.
    for key in params.map().keys() {
        if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
            ctx.ignored("parameter", key);
        }
    }
    (spec.handler)(ctx, params).await
}
