//! The record side of user fields: the values in `crm_uf_values`, written inside
//! the record's own transaction (see [`crate::records`], [`crate::users`]) and
//! read with it. One row per value: an integer, a real or a text column set.

use std::collections::HashMap;

use deadpool_postgres::GenericClient;
use portico_store::user_fields::{entity_id_of, UserFieldWrite};
use portico_store::{EntityDef, FieldValue, Record};
use tokio_postgres::Row;

use crate::DbResult;

/// Replaces record `owner_id`'s values of each field in `uf` (inside the
/// record's write). Values of fields that are not the entity's are dropped;
/// `Null` values are skipped.
pub(crate) async fn write_values(
    tx: &impl GenericClient,
    entity: &EntityDef,
    owner_id: i64,
    uf: &[UserFieldWrite],
) -> DbResult<()> {
    let Some(entity_id) = entity_id_of(entity) else {
        return Ok(());
    };
    let mine = tx
        .prepare_cached("SELECT 1 FROM crm_userfields WHERE id = $1 AND entity_id = $2")
        .await?;
    let clear = tx
        .prepare_cached(
            "DELETE FROM crm_uf_values WHERE entity = $1 AND owner_id = $2 AND field_id = $3",
        )
        .await?;
    let insert = tx
        .prepare_cached(
            "INSERT INTO crm_uf_values (entity, owner_id, field_id, position, \
             value_int, value_real, value_text) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .await?;
    for (field_id, values) in uf {
        if tx
            .query_opt(&mine, &[field_id, &entity_id])
            .await?
            .is_none()
        {
            continue;
        }
        tx.execute(&clear, &[&entity.code, &owner_id, field_id])
            .await?;
        for (position, v) in values.iter().enumerate() {
            let (int, real, text) = match v {
                FieldValue::Null => continue,
                FieldValue::Int(i) => (Some(*i), None, None),
                FieldValue::Float(f) => (None, Some(*f), None),
                FieldValue::Text(t) => (None, None, Some(t.as_str())),
            };
            let position = i64::try_from(position).unwrap_or(i64::MAX);
            tx.execute(
                &insert,
                &[
                    &entity.code,
                    &owner_id,
                    field_id,
                    &position,
                    &int,
                    &real,
                    &text,
                ],
            )
            .await?;
        }
    }
    Ok(())
}

/// Deletes all values of record `owner_id`.
pub(crate) async fn delete_values(
    tx: &impl GenericClient,
    entity: &EntityDef,
    owner_id: i64,
) -> DbResult<()> {
    if entity_id_of(entity).is_some() {
        let statement = tx
            .prepare_cached("DELETE FROM crm_uf_values WHERE entity = $1 AND owner_id = $2")
            .await?;
        tx.execute(&statement, &[&entity.code, &owner_id]).await?;
    }
    Ok(())
}

/// The value of a row's `value_int, value_real, value_text` starting at `at`.
fn value_at(row: &Row, at: usize) -> DbResult<FieldValue> {
    Ok(uf_value(
        row.try_get(at)?,
        row.try_get(at + 1)?,
        row.try_get(at + 2)?,
    ))
}

/// The value stored as `value_int`, `value_real`, `value_text` (one is set).
pub(crate) fn uf_value(int: Option<i64>, real: Option<f64>, text: Option<String>) -> FieldValue {
    match (int, real, text) {
        (Some(i), _, _) => FieldValue::Int(i),
        (None, Some(f), _) => FieldValue::Float(f),
        (None, None, Some(t)) => FieldValue::Text(t),
        (None, None, None) => FieldValue::Null,
    }
}

/// Appends `(field_id, value)` to `uf`, grouping consecutive values of a field.
pub(crate) fn group_value(uf: &mut Vec<(i64, Vec<FieldValue>)>, field_id: i64, value: FieldValue) {
    match uf.last_mut() {
        Some((f, values)) if *f == field_id => values.push(value),
        _ => uf.push((field_id, vec![value])),
    }
}

/// Loads the values of one record (ordered by field id, then position).
pub(crate) async fn load_one(
    conn: &impl GenericClient,
    entity: &EntityDef,
    record: &mut Record,
) -> DbResult<()> {
    let statement = conn
        .prepare_cached(
            "SELECT field_id, value_int, value_real, value_text FROM crm_uf_values \
             WHERE entity = $1 AND owner_id = $2 ORDER BY field_id, position",
        )
        .await?;
    for row in conn.query(&statement, &[&entity.code, &record.id]).await? {
        let field_id: i64 = row.try_get(0)?;
        group_value(&mut record.uf, field_id, value_at(&row, 1)?);
    }
    Ok(())
}

/// Loads the values of `records` in one query.
pub(crate) async fn load_many(
    conn: &impl GenericClient,
    entity: &EntityDef,
    records: &mut [Record],
) -> DbResult<()> {
    if records.is_empty() || entity_id_of(entity).is_none() {
        return Ok(());
    }
    let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
    let statement = conn
        .prepare_cached(
            "SELECT owner_id, field_id, value_int, value_real, value_text FROM crm_uf_values \
             WHERE entity = $1 AND owner_id = ANY($2) ORDER BY owner_id, field_id, position",
        )
        .await?;
    let mut by_owner: HashMap<i64, Vec<(i64, Vec<FieldValue>)>> = HashMap::new();
    for row in conn.query(&statement, &[&entity.code, &ids]).await? {
        let owner: i64 = row.try_get(0)?;
        let field_id: i64 = row.try_get(1)?;
        group_value(
            by_owner.entry(owner).or_default(),
            field_id,
            value_at(&row, 2)?,
        );
    }
    for record in records {
        record.uf = by_owner.remove(&record.id).unwrap_or_default();
    }
    Ok(())
}
