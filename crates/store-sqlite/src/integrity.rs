//! Looking at a database file from outside the store, without creating it: what
//! it holds before it is opened ([`inspect`]), and SQLite's own consistency
//! checks ([`check`]): `quick_check` is cheap enough for every start,
//! `integrity_check` with the foreign keys is thorough. The checking connection
//! installs the store's SQL functions, so indexes on `lower(…)` are checked
//! against the lower case they were written with.

use std::path::Path;
use std::time::Duration;

use portico_store::StoreError;
use rusqlite::{Connection, OpenFlags};

use crate::error::map_err;
use crate::files;

/// At most this many problems are reported by one check.
const MAX_PROBLEMS: usize = 100;

/// What a database file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatabaseFile {
    /// There is no file.
    Missing,
    /// The file has zero bytes (and no write-ahead log holds pages for it).
    Empty,
    /// The file is a database without any table.
    NoTables,
    /// The file holds tables; `version` is its schema version (0: not written
    /// by Portico's migrations).
    Tables {
        /// `PRAGMA user_version`.
        version: u32,
    },
}

/// How thoroughly [`check`] looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Thoroughness {
    /// `PRAGMA quick_check`: page structure and record formats, in about the
    /// time of reading the file once.
    Quick,
    /// `PRAGMA integrity_check` (also every index against its table) and
    /// `PRAGMA foreign_key_check`.
    Full,
}

/// Opens an existing database without creating it; fails when it is missing.
fn open_existing(path: &Path) -> Result<Connection, StoreError> {
    files::tighten(path);
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(map_err)?;
    crate::connection::install_functions(&conn).map_err(map_err)?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(map_err)?;
    conn.pragma_update(None, "query_only", "ON")
        .map_err(map_err)?;
    Ok(conn)
}

/// Whether `path` with `suffix` appended names a non-empty file.
fn has_content(path: &Path, suffix: &str) -> bool {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    std::fs::metadata(name).is_ok_and(|m| m.len() > 0)
}

/// What the database file at `path` holds, read without changing it.
pub fn inspect(path: &Path) -> Result<DatabaseFile, StoreError> {
    if !path.exists() {
        return Ok(DatabaseFile::Missing);
    }
    if !has_content(path, "") && !has_content(path, "-wal") {
        return Ok(DatabaseFile::Empty);
    }
    let conn = open_existing(path)?;
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .map_err(map_err)?;
    if tables == 0 {
        return Ok(DatabaseFile::NoTables);
    }
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(map_err)?;
    Ok(DatabaseFile::Tables { version })
}

/// Runs SQLite's consistency checks on the existing database at `path`; returns
/// the problems found (none: the database is sound), at most 100. A check that
/// stops on a damaged page reports that as a problem; an error means the file
/// could not be opened.
pub fn check(path: &Path, thoroughness: Thoroughness) -> Result<Vec<String>, StoreError> {
    let conn = open_existing(path)?;
    let pragma = match thoroughness {
        Thoroughness::Quick => "PRAGMA quick_check",
        Thoroughness::Full => "PRAGMA integrity_check",
    };
    let mut problems = match rows(&conn, pragma, |r| r.get::<_, String>(0)) {
        Ok(rows) if rows == ["ok"] => Vec::new(),
        Ok(rows) => rows,
        Err(e) if is_damage(&e) => return Ok(vec![e.to_string()]),
        Err(e) => return Err(map_err(e)),
    };
    if thoroughness == Thoroughness::Full {
        let orphans = rows(&conn, "PRAGMA foreign_key_check", |r| {
            let table: String = r.get(0)?;
            let rowid: Option<i64> = r.get(1)?;
            let parent: String = r.get(2)?;
            let row = rowid.map_or_else(|| "a row".to_owned(), |id| format!("row {id}"));
            Ok(format!(
                "foreign key: {row} of {table} refers to a missing row of {parent}"
            ))
        });
        match orphans {
            Ok(orphans) => problems.extend(orphans),
            Err(e) if is_damage(&e) => problems.push(e.to_string()),
            Err(e) => return Err(map_err(e)),
        }
    }
    problems.truncate(MAX_PROBLEMS);
    Ok(problems)
}

/// Whether SQLite stopped because the file is damaged or not a database.
fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

/// The first [`MAX_PROBLEMS`] rows of `sql`, each mapped by `f`.
fn rows<T>(
    conn: &Connection,
    sql: &str,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let mapped = stmt.query_map([], f)?;
    mapped.take(MAX_PROBLEMS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SqliteOptions, SqliteStore};

    #[test]
    fn inspect_tells_missing_empty_bare_and_migrated_apart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.sqlite3");
        assert_eq!(inspect(&path).expect("missing"), DatabaseFile::Missing);
        std::fs::write(&path, b"").expect("empty");
        assert_eq!(inspect(&path).expect("empty"), DatabaseFile::Empty);
        Connection::open(&path)
            .and_then(|c| c.execute_batch("PRAGMA user_version = 3"))
            .expect("bare");
        assert_eq!(inspect(&path).expect("bare"), DatabaseFile::NoTables);
        std::fs::remove_file(&path).expect("remove");
        SqliteStore::open(&path, SqliteOptions::default())
            .expect("open")
            .close();
        assert_eq!(
            inspect(&path).expect("migrated"),
            DatabaseFile::Tables {
                version: crate::migrate::latest()
            }
        );
        assert_eq!(
            check(&path, Thoroughness::Quick).expect("quick"),
            Vec::<String>::new()
        );
        assert_eq!(
            check(&path, Thoroughness::Full).expect("full"),
            Vec::<String>::new()
        );
    }

    /// Indexes on `lower(…)` hold the Unicode-aware lower case of non-ASCII
    /// text; the check computes them alike and finds nothing wrong.
    #[test]
    fn check_folds_text_as_the_store_does() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.sqlite3");
        let mut conn = crate::connection::open(
            &path,
            crate::connection::Role::Writer,
            &SqliteOptions::default(),
        )
        .expect("open");
        crate::migrate::migrate(&mut conn).expect("migrate");
        conn.execute_batch(
            "INSERT INTO crm_contacts (name, last_name) VALUES ('Ёжик', 'ТУМАННЫЙ');
             INSERT INTO crm_companies (title) VALUES ('ÁGUA Ltda');",
        )
        .expect("rows");
        drop(conn);
        assert_eq!(
            check(&path, Thoroughness::Full).expect("full"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn check_reports_orphaned_rows() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.sqlite3");
        Connection::open(&path)
            .and_then(|c| {
                c.execute_batch(
                    "PRAGMA foreign_keys = OFF;
                     CREATE TABLE parent (id INTEGER PRIMARY KEY);
                     CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id));
                     INSERT INTO child VALUES (7, 42);",
                )
            })
            .expect("orphan");
        assert_eq!(
            check(&path, Thoroughness::Quick).expect("quick"),
            Vec::<String>::new()
        );
        assert_eq!(
            check(&path, Thoroughness::Full).expect("full"),
            ["foreign key: row 7 of child refers to a missing row of parent"]
        );
    }
}
