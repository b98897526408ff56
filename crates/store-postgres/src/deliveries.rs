//! [`DeliveryStore`] on PostgreSQL: workers on any node claim due rows of
//! `event_deliveries` with a lease in one `UPDATE … WHERE id IN (SELECT … FOR
//! UPDATE SKIP LOCKED) RETURNING …` ([`claim`]), and record attempts in
//! `delivery_attempts` fenced by the lease token ([`record`]); the delivery log
//! reads both back. Writes that make deliveries due notify every node's
//! workers when they commit, and this node's at once.

mod claim;
mod record;

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use portico_store::{
    AttemptRecord, ClaimedDelivery, Delivery, DeliveryAttempt, DeliveryQuery, DeliveryState,
    DeliveryStore, EventStamp, QueuedTest, StoreError, TEST_EVENT_CODE,
};
use tokio_postgres::Row;

use crate::events::{insert_event, RaisedEvent};
use crate::listen::DELIVERIES;
use crate::{notify, read, transaction, DbResult, PgStore};

/// A stored number read as the narrower type `T` the store's types use
/// (attempt numbers, HTTP statuses); one out of its range is an error.
pub(crate) fn narrow<T: TryFrom<i64>>(value: i64, what: &str) -> DbResult<T> {
    T::try_from(value)
        .map_err(|_| StoreError::Other(format!("stored {what} out of range: {value}")).into())
}

/// A stored optional number read as the narrower type `T` (see [`narrow`]).
pub(crate) fn narrow_opt<T: TryFrom<i64>>(value: Option<i64>, what: &str) -> DbResult<Option<T>> {
    value.map(|v| narrow(v, what)).transpose()
}

/// Makes finished delivery `$1` pending again, due at `$2`.
const REDELIVER: &str = "UPDATE event_deliveries SET state = 'pending', attempts = 0, \
     next_attempt_at = $2, finished_at = NULL, lease_token = NULL, lease_until = NULL \
     WHERE id = $1 AND state <> 'pending'";

/// Makes the failed deliveries of webhook `$1` created from `$2` to `$3` pending, due at `$4`.
const REDELIVER_FAILED: &str = "UPDATE event_deliveries SET state = 'pending', attempts = 0, \
     next_attempt_at = $4, finished_at = NULL, lease_token = NULL, lease_until = NULL \
     WHERE webhook_id = $1 AND state = 'failed' AND created_at BETWEEN $2 AND $3";

/// Deliveries of webhook `$1`, newest first: `$2` state or any, `$3` event
/// code or any, `$4` only ids below it or all, at most `$5`.
const LIST_DELIVERIES: &str = "SELECT d.id, d.event_id, d.webhook_id, d.state, d.attempts, \
     d.next_attempt_at, d.last_status, d.created_at, d.finished_at, e.code \
     FROM event_deliveries d JOIN events e ON e.id = d.event_id \
     WHERE d.webhook_id = $1 AND ($2::text IS NULL OR d.state = $2) \
       AND ($3::text IS NULL OR e.code = $3) AND ($4::bigint IS NULL OR d.id < $4) \
     ORDER BY d.id DESC LIMIT $5";

/// The attempts of delivery `$1`, in order.
const LIST_ATTEMPTS: &str = "SELECT id, delivery_id, attempt, started_at, duration_ms, status, \
     response, error, outcome FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id";

/// Inserts the one pending delivery of a test event: event `$1`, webhook `$2`, due at `$3`.
const INSERT_TEST_DELIVERY: &str = "INSERT INTO event_deliveries (event_id, webhook_id, state, \
     attempts, next_attempt_at, created_at) VALUES ($1, $2, 'pending', 0, $3, $3) RETURNING id";

/// Removes deliveries finished before `$1`.
const PRUNE_DELIVERIES: &str =
    "DELETE FROM event_deliveries WHERE state <> 'pending' AND finished_at < $1";

/// Removes the handler rows of removed applications (kept to deliver their
/// `ONAPPUNINSTALL`) once no delivery of theirs is left.
const PRUNE_DETACHED_HANDLERS: &str = "DELETE FROM outbound_webhooks \
     WHERE app_handler = 1 AND app_id IS NULL \
       AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.webhook_id = outbound_webhooks.id)";

/// Removes events older than `$1` that no delivery refers to.
const PRUNE_EVENTS: &str = "DELETE FROM events WHERE created_at < $1 \
     AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = events.id)";

/// A [`Delivery`] from the columns [`LIST_DELIVERIES`] selects.
fn delivery_from_row(row: &Row) -> DbResult<Delivery> {
    let state: String = row.try_get(3)?;
    Ok(Delivery {
        id: row.try_get(0)?,
        event_id: row.try_get(1)?,
        webhook_id: row.try_get(2)?,
        state: DeliveryState::parse(&state).unwrap_or(DeliveryState::Failed),
        attempts: narrow(row.try_get(4)?, "attempt count")?,
        next_attempt_at: row.try_get(5)?,
        last_status: narrow_opt(row.try_get(6)?, "HTTP status")?,
        created_at: row.try_get(7)?,
        finished_at: row.try_get(8)?,
        event_code: row.try_get(9)?,
    })
}

