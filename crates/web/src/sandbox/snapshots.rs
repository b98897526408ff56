//! `POST /sandbox/reset` (back to the seeded state), `POST
//! /sandbox/snapshots/{name}` (save the current state) and `POST
//! /sandbox/snapshots/{name}/restore`. A restore returns every table,
//! sequence, key, token, queue and counter to the snapshot, puts the test
//! clock back on the wall clock, and drops what this server had counted but
//! not yet stored (statistics, webhook use), so nothing from before the
//! restore is written after it.

use std::time::Instant;

use axum::extract::{Path, State};
use axum::response::Response;
use portico_store::sandbox::is_snapshot_name;
use portico_store::StoreError;
use serde_json::json;

use super::{answer, bad_request, error, store_failed, Admitted, SEED_SNAPSHOT};
use crate::state::AppState;
use portico_protocol::{ApiError, ErrorCode};

/// `POST /sandbox/reset`.
pub(super) async fn reset(State(state): State<AppState>, _admitted: Admitted) -> Response {
    restore_named(&state, SEED_SNAPSHOT).await
}

/// `POST /sandbox/snapshots/{name}`.
pub(super) async fn save(
    State(state): State<AppState>,
    _admitted: Admitted,
    Path(name): Path<String>,
) -> Response {
    if let Some(refused) = check_name(&name) {
        return refused;
    }
    if name == SEED_SNAPSHOT {
        return bad_request(format!(
            "'{SEED_SNAPSHOT}' is the state a reset returns to; save under another name"
        ));
    }
    let started = Instant::now();
    match state.store.save_snapshot(&name).await {
        Ok(()) => answer(json!({"snapshot": name, "took_ms": elapsed_ms(started)})),
        Err(e) => store_failed(e),
    }
}

/// `POST /sandbox/snapshots/{name}/restore`.
pub(super) async fn restore(
    State(state): State<AppState>,
    _admitted: Admitted,
    Path(name): Path<String>,
) -> Response {
    if let Some(refused) = check_name(&name) {
        return refused;
    }
    restore_named(&state, &name).await
}

/// Refuses a name that cannot be a snapshot's.
fn check_name(name: &str) -> Option<Response> {
    if !is_snapshot_name(name) {
        return Some(bad_request(
            "a snapshot name is 1 to 64 letters, digits, '-', '_' or '.', not starting with '.'",
        ));
    }
    None
}

/// Restores snapshot `name` and forgets this server's unsaved counts.
async fn restore_named(state: &AppState, name: &str) -> Response {
    let started = Instant::now();
    let restored = state
        .stats
        .discard(state.store.restore_snapshot(name))
        .await;
    match restored {
        Ok(()) => {
            state.clock.set_shift_ms(0);
            state.usage.forget();
            tracing::info!(snapshot = name, "sandbox restored");
            answer(json!({"restored": name, "took_ms": elapsed_ms(started)}))
        }
        Err(StoreError::NotFound) => error(
            ApiError::new(
                ErrorCode::NotFound,
                format!("There is no snapshot named '{name}'"),
            )
            .with_status(404),
        ),
        Err(e) => store_failed(e),
    }
}

/// Milliseconds since `started`.
fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
