//! PostgreSQL backend of the Portico store, for one node or several on one
//! database.
//!
//! Every call takes a connection from a pool ([`deadpool_postgres`]). Writes run
//! in `SERIALIZABLE` transactions that the [`transaction!`] macro runs again when
//! PostgreSQL reports a serialization failure or deadlock, so a write sees the
//! database as if it were alone, as on SQLite's single writer, whichever node
//! runs it. Nothing a caller depends on is kept only in this process: the
//! delivery worker's wake-ups and cache invalidations travel as `NOTIFY` inside
//! the writing transaction and reach every node's listener ([`listen`]) once it
//! commits. The schema lives in `migrations/`, applied at start under an
//! advisory lock ([`migrate`]).

mod error;
mod listen;
mod migrate;
pub mod testing;
pub mod transfer;

mod app_events;
mod apps;
mod bots;
mod chats;
mod currencies;
mod deliveries;
mod departments;
mod events;
mod feed;
mod links;
mod list;
mod live;
mod meta;
mod notifications;
mod offline_events;
mod outbound;
mod pipelines;
mod placements;
mod records;
mod rest_limits;
mod rest_stats;
mod roles;
mod sandbox;
mod sandbox_deliveries;
mod scrum;
mod sessions;
mod sign_in_attempts;
mod statuses;
mod tasks;
mod user_field_values;
mod user_fields;
mod users;
mod webhooks;
mod workgroups;

use std::str::FromStr;
use std::sync::{Arc, RwLock};

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use portico_store::{DeliveriesDue, StoreError};
use tokio_postgres::NoTls;

pub use crate::listen::Change;
pub use crate::migrate::latest_version;

pub(crate) use crate::error::{map_err, DbError, DbResult};

/// How [`PgStore::connect`] sets up its connections.
#[derive(Clone, Debug)]
pub struct PgOptions {
    /// Connections in the pool (at least one). Default: 4 per available core,
    /// at least 8.
    pub max_connections: usize,
}

impl Default for PgOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1);
        PgOptions {
            max_connections: (4 * cores).max(8),
        }
    }
}

/// The PostgreSQL store: implements every storage trait, so it is a
/// [`portico_store::Store`]. Cheap to clone; the listener stops when the last
/// clone is dropped.
#[derive(Clone)]
pub struct PgStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

/// A callback told what a committed write changed (see [`PgStore::on_change`]).
pub type ChangeCallback = Arc<dyn Fn(Change) + Send + Sync>;

