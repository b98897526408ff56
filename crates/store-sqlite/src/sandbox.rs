//! [`SandboxStore`] on SQLite. A snapshot is a copy of the database file made
//! with `VACUUM INTO` in a `snapshots` folder beside it; a restore copies it
//! back page by page with SQLite's online backup into the open database, so
//! every connection sees the restored state at once and ids, sequences and
//! keys are exactly the snapshot's. Both run alone on the writer, between
//! write batches. Faults are rows of `sandbox_faults`.

use std::path::PathBuf;

use async_trait::async_trait;
use portico_store::sandbox::is_snapshot_name;
use portico_store::{Fault, NewFault, SandboxStore, StoreError};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};

use crate::error::map_err;
use crate::SqliteStore;

/// Columns of a fault, in [`fault_of`]'s order.
const FAULT_COLUMNS: &str = "id, method, integration, remaining, error, delay_ms";

/// A fault from a row of [`FAULT_COLUMNS`].
fn fault_of(row: &Row<'_>) -> rusqlite::Result<Fault> {
    Ok(Fault {
        id: row.get(0)?,
        method: row.get(1)?,
        integration: row.get(2)?,
        remaining: row.get(3)?,
        error: row.get(4)?,
        delay_ms: row.get(5)?,
    })
}

/// The condition matching a call of `?1` by `?2`.
const MATCHES: &str =
    "(method IS NULL OR method = ?1) AND (integration IS NULL OR integration = ?2)";

impl SqliteStore {
    /// The file of snapshot `name`, or an error for a name that is not one.
    fn snapshot_file(&self, name: &str) -> Result<PathBuf, StoreError> {
        if !is_snapshot_name(name) {
            return Err(StoreError::Conflict(format!(
                "'{name}' is not a snapshot name (1 to 64 letters, digits, '-', '_', '.')"
            )));
        }
        let dir = self
            .path()
            .parent()
            .map_or_else(|| PathBuf::from("snapshots"), |p| p.join("snapshots"));
        Ok(dir.join(format!("{name}.db")))
    }
}

/// An I/O error as a store error.
fn io_error(what: &str, e: std::io::Error) -> StoreError {
    StoreError::Unavailable(format!("{what}: {e}"))
}

#[async_trait]
impl SandboxStore for SqliteStore {
    async fn save_snapshot(&self, name: &str) -> Result<(), StoreError> {
        let file = self.snapshot_file(name)?;
        let partial = file.with_extension("db.partial");
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_error("cannot create snapshots", e))?;
        }
        self.inner
            .writer
            .write_alone(move |conn| {
                let _ = std::fs::remove_file(&partial);
                crate::files::create_private(&partial)?;
                conn.execute("VACUUM INTO ?1", params![partial.to_string_lossy()])
                    .map_err(map_err)?;
                std::fs::rename(&partial, &file).map_err(|e| io_error("cannot save snapshot", e))
            })
            .await
    }

    async fn restore_snapshot(&self, name: &str) -> Result<(), StoreError> {
        let file = self.snapshot_file(name)?;
        if !file.is_file() {
            return Err(StoreError::NotFound);
        }
        self.inner.list_cache.begin_restore();
        let restored = self
            .inner
            .writer
            .write_alone(move |conn| {
                let source = Connection::open_with_flags(&file, OpenFlags::SQLITE_OPEN_READ_ONLY)
                    .map_err(map_err)?;
                let backup = Backup::new(&source, conn).map_err(map_err)?;
                loop {
                    match backup.step(-1).map_err(map_err)? {
                        StepResult::Done => return Ok(()),
                        StepResult::More => {}
                        StepResult::Busy | StepResult::Locked => {
                            std::thread::sleep(std::time::Duration::from_millis(5));
                        }
                        other => {
                            return Err(StoreError::Other(format!(
                                "snapshot restore stopped: {other:?}"
                            )))
                        }
                    }
                }
            })
            .await;
        self.inner.list_cache.end_restore();
        restored?;
        self.inner.auth_cache.invalidate();
        self.inner.user_field_cache.invalidate();
        Ok(())
    }

    async fn arm_fault(&self, fault: &NewFault) -> Result<Fault, StoreError> {
        let fault = fault.clone();
        self.write(move |conn| {
            conn.prepare_cached(&format!(
                "INSERT INTO sandbox_faults (method, integration, remaining, error, delay_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5) RETURNING {FAULT_COLUMNS}"
            ))
            .and_then(|mut s| {
                s.query_row(
                    params![
                        fault.method,
                        fault.integration,
                        fault.times.max(1),
                        fault.error,
                        fault.delay_ms.max(0)
                    ],
                    fault_of,
                )
            })
            .map_err(map_err)
        })
        .await
    }

    async fn armed_faults(&self) -> Result<Vec<Fault>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached(&format!(
                "SELECT {FAULT_COLUMNS} FROM sandbox_faults ORDER BY id"
            ))
            .and_then(|mut s| s.query_map([], fault_of)?.collect())
            .map_err(map_err)
        })
    }

    async fn clear_faults(&self) -> Result<u64, StoreError> {
        self.write(|conn| {
            conn.execute("DELETE FROM sandbox_faults", [])
                .map(|n| n as u64)
                .map_err(map_err)
        })
        .await
    }

    async fn take_fault(
        &self,
        method: &str,
        integration: &str,
    ) -> Result<Option<Fault>, StoreError> {
        // Most calls meet no fault: a read answers them without a write.
        let armed = self.read(|conn| {
            conn.prepare_cached(&format!(
                "SELECT EXISTS (SELECT 1 FROM sandbox_faults WHERE {MATCHES})"
            ))
            .and_then(|mut s| s.query_row(params![method, integration], |r| r.get::<_, bool>(0)))
            .map_err(map_err)
        })?;
        if !armed {
            return Ok(None);
        }
        let (method, integration) = (method.to_owned(), integration.to_owned());
        self.write(move |conn| {
            let Some(mut fault) = conn
                .prepare_cached(&format!(
                    "SELECT {FAULT_COLUMNS} FROM sandbox_faults WHERE {MATCHES} \
                     ORDER BY id LIMIT 1"
                ))
                .and_then(|mut s| {
                    s.query_row(params![method, integration], fault_of)
                        .optional()
                })
                .map_err(map_err)?
            else {
                return Ok(None);
            };
            fault.remaining -= 1;
            let sql = if fault.remaining > 0 {
                "UPDATE sandbox_faults SET remaining = remaining - 1 WHERE id = ?1"
            } else {
                "DELETE FROM sandbox_faults WHERE id = ?1"
            };
            conn.prepare_cached(sql)
                .and_then(|mut s| s.execute(params![fault.id]))
                .map_err(map_err)?;
            Ok(Some(fault))
        })
        .await
    }
}
