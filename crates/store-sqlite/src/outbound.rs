//! [`OutboundWebhookStore`]: the `outbound_webhooks` table and its
//! subscriptions in `outbound_webhook_events` (one row per event code), read
//! back as one comma-joined list.

use async_trait::async_trait;
use portico_store::outbound::{normalize_events, DisableReason, Disabled};
use portico_store::{
    NewOutboundWebhook, OutboundWebhook, OutboundWebhookChange, OutboundWebhookStore, StoreError,
};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::map_err;
use crate::SqliteStore;

/// The columns [`outbound_from_row`] reads, of `outbound_webhooks` aliased `w`.
macro_rules! outbound_columns {
    () => {
        "w.id, w.user_id, w.name, w.handler_url, \
         (SELECT group_concat(event, ',') FROM (SELECT event FROM outbound_webhook_events \
           WHERE webhook_id = w.id ORDER BY event)), \
         w.application_token_sealed, w.signing_secret_sealed, w.active, w.created_at, \
         w.single_attempt, w.disabled_reason, w.disabled_at, w.app_id, w.auth_user_id"
    };
}
pub(crate) use outbound_columns;

/// An [`OutboundWebhook`] from the columns of `outbound_columns!` starting at `at`.
pub(crate) fn outbound_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<OutboundWebhook> {
    let events: Option<String> = row.get(at + 4)?;
    let reason: Option<String> = row.get(at + 10)?;
    let disabled_at: Option<i64> = row.get(at + 11)?;
    Ok(OutboundWebhook {
        id: row.get(at)?,
        user_id: row.get(at + 1)?,
        name: row.get(at + 2)?,
        handler_url: row.get(at + 3)?,
        events: events
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        application_token_sealed: row.get(at + 5)?,
        signing_secret_sealed: row.get(at + 6)?,
        active: row.get(at + 7)?,
        created_at: row.get(at + 8)?,
        single_attempt: row.get(at + 9)?,
        app_id: row.get(at + 12)?,
        auth_user_id: row.get(at + 13)?,
        disabled: reason
            .as_deref()
            .and_then(DisableReason::parse)
            .map(|reason| Disabled {
                reason,
                at: disabled_at.unwrap_or_default(),
            }),
    })
}

/// Replaces the subscriptions of outbound webhook `id`.
fn set_events(conn: &Connection, id: i64, events: &[String]) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM outbound_webhook_events WHERE webhook_id = ?1")
        .and_then(|mut s| s.execute([id]))
        .map_err(map_err)?;
    let mut insert = conn
        .prepare_cached("INSERT INTO outbound_webhook_events (event, webhook_id) VALUES (?1, ?2)")
        .map_err(map_err)?;
    for event in normalize_events(events) {
        insert.execute(params![event, id]).map_err(map_err)?;
    }
    Ok(())
}

#[async_trait]
impl OutboundWebhookStore for SqliteStore {
    async fn insert_outbound_webhook(
        &self,
        webhook: NewOutboundWebhook,
    ) -> Result<i64, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO outbound_webhooks (user_id, name, handler_url, application_token_sealed, \
                 signing_secret_sealed, active, created_at, single_attempt) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    webhook.user_id,
                    webhook.name,
                    webhook.handler_url,
                    webhook.application_token_sealed,
                    webhook.signing_secret_sealed,
                    webhook.created_at,
                    webhook.single_attempt
                ])
            })
            .map_err(|e| match map_err(e) {
                StoreError::Conflict(name) if name == "foreign_key" => {
                    StoreError::Conflict("outbound_webhooks_user_id".to_owned())
                }
                other => other,
            })?;
            let id = conn.last_insert_rowid();
            set_events(conn, id, &webhook.events)?;
            Ok(id)
        })
        .await
    }

    async fn outbound_webhook_by_id(&self, id: i64) -> Result<Option<OutboundWebhook>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached(concat!(
                "SELECT ",
                outbound_columns!(),
                " FROM outbound_webhooks w WHERE w.id = ?1 AND w.app_handler = 0"
            ))
            .and_then(|mut s| {
                s.query_row([id], |row| outbound_from_row(row, 0))
                    .optional()
            })
            .map_err(map_err)
        })
    }

    async fn list_outbound_webhooks(
        &self,
        user_id: Option<i64>,
    ) -> Result<Vec<OutboundWebhook>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    outbound_columns!(),
                    " FROM outbound_webhooks w WHERE (?1 IS NULL OR w.user_id = ?1) AND w.app_handler = 0 \
                     ORDER BY w.id"
                ))
                .map_err(map_err)?;
            let rows = stmt
                .query_map([user_id], |row| outbound_from_row(row, 0))
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn update_outbound_webhook(
        &self,
        id: i64,
        change: OutboundWebhookChange,
    ) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE outbound_webhooks SET name = ?1, handler_url = ?2, single_attempt = ?5, \
                     disabled_reason = CASE WHEN ?3 THEN NULL \
                       WHEN active = 1 THEN 'manual' ELSE disabled_reason END, \
                     disabled_at = CASE WHEN ?3 THEN NULL \
                       WHEN active = 1 THEN ?6 ELSE disabled_at END, \
                     active = ?3 WHERE id = ?4",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        change.name,
                        change.handler_url,
                        change.active,
                        id,
                        change.single_attempt,
                        change.at
                    ])
                })
                .map_err(map_err)?;
            if n == 0 {
                return Ok(false);
            }
            set_events(conn, id, &change.events)?;
            Ok(true)
        })
        .await
    }

    async fn replace_outbound_credentials(
        &self,
        id: i64,
        application_token_sealed: Option<Vec<u8>>,
        signing_secret_sealed: Option<Vec<u8>>,
    ) -> Result<bool, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "UPDATE outbound_webhooks SET \
                 application_token_sealed = COALESCE(?2, application_token_sealed), \
                 signing_secret_sealed = COALESCE(?3, signing_secret_sealed) WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![id, application_token_sealed, signing_secret_sealed])
            })
            .map(|n| n > 0)
            .map_err(map_err)
        })
        .await
    }

    async fn delete_outbound_webhook(&self, id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached("DELETE FROM outbound_webhooks WHERE id = ?1")
                .and_then(|mut s| s.execute([id]))
                .map(|n| n > 0)
                .map_err(map_err)
        })
        .await
    }
}
