//! [`TaskStore`]: tasks as records of [`TASK`] (the shared insert, update and
//! list SQL of [`EntitySql`]), their change history, and the task events each
//! write records in its own transaction. Comments, checklist items and time
//! records are in [`crate::tasks_items`].

use async_trait::async_trait;
use portico_store::tasks::TASK;
use portico_store::{
    ChecklistItem, ElapsedItem, EventStamp, FieldValue, ListPage, ListQuery, Record, StoreError,
    TaskComment, TaskHistoryEntry, TaskStore,
};
use rusqlite::{params, params_from_iter, Connection};
use serde_json::{json, Value};

use crate::entity_sql::EntitySql;
use crate::error::map_err;
use crate::events::{record_event, RaisedEvent};
use crate::records::{get_in_tx, set_columns};
use crate::value::Bind;
use crate::SqliteStore;

const HISTORY_INSERT: &str = "INSERT INTO task_history \
     (task_id, created_at, user_id, field, value_from, value_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

const HISTORY_OF: &str = "SELECT id, created_at, user_id, field, value_from, value_to \
     FROM task_history WHERE task_id = ?1 ORDER BY id";

/// Removes what belongs to a deleted task and detaches its subtasks.
const FORGET_TASK: &str = "DELETE FROM task_comments WHERE task_id = ?1; \
     DELETE FROM task_checklist_items WHERE task_id = ?1; \
     DELETE FROM task_elapsed_items WHERE task_id = ?1; \
     DELETE FROM task_history WHERE task_id = ?1; \
     UPDATE tasks SET parent_id = NULL WHERE parent_id = ?1;";

/// Gives a new task a random `{8-4-4-4-12}` GUID.
const SET_GUID: &str = "UPDATE tasks SET guid = (SELECT '{' || substr(h, 1, 8) || '-' || \
     substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' || substr(h, 17, 4) || '-' || \
     substr(h, 21, 12) || '}' FROM (SELECT hex(randomblob(16)) AS h)) WHERE id = ?1";

/// The literal Bitrix24 sends for an absent part of a task event.
const UNDEFINED: &str = "undefined";

/// Records a task event with Bitrix24's `FIELDS_BEFORE` / `FIELDS_AFTER` /
/// `IS_ACCESSIBLE_*` data.
pub(crate) fn task_event(
    conn: &Connection,
    code: &str,
    entity_id: i64,
    before: Value,
    after: Value,
    accessible: (&str, &str),
    stamp: &EventStamp,
) -> Result<(), StoreError> {
    let event = RaisedEvent {
        code,
        entity: TASK.code,
        entity_id,
        data: json!({
            "FIELDS_BEFORE": before,
            "FIELDS_AFTER": after,
            "IS_ACCESSIBLE_BEFORE": accessible.0,
            "IS_ACCESSIBLE_AFTER": accessible.1,
        }),
    };
    record_event(conn, &event, stamp).map(|_| ())
}

/// Adds one entry to the history of task `task_id`.
pub(crate) fn add_history(
    conn: &Connection,
    task_id: i64,
    stamp: &EventStamp,
    field: &str,
    from: Option<String>,
    to: Option<String>,
) -> Result<(), StoreError> {
    conn.prepare_cached(HISTORY_INSERT)
        .and_then(|mut s| s.execute(params![task_id, stamp.at, stamp.user_id, field, from, to]))
        .map_err(map_err)?;
    Ok(())
}

/// A stored value as history text.
fn history_text(v: &FieldValue) -> Option<String> {
    match v {
        FieldValue::Null => None,
        FieldValue::Int(i) => Some(i.to_string()),
        FieldValue::Float(f) => Some(f.to_string()),
        FieldValue::Text(s) => Some(s.clone()),
    }
}

