//! Fault injection: `POST /sandbox/faults` with
//! `{"method": "crm.lead.get", "integration": "webhook:1", "times": 2,
//! "error": "QUERY_LIMIT_EXCEEDED"}` (method and integration optional, `times`
//! 1 by default, `"delay_ms"` instead of or beside an error) makes the next
//! matching REST calls answer that error exactly as Bitrix24 answers it, or
//! wait first; `GET` lists what is armed, `DELETE` disarms everything.
//!
//! A fault matches the method of the HTTP call (a `batch` is one call named
//! `batch`) and the integration as the logs name it (`webhook:ID`, `app:ID`).
//! Faults are rows in the store, so they survive nothing a reset undoes.

use std::time::Duration;

use axum::extract::State;
use axum::response::Response;
use portico_protocol::{ApiError, ErrorCode};
use portico_store::{Fault, NewFault};
use serde_json::{json, Value};

use super::{answer, bad_request, store_failed, Admitted, JsonBody};
use crate::state::AppState;

/// The errors a fault may answer with.
const FAULT_ERRORS: [ErrorCode; 6] = [
    ErrorCode::QueryLimitExceeded,
    ErrorCode::OperationTimeLimit,
    ErrorCode::ExpiredToken,
    ErrorCode::InvalidToken,
    ErrorCode::Internal,
    ErrorCode::AccessDenied,
];

/// Most matching calls one fault answers.
const MAX_TIMES: i64 = 100_000;

/// Most faults armed at once.
const MAX_ARMED: usize = 1_000;

/// Longest delay, in milliseconds (past the client timeouts anyone sets).
const MAX_DELAY_MS: i64 = 600_000;

/// `GET /sandbox/faults`.
pub(super) async fn list(State(state): State<AppState>, _admitted: Admitted) -> Response {
    match state.store.armed_faults().await {
        Ok(faults) => answer(json!({"faults": faults.iter().map(shown).collect::<Vec<_>>()})),
        Err(e) => store_failed(e),
    }
}

/// `POST /sandbox/faults`.
pub(super) async fn arm(
    State(state): State<AppState>,
    _admitted: Admitted,
    JsonBody(body): JsonBody,
) -> Response {
    let fault = match parse(&state, &body) {
        Ok(fault) => fault,
        Err(why) => return bad_request(why),
    };
    match state.store.armed_faults().await {
        Ok(armed) if armed.len() >= MAX_ARMED => {
            return bad_request(format!(
                "{MAX_ARMED} faults are armed already; DELETE /sandbox/faults to start again"
            ))
        }
        Ok(_) => {}
        Err(e) => return store_failed(e),
    }
    match state.store.arm_fault(&fault).await {
        Ok(armed) => {
            tracing::info!(fault = armed.id, method = ?armed.method, "sandbox fault armed");
            answer(json!({"fault": shown(&armed)}))
        }
        Err(e) => store_failed(e),
    }
}

/// `DELETE /sandbox/faults`.
pub(super) async fn clear(State(state): State<AppState>, _admitted: Admitted) -> Response {
    match state.store.clear_faults().await {
        Ok(cleared) => answer(json!({"cleared": cleared})),
        Err(e) => store_failed(e),
    }
}

/// A fault as the API shows it.
fn shown(fault: &Fault) -> Value {
    json!({
        "id": fault.id,
        "method": fault.method,
        "integration": fault.integration,
        "remaining": fault.remaining,
        "error": fault.error,
        "delay_ms": fault.delay_ms,
    })
}

/// The fault a request body asks for, or why it cannot be armed.
fn parse(state: &AppState, body: &Value) -> Result<NewFault, String> {
    let object = body.as_object().ok_or("the body is a JSON object")?;
    if let Some(unknown) = object
        .keys()
        .find(|k| !["method", "integration", "times", "error", "delay_ms"].contains(&k.as_str()))
    {
        return Err(format!("unknown field \"{unknown}\""));
    }
    let text = |key: &str| -> Result<Option<String>, String> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_owned())),
            Some(other) => Err(format!("\"{key}\" is a non-empty string, not {other}")),
        }
    };
    let method = match text("method")? {
        Some(name) => Some(
            state
                .registry
                .get(&name)
                .map(|spec| spec.name.to_owned())
                .ok_or_else(|| format!("there is no method \"{name}\""))?,
        ),
        None => None,
    };
    let integration = text("integration")?;
    if let Some(name) = &integration {
        let known = ["webhook:", "app:"].iter().any(|prefix| {
            name.strip_prefix(prefix)
                .is_some_and(|id| id.parse::<i64>().is_ok_and(|id| id > 0))
        });
        if !known {
            return Err(format!(
                "\"integration\" is webhook:ID or app:ID, not \"{name}\""
            ));
        }
    }
    let number =
        |key: &str, default: i64, range: std::ops::RangeInclusive<i64>| match object.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(v) => v.as_i64().filter(|n| range.contains(n)).ok_or_else(|| {
                format!(
                    "\"{key}\" is a whole number from {} to {}",
                    range.start(),
                    range.end()
                )
            }),
        };
    let times = number("times", 1, 1..=MAX_TIMES)?;
    let delay_ms = number("delay_ms", 0, 0..=MAX_DELAY_MS)?;
    let error = match text("error")? {
        Some(code) => Some(
            FAULT_ERRORS
                .iter()
                .find(|c| c.as_str() == code)
                .map(|c| c.as_str().to_owned())
                .ok_or_else(|| {
                    let known: Vec<&str> = FAULT_ERRORS.iter().map(|c| c.as_str()).collect();
                    format!("\"error\" is one of {}, not \"{code}\"", known.join(", "))
                })?,
        ),
        None => None,
    };
    if error.is_none() && delay_ms == 0 {
        return Err("give \"error\" or \"delay_ms\"".into());
    }
    Ok(NewFault {
        method,
        integration,
        times,
        error,
        delay_ms,
    })
}

/// In a sandbox, takes one use of the fault armed for this call of `method`
/// (as named in the request) by `integration`, if any: waits its delay, then
/// the error to answer instead of running the method, with the method's
/// canonical name for the statistics. Outside a sandbox: `None` at once.
pub(crate) async fn intercept(
    state: &AppState,
    method: &str,
    integration: &str,
) -> Option<(ApiError, Option<&'static str>)> {
    state.sandbox.as_ref()?;
    let canonical = state.registry.get(method).map(|spec| spec.name);
    let fault = match state
        .store
        .take_fault(canonical.unwrap_or(method), integration)
        .await
    {
        Ok(fault) => fault?,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the sandbox's faults");
            return None;
        }
    };
    tracing::info!(
        fault = fault.id,
        method,
        integration,
        "sandbox fault answers a call"
    );
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms.unsigned_abs())).await;
    }
    let code = FAULT_ERRORS
        .into_iter()
        .find(|c| Some(c.as_str()) == fault.error.as_deref())?;
    let error = ApiError::from_code(code);
    let error = match code {
        ErrorCode::QueryLimitExceeded | ErrorCode::OperationTimeLimit => error.with_retry_after(1),
        _ => error,
    };
    Some((error, canonical))
}
