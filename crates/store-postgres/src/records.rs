//! [`RecordStore`] on PostgreSQL, for any catalogue: each write is one
//! serializable transaction (see [`crate::transaction`]), point reads run on a
//! pooled connection (in one snapshot when they read several tables).
//! Multi-fields live in `crm_multifields` ([`multi`]); the `HAS_*` flags of the
//! record are recomputed after every multi-field change. User-field values
//! live in `crm_uf_values` and are written in the record's own transaction (see
//! [`crate::user_field_values`]). Id defaults and link lists of a
//! [`RecordWrite`] are written in the same transaction too (links through
//! [`crate::links`]), and so are the stage history ([`stage_history`]) and the
//! events the write raises ([`crate::events`]).

mod duplicates;
pub(crate) mod entity_sql;
mod multi;
mod stage_history;
pub(crate) mod value;
mod whole;

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::crm::stage_history::tracked;
use portico_store::user_fields::entity_id_of;
use portico_store::users::USER;
use portico_store::{
    EntityDef, EventStamp, FieldValue, ListPage, ListQuery, MultiType, Record, RecordChange,
    RecordStore, RecordWrite, StoreError,
};

pub(crate) use self::entity_sql::EntitySql;
pub(crate) use self::multi::attach_multi;
use self::value::{bind, refs};
use crate::events::raise;
use crate::listen::CHANGES;
use crate::{read, transaction, Change, DbResult, PgStore};

/// Inserts a record, its `Add` entries, its flags, its user-field values, its
/// id defaults and its link lists; returns its id.
async fn insert(tx: &Transaction<'_>, sql: &EntitySql, write: RecordWrite) -> DbResult<i64> {
    let defaults: Vec<(usize, String)> = write
        .id_defaults
        .iter()
        .filter(|(pos, _)| write.leaves_empty(*pos))
        .cloned()
        .collect();
    let RecordWrite {
        values,
        multi,
        uf,
        links,
        event,
        ..
    } = write;
    let mut cols = sql.columns(values, true)?;
    for &(pos, flag) in &sql.flags {
        cols.push((pos, flag.value_on_insert(&multi)));
    }
    cols.sort_by_key(|(p, _)| *p);
    let statement = tx.prepare_cached(&sql.insert_sql(&cols)).await?;
    let params = bind(&statement, cols.iter().map(|(_, v)| v))?;
    let inserted = tx.query_one(&statement, &refs(&params)).await?;
    let id: i64 = inserted.try_get(0)?;
    // The stage as the insert wrote it (the writes below leave it alone).
    let stage = match tracked(sql.entity.code) {
        Some(_) => Some(stage_history::stage_at(&inserted, 1)?),
        None => None,
    };
    if cols
        .iter()
        .any(|(p, _)| sql.entity.fields[*p].column == "id")
    {
        tx.execute("SELECT portico_sync_identities()", &[]).await?;
    }
    multi::apply(tx, sql.entity, id, &multi).await?;
    crate::user_field_values::write_values(tx, sql.entity, id, &uf).await?;
    if !defaults.is_empty() {
        let values = defaults
            .into_iter()
            .map(|(pos, prefix)| (pos, FieldValue::Text(format!("{prefix}{id}"))))
            .collect();
        set_columns(tx, sql, id, values).await?;
    }
    for list in &links {
        crate::links::write_list(tx, sql.entity, id, list).await?;
    }
    if let Some(stage) = stage {
        stage_history::record_created(tx, sql.entity, id, stage, write_time(event.as_ref()))
            .await?;
    }
    raise(tx, sql.entity, RecordChange::Add, id, event.as_ref()).await?;
    Ok(id)
}

/// The instant a write happened: its event's, else now.
fn write_time(event: Option<&EventStamp>) -> i64 {
    event.map_or_else(
        || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        },
        |e| e.at,
    )
}

/// Sets columns of record `id`; `false` when the record does not exist.
pub(crate) async fn set_columns(
    conn: &impl GenericClient,
    sql: &EntitySql,
    id: i64,
    values: Vec<(usize, FieldValue)>,
) -> DbResult<bool> {
    let cols = sql.columns(values, false)?;
    if cols.is_empty() {
        let statement = conn.prepare_cached(&sql.exists).await?;
        return Ok(conn.query_opt(&statement, &[&id]).await?.is_some());
    }
    let statement = conn.prepare_cached(&sql.update_sql(&cols)).await?;
    let id_value = FieldValue::Int(id);
    let params = bind(
        &statement,
        cols.iter()
            .map(|(_, v)| v)
            .chain(std::iter::once(&id_value)),
    )?;
    Ok(conn.execute(&statement, &refs(&params)).await? > 0)
}

/// Recomputes the flags of record `id`, if the entity has any.
async fn recompute_flags(conn: &impl GenericClient, sql: &EntitySql, id: i64) -> DbResult<()> {
    if let Some(text) = &sql.recompute_flags {
        let statement = conn.prepare_cached(text).await?;
        conn.execute(&statement, &[&sql.entity.code, &id]).await?;
    }
    Ok(())
}

/// Tells every node that whatever authenticates a call may have changed, when
/// `entity` is the users' catalogue.
async fn forget_auth_of(tx: &Transaction<'_>, entity: &EntityDef) -> DbResult<()> {
    if entity.table == USER.table {
        crate::notify(tx, CHANGES, Change::Auth.payload()).await?;
    }
    Ok(())
}

