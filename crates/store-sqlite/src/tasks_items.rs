//! What belongs to a task besides its fields: comments (with the task's
//! comment count, a `COMMENT` history entry and `ONTASKCOMMENTADD`),
//! checklist items (deleting one deletes the items under it) and time records
//! (the task's `time_spent_in_logs` is kept equal to their sum).

use portico_store::{ChecklistItem, ElapsedItem, EventStamp, StoreError, TaskComment};
use rusqlite::{params, Connection};
use serde_json::json;

use crate::error::map_err;
use crate::tasks::{add_history, task_event, task_exists};

/// Keeps a task's comment count equal to its comments.
const RECOUNT_COMMENTS: &str = "UPDATE tasks SET comments_count = \
     (SELECT COUNT(*) FROM task_comments WHERE task_id = ?1) WHERE id = ?1";

/// Keeps a task's time spent equal to the sum of its time records.
const RESUM_ELAPSED: &str = "UPDATE tasks SET time_spent_in_logs = \
     (SELECT COALESCE(SUM(seconds), 0) FROM task_elapsed_items WHERE task_id = ?1) WHERE id = ?1";

fn run(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<usize, StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute(params))
        .map_err(map_err)
}

pub(crate) fn add_comment(
    conn: &Connection,
    task_id: i64,
    author_id: i64,
    message: &str,
    stamp: &EventStamp,
) -> Result<Option<i64>, StoreError> {
    if !task_exists(conn, task_id)? {
        return Ok(None);
    }
    run(
        conn,
        "INSERT INTO task_comments (task_id, author_id, post_date, message) VALUES (?1, ?2, ?3, ?4)",
        params![task_id, author_id, stamp.at, message],
    )?;
    let id = conn.last_insert_rowid();
    run(conn, RECOUNT_COMMENTS, [task_id])?;
    add_history(conn, task_id, stamp, "COMMENT", None, Some(id.to_string()))?;
    task_event(
        conn,
        "ONTASKCOMMENTADD",
        id,
        serde_json::Value::String("undefined".into()),
        json!({ "ID": id, "TASK_ID": task_id }),
        ("undefined", "undefined"),
        stamp,
    )?;
    Ok(Some(id))
}

pub(crate) fn comments(conn: &Connection, task_id: i64) -> Result<Vec<TaskComment>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, task_id, author_id, post_date, message FROM task_comments \
             WHERE task_id = ?1 ORDER BY id",
        )
        .map_err(map_err)?;
    let rows = stmt
        .query_map([task_id], |r| {
            Ok(TaskComment {
                id: r.get(0)?,
                task_id: r.get(1)?,
                author_id: r.get(2)?,
                post_date: r.get(3)?,
                message: r.get(4)?,
            })
        })
        .map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}

pub(crate) fn update_comment(
    conn: &Connection,
    task_id: i64,
    id: i64,
    message: &str,
) -> Result<bool, StoreError> {
    let n = run(
        conn,
        "UPDATE task_comments SET message = ?1 WHERE id = ?2 AND task_id = ?3",
        params![message, id, task_id],
    )?;
    Ok(n > 0)
}

pub(crate) fn delete_comment(conn: &Connection, task_id: i64, id: i64) -> Result<bool, StoreError> {
    let n = run(
        conn,
        "DELETE FROM task_comments WHERE id = ?1 AND task_id = ?2",
        params![id, task_id],
    )?;
    run(conn, RECOUNT_COMMENTS, [task_id])?;
    Ok(n > 0)
}

pub(crate) fn add_checklist_item(
    conn: &Connection,
    item: &ChecklistItem,
    stamp: &EventStamp,
) -> Result<Option<i64>, StoreError> {
    if !task_exists(conn, item.task_id)? {
        return Ok(None);
    }
    run(
        conn,
        "INSERT INTO task_checklist_items (task_id, parent_id, created_by, title, sort_index, \
         is_complete, is_important, toggled_by, toggled_date) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            item.task_id,
            item.parent_id,
            item.created_by,
            item.title,
            item.sort_index,
            item.is_complete,
            item.is_important,
            item.toggled_by,
            item.toggled_date
        ],
    )?;
    let id = conn.last_insert_rowid();
    add_history(
        conn,
        item.task_id,
        stamp,
        "CHECKLIST_ITEM_CREATE",
        None,
        Some(item.title.clone()),
    )?;
    Ok(Some(id))
}

