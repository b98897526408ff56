//! Scrum (`tasks.api.scrum.*`): a workgroup with a scrum master is a scrum.
//! Its backlog (at most one per group) and its sprints are [`ScrumEntity`]
//! rows, its epics [`Epic`] rows, and a [`ScrumItem`] places one task in one
//! backlog or sprint. Only one sprint of a group is active at a time; the
//! store enforces both limits, so several processes sharing one database
//! cannot break them. A group's scrum data is deleted with the group, a
//! task's item with the task.

use async_trait::async_trait;

use crate::error::StoreError;

/// `entityType` of a backlog.
pub const BACKLOG: &str = "backlog";
/// `entityType` of a sprint.
pub const SPRINT: &str = "sprint";
/// Sprint statuses, as the wire names them.
pub const SPRINT_STATUSES: [&str; 3] = ["planned", "active", "completed"];
/// The task status of a completed task (kept in its sprint when it ends).
pub const TASK_COMPLETED: i64 = 5;

/// A backlog or a sprint of a workgroup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScrumEntity {
    /// Entity id (`0` before insert).
    pub id: i64,
    /// The workgroup.
    pub group_id: i64,
    /// [`BACKLOG`] or [`SPRINT`].
    pub entity_type: String,
    /// Name (sprints).
    pub name: String,
    /// Sprint goal.
    pub goal: String,
    /// Sort position.
    pub sort: i64,
    /// Created by (user id).
    pub created_by: i64,
    /// Last changed by (user id).
    pub modified_by: i64,
    /// Sprint start, Unix seconds.
    pub date_start: Option<i64>,
    /// Sprint end, Unix seconds.
    pub date_end: Option<i64>,
    /// One of [`SPRINT_STATUSES`] (`planned` for a backlog).
    pub status: String,
}

/// An epic of a workgroup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Epic {
    /// Epic id (`0` before insert).
    pub id: i64,
    /// The workgroup.
    pub group_id: i64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Colour, e.g. `#69dafc`.
    pub color: String,
    /// Created by (user id).
    pub created_by: i64,
    /// Last changed by (user id).
    pub modified_by: i64,
}

/// The place of one task in a backlog or sprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScrumItem {
    /// The task.
    pub task_id: i64,
    /// The backlog or sprint holding it.
    pub entity_id: i64,
    /// Story points, as text.
    pub story_points: String,
    /// The epic, if any.
    pub epic_id: Option<i64>,
    /// Sort position inside the entity.
    pub sort: i64,
    /// Created by (user id).
    pub created_by: i64,
    /// Last changed by (user id).
    pub modified_by: i64,
}

/// Where a task sits: its entity's id and type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScrumPlacement {
    /// The task.
    pub task_id: i64,
    /// The backlog or sprint.
    pub entity_id: i64,
    /// [`BACKLOG`] or [`SPRINT`].
    pub entity_type: String,
}

/// Why a sprint could not be started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SprintStart {
    /// It is active now.
    Started,
    /// There is no sprint with this id.
    NotFound,
    /// It is not `planned`.
    NotPlanned,
    /// Another sprint of the group is active.
    OtherActive,
}

/// Scrum storage.
#[async_trait]
pub trait ScrumStore: Send + Sync {
    /// Stores a new backlog or sprint and returns its id; `Conflict` when
    /// it would be a second backlog or a second active sprint of its group.
    async fn insert_scrum_entity(&self, entity: ScrumEntity) -> Result<i64, StoreError>;
    /// Replaces an entity's fields; `false` when there is none with its id;
    /// `Conflict` as for [`ScrumStore::insert_scrum_entity`].
    async fn update_scrum_entity(&self, entity: ScrumEntity) -> Result<bool, StoreError>;
    /// Deletes an entity; its items move to `move_items_to` when given, else
    /// they are deleted with it. `false` when there is none.
    async fn delete_scrum_entity(
        &self,
        id: i64,
        move_items_to: Option<i64>,
    ) -> Result<bool, StoreError>;
    /// One entity by id.
    async fn scrum_entity(&self, id: i64) -> Result<Option<ScrumEntity>, StoreError>;
    /// The entities of one group (`None`: of every group), by id.
    async fn scrum_entities(&self, group_id: Option<i64>) -> Result<Vec<ScrumEntity>, StoreError>;
    /// Makes planned sprint `id` active unless another sprint of its group is.
    async fn start_sprint(&self, id: i64, modified_by: i64) -> Result<SprintStart, StoreError>;
    /// Completes the active sprint `id`: it becomes `completed` and the items
    /// of its tasks that are not completed move to the group's backlog
    /// (created by `modified_by` when the group has none). Returns the
    /// sprint afterwards; `None` when `id` is no active sprint.
    async fn complete_sprint(
        &self,
        id: i64,
        modified_by: i64,
    ) -> Result<Option<ScrumEntity>, StoreError>;

    /// Stores a new epic and returns its id.
    async fn insert_epic(&self, epic: Epic) -> Result<i64, StoreError>;
    /// Replaces an epic's fields; `false` when there is none with its id.
    async fn update_epic(&self, epic: Epic) -> Result<bool, StoreError>;
    /// Deletes an epic (its items keep their place, without epic).
    async fn delete_epic(&self, id: i64) -> Result<bool, StoreError>;
    /// One epic by id.
    async fn epic(&self, id: i64) -> Result<Option<Epic>, StoreError>;
    /// Every epic, by id.
    async fn epics(&self) -> Result<Vec<Epic>, StoreError>;

    /// The scrum item of a task.
    async fn scrum_item(&self, task_id: i64) -> Result<Option<ScrumItem>, StoreError>;
    /// Creates or replaces the item of `item.task_id`.
    async fn put_scrum_item(&self, item: ScrumItem) -> Result<(), StoreError>;
    /// The tasks held by entity `entity_id`, by sort then task id.
    async fn scrum_entity_tasks(&self, entity_id: i64) -> Result<Vec<i64>, StoreError>;
    /// Where each of `task_ids` sits (tasks in no entity are left out).
    async fn scrum_placements(&self, task_ids: &[i64]) -> Result<Vec<ScrumPlacement>, StoreError>;
}
