//! [`SandboxDeliveryStore`] on PostgreSQL: handler modes are rows of
//! `sandbox_handler_modes` (only those other than `deliver`), captures rows of
//! `sandbox_deliveries` with their headers as a JSON list of pairs.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use portico_store::{
    Capture, CaptureQuery, HandlerMode, NewCapture, SandboxDeliveryStore, StoreError,
};
use tokio_postgres::Row;

use crate::deliveries::{narrow, narrow_opt};
use crate::{read, transaction, DbResult, PgStore};

/// Columns of a capture, in [`capture_of`]'s order.
macro_rules! capture_columns {
    () => {
        "id, at_ms, event, handler, attempt, delivery_id, mode, headers, body, status, outcome"
    };
}

/// The condition of a capture query: `$1` since, `$2` event, `$3` handler.
macro_rules! capture_filter {
    () => {
        "id > $1 AND ($2::text IS NULL OR event = $2) AND ($3::text IS NULL OR handler = $3)"
    };
}

/// Records a capture; `$1` … `$10` in the order of `capture_columns!` after `id`.
const INSERT_CAPTURE: &str = "INSERT INTO sandbox_deliveries (at_ms, event, handler, attempt, \
     delivery_id, mode, headers, body, status, outcome) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";

/// Sets the mode `$2` of handler `$1`.
const SET_MODE: &str = "INSERT INTO sandbox_handler_modes (handler, mode) VALUES ($1, $2) \
     ON CONFLICT (handler) DO UPDATE SET mode = excluded.mode";

/// A mode read back from storage (an unknown name reads as `deliver`).
fn mode_named(name: &str) -> HandlerMode {
    HandlerMode::parse(name).unwrap_or(HandlerMode::Deliver)
}

/// A capture from a row of `capture_columns!`.
fn capture_of(row: &Row) -> DbResult<Capture> {
    let headers: String = row.try_get(7)?;
    let headers = serde_json::from_str(&headers)
        .map_err(|e| StoreError::Other(format!("stored capture headers unreadable: {e}")))?;
    let mode: String = row.try_get(6)?;
    Ok(Capture {
        id: row.try_get(0)?,
        capture: NewCapture {
            at_ms: row.try_get(1)?,
            event: row.try_get(2)?,
            handler: row.try_get(3)?,
            attempt: narrow(row.try_get(4)?, "attempt number")?,
            delivery_id: row.try_get(5)?,
            mode: mode_named(&mode),
            headers,
            body: row.try_get(8)?,
            status: narrow_opt(row.try_get(9)?, "HTTP status")?,
            outcome: row.try_get(10)?,
        },
    })
}

#[async_trait]
impl SandboxDeliveryStore for PgStore {
    async fn set_handler_mode(&self, handler: &str, mode: HandlerMode) -> Result<(), StoreError> {
        transaction!(self, |tx| {
            if mode == HandlerMode::Deliver {
                let statement = tx
                    .prepare_cached("DELETE FROM sandbox_handler_modes WHERE handler = $1")
                    .await?;
                tx.execute(&statement, &[&handler]).await?;
            } else {
                let statement = tx.prepare_cached(SET_MODE).await?;
                tx.execute(&statement, &[&handler, &mode.as_str()]).await?;
            }
            Ok(())
        })
    }

    async fn handler_mode(&self, handler: &str) -> Result<HandlerMode, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached("SELECT mode FROM sandbox_handler_modes WHERE handler = $1")
                .await?;
            let mode: Option<String> = conn
                .query_opt(&statement, &[&handler])
                .await?
                .map(|row| row.try_get(0))
                .transpose()?;
            Ok(mode.map_or(HandlerMode::Deliver, |m| mode_named(&m)))
        })
    }

    async fn handler_modes(&self) -> Result<Vec<(String, HandlerMode)>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(
                    "SELECT handler, mode FROM sandbox_handler_modes \
                     ORDER BY handler COLLATE \"C\"",
                )
                .await?;
            conn.query(&statement, &[])
                .await?
                .iter()
                .map(|row| {
                    let mode: String = row.try_get(1)?;
                    Ok((row.try_get(0)?, mode_named(&mode)))
                })
                .collect()
        })
    }

    async fn clear_handler_modes(&self) -> Result<u64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("DELETE FROM sandbox_handler_modes")
                .await?;
            Ok(tx.execute(&statement, &[]).await?)
        })
    }

    async fn record_capture(&self, capture: &NewCapture) -> Result<i64, StoreError> {
        let headers = serde_json::to_string(&capture.headers)
            .map_err(|e| StoreError::Other(format!("cannot encode captured headers: {e}")))?;
        let status = capture.status.map(i64::from);
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(INSERT_CAPTURE).await?;
            let row = tx
                .query_one(
                    &statement,
                    &[
                        &capture.at_ms,
                        &capture.event,
                        &capture.handler,
                        &i64::from(capture.attempt),
                        &capture.delivery_id,
                        &capture.mode.as_str(),
                        &headers,
                        &capture.body,
                        &status,
                        &capture.outcome,
                    ],
                )
                .await?;
            Ok(row.try_get(0)?)
        })
    }

    async fn captures(&self, query: &CaptureQuery) -> Result<Vec<Capture>, StoreError> {
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
        let statement_text = if query.newest_first {
            concat!(
                "SELECT ",
                capture_columns!(),
                " FROM sandbox_deliveries WHERE ",
                capture_filter!(),
                " ORDER BY id DESC LIMIT $4"
            )
        } else {
            concat!(
                "SELECT ",
                capture_columns!(),
                " FROM sandbox_deliveries WHERE ",
                capture_filter!(),
                " ORDER BY id ASC LIMIT $4"
            )
        };
        read!(self, |conn| {
            let statement = conn.prepare_cached(statement_text).await?;
            conn.query(
                &statement,
                &[&query.since, &query.event, &query.handler, &limit],
            )
            .await?
            .iter()
            .map(capture_of)
            .collect()
        })
    }
}
