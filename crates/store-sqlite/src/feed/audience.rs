//! The live rows of feed writes: the users who can see a post (its author,
//! the users it names, the members of the workgroups and the users of the
//! departments, and sub-departments, it names), looked up in the write's
//! transaction.

use portico_store::feed::{audience_users, live_push, AudienceParts};
use portico_store::{Recipient, StoreError};
use rusqlite::Connection;

use crate::error::map_err;

/// The members of the workgroups `groups` (a JSON array `?1`).
const GROUP_MEMBERS: &str = "SELECT user_id FROM workgroup_members \
     WHERE group_id IN (SELECT value FROM json_each(?1))";

/// The users of the departments `?1` (a JSON array) and of every department
/// below them.
const DEPARTMENT_USERS: &str = "WITH RECURSIVE reached(id) AS (\
         SELECT value FROM json_each(?1) \
         UNION SELECT d.id FROM departments d JOIN reached r ON d.parent_id = r.id) \
     SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM reached r \
         WHERE instr(coalesce(u.uf_department, ''), ',' || r.id || ',') > 0)";

/// The user ids `sql` selects for the ids `ids`.
fn users_of(conn: &Connection, sql: &str, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::Value::from(ids.to_vec()).to_string();
    let mut stmt = conn.prepare_cached(sql).map_err(map_err)?;
    let rows = stmt
        .query_map([ids], |row| row.get::<_, i64>(0))
        .map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}

/// Adds the live row of `action` on post `post_id` for everyone who can see
/// the post as each `(author, recipients)` of `posts` addresses it (an update
/// names the post before and after); whether a row was added. A post to
/// `UA` adds none: its row would have to name every user of the portal (the
/// page shows such posts on its next load).
pub(super) fn push_to_audience(
    conn: &Connection,
    posts: &[(i64, &[Recipient])],
    action: &str,
    post_id: i64,
    at: i64,
) -> Result<bool, StoreError> {
    let mut users = Vec::new();
    for (author, recipients) in posts {
        let parts = AudienceParts::of(*author, recipients);
        if parts.everyone {
            return Ok(false);
        }
        users.extend(parts.users);
        users.extend(users_of(conn, GROUP_MEMBERS, &parts.groups)?);
        users.extend(users_of(conn, DEPARTMENT_USERS, &parts.departments)?);
    }
    let push = live_push(action, post_id, audience_users(users));
    crate::live::push(conn, &push, at)?;
    Ok(true)
}