/// A [`DeliveryAttempt`] from the columns [`LIST_ATTEMPTS`] selects.
fn attempt_from_row(row: &Row) -> DbResult<DeliveryAttempt> {
    Ok(DeliveryAttempt {
        id: row.try_get(0)?,
        delivery_id: row.try_get(1)?,
        attempt: narrow(row.try_get(2)?, "attempt number")?,
        started_at: row.try_get(3)?,
        duration_ms: row.try_get::<_, i64>(4)?.max(0).unsigned_abs(),
        status: narrow_opt(row.try_get(5)?, "HTTP status")?,
        response: row.try_get(6)?,
        error: row.try_get(7)?,
        outcome: row.try_get(8)?,
    })
}

impl PgStore {
    /// Wakes this node's delivery workers at once, after a commit that made
    /// deliveries due (the `NOTIFY` sent with it reaches every node, this one
    /// included, a moment later).
    fn wake_deliveries(&self) {
        crate::listen::deliveries_due(&self.inner);
    }
}

#[async_trait]
impl DeliveryStore for PgStore {
    fn on_deliveries_due(&self, wake: portico_store::DeliveriesDue) {
        self.add_deliveries_due(wake);
    }

    async fn claim_deliveries(
        &self,
        now: i64,
        lease_secs: i64,
        limit: usize,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        transaction!(self, ReadCommitted, |tx| {
            claim::claim(&tx, now, lease_secs, limit).await
        })
    }

    async fn release_leases(&self) -> Result<u64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "UPDATE event_deliveries SET lease_token = NULL, lease_until = NULL \
                     WHERE state = 'pending' AND lease_until IS NOT NULL",
                )
                .await?;
            Ok(tx.execute(&statement, &[]).await?)
        })
    }

    async fn record_attempt(&self, attempt: AttemptRecord) -> Result<bool, StoreError> {
        transaction!(self, |tx| { record::record(&tx, &attempt).await })
    }

    async fn list_deliveries(
        &self,
        webhook_id: i64,
        query: DeliveryQuery,
    ) -> Result<Vec<Delivery>, StoreError> {
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
        let state = query.state.map(DeliveryState::as_str);
        read!(self, |conn| {
            let statement = conn.prepare_cached(LIST_DELIVERIES).await?;
            conn.query(
                &statement,
                &[
                    &webhook_id,
                    &state,
                    &query.event_code,
                    &query.before_id,
                    &limit,
                ],
            )
            .await?
            .iter()
            .map(delivery_from_row)
            .collect()
        })
    }

    async fn delivery_attempts(
        &self,
        delivery_id: i64,
    ) -> Result<Vec<DeliveryAttempt>, StoreError> {
        read!(self, |conn| {
            let statement = conn.prepare_cached(LIST_ATTEMPTS).await?;
            conn.query(&statement, &[&delivery_id])
                .await?
                .iter()
                .map(attempt_from_row)
                .collect()
        })
    }

    async fn redeliver(&self, delivery_id: i64, now: i64) -> Result<bool, StoreError> {
        let again = transaction!(self, |tx| {
            let statement = tx.prepare_cached(REDELIVER).await?;
            let again = tx.execute(&statement, &[&delivery_id, &now]).await? > 0;
            if again {
                notify(&tx, DELIVERIES, "").await?;
            }
            Ok(again)
        })?;
        if again {
            self.wake_deliveries();
        }
        Ok(again)
    }

    async fn redeliver_failed(
        &self,
        webhook_id: i64,
        from: i64,
        to: i64,
        now: i64,
    ) -> Result<u64, StoreError> {
        let again = transaction!(self, |tx| {
            let statement = tx.prepare_cached(REDELIVER_FAILED).await?;
            let again = tx
                .execute(&statement, &[&webhook_id, &from, &to, &now])
                .await?;
            if again > 0 {
                notify(&tx, DELIVERIES, "").await?;
            }
            Ok(again)
        })?;
        if again > 0 {
            self.wake_deliveries();
        }
        Ok(again)
    }

    async fn queue_test_event(
        &self,
        webhook_id: i64,
        user_id: Option<i64>,
        at: i64,
    ) -> Result<Option<QueuedTest>, StoreError> {
        let stamp = EventStamp {
            at,
            user_id,
            auth_connector: None,
        };
        let queued = transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM outbound_webhooks WHERE id = $1)")
                .await?;
            let exists: bool = tx.query_one(&statement, &[&webhook_id]).await?.try_get(0)?;
            if !exists {
                return Ok(None);
            }
            let event = RaisedEvent {
                code: TEST_EVENT_CODE,
                entity: "APP",
                entity_id: 0,
                data: serde_json::json!({ "QUERY": { "TEST": "Y" } }),
            };
            let event_id = insert_event(&tx, &event, &stamp).await?;
            let statement = tx.prepare_cached(INSERT_TEST_DELIVERY).await?;
            let delivery_id: i64 = tx
                .query_one(&statement, &[&event_id, &webhook_id, &stamp.at])
                .await?
                .try_get(0)?;
            notify(&tx, DELIVERIES, "").await?;
            Ok(Some(QueuedTest {
                event_id,
                delivery_id,
            }))
        })?;
        if queued.is_some() {
            self.wake_deliveries();
        }
        Ok(queued)
    }

    async fn prune_outbox(&self, before: i64) -> Result<u64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(PRUNE_DELIVERIES).await?;
            tx.execute(&statement, &[&before]).await?;
            let statement = tx.prepare_cached(PRUNE_DETACHED_HANDLERS).await?;
            tx.execute(&statement, &[]).await?;
            let statement = tx.prepare_cached(PRUNE_EVENTS).await?;
            Ok(tx.execute(&statement, &[&before]).await?)
        })
    }
}
