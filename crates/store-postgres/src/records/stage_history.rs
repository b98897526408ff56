//! Stage history rows (see [`portico_store::crm::stage_history`]), written in
//! the record write's own transaction: [`before`] reads the stage a record has
//! before an update, [`record`] compares it with the stage after the write and
//! appends a row when it changed (or always, on creation).

use deadpool_postgres::{GenericClient, Transaction};
use portico_store::crm::stage_history::{
    tracked, Tracked, TYPE_CATEGORY, TYPE_CREATED, TYPE_FINAL, TYPE_INTERMEDIATE,
};
use portico_store::events::DEAL_MOVE_TO_CATEGORY as MOVE_TO_CATEGORY;
use portico_store::{EntityDef, EventStamp};

use crate::events::{record_event, RaisedEvent};
use crate::DbResult;

/// Appends a row to the deal history.
const INSERT_DEAL_ROW: &str = "INSERT INTO crm_deal_stage_history \
     (type_id, owner_id, created_time, category_id, stage_id, stage_semantic_id) \
     VALUES ($1, $2, $3, $4, $5, $6)";

/// Appends a row to the lead history.
const INSERT_LEAD_ROW: &str = "INSERT INTO crm_lead_stage_history \
     (type_id, owner_id, created_time, status_id, status_semantic_id) \
     VALUES ($1, $2, $3, $4, $5)";

/// A record's stage, semantics and pipeline.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Stage {
    /// The stage (or lead status) id.
    stage: Option<String>,
    /// The stage's semantics (`P`, `S`, `F`).
    semantic: Option<String>,
    /// The pipeline, for deals.
    category: Option<i64>,
}

/// The stage columns of `t`'s entity as a select list (`NULL` for a missing
/// pipeline column), in [`stage_at`]'s order.
pub(crate) fn stage_columns(t: &Tracked) -> String {
    format!(
        "{}, {}, {}",
        t.stage_column,
        t.semantic_column,
        t.category_column.unwrap_or("NULL::bigint")
    )
}

/// The stage in the three columns of [`stage_columns`] starting at `at`.
pub(crate) fn stage_at(row: &tokio_postgres::Row, at: usize) -> DbResult<Stage> {
    Ok(Stage {
        stage: row.try_get(at)?,
        semantic: row.try_get(at + 1)?,
        category: row.try_get(at + 2)?,
    })
}

/// The stage of record `id` of `t`'s entity; `None` when it does not exist.
async fn read(
    conn: &impl GenericClient,
    entity: &EntityDef,
    t: &Tracked,
    id: i64,
) -> DbResult<Option<Stage>> {
    let sql = format!(
        "SELECT {} FROM {} WHERE id = $1",
        stage_columns(t),
        entity.table
    );
    let statement = conn.prepare_cached(&sql).await?;
    match conn.query_opt(&statement, &[&id]).await? {
        Some(row) => Ok(Some(stage_at(&row, 0)?)),
        None => Ok(None),
    }
}

/// The stage of record `id` before an update, for entities that keep a history.
pub(crate) async fn before(
    conn: &impl GenericClient,
    entity: &EntityDef,
    id: i64,
) -> DbResult<Option<Stage>> {
    match tracked(entity.code) {
        Some(t) => read(conn, entity, &t, id).await,
        None => Ok(None),
    }
}

/// Appends the history row of a write of record `id` made at `at`: on creation
/// (`previous` `None`) always, on update only when the stage or the pipeline
/// changed. Entities without a history are left alone.
pub(crate) async fn record(
    conn: &impl GenericClient,
    entity: &EntityDef,
    id: i64,
    previous: Option<&Stage>,
    at: i64,
) -> DbResult<()> {
    let Some(t) = tracked(entity.code) else {
        return Ok(());
    };
    let Some(now) = read(conn, entity, &t, id).await? else {
        return Ok(());
    };
    append(conn, &t, id, previous, now, at).await
}

/// Appends the creation row of record `id`, whose stage after the insert is
/// `now` (as the insert returned it), made at `at`.
pub(crate) async fn record_created(
    conn: &impl GenericClient,
    entity: &EntityDef,
    id: i64,
    now: Stage,
    at: i64,
) -> DbResult<()> {
    match tracked(entity.code) {
        Some(t) => append(conn, &t, id, None, now, at).await,
        None => Ok(()),
    }
}

/// The history row of [`record`], with the stage after the write known.
async fn append(
    conn: &impl GenericClient,
    t: &Tracked,
    id: i64,
    previous: Option<&Stage>,
    now: Stage,
    at: i64,
) -> DbResult<()> {
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
    if t.category_column.is_some() {
        let statement = conn.prepare_cached(INSERT_DEAL_ROW).await?;
        let category = now.category.unwrap_or(0);
        conn.execute(
            &statement,
            &[&type_id, &id, &at, &category, &now.stage, &semantic],
        )
        .await?;
    } else {
        let statement = conn.prepare_cached(INSERT_LEAD_ROW).await?;
        conn.execute(&statement, &[&type_id, &id, &at, &now.stage, &semantic])
            .await?;
    }
    Ok(())
}

/// Records `ONCRMDEALMOVETOCATEGORY` when a write stamped `stamp` moved deal
/// `id` to another pipeline since `previous` (`data` `FIELDS` `ID`,
/// `CATEGORY_ID`, `STAGE_ID`), beside the write's `ONCRMDEALUPDATE`.
pub(crate) async fn raise_move(
    tx: &Transaction<'_>,
    entity: &EntityDef,
    id: i64,
    previous: &Stage,
    stamp: &EventStamp,
) -> DbResult<()> {
    if entity.code != "DEAL" {
        return Ok(());
    }
    let Some(now) = before(tx, entity, id).await? else {
        return Ok(());
    };
    if now.category == previous.category {
        return Ok(());
    }
    let event = RaisedEvent {
        code: MOVE_TO_CATEGORY,
        entity: entity.code,
        entity_id: id,
        data: serde_json::json!({"FIELDS": {
            "ID": id,
            "CATEGORY_ID": now.category.unwrap_or(0),
            "STAGE_ID": now.stage,
        }}),
    };
    record_event(tx, &event, stamp).await.map(|_| ())
}

/// Deletes the history of record `id` (the record is being deleted).
pub(crate) async fn forget(conn: &impl GenericClient, entity: &EntityDef, id: i64) -> DbResult<()> {
    if let Some(t) = tracked(entity.code) {
        let sql = format!("DELETE FROM {} WHERE owner_id = $1", t.history.table);
        let statement = conn.prepare_cached(&sql).await?;
        conn.execute(&statement, &[&id]).await?;
    }
    Ok(())
}
