//! The test clock: `GET /sandbox/clock` tells Portico's time and how far it is
//! moved; `POST /sandbox/clock` with `{"advance": "3600s"}` moves it forward
//! (units `ms`, `s`, `m`, `h`, `d`; a bare number is seconds; a leading `-`
//! moves it back), `{"set": "2030-01-01T00:00:00Z"}` (RFC 3339, or Unix
//! seconds) puts it at an instant, `{"real": true}` back on the wall clock.
//! Everything that reads time reads this clock: token and webhook expiry,
//! OAuth codes, limits and their reset times, retry schedules, statistics
//! days, offline events.

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, SecondsFormat};
use serde_json::{json, Value};

use super::{answer, bad_request, Admitted, JsonBody};
use crate::state::AppState;

/// `GET /sandbox/clock`.
pub(super) async fn show(State(state): State<AppState>, _admitted: Admitted) -> Response {
    answer(reading(&state))
}

/// `POST /sandbox/clock`.
pub(super) async fn change(
    State(state): State<AppState>,
    _admitted: Admitted,
    JsonBody(body): JsonBody,
) -> Response {
    let shift = match new_shift(&state, &body) {
        Ok(shift) => shift,
        Err(why) => return bad_request(why),
    };
    state.clock.set_shift_ms(shift);
    tracing::info!(shift_ms = shift, "sandbox clock moved");
    answer(reading(&state))
}

/// The clock's reading as the API shows it.
fn reading(state: &AppState) -> Value {
    let now_ms = state.clock.now_ms();
    let iso = DateTime::from_timestamp_millis(now_ms)
        .map(|t| {
            t.with_timezone(&state.clock.offset)
                .to_rfc3339_opts(SecondsFormat::Secs, false)
        })
        .unwrap_or_default();
    json!({
        "now": now_ms.div_euclid(1000),
        "now_ms": now_ms,
        "iso": iso,
        "shift_ms": state.clock.shift_ms(),
    })
}

/// The shift a request asks for, or why it cannot be had.
fn new_shift(state: &AppState, body: &Value) -> Result<i64, String> {
    let object = body.as_object().ok_or("the body is a JSON object")?;
    let asked: Vec<&str> = ["advance", "set", "real"]
        .into_iter()
        .filter(|k| object.contains_key(*k))
        .collect();
    if asked.len() != 1 {
        return Err("give exactly one of \"advance\", \"set\" or \"real\"".into());
    }
    let wall_ms = state.clock.now_ms() - state.clock.shift_ms();
    match asked[0] {
        "advance" => {
            let by = duration_ms("advance", &object["advance"])?;
            Ok(state.clock.shift_ms().saturating_add(by))
        }
        "set" => Ok(instant_ms(&object["set"])? - wall_ms),
        _ => match object["real"] {
            Value::Bool(true) => Ok(0),
            _ => Err("\"real\" takes true".into()),
        },
    }
}

/// The duration given as `name`: seconds as a number, or a string such as
/// `90s`, `15m`, `-2h`, `500ms`.
pub(super) fn duration_ms(name: &str, value: &Value) -> Result<i64, String> {
    let bad = || format!("\"{name}\" is a duration such as \"3600s\", \"15m\" or 30, not {value}");
    if let Some(seconds) = value.as_f64() {
        return seconds_to_ms(seconds).ok_or_else(bad);
    }
    let text = value.as_str().ok_or_else(bad)?.trim();
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.trim().parse().map_err(|_| bad())?;
    let unit_ms = match unit.trim() {
        "ms" => 0.001,
        "" | "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3_600.0,
        "d" => 86_400.0,
        _ => return Err(bad()),
    };
    seconds_to_ms(number * unit_ms).ok_or_else(bad)
}

/// Seconds as whole milliseconds, when finite and within a few centuries.
fn seconds_to_ms(seconds: f64) -> Option<i64> {
    let ms = (seconds * 1000.0).round();
    (ms.is_finite() && ms.abs() < 1e13).then_some(ms as i64)
}

/// An instant: RFC 3339 text or Unix seconds.
fn instant_ms(value: &Value) -> Result<i64, String> {
    if let Some(seconds) = value.as_f64() {
        return seconds_to_ms(seconds).ok_or_else(|| "\"set\" is out of range".into());
    }
    let text = value
        .as_str()
        .ok_or("\"set\" is an RFC 3339 date-time or Unix seconds")?;
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.timestamp_millis())
        .map_err(|e| format!("\"set\" is not an RFC 3339 date-time: {e}"))
}
