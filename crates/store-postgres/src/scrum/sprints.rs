//! Backlogs and sprints (`scrum_entities`): reading them, creating a group's
//! backlog on demand, and the checks and moves of starting and completing a
//! sprint, each run inside the caller's transaction.

use deadpool_postgres::{GenericClient, Transaction};
use portico_store::scrum::{BACKLOG, SPRINT, TASK_COMPLETED};
use portico_store::{ScrumEntity, SprintStart};
use tokio_postgres::Row;

use crate::DbResult;

/// The columns [`entity_from_row`] reads, of `scrum_entities`.
macro_rules! entity_columns {
    () => {
        "id, group_id, entity_type, name, goal, sort, created_by, modified_by, date_start, \
         date_end, status"
    };
}

/// Inserts a backlog or sprint.
const ENTITY_INSERT: &str = "INSERT INTO scrum_entities (group_id, entity_type, name, goal, \
     sort, created_by, modified_by, date_start, date_end, status) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";

/// Sets the status of entity `$1` to `$3`, modified by `$2`.
const ENTITY_SET_STATUS: &str =
    "UPDATE scrum_entities SET status = $3, modified_by = $2 WHERE id = $1";

/// Moves the items of sprint `$1` whose task is not in status `$3` to `$2`.
const MOVE_UNFINISHED: &str = "UPDATE scrum_items SET entity_id = $2 WHERE entity_id = $1 \
     AND task_id IN (SELECT id FROM tasks WHERE status IS DISTINCT FROM $3)";

/// A [`ScrumEntity`] from a row of `entity_columns!`.
fn entity_from_row(row: &Row) -> DbResult<ScrumEntity> {
    Ok(ScrumEntity {
        id: row.try_get(0)?,
        group_id: row.try_get(1)?,
        entity_type: row.try_get(2)?,
        name: row.try_get(3)?,
        goal: row.try_get(4)?,
        sort: row.try_get(5)?,
        created_by: row.try_get(6)?,
        modified_by: row.try_get(7)?,
        date_start: row.try_get(8)?,
        date_end: row.try_get(9)?,
        status: row.try_get(10)?,
    })
}

/// Entity `id`, if any.
pub(super) async fn get_entity(
    conn: &impl GenericClient,
    id: i64,
) -> DbResult<Option<ScrumEntity>> {
    let statement = conn
        .prepare_cached(concat!(
            "SELECT ",
            entity_columns!(),
            " FROM scrum_entities WHERE id = $1"
        ))
        .await?;
    conn.query_opt(&statement, &[&id])
        .await?
        .as_ref()
        .map(entity_from_row)
        .transpose()
}

/// Inserts `e` and returns its id.
pub(super) async fn insert_entity(tx: &Transaction<'_>, e: &ScrumEntity) -> DbResult<i64> {
    let statement = tx.prepare_cached(ENTITY_INSERT).await?;
    let row = tx
        .query_one(
            &statement,
            &[
                &e.group_id,
                &e.entity_type,
                &e.name,
                &e.goal,
                &e.sort,
                &e.created_by,
                &e.modified_by,
                &e.date_start,
                &e.date_end,
                &e.status,
            ],
        )
        .await?;
    Ok(row.try_get(0)?)
}

/// The group's backlog id, created by `user` when it has none.
async fn backlog_of(tx: &Transaction<'_>, group_id: i64, user: i64) -> DbResult<i64> {
    let statement = tx
        .prepare_cached(
            "SELECT id FROM scrum_entities WHERE group_id = $1 AND entity_type = 'backlog'",
        )
        .await?;
    if let Some(row) = tx.query_opt(&statement, &[&group_id]).await? {
        return Ok(row.try_get(0)?);
    }
    let backlog = ScrumEntity {
        id: 0,
        group_id,
        entity_type: BACKLOG.to_owned(),
        name: String::new(),
        goal: String::new(),
        sort: 0,
        created_by: user,
        modified_by: user,
        date_start: None,
        date_end: None,
        status: "planned".to_owned(),
    };
    insert_entity(tx, &backlog).await
}

/// Starts sprint `id` inside `tx` (see [`portico_store::ScrumStore::start_sprint`]).
pub(super) async fn start(
    tx: &Transaction<'_>,
    id: i64,
    modified_by: i64,
) -> DbResult<SprintStart> {
    let Some(sprint) = get_entity(tx, id)
        .await?
        .filter(|e| e.entity_type == SPRINT)
    else {
        return Ok(SprintStart::NotFound);
    };
    if sprint.status != "planned" {
        return Ok(SprintStart::NotPlanned);
    }
    let other_active = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM scrum_entities WHERE group_id = $1 \
             AND entity_type = 'sprint' AND status = 'active')",
        )
        .await?;
    let other_active: bool = tx
        .query_one(&other_active, &[&sprint.group_id])
        .await?
        .try_get(0)?;
    if other_active {
        return Ok(SprintStart::OtherActive);
    }
    let statement = tx.prepare_cached(ENTITY_SET_STATUS).await?;
    tx.execute(&statement, &[&id, &modified_by, &"active"])
        .await?;
    Ok(SprintStart::Started)
}

/// Completes sprint `id` inside `tx` (see [`portico_store::ScrumStore::complete_sprint`]).
pub(super) async fn complete(
    tx: &Transaction<'_>,
    id: i64,
    modified_by: i64,
) -> DbResult<Option<ScrumEntity>> {
    let active = get_entity(tx, id)
        .await?
        .filter(|e| e.entity_type == SPRINT && e.status == "active");
    let Some(sprint) = active else {
        return Ok(None);
    };
    let backlog = backlog_of(tx, sprint.group_id, modified_by).await?;
    let statement = tx.prepare_cached(MOVE_UNFINISHED).await?;
    tx.execute(&statement, &[&id, &backlog, &TASK_COMPLETED])
        .await?;
    let statement = tx.prepare_cached(ENTITY_SET_STATUS).await?;
    tx.execute(&statement, &[&id, &modified_by, &"completed"])
        .await?;
    get_entity(tx, id).await
}

/// The entities of group `group_id` (`None`: of every group), by id.
pub(super) async fn entities_of(
    conn: &impl GenericClient,
    group_id: Option<i64>,
) -> DbResult<Vec<ScrumEntity>> {
    let statement = conn
        .prepare_cached(concat!(
            "SELECT ",
            entity_columns!(),
            " FROM scrum_entities WHERE $1::bigint IS NULL OR group_id = $1 ORDER BY id"
        ))
        .await?;
    conn.query(&statement, &[&group_id])
        .await?
        .iter()
        .map(entity_from_row)
        .collect()
}
