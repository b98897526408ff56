//! Claiming due deliveries: one statement leases them, skipping rows another
//! node's claimer holds locked at that moment (`FOR UPDATE SKIP LOCKED`), so
//! concurrent claimers never get the same delivery; a lease that ran out (its
//! worker died) makes the row claimable again. A second statement loads the
//! event and the outbound webhook of each claimed delivery.

use std::collections::HashMap;

use deadpool_postgres::{GenericClient, Transaction};
use portico_store::ClaimedDelivery;

use super::narrow;
use crate::events::{event_columns, event_from_row, EVENT_COLUMNS};
use crate::outbound::{outbound_columns, outbound_from_row, OUTBOUND_COLUMNS};
use crate::DbResult;

/// Leases the due deliveries: `$1` now, `$2` lease end, `$3` how many. Each
/// gets a fresh random token and its attempt count goes up by one.
const CLAIM: &str = "UPDATE event_deliveries \
     SET lease_token = md5(random()::text || clock_timestamp()::text || id::text), \
       lease_until = $2, attempts = attempts + 1 \
     WHERE id IN (SELECT d.id FROM event_deliveries d \
       JOIN outbound_webhooks w ON w.id = d.webhook_id \
       WHERE d.state = 'pending' AND d.next_attempt_at <= $1 \
         AND (d.lease_until IS NULL OR d.lease_until < $1) AND w.active = 1 \
       ORDER BY d.next_attempt_at, d.id LIMIT $3 FOR UPDATE OF d SKIP LOCKED) \
     RETURNING id, lease_token, lease_until, attempts";

/// The event and the outbound webhook of each delivery in `$1`, then the
/// delivery's id.
const CLAIMED_PARTS: &str = concat!(
    "SELECT ",
    event_columns!(),
    ", ",
    outbound_columns!(),
    ", d.id FROM event_deliveries d JOIN events e ON e.id = d.event_id \
     JOIN outbound_webhooks w ON w.id = d.webhook_id WHERE d.id = ANY($1)"
);

/// Claims up to `limit` due deliveries for `lease_secs` (at least 1) from
/// `now` in `tx` (READ COMMITTED) and loads what sending them needs; the
/// oldest events first.
pub(super) async fn claim(
    tx: &Transaction<'_>,
    now: i64,
    lease_secs: i64,
    limit: usize,
) -> DbResult<Vec<ClaimedDelivery>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let lease_until = now.saturating_add(lease_secs.max(1));
    let statement = tx.prepare_cached(CLAIM).await?;
    let leased = tx.query(&statement, &[&now, &lease_until, &limit]).await?;
    if leased.is_empty() {
        return Ok(Vec::new());
    }
    let ids = leased
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<Vec<i64>, _>>()?;
    let statement = tx.prepare_cached(CLAIMED_PARTS).await?;
    let mut parts = HashMap::with_capacity(ids.len());
    for row in tx.query(&statement, &[&ids]).await? {
        let delivery_id: i64 = row.try_get(EVENT_COLUMNS + OUTBOUND_COLUMNS)?;
        let event = event_from_row(&row, 0)?;
        let webhook = outbound_from_row(&row, EVENT_COLUMNS)?;
        parts.insert(delivery_id, (event, webhook));
    }
    let mut claimed = Vec::with_capacity(leased.len());
    for row in leased {
        let delivery_id: i64 = row.try_get(0)?;
        // The rows are locked by this transaction: each has its parts.
        let Some((event, webhook)) = parts.remove(&delivery_id) else {
            continue;
        };
        claimed.push(ClaimedDelivery {
            delivery_id,
            lease_token: row.try_get(1)?,
            lease_until: row.try_get(2)?,
            attempt: narrow(row.try_get(3)?, "attempt count")?,
            event,
            webhook,
        });
    }
    claimed.sort_by_key(|c| (c.event.created_at, c.delivery_id));
    Ok(claimed)
}
