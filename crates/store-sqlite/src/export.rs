//! Reading a whole portal out of a SQLite file for `portico migrate`: the
//! tables the target names, in its order, sent in batches of rows. Reads in one
//! read transaction, so the copy is one consistent state of the file.

use std::path::Path;
use std::time::Duration;

use portico_store::transfer::{Cell, TableRows, TableSpec};
use portico_store::StoreError;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use crate::entity_sql::quote;
use crate::error::map_err;

/// Rows per batch handed to `send`.
const BATCH_ROWS: usize = 2_000;

/// The tables of a Portico SQLite database that hold data of their own: not
/// SQLite's, and not the full-text search tables and their shadow tables
/// (derived from the records, and kept by the target's own indexes).
pub fn data_tables(path: &Path) -> Result<Vec<String>, StoreError> {
    let conn = open_read_only(path)?;
    let mut stmt = conn
        .prepare(
            "SELECT name, sql LIKE 'CREATE VIRTUAL TABLE%' FROM sqlite_schema \
             WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .map_err(map_err)?;
    let tables: Vec<(String, bool)> = stmt
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .map_err(map_err)?
        .collect::<Result<_, _>>()
        .map_err(map_err)?;
    let search: Vec<String> = tables
        .iter()
        .filter(|(_, virtual_table)| *virtual_table)
        .map(|(name, _)| format!("{name}_"))
        .collect();
    Ok(tables
        .into_iter()
        .filter(|(name, virtual_table)| {
            !virtual_table
                && !search
                    .iter()
                    .any(|prefix| name.starts_with(prefix.as_str()))
        })
        .map(|(name, _)| name)
        .collect())
}

/// Reads each table of `tables` (with the columns named there; a column the
/// file lacks is an error) and hands its rows to `send` in batches; returns
/// the number of rows read per table, in order.
pub fn export(
    path: &Path,
    tables: &[TableSpec],
    mut send: impl FnMut(TableRows) -> Result<(), StoreError>,
) -> Result<Vec<(String, u64)>, StoreError> {
    let mut conn = open_read_only(path)?;
    let tx = conn.transaction().map_err(map_err)?;
    let mut counts = Vec::with_capacity(tables.len());
    for spec in tables {
        let columns: Vec<String> = spec.columns.iter().map(|c| quote(c)).collect();
        let key = primary_key(&tx, &spec.table)?;
        let order = if key.is_empty() {
            String::new()
        } else {
            format!(" ORDER BY {}", key.join(", "))
        };
        let sql = format!(
            "SELECT {} FROM {}{order}",
            columns.join(", "),
            quote(&spec.table)
        );
        let mut stmt = tx.prepare(&sql).map_err(|e| {
            StoreError::Other(format!("cannot read table {}: {}", spec.table, map_err(e)))
        })?;
        let mut rows = stmt.query([]).map_err(map_err)?;
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        let mut count = 0u64;
        while let Some(row) = rows.next().map_err(map_err)? {
            let mut cells = Vec::with_capacity(spec.columns.len());
            for i in 0..spec.columns.len() {
                cells.push(cell(row.get_ref(i).map_err(map_err)?));
            }
            batch.push(cells);
            count += 1;
            if batch.len() == BATCH_ROWS {
                send(rows_of(spec, std::mem::take(&mut batch)))?;
            }
        }
        if !batch.is_empty() {
            send(rows_of(spec, batch))?;
        }
        counts.push((spec.table.clone(), count));
    }
    Ok(counts)
}

/// The primary key columns of `table`, quoted, in key order (parents before
/// the rows that point to them, for tables that reference themselves).
fn primary_key(conn: &Connection, table: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")
        .map_err(map_err)?;
    let names = stmt
        .query_map([table], |row| row.get::<_, String>(0))
        .map_err(map_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(map_err)?;
    Ok(names.iter().map(|n| quote(n)).collect())
}

/// A batch of `spec`'s rows.
fn rows_of(spec: &TableSpec, rows: Vec<Vec<Cell>>) -> TableRows {
    TableRows {
        table: spec.table.clone(),
        columns: spec.columns.clone(),
        rows,
    }
}

/// A stored value as a [`Cell`].
fn cell(value: ValueRef<'_>) -> Cell {
    match value {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(i) => Cell::Int(i),
        ValueRef::Real(f) => Cell::Real(f),
        ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
    }
}

/// Opens an existing database read-only.
fn open_read_only(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(map_err)?;
    crate::connection::install_functions(&conn).map_err(map_err)?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(map_err)?;
    Ok(conn)
}
