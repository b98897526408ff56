//! The live rows of feed writes on PostgreSQL: the users who can see a post
//! (its author, the users it names, the members of the workgroups and the
//! users of the departments, and sub-departments, it names), looked up in the
//! write's transaction.

use deadpool_postgres::{GenericClient, Transaction};
use portico_store::feed::{audience_users, live_push, AudienceParts};
use portico_store::Recipient;

use crate::DbResult;

/// The members of the workgroups `$1`.
const GROUP_MEMBERS: &str = "SELECT user_id FROM workgroup_members WHERE group_id = ANY($1)";

/// The users of the departments `$1` and of every department below them.
const DEPARTMENT_USERS: &str = "WITH RECURSIVE reached(id) AS (\
         SELECT unnest($1::bigint[]) \
         UNION SELECT d.id FROM departments d JOIN reached r ON d.parent_id = r.id) \
     SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM reached r \
         WHERE strpos(coalesce(u.uf_department, ''), ',' || r.id || ',') > 0)";

/// The user ids `sql` selects for the ids `ids`.
async fn users_of(tx: &Transaction<'_>, sql: &str, ids: &[i64]) -> DbResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let statement = tx.prepare_cached(sql).await?;
    let ids = ids.to_vec();
    tx.query(&statement, &[&ids])
        .await?
        .iter()
        .map(|row| Ok(row.try_get(0)?))
        .collect()
}

/// The users who can see a post as each `(author, recipients)` of `posts`
/// addresses it (an update names the post before and after); `None` for a
/// post to `UA`, whose live row would have to name every user of the portal
/// (such posts show on the page's next load instead).
pub(super) async fn audience(
    tx: &Transaction<'_>,
    posts: &[(i64, &[Recipient])],
) -> DbResult<Option<Vec<i64>>> {
    let mut users = Vec::new();
    for (author, recipients) in posts {
        let parts = AudienceParts::of(*author, recipients);
        if parts.everyone {
            return Ok(None);
        }
        users.extend(parts.users);
        users.extend(users_of(tx, GROUP_MEMBERS, &parts.groups).await?);
        users.extend(users_of(tx, DEPARTMENT_USERS, &parts.departments).await?);
    }
    Ok(Some(audience_users(users)))
}

/// Adds the live row of `action` on post `post_id` for `audience` (from
/// [`audience`]; nothing for `None`), as the transaction's last statement.
pub(super) async fn push(
    tx: &Transaction<'_>,
    audience: Option<Vec<i64>>,
    action: &str,
    post_id: i64,
    at: i64,
) -> DbResult<()> {
    if let Some(users) = audience {
        crate::live::push(tx, &live_push(action, post_id, users), at).await?;
    }
    Ok(())
}