/// The shared state.
struct Inner {
    pool: Pool,
    /// Webhook lookups (see [`portico_store::cache`]): cleared after this
    /// node's writes to users and webhooks, on other nodes' notifications, and
    /// trusted for a second at most.
    auth_cache: portico_store::cache::AuthCache,
    /// User-field definitions, cleared and trusted alike.
    user_field_cache: portico_store::cache::UserFieldCache,
    /// Called when a committed write on any node made deliveries due.
    deliveries_due: RwLock<Vec<DeliveriesDue>>,
    /// Called when a committed write on any node changed what caches hold.
    changed: RwLock<Vec<ChangeCallback>>,
    /// Called when a committed write on any node added live rows.
    live_wakes: RwLock<Vec<portico_store::LiveWake>>,
    /// The listener task; aborted when the store is dropped.
    listener: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Inner {
    /// Clears the caches `change` makes stale.
    fn forget(&self, change: Change) {
        if matches!(change, Change::Auth | Change::All) {
            self.auth_cache.invalidate();
        }
        if matches!(change, Change::UserFields | Change::All) {
            self.user_field_cache.invalidate();
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Ok(mut listener) = self.listener.lock() {
            if let Some(task) = listener.take() {
                task.abort();
            }
        }
    }
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/db`),
    /// applies pending migrations (under an advisory lock, so nodes may start
    /// together) and starts listening for other nodes' changes. Must run inside
    /// a tokio runtime.
    pub async fn connect(url: &str, opts: PgOptions) -> Result<Self, StoreError> {
        let config = tokio_postgres::Config::from_str(url)
            .map_err(|e| StoreError::Other(format!("bad PostgreSQL URL: {e}")))?;
        let (mut client, connection) = config.connect(NoTls).await.map_err(map_err)?;
        let driver = tokio::spawn(connection);
        let migrated = migrate::migrate(&mut client).await;
        drop(client);
        let _ = driver.await;
        let applied = migrated?;
        if !applied.is_empty() {
            tracing::info!(?applied, "PostgreSQL schema brought up to date");
        }
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(opts.max_connections.max(1))
            .build()
            .map_err(|e| StoreError::Other(format!("cannot build the connection pool: {e}")))?;
        let store = PgStore {
            inner: Arc::new(Inner {
                pool,
                auth_cache: Default::default(),
                user_field_cache: Default::default(),
                deliveries_due: RwLock::new(Vec::new()),
                changed: RwLock::new(Vec::new()),
                live_wakes: RwLock::new(Vec::new()),
                listener: std::sync::Mutex::new(None),
            }),
        };
        let task = listen::start(config, Arc::downgrade(&store.inner));
        if let Ok(mut listener) = store.inner.listener.lock() {
            *listener = Some(task);
        }
        Ok(store)
    }

    /// A pooled connection.
    pub(crate) async fn client(&self) -> DbResult<deadpool_postgres::Object> {
        Ok(self.inner.pool.get().await?)
    }

    /// Registers a callback run when a committed write (on any node) changed
    /// what `Change` names; also run with [`Change::All`] after the listener
    /// reconnected, since notifications may have been missed meanwhile.
    pub fn on_change(&self, callback: ChangeCallback) {
        if let Ok(mut callbacks) = self.inner.changed.write() {
            callbacks.push(callback);
        }
    }

    /// Clears what `change` makes stale in this node's caches: called after this
    /// node's own committed writes (other nodes hear of them by `NOTIFY`).
    pub(crate) fn forget(&self, change: Change) {
        self.inner.forget(change);
    }

    /// Registers a `deliveries_due` callback.
    pub(crate) fn add_deliveries_due(&self, wake: DeliveriesDue) {
        if let Ok(mut wakes) = self.inner.deliveries_due.write() {
            wakes.push(wake);
        }
    }
}

/// Runs `$body` (a block evaluating to `DbResult<T>`, which may use `?` and
/// `return`) inside a `SERIALIZABLE` transaction on a pooled connection bound
/// to `$tx`, commits it, and runs it all again (up to 30 times, with a short
/// random pause) when PostgreSQL reports a serialization failure or a deadlock.
/// Evaluates to `Result<T, StoreError>`. The body must not have effects outside
/// the database (it may run more than once).
///
/// `transaction!(store, ReadCommitted, |tx| …)` picks another isolation level.
macro_rules! transaction {
    ($store:expr, |$tx:ident| $body:block) => {
        $crate::transaction!($store, Serializable, |$tx| $body)
    };
    ($store:expr, $level:ident, |$tx:ident| $body:block) => {{
        let mut attempt: u32 = 0;
        loop {
            let outcome: $crate::DbResult<_> = async {
                let mut client = $store.client().await?;
                let $tx = client
                    .build_transaction()
                    .isolation_level(::tokio_postgres::IsolationLevel::$level)
                    .start()
                    .await?;
                let value: $crate::DbResult<_> = async { $body }.await;
                let value = value?;
                $tx.commit().await?;
                Ok(value)
            }
            .await;
            match outcome {
                Err($crate::DbError::Retry(_)) if attempt < 30 => {
                    attempt += 1;
                    $crate::retry_pause(attempt).await;
                }
                other => break other.map_err(::portico_store::StoreError::from),
            }
        }
    }};
}
pub(crate) use transaction;

/// Runs `$body` (a block evaluating to `DbResult<T>`) with a pooled connection
/// bound to `$conn`, outside any explicit transaction: for reads of one
/// statement. Evaluates to `Result<T, StoreError>`.
macro_rules! read {
    ($store:expr, |$conn:ident| $body:block) => {{
        let outcome: $crate::DbResult<_> = async {
            let $conn = $store.client().await?;
            let value: $crate::DbResult<_> = async { $body }.await;
            value
        }
        .await;
        outcome.map_err(::portico_store::StoreError::from)
    }};
}
pub(crate) use read;

/// The pause before the `attempt`th run of a transaction that lost a race: a
/// random 1–(2 × attempt) ms, so two losers do not collide again.
pub(crate) async fn retry_pause(attempt: u32) {
    let most = u64::from(attempt.min(25)) * 2;
    let ms = 1 + rand_below(most);
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}

/// A number in `0..n` (0 when `n` is 0), from the clock's low bits: enough to
/// spread retries apart.
fn rand_below(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()));
    nanos % n
}

/// Sends `NOTIFY` on `channel` with `payload` inside the transaction `tx`: it
/// reaches every node (this one too) when the transaction commits, and never if
/// it rolls back.
pub(crate) async fn notify(
    tx: &deadpool_postgres::Transaction<'_>,
    channel: &str,
    payload: &str,
) -> DbResult<()> {
    tx.execute("SELECT pg_notify($1, $2)", &[&channel, &payload])
        .await?;
    Ok(())
}
