//! [`RecordStore`] for any catalogue: writes go through the writer thread, point
//! reads run inline on a pool connection, list queries on the blocking pool.
//! Multi-fields live in `crm_multifields`; the `HAS_*` flags of the record are
//! recomputed after every multi-field change. User-field values live in
//! `crm_uf_values` and are written in the record's own write (see
//! [`crate::user_fields`]). Id defaults and link lists of a [`RecordWrite`]
//! are written in the same transaction too (links through [`crate::links`]).

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use portico_store::user_fields::entity_id_of;
use portico_store::{
    EntityDef, EventStamp, FieldValue, ListPage, ListQuery, MultiFieldChange, MultiFieldValue,
    MultiType, Record, RecordChange, RecordStore, RecordWrite, StoreError,
};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

use crate::entity_sql::EntitySql;
use crate::error::map_err;
use crate::value::Bind;
use crate::SqliteStore;

/// Entries of one record, by id.
const MULTI_OF_ONE: &str = "SELECT id, type_id, value_type, value FROM crm_multifields \
     WHERE entity = ?1 AND owner_id = ?2 ORDER BY id";

/// Entries of the records whose ids are in the JSON array `?2`.
const MULTI_OF_MANY: &str = "SELECT owner_id, id, type_id, value_type, value FROM crm_multifields \
     WHERE entity = ?1 AND owner_id IN (SELECT value FROM json_each(?2)) ORDER BY owner_id, id";

/// Adds an entry with its duplicate-search key (`portico_comm_key`, see
/// [`crate::duplicates`]).
const MULTI_INSERT: &str =
    "INSERT INTO crm_multifields (entity, owner_id, type_id, value_type, value, value_key) \
     VALUES (?1, ?2, ?3, ?4, ?5, portico_comm_key(?3, ?5))";

/// Changes an entry's value and its duplicate-search key.
const MULTI_UPDATE: &str = "UPDATE crm_multifields SET value = ?1, \
     value_type = COALESCE(?2, value_type), value_key = portico_comm_key(type_id, ?1) \
     WHERE id = ?3 AND entity = ?4 AND owner_id = ?5";

const MULTI_DELETE_ONE: &str =
    "DELETE FROM crm_multifields WHERE id = ?1 AND entity = ?2 AND owner_id = ?3";

const MULTI_DELETE_ALL: &str = "DELETE FROM crm_multifields WHERE entity = ?1 AND owner_id = ?2";

/// A multi-field entry from `id, type_id, value_type, value` starting at column `at`.
fn multi_entry(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Option<MultiFieldValue>> {
    let type_id: String = row.get(at + 1)?;
    let Some(kind) = MultiType::parse(&type_id) else {
        tracing::warn!(type_id, "skipping multi-field entry of unknown type");
        return Ok(None);
    };
    Ok(Some(MultiFieldValue {
        id: row.get(at)?,
        kind,
        value_type: row.get(at + 2)?,
        value: row.get(at + 3)?,
    }))
}

/// Inserts a record, its `Add` entries, its flags, its user-field values, its
/// id defaults and its link lists.
fn insert(conn: &Connection, sql: &EntitySql, write: RecordWrite) -> Result<i64, StoreError> {
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
    let mut stmt = conn
        .prepare_cached(&sql.insert_sql(&cols))
        .map_err(map_err)?;
    stmt.execute(params_from_iter(cols.iter().map(|(_, v)| Bind(v))))
        .map_err(map_err)?;
    let id = conn.last_insert_rowid();
    apply_multi(conn, sql.entity, id, &multi)?;
    crate::user_fields::write_values(conn, sql.entity, id, &uf)?;
    if !defaults.is_empty() {
        let values = defaults
            .into_iter()
            .map(|(pos, prefix)| (pos, FieldValue::Text(format!("{prefix}{id}"))))
            .collect();
        set_columns(conn, sql, id, values)?;
    }
    for list in &links {
        crate::links::write_list(conn, sql.entity, id, list)?;
    }
    crate::stage_history::record(conn, sql.entity, id, None, write_time(event.as_ref()))?;
    crate::events::raise(conn, sql.entity, RecordChange::Add, id, event.as_ref())?;
    Ok(id)
}

/// The instant a write happened: its event's, else now.
fn write_time(event: Option<&EventStamp>) -> i64 {
    event.map_or_else(
        || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        },
        |e| e.at,
    )
}