/// Whether task `id` exists.
pub(crate) fn task_exists(conn: &Connection, id: i64) -> Result<bool, StoreError> {
    conn.prepare_cached("SELECT 1 FROM tasks WHERE id = ?1")
        .and_then(|mut s| s.exists([id]))
        .map_err(map_err)
}

fn insert(
    conn: &Connection,
    sql: &EntitySql,
    values: Vec<(usize, FieldValue)>,
    stamp: &EventStamp,
) -> Result<i64, StoreError> {
    let cols = sql.columns(values, false)?;
    let mut stmt = conn
        .prepare_cached(&sql.insert_sql(&cols))
        .map_err(map_err)?;
    stmt.execute(params_from_iter(cols.iter().map(|(_, v)| Bind(v))))
        .map_err(map_err)?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached(SET_GUID)
        .and_then(|mut s| s.execute([id]))
        .map_err(map_err)?;
    add_history(conn, id, stamp, "NEW", None, None)?;
    task_event(
        conn,
        "ONTASKADD",
        id,
        Value::String(UNDEFINED.into()),
        json!({ "ID": id }),
        ("N", UNDEFINED),
        stamp,
    )?;
    Ok(id)
}

fn update(
    conn: &Connection,
    sql: &EntitySql,
    id: i64,
    values: Vec<(usize, FieldValue)>,
    stamp: &EventStamp,
) -> Result<bool, StoreError> {
    let Some(current) = get_in_tx(conn, sql, id, false, false)? else {
        return Ok(false);
    };
    for (pos, value) in &values {
        let before = current.values.get(*pos).unwrap_or(&FieldValue::Null);
        let field = &TASK.fields[*pos];
        if before != value && !field.read_only {
            add_history(
                conn,
                id,
                stamp,
                field.name,
                history_text(before),
                history_text(value),
            )?;
        }
    }
    if !set_columns(conn, sql, id, values)? {
        return Ok(false);
    }
    task_event(
        conn,
        "ONTASKUPDATE",
        id,
        json!({ "ID": id }),
        json!({ "ID": id }),
        (UNDEFINED, UNDEFINED),
        stamp,
    )?;
    Ok(true)
}

fn delete(
    conn: &Connection,
    sql: &EntitySql,
    id: i64,
    stamp: &EventStamp,
) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(&sql.delete)
        .and_then(|mut s| s.execute([id]))
        .map_err(map_err)?;
    if n == 0 {
        return Ok(false);
    }
    for statement in FORGET_TASK.split_terminator(';') {
        conn.prepare_cached(statement.trim())
            .and_then(|mut s| s.execute([id]))
            .map_err(map_err)?;
    }
    task_event(
        conn,
        "ONTASKDELETE",
        id,
        json!({ "ID": id }),
        Value::String(UNDEFINED.into()),
        (UNDEFINED, "N"),
        stamp,
    )?;
    Ok(true)
}

fn history(conn: &Connection, task_id: i64) -> Result<Vec<TaskHistoryEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(HISTORY_OF).map_err(map_err)?;
    let rows = stmt
        .query_map([task_id], |r| {
            Ok(TaskHistoryEntry {
                id: r.get(0)?,
                created_at: r.get(1)?,
                user_id: r.get(2)?,
                field: r.get(3)?,
                from: r.get(4)?,
                to: r.get(5)?,
            })
        })
        .map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}

#[async_trait]
impl TaskStore for SqliteStore {
    async fn insert_task(
        &self,
        values: Vec<(usize, FieldValue)>,
        stamp: EventStamp,
    ) -> Result<i64, StoreError> {
        let sql = self.entity_sql(&TASK);
        let id = self
            .write(move |conn| insert(conn, &sql, values, &stamp))
            .await?;
        self.wake_deliveries();
        Ok(id)
    }

    async fn update_task(
        &self,
        id: i64,
        values: Vec<(usize, FieldValue)>,
        stamp: EventStamp,
    ) -> Result<bool, StoreError> {
        let sql = self.entity_sql(&TASK);
        let found = self
            .write(move |conn| update(conn, &sql, id, values, &stamp))
            .await?;
        if found {
            self.wake_deliveries();
        }
        Ok(found)
    }

