//! List queries: the shared sea-query builder renders the page and the count,
//! selective substring filters narrowed by the trigram indexes
//! ([`SearchIndex`]); both
//! run in one read transaction so `total` and the page agree, and the page's
//! multi-fields and user-field values come with one more query each. A
//! partial, non-empty page is the last one, so its total needs no COUNT.

use portico_store::list::{build_count_with, build_select_with};
use portico_store::{ListPage, ListQuery, StoreError};
use rusqlite::Connection;
use sea_query::SqliteQueryBuilder;
use sea_query_rusqlite::RusqliteBinder;

use crate::entity_sql::EntitySql;
use crate::error::map_err;
use crate::records::attach_multi;
use crate::search_index::SearchIndex;

/// Runs a validated list query on `conn`.
pub(crate) fn list(
    conn: &Connection,
    sql: &EntitySql,
    q: &ListQuery,
) -> Result<ListPage, StoreError> {
    let tx = conn.unchecked_transaction().map_err(map_err)?;
    let index = SearchIndex::probing(&tx);
    let (text, values) =
        build_select_with(sql.entity, q, Some(&index)).build_rusqlite(SqliteQueryBuilder);
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
        let (text, values) =
            build_count_with(sql.entity, q, Some(&index)).build_rusqlite(SqliteQueryBuilder);
        let mut stmt = tx.prepare_cached(&text).map_err(map_err)?;
        let n: i64 = stmt
            .query_row(&*values.as_params(), |row| row.get(0))
            .map_err(map_err)?;
        Some(u64::try_from(n).unwrap_or(0))
    };
    tx.commit().map_err(map_err)?;
    Ok(ListPage { records, total })
}

#[cfg(test)]
mod tests {
    use portico_protocol::filter::FilterOp;
    use portico_store::crm::{COMPANY, CONTACT, LEAD};
    use portico_store::{Condition, EntityDef, FieldValue, MultiType};

    use portico_store::list::build_count;

    use super::*;
    use crate::connection::{open, Role};

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
        let (text, values) = build_count(entity, &q).build_rusqlite(SqliteQueryBuilder);
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {text}"))
            .expect("prepare");
        let rows = stmt
            .query_map(&*values.as_params(), |r| r.get::<_, String>(3))
            .expect("plan");
        rows.collect::<Result<Vec<_>, _>>()
            .expect("rows")
            .join(" / ")
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
        let path = dir.path().join("t.db");
        let mut conn = open(&path, Role::Writer, &crate::SqliteOptions::default()).expect("open");
        crate::migrate::migrate(&mut conn).expect("migrate");
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
}
