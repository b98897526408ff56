//! Captured deliveries: `GET /sandbox/deliveries?event=ONCRMLEADADD&since=ID&
//! handler=URL&limit=100&wait=5s` answers `{"deliveries": […], "next_since":
//! ID}`, the captures with an id above `since`, oldest first, each with its
//! request exactly as sent (headers in order, body) and what came of it.
//! With `wait` (at most 60 s) it long-polls: it answers as soon as a matching
//! capture exists, or with none when the wait is over. It reads the store, so
//! it sees what any server on the database captured.

use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use portico_store::{Capture, CaptureQuery};
use serde_json::{json, Value};
use tokio::time::Instant;

use super::clock::duration_ms;
use super::{answer, bad_request, store_failed, Admitted};
use crate::state::AppState;

/// Captures answered when `limit` is not given.
const DEFAULT_LIMIT: usize = 100;

/// Most captures one answer holds.
const MAX_LIMIT: usize = 1_000;

/// Longest `wait`, milliseconds.
const MAX_WAIT_MS: i64 = 60_000;

/// How often a long poll looks at the store.
const POLL_EVERY: Duration = Duration::from_millis(50);

/// `GET /sandbox/deliveries`.
pub(super) async fn list(
    State(state): State<AppState>,
    _admitted: Admitted,
    RawQuery(raw): RawQuery,
) -> Response {
    let (query, wait) = match parse(raw.as_deref().unwrap_or_default()) {
        Ok(parsed) => parsed,
        Err(why) => return bad_request(why),
    };
    let deadline = Instant::now() + wait;
    loop {
        let found = match state.store.captures(&query).await {
            Ok(found) => found,
            Err(e) => return store_failed(e),
        };
        let now = Instant::now();
        if !found.is_empty() || now >= deadline {
            let next_since = found.last().map_or(query.since, |c| c.id);
            return answer(json!({
                "deliveries": found.iter().map(shown).collect::<Vec<_>>(),
                "next_since": next_since,
            }));
        }
        tokio::time::sleep(POLL_EVERY.min(deadline - now)).await;
    }
}

/// A capture as the API shows it.
pub(super) fn shown(capture: &Capture) -> Value {
    let c = &capture.capture;
    json!({
        "id": capture.id,
        "at": c.at_ms,
        "event": c.event,
        "handler": c.handler,
        "attempt": c.attempt,
        "delivery_id": c.delivery_id,
        "mode": c.mode.as_str(),
        "headers": c.headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        "body": c.body,
        "status": c.status,
        "outcome": c.outcome,
    })
}

/// The captures a query string asks for and how long to wait for them, or
/// why it cannot be answered (naming the parameter).
fn parse(raw: &str) -> Result<(CaptureQuery, Duration), String> {
    let mut query = CaptureQuery {
        event: None,
        handler: None,
        since: 0,
        limit: DEFAULT_LIMIT,
        newest_first: false,
    };
    let mut wait = Duration::ZERO;
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        let value = value.trim();
        match name.as_ref() {
            "event" => query.event = Some(non_empty("event", value)?.to_ascii_uppercase()),
            "handler" => query.handler = Some(non_empty("handler", value)?.to_owned()),
            "since" => {
                query.since = value
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| {
                        format!("\"since\" is a capture id (0 or more), not \"{value}\"")
                    })?;
            }
            "limit" => {
                query.limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        format!(
                            "\"limit\" is a whole number from 1 to {MAX_LIMIT}, not \"{value}\""
                        )
                    })?;
            }
            "wait" => {
                let ms = duration_ms("wait", &Value::String(value.to_owned()))?;
                if !(0..=MAX_WAIT_MS).contains(&ms) {
                    return Err(format!("\"wait\" is at most 60s, not \"{value}\""));
                }
                wait = Duration::from_millis(ms.unsigned_abs());
            }
            other => return Err(format!("unknown parameter \"{other}\"")),
        }
    }
    Ok((query, wait))
}

/// `value` of parameter `name` when it is not empty.
fn non_empty<'a>(name: &str, value: &'a str) -> Result<&'a str, String> {
    if value.is_empty() {
        Err(format!("\"{name}\" is empty"))
    } else {
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_read_and_bad_ones_named() {
        let (query, wait) =
            parse("event=oncrmleadadd&since=7&handler=http%3A%2F%2Fh%2Fx&limit=5&wait=500ms")
                .expect("parse");
        assert_eq!(query.event.as_deref(), Some("ONCRMLEADADD"));
        assert_eq!(query.handler.as_deref(), Some("http://h/x"));
        assert_eq!((query.since, query.limit), (7, 5));
        assert_eq!(wait, Duration::from_millis(500));
        assert_eq!(parse("wait=5").expect("seconds").1, Duration::from_secs(5));
        for (bad, named) in [
            ("since=-1", "since"),
            ("since=x", "since"),
            ("limit=0", "limit"),
            ("limit=1001", "limit"),
            ("wait=61s", "wait"),
            ("wait=-1s", "wait"),
            ("wait=soon", "wait"),
            ("event=", "event"),
            ("handler=", "handler"),
            ("color=red", "color"),
        ] {
            let why = parse(bad).expect_err(bad);
            assert!(why.contains(&format!("\"{named}\"")), "{bad}: {why}");
        }
    }
}
