//! [`TaskStore`] on PostgreSQL: tasks as records of [`TASK`] (the shared
//! insert, update and read SQL of [`EntitySql`], lists through the list
//! engine), their change history, and the task events each write records in
//! its own transaction. Comments, checklist items and time records are in
//! [`items`].

mod items;

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::tasks::TASK;
use portico_store::{
    ChecklistItem, ElapsedItem, EventStamp, FieldValue, ListPage, ListQuery, Record, StoreError,
    TaskComment, TaskHistoryEntry, TaskStore,
};
use serde_json::{json, Value};

use crate::events::{record_event, RaisedEvent};
use crate::records::value::{bind, refs};
use crate::records::{get_in_tx, set_columns, EntitySql};
use crate::{read, transaction, DbResult, PgStore};

/// Adds one history entry.
const HISTORY_INSERT: &str = "INSERT INTO task_history \
     (task_id, created_at, user_id, field, value_from, value_to) VALUES ($1, $2, $3, $4, $5, $6)";

/// The history of task `$1`, oldest first.
const HISTORY_OF: &str = "SELECT id, created_at, user_id, field, value_from, value_to \
     FROM task_history WHERE task_id = $1 ORDER BY id";

/// Removes what belongs to deleted task `$1` and detaches its subtasks, one
/// statement each.
const FORGET_TASK: [&str; 5] = [
    "DELETE FROM task_comments WHERE task_id = $1",
    "DELETE FROM task_checklist_items WHERE task_id = $1",
    "DELETE FROM task_elapsed_items WHERE task_id = $1",
    "DELETE FROM task_history WHERE task_id = $1",
    "UPDATE tasks SET parent_id = NULL WHERE parent_id = $1",
];

/// Gives new task `$1` a random `{8-4-4-4-12}` GUID of upper-case hex digits.
const SET_GUID: &str = "UPDATE tasks SET guid = (SELECT '{' || substr(h, 1, 8) || '-' || \
     substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' || substr(h, 17, 4) || '-' || \
     substr(h, 21, 12) || '}' \
     FROM (SELECT upper(md5(random()::text || clock_timestamp()::text)) AS h) AS random_hex) \
     WHERE id = $1";

/// The literal Bitrix24 sends for an absent part of a task event.
const UNDEFINED: &str = "undefined";

/// Records a task event with Bitrix24's `FIELDS_BEFORE` / `FIELDS_AFTER` /
/// `IS_ACCESSIBLE_*` data.
async fn task_event(
    tx: &Transaction<'_>,
    code: &str,
    entity_id: i64,
    before: Value,
    after: Value,
    accessible: (&str, &str),
    stamp: &EventStamp,
) -> DbResult<()> {
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
    record_event(tx, &event, stamp).await.map(|_| ())
}