/// Sets columns of record `id`; `false` when the record does not exist.
pub(crate) fn set_columns(
    conn: &Connection,
    sql: &EntitySql,
    id: i64,
    values: Vec<(usize, FieldValue)>,
) -> Result<bool, StoreError> {
    let cols = sql.columns(values, false)?;
    if cols.is_empty() {
        let mut stmt = conn.prepare_cached(&sql.exists).map_err(map_err)?;
        return stmt.exists([id]).map_err(map_err);
    }
    let mut stmt = conn
        .prepare_cached(&sql.update_sql(&cols))
        .map_err(map_err)?;
    let id_value = FieldValue::Int(id);
    let binds = cols
        .iter()
        .map(|(_, v)| Bind(v))
        .chain(std::iter::once(Bind(&id_value)));
    Ok(stmt.execute(params_from_iter(binds)).map_err(map_err)? > 0)
}

/// Applies multi-field changes to record `id`; `Update`/`Delete` of entries that
/// belong to another record are ignored.
fn apply_multi(
    conn: &Connection,
    entity: &EntityDef,
    id: i64,
    changes: &[MultiFieldChange],
) -> Result<(), StoreError> {
    for change in changes {
        let done = match change {
            MultiFieldChange::Add {
                kind,
                value_type,
                value,
            } => conn.prepare_cached(MULTI_INSERT).and_then(|mut s| {
                s.execute(params![entity.code, id, kind.as_str(), value_type, value])
            }),
            MultiFieldChange::Update {
                id: entry,
                value_type,
                value,
            } => conn
                .prepare_cached(MULTI_UPDATE)
                .and_then(|mut s| s.execute(params![value, value_type, entry, entity.code, id])),
            MultiFieldChange::Delete { id: entry } => conn
                .prepare_cached(MULTI_DELETE_ONE)
                .and_then(|mut s| s.execute(params![entry, entity.code, id])),
        };
        done.map_err(map_err)?;
    }
    Ok(())
}

/// Recomputes the flags of record `id`, if the entity has any.
fn recompute_flags(conn: &Connection, sql: &EntitySql, id: i64) -> Result<(), StoreError> {
    if let Some(text) = &sql.recompute_flags {
        conn.prepare_cached(text)
            .and_then(|mut s| s.execute(params![sql.entity.code, id]))
            .map_err(map_err)?;
    }
    Ok(())
}

/// Updates fields, multi-fields, user-field values and link lists; `false`
/// when the record does not exist.
fn update(
    conn: &Connection,
    sql: &EntitySql,
    id: i64,
    write: RecordWrite,
) -> Result<bool, StoreError> {
    let RecordWrite {
        values,
        multi,
        uf,
        links,
        event,
        ..
    } = write;
    let previous = crate::stage_history::before(conn, sql.entity, id)?;
    if !set_columns(conn, sql, id, values)? {
        return Ok(false);
    }
    if !multi.is_empty() {
        apply_multi(conn, sql.entity, id, &multi)?;
        recompute_flags(conn, sql, id)?;
    }
    crate::user_fields::write_values(conn, sql.entity, id, &uf)?;
    for list in &links {
        crate::links::write_list(conn, sql.entity, id, list)?;
    }
    if let Some(previous) = &previous {
        let at = write_time(event.as_ref());
        crate::stage_history::record(conn, sql.entity, id, Some(previous), at)?;
        if let Some(stamp) = event.as_ref() {
            crate::stage_history::raise_move(conn, sql.entity, id, previous, stamp)?;
        }
    }
    crate::events::raise(conn, sql.entity, RecordChange::Update, id, event.as_ref())?;
    Ok(true)
}

/// Deletes a record, its multi-fields, its user-field values and its links
/// (both directions), and records the event it raises.
fn delete(
    conn: &Connection,
    sql: &EntitySql,
    id: i64,
    event: Option<EventStamp>,
) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(&sql.delete)
        .and_then(|mut s| s.execute([id]))
        .map_err(map_err)?;
    if sql.entity.has_multifields() {
        conn.prepare_cached(MULTI_DELETE_ALL)
            .and_then(|mut s| s.execute(params![sql.entity.code, id]))
            .map_err(map_err)?;
    }
    crate::user_fields::delete_values(conn, sql.entity, id)?;
    if n > 0 {
        crate::links::forget(conn, sql.entity, id)?;
        crate::stage_history::forget(conn, sql.entity, id)?;
        crate::events::raise(conn, sql.entity, RecordChange::Delete, id, event.as_ref())?;
    }
    Ok(n > 0)
}

