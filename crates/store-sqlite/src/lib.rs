//! SQLite backend of the Portico store (WAL, group-committed writes).
//!
//! One database file in WAL mode. Reads use a small pool of `query_only`
//! connections ([`pool`]): point reads run inline on the caller's thread, list
//! queries on tokio's blocking pool. Every write goes to one writer thread
//! ([`writer`]) that commits queued writes together, a savepoint per write, and
//! answers each only after `COMMIT`. The schema lives in `migrations/`, applied at
//! open and tracked with `PRAGMA user_version`. The database's files are private
//! to the account ([`files`]); [`inspect`] and [`check`] look at a database file
//! before or without opening the store.

mod app_events;
mod apps;
mod bots;
mod chats;
mod connection;
mod currencies;
mod deliveries;
mod departments;
mod duplicates;
mod entity_sql;
mod error;
mod events;
pub mod export;
mod feed;
mod files;
mod integrity;
mod links;
mod list;
mod list_cache;
mod live;
mod meta;
mod migrate;
mod notifications;
mod offline_events;
mod offline_queue;
mod outbound;
mod pipelines;
mod placements;
mod pool;
mod records;
mod rest_limits;
mod rest_stats;
mod roles;
mod sandbox;
mod sandbox_deliveries;
mod scrum;
mod search_index;
mod sessions;
mod sign_in_attempts;
mod stage_history;
mod statuses;
mod tasks;
mod tasks_items;
#[cfg(test)]
mod test_support;
mod user_field_events;
mod user_fields;
mod users;
mod value;
mod webhooks;
mod workgroups;
mod writer;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use portico_store::{EntityDef, StoreError};
use rusqlite::Connection;

use crate::connection::{open, Role};
use crate::entity_sql::EntitySql;
use crate::pool::ReadPool;
use crate::writer::Writer;

pub use crate::integrity::{check, inspect, DatabaseFile, Thoroughness};

/// How [`SqliteStore::open`] sets up the database.
#[derive(Clone, Debug)]
pub struct SqliteOptions {
    /// `synchronous=FULL` (every acknowledged write survives power loss); `false`
    /// selects `NORMAL` (survives a crash of the process, not of the machine).
    /// Default `true`.
    pub synchronous_full: bool,
    /// Read connections in the pool (at least one). Default: twice the available
    /// parallelism.
    pub read_connections: usize,
    /// Open through SQLite's `unix-excl` VFS: this process takes an exclusive
    /// lock on the file once, and its connections coordinate in memory (the WAL
    /// index lives on the heap) instead of through `fcntl` locks on every read
    /// transaction, which makes point reads several times faster. The price: no
    /// other process (the `sqlite3` shell, another `portico` command) can open
    /// the database while this store is open. Default `false`; ignored off Unix.
    pub exclusive: bool,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1);
        SqliteOptions {
            synchronous_full: true,
            read_connections: 2 * cores,
            exclusive: false,
        }
    }
}

/// The SQLite store: implements every storage trait, so it is a
/// [`portico_store::Store`]. Cheap to clone (shared state behind an `Arc`); the
/// writer thread stops when the last clone is closed or dropped, after
/// committing every write already queued.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

/// The shared state. Field order matters on drop: the writer drains and stops
/// before the read connections close.
struct Inner {
    writer: Writer,
    auth_cache: portico_store::cache::AuthCache,
    user_field_cache: portico_store::cache::UserFieldCache,
    readers: ReadPool,
    /// Remembered list totals and page ends (see [`list_cache`]).
    list_cache: Arc<list_cache::ListCache>,
    entities: RwLock<HashMap<usize, Arc<EntitySql>>>,
    path: PathBuf,
    /// Called after a commit that raised an event (see `DeliveryStore::on_deliveries_due`).
    deliveries_due: RwLock<Vec<portico_store::DeliveriesDue>>,
    /// Called after a commit that added live rows (see `LiveStore::on_live`).
    live_wakes: RwLock<Vec<portico_store::LiveWake>>,
}

impl SqliteStore {
    /// Opens (creating when missing, mode 0600) the database at `path`, switches
    /// it to WAL, applies pending migrations and starts the writer thread.
    pub fn open(path: &Path, opts: SqliteOptions) -> Result<Self, StoreError> {
        files::create_private(path)?;
        let mut conn = open(path, Role::Writer, &opts)?;
        migrate::migrate(&mut conn)?;
        let readers = ReadPool::open(path, &opts)?;
        let writer = Writer::start(conn)?;
        tracing::debug!(path = %path.display(), readers = opts.read_connections, "opened SQLite store");
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                writer,
                auth_cache: portico_store::cache::AuthCache::default(),
                user_field_cache: portico_store::cache::UserFieldCache::default(),
                readers,
                list_cache: Arc::default(),
                entities: RwLock::new(HashMap::new()),
                path: path.to_owned(),
                deliveries_due: RwLock::new(Vec::new()),
                live_wakes: RwLock::new(Vec::new()),
            }),
        })
    }

    /// Runs the registered `deliveries_due` callbacks (after a committed write
    /// that raised an event).
    pub(crate) fn wake_deliveries(&self) {
        if let Ok(wakes) = self.inner.deliveries_due.read() {
            for wake in wakes.iter() {
                wake();
            }
        }
    }

    /// Registers a `deliveries_due` callback.
    pub(crate) fn add_deliveries_due(&self, wake: portico_store::DeliveriesDue) {
        if let Ok(mut wakes) = self.inner.deliveries_due.write() {
            wakes.push(wake);
        }
    }

    /// Clears the webhook lookup cache after a write to a record type that
    /// authentication depends on (users).
    fn forget_auth_of(&self, entity: &EntityDef) {
        if entity.table == portico_store::users::USER.table {
            self.inner.auth_cache.invalidate();
        }
    }

    /// How many writes this store has queued for its writer since it was
    /// opened. Writes commit in the order they were queued, so a caller that
    /// starts its next write only after this number moved knows the order in
    /// which their rows get their ids.
    pub fn writes_queued(&self) -> u64 {
        self.inner.writer.queued()
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Releases this handle. When it is the last one, waits until every queued
    /// write is committed, then stops the writer and closes the connections.
    pub fn close(self) {
        drop(self);
    }

    /// The remembered list totals and page ends.
    fn list_cache(&self) -> Arc<list_cache::ListCache> {
        Arc::clone(&self.inner.list_cache)
    }

    /// The cached SQL of `entity`.
    fn entity_sql(&self, entity: &'static EntityDef) -> Arc<EntitySql> {
        let key = entity as *const EntityDef as usize;
        {
            let map = self
                .inner
                .entities
                .read()
                .unwrap_or_else(|p| p.into_inner());
            if let Some(sql) = map.get(&key) {
                return Arc::clone(sql);
            }
        }
        let mut map = self
            .inner
            .entities
            .write()
            .unwrap_or_else(|p| p.into_inner());
        Arc::clone(
            map.entry(key)
                .or_insert_with(|| Arc::new(EntitySql::new(entity))),
        )
    }

    /// Runs a short read inline on a pool connection.
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.inner.readers.read(f)
    }

    /// Runs a possibly long read on the blocking pool.
    async fn scan<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let permit = self.inner.readers.scan_permit().await?;
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            inner.readers.read(f)
        })
        .await
        .map_err(|e| StoreError::Other(format!("list task failed: {e}")))?
    }

    /// Runs a write in the writer's next batch; returns once it is committed.
    async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.inner.writer.write(f).await
    }
}
