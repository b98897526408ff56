//! The recording side of offline events: [`queue_offline`] upserts, in the
//! write's own transaction, one queue row per offline binding of an installed
//! application to the raised event, except the bindings whose connector is the
//! caller's, and records `ONOFFLINEEVENT` for each application with a binding
//! due for a notice.

use deadpool_postgres::Transaction;
use portico_store::offline_events::OFFLINE_NOTICE_EVENT;
use portico_store::EventStamp;

use crate::apps::execute;
use crate::events::RaisedEvent;
use crate::DbResult;

/// The offline bindings of installed applications to `$1`, except those of
/// connector `$2` (none excepted when `$2` is NULL): id, application,
/// connector, whether a notice is due at `$3`.
const BINDINGS_TO_QUEUE: &str = "SELECT b.id, b.app_id, b.connector, \
     (b.notified_at IS NULL OR b.notified_at + b.min_timeout <= $3) \
     FROM app_offline_bindings b JOIN apps a ON a.id = b.app_id \
     WHERE b.event = $1 AND a.installed_at IS NOT NULL \
       AND ($2::text IS NULL OR b.connector <> $2) \
     ORDER BY b.id";

/// Queues the latest state of object (`$4`, `$5`) for application `$1`'s
/// connector `$2`: a new row with a fresh 32-hex-digit message id, or the
/// unreserved row of that object updated.
const UPSERT_ROW: &str = "INSERT INTO app_offline_events (app_id, connector, event_name, entity, \
     entity_id, message_id, timestamp_x, data, user_id) \
     VALUES ($1, $2, $3, $4, $5, md5(random()::text || clock_timestamp()::text), $6, $7, $8) \
     ON CONFLICT (app_id, connector, event_name, entity, entity_id) WHERE process_id = '' \
     DO UPDATE SET timestamp_x = excluded.timestamp_x, data = excluded.data, \
       user_id = excluded.user_id";

/// One binding that queued a row.
struct Queued {
    /// The binding.
    id: i64,
    /// Its application.
    app_id: i64,
    /// Its connector.
    connector: String,
    /// Whether its `minTimeout` has passed since its last notice.
    notice_due: bool,
}

/// Queues `event` for the offline bindings to its code (see the module
/// documentation) and records the notices due.
pub(crate) async fn queue_offline(
    tx: &Transaction<'_>,
    event: &RaisedEvent<'_>,
    stamp: &EventStamp,
) -> DbResult<()> {
    let caller_connector = stamp.auth_connector.as_deref().filter(|c| !c.is_empty());
    let statement = tx.prepare_cached(BINDINGS_TO_QUEUE).await?;
    let bindings = tx
        .query(&statement, &[&event.code, &caller_connector, &stamp.at])
        .await?
        .iter()
        .map(|r| {
            Ok(Queued {
                id: r.try_get(0)?,
                app_id: r.try_get(1)?,
                connector: r.try_get(2)?,
                notice_due: r.try_get(3)?,
            })
        })
        .collect::<DbResult<Vec<Queued>>>()?;
    if bindings.is_empty() {
        return Ok(());
    }
    let data = event.data.to_string();
    for binding in &bindings {
        execute(
            tx,
            UPSERT_ROW,
            &[
                &binding.app_id,
                &binding.connector,
                &event.code,
                &event.entity,
                &event.entity_id,
                &stamp.at,
                &data,
                &stamp.user_id,
            ],
        )
        .await?;
    }
    let mut apps: Vec<i64> = bindings
        .iter()
        .filter(|b| b.notice_due)
        .map(|b| b.app_id)
        .collect();
    apps.sort_unstable();
    apps.dedup();
    for app_id in apps {
        let notice = crate::app_events::record_for_app(
            tx,
            app_id,
            OFFLINE_NOTICE_EVENT,
            serde_json::json!({}),
            stamp,
        )
        .await?;
        if notice.is_none() {
            continue;
        }
        for binding in bindings
            .iter()
            .filter(|b| b.app_id == app_id && b.notice_due)
        {
            execute(
                tx,
                "UPDATE app_offline_bindings SET notified_at = $2 WHERE id = $1",
                &[&binding.id, &stamp.at],
            )
            .await?;
        }
    }
    Ok(())
}