/// Reads one record with its multi-fields and user-field values, in one read
/// transaction.
fn get(conn: &Connection, sql: &EntitySql, id: i64) -> Result<Option<Record>, StoreError> {
    let with_multi = sql.entity.has_multifields();
    let with_uf = entity_id_of(sql.entity).is_some();
    if with_multi || with_uf {
        conn.prepare_cached("BEGIN")
            .and_then(|mut s| s.execute([]))
            .map_err(map_err)?;
    }
    let result = get_in_tx(conn, sql, id, with_multi, with_uf);
    if with_multi || with_uf {
        conn.prepare_cached("COMMIT")
            .and_then(|mut s| s.execute([]))
            .map_err(map_err)?;
    }
    result
}

/// The body of [`get`].
pub(crate) fn get_in_tx(
    conn: &Connection,
    sql: &EntitySql,
    id: i64,
    with_multi: bool,
    with_uf: bool,
) -> Result<Option<Record>, StoreError> {
    let mut stmt = conn.prepare_cached(&sql.select_one).map_err(map_err)?;
    let Some(mut record) = stmt
        .query_row([id], |row| sql.record(row))
        .optional()
        .map_err(map_err)?
    else {
        return Ok(None);
    };
    if with_multi {
        let mut stmt = conn.prepare_cached(MULTI_OF_ONE).map_err(map_err)?;
        let mut rows = stmt.query(params![sql.entity.code, id]).map_err(map_err)?;
        while let Some(row) = rows.next().map_err(map_err)? {
            record.multi.extend(multi_entry(row, 0).map_err(map_err)?);
        }
    }
    if with_uf {
        crate::user_fields::load_one(conn, sql.entity, &mut record)?;
    }
    Ok(Some(record))
}

/// Loads the multi-fields of `records` in one query.
pub(crate) fn attach_multi(
    conn: &Connection,
    entity: &EntityDef,
    records: &mut [Record],
) -> Result<(), StoreError> {
    if records.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = records.iter().map(|r| r.id.to_string()).collect();
    let json = format!("[{}]", ids.join(","));
    let mut by_owner: HashMap<i64, Vec<MultiFieldValue>> = HashMap::new();
    let mut stmt = conn.prepare_cached(MULTI_OF_MANY).map_err(map_err)?;
    let mut rows = stmt.query(params![entity.code, json]).map_err(map_err)?;
    while let Some(row) = rows.next().map_err(map_err)? {
        let owner: i64 = row.get(0).map_err(map_err)?;
        if let Some(entry) = multi_entry(row, 1).map_err(map_err)? {
            by_owner.entry(owner).or_default().push(entry);
        }
    }
    for record in records {
        record.multi = by_owner.remove(&record.id).unwrap_or_default();
    }
    Ok(())
}

#[async_trait]
impl RecordStore for SqliteStore {
    async fn insert_record(
        &self,
        entity: &'static EntityDef,
        write: RecordWrite,
    ) -> Result<i64, StoreError> {
        let sql = self.entity_sql(entity);
        let raises = write.event.is_some();
        let id = self.write(move |conn| insert(conn, &sql, write)).await?;
        if raises {
            self.wake_deliveries();
        }
        Ok(id)
    }

    async fn get_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
    ) -> Result<Option<Record>, StoreError> {
        let sql = self.entity_sql(entity);
        self.read(|conn| get(conn, &sql, id))
    }

    async fn update_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
        write: RecordWrite,
    ) -> Result<bool, StoreError> {
        let sql = self.entity_sql(entity);
        let raises = write.event.is_some();
        self.write(move |conn| update(conn, &sql, id, write))
            .await
            .inspect(|changed| {
                self.forget_auth_of(entity);
                if raises && *changed {
                    self.wake_deliveries();
                }
            })
    }

    async fn delete_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        let sql = self.entity_sql(entity);
        let event_raised = event.is_some();
        self.write(move |conn| delete(conn, &sql, id, event))
            .await
            .inspect(|deleted| {
                self.forget_auth_of(entity);
                if event_raised && *deleted {
                    self.wake_deliveries();
                }
            })
    }

    async fn list_records(
        &self,
        entity: &'static EntityDef,
        query: &ListQuery,
    ) -> Result<ListPage, StoreError> {
        portico_store::list::validate(entity, query)?;
        let sql: Arc<EntitySql> = self.entity_sql(entity);
        let query = query.clone();
        let cache = self.list_cache();
        self.scan(move |conn| crate::list::list(conn, &sql, &query, &cache))
            .await
    }

    async fn find_by_multifield(
        &self,
        entity: &'static EntityDef,
        kind: MultiType,
        keys: &[String],
    ) -> Result<Vec<i64>, StoreError> {
        let keys = keys.to_vec();
        self.scan(move |conn| crate::duplicates::find(conn, entity, kind, &keys))
            .await
    }
}
