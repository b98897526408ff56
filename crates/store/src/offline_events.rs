//! Applications' offline events (reference §9.11). An offline binding
//! (`event.bind` with `event_type=offline`) makes each write that raises its
//! event upsert a row in its application's queue, in the write's own
//! transaction, instead of a POST: one row per object (event, entity, id)
//! among the rows no process has reserved, so many changes to one deal leave
//! one row with the time of the last. A change made by a call carrying the
//! binding's `auth_connector` is not queued for it (loop prevention). When a
//! row is queued and the application has a handler bound to
//! [`OFFLINE_NOTICE_EVENT`], that event is recorded for it, at most once per
//! binding's `minTimeout` seconds.
//!
//! The application reads its queue with `event.offline.get` (take: delete
//! the rows, or reserve them under a new process id), `event.offline.clear`,
//! `event.offline.error` and `event.offline.list`. Bindings and rows go with
//! their application.

use async_trait::async_trait;

use crate::error::StoreError;

/// The online event telling an application its offline queue has new rows.
pub const OFFLINE_NOTICE_EVENT: &str = "ONOFFLINEEVENT";

/// Default pause between two [`OFFLINE_NOTICE_EVENT`]s of one binding, seconds.
pub const DEFAULT_MIN_TIMEOUT: i64 = 1;

/// A new offline binding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOfflineBinding {
    /// The application.
    pub app_id: i64,
    /// The administrator who binds it.
    pub user_id: i64,
    /// Upper-case event code.
    pub event: String,
    /// `auth_connector` ('' without one).
    pub connector: String,
    /// `options.minTimeout`, seconds.
    pub min_timeout: i64,
    /// Creation instant, Unix seconds.
    pub created_at: i64,
}

/// An offline binding as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfflineBinding {
    /// Binding id.
    pub id: i64,
    /// Upper-case event code.
    pub event: String,
    /// `auth_connector` ('' without one).
    pub connector: String,
    /// The user who bound it.
    pub user_id: i64,
    /// `options.minTimeout`, seconds.
    pub min_timeout: i64,
}

/// A field of a queue row that filters and orders may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfflineField {
    /// `ID`.
    Id,
    /// `TIMESTAMP_X` (Unix seconds).
    TimestampX,
    /// `EVENT_NAME`.
    EventName,
    /// `MESSAGE_ID`.
    MessageId,
    /// `PROCESS_ID` ('' when not reserved).
    ProcessId,
    /// `ERROR` (0 or 1).
    Error,
}

/// A comparison of a filter condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfflineOp {
    /// `=` (or no operator).
    Eq,
    /// `!` / `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

/// A value compared in a filter condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OfflineValue {
    /// For `ID`, `TIMESTAMP_X`, `ERROR`.
    Int(i64),
    /// For `EVENT_NAME`, `MESSAGE_ID`, `PROCESS_ID`.
    Text(String),
}

/// One filter condition on queue rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfflineCondition {
    /// The field.
    pub field: OfflineField,
    /// The comparison.
    pub op: OfflineOp,
    /// The value; a list matches any of them (`Eq`) or none (`Ne`).
    pub values: Vec<OfflineValue>,
}

/// Which rows of one application's queue, in which order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfflineQuery {
    /// The application.
    pub app_id: i64,
    /// The queue of this `auth_connector` ('' without one).
    pub connector: String,
    /// All must hold.
    pub conditions: Vec<OfflineCondition>,
    /// Order keys, `true` for descending; the row id breaks ties.
    pub order: Vec<(OfflineField, bool)>,
    /// Rows marked erroneous are included.
    pub with_errors: bool,
}

/// What `event.offline.get` does with the rows it answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OfflineTake {
    /// Takes unreserved rows and deletes them.
    Delete,
    /// Takes unreserved rows and reserves them under this new process id.
    Reserve(String),
    /// Reads the rows reserved under this process id; deletes them when `true`.
    Process(String, bool),
}

/// A queue row.
#[derive(Clone, Debug, PartialEq)]
pub struct OfflineEvent {
    /// Row id.
    pub id: i64,
    /// Upper-case event code.
    pub event_name: String,
    /// Instant of the last change, Unix seconds.
    pub timestamp_x: i64,
    /// The event's `data` (`{"FIELDS": {"ID": 5}}`).
    pub data: serde_json::Value,
    /// The user who made the last change, if any.
    pub user_id: Option<i64>,
    /// Stable id of the row's message (32 hex digits).
    pub message_id: String,
    /// The process that reserved it ('' when none).
    pub process_id: String,
    /// Marked erroneous by `event.offline.error`.
    pub error: bool,
}

/// Offline bindings and queues.
#[async_trait]
pub trait OfflineEventStore: Send + Sync {
    /// Binds application `binding.app_id` offline to an event; `false` when
    /// that event and connector are bound already. An unknown application
    /// or user is [`StoreError::Conflict`].
    async fn bind_offline(&self, binding: NewOfflineBinding) -> Result<bool, StoreError>;

    /// Removes the offline bindings of `app_id` to `event` (all without one),
    /// made by `user_id` (anyone's without one); how many.
    async fn unbind_offline(
        &self,
        app_id: i64,
        event: Option<String>,
        user_id: Option<i64>,
    ) -> Result<u64, StoreError>;

    /// The offline bindings of `app_id`, by id.
    async fn offline_bindings(&self, app_id: i64) -> Result<Vec<OfflineBinding>, StoreError>;

    /// Up to `limit` rows of `query` taken as `take` says, in one write (so
    /// parallel callers get disjoint rows).
    async fn take_offline_events(
        &self,
        query: OfflineQuery,
        limit: u32,
        take: OfflineTake,
    ) -> Result<Vec<OfflineEvent>, StoreError>;

    /// Deletes the rows of `app_id`'s `connector` queue reserved under
    /// `process_id`: those of `ids` when given, else of `message_ids` when
    /// given, else all; how many.
    async fn clear_offline_events(
        &self,
        app_id: i64,
        connector: String,
        process_id: String,
        ids: Option<Vec<i64>>,
        message_ids: Option<Vec<String>>,
    ) -> Result<u64, StoreError>;

    /// Marks erroneous the rows reserved under `process_id` whose message id
    /// is in `message_ids` and gives them back to the queue; how many.
    async fn mark_offline_errors(
        &self,
        app_id: i64,
        connector: String,
        process_id: String,
        message_ids: Vec<String>,
    ) -> Result<u64, StoreError>;

    /// A page of `query`'s rows (reserved or not) from `start`, and the total.
    async fn list_offline_events(
        &self,
        query: OfflineQuery,
        start: u64,
        limit: u32,
    ) -> Result<(Vec<OfflineEvent>, u64), StoreError>;
}
