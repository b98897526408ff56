//! Calling a method by name: lookup (any case, `.json` stripped), scope check,
//! then the handler. Used by the HTTP endpoint and by `batch`.

use portico_protocol::params::Params;
use portico_protocol::{ApiError, ErrorCode};

use crate::context::Ctx;
use crate::registry::MethodOutput;

/// Looks the method up, checks the caller's scopes and runs it.
pub async fn call(ctx: Ctx, method: &str, params: Params) -> Result<MethodOutput, ApiError> {
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
    (spec.handler)(ctx, params).await
}
