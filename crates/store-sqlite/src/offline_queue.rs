//! The recording side of offline events: [`queue_offline`] upserts, on the
//! write's own connection (so in its transaction), one queue row per offline
//! binding of an installed application to the raised event, except the
//! bindings whose connector is the caller's, and records `ONOFFLINEEVENT`
//! for each application with a binding due for a notice.

use portico_store::offline_events::OFFLINE_NOTICE_EVENT;
use portico_store::{EventStamp, StoreError};
use rusqlite::{params, Connection};

use crate::error::map_err;
use crate::events::RaisedEvent;

/// The offline bindings of installed applications to `?1`, except those of
/// connector `?2` (none excepted when `?2` is NULL): id, application,
/// connector, whether a notice is due at `?3`.
const BINDINGS_TO_QUEUE: &str = "SELECT b.id, b.app_id, b.connector, \
     (b.notified_at IS NULL OR b.notified_at + b.min_timeout <= ?3) \
     FROM app_offline_bindings b JOIN apps a ON a.id = b.app_id \
     WHERE b.event = ?1 AND a.installed_at IS NOT NULL AND (?2 IS NULL OR b.connector <> ?2) \
     ORDER BY b.id";

/// Queues the latest state of object (`?4`, `?5`) for application `?1`'s
/// connector `?2`: a new row, or the unreserved row of that object updated.
const UPSERT_ROW: &str = "INSERT INTO app_offline_events (app_id, connector, event_name, entity, \
     entity_id, message_id, timestamp_x, data, user_id) \
     VALUES (?1, ?2, ?3, ?4, ?5, lower(hex(randomblob(16))), ?6, ?7, ?8) \
     ON CONFLICT (app_id, connector, event_name, entity, entity_id) WHERE process_id = '' \
     DO UPDATE SET timestamp_x = excluded.timestamp_x, data = excluded.data, \
       user_id = excluded.user_id";

/// One binding that queued a row.
struct Queued {
    id: i64,
    app_id: i64,
    connector: String,
    notice_due: bool,
}

/// Queues `event` for the offline bindings to its code (see the module
/// documentation) and records the notices due.
pub(crate) fn queue_offline(
    conn: &Connection,
    event: &RaisedEvent<'_>,
    stamp: &EventStamp,
) -> Result<(), StoreError> {
    let caller_connector = stamp.auth_connector.as_deref().filter(|c| !c.is_empty());
    let bindings: Vec<Queued> = conn
        .prepare_cached(BINDINGS_TO_QUEUE)
        .and_then(|mut s| {
            s.query_map(params![event.code, caller_connector, stamp.at], |r| {
                Ok(Queued {
                    id: r.get(0)?,
                    app_id: r.get(1)?,
                    connector: r.get(2)?,
                    notice_due: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()
        })
        .map_err(map_err)?;
    if bindings.is_empty() {
        return Ok(());
    }
    let data = event.data.to_string();
    for binding in &bindings {
        conn.prepare_cached(UPSERT_ROW)
            .and_then(|mut s| {
                s.execute(params![
                    binding.app_id,
                    binding.connector,
                    event.code,
                    event.entity,
                    event.entity_id,
                    stamp.at,
                    data,
                    stamp.user_id
                ])
            })
            .map_err(map_err)?;
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
            conn,
            app_id,
            OFFLINE_NOTICE_EVENT,
            serde_json::json!({}),
            stamp,
        )?;
        if notice.is_none() {
            continue;
        }
        for binding in bindings
            .iter()
            .filter(|b| b.app_id == app_id && b.notice_due)
        {
            conn.prepare_cached("UPDATE app_offline_bindings SET notified_at = ?2 WHERE id = ?1")
                .and_then(|mut s| s.execute(params![binding.id, stamp.at]))
                .map_err(map_err)?;
        }
    }
    Ok(())
}
