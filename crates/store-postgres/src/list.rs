//! List queries (`RecordStore::list_records`): the shared sea-query builder of
//! `portico_store::list` renders the page and the count for PostgreSQL; both
//! run in one `REPEATABLE READ` transaction so `total` and the page see the
//! same snapshot, and the page's multi-fields and user-field values come with
//! one more query each. A partial, non-empty page is the last one, so its total
//! needs no COUNT.
//!
//! Unlike SQLite, nothing is remembered between calls (several nodes share the
//! data, and a per-process memory of totals or page ends would need cross-node
//! invalidation): every asked-for total is counted, and every page is read by
//! `LIMIT`/`OFFSET`. Substring filters use the plain `LIKE` of the builder;
//! the GIN trigram indexes of migration 0002 serve them where PostgreSQL finds
//! them worth it. Each connection keeps the statements of the list shapes it
//! ran prepared, up to a bound.
//!
//! Bound values are converted to the type PostgreSQL infers for each
//! placeholder ([`crate::records::value::bind`]): the builder binds a filter's
//! operand as it was given (an integer compared with a `DOUBLE PRECISION`
//! column, say), which the driver would otherwise refuse or, through
//! `sea-query-postgres`' binder that accepts any type, send as the wrong bytes.

use deadpool_postgres::{GenericClient, Transaction};
use portico_store::list::{build_count, build_select, validate};
use portico_store::{EntityDef, FieldValue, ListPage, ListQuery, Record, StoreError};
use sea_query::{PostgresQueryBuilder, SelectStatement, Value};

use crate::records::value::{bind, refs};
use crate::records::{attach_multi, EntitySql};
use crate::{transaction, DbResult, PgStore};

/// Runs the list query `query` on `entity`: the page, its multi-fields and
/// user-field values when asked, and the total when asked.
pub(crate) async fn list(
    store: &PgStore,
    entity: &'static EntityDef,
    query: &ListQuery,
) -> Result<ListPage, StoreError> {
    validate(entity, query)?;
    let sql = EntitySql::of(entity);
    transaction!(store, RepeatableRead, |tx| {
        let mut records = read_records(&tx, &sql, &build_select(entity, query)).await?;
        if query.with_multi && entity.has_multifields() {
            attach_multi(&tx, entity, &mut records).await?;
        }
        if query.with_uf {
            crate::user_field_values::load_many(&tx, entity, &mut records).await?;
        }
        let total = if !query.count_total {
            None
        } else if !records.is_empty() && (records.len() as u64) < query.limit {
            // A partial, non-empty page is the last one: no need to count.
            Some(query.offset + records.len() as u64)
        } else {
            Some(count(&tx, &build_count(entity, query)).await?)
        };
        Ok(ListPage { records, total })
    })
}

/// Runs the page query `select`; its records, without multi-fields or
/// user-field values.
async fn read_records(
    tx: &Transaction<'_>,
    sql: &EntitySql,
    select: &SelectStatement,
) -> DbResult<Vec<Record>> {
    let (text, values) = select.build(PostgresQueryBuilder);
    let statement = prepare_list(tx, &text).await?;
    let params = bind(&statement, &field_values(values)?)?;
    tx.query(&statement, &refs(&params))
        .await?
        .iter()
        .map(|row| sql.record(row))
        .collect()
}

/// Runs the `COUNT(*)` query `count`.
async fn count(tx: &Transaction<'_>, count: &SelectStatement) -> DbResult<u64> {
    let (text, values) = count.build(PostgresQueryBuilder);
    let statement = prepare_list(tx, &text).await?;
    let params = bind(&statement, &field_values(values)?)?;
    let n: i64 = tx.query_one(&statement, &refs(&params)).await?.try_get(0)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Most statements a pooled connection keeps prepared: list queries vary with
/// their filters, so their number is bounded by emptying the connection's cache
/// when it is full (fixed statements are prepared again as they are used).
const MAX_PREPARED: usize = 512;

/// `text` prepared on `tx`'s connection, from its statement cache when a list
/// of the same shape ran there before (saving a round trip).
async fn prepare_list(tx: &Transaction<'_>, text: &str) -> DbResult<tokio_postgres::Statement> {
    if tx.statement_cache.size() >= MAX_PREPARED {
        tx.statement_cache.clear();
    }
    Ok(tx.prepare_cached(text).await?)
}

/// The builder's bound values as [`FieldValue`]s, which [`bind`] converts to
/// the placeholders' types. The builder binds only integers (operands, page
/// windows), reals and text; anything else is refused.
fn field_values(values: sea_query::Values) -> DbResult<Vec<FieldValue>> {
    values.into_iter().map(field_value).collect()
}

/// One bound value as a [`FieldValue`] (`NULL` of any type is `Null`).
fn field_value(value: Value) -> DbResult<FieldValue> {
    let int = |i: Option<i64>| i.map_or(FieldValue::Null, FieldValue::Int);
    Ok(match value {
        Value::Bool(b) => int(b.map(i64::from)),
        Value::TinyInt(i) => int(i.map(i64::from)),
        Value::SmallInt(i) => int(i.map(i64::from)),
        Value::Int(i) => int(i.map(i64::from)),
        Value::BigInt(i) => int(i),
        Value::TinyUnsigned(i) => int(i.map(i64::from)),
        Value::SmallUnsigned(i) => int(i.map(i64::from)),
        Value::Unsigned(i) => int(i.map(i64::from)),
        Value::BigUnsigned(i) => int(i.map(|i| i64::try_from(i).unwrap_or(i64::MAX))),
        Value::Float(f) => f.map_or(FieldValue::Null, |f| FieldValue::Float(f64::from(f))),
        Value::Double(f) => f.map_or(FieldValue::Null, FieldValue::Float),
        Value::String(s) => s.map_or(FieldValue::Null, |s| FieldValue::Text(*s)),
        Value::Char(c) => c.map_or(FieldValue::Null, |c| FieldValue::Text(c.to_string())),
        _ => {
            return Err(
                StoreError::Other("a list query bound a value of an unknown type".into()).into(),
            )
        }
    })
}
