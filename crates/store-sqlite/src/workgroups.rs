//! [`WorkgroupStore`]: `workgroups` and `workgroup_members` (migration 0017;
//! `scrum_master_id` from 0018).

use async_trait::async_trait;
use portico_store::{GroupMember, StoreError, Workgroup, WorkgroupStore};
use rusqlite::{params, Connection};

use crate::error::map_err;
use crate::SqliteStore;

/// Makes `user_id` the owner (`A`) of group `id`; a former owner stays a moderator.
fn set_owner(conn: &Connection, id: i64, user_id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE workgroup_members SET role = 'E' WHERE group_id = ?1 AND role = 'A' AND user_id != ?2")
        .and_then(|mut s| s.execute(params![id, user_id]))
        .map_err(map_err)?;
    conn.prepare_cached(
        "INSERT INTO workgroup_members (group_id, user_id, role) VALUES (?1, ?2, 'A') \
         ON CONFLICT (group_id, user_id) DO UPDATE SET role = 'A'",
    )
    .and_then(|mut s| s.execute(params![id, user_id]))
    .map_err(map_err)?;
    Ok(())
}

#[async_trait]
impl WorkgroupStore for SqliteStore {
    async fn list_workgroups(&self) -> Result<Vec<Workgroup>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT g.id, g.name, g.description, g.visible, g.opened, g.closed, g.active, \
                     g.project, g.keywords, g.initiate_perms, g.owner_id, g.created_at, g.updated_at, \
                     g.scrum_master_id, (SELECT count(*) FROM workgroup_members m WHERE m.group_id = g.id) \
                     FROM workgroups g ORDER BY g.id",
                )
                .map_err(map_err)?;
            let rows = stmt
                .query_map([], |row| {
                    Ok(Workgroup {
                        id: row.get(0)?,
                        name: row.get(1)?,
                        description: row.get(2)?,
                        visible: row.get(3)?,
                        opened: row.get(4)?,
                        closed: row.get(5)?,
                        active: row.get(6)?,
                        project: row.get(7)?,
                        keywords: row.get(8)?,
                        initiate_perms: row.get(9)?,
                        owner_id: row.get(10)?,
                        created_at: row.get(11)?,
                        updated_at: row.get(12)?,
                        scrum_master_id: row.get(13)?,
                        members: row.get(14)?,
                    })
                })
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn insert_workgroup(&self, g: Workgroup) -> Result<i64, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO workgroups (name, description, visible, opened, closed, active, project, \
                 keywords, initiate_perms, owner_id, created_at, updated_at, scrum_master_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    g.name,
                    g.description,
                    g.visible,
                    g.opened,
                    g.closed,
                    g.active,
                    g.project,
                    g.keywords,
                    g.initiate_perms,
                    g.owner_id,
                    g.created_at,
                    g.scrum_master_id
                ])
            })
            .map_err(map_err)?;
            let id = conn.last_insert_rowid();
            set_owner(conn, id, g.owner_id)?;
            Ok(id)
        })
        .await
    }

    async fn update_workgroup(&self, g: Workgroup) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE workgroups SET name = ?2, description = ?3, visible = ?4, opened = ?5, \
                     closed = ?6, active = ?7, project = ?8, keywords = ?9, initiate_perms = ?10, \
                     owner_id = ?11, updated_at = ?12, scrum_master_id = ?13 WHERE id = ?1",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        g.id,
                        g.name,
                        g.description,
                        g.visible,
                        g.opened,
                        g.closed,
                        g.active,
                        g.project,
                        g.keywords,
                        g.initiate_perms,
                        g.owner_id,
                        g.updated_at,
                        g.scrum_master_id
                    ])
                })
                .map_err(map_err)?;
            if n == 0 {
                return Ok(false);
            }
            set_owner(conn, g.id, g.owner_id)?;
            Ok(true)
        })
        .await
    }

    async fn delete_workgroup(&self, id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached("DELETE FROM workgroups WHERE id = ?1")
                .and_then(|mut s| s.execute([id]))
                .map(|n| n > 0)
                .map_err(map_err)
        })
        .await
    }

    async fn group_members(&self, id: i64) -> Result<Vec<GroupMember>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT user_id, role FROM workgroup_members WHERE group_id = ?1 ORDER BY user_id",
                )
                .map_err(map_err)?;
            let rows = stmt
                .query_map([id], |row| {
                    Ok(GroupMember {
                        user_id: row.get(0)?,
                        role: row.get(1)?,
                    })
                })
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn add_group_members(&self, id: i64, users: &[i64]) -> Result<Vec<i64>, StoreError> {
        let users = users.to_vec();
        self.write(move |conn| {
            let mut added = Vec::new();
            let mut insert = conn
                .prepare_cached(
                    "INSERT INTO workgroup_members (group_id, user_id, role) VALUES (?1, ?2, 'K') \
                     ON CONFLICT (group_id, user_id) DO NOTHING",
                )
                .map_err(map_err)?;
            for user in users {
                if insert.execute(params![id, user]).map_err(map_err)? > 0 {
                    added.push(user);
                }
            }
            Ok(added)
        })
        .await
    }

    async fn groups_of_user(&self, user_id: i64) -> Result<Vec<i64>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT group_id FROM workgroup_members WHERE user_id = ?1 ORDER BY group_id",
                )
                .map_err(map_err)?;
            let rows = stmt
                .query_map([user_id], |row| row.get(0))
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }
}
