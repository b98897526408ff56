//! Recording an attempt: it is always logged while its delivery exists, and
//! its verdict applied only when the lease token still holds the delivery (a
//! report from a worker whose lease ran out and was claimed again is logged
//! but changes nothing).

use deadpool_postgres::{GenericClient, Transaction};
use portico_store::{AttemptRecord, AttemptVerdict, DeliveryState};

use crate::DbResult;

/// The lease token, state and webhook of delivery `$1`, locked.
const CURRENT: &str =
    "SELECT lease_token, state, webhook_id FROM event_deliveries WHERE id = $1 FOR UPDATE";

/// Logs one attempt.
const INSERT_ATTEMPT: &str = "INSERT INTO delivery_attempts (delivery_id, attempt, started_at, \
     duration_ms, status, response, error, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Applies a verdict to delivery `$5` and releases its lease.
const APPLY_VERDICT: &str = "UPDATE event_deliveries SET state = $1, next_attempt_at = $2, \
     finished_at = $3, last_status = COALESCE($4, last_status), lease_token = NULL, \
     lease_until = NULL WHERE id = $5";

/// Switches outbound webhook `$1` off for reason `$2` at `$3`, unless it is off already.
const DISABLE_WEBHOOK: &str = "UPDATE outbound_webhooks SET active = 0, disabled_reason = $2, \
     disabled_at = $3 WHERE id = $1 AND active = 1";

/// Logs attempt `a` and applies its verdict when its lease still holds, in
/// `tx`; `false` when the delivery is gone or the lease was lost.
pub(super) async fn record(tx: &Transaction<'_>, a: &AttemptRecord) -> DbResult<bool> {
    let statement = tx.prepare_cached(CURRENT).await?;
    let Some(current) = tx.query_opt(&statement, &[&a.delivery_id]).await? else {
        return Ok(false);
    };
    let token: Option<String> = current.try_get(0)?;
    let state: String = current.try_get(1)?;
    let webhook_id: i64 = current.try_get(2)?;
    let duration_ms = i64::try_from(a.duration_ms).unwrap_or(i64::MAX);
    let status = a.status.map(i64::from);
    let statement = tx.prepare_cached(INSERT_ATTEMPT).await?;
    tx.execute(
        &statement,
        &[
            &a.delivery_id,
            &i64::from(a.attempt),
            &a.started_at,
            &duration_ms,
            &status,
            &a.response,
            &a.error,
            &a.verdict.outcome(),
        ],
    )
    .await?;
    if token.as_deref() != Some(a.lease_token.as_str()) || state != DeliveryState::Pending.as_str()
    {
        return Ok(false);
    }
    let (state, next, finished) = match a.verdict {
        AttemptVerdict::Delivered => (DeliveryState::Delivered, None, Some(a.recorded_at)),
        AttemptVerdict::RetryAt(at) => (DeliveryState::Pending, Some(at), None),
        AttemptVerdict::GiveUp | AttemptVerdict::Disable(_) => {
            (DeliveryState::Failed, None, Some(a.recorded_at))
        }
    };
    let statement = tx.prepare_cached(APPLY_VERDICT).await?;
    tx.execute(
        &statement,
        &[&state.as_str(), &next, &finished, &status, &a.delivery_id],
    )
    .await?;
    if let AttemptVerdict::Disable(reason) = a.verdict {
        let statement = tx.prepare_cached(DISABLE_WEBHOOK).await?;
        tx.execute(&statement, &[&webhook_id, &reason.as_str(), &a.recorded_at])
            .await?;
    }
    Ok(true)
}
