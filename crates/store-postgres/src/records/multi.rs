//! Multi-field entries (phones, e-mails, web sites, messengers) in
//! `crm_multifields`: written with their record, each with its
//! duplicate-search key `value_key` ([`comm_key`], computed here where SQLite
//! computes it in SQL), and read back per record or for a page of records.

use std::collections::HashMap;

use deadpool_postgres::GenericClient;
use portico_store::records::comm_key;
use portico_store::{EntityDef, MultiFieldChange, MultiFieldValue, MultiType, Record};
use tokio_postgres::Row;

use crate::DbResult;

/// Entries of one record, by id.
const MULTI_OF_ONE: &str = "SELECT id, type_id, value_type, value FROM crm_multifields \
     WHERE entity = $1 AND owner_id = $2 ORDER BY id";

/// Entries of the records whose ids are in `$2`.
const MULTI_OF_MANY: &str = "SELECT owner_id, id, type_id, value_type, value FROM crm_multifields \
     WHERE entity = $1 AND owner_id = ANY($2) ORDER BY owner_id, id";

/// Adds an entry with its duplicate-search key.
const MULTI_INSERT: &str =
    "INSERT INTO crm_multifields (entity, owner_id, type_id, value_type, value, value_key) \
     VALUES ($1, $2, $3, $4, $5, $6)";

/// The kind of entry `$1` of record `$3` of entity `$2`.
const MULTI_KIND: &str =
    "SELECT type_id FROM crm_multifields WHERE id = $1 AND entity = $2 AND owner_id = $3";

/// Changes an entry's value and its duplicate-search key.
const MULTI_UPDATE: &str = "UPDATE crm_multifields SET value = $1, \
     value_type = COALESCE($2, value_type), value_key = $3 \
     WHERE id = $4 AND entity = $5 AND owner_id = $6";

/// Deletes one entry of a record.
const MULTI_DELETE_ONE: &str =
    "DELETE FROM crm_multifields WHERE id = $1 AND entity = $2 AND owner_id = $3";

/// Deletes every entry of a record.
const MULTI_DELETE_ALL: &str = "DELETE FROM crm_multifields WHERE entity = $1 AND owner_id = $2";

/// A multi-field entry from `id, type_id, value_type, value` starting at column
/// `at`; `None` (skipped) for an entry of an unknown kind.
fn multi_entry(row: &Row, at: usize) -> DbResult<Option<MultiFieldValue>> {
    let type_id: String = row.try_get(at + 1)?;
    let Some(kind) = MultiType::parse(&type_id) else {
        tracing::warn!(type_id, "skipping multi-field entry of unknown type");
        return Ok(None);
    };
    Ok(Some(MultiFieldValue {
        id: row.try_get(at)?,
        kind,
        value_type: row.try_get(at + 2)?,
        value: row.try_get(at + 3)?,
    }))
}

/// Applies multi-field changes to record `id`; `Update`/`Delete` of entries that
/// belong to another record are ignored.
pub(super) async fn apply(
    conn: &impl GenericClient,
    entity: &EntityDef,
    id: i64,
    changes: &[MultiFieldChange],
) -> DbResult<()> {
    for change in changes {
        match change {
            MultiFieldChange::Add {
                kind,
                value_type,
                value,
            } => {
                let statement = conn.prepare_cached(MULTI_INSERT).await?;
                let key = comm_key(*kind, value);
                conn.execute(
                    &statement,
                    &[&entity.code, &id, &kind.as_str(), value_type, value, &key],
                )
                .await?;
            }
            MultiFieldChange::Update {
                id: entry,
                value_type,
                value,
            } => {
                let statement = conn.prepare_cached(MULTI_KIND).await?;
                let Some(row) = conn
                    .query_opt(&statement, &[entry, &entity.code, &id])
                    .await?
                else {
                    continue;
                };
                let type_id: String = row.try_get(0)?;
                let kind = MultiType::parse(&type_id).unwrap_or(MultiType::Email);
                let key = comm_key(kind, value);
                let statement = conn.prepare_cached(MULTI_UPDATE).await?;
                conn.execute(
                    &statement,
                    &[value, value_type, &key, entry, &entity.code, &id],
                )
                .await?;
            }
            MultiFieldChange::Delete { id: entry } => {
                let statement = conn.prepare_cached(MULTI_DELETE_ONE).await?;
                conn.execute(&statement, &[entry, &entity.code, &id])
                    .await?;
            }
        }
    }
    Ok(())
}

/// Deletes every entry of record `id` (the record is being deleted).
pub(super) async fn delete_all(
    conn: &impl GenericClient,
    entity: &EntityDef,
    id: i64,
) -> DbResult<()> {
    let statement = conn.prepare_cached(MULTI_DELETE_ALL).await?;
    conn.execute(&statement, &[&entity.code, &id]).await?;
    Ok(())
}

/// Loads the entries of one record, ordered by id.
pub(super) async fn load_one(
    conn: &impl GenericClient,
    entity: &EntityDef,
    record: &mut Record,
) -> DbResult<()> {
    let statement = conn.prepare_cached(MULTI_OF_ONE).await?;
    for row in conn.query(&statement, &[&entity.code, &record.id]).await? {
        record.multi.extend(multi_entry(&row, 0)?);
    }
    Ok(())
}

/// Loads the multi-fields of `records` in one query (each record's ordered by
/// id).
pub(crate) async fn attach_multi(
    conn: &impl GenericClient,
    entity: &EntityDef,
    records: &mut [Record],
) -> DbResult<()> {
    if records.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
    let statement = conn.prepare_cached(MULTI_OF_MANY).await?;
    let mut by_owner: HashMap<i64, Vec<MultiFieldValue>> = HashMap::new();
    for row in conn.query(&statement, &[&entity.code, &ids]).await? {
        let owner: i64 = row.try_get(0)?;
        if let Some(entry) = multi_entry(&row, 1)? {
            by_owner.entry(owner).or_default().push(entry);
        }
    }
    for record in records {
        record.multi = by_owner.remove(&record.id).unwrap_or_default();
    }
    Ok(())
}
