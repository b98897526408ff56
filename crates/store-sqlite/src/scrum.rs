//! [`ScrumStore`]: `scrum_entities`, `scrum_epics` and `scrum_items`
//! (migration 0018). One backlog and one active sprint per group are partial
//! unique indexes; completing a sprint moves its unfinished tasks to the
//! backlog in the same transaction.

use async_trait::async_trait;
use portico_store::scrum::{BACKLOG, SPRINT, TASK_COMPLETED};
use portico_store::{
    Epic, ScrumEntity, ScrumItem, ScrumPlacement, ScrumStore, SprintStart, StoreError,
};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::map_err;
use crate::SqliteStore;

const ENTITY_COLUMNS: &str = "id, group_id, entity_type, name, goal, sort, created_by, \
     modified_by, date_start, date_end, status";

const EPIC_COLUMNS: &str = "id, group_id, name, description, color, created_by, modified_by";

const ITEM_COLUMNS: &str =
    "task_id, entity_id, story_points, epic_id, sort, created_by, modified_by";

fn entity_row(row: &Row<'_>) -> rusqlite::Result<ScrumEntity> {
    Ok(ScrumEntity {
        id: row.get(0)?,
        group_id: row.get(1)?,
        entity_type: row.get(2)?,
        name: row.get(3)?,
        goal: row.get(4)?,
        sort: row.get(5)?,
        created_by: row.get(6)?,
        modified_by: row.get(7)?,
        date_start: row.get(8)?,
        date_end: row.get(9)?,
        status: row.get(10)?,
    })
}

fn epic_row(row: &Row<'_>) -> rusqlite::Result<Epic> {
    Ok(Epic {
        id: row.get(0)?,
        group_id: row.get(1)?,
        name: row.get(2)?,
        description: row.get(3)?,
        color: row.get(4)?,
        created_by: row.get(5)?,
        modified_by: row.get(6)?,
    })
}

fn item_row(row: &Row<'_>) -> rusqlite::Result<ScrumItem> {
    Ok(ScrumItem {
        task_id: row.get(0)?,
        entity_id: row.get(1)?,
        story_points: row.get(2)?,
        epic_id: row.get(3)?,
        sort: row.get(4)?,
        created_by: row.get(5)?,
        modified_by: row.get(6)?,
    })
}

fn get_entity(conn: &Connection, id: i64) -> Result<Option<ScrumEntity>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {ENTITY_COLUMNS} FROM scrum_entities WHERE id = ?1"
    ))
    .and_then(|mut s| s.query_row([id], entity_row).optional())
    .map_err(map_err)
}

fn insert_entity(conn: &Connection, e: &ScrumEntity) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO scrum_entities (group_id, entity_type, name, goal, sort, created_by, \
         modified_by, date_start, date_end, status) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .and_then(|mut s| {
        s.execute(params![
            e.group_id,
            e.entity_type,
            e.name,
            e.goal,
            e.sort,
            e.created_by,
            e.modified_by,
            e.date_start,
            e.date_end,
            e.status
        ])
    })
    .map_err(map_err)?;
    Ok(conn.last_insert_rowid())
}

/// The group's backlog id, created by `user` when it has none.
fn backlog_of(conn: &Connection, group_id: i64, user: i64) -> Result<i64, StoreError> {
    let found: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM scrum_entities WHERE group_id = ?1 AND entity_type = 'backlog'",
        )
        .and_then(|mut s| s.query_row([group_id], |r| r.get(0)).optional())
        .map_err(map_err)?;
    match found {
        Some(id) => Ok(id),
        None => insert_entity(
            conn,
            &ScrumEntity {
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
            },
        ),
    }
}

#[async_trait]
impl ScrumStore for SqliteStore {
    async fn insert_scrum_entity(&self, entity: ScrumEntity) -> Result<i64, StoreError> {
        self.write(move |conn| insert_entity(conn, &entity)).await
    }

