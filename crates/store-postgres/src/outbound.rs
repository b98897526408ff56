//! [`OutboundWebhookStore`] on PostgreSQL: the `outbound_webhooks` table and
//! its subscriptions in `outbound_webhook_events` (one row per event code),
//! read back as one array in code order.

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::outbound::{normalize_events, DisableReason, Disabled};
use portico_store::{
    NewOutboundWebhook, OutboundWebhook, OutboundWebhookChange, OutboundWebhookStore, StoreError,
};
use tokio_postgres::Row;

use crate::{read, transaction, DbError, DbResult, PgStore};

/// The columns [`outbound_from_row`] reads, of `outbound_webhooks` aliased `w`;
/// the subscriptions come as one text array in byte order of the codes.
macro_rules! outbound_columns {
    () => {
        "w.id, w.user_id, w.name, w.handler_url, \
         ARRAY(SELECT s.event FROM outbound_webhook_events s \
           WHERE s.webhook_id = w.id ORDER BY s.event COLLATE \"C\"), \
         w.application_token_sealed, w.signing_secret_sealed, w.active, w.created_at, \
         w.single_attempt, w.disabled_reason, w.disabled_at, w.app_id, w.auth_user_id"
    };
}
pub(crate) use outbound_columns;

/// How many columns `outbound_columns!` has.
pub(crate) const OUTBOUND_COLUMNS: usize = 14;

/// An [`OutboundWebhook`] from the columns of `outbound_columns!` starting at `at`.
pub(crate) fn outbound_from_row(row: &Row, at: usize) -> DbResult<OutboundWebhook> {
    let reason: Option<String> = row.try_get(at + 10)?;
    let disabled_at: Option<i64> = row.try_get(at + 11)?;
    Ok(OutboundWebhook {
        id: row.try_get(at)?,
        user_id: row.try_get(at + 1)?,
        name: row.try_get(at + 2)?,
        handler_url: row.try_get(at + 3)?,
        events: row.try_get(at + 4)?,
        application_token_sealed: row.try_get(at + 5)?,
        signing_secret_sealed: row.try_get(at + 6)?,
        active: row.try_get::<_, i64>(at + 7)? != 0,
        created_at: row.try_get(at + 8)?,
        single_attempt: row.try_get::<_, i64>(at + 9)? != 0,
        app_id: row.try_get(at + 12)?,
        auth_user_id: row.try_get(at + 13)?,
        disabled: reason
            .as_deref()
            .and_then(DisableReason::parse)
            .map(|reason| Disabled {
                reason,
                at: disabled_at.unwrap_or_default(),
            }),
    })
}

/// A flag as the schema stores it (0 or 1).
fn flag(value: bool) -> i64 {
    i64::from(value)
}

/// Inserts an outbound webhook, active; `$1` owner … `$7` single attempt.
const INSERT_OUTBOUND: &str = "INSERT INTO outbound_webhooks (user_id, name, handler_url, \
     application_token_sealed, signing_secret_sealed, active, created_at, single_attempt) \
     VALUES ($1, $2, $3, $4, $5, 1, $6, $7) RETURNING id";

/// Replaces the settings of outbound webhook `$4`: switching it off (`$3` = 0)
/// records a manual switch-off at `$6` unless it was off already; switching it
/// on forgets why it was off.
const UPDATE_OUTBOUND: &str = "UPDATE outbound_webhooks SET name = $1, handler_url = $2, \
     single_attempt = $5, \
     disabled_reason = CASE WHEN $3::bigint = 1 THEN NULL \
       WHEN active = 1 THEN 'manual' ELSE disabled_reason END, \
     disabled_at = CASE WHEN $3::bigint = 1 THEN NULL \
       WHEN active = 1 THEN $6::bigint ELSE disabled_at END, \
     active = $3::bigint WHERE id = $4";

/// Replaces the sealed token (`$2`) and/or secret (`$3`) of webhook `$1`; NULL keeps one.
const REPLACE_CREDENTIALS: &str = "UPDATE outbound_webhooks SET \
     application_token_sealed = COALESCE($2, application_token_sealed), \
     signing_secret_sealed = COALESCE($3, signing_secret_sealed) WHERE id = $1";

