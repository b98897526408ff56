//! Live updates: what a signed-in browser learns without a reload (a new
//! notification, a chat message). A write that concerns users adds a
//! [`LivePush`] in its own transaction (a transactional outbox, like events),
//! so a reader on any node sees exactly what committed, in commit order: ids
//! grow in commit order on every backend. Each node tails the rows after the
//! last id it saw (woken by [`LiveStore::on_live`]) and passes each one to the
//! connected browsers of the users it names. Rows are kept for a while
//! ([`LIVE_RETENTION_SECS`]) so a browser that reconnects resumes where it was.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;

use crate::error::StoreError;

/// How long live rows are kept, seconds: a browser away for longer reloads
/// what it shows instead of resuming.
pub const LIVE_RETENTION_SECS: i64 = 3_600;

/// What a write tells the browsers of some users.
#[derive(Clone, Debug, PartialEq)]
pub struct LivePush {
    /// What happened, for the page scripts (`notify`, `message`, …).
    pub kind: String,
    /// The users whose browsers get it (never empty: nobody else does).
    pub user_ids: Vec<i64>,
    /// What the page scripts need, as JSON.
    pub data: Value,
}

/// A committed live update.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveEvent {
    /// Id, increasing in commit order.
    pub id: i64,
    /// See [`LivePush::kind`].
    pub kind: String,
    /// See [`LivePush::user_ids`].
    pub user_ids: Vec<i64>,
    /// See [`LivePush::data`].
    pub data: Value,
    /// When it was written, Unix seconds.
    pub created_at: i64,
}

impl LiveEvent {
    /// Whether `user_id`'s browsers get this update.
    pub fn is_for(&self, user_id: i64) -> bool {
        self.user_ids.contains(&user_id)
    }
}

/// Called after a commit that added live rows (on PostgreSQL: on any node).
pub type LiveWake = Arc<dyn Fn() + Send + Sync>;

/// Reading and pruning live rows; writes add them in their own transactions.
#[async_trait]
pub trait LiveStore: Send + Sync {
    /// Adds `push` on its own (a write with nothing else to commit), at `at`;
    /// its id.
    async fn push_live(&self, push: LivePush, at: i64) -> Result<i64, StoreError>;

    /// Up to `limit` live rows with an id greater than `after_id`, ascending.
    async fn live_after(&self, after_id: i64, limit: usize) -> Result<Vec<LiveEvent>, StoreError>;

    /// The greatest live id committed so far (0 when none).
    async fn live_last_id(&self) -> Result<i64, StoreError>;

    /// Deletes the rows written before `before`; how many.
    async fn prune_live(&self, before: i64) -> Result<u64, StoreError>;

    /// Registers `wake`, called after every commit that added live rows (on
    /// PostgreSQL, also after the listener reconnected: it may have missed some).
    fn on_live(&self, wake: LiveWake);
}

/// The stored form of [`LivePush::user_ids`] (a JSON array).
pub fn user_ids_text(user_ids: &[i64]) -> String {
    serde_json::to_string(user_ids).unwrap_or_else(|_| "[]".to_owned())
}

/// [`LivePush::user_ids`] from their stored form (nobody when unreadable).
pub fn user_ids_from_text(text: &str) -> Vec<i64> {
    serde_json::from_str(text).unwrap_or_default()
}