    async fn update_scrum_entity(&self, e: ScrumEntity) -> Result<bool, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "UPDATE scrum_entities SET group_id = ?2, name = ?3, goal = ?4, sort = ?5, \
                 created_by = ?6, modified_by = ?7, date_start = ?8, date_end = ?9, status = ?10 \
                 WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![
                    e.id,
                    e.group_id,
                    e.name,
                    e.goal,
                    e.sort,
                    e.created_by,
                    e.modified_by,
                    e.date_start,
                    e.date_end,
                    e.status
                ])
            })
            .map(|n| n > 0)
            .map_err(map_err)
        })
        .await
    }

    async fn delete_scrum_entity(
        &self,
        id: i64,
        move_items_to: Option<i64>,
    ) -> Result<bool, StoreError> {
        self.write(move |conn| {
            if let Some(target) = move_items_to {
                conn.prepare_cached("UPDATE scrum_items SET entity_id = ?2 WHERE entity_id = ?1")
                    .and_then(|mut s| s.execute([id, target]))
                    .map_err(map_err)?;
            }
            conn.prepare_cached("DELETE FROM scrum_entities WHERE id = ?1")
                .and_then(|mut s| s.execute([id]))
                .map(|n| n > 0)
                .map_err(map_err)
        })
        .await
    }

    async fn scrum_entity(&self, id: i64) -> Result<Option<ScrumEntity>, StoreError> {
        self.read(|conn| get_entity(conn, id))
    }

    async fn scrum_entities(&self, group_id: Option<i64>) -> Result<Vec<ScrumEntity>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT {ENTITY_COLUMNS} FROM scrum_entities \
                     WHERE ?1 IS NULL OR group_id = ?1 ORDER BY id"
                ))
                .map_err(map_err)?;
            let rows = stmt.query_map([group_id], entity_row).map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn start_sprint(&self, id: i64, modified_by: i64) -> Result<SprintStart, StoreError> {
        self.write(move |conn| {
            let Some(sprint) = get_entity(conn, id)?.filter(|e| e.entity_type == SPRINT) else {
                return Ok(SprintStart::NotFound);
            };
            if sprint.status != "planned" {
                return Ok(SprintStart::NotPlanned);
            }
            let other_active = conn
                .prepare_cached(
                    "SELECT 1 FROM scrum_entities WHERE group_id = ?1 \
                     AND entity_type = 'sprint' AND status = 'active'",
                )
                .and_then(|mut s| s.exists([sprint.group_id]))
                .map_err(map_err)?;
            if other_active {
                return Ok(SprintStart::OtherActive);
            }
            conn.prepare_cached(
                "UPDATE scrum_entities SET status = 'active', modified_by = ?2 WHERE id = ?1",
            )
            .and_then(|mut s| s.execute([id, modified_by]))
            .map_err(map_err)?;
            Ok(SprintStart::Started)
        })
        .await
    }

    async fn complete_sprint(
        &self,
        id: i64,
        modified_by: i64,
    ) -> Result<Option<ScrumEntity>, StoreError> {
        self.write(move |conn| {
            let Some(sprint) =
                get_entity(conn, id)?.filter(|e| e.entity_type == SPRINT && e.status == "active")
            else {
                return Ok(None);
            };
            let backlog = backlog_of(conn, sprint.group_id, modified_by)?;
            conn.prepare_cached(
                "UPDATE scrum_items SET entity_id = ?2 WHERE entity_id = ?1 AND task_id IN \
                 (SELECT id FROM tasks WHERE status IS NOT ?3)",
            )
            .and_then(|mut s| s.execute([id, backlog, TASK_COMPLETED]))
            .map_err(map_err)?;
            conn.prepare_cached(
                "UPDATE scrum_entities SET status = 'completed', modified_by = ?2 WHERE id = ?1",
            )
            .and_then(|mut s| s.execute([id, modified_by]))
            .map_err(map_err)?;
            get_entity(conn, id)
        })
        .await
    }

    async fn insert_epic(&self, e: Epic) -> Result<i64, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO scrum_epics (group_id, name, description, color, created_by, \
                 modified_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    e.group_id,
                    e.name,
                    e.description,
                    e.color,
                    e.created_by,
                    e.modified_by
                ])
            })
            .map_err(map_err)?;
            Ok(conn.last_insert_rowid())
        })
        .await
    }

    async fn update_epic(&self, e: Epic) -> Result<bool, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "UPDATE scrum_epics SET group_id = ?2, name = ?3, description = ?4, color = ?5, \
                 created_by = ?6, modified_by = ?7 WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![
                    e.id,
                    e.group_id,
                    e.name,
                    e.description,
                    e.color,
                    e.created_by,
                    e.modified_by
                ])
            })
            .map(|n| n > 0)
            .map_err(map_err)
        })
        .await
    }

    async fn delete_epic(&self, id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached("DELETE FROM scrum_epics WHERE id = ?1")
                .and_then(|mut s| s.execute([id]))
                .map(|n| n > 0)
                .map_err(map_err)
        })
        .await
    }

    async fn epic(&self, id: i64) -> Result<Option<Epic>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached(&format!(
                "SELECT {EPIC_COLUMNS} FROM scrum_epics WHERE id = ?1"
            ))
            .and_then(|mut s| s.query_row([id], epic_row).optional())
            .map_err(map_err)
        })
    }

    async fn epics(&self) -> Result<Vec<Epic>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT {EPIC_COLUMNS} FROM scrum_epics ORDER BY id"
                ))
                .map_err(map_err)?;
            let rows = stmt.query_map([], epic_row).map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn scrum_item(&self, task_id: i64) -> Result<Option<ScrumItem>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached(&format!(
                "SELECT {ITEM_COLUMNS} FROM scrum_items WHERE task_id = ?1"
            ))
            .and_then(|mut s| s.query_row([task_id], item_row).optional())
            .map_err(map_err)
        })
    }

    async fn put_scrum_item(&self, i: ScrumItem) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(&format!(
                "INSERT INTO scrum_items ({ITEM_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                 ON CONFLICT (task_id) DO UPDATE SET entity_id = ?2, story_points = ?3, \
                 epic_id = ?4, sort = ?5, created_by = ?6, modified_by = ?7"
            ))
            .and_then(|mut s| {
                s.execute(params![
                    i.task_id,
                    i.entity_id,
                    i.story_points,
                    i.epic_id,
                    i.sort,
                    i.created_by,
                    i.modified_by
                ])
            })
            .map(|_| ())
            .map_err(map_err)
        })
        .await
    }

    async fn scrum_entity_tasks(&self, entity_id: i64) -> Result<Vec<i64>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT task_id FROM scrum_items WHERE entity_id = ?1 ORDER BY sort, task_id",
                )
                .map_err(map_err)?;
            let rows = stmt.query_map([entity_id], |r| r.get(0)).map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn scrum_placements(&self, task_ids: &[i64]) -> Result<Vec<ScrumPlacement>, StoreError> {
        let ids = serde_json::to_string(task_ids).map_err(|e| StoreError::Other(e.to_string()))?;
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT i.task_id, i.entity_id, e.entity_type FROM scrum_items i \
                     JOIN scrum_entities e ON e.id = i.entity_id \
                     WHERE i.task_id IN (SELECT value FROM json_each(?1)) ORDER BY i.task_id",
                )
                .map_err(map_err)?;
            let rows = stmt
                .query_map([ids], |r| {
                    Ok(ScrumPlacement {
                        task_id: r.get(0)?,
                        entity_id: r.get(1)?,
                        entity_type: r.get(2)?,
                    })
                })
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }
}
