//! List queries: the shared sea-query builder renders the page and the count,
//! selective substring filters narrowed by the trigram indexes
//! ([`SearchIndex`]); both run in one read transaction so `total` and the page
//! agree, and the page's multi-fields and user-field values come with one more
//! query each. A partial, non-empty page is the last one, so its total needs no
//! COUNT.
//!
//! At scale, the same transaction reads the entity's list generation (see
//! [`crate::list_cache`]): a `total` counted earlier on the same generation is
//! reused instead of counted again, and a page whose `start` lies at or after
//! the end of an earlier page of the same query (same filter, same order) on the
//! same generation continues from that page's last row by key
//! (`portico_store::list::build_seek`), skipping only the rows in between, so
//! sequential paging costs the same deep in the table as at its start. Anything
//! else — another generation, an order of several keys or by a user field, a
//! jump before every remembered page end — is the plain `LIMIT`/`OFFSET` query.

use portico_store::list::{
    build_count, build_count_with, build_seek, build_select_with, keyset_order, window,
    KeysetOrder, SortPosition, SubstringIndex,
};
use portico_store::{ListPage, ListQuery, Record, StoreError};
use rusqlite::{Connection, OptionalExtension};
use sea_query::{SelectStatement, SqliteQueryBuilder};
use sea_query_rusqlite::RusqliteBinder;

use crate::entity_sql::EntitySql;
use crate::error::map_err;
use crate::list_cache::{ListCache, Version};
use crate::records::attach_multi;
use crate::search_index::SearchIndex;

/// Where a query's pages may be remembered: the data's version, the query's
/// keyset order and its identity (filter and order).
struct Cursor {
    version: Version,
    order: KeysetOrder,
    key: String,
}

/// Runs a validated list query on `conn`, remembering totals and page ends in
/// `cache`.
pub(crate) fn list(
    conn: &Connection,
    sql: &EntitySql,
    q: &ListQuery,
    cache: &ListCache,
) -> Result<ListPage, StoreError> {
    let epoch = cache.epoch();
    let tx = conn.unchecked_transaction().map_err(map_err)?;
    let index = SearchIndex::probing(&tx);
    let version = generation(&tx, sql.entity.code)?.and_then(|g| cache.version(epoch, g));
    // The filter's identity: its plain count query (whatever the index does).
    let filter = version.map(|version| {
        let (text, values) = build_count(sql.entity, q).build_rusqlite(SqliteQueryBuilder);
        (version, format!("{text}\u{1f}{values:?}"))
    });
    let cursor = filter.as_ref().and_then(|(version, key)| {
        Some(Cursor {
            version: *version,
            order: keyset_order(sql.entity, q)?,
            key: format!("{key}\u{1f}{:?}", q.order),
        })
    });
    let mut records = page(&tx, sql, q, &index, cursor.as_ref(), cache)?;
    if let (Some(cursor), Some(last)) = (cursor, records.last()) {
        let rows = q.offset + records.len() as u64;
        cache.remember_position(
            cursor.key,
            cursor.version,
            rows,
            cursor.order.position(last),
        );
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
    } else if let Some(total) = filter.as_ref().and_then(|(v, key)| cache.total(key, *v)) {
        Some(total)
    } else {
        let (text, values) =
            build_count_with(sql.entity, q, Some(&index)).build_rusqlite(SqliteQueryBuilder);
        let n: i64 = tx
            .prepare_cached(&text)
            .map_err(map_err)?
            .query_row(&*values.as_params(), |row| row.get(0))
            .map_err(map_err)?;
        Some(u64::try_from(n).unwrap_or(0))
    };
    if let (Some(total), Some((version, key))) = (total, filter) {
        cache.remember_total(key, version, total);
    }
    tx.commit().map_err(map_err)?;
    Ok(ListPage { records, total })
}

