//! What belongs to a task besides its fields: comments (with the task's
//! comment count, a `COMMENT` history entry and `ONTASKCOMMENTADD`),
//! checklist items (deleting one deletes the items under it) and time records
//! (the task's `time_spent_in_logs` is kept equal to their sum). The writes
//! run inside the caller's transaction.

use deadpool_postgres::{GenericClient, Transaction};
use portico_store::{ChecklistItem, ElapsedItem, EventStamp, TaskComment};
use serde_json::{json, Value};
use tokio_postgres::Row;

use super::{add_history, task_event, task_exists, UNDEFINED};
use crate::DbResult;

/// Keeps task `$1`'s comment count equal to its comments.
const RECOUNT_COMMENTS: &str = "UPDATE tasks SET comments_count = \
     (SELECT COUNT(*) FROM task_comments WHERE task_id = $1) WHERE id = $1";

/// Keeps task `$1`'s time spent equal to the sum of its time records.
const RESUM_ELAPSED: &str = "UPDATE tasks SET time_spent_in_logs = \
     (SELECT COALESCE(SUM(seconds), 0)::bigint FROM task_elapsed_items WHERE task_id = $1) \
     WHERE id = $1";

/// Inserts a comment.
const COMMENT_INSERT: &str = "INSERT INTO task_comments (task_id, author_id, post_date, message) \
     VALUES ($1, $2, $3, $4) RETURNING id";

/// The comments of task `$1`, oldest first.
const COMMENTS_OF: &str = "SELECT id, task_id, author_id, post_date, message \
     FROM task_comments WHERE task_id = $1 ORDER BY id";

/// Inserts a checklist item.
const CHECKLIST_INSERT: &str = "INSERT INTO task_checklist_items (task_id, parent_id, \
     created_by, title, sort_index, is_complete, is_important, toggled_by, toggled_date) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

/// The checklist items of task `$1` (read by [`checklist_item_from_row`]).
const CHECKLIST_OF: &str = "SELECT id, task_id, parent_id, created_by, title, sort_index, \
     is_complete, is_important, toggled_by, toggled_date FROM task_checklist_items \
     WHERE task_id = $1 ORDER BY sort_index, id";

/// Replaces the fields of checklist item `$8` of task `$9`.
const CHECKLIST_UPDATE: &str = "UPDATE task_checklist_items SET parent_id = $1, title = $2, \
     sort_index = $3, is_complete = $4, is_important = $5, toggled_by = $6, toggled_date = $7 \
     WHERE id = $8 AND task_id = $9";

/// Deletes checklist item `$1` of task `$2` and every item under it.
const CHECKLIST_DELETE: &str = "WITH RECURSIVE doomed(id) AS (SELECT $1::bigint UNION ALL \
     SELECT c.id FROM task_checklist_items c JOIN doomed d ON c.parent_id = d.id \
     WHERE c.task_id = $2) \
     DELETE FROM task_checklist_items WHERE task_id = $2 AND id IN (SELECT id FROM doomed)";

/// Inserts a time record.
const ELAPSED_INSERT: &str = "INSERT INTO task_elapsed_items (task_id, user_id, comment_text, \
     seconds, created_date) VALUES ($1, $2, $3, $4, $5) RETURNING id";

/// The time records of task `$1`, oldest first.
const ELAPSED_OF: &str = "SELECT id, task_id, user_id, comment_text, seconds, created_date \
     FROM task_elapsed_items WHERE task_id = $1 ORDER BY id";

/// Replaces the fields of time record `$4` of task `$5`.
const ELAPSED_UPDATE: &str = "UPDATE task_elapsed_items SET user_id = $1, comment_text = $2, \
     seconds = $3 WHERE id = $4 AND task_id = $5";

/// A stored 0/1 flag from a `bool`.
fn flag(value: bool) -> i64 {
    i64::from(value)
}

/// Runs the fixed statement `sql` with `params` in `tx`; the rows it changed.
async fn run(
    tx: &Transaction<'_>,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> DbResult<u64> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.execute(&statement, params).await?)
}