/// Replaces the subscriptions of outbound webhook `id` with `events` (normalised).
pub(crate) async fn set_events(tx: &Transaction<'_>, id: i64, events: &[String]) -> DbResult<()> {
    let delete = tx
        .prepare_cached("DELETE FROM outbound_webhook_events WHERE webhook_id = $1")
        .await?;
    tx.execute(&delete, &[&id]).await?;
    let insert = tx
        .prepare_cached(
            "INSERT INTO outbound_webhook_events (event, webhook_id) \
             SELECT code, $2 FROM unnest($1::text[]) AS code",
        )
        .await?;
    tx.execute(&insert, &[&normalize_events(events), &id])
        .await?;
    Ok(())
}

#[async_trait]
impl OutboundWebhookStore for PgStore {
    async fn insert_outbound_webhook(
        &self,
        webhook: NewOutboundWebhook,
    ) -> Result<i64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(INSERT_OUTBOUND).await?;
            let inserted = tx
                .query_one(
                    &statement,
                    &[
                        &webhook.user_id,
                        &webhook.name,
                        &webhook.handler_url,
                        &webhook.application_token_sealed,
                        &webhook.signing_secret_sealed,
                        &webhook.created_at,
                        &flag(webhook.single_attempt),
                    ],
                )
                .await
                .map_err(|e| match DbError::from(e) {
                    DbError::Store(StoreError::Conflict(name)) if name == "foreign_key" => {
                        DbError::Store(StoreError::Conflict("outbound_webhooks_user_id".to_owned()))
                    }
                    other => other,
                })?;
            let id: i64 = inserted.try_get(0)?;
            set_events(&tx, id, &webhook.events).await?;
            Ok(id)
        })
    }

    async fn outbound_webhook_by_id(&self, id: i64) -> Result<Option<OutboundWebhook>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    outbound_columns!(),
                    " FROM outbound_webhooks w WHERE w.id = $1 AND w.app_handler = 0"
                ))
                .await?;
            conn.query_opt(&statement, &[&id])
                .await?
                .map(|row| outbound_from_row(&row, 0))
                .transpose()
        })
    }

    async fn list_outbound_webhooks(
        &self,
        user_id: Option<i64>,
    ) -> Result<Vec<OutboundWebhook>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    outbound_columns!(),
                    " FROM outbound_webhooks w \
                     WHERE ($1::bigint IS NULL OR w.user_id = $1) AND w.app_handler = 0 \
                     ORDER BY w.id"
                ))
                .await?;
            conn.query(&statement, &[&user_id])
                .await?
                .iter()
                .map(|row| outbound_from_row(row, 0))
                .collect()
        })
    }

    async fn update_outbound_webhook(
        &self,
        id: i64,
        change: OutboundWebhookChange,
    ) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(UPDATE_OUTBOUND).await?;
            let changed = tx
                .execute(
                    &statement,
                    &[
                        &change.name,
                        &change.handler_url,
                        &flag(change.active),
                        &id,
                        &flag(change.single_attempt),
                        &change.at,
                    ],
                )
                .await?;
            if changed == 0 {
                return Ok(false);
            }
            set_events(&tx, id, &change.events).await?;
            Ok(true)
        })
    }

    async fn replace_outbound_credentials(
        &self,
        id: i64,
        application_token_sealed: Option<Vec<u8>>,
        signing_secret_sealed: Option<Vec<u8>>,
    ) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(REPLACE_CREDENTIALS).await?;
            let changed = tx
                .execute(
                    &statement,
                    &[&id, &application_token_sealed, &signing_secret_sealed],
                )
                .await?;
            Ok(changed > 0)
        })
    }

    async fn delete_outbound_webhook(&self, id: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("DELETE FROM outbound_webhooks WHERE id = $1")
                .await?;
            Ok(tx.execute(&statement, &[&id]).await? > 0)
        })
    }
}
