//! The outbox side of record writes: [`raise`] records the event a write raises
//! and one pending delivery per active outbound webhook subscribed to its code,
//! in the write's own transaction, and notifies every node's delivery worker
//! when it commits; [`EventStore`] reads events back.
//!
//! Event ids must grow in commit order, or a reader paging by `id > last` on
//! one node could pass an event another node commits later with a smaller id.
//! So the transactions that record events take one advisory lock (until they
//! end) before taking an id: they commit one after another.

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::events::record_event_code;
use portico_store::{EntityDef, Event, EventStamp, EventStore, RecordChange, StoreError};
use tokio_postgres::Row;

use crate::listen::DELIVERIES;
use crate::{read, DbResult, PgStore};

/// The advisory lock that orders event-recording transactions ("events").
pub(crate) const EVENTS_LOCK: i64 = 0x6576_656e_7473;

/// Inserts an event. Its message id is `msg_`, the current Unix time in
/// milliseconds as 12 hex digits, then 12 random hex digits: unique in
/// practice across databases, and increasing.
const EVENT_INSERT: &str =
    "INSERT INTO events (code, message_id, entity, entity_id, data, user_id, created_at) \
     VALUES ($1, 'msg_' || lpad(to_hex($7::bigint), 12, '0') \
       || substr(md5(random()::text || clock_timestamp()::text), 1, 12), $2, $3, $4, $5, $6) \
     RETURNING id";

/// The condition on outbound webhook `w` that it may get deliveries: a
/// user's, or a handler of an installed application.
macro_rules! handler_of_installed {
    () => {
        "(w.app_id IS NULL OR EXISTS (SELECT 1 FROM apps a \
          WHERE a.id = w.app_id AND a.installed_at IS NOT NULL))"
    };
}

/// Records an event and its deliveries in ONE statement, so the lock that
/// orders event ids (`$8`) is held for one round trip and the commit: takes the
/// lock, inserts the event (as [`EVENT_INSERT`]) and one pending delivery per
/// active outbound webhook subscribed to `$1` (applications' handlers only
/// while their application is installed), and notifies the delivery workers
/// (on channel `$9`) when it queued any. Gives the event's id and how many deliveries it queued.
const RECORD_WITH_DELIVERIES: &str = concat!(
    "WITH held AS (SELECT pg_advisory_xact_lock($8)), \
     event AS (INSERT INTO events (code, message_id, entity, entity_id, data, user_id, created_at) \
       SELECT $1, 'msg_' || lpad(to_hex($7::bigint), 12, '0') \
         || substr(md5(random()::text || clock_timestamp()::text), 1, 12), $2, $3, $4, $5, $6 \
       FROM held RETURNING id), \
     queued AS (INSERT INTO event_deliveries \
       (event_id, webhook_id, state, attempts, next_attempt_at, created_at) \
       SELECT event.id, w.id, 'pending', 0, $6, $6 FROM event, outbound_webhook_events s \
       JOIN outbound_webhooks w ON w.id = s.webhook_id \
       WHERE s.event = $1 AND w.active = 1 AND ",
    handler_of_installed!(),
    " ORDER BY w.id RETURNING 1), \
     woken AS (SELECT pg_notify($9, '') FROM (SELECT 1 FROM queued LIMIT 1) any_queued) \
     SELECT (SELECT id FROM event), (SELECT COUNT(*) FROM queued), (SELECT COUNT(*) FROM woken)"
);

/// Whether any active outbound webhook (or handler of an installed
/// application) is subscribed to `$1`.
const HAS_SUBSCRIBER: &str = concat!(
    "SELECT EXISTS (SELECT 1 FROM outbound_webhook_events s \
     JOIN outbound_webhooks w ON w.id = s.webhook_id WHERE s.event = $1 AND w.active = 1 AND ",
    handler_of_installed!(),
    ")"
);

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
pub(crate) fn event_from_row(row: &Row, at: usize) -> DbResult<Event> {
    let data: String = row.try_get(at + 5)?;
    Ok(Event {
        id: row.try_get(at)?,
        code: row.try_get(at + 1)?,
        message_id: row.try_get(at + 2)?,
        entity: row.try_get(at + 3)?,
        entity_id: row.try_get(at + 4)?,
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
        user_id: row.try_get(at + 6)?,
        created_at: row.try_get(at + 7)?,
    })
}

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
pub(crate) async fn raise(
    tx: &Transaction<'_>,
    entity: &EntityDef,
    change: RecordChange,
    id: i64,
    stamp: Option<&EventStamp>,
) -> DbResult<()> {
    let (Some(stamp), Some(code)) = (stamp, record_event_code(entity, change)) else {
        return Ok(());
    };
    let event = RaisedEvent {
        code: &code,
        entity: entity.code,
        entity_id: id,
        data: serde_json::json!({ "FIELDS": { "ID": id } }),
    };
    record_event(tx, &event, stamp).await.map(|_| ())
}

/// Records `event` and one pending delivery per active outbound webhook
/// subscribed to its code, in the transaction `tx`, and returns the event's
/// id. An event nobody is subscribed to is not recorded at all (`None`).
/// Applications' offline bindings to the code get their queue rows first (see
/// [`crate::offline_events::queue_offline`]).
pub(crate) async fn record_event(
    tx: &Transaction<'_>,
    event: &RaisedEvent<'_>,
    stamp: &EventStamp,
) -> DbResult<Option<i64>> {
    crate::offline_events::queue_offline(tx, event, stamp).await?;
    let statement = tx.prepare_cached(HAS_SUBSCRIBER).await?;
    let subscribed: bool = tx.query_one(&statement, &[&event.code]).await?.try_get(0)?;
    if !subscribed {
        return Ok(None);
    }
    let statement = tx.prepare_cached(RECORD_WITH_DELIVERIES).await?;
    let row = tx
        .query_one(
            &statement,
            &[
                &event.code,
                &event.entity,
                &event.entity_id,
                &event.data.to_string(),
                &stamp.user_id,
                &stamp.at,
                &unix_millis(),
                &EVENTS_LOCK,
                &DELIVERIES,
            ],
        )
        .await?;
    let event_id: i64 = row.try_get(0)?;
    Ok(Some(event_id))
}

/// Inserts `event` alone (no deliveries) in `tx` and returns its id, after
/// taking the lock that orders event ids by commit (see the module
/// documentation).
pub(crate) async fn insert_event(
    tx: &Transaction<'_>,
    event: &RaisedEvent<'_>,
    stamp: &EventStamp,
) -> DbResult<i64> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&EVENTS_LOCK])
        .await?;
    let statement = tx.prepare_cached(EVENT_INSERT).await?;
    let row = tx
        .query_one(
            &statement,
            &[
                &event.code,
                &event.entity,
                &event.entity_id,
                &event.data.to_string(),
                &stamp.user_id,
                &stamp.at,
                &unix_millis(),
            ],
        )
        .await?;
    Ok(row.try_get(0)?)
}

/// Milliseconds since the Unix epoch by the system clock (0 before it).
fn unix_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[async_trait]
impl EventStore for PgStore {
    async fn events_after(&self, after_id: i64, limit: usize) -> Result<Vec<Event>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    event_columns!(),
                    " FROM events e WHERE e.id > $1 ORDER BY e.id LIMIT $2"
                ))
                .await?;
            conn.query(&statement, &[&after_id, &limit])
                .await?
                .iter()
                .map(|row| event_from_row(row, 0))
                .collect()
        })
    }
}