    async fn delete_task(&self, id: i64, stamp: EventStamp) -> Result<bool, StoreError> {
        let sql = self.entity_sql(&TASK);
        let found = self
            .write(move |conn| delete(conn, &sql, id, &stamp))
            .await?;
        if found {
            self.wake_deliveries();
        }
        Ok(found)
    }

    async fn get_task(&self, id: i64) -> Result<Option<Record>, StoreError> {
        let sql = self.entity_sql(&TASK);
        self.read(|conn| get_in_tx(conn, &sql, id, false, false))
    }

    async fn list_tasks(&self, query: &ListQuery) -> Result<ListPage, StoreError> {
        portico_store::list::validate(&TASK, query)?;
        let sql = self.entity_sql(&TASK);
        let query = query.clone();
        let cache = self.list_cache();
        self.scan(move |conn| crate::list::list(conn, &sql, &query, &cache))
            .await
    }

    async fn task_history(&self, task_id: i64) -> Result<Vec<TaskHistoryEntry>, StoreError> {
        self.read(|conn| history(conn, task_id))
    }

    async fn add_task_comment(
        &self,
        task_id: i64,
        author_id: i64,
        message: String,
        stamp: EventStamp,
    ) -> Result<Option<i64>, StoreError> {
        let id = self
            .write(move |conn| {
                crate::tasks_items::add_comment(conn, task_id, author_id, &message, &stamp)
            })
            .await?;
        if id.is_some() {
            self.wake_deliveries();
        }
        Ok(id)
    }

    async fn task_comments(&self, task_id: i64) -> Result<Vec<TaskComment>, StoreError> {
        self.read(|conn| crate::tasks_items::comments(conn, task_id))
    }

    async fn update_task_comment(
        &self,
        task_id: i64,
        id: i64,
        message: String,
    ) -> Result<bool, StoreError> {
        self.write(move |conn| crate::tasks_items::update_comment(conn, task_id, id, &message))
            .await
    }

    async fn delete_task_comment(&self, task_id: i64, id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| crate::tasks_items::delete_comment(conn, task_id, id))
            .await
    }

    async fn add_checklist_item(
        &self,
        item: ChecklistItem,
        stamp: EventStamp,
    ) -> Result<Option<i64>, StoreError> {
        self.write(move |conn| crate::tasks_items::add_checklist_item(conn, &item, &stamp))
            .await
    }

    async fn checklist_items(&self, task_id: i64) -> Result<Vec<ChecklistItem>, StoreError> {
        self.read(|conn| crate::tasks_items::checklist_items(conn, task_id))
    }

    async fn update_checklist_item(&self, item: ChecklistItem) -> Result<bool, StoreError> {
        self.write(move |conn| crate::tasks_items::update_checklist_item(conn, &item))
            .await
    }

    async fn delete_checklist_item(&self, task_id: i64, id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| crate::tasks_items::delete_checklist_item(conn, task_id, id))
            .await
    }

    async fn add_elapsed_item(&self, item: ElapsedItem) -> Result<Option<i64>, StoreError> {
        self.write(move |conn| crate::tasks_items::add_elapsed_item(conn, &item))
            .await
    }

    async fn elapsed_items(&self, task_id: i64) -> Result<Vec<ElapsedItem>, StoreError> {
        self.read(|conn| crate::tasks_items::elapsed_items(conn, task_id))
    }

    async fn update_elapsed_item(&self, item: ElapsedItem) -> Result<bool, StoreError> {
        self.write(move |conn| crate::tasks_items::update_elapsed_item(conn, &item))
            .await
    }

    async fn delete_elapsed_item(&self, task_id: i64, id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| crate::tasks_items::delete_elapsed_item(conn, task_id, id))
            .await
    }
}
