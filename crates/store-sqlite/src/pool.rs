//! The read pool: a few `query_only` connections, each behind its own mutex.
//!
//! A reader takes the first connection whose lock is free (scanning from the
//! first one, so statement caches of the first connections stay warm) and only
//! when all are busy waits for one, chosen round-robin. Point reads run inline on
//! the caller's thread: they are index lookups of microseconds. Scans (list
//! queries) run on tokio's blocking pool and take a permit first; there are
//! fewer permits than connections, so scans never starve point reads.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use portico_store::StoreError;
use rusqlite::Connection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::connection::{open, Role};
use crate::SqliteOptions;

/// The read connections.
pub(crate) struct ReadPool {
    conns: Vec<Mutex<Connection>>,
    next: AtomicUsize,
    scans: Arc<Semaphore>,
}

impl ReadPool {
    /// Opens `opts.read_connections` (at least one) read connections to `path`.
    pub(crate) fn open(path: &Path, opts: &SqliteOptions) -> Result<ReadPool, StoreError> {
        let size = opts.read_connections.max(1);
        let conns = (0..size)
            .map(|_| open(path, Role::Reader, opts).map(Mutex::new))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ReadPool {
            conns,
            next: AtomicUsize::new(0),
            scans: Arc::new(Semaphore::new(size.saturating_sub(1).max(1))),
        })
    }

    /// Runs `f` on a free connection (waiting for one when all are busy).
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.acquire();
        if !conn.is_autocommit() {
            // A reader that panicked mid-transaction: end it so the connection
            // neither fails every BEGIN nor pins an old WAL snapshot.
            conn.execute_batch("ROLLBACK")
                .map_err(crate::error::map_err)?;
        }
        f(&conn)
    }

    /// A permit to run one scan; held for the scan's duration.
    pub(crate) async fn scan_permit(&self) -> Result<OwnedSemaphorePermit, StoreError> {
        self.scans
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Unavailable("SQLite read pool closed".to_owned()))
    }

    /// Locks a connection: the first free one, else waits round-robin.
    fn acquire(&self) -> MutexGuard<'_, Connection> {
        for conn in &self.conns {
            match conn.try_lock() {
                Ok(guard) => return guard,
                // A panic while reading leaves the connection usable.
                Err(TryLockError::Poisoned(p)) => return p.into_inner(),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.conns.len();
        self.conns[i].lock().unwrap_or_else(|p| p.into_inner())
    }
}
