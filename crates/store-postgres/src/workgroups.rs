//! [`WorkgroupStore`] on PostgreSQL: `workgroups` and `workgroup_members`
//! (the owner is member `A`; a former owner stays a moderator `E`; members
//! added later are `K`). Flags are stored as 0/1 `BIGINT`s, as on SQLite.

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::{GroupMember, StoreError, Workgroup, WorkgroupStore};
use tokio_postgres::Row;

use crate::{read, transaction, DbResult, PgStore};

/// Every workgroup with its member count, by id (read by [`workgroup_from_row`]).
const LIST: &str = "SELECT g.id, g.name, g.description, g.visible, g.opened, g.closed, \
     g.active, g.project, g.keywords, g.initiate_perms, g.owner_id, g.created_at, \
     g.updated_at, g.scrum_master_id, \
     (SELECT count(*) FROM workgroup_members m WHERE m.group_id = g.id) \
     FROM workgroups g ORDER BY g.id";

/// Inserts a workgroup; `updated_at` starts as `created_at` (`$11`).
const INSERT: &str = "INSERT INTO workgroups (name, description, visible, opened, closed, \
     active, project, keywords, initiate_perms, owner_id, created_at, updated_at, \
     scrum_master_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) \
     RETURNING id";

/// Replaces the fields of workgroup `$1`.
const UPDATE: &str = "UPDATE workgroups SET name = $2, description = $3, visible = $4, \
     opened = $5, closed = $6, active = $7, project = $8, keywords = $9, initiate_perms = $10, \
     owner_id = $11, updated_at = $12, scrum_master_id = $13 WHERE id = $1";

/// Demotes the owners of group `$1` other than user `$2` to moderators.
const DEMOTE_OTHER_OWNERS: &str = "UPDATE workgroup_members SET role = 'E' \
     WHERE group_id = $1 AND role = 'A' AND user_id != $2";

/// Makes user `$2` the owner of group `$1`, a member or not.
const PUT_OWNER: &str = "INSERT INTO workgroup_members (group_id, user_id, role) \
     VALUES ($1, $2, 'A') ON CONFLICT (group_id, user_id) DO UPDATE SET role = 'A'";

/// Adds user `$2` to group `$1` as a member unless already in it.
const ADD_MEMBER: &str = "INSERT INTO workgroup_members (group_id, user_id, role) \
     VALUES ($1, $2, 'K') ON CONFLICT (group_id, user_id) DO NOTHING";

/// A stored 0/1 flag from a `bool`.
fn flag(value: bool) -> i64 {
    i64::from(value)
}

/// A [`Workgroup`] from a row of [`LIST`].
fn workgroup_from_row(row: &Row) -> DbResult<Workgroup> {
    let set = |i: usize| -> DbResult<bool> { Ok(row.try_get::<_, i64>(i)? != 0) };
    Ok(Workgroup {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        description: row.try_get(2)?,
        visible: set(3)?,
        opened: set(4)?,
        closed: set(5)?,
        active: set(6)?,
        project: set(7)?,
        keywords: row.try_get(8)?,
        initiate_perms: row.try_get(9)?,
        owner_id: row.try_get(10)?,
        created_at: row.try_get(11)?,
        updated_at: row.try_get(12)?,
        scrum_master_id: row.try_get(13)?,
        members: row.try_get(14)?,
    })
}

/// Makes `user_id` the owner (`A`) of group `id`; a former owner stays a
/// moderator.
async fn set_owner(tx: &Transaction<'_>, id: i64, user_id: i64) -> DbResult<()> {
    let demote = tx.prepare_cached(DEMOTE_OTHER_OWNERS).await?;
    tx.execute(&demote, &[&id, &user_id]).await?;
    let put = tx.prepare_cached(PUT_OWNER).await?;
    tx.execute(&put, &[&id, &user_id]).await?;
    Ok(())
}

#[async_trait]
impl WorkgroupStore for PgStore {
    async fn list_workgroups(&self) -> Result<Vec<Workgroup>, StoreError> {
        read!(self, |conn| {
            let statement = conn.prepare_cached(LIST).await?;
            conn.query(&statement, &[])
                .await?
                .iter()
                .map(workgroup_from_row)
                .collect()
        })
    }

    async fn insert_workgroup(&self, g: Workgroup) -> Result<i64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(INSERT).await?;
            let row = tx
                .query_one(
                    &statement,
                    &[
                        &g.name,
                        &g.description,
                        &flag(g.visible),
                        &flag(g.opened),
                        &flag(g.closed),
                        &flag(g.active),
                        &flag(g.project),
                        &g.keywords,
                        &g.initiate_perms,
                        &g.owner_id,
                        &g.created_at,
                        &g.scrum_master_id,
                    ],
                )
                .await?;
            let id: i64 = row.try_get(0)?;
            set_owner(&tx, id, g.owner_id).await?;
            Ok(id)
        })
    }

    async fn update_workgroup(&self, g: Workgroup) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(UPDATE).await?;
            let updated = tx
                .execute(
                    &statement,
                    &[
                        &g.id,
                        &g.name,
                        &g.description,
                        &flag(g.visible),
                        &flag(g.opened),
                        &flag(g.closed),
                        &flag(g.active),
                        &flag(g.project),
                        &g.keywords,
                        &g.initiate_perms,
                        &g.owner_id,
                        &g.updated_at,
                        &g.scrum_master_id,
                    ],
                )
                .await?;
            if updated == 0 {
                return Ok(false);
            }
            set_owner(&tx, g.id, g.owner_id).await?;
            Ok(true)
        })
    }

    async fn delete_workgroup(&self, id: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("DELETE FROM workgroups WHERE id = $1")
                .await?;
            Ok(tx.execute(&statement, &[&id]).await? > 0)
        })
    }

    async fn group_members(&self, id: i64) -> Result<Vec<GroupMember>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(
                    "SELECT user_id, role FROM workgroup_members \
                     WHERE group_id = $1 ORDER BY user_id",
                )
                .await?;
            conn.query(&statement, &[&id])
                .await?
                .iter()
                .map(|row| {
                    Ok(GroupMember {
                        user_id: row.try_get(0)?,
                        role: row.try_get(1)?,
                    })
                })
                .collect()
        })
    }

    async fn add_group_members(&self, id: i64, users: &[i64]) -> Result<Vec<i64>, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(ADD_MEMBER).await?;
            let mut added = Vec::new();
            for user in users {
                if tx.execute(&statement, &[&id, user]).await? > 0 {
                    added.push(*user);
                }
            }
            Ok(added)
        })
    }

    async fn groups_of_user(&self, user_id: i64) -> Result<Vec<i64>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(
                    "SELECT group_id FROM workgroup_members WHERE user_id = $1 ORDER BY group_id",
                )
                .await?;
            conn.query(&statement, &[&user_id])
                .await?
                .iter()
                .map(|row| Ok(row.try_get(0)?))
                .collect()
        })
    }
}
