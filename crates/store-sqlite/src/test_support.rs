//! Helpers the backend's unit tests share: a migrated database in a folder,
//! and the query plan of a statement.

use std::path::Path;

use rusqlite::Connection;
use sea_query::{SelectStatement, SqliteQueryBuilder};
use sea_query_rusqlite::RusqliteBinder;

use crate::connection::{open, Role};

/// A writer connection on a fresh, migrated database `t.db` in `dir`.
pub(crate) fn migrated(dir: &Path) -> Connection {
    let mut conn = open(
        &dir.join("t.db"),
        Role::Writer,
        &crate::SqliteOptions::default(),
    )
    .expect("open");
    crate::migrate::migrate(&mut conn).expect("migrate");
    conn
}

/// The plan of `sql` with `params`, its details joined by ` / `.
pub(crate) fn plan(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> String {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("prepare");
    let rows = stmt
        .query_map(params, |r| r.get::<_, String>(3))
        .expect("plan");
    rows.collect::<Result<Vec<_>, _>>()
        .expect("rows")
        .join(" / ")
}

/// The plan of a built statement.
pub(crate) fn statement_plan(conn: &Connection, statement: SelectStatement) -> String {
    let (text, values) = statement.build_rusqlite(SqliteQueryBuilder);
    plan(conn, &text, &*values.as_params())
}
