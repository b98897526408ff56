//! Handler modes: `PUT /sandbox/handlers` with `{"handler": "http://…",
//! "mode": "fail"}` sets what the sandbox's delivery worker does with the
//! attempts to that handler URL (as bound: `event.bind`'s `handler`, an
//! outbound webhook's URL) — `deliver` (the default: send and capture),
//! `capture-only` (capture, do not send, count as delivered) or `fail`
//! (capture, do not send, fail as if it answered HTTP 500 so the retry
//! schedule runs). `GET` lists the handlers not in `deliver`, `DELETE`
//! returns them all to `deliver`. Modes live in the store.

use axum::extract::State;
use axum::response::Response;
use portico_store::HandlerMode;
use serde_json::{json, Value};

use super::{answer, bad_request, store_failed, Admitted, JsonBody};
use crate::state::AppState;

/// Longest handler URL accepted.
const MAX_HANDLER_LEN: usize = 2_048;

/// `GET /sandbox/handlers`.
pub(super) async fn list(State(state): State<AppState>, _admitted: Admitted) -> Response {
    match state.store.handler_modes().await {
        Ok(modes) => answer(json!({
            "handlers": modes
                .iter()
                .map(|(handler, mode)| shown(handler, *mode))
                .collect::<Vec<_>>(),
        })),
        Err(e) => store_failed(e),
    }
}

/// `PUT /sandbox/handlers`.
pub(super) async fn set(
    State(state): State<AppState>,
    _admitted: Admitted,
    JsonBody(body): JsonBody,
) -> Response {
    let (handler, mode) = match parse(&body) {
        Ok(parsed) => parsed,
        Err(why) => return bad_request(why),
    };
    match state.store.set_handler_mode(&handler, mode).await {
        Ok(()) => {
            tracing::info!(mode = mode.as_str(), "sandbox handler mode set");
            answer(shown(&handler, mode))
        }
        Err(e) => store_failed(e),
    }
}

/// `DELETE /sandbox/handlers`.
pub(super) async fn clear(State(state): State<AppState>, _admitted: Admitted) -> Response {
    match state.store.clear_handler_modes().await {
        Ok(cleared) => answer(json!({"cleared": cleared})),
        Err(e) => store_failed(e),
    }
}

/// A handler's mode as the API shows it.
fn shown(handler: &str, mode: HandlerMode) -> Value {
    json!({"handler": handler, "mode": mode.as_str()})
}

/// The handler and mode a request body asks for, or why it cannot be set.
fn parse(body: &Value) -> Result<(String, HandlerMode), String> {
    let object = body.as_object().ok_or("the body is a JSON object")?;
    if let Some(unknown) = object
        .keys()
        .find(|k| !["handler", "mode"].contains(&k.as_str()))
    {
        return Err(format!("unknown field \"{unknown}\""));
    }
    let handler = match object.get("handler") {
        Some(Value::String(url))
            if (url.starts_with("http://") || url.starts_with("https://"))
                && url.len() <= MAX_HANDLER_LEN =>
        {
            url.clone()
        }
        _ => return Err("\"handler\" is the handler's http:// or https:// URL".into()),
    };
    let names: Vec<&str> = HandlerMode::ALL.iter().map(|m| m.as_str()).collect();
    let mode = object
        .get("mode")
        .and_then(Value::as_str)
        .and_then(HandlerMode::parse)
        .ok_or_else(|| format!("\"mode\" is one of {}", names.join(", ")))?;
    Ok((handler, mode))
}
