//! Opening connections: the pragmas every connection gets (WAL, foreign keys,
//! busy timeout, synchronous level), the read-only guard of pool connections, a
//! Unicode-aware `lower()` replacing SQLite's ASCII-only one so that the list
//! builder's `LOWER(col) LIKE LOWER(?)` folds case in any script, and
//! `portico_comm_key(type_id, value)`, a multi-field value's
//! [`comm_key`] (what duplicate search compares).

use std::path::Path;
use std::time::Duration;

use portico_store::records::comm_key;
use portico_store::{MultiType, StoreError};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OpenFlags};

use crate::error::map_err;
use crate::SqliteOptions;

/// How long a connection waits on a lock held by another connection.
const BUSY_TIMEOUT: Duration = Duration::from_millis(5000);

/// Prepared statements kept per connection (list queries add one per shape).
const STATEMENT_CACHE: usize = 128;

/// Memory-mapped I/O, off: each reader connection would map the file on its
/// own, and a large database's pages then counted once per reader in the
/// process's resident memory (1 GB with four readers on a 480 MB database).
/// Reads go through the operating system's page cache and SQLite's own small
/// per-connection cache instead.
const MMAP_SIZE: i64 = 0;

/// What a connection is used for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The single writer (also runs migrations).
    Writer,
    /// A pool connection: `query_only`.
    Reader,
}

/// Opens `path` (created when missing) with the pragmas for `role`; with
/// `opts.exclusive` through SQLite's `unix-excl` VFS (see [`SqliteOptions`]).
pub(crate) fn open(
    path: &Path,
    role: Role,
    opts: &SqliteOptions,
) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if opts.exclusive && cfg!(unix) {
        Connection::open_with_flags_and_vfs(path, flags, "unix-excl")
    } else {
        Connection::open_with_flags(path, flags)
    }
    .map_err(map_err)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(map_err)?;
    if role == Role::Writer {
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(map_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Other(format!(
                "cannot switch {} to WAL (mode {mode})",
                path.display()
            )));
        }
    }
    let sync = if opts.synchronous_full {
        "FULL"
    } else {
        "NORMAL"
    };
    conn.pragma_update(None, "synchronous", sync)
        .map_err(map_err)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(map_err)?;
    conn.pragma_update(None, "temp_store", "MEMORY")
        .map_err(map_err)?;
    if role == Role::Reader {
        conn.pragma_update(None, "query_only", "ON")
            .map_err(map_err)?;
        conn.pragma_update(None, "mmap_size", MMAP_SIZE)
            .map_err(map_err)?;
    }
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    install_functions(&conn).map_err(map_err)?;
    Ok(conn)
}

/// Installs the functions the schema's indexes, triggers and queries call
/// (`lower`, `portico_comm_key`); any connection reading or checking a
/// Portico database needs them to compute index entries as they were written.
pub(crate) fn install_functions(conn: &Connection) -> rusqlite::Result<()> {
    install_lower(conn)?;
    install_comm_key(conn)
}

/// Replaces `lower()` with a Unicode-aware version (ASCII fast path).
fn install_lower(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function("lower", 1, flags, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Text(i.to_string()),
            ValueRef::Real(f) => Value::Text(f.to_string()),
            ValueRef::Text(b) => Value::Text(lowercase(&String::from_utf8_lossy(b))),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        })
    })
}

/// Installs `portico_comm_key(type_id, value)`: [`comm_key`] of `value` as an
/// entry of kind `type_id` (an unknown kind is keyed as a non-phone one); NULL
/// when nothing is left of it, or for a NULL argument.
fn install_comm_key(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function("portico_comm_key", 2, flags, |ctx| {
        let (Some(type_id), Some(value)) =
            (ctx.get::<Option<String>>(0)?, ctx.get::<Option<String>>(1)?)
        else {
            return Ok(None);
        };
        let kind = MultiType::parse(&type_id).unwrap_or(MultiType::Email);
        Ok(comm_key(kind, &value))
    })
}

/// Unicode lower case, exactly as the installed `lower()` folds text, without
/// the full mapping's cost for ASCII text.
pub(crate) fn lowercase(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_folds_unicode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = open(
            &dir.path().join("t.db"),
            Role::Writer,
            &SqliteOptions::default(),
        )
        .expect("open");
        let s: String = conn
            .query_row("SELECT lower('ÁGUA Ünï ABC')", [], |r| r.get(0))
            .expect("lower");
        assert_eq!(s, "água ünï abc");
        let like: bool = conn
            .query_row(
                "SELECT lower('São Paulo') LIKE lower('%SÃO%') ESCAPE '\\'",
                [],
                |r| r.get(0),
            )
            .expect("like");
        assert!(like);
    }
}
