//! [`ScrumStore`] on PostgreSQL: `scrum_entities` (backlogs and sprints),
//! `scrum_epics` and `scrum_items`. One backlog and one active sprint per
//! group are partial unique indexes; starting a sprint checks and acts in one
//! transaction, and completing one moves its unfinished tasks to the backlog
//! in the same transaction (see [`sprints`]).

mod sprints;

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use portico_store::{
    Epic, ScrumEntity, ScrumItem, ScrumPlacement, ScrumStore, SprintStart, StoreError,
};
use tokio_postgres::Row;

use self::sprints::{complete, entities_of, get_entity, insert_entity, start};
use crate::{read, transaction, DbResult, PgStore};

/// The columns [`epic_from_row`] reads, of `scrum_epics`.
macro_rules! epic_columns {
    () => {
        "id, group_id, name, description, color, created_by, modified_by"
    };
}

/// The columns [`item_from_row`] reads, of `scrum_items`.
macro_rules! item_columns {
    () => {
        "task_id, entity_id, story_points, epic_id, sort, created_by, modified_by"
    };
}

/// Replaces the fields of entity `$1` (its type stays).
const ENTITY_UPDATE: &str = "UPDATE scrum_entities SET group_id = $2, name = $3, goal = $4, \
     sort = $5, created_by = $6, modified_by = $7, date_start = $8, date_end = $9, \
     status = $10 WHERE id = $1";

/// Creates or replaces the item of a task.
const ITEM_PUT: &str = concat!(
    "INSERT INTO scrum_items (",
    item_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (task_id) DO UPDATE SET entity_id = $2, story_points = $3, epic_id = $4, \
     sort = $5, created_by = $6, modified_by = $7"
);

/// Inserts an epic.
const EPIC_INSERT: &str = "INSERT INTO scrum_epics (group_id, name, description, color, \
     created_by, modified_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";

/// Replaces the fields of epic `$1`.
const EPIC_UPDATE: &str = "UPDATE scrum_epics SET group_id = $2, name = $3, description = $4, \
     color = $5, created_by = $6, modified_by = $7 WHERE id = $1";

/// An [`Epic`] from a row of `epic_columns!`.
fn epic_from_row(row: &Row) -> DbResult<Epic> {
    Ok(Epic {
        id: row.try_get(0)?,
        group_id: row.try_get(1)?,
        name: row.try_get(2)?,
        description: row.try_get(3)?,
        color: row.try_get(4)?,
        created_by: row.try_get(5)?,
        modified_by: row.try_get(6)?,
    })
}

/// A [`ScrumItem`] from a row of `item_columns!`.
fn item_from_row(row: &Row) -> DbResult<ScrumItem> {
    Ok(ScrumItem {
        task_id: row.try_get(0)?,
        entity_id: row.try_get(1)?,
        story_points: row.try_get(2)?,
        epic_id: row.try_get(3)?,
        sort: row.try_get(4)?,
        created_by: row.try_get(5)?,
        modified_by: row.try_get(6)?,
    })
}

#[async_trait]
impl ScrumStore for PgStore {
    async fn insert_scrum_entity(&self, entity: ScrumEntity) -> Result<i64, StoreError> {
        transaction!(self, |tx| { insert_entity(&tx, &entity).await })
    }