/// The page's records: continued by key from the nearest remembered page end
/// before `start` when there is one, by `OFFSET` otherwise — reading the row
/// before the page too and remembering where it ends, so the same page asked
/// again continues from it.
fn page(
    conn: &Connection,
    sql: &EntitySql,
    q: &ListQuery,
    index: &SearchIndex<'_>,
    cursor: Option<&Cursor>,
    cache: &ListCache,
) -> Result<Vec<Record>, StoreError> {
    let cursor = cursor.filter(|_| q.offset > 0);
    if let Some(c) = cursor {
        if let Some((rows, position)) = cache.position_before(&c.key, c.version, q.offset) {
            if let Some(records) =
                seek_page(conn, sql, q, index, c.order, &position, q.offset - rows)?
            {
                return Ok(records);
            }
        }
    }
    let mut page = build_select_with(sql.entity, q, Some(index));
    let mut records = Vec::new();
    match cursor {
        Some(c) => {
            window(&mut page, q.offset - 1, q.limit.saturating_add(1));
            read_rows(conn, sql, page, &mut records)?;
            if !records.is_empty() {
                let before = records.remove(0);
                let position = c.order.position(&before);
                cache.remember_position(c.key.clone(), c.version, q.offset, position);
            }
        }
        None => {
            read_rows(conn, sql, page, &mut records)?;
        }
    }
    Ok(records)
}

/// The entity's list generation, when the database keeps one for it.
fn generation(conn: &Connection, entity: &str) -> Result<Option<i64>, StoreError> {
    conn.prepare_cached("SELECT generation FROM list_generations WHERE entity = ?1")
        .map_err(map_err)?
        .query_row([entity], |row| row.get(0))
        .optional()
        .map_err(map_err)
}

/// The page of `q` continued from `after`, skipping `skip` rows first; `None`
/// when the skip cannot be placed (it passed the end of a run with another run
/// after it) and the caller should use `OFFSET`.
fn seek_page(
    conn: &Connection,
    sql: &EntitySql,
    q: &ListQuery,
    index: &dyn SubstringIndex,
    order: KeysetOrder,
    after: &SortPosition,
    mut skip: u64,
) -> Result<Option<Vec<Record>>, StoreError> {
    let runs = build_seek(sql.entity, q, order, after, Some(index));
    let last_run = runs.len().saturating_sub(1);
    let mut records = Vec::new();
    for (i, mut run) in runs.into_iter().enumerate() {
        let want = q.limit.saturating_sub(records.len() as u64);
        if want == 0 {
            break;
        }
        window(&mut run, skip, want);
        let got = read_rows(conn, sql, run, &mut records)?;
        if got == want {
            break;
        }
        if got == 0 && skip > 0 && i < last_run {
            return Ok(None);
        }
        skip = 0;
    }
    Ok(Some(records))
}

