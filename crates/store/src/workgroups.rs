//! Workgroups and projects (`sonet_group.*`): a named group with an owner
//! and members (role `A` owner, `E` moderator, `K` member). Tasks of a group
//! are seen by its members.

use async_trait::async_trait;

use crate::error::StoreError;

/// A workgroup.
#[derive(Clone, Debug, PartialEq)]
pub struct Workgroup {
    /// Group id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description (empty when none).
    pub description: String,
    /// `VISIBLE`: listed to everyone, not only to members.
    pub visible: bool,
    /// `OPENED`: anyone may join.
    pub opened: bool,
    /// `CLOSED`: archived.
    pub closed: bool,
    /// `ACTIVE`.
    pub active: bool,
    /// `PROJECT`: a project (a group with dates).
    pub project: bool,
    /// Comma-separated keywords.
    pub keywords: String,
    /// `INITIATE_PERMS`: who may invite (`A`, `E` or `K`).
    pub initiate_perms: String,
    /// The owner's user id.
    pub owner_id: i64,
    /// Creation instant, Unix seconds.
    pub created_at: i64,
    /// Last change, Unix seconds.
    pub updated_at: i64,
    /// How many members it has.
    pub members: i64,
    /// `SCRUM_MASTER_ID`: set, the group is a scrum.
    pub scrum_master_id: Option<i64>,
}

/// A member of a workgroup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupMember {
    /// The user.
    pub user_id: i64,
    /// `A` owner, `E` moderator, `K` member.
    pub role: String,
}

/// Workgroup storage.
#[async_trait]
pub trait WorkgroupStore: Send + Sync {
    /// Every workgroup, by id.
    async fn list_workgroups(&self) -> Result<Vec<Workgroup>, StoreError>;
    /// Creates a workgroup (its `id`, `members` and `updated_at` are set
    /// here) with its owner as member `A`, and returns its id.
    async fn insert_workgroup(&self, group: Workgroup) -> Result<i64, StoreError>;
    /// Replaces a workgroup's fields (the owner moves to role `A`); `false`
    /// when there is none with this id.
    async fn update_workgroup(&self, group: Workgroup) -> Result<bool, StoreError>;
    /// Deletes a workgroup with its memberships; `false` when there is none.
    async fn delete_workgroup(&self, id: i64) -> Result<bool, StoreError>;
    /// The members of a workgroup, by user id.
    async fn group_members(&self, id: i64) -> Result<Vec<GroupMember>, StoreError>;
    /// Adds users to a workgroup as members (`K`); those already in it keep
    /// their role. Returns the users added.
    async fn add_group_members(&self, id: i64, users: &[i64]) -> Result<Vec<i64>, StoreError>;
    /// The workgroups `user_id` belongs to.
    async fn groups_of_user(&self, user_id: i64) -> Result<Vec<i64>, StoreError>;
}