    async fn update_scrum_entity(&self, e: ScrumEntity) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(ENTITY_UPDATE).await?;
            let updated = tx
                .execute(
                    &statement,
                    &[
                        &e.id,
                        &e.group_id,
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
            Ok(updated > 0)
        })
    }

    async fn delete_scrum_entity(
        &self,
        id: i64,
        move_items_to: Option<i64>,
    ) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            if let Some(target) = move_items_to {
                let statement = tx
                    .prepare_cached("UPDATE scrum_items SET entity_id = $2 WHERE entity_id = $1")
                    .await?;
                tx.execute(&statement, &[&id, &target]).await?;
            }
            let statement = tx
                .prepare_cached("DELETE FROM scrum_entities WHERE id = $1")
                .await?;
            Ok(tx.execute(&statement, &[&id]).await? > 0)
        })
    }

    async fn scrum_entity(&self, id: i64) -> Result<Option<ScrumEntity>, StoreError> {
        read!(self, |conn| { get_entity(&conn, id).await })
    }

    async fn scrum_entities(&self, group_id: Option<i64>) -> Result<Vec<ScrumEntity>, StoreError> {
        read!(self, |conn| { entities_of(&conn, group_id).await })
    }

    async fn start_sprint(&self, id: i64, modified_by: i64) -> Result<SprintStart, StoreError> {
        transaction!(self, |tx| { start(&tx, id, modified_by).await })
    }

    async fn complete_sprint(
        &self,
        id: i64,
        modified_by: i64,
    ) -> Result<Option<ScrumEntity>, StoreError> {
        transaction!(self, |tx| { complete(&tx, id, modified_by).await })
    }

    async fn insert_epic(&self, e: Epic) -> Result<i64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(EPIC_INSERT).await?;
            let row = tx
                .query_one(
                    &statement,
                    &[
                        &e.group_id,
                        &e.name,
                        &e.description,
                        &e.color,
                        &e.created_by,
                        &e.modified_by,
                    ],
                )
                .await?;
            Ok(row.try_get(0)?)
        })
    }

    async fn update_epic(&self, e: Epic) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(EPIC_UPDATE).await?;
            let updated = tx
                .execute(
                    &statement,
                    &[
                        &e.id,
                        &e.group_id,
                        &e.name,
                        &e.description,
                        &e.color,
                        &e.created_by,
                        &e.modified_by,
                    ],
                )
                .await?;
            Ok(updated > 0)
        })
    }

    async fn delete_epic(&self, id: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("DELETE FROM scrum_epics WHERE id = $1")
                .await?;
            Ok(tx.execute(&statement, &[&id]).await? > 0)
        })
    }

    async fn epic(&self, id: i64) -> Result<Option<Epic>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    epic_columns!(),
                    " FROM scrum_epics WHERE id = $1"
                ))
                .await?;
            conn.query_opt(&statement, &[&id])
                .await?
                .as_ref()
                .map(epic_from_row)
                .transpose()
        })
    }

    async fn epics(&self) -> Result<Vec<Epic>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    epic_columns!(),
                    " FROM scrum_epics ORDER BY id"
                ))
                .await?;
            conn.query(&statement, &[])
                .await?
                .iter()
                .map(epic_from_row)
                .collect()
        })
    }

    async fn scrum_item(&self, task_id: i64) -> Result<Option<ScrumItem>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    item_columns!(),
                    " FROM scrum_items WHERE task_id = $1"
                ))
                .await?;
            conn.query_opt(&statement, &[&task_id])
                .await?
                .as_ref()
                .map(item_from_row)
                .transpose()
        })
    }

    async fn put_scrum_item(&self, i: ScrumItem) -> Result<(), StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(ITEM_PUT).await?;
            tx.execute(
                &statement,
                &[
                    &i.task_id,
                    &i.entity_id,
                    &i.story_points,
                    &i.epic_id,
                    &i.sort,
                    &i.created_by,
                    &i.modified_by,
                ],
            )
            .await?;
            Ok(())
        })
    }

    async fn scrum_entity_tasks(&self, entity_id: i64) -> Result<Vec<i64>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(
                    "SELECT task_id FROM scrum_items WHERE entity_id = $1 ORDER BY sort, task_id",
                )
                .await?;
            conn.query(&statement, &[&entity_id])
                .await?
                .iter()
                .map(|row| Ok(row.try_get(0)?))
                .collect()
        })
    }

    async fn scrum_placements(&self, task_ids: &[i64]) -> Result<Vec<ScrumPlacement>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(
                    "SELECT i.task_id, i.entity_id, e.entity_type FROM scrum_items i \
                     JOIN scrum_entities e ON e.id = i.entity_id \
                     WHERE i.task_id = ANY($1) ORDER BY i.task_id",
                )
                .await?;
            conn.query(&statement, &[&task_ids])
                .await?
                .iter()
                .map(|row| {
                    Ok(ScrumPlacement {
                        task_id: row.try_get(0)?,
                        entity_id: row.try_get(1)?,
                        entity_type: row.try_get(2)?,
                    })
                })
                .collect()
        })
    }
}
