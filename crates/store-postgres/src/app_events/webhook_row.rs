//! Reading an application's handler row as an [`OutboundWebhook`], with its
//! subscriptions as one list in byte order (as SQLite's `group_concat` over
//! sorted codes gives them).

use portico_store::outbound::{DisableReason, Disabled};
use portico_store::OutboundWebhook;
use tokio_postgres::Row;

use crate::DbResult;

/// The columns [`outbound_from_row`] reads, of `outbound_webhooks` aliased `w`.
macro_rules! outbound_columns {
    () => {
        "w.id, w.user_id, w.name, w.handler_url, \
         (SELECT string_agg(event, ',' ORDER BY event COLLATE \"C\") \
           FROM outbound_webhook_events WHERE webhook_id = w.id), \
         w.application_token_sealed, w.signing_secret_sealed, w.active, w.created_at, \
         w.single_attempt, w.disabled_reason, w.disabled_at, w.app_id, w.auth_user_id"
    };
}
pub(super) use outbound_columns;

/// An [`OutboundWebhook`] from the columns of `outbound_columns!` starting at `at`.
pub(super) fn outbound_from_row(row: &Row, at: usize) -> DbResult<OutboundWebhook> {
    let events: Option<String> = row.try_get(at + 4)?;
    let reason: Option<String> = row.try_get(at + 10)?;
    let disabled_at: Option<i64> = row.try_get(at + 11)?;
    Ok(OutboundWebhook {
        id: row.try_get(at)?,
        user_id: row.try_get(at + 1)?,
        name: row.try_get(at + 2)?,
        handler_url: row.try_get(at + 3)?,
        events: events
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
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