/// Runs the fixed insert `sql` (ending in `RETURNING id`) in `tx`; the new id.
async fn insert(
    tx: &Transaction<'_>,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> DbResult<i64> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.query_one(&statement, params).await?.try_get(0)?)
}

/// Adds a comment to task `task_id`; `None` when there is no such task.
pub(crate) async fn add_comment(
    tx: &Transaction<'_>,
    task_id: i64,
    author_id: i64,
    message: &str,
    stamp: &EventStamp,
) -> DbResult<Option<i64>> {
    if !task_exists(tx, task_id).await? {
        return Ok(None);
    }
    let id = insert(
        tx,
        COMMENT_INSERT,
        &[&task_id, &author_id, &stamp.at, &message],
    )
    .await?;
    run(tx, RECOUNT_COMMENTS, &[&task_id]).await?;
    add_history(tx, task_id, stamp, "COMMENT", None, Some(id.to_string())).await?;
    task_event(
        tx,
        "ONTASKCOMMENTADD",
        id,
        Value::String(UNDEFINED.into()),
        json!({ "ID": id, "TASK_ID": task_id }),
        (UNDEFINED, UNDEFINED),
        stamp,
    )
    .await?;
    Ok(Some(id))
}

/// The comments of task `task_id`, oldest first.
pub(crate) async fn comments(
    conn: &impl GenericClient,
    task_id: i64,
) -> DbResult<Vec<TaskComment>> {
    let statement = conn.prepare_cached(COMMENTS_OF).await?;
    conn.query(&statement, &[&task_id])
        .await?
        .iter()
        .map(|row| {
            Ok(TaskComment {
                id: row.try_get(0)?,
                task_id: row.try_get(1)?,
                author_id: row.try_get(2)?,
                post_date: row.try_get(3)?,
                message: row.try_get(4)?,
            })
        })
        .collect()
}

/// Replaces the text of comment `id` of task `task_id`; `false` when there is
/// no such comment.
pub(crate) async fn update_comment(
    tx: &Transaction<'_>,
    task_id: i64,
    id: i64,
    message: &str,
) -> DbResult<bool> {
    let updated = run(
        tx,
        "UPDATE task_comments SET message = $1 WHERE id = $2 AND task_id = $3",
        &[&message, &id, &task_id],
    )
    .await?;
    Ok(updated > 0)
}

/// Deletes comment `id` of task `task_id` and recounts the task's comments;
/// `false` when there was no such comment.
pub(crate) async fn delete_comment(tx: &Transaction<'_>, task_id: i64, id: i64) -> DbResult<bool> {
    let deleted = run(
        tx,
        "DELETE FROM task_comments WHERE id = $1 AND task_id = $2",
        &[&id, &task_id],
    )
    .await?;
    run(tx, RECOUNT_COMMENTS, &[&task_id]).await?;
    Ok(deleted > 0)
}

/// Adds a checklist item (with a `CHECKLIST_ITEM_CREATE` history entry);
/// `None` when its task does not exist.
pub(crate) async fn add_checklist_item(
    tx: &Transaction<'_>,
    item: &ChecklistItem,
    stamp: &EventStamp,
) -> DbResult<Option<i64>> {
    if !task_exists(tx, item.task_id).await? {
        return Ok(None);
    }
    let id = insert(
        tx,
        CHECKLIST_INSERT,
        &[
            &item.task_id,
            &item.parent_id,
            &item.created_by,
            &item.title,
            &item.sort_index,
            &flag(item.is_complete),
            &flag(item.is_important),
            &item.toggled_by,
            &item.toggled_date,
        ],
    )
    .await?;
    add_history(
        tx,
        item.task_id,
        stamp,
        "CHECKLIST_ITEM_CREATE",
        None,
        Some(item.title.clone()),
    )
    .await?;
    Ok(Some(id))
}

/// A [`ChecklistItem`] from a row of [`CHECKLIST_OF`].
fn checklist_item_from_row(row: &Row) -> DbResult<ChecklistItem> {
    Ok(ChecklistItem {
        id: row.try_get(0)?,
        task_id: row.try_get(1)?,
        parent_id: row.try_get(2)?,
        created_by: row.try_get(3)?,
        title: row.try_get(4)?,
        sort_index: row.try_get(5)?,
        is_complete: row.try_get::<_, i64>(6)? != 0,
        is_important: row.try_get::<_, i64>(7)? != 0,
        toggled_by: row.try_get(8)?,
        toggled_date: row.try_get(9)?,
    })
}