/// Adds one entry to the history of task `task_id`.
async fn add_history(
    tx: &Transaction<'_>,
    task_id: i64,
    stamp: &EventStamp,
    field: &str,
    from: Option<String>,
    to: Option<String>,
) -> DbResult<()> {
    let statement = tx.prepare_cached(HISTORY_INSERT).await?;
    tx.execute(
        &statement,
        &[&task_id, &stamp.at, &stamp.user_id, &field, &from, &to],
    )
    .await?;
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
async fn task_exists(conn: &impl GenericClient, id: i64) -> DbResult<bool> {
    let statement = conn
        .prepare_cached("SELECT 1 FROM tasks WHERE id = $1")
        .await?;
    Ok(conn.query_opt(&statement, &[&id]).await?.is_some())
}

/// Inserts a task with its GUID, its `NEW` history entry and `ONTASKADD`.
async fn insert(
    tx: &Transaction<'_>,
    sql: &EntitySql,
    values: Vec<(usize, FieldValue)>,
    stamp: &EventStamp,
) -> DbResult<i64> {
    let cols = sql.columns(values, false)?;
    let statement = tx.prepare_cached(&sql.insert_sql(&cols)).await?;
    let params = bind(&statement, cols.iter().map(|(_, v)| v))?;
    let id: i64 = tx.query_one(&statement, &refs(&params)).await?.try_get(0)?;
    let statement = tx.prepare_cached(SET_GUID).await?;
    tx.execute(&statement, &[&id]).await?;
    add_history(tx, id, stamp, "NEW", None, None).await?;
    task_event(
        tx,
        "ONTASKADD",
        id,
        Value::String(UNDEFINED.into()),
        json!({ "ID": id }),
        ("N", UNDEFINED),
        stamp,
    )
    .await?;
    Ok(id)
}

/// Updates task `id` with one history entry per changed writable field and
/// `ONTASKUPDATE`; `false` when there is no such task.
async fn update(
    tx: &Transaction<'_>,
    sql: &EntitySql,
    id: i64,
    values: Vec<(usize, FieldValue)>,
    stamp: &EventStamp,
) -> DbResult<bool> {
    let Some(current) = get_in_tx(tx, sql, id, false, false).await? else {
        return Ok(false);
    };
    for (pos, value) in &values {
        let before = current.values.get(*pos).unwrap_or(&FieldValue::Null);
        let Some(field) = TASK.fields.get(*pos) else {
            continue;
        };
        if before != value && !field.read_only {
            let (from, to) = (history_text(before), history_text(value));
            add_history(tx, id, stamp, field.name, from, to).await?;
        }
    }
    if !set_columns(tx, sql, id, values).await? {
        return Ok(false);
    }
    task_event(
        tx,
        "ONTASKUPDATE",
        id,
        json!({ "ID": id }),
        json!({ "ID": id }),
        (UNDEFINED, UNDEFINED),
        stamp,
    )
    .await?;
    Ok(true)
}

/// Deletes task `id` with what belongs to it (its subtasks are detached) and
/// records `ONTASKDELETE`; `false` when there was no such task.
async fn delete(
    tx: &Transaction<'_>,
    sql: &EntitySql,
    id: i64,
    stamp: &EventStamp,
) -> DbResult<bool> {
    let statement = tx.prepare_cached(&sql.delete).await?;
    if tx.execute(&statement, &[&id]).await? == 0 {
        return Ok(false);
    }
    for forget in FORGET_TASK {
        let statement = tx.prepare_cached(forget).await?;
        tx.execute(&statement, &[&id]).await?;
    }
    task_event(
        tx,
        "ONTASKDELETE",
        id,
        json!({ "ID": id }),
        Value::String(UNDEFINED.into()),
        (UNDEFINED, "N"),
        stamp,
    )
    .await?;
    Ok(true)
}

/// The history of task `task_id`, oldest first.
async fn history(conn: &impl GenericClient, task_id: i64) -> DbResult<Vec<TaskHistoryEntry>> {
    let statement = conn.prepare_cached(HISTORY_OF).await?;
    conn.query(&statement, &[&task_id])
        .await?
        .iter()
        .map(|row| {
            Ok(TaskHistoryEntry {
                id: row.try_get(0)?,
                created_at: row.try_get(1)?,
                user_id: row.try_get(2)?,
                field: row.try_get(3)?,
                from: row.try_get(4)?,
                to: row.try_get(5)?,
            })
        })
        .collect()
}

#[async_trait]
impl TaskStore for PgStore {
    async fn insert_task(
        &self,
        values: Vec<(usize, FieldValue)>,
        stamp: EventStamp,
    ) -> Result<i64, StoreError> {
        let sql = EntitySql::of(&TASK);
        transaction!(self, |tx| {
            insert(&tx, &sql, values.clone(), &stamp).await
        })
    }

    async fn update_task(
        &self,
        id: i64,
        values: Vec<(usize, FieldValue)>,
        stamp: EventStamp,
    ) -> Result<bool, StoreError> {
        let sql = EntitySql::of(&TASK);
        transaction!(self, |tx| {
            update(&tx, &sql, id, values.clone(), &stamp).await
        })
    }

    async fn delete_task(&self, id: i64, stamp: EventStamp) -> Result<bool, StoreError> {
        let sql = EntitySql::of(&TASK);
        transaction!(self, |tx| { delete(&tx, &sql, id, &stamp).await })
    }

    async fn get_task(&self, id: i64) -> Result<Option<Record>, StoreError> {
        let sql = EntitySql::of(&TASK);
        read!(self, |conn| {
            get_in_tx(&conn, &sql, id, false, false).await
        })
    }

    async fn list_tasks(&self, query: &ListQuery) -> Result<ListPage, StoreError> {
        crate::list::list(self, &TASK, query).await
    }

    async fn task_history(&self, task_id: i64) -> Result<Vec<TaskHistoryEntry>, StoreError> {
        read!(self, |conn| { history(&conn, task_id).await })
    }

    async fn add_task_comment(
        &self,
        task_id: i64,
        author_id: i64,
        message: String,
        stamp: EventStamp,
    ) -> Result<Option<i64>, StoreError> {
        transaction!(self, |tx| {
            items::add_comment(&tx, task_id, author_id, &message, &stamp).await
        })
    }

    async fn task_comments(&self, task_id: i64) -> Result<Vec<TaskComment>, StoreError> {
        read!(self, |conn| { items::comments(&conn, task_id).await })
    }

    async fn update_task_comment(
        &self,
        task_id: i64,
        id: i64,
        message: String,
    ) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            items::update_comment(&tx, task_id, id, &message).await
        })
    }

    async fn delete_task_comment(&self, task_id: i64, id: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| { items::delete_comment(&tx, task_id, id).await })
    }

    async fn add_checklist_item(
        &self,
        item: ChecklistItem,
        stamp: EventStamp,
    ) -> Result<Option<i64>, StoreError> {
        transaction!(self, |tx| {
            items::add_checklist_item(&tx, &item, &stamp).await
        })
    }

    async fn checklist_items(&self, task_id: i64) -> Result<Vec<ChecklistItem>, StoreError> {
        read!(self, |conn| {
            items::checklist_items(&conn, task_id).await
        })
    }

    async fn update_checklist_item(&self, item: ChecklistItem) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            items::update_checklist_item(&tx, &item).await
        })
    }

    async fn delete_checklist_item(&self, task_id: i64, id: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            items::delete_checklist_item(&tx, task_id, id).await
        })
    }

    async fn add_elapsed_item(&self, item: ElapsedItem) -> Result<Option<i64>, StoreError> {
        transaction!(self, |tx| { items::add_elapsed_item(&tx, &item).await })
    }

    async fn elapsed_items(&self, task_id: i64) -> Result<Vec<ElapsedItem>, StoreError> {
        read!(self, |conn| { items::elapsed_items(&conn, task_id).await })
    }

    async fn update_elapsed_item(&self, item: ElapsedItem) -> Result<bool, StoreError> {
        transaction!(self, |tx| { items::update_elapsed_item(&tx, &item).await })
    }

    async fn delete_elapsed_item(&self, task_id: i64, id: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            items::delete_elapsed_item(&tx, task_id, id).await
        })
    }
}