fn checklist_item(r: &rusqlite::Row<'_>) -> rusqlite::Result<ChecklistItem> {
    Ok(ChecklistItem {
        id: r.get(0)?,
        task_id: r.get(1)?,
        parent_id: r.get(2)?,
        created_by: r.get(3)?,
        title: r.get(4)?,
        sort_index: r.get(5)?,
        is_complete: r.get(6)?,
        is_important: r.get(7)?,
        toggled_by: r.get(8)?,
        toggled_date: r.get(9)?,
    })
}

pub(crate) fn checklist_items(
    conn: &Connection,
    task_id: i64,
) -> Result<Vec<ChecklistItem>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, task_id, parent_id, created_by, title, sort_index, is_complete, \
             is_important, toggled_by, toggled_date FROM task_checklist_items \
             WHERE task_id = ?1 ORDER BY sort_index, id",
        )
        .map_err(map_err)?;
    let rows = stmt.query_map([task_id], checklist_item).map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}

pub(crate) fn update_checklist_item(
    conn: &Connection,
    item: &ChecklistItem,
) -> Result<bool, StoreError> {
    let n = run(
        conn,
        "UPDATE task_checklist_items SET parent_id = ?1, title = ?2, sort_index = ?3, \
         is_complete = ?4, is_important = ?5, toggled_by = ?6, toggled_date = ?7 \
         WHERE id = ?8 AND task_id = ?9",
        params![
            item.parent_id,
            item.title,
            item.sort_index,
            item.is_complete,
            item.is_important,
            item.toggled_by,
            item.toggled_date,
            item.id,
            item.task_id
        ],
    )?;
    Ok(n > 0)
}

pub(crate) fn delete_checklist_item(
    conn: &Connection,
    task_id: i64,
    id: i64,
) -> Result<bool, StoreError> {
    let n = run(
        conn,
        "WITH RECURSIVE doomed(id) AS (SELECT ?1 UNION ALL \
         SELECT c.id FROM task_checklist_items c JOIN doomed d ON c.parent_id = d.id \
         WHERE c.task_id = ?2) \
         DELETE FROM task_checklist_items WHERE task_id = ?2 AND id IN (SELECT id FROM doomed)",
        params![id, task_id],
    )?;
    Ok(n > 0)
}

pub(crate) fn add_elapsed_item(
    conn: &Connection,
    item: &ElapsedItem,
) -> Result<Option<i64>, StoreError> {
    if !task_exists(conn, item.task_id)? {
        return Ok(None);
    }
    run(
        conn,
        "INSERT INTO task_elapsed_items (task_id, user_id, comment_text, seconds, created_date) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            item.task_id,
            item.user_id,
            item.comment_text,
            item.seconds,
            item.created_date
        ],
    )?;
    let id = conn.last_insert_rowid();
    run(conn, RESUM_ELAPSED, [item.task_id])?;
    Ok(Some(id))
}

pub(crate) fn elapsed_items(
    conn: &Connection,
    task_id: i64,
) -> Result<Vec<ElapsedItem>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, task_id, user_id, comment_text, seconds, created_date \
             FROM task_elapsed_items WHERE task_id = ?1 ORDER BY id",
        )
        .map_err(map_err)?;
    let rows = stmt
        .query_map([task_id], |r| {
            Ok(ElapsedItem {
                id: r.get(0)?,
                task_id: r.get(1)?,
                user_id: r.get(2)?,
                comment_text: r.get(3)?,
                seconds: r.get(4)?,
                created_date: r.get(5)?,
            })
        })
        .map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}

pub(crate) fn update_elapsed_item(
    conn: &Connection,
    item: &ElapsedItem,
) -> Result<bool, StoreError> {
    let n = run(
        conn,
        "UPDATE task_elapsed_items SET user_id = ?1, comment_text = ?2, seconds = ?3 \
         WHERE id = ?4 AND task_id = ?5",
        params![
            item.user_id,
            item.comment_text,
            item.seconds,
            item.id,
            item.task_id
        ],
    )?;
    run(conn, RESUM_ELAPSED, [item.task_id])?;
    Ok(n > 0)
}

pub(crate) fn delete_elapsed_item(
    conn: &Connection,
    task_id: i64,
    id: i64,
) -> Result<bool, StoreError> {
    let n = run(
        conn,
        "DELETE FROM task_elapsed_items WHERE id = ?1 AND task_id = ?2",
        params![id, task_id],
    )?;
    run(conn, RESUM_ELAPSED, [task_id])?;
    Ok(n > 0)
}
