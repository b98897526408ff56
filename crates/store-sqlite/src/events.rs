//! The outbox side of record writes: [`raise`] records the event a write raises
//! and one pending delivery per active outbound webhook subscribed to its code,
//! on the write's own connection (so in its transaction); [`EventStore`] reads
//! events back.

use async_trait::async_trait;
use portico_store::events::record_event_code;
use portico_store::{EntityDef, Event, EventStamp, EventStore, RecordChange, StoreError};
use rusqlite::{params, Connection, Row};

use crate::error::map_err;
use crate::SqliteStore;

/// Inserts an event. Its message id is `msg_`, the current Unix time in
/// milliseconds (`?7`) as 12 hex digits, then 12 random hex digits: unique in
/// practice across databases, and increasing, so its unique index grows at
/// its end instead of touching a random page on every write.
const EVENT_INSERT: &str =
    "INSERT INTO events (code, message_id, entity, entity_id, data, user_id, created_at) \
     VALUES (?1, 'msg_' || printf('%012x', ?7) || lower(hex(randomblob(6))), ?2, ?3, ?4, ?5, ?6)";

/// The condition on outbound webhook `w` that it may get deliveries: a
/// user's, or a handler of an installed application.
macro_rules! handler_of_installed {
    () => {
        "(w.app_id IS NULL OR EXISTS (SELECT 1 FROM apps a \
          WHERE a.id = w.app_id AND a.installed_at IS NOT NULL))"
    };
}

/// One pending delivery of event `?1` per active outbound webhook subscribed
/// to `?2` (applications' handlers only while their application is installed).
const FAN_OUT: &str = concat!("INSERT INTO event_deliveries (event_id, webhook_id, state, attempts, next_attempt_at, created_at) \
     SELECT ?1, w.id, 'pending', 0, ?3, ?3 FROM outbound_webhook_events s \
     JOIN outbound_webhooks w ON w.id = s.webhook_id \
     WHERE s.event = ?2 AND w.active = 1 AND ", handler_of_installed!(), " ORDER BY w.id");

/// The columns [`event_from_row`] reads, of `events` aliased `e`.
macro_rules! event_columns {
    () => {
        "e.id, e.code, e.message_id, e.entity, e.entity_id, e.data, e.user_id, e.created_at"
    };
}
pub(crate) use event_columns;

/// How many columns `event_columns!` has.
pub(crate) const EVENT_COLUMNS: usize = 8;

/// An [`Event`] from the columns of `event_columns!` starting at column `at`.
pub(crate) fn event_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<Event> {
    let data: String = row.get(at + 5)?;
    Ok(Event {
        id: row.get(at)?,
        code: row.get(at + 1)?,
        message_id: row.get(at + 2)?,
        entity: row.get(at + 3)?,
        entity_id: row.get(at + 4)?,
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
        user_id: row.get(at + 6)?,
        created_at: row.get(at + 7)?,
    })
}

/// Whether any active outbound webhook (or handler of an installed
/// application) is subscribed to `?1`.
const HAS_SUBSCRIBER: &str = concat!(
    "SELECT EXISTS (SELECT 1 FROM outbound_webhook_events s \
     JOIN outbound_webhooks w ON w.id = s.webhook_id WHERE s.event = ?1 AND w.active = 1 AND ",
    handler_of_installed!(),
    ")"
);

/// An event about to be recorded (see [`record_event`]).
pub(crate) struct RaisedEvent<'a> {
    /// Upper-case event code (`ONCRMLEADADD`).
    pub code: &'a str,
    /// Code of the entity changed (`LEAD`, `USER`, `LEAD_USERFIELD`, …).
    pub entity: &'a str,
    /// Id of the thing changed.
    pub entity_id: i64,
    /// The event's `data` as Bitrix24 sends it.
    pub data: serde_json::Value,
}

/// Records the event `change` of record `id` of `entity` raises (if its type
/// raises events and the write carries a stamp) and its deliveries.
pub(crate) fn raise(
    conn: &Connection,
    entity: &EntityDef,
    change: RecordChange,
    id: i64,
    stamp: Option<&EventStamp>,
) -> Result<(), StoreError> {
    let (Some(stamp), Some(code)) = (stamp, record_event_code(entity, change)) else {
        return Ok(());
    };
    let event = RaisedEvent {
        code: &code,
        entity: entity.code,
        entity_id: id,
        data: serde_json::json!({ "FIELDS": { "ID": id } }),
    };
    record_event(conn, &event, stamp).map(|_| ())
}

/// Records `event` and one pending delivery per active outbound webhook
/// subscribed to its code, on `conn` (so in the caller's transaction), and
/// returns the event's id. An event nobody is subscribed to is not recorded
/// at all (`None`): nothing would ever read it, and a write stays as cheap as
/// without an outbox. Applications' bindings are outbound webhook rows too,
/// counted while their application is installed. Applications' offline
/// bindings to the code get their queue rows first (see
/// [`crate::offline_queue`]).
pub(crate) fn record_event(
    conn: &Connection,
    event: &RaisedEvent<'_>,
    stamp: &EventStamp,
) -> Result<Option<i64>, StoreError> {
    crate::offline_queue::queue_offline(conn, event, stamp)?;
    let subscribed: bool = conn
        .prepare_cached(HAS_SUBSCRIBER)
        .and_then(|mut s| s.query_row(params![event.code], |row| row.get(0)))
        .map_err(map_err)?;
    if !subscribed {
        return Ok(None);
    }
    let event_id = insert_event(conn, event, stamp)?;
    conn.prepare_cached(FAN_OUT)
        .and_then(|mut s| s.execute(params![event_id, event.code, stamp.at]))
        .map_err(map_err)?;
    Ok(Some(event_id))
}

/// Inserts `event` alone (no deliveries) on `conn` and returns its id.
pub(crate) fn insert_event(
    conn: &Connection,
    event: &RaisedEvent<'_>,
    stamp: &EventStamp,
) -> Result<i64, StoreError> {
    conn.prepare_cached(EVENT_INSERT)
        .and_then(|mut s| {
            s.execute(params![
                event.code,
                event.entity,
                event.entity_id,
                event.data.to_string(),
                stamp.user_id,
                stamp.at,
                unix_millis()
            ])
        })
        .map_err(map_err)?;
    Ok(conn.last_insert_rowid())
}

/// Milliseconds since the Unix epoch by the system clock (0 before it).
fn unix_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[async_trait]
impl EventStore for SqliteStore {
    async fn events_after(&self, after_id: i64, limit: usize) -> Result<Vec<Event>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    event_columns!(),
                    " FROM events e WHERE e.id > ?1 ORDER BY e.id LIMIT ?2"
                ))
                .map_err(map_err)?;
            let rows = stmt
                .query_map(params![after_id, limit], |row| event_from_row(row, 0))
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }
}
