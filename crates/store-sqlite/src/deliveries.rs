//! [`DeliveryStore`]: claiming due rows of `event_deliveries` with a lease in
//! one `UPDATE … RETURNING` (the single writer serialises claimers of this
//! process; SQLite's write lock those of other processes), and recording
//! attempts in `delivery_attempts` fenced by the lease token.

use async_trait::async_trait;
use portico_store::{
    AttemptRecord, AttemptVerdict, ClaimedDelivery, Delivery, DeliveryAttempt, DeliveryQuery,
    DeliveryState, DeliveryStore, EventStamp, QueuedTest, StoreError, TEST_EVENT_CODE,
};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::map_err;
use crate::events::{event_columns, event_from_row, insert_event, RaisedEvent, EVENT_COLUMNS};
use crate::outbound::{outbound_columns, outbound_from_row};
use crate::SqliteStore;

/// Leases the due deliveries: `?1` now, `?2` lease end, `?3` how many.
const CLAIM: &str = "UPDATE event_deliveries \
     SET lease_token = lower(hex(randomblob(16))), lease_until = ?2, attempts = attempts + 1 \
     WHERE id IN (SELECT d.id FROM event_deliveries d \
       JOIN outbound_webhooks w ON w.id = d.webhook_id \
       WHERE d.state = 'pending' AND d.next_attempt_at <= ?1 \
         AND (d.lease_until IS NULL OR d.lease_until < ?1) AND w.active = 1 \
       ORDER BY d.next_attempt_at, d.id LIMIT ?3) \
     RETURNING id, lease_token, lease_until, attempts";

/// The event and the outbound webhook of delivery `?1`.
const CLAIMED_PARTS: &str = concat!(
    "SELECT ",
    event_columns!(),
    ", ",
    outbound_columns!(),
    " FROM event_deliveries d JOIN events e ON e.id = d.event_id \
     JOIN outbound_webhooks w ON w.id = d.webhook_id WHERE d.id = ?1"
);

/// A [`Delivery`] from the columns [`LIST_DELIVERIES`] selects.
fn delivery_from_row(row: &Row<'_>) -> rusqlite::Result<Delivery> {
    let state: String = row.get(3)?;
    Ok(Delivery {
        id: row.get(0)?,
        event_id: row.get(1)?,
        webhook_id: row.get(2)?,
        state: DeliveryState::parse(&state).unwrap_or(DeliveryState::Failed),
        attempts: row.get(4)?,
        next_attempt_at: row.get(5)?,
        last_status: row.get(6)?,
        created_at: row.get(7)?,
        finished_at: row.get(8)?,
        event_code: row.get(9)?,
    })
}

/// Claims due deliveries and loads what sending them needs.
fn claim(
    conn: &Connection,
    now: i64,
    lease_secs: i64,
    limit: usize,
) -> Result<Vec<ClaimedDelivery>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let leased: Vec<(i64, String, i64, u32)> = {
        let mut stmt = conn.prepare_cached(CLAIM).map_err(map_err)?;
        let rows = stmt
            .query_map(
                params![now, now.saturating_add(lease_secs.max(1)), limit],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .map_err(map_err)?;
        rows.collect::<Result<_, _>>().map_err(map_err)?
    };
    let mut parts = conn.prepare_cached(CLAIMED_PARTS).map_err(map_err)?;
    let mut claimed = Vec::with_capacity(leased.len());
    for (delivery_id, lease_token, lease_until, attempt) in leased {
        let (event, webhook) = parts
            .query_row([delivery_id], |row| {
                Ok((
                    event_from_row(row, 0)?,
                    outbound_from_row(row, EVENT_COLUMNS)?,
                ))
            })
            .map_err(map_err)?;
        claimed.push(ClaimedDelivery {
            delivery_id,
            lease_token,
            lease_until,
            attempt,
            event,
            webhook,
        });
    }
    claimed.sort_by_key(|c| (c.event.created_at, c.delivery_id));
    Ok(claimed)
}