/// Updates fields, multi-fields, user-field values and link lists; `false`
/// when the record does not exist.
async fn update(
    tx: &Transaction<'_>,
    sql: &EntitySql,
    id: i64,
    write: RecordWrite,
) -> DbResult<bool> {
    let RecordWrite {
        values,
        multi,
        uf,
        links,
        event,
        ..
    } = write;
    let previous = stage_history::before(tx, sql.entity, id).await?;
    if !set_columns(tx, sql, id, values).await? {
        return Ok(false);
    }
    if !multi.is_empty() {
        multi::apply(tx, sql.entity, id, &multi).await?;
        recompute_flags(tx, sql, id).await?;
    }
    crate::user_field_values::write_values(tx, sql.entity, id, &uf).await?;
    for list in &links {
        crate::links::write_list(tx, sql.entity, id, list).await?;
    }
    if let Some(previous) = &previous {
        let at = write_time(event.as_ref());
        stage_history::record(tx, sql.entity, id, Some(previous), at).await?;
        if let Some(stamp) = event.as_ref() {
            stage_history::raise_move(tx, sql.entity, id, previous, stamp).await?;
        }
    }
    raise(tx, sql.entity, RecordChange::Update, id, event.as_ref()).await?;
    forget_auth_of(tx, sql.entity).await?;
    Ok(true)
}

/// Deletes a record, its multi-fields, its user-field values and its links
/// (both directions), and records the event it raises.
async fn delete(
    tx: &Transaction<'_>,
    sql: &EntitySql,
    id: i64,
    event: Option<&EventStamp>,
) -> DbResult<bool> {
    let statement = tx.prepare_cached(&sql.delete).await?;
    let deleted = tx.execute(&statement, &[&id]).await? > 0;
    if sql.entity.has_multifields() {
        multi::delete_all(tx, sql.entity, id).await?;
    }
    crate::user_field_values::delete_values(tx, sql.entity, id).await?;
    if deleted {
        crate::links::forget(tx, sql.entity, id).await?;
        stage_history::forget(tx, sql.entity, id).await?;
        raise(tx, sql.entity, RecordChange::Delete, id, event).await?;
        forget_auth_of(tx, sql.entity).await?;
    }
    Ok(deleted)
}

/// Reads record `id` with, as asked, its multi-fields and user-field values;
/// `conn` should hold one snapshot when it reads more than the row.
pub(crate) async fn get_in_tx(
    conn: &impl GenericClient,
    sql: &EntitySql,
    id: i64,
    with_multi: bool,
    with_uf: bool,
) -> DbResult<Option<Record>> {
    let statement = conn.prepare_cached(&sql.select_one).await?;
    let Some(row) = conn.query_opt(&statement, &[&id]).await? else {
        return Ok(None);
    };
    let mut record = sql.record(&row)?;
    if with_multi {
        multi::load_one(conn, sql.entity, &mut record).await?;
    }
    if with_uf {
        crate::user_field_values::load_one(conn, sql.entity, &mut record).await?;
    }
    Ok(Some(record))
}

impl PgStore {
    /// After a committed write to records of `entity`: users' records are what
    /// webhook lookups return, so this node's cache of them is stale.
    fn forget_auth_of(&self, entity: &EntityDef) {
        if entity.table == portico_store::users::USER.table {
            self.forget(Change::Auth);
        }
    }
}

#[async_trait]
impl RecordStore for PgStore {
    async fn insert_record(
        &self,
        entity: &'static EntityDef,
        write: RecordWrite,
    ) -> Result<i64, StoreError> {
        let sql = EntitySql::of(entity);
        transaction!(self, |tx| { insert(&tx, &sql, write.clone()).await })
    }

    async fn get_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
    ) -> Result<Option<Record>, StoreError> {
        let sql = EntitySql::of(entity);
        let with_multi = entity.has_multifields();
        let with_uf = entity_id_of(entity).is_some();
        if with_multi || with_uf {
            read!(self, |conn| {
                let statement = conn.prepare_cached(&sql.select_whole).await?;
                let Some(row) = conn.query_opt(&statement, &[&id, &entity.code]).await? else {
                    return Ok(None);
                };
                let mut record = sql.record(&row)?;
                whole::attach(&row, sql.column_count(), &mut record)?;
                Ok(Some(record))
            })
        } else {
            read!(self, |conn| {
                get_in_tx(&conn, &sql, id, false, false).await
            })
        }
    }

    async fn update_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
        write: RecordWrite,
    ) -> Result<bool, StoreError> {
        let sql = EntitySql::of(entity);
        transaction!(self, |tx| { update(&tx, &sql, id, write.clone()).await })
            .inspect(|_| self.forget_auth_of(entity))
    }

    async fn delete_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        let sql = EntitySql::of(entity);
        transaction!(self, |tx| { delete(&tx, &sql, id, event.as_ref()).await })
            .inspect(|_| self.forget_auth_of(entity))
    }

    async fn list_records(
        &self,
        entity: &'static EntityDef,
        query: &ListQuery,
    ) -> Result<ListPage, StoreError> {
        crate::list::list(self, entity, query).await
    }

    async fn find_by_multifield(
        &self,
        entity: &'static EntityDef,
        kind: MultiType,
        keys: &[String],
    ) -> Result<Vec<i64>, StoreError> {
        read!(self, |conn| {
            duplicates::find(&conn, entity, kind, keys).await
        })
    }
}