/// Runs a page query, appending its records to `out`; returns how many.
fn read_rows(
    conn: &Connection,
    sql: &EntitySql,
    query: SelectStatement,
    out: &mut Vec<Record>,
) -> Result<u64, StoreError> {
    let (text, values) = query.build_rusqlite(SqliteQueryBuilder);
    let mut stmt = conn.prepare_cached(&text).map_err(map_err)?;
    let mut rows = stmt.query(&*values.as_params()).map_err(map_err)?;
    let mut n = 0;
    while let Some(row) = rows.next().map_err(map_err)? {
        out.push(sql.record(row).map_err(map_err)?);
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use portico_protocol::filter::FilterOp;
    use portico_store::crm::{COMPANY, CONTACT, LEAD};
    use portico_store::{Condition, EntityDef, FieldValue, MultiType};

    use portico_store::list::build_count;

    use super::*;
    use crate::test_support::{migrated, statement_plan};

    /// The query plan of the page query of `conditions` on `entity`.
    fn plan(conn: &Connection, entity: &EntityDef, conditions: Vec<Condition>) -> String {
        let q = ListQuery {
            conditions,
            order: vec![],
            offset: 0,
            limit: 50,
            count_total: true,
            with_multi: false,
            with_uf: false,
        };
        statement_plan(conn, build_count(entity, &q))
    }

    fn in_any_case(entity: &EntityDef, name: &str, v: &str) -> Condition {
        Condition::Field {
            field: entity.index_of(name).expect("field"),
            op: FilterOp::In,
            values: vec![FieldValue::Text(v.into()), FieldValue::Text(v.into())],
        }
    }

    /// Case-insensitive equality still searches an index where the exact
    /// column had one.
    #[test]
    fn text_equality_in_any_case_uses_the_lower_indexes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = migrated(dir.path());
        let p = plan(
            &conn,
            &CONTACT,
            vec![in_any_case(&CONTACT, "LAST_NAME", "Ёж")],
        );
        assert!(p.contains("crm_contacts_lower_last_name"), "{p}");
        let p = plan(
            &conn,
            &COMPANY,
            vec![in_any_case(&COMPANY, "TITLE", "Acme")],
        );
        assert!(p.contains("crm_companies_lower_title"), "{p}");
        let email = Condition::Multi {
            kind: MultiType::Email,
            op: FilterOp::Eq,
            values: vec![FieldValue::Text("A@B.C".into())],
        };
        let p = plan(&conn, &LEAD, vec![email]);
        assert!(p.contains("crm_multifields_type_lower_value"), "{p}");
        let p = plan(&conn, &LEAD, vec![in_any_case(&LEAD, "STATUS_ID", "NEW")]);
        assert!(p.contains("crm_leads_status_id"), "{p}");
    }

    /// Ordered pages walk an index (no sort of the whole table), and their
    /// keyset continuations start inside it.
    #[test]
    fn orders_and_continuations_walk_indexes() {
        use portico_store::list::{build_seek, keyset_order, SortPosition};
        use portico_store::{Direction, OrderKey};

        let dir = tempfile::tempdir().expect("tempdir");
        let conn = migrated(dir.path());
        let field = |name: &str| LEAD.index_of(name).expect("field");
        for (name, index) in [
            ("TITLE", "crm_leads_title"),
            ("DATE_MODIFY", "crm_leads_date_modify"),
            ("DATE_CREATE", "crm_leads_date_create"),
            ("OPPORTUNITY", "crm_leads_opportunity"),
            ("LAST_NAME", "crm_leads_last_name"),
        ] {
            for dir in [Direction::Asc, Direction::Desc] {
                let q = ListQuery {
                    conditions: vec![],
                    order: vec![(OrderKey::Field(field(name)), dir)],
                    offset: 500_000,
                    limit: 50,
                    count_total: true,
                    with_multi: false,
                    with_uf: false,
                };
                let p = statement_plan(&conn, portico_store::list::build_select(&LEAD, &q));
                assert!(
                    p.contains(index) && !p.contains("TEMP B-TREE"),
                    "{name} {dir:?}: {p}"
                );
                let order = keyset_order(&LEAD, &q).expect("keyset order");
                let after = SortPosition {
                    value: FieldValue::Int(5),
                    id: 9,
                };
                let runs = build_seek(&LEAD, &q, order, &after, None);
                let p = statement_plan(&conn, runs[0].clone());
                assert!(
                    p.contains(&format!("SEARCH crm_leads USING INDEX {index} ("))
                        && !p.contains("TEMP B-TREE"),
                    "{name} {dir:?} continued: {p}"
                );
            }
        }
        // The filtered sequential walk by id continues by a rowid range.
        let q = ListQuery {
            conditions: vec![Condition::Field {
                field: field("OPPORTUNITY"),
                op: FilterOp::Gt,
                values: vec![FieldValue::Int(1000)],
            }],
            order: vec![],
            offset: 900_000,
            limit: 50,
            count_total: true,
            with_multi: false,
            with_uf: false,
        };
        let order = keyset_order(&LEAD, &q).expect("keyset order");
        let after = SortPosition {
            value: FieldValue::Null,
            id: 1_250_000,
        };
        let p = statement_plan(&conn, build_seek(&LEAD, &q, order, &after, None)[0].clone());
        assert!(p.contains("rowid>?") && !p.contains("TEMP B-TREE"), "{p}");
    }
}