/// Logs an attempt and applies its verdict when the lease still holds.
fn record(conn: &Connection, a: &AttemptRecord) -> Result<bool, StoreError> {
    let current: Option<(Option<String>, String, i64)> = conn
        .prepare_cached("SELECT lease_token, state, webhook_id FROM event_deliveries WHERE id = ?1")
        .and_then(|mut s| {
            s.query_row([a.delivery_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()
        })
        .map_err(map_err)?;
    let Some((token, state, webhook_id)) = current else {
        return Ok(false);
    };
    let duration_ms = i64::try_from(a.duration_ms).unwrap_or(i64::MAX);
    conn.prepare_cached(
        "INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, status, \
         response, error, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut s| {
        s.execute(params![
            a.delivery_id,
            a.attempt,
            a.started_at,
            duration_ms,
            a.status,
            a.response,
            a.error,
            a.verdict.outcome()
        ])
    })
    .map_err(map_err)?;
    if token.as_deref() != Some(a.lease_token.as_str()) || state != "pending" {
        return Ok(false);
    }
    let (state, next, finished) = match a.verdict {
        AttemptVerdict::Delivered => (DeliveryState::Delivered, None, Some(a.recorded_at)),
        AttemptVerdict::RetryAt(at) => (DeliveryState::Pending, Some(at), None),
        AttemptVerdict::GiveUp | AttemptVerdict::Disable(_) => {
            (DeliveryState::Failed, None, Some(a.recorded_at))
        }
    };
    conn.prepare_cached(
        "UPDATE event_deliveries SET state = ?1, next_attempt_at = ?2, finished_at = ?3, \
         last_status = COALESCE(?4, last_status), lease_token = NULL, lease_until = NULL WHERE id = ?5",
    )
    .and_then(|mut s| s.execute(params![state.as_str(), next, finished, a.status, a.delivery_id]))
    .map_err(map_err)?;
    if let AttemptVerdict::Disable(reason) = a.verdict {
        conn.prepare_cached(
            "UPDATE outbound_webhooks SET active = 0, disabled_reason = ?2, disabled_at = ?3 \
             WHERE id = ?1 AND active = 1",
        )
        .and_then(|mut s| s.execute(params![webhook_id, reason.as_str(), a.recorded_at]))
        .map_err(map_err)?;
    }
    Ok(true)
}

/// Makes finished delivery `?1` pending again, due at `?2`.
const REDELIVER: &str = "UPDATE event_deliveries SET state = 'pending', attempts = 0, \
     next_attempt_at = ?2, finished_at = NULL, lease_token = NULL, lease_until = NULL \
     WHERE id = ?1 AND state != 'pending'";

/// Makes the failed deliveries of webhook `?1` created from `?2` to `?3` pending, due at `?4`.
const REDELIVER_FAILED: &str = "UPDATE event_deliveries SET state = 'pending', attempts = 0, \
     next_attempt_at = ?4, finished_at = NULL, lease_token = NULL, lease_until = NULL \
     WHERE webhook_id = ?1 AND state = 'failed' AND created_at BETWEEN ?2 AND ?3";

/// Deliveries of webhook `?1`, newest first: `?2` state or any, `?3` event
/// code or any, `?4` only ids below it or all, at most `?5`.
const LIST_DELIVERIES: &str = "SELECT d.id, d.event_id, d.webhook_id, d.state, d.attempts, \
     d.next_attempt_at, d.last_status, d.created_at, d.finished_at, e.code \
     FROM event_deliveries d JOIN events e ON e.id = d.event_id \
     WHERE d.webhook_id = ?1 AND (?2 IS NULL OR d.state = ?2) AND (?3 IS NULL OR e.code = ?3) \
       AND (?4 IS NULL OR d.id < ?4) \
     ORDER BY d.id DESC LIMIT ?5";

/// Records a test event and its one delivery to webhook `webhook_id`, if it exists.
fn queue_test(
    conn: &Connection,
    webhook_id: i64,
    stamp: &EventStamp,
) -> Result<Option<QueuedTest>, StoreError> {
    let exists: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM outbound_webhooks WHERE id = ?1)")
        .and_then(|mut s| s.query_row([webhook_id], |r| r.get(0)))
        .map_err(map_err)?;
    if !exists {
        return Ok(None);
    }
    let event = RaisedEvent {
        code: TEST_EVENT_CODE,
        entity: "APP",
        entity_id: 0,
        data: serde_json::json!({ "QUERY": { "TEST": "Y" } }),
    };
    let event_id = insert_event(conn, &event, stamp)?;
    conn.prepare_cached(
        "INSERT INTO event_deliveries (event_id, webhook_id, state, attempts, next_attempt_at, \
         created_at) VALUES (?1, ?2, 'pending', 0, ?3, ?3)",
    )
    .and_then(|mut s| s.execute(params![event_id, webhook_id, stamp.at]))
    .map_err(map_err)?;
    Ok(Some(QueuedTest {
        event_id,
        delivery_id: conn.last_insert_rowid(),
    }))
}