/// The checklist items of task `task_id`, by sort index then id.
pub(crate) async fn checklist_items(
    conn: &impl GenericClient,
    task_id: i64,
) -> DbResult<Vec<ChecklistItem>> {
    let statement = conn.prepare_cached(CHECKLIST_OF).await?;
    conn.query(&statement, &[&task_id])
        .await?
        .iter()
        .map(checklist_item_from_row)
        .collect()
}

/// Replaces the fields of a checklist item; `false` when there is none with
/// its id on its task.
pub(crate) async fn update_checklist_item(
    tx: &Transaction<'_>,
    item: &ChecklistItem,
) -> DbResult<bool> {
    let updated = run(
        tx,
        CHECKLIST_UPDATE,
        &[
            &item.parent_id,
            &item.title,
            &item.sort_index,
            &flag(item.is_complete),
            &flag(item.is_important),
            &item.toggled_by,
            &item.toggled_date,
            &item.id,
            &item.task_id,
        ],
    )
    .await?;
    Ok(updated > 0)
}

/// Deletes checklist item `id` of task `task_id` with the items under it;
/// `false` when there was none.
pub(crate) async fn delete_checklist_item(
    tx: &Transaction<'_>,
    task_id: i64,
    id: i64,
) -> DbResult<bool> {
    Ok(run(tx, CHECKLIST_DELETE, &[&id, &task_id]).await? > 0)
}

/// Adds a time record and re-sums the task's time; `None` when its task does
/// not exist.
pub(crate) async fn add_elapsed_item(
    tx: &Transaction<'_>,
    item: &ElapsedItem,
) -> DbResult<Option<i64>> {
    if !task_exists(tx, item.task_id).await? {
        return Ok(None);
    }
    let id = insert(
        tx,
        ELAPSED_INSERT,
        &[
            &item.task_id,
            &item.user_id,
            &item.comment_text,
            &item.seconds,
            &item.created_date,
        ],
    )
    .await?;
    run(tx, RESUM_ELAPSED, &[&item.task_id]).await?;
    Ok(Some(id))
}

/// The time records of task `task_id`, oldest first.
pub(crate) async fn elapsed_items(
    conn: &impl GenericClient,
    task_id: i64,
) -> DbResult<Vec<ElapsedItem>> {
    let statement = conn.prepare_cached(ELAPSED_OF).await?;
    conn.query(&statement, &[&task_id])
        .await?
        .iter()
        .map(|row| {
            Ok(ElapsedItem {
                id: row.try_get(0)?,
                task_id: row.try_get(1)?,
                user_id: row.try_get(2)?,
                comment_text: row.try_get(3)?,
                seconds: row.try_get(4)?,
                created_date: row.try_get(5)?,
            })
        })
        .collect()
}

/// Replaces the fields of a time record and re-sums the task's time; `false`
/// when there is none with its id on its task.
pub(crate) async fn update_elapsed_item(
    tx: &Transaction<'_>,
    item: &ElapsedItem,
) -> DbResult<bool> {
    let updated = run(
        tx,
        ELAPSED_UPDATE,
        &[
            &item.user_id,
            &item.comment_text,
            &item.seconds,
            &item.id,
            &item.task_id,
        ],
    )
    .await?;
    run(tx, RESUM_ELAPSED, &[&item.task_id]).await?;
    Ok(updated > 0)
}

/// Deletes time record `id` of task `task_id` and re-sums the task's time;
/// `false` when there was none.
pub(crate) async fn delete_elapsed_item(
    tx: &Transaction<'_>,
    task_id: i64,
    id: i64,
) -> DbResult<bool> {
    let deleted = run(
        tx,
        "DELETE FROM task_elapsed_items WHERE id = $1 AND task_id = $2",
        &[&id, &task_id],
    )
    .await?;
    run(tx, RESUM_ELAPSED, &[&task_id]).await?;
    Ok(deleted > 0)
}
