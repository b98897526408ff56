//! [`SandboxDeliveryStore`] on SQLite: handler modes are rows of
//! `sandbox_handler_modes` (only those other than `deliver`), captures rows of
//! `sandbox_deliveries` with their headers as a JSON list of pairs.

use async_trait::async_trait;
use portico_store::{
    Capture, CaptureQuery, HandlerMode, NewCapture, SandboxDeliveryStore, StoreError,
};
use rusqlite::{params, OptionalExtension, Row};

use crate::error::map_err;
use crate::SqliteStore;

/// Columns of a capture, in [`capture_of`]'s order.
const CAPTURE_COLUMNS: &str =
    "id, at_ms, event, handler, attempt, delivery_id, mode, headers, body, status, outcome";

/// The condition of a capture query: `?1` since, `?2` event, `?3` handler.
const CAPTURE_FILTER: &str =
    "id > ?1 AND (?2 IS NULL OR event = ?2) AND (?3 IS NULL OR handler = ?3)";

/// A mode read back from storage (an unknown name reads as `deliver`).
fn mode_named(name: &str) -> HandlerMode {
    HandlerMode::parse(name).unwrap_or(HandlerMode::Deliver)
}

/// A capture from a row of [`CAPTURE_COLUMNS`].
fn capture_of(row: &Row<'_>) -> rusqlite::Result<Capture> {
    let headers: String = row.get(7)?;
    let headers = serde_json::from_str(&headers).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let mode: String = row.get(6)?;
    Ok(Capture {
        id: row.get(0)?,
        capture: NewCapture {
            at_ms: row.get(1)?,
            event: row.get(2)?,
            handler: row.get(3)?,
            attempt: row.get(4)?,
            delivery_id: row.get(5)?,
            mode: mode_named(&mode),
            headers,
            body: row.get(8)?,
            status: row.get(9)?,
            outcome: row.get(10)?,
        },
    })
}

#[async_trait]
impl SandboxDeliveryStore for SqliteStore {
    async fn set_handler_mode(&self, handler: &str, mode: HandlerMode) -> Result<(), StoreError> {
        let handler = handler.to_owned();
        self.write(move |conn| {
            let result = if mode == HandlerMode::Deliver {
                conn.prepare_cached("DELETE FROM sandbox_handler_modes WHERE handler = ?1")
                    .and_then(|mut s| s.execute(params![handler]))
            } else {
                conn.prepare_cached(
                    "INSERT INTO sandbox_handler_modes (handler, mode) VALUES (?1, ?2) \
                     ON CONFLICT (handler) DO UPDATE SET mode = excluded.mode",
                )
                .and_then(|mut s| s.execute(params![handler, mode.as_str()]))
            };
            result.map(drop).map_err(map_err)
        })
        .await
    }

    async fn handler_mode(&self, handler: &str) -> Result<HandlerMode, StoreError> {
        self.read(|conn| {
            conn.prepare_cached("SELECT mode FROM sandbox_handler_modes WHERE handler = ?1")
                .and_then(|mut s| {
                    s.query_row(params![handler], |r| r.get::<_, String>(0))
                        .optional()
                })
                .map(|mode| mode.map_or(HandlerMode::Deliver, |m| mode_named(&m)))
                .map_err(map_err)
        })
    }

    async fn handler_modes(&self) -> Result<Vec<(String, HandlerMode)>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached("SELECT handler, mode FROM sandbox_handler_modes ORDER BY handler")
                .and_then(|mut s| {
                    s.query_map([], |r| {
                        Ok((r.get::<_, String>(0)?, mode_named(&r.get::<_, String>(1)?)))
                    })?
                    .collect()
                })
                .map_err(map_err)
        })
    }

    async fn clear_handler_modes(&self) -> Result<u64, StoreError> {
        self.write(|conn| {
            conn.execute("DELETE FROM sandbox_handler_modes", [])
                .map(|n| n as u64)
                .map_err(map_err)
        })
        .await
    }

    async fn record_capture(&self, capture: &NewCapture) -> Result<i64, StoreError> {
        let capture = capture.clone();
        let headers = serde_json::to_string(&capture.headers)
            .map_err(|e| StoreError::Other(format!("cannot encode captured headers: {e}")))?;
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO sandbox_deliveries (at_ms, event, handler, attempt, delivery_id, \
                 mode, headers, body, status, outcome) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
            )
            .and_then(|mut s| {
                s.query_row(
                    params![
                        capture.at_ms,
                        capture.event,
                        capture.handler,
                        capture.attempt,
                        capture.delivery_id,
                        capture.mode.as_str(),
                        headers,
                        capture.body,
                        capture.status,
                        capture.outcome,
                    ],
                    |r| r.get(0),
                )
            })
            .map_err(map_err)
        })
        .await
    }

    async fn captures(&self, query: &CaptureQuery) -> Result<Vec<Capture>, StoreError> {
        let order = if query.newest_first { "DESC" } else { "ASC" };
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
        self.read(|conn| {
            conn.prepare_cached(&format!(
                "SELECT {CAPTURE_COLUMNS} FROM sandbox_deliveries WHERE {CAPTURE_FILTER} \
                 ORDER BY id {order} LIMIT ?4"
            ))
            .and_then(|mut s| {
                s.query_map(
                    params![query.since, query.event, query.handler, limit],
                    capture_of,
                )?
                .collect()
            })
            .map_err(map_err)
        })
    }
}