/// Removes deliveries finished before `?1`.
const PRUNE_DELIVERIES: &str =
    "DELETE FROM event_deliveries WHERE state != 'pending' AND finished_at < ?1";

/// Removes the handler rows of removed applications (kept to deliver their
/// `ONAPPUNINSTALL`) once no delivery of theirs is left.
const PRUNE_DETACHED_HANDLERS: &str = "DELETE FROM outbound_webhooks \
     WHERE app_handler = 1 AND app_id IS NULL \
       AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.webhook_id = outbound_webhooks.id)";

/// Removes events older than `?1` that no delivery refers to.
const PRUNE_EVENTS: &str = "DELETE FROM events WHERE created_at < ?1 \
     AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = events.id)";

#[async_trait]
impl DeliveryStore for SqliteStore {
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
        self.write(move |conn| claim(conn, now, lease_secs, limit))
            .await
    }

    async fn release_leases(&self) -> Result<u64, StoreError> {
        self.write(|conn| {
            conn.prepare_cached(
                "UPDATE event_deliveries SET lease_token = NULL, lease_until = NULL \
                 WHERE state = 'pending' AND lease_until IS NOT NULL",
            )
            .and_then(|mut s| s.execute([]))
            .map(|n| n as u64)
            .map_err(map_err)
        })
        .await
    }

    async fn record_attempt(&self, attempt: AttemptRecord) -> Result<bool, StoreError> {
        self.write(move |conn| record(conn, &attempt)).await
    }

    async fn list_deliveries(
        &self,
        webhook_id: i64,
        query: DeliveryQuery,
    ) -> Result<Vec<Delivery>, StoreError> {
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
        let state = query.state.map(DeliveryState::as_str);
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(LIST_DELIVERIES).map_err(map_err)?;
            let rows = stmt
                .query_map(
                    params![webhook_id, state, query.event_code, query.before_id, limit],
                    delivery_from_row,
                )
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn delivery_attempts(
        &self,
        delivery_id: i64,
    ) -> Result<Vec<DeliveryAttempt>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT id, delivery_id, attempt, started_at, duration_ms, status, response, \
                     error, outcome FROM delivery_attempts WHERE delivery_id = ?1 ORDER BY id",
                )
                .map_err(map_err)?;
            let rows = stmt
                .query_map([delivery_id], |r| {
                    Ok(DeliveryAttempt {
                        id: r.get(0)?,
                        delivery_id: r.get(1)?,
                        attempt: r.get(2)?,
                        started_at: r.get(3)?,
                        duration_ms: r.get::<_, i64>(4)?.max(0).unsigned_abs(),
                        status: r.get(5)?,
                        response: r.get(6)?,
                        error: r.get(7)?,
                        outcome: r.get(8)?,
                    })
                })
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn redeliver(&self, delivery_id: i64, now: i64) -> Result<bool, StoreError> {
        let again = self
            .write(move |conn| {
                conn.prepare_cached(REDELIVER)
                    .and_then(|mut s| s.execute(params![delivery_id, now]))
                    .map(|n| n > 0)
                    .map_err(map_err)
            })
            .await?;
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
        let n = self
            .write(move |conn| {
                conn.prepare_cached(REDELIVER_FAILED)
                    .and_then(|mut s| s.execute(params![webhook_id, from, to, now]))
                    .map_err(map_err)
            })
            .await?;
        if n > 0 {
            self.wake_deliveries();
        }
        Ok(n as u64)
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
        let queued = self
            .write(move |conn| queue_test(conn, webhook_id, &stamp))
            .await?;
        if queued.is_some() {
            self.wake_deliveries();
        }
        Ok(queued)
    }

    async fn prune_outbox(&self, before: i64) -> Result<u64, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(PRUNE_DELIVERIES)
                .and_then(|mut s| s.execute([before]))
                .map_err(map_err)?;
            conn.prepare_cached(PRUNE_DETACHED_HANDLERS)
                .and_then(|mut s| s.execute([]))
                .map_err(map_err)?;
            let events = conn
                .prepare_cached(PRUNE_EVENTS)
                .and_then(|mut s| s.execute([before]))
                .map_err(map_err)?;
            Ok(events as u64)
        })
        .await
    }
}
