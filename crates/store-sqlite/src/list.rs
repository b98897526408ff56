//! List queries: the shared sea-query builder renders the page and the count;
//! both run in one read transaction so `total` and the page agree, and the
//! page's multi-fields and user-field values come with one more query each. A partial, non-empty page is
//! the last one, so its total needs no COUNT.

use portico_store::list::{build_count, build_select};
use portico_store::{ListPage, ListQuery, StoreError};
use rusqlite::Connection;
use sea_query::SqliteQueryBuilder;
use sea_query_rusqlite::RusqliteBinder;

use crate::entity_sql::EntitySql;
use crate::error::map_err;
use crate::records::attach_multi;

/// Runs a validated list query on `conn`.
pub(crate) fn list(
    conn: &Connection,
    sql: &EntitySql,
    q: &ListQuery,
) -> Result<ListPage, StoreError> {
    let tx = conn.unchecked_transaction().map_err(map_err)?;
    let (text, values) = build_select(sql.entity, q).build_rusqlite(SqliteQueryBuilder);
    let mut records = Vec::new();
    {
        let mut stmt = tx.prepare_cached(&text).map_err(map_err)?;
        let mut rows = stmt.query(&*values.as_params()).map_err(map_err)?;
        while let Some(row) = rows.next().map_err(map_err)? {
            records.push(sql.record(row).map_err(map_err)?);
        }
    }
    if q.with_multi && sql.entity.has_multifields() {
        attach_multi(&tx, sql.entity, &mut records)?;
    }
    if q.with_uf {
        crate::user_fields::load_many(&tx, sql.entity, &mut records)?;
    }
    let total = if !q.count_total {
        None
    } else if !records.is_empty() && (records.len() as u64) < q.limit {
        // A partial, non-empty page is the last one: no need to count.
        Some(q.offset + records.len() as u64)
    } else {
        let (text, values) = build_count(sql.entity, q).build_rusqlite(SqliteQueryBuilder);
        let mut stmt = tx.prepare_cached(&text).map_err(map_err)?;
        let n: i64 = stmt
            .query_row(&*values.as_params(), |row| row.get(0))
            .map_err(map_err)?;
        Some(u64::try_from(n).unwrap_or(0))
    };
    tx.commit().map_err(map_err)?;
    Ok(ListPage { records, total })
}
