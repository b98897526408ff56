//! Stage history rows (see [`portico_store::crm::stage_history`]), written on
//! the record write's own connection, so in its transaction: [`before`] reads
//! the stage a record has before an update, [`record`] compares it with the
//! stage after the write and appends a row when it changed (or always, on
//! creation).

use portico_store::crm::stage_history::{
    tracked, Tracked, TYPE_CATEGORY, TYPE_CREATED, TYPE_FINAL, TYPE_INTERMEDIATE,
};
use portico_store::events::DEAL_MOVE_TO_CATEGORY as MOVE_TO_CATEGORY;
use portico_store::{EntityDef, StoreError};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::map_err;

/// A record's stage, semantics and pipeline.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Stage {
    stage: Option<String>,
    semantic: Option<String>,
    category: Option<i64>,
}

/// The stage of record `id` of `t`'s entity; `None` when it does not exist.
fn read(
    conn: &Connection,
    entity: &EntityDef,
    t: &Tracked,
    id: i64,
) -> Result<Option<Stage>, StoreError> {
    let sql = format!(
        "SELECT {}, {}, {} FROM {} WHERE id = ?1",
        t.stage_column,
        t.semantic_column,
        t.category_column.unwrap_or("NULL"),
        entity.table
    );
    conn.prepare_cached(&sql)
        .and_then(|mut s| {
            s.query_row([id], |r| {
                Ok(Stage {
                    stage: r.get(0)?,
                    semantic: r.get(1)?,
                    category: r.get(2)?,
                })
            })
            .optional()
        })
        .map_err(map_err)
}

/// The stage of record `id` before an update, for entities that keep a history.
pub(crate) fn before(
    conn: &Connection,
    entity: &EntityDef,
    id: i64,
) -> Result<Option<Stage>, StoreError> {
    match tracked(entity.code) {
        Some(t) => read(conn, entity, &t, id),
        None => Ok(None),
    }
}

/// Appends the history row of a write of record `id` made at `at`: on creation
/// (`previous` `None`) always, on update only when the stage or the pipeline
/// changed. Entities without a history are left alone.
pub(crate) fn record(
    conn: &Connection,
    entity: &EntityDef,
    id: i64,
    previous: Option<&Stage>,
    at: i64,
) -> Result<(), StoreError> {
    let Some(t) = tracked(entity.code) else {
        return Ok(());
    };
    let Some(now) = read(conn, entity, &t, id)? else {
        return Ok(());
    };
    let final_stage = matches!(now.semantic.as_deref(), Some("S" | "F"));
    let type_id = match previous {
        None if final_stage => TYPE_FINAL,
        None => TYPE_CREATED,
        Some(p) if p.category != now.category => TYPE_CATEGORY,
        Some(p) if p.stage == now.stage => return Ok(()),
        Some(_) if final_stage => TYPE_FINAL,
        Some(_) => TYPE_INTERMEDIATE,
    };
    let semantic = now.semantic.unwrap_or_else(|| "P".to_owned());
    let done = match t.category_column {
        Some(_) => conn
            .prepare_cached(
                "INSERT INTO crm_deal_stage_history \
                 (type_id, owner_id, created_time, category_id, stage_id, stage_semantic_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    type_id,
                    id,
                    at,
                    now.category.unwrap_or(0),
                    now.stage,
                    semantic
                ])
            }),
        None => conn
            .prepare_cached(
                "INSERT INTO crm_lead_stage_history \
                 (type_id, owner_id, created_time, status_id, status_semantic_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut s| s.execute(params![type_id, id, at, now.stage, semantic])),
    };
    done.map_err(map_err)?;
    Ok(())
}

/// Records `ONCRMDEALMOVETOCATEGORY` when a write stamped `stamp` moved deal
/// `id` to another pipeline since `previous` (`data` `FIELDS` `ID`,
/// `CATEGORY_ID`, `STAGE_ID`), beside the write's `ONCRMDEALUPDATE`.
pub(crate) fn raise_move(
    conn: &Connection,
    entity: &EntityDef,
    id: i64,
    previous: &Stage,
    stamp: &portico_store::EventStamp,
) -> Result<(), StoreError> {
    if entity.code != "DEAL" {
        return Ok(());
    }
    let Some(now) = before(conn, entity, id)? else {
        return Ok(());
    };
    if now.category == previous.category {
        return Ok(());
    }
    let event = crate::events::RaisedEvent {
        code: MOVE_TO_CATEGORY,
        entity: entity.code,
        entity_id: id,
        data: serde_json::json!({"FIELDS": {
            "ID": id,
            "CATEGORY_ID": now.category.unwrap_or(0),
            "STAGE_ID": now.stage,
        }}),
    };
    crate::events::record_event(conn, &event, stamp).map(|_| ())
}

/// Deletes the history of record `id` (the record is being deleted).
pub(crate) fn forget(conn: &Connection, entity: &EntityDef, id: i64) -> Result<(), StoreError> {
    if let Some(t) = tracked(entity.code) {
        conn.prepare_cached(&format!(
            "DELETE FROM {} WHERE owner_id = ?1",
            t.history.table
        ))
        .and_then(|mut s| s.execute([id]))
        .map_err(map_err)?;
    }
    Ok(())
}
