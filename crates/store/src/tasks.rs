//! Tasks (`tasks.task.*`, `task.*`): the task catalogue (table `tasks`), the
//! records kept beside a task (comments, checklist items, time records, change
//! history) and the [`TaskStore`] trait a backend implements.
//!
//! A task is a [`Record`] of [`TASK`], so lists reuse the shared list-query
//! builder. The people around a task (`ACCOMPLICES`, `AUDITORS`), its `TAGS`
//! and its CRM links (`UF_CRM_TASK`) are stored as one text column each in
//! the form `,a,b,` (see [`encode_list`]), so one `LIKE '%,7,%'` finds the
//! tasks a user takes part in and a visibility check needs no join.
//!
//! Every write records its change history (`NEW`, then one entry per changed
//! field, `COMMENT` for a comment) and the task event it raises
//! (`ONTASKADD`, `ONTASKUPDATE`, `ONTASKDELETE`, `ONTASKCOMMENTADD`) in the
//! write's own transaction.

use async_trait::async_trait;

use crate::entity::{EntityDef, FieldDef as F, FieldKind as K};
use crate::error::StoreError;
use crate::events::EventStamp;
use crate::list::{ListPage, ListQuery};
use crate::records::{FieldValue, Record};

/// The events task writes raise, as an outbound webhook subscribes to them.
pub const TASK_EVENTS: [&str; 4] = [
    "ONTASKADD",
    "ONTASKUPDATE",
    "ONTASKDELETE",
    "ONTASKCOMMENTADD",
];

/// Tasks.
pub static TASK: EntityDef = EntityDef {
    code: "TASK",
    table: "tasks",
    fields: &[
        F::new("ID", "id", K::Integer, "ID").read_only(),
        F::new("PARENT_ID", "parent_id", K::Integer, "Parent task"),
        F::new("TITLE", "title", K::String, "Name").required(),
        F::new("DESCRIPTION", "description", K::String, "Description"),
        F::new(
            "DESCRIPTION_IN_BBCODE",
            "description_in_bbcode",
            K::Char,
            "Description in BBCode",
        ),
        F::new("MARK", "mark", K::String, "Mark"),
        F::new("PRIORITY", "priority", K::Integer, "Priority"),
        F::new("STATUS", "status", K::Integer, "Status"),
        F::new(
            "MULTITASK",
            "multitask",
            K::Char,
            "Multiple responsible persons",
        ),
        F::new("REPLICATE", "replicate", K::Char, "Recurring task"),
        F::new("GROUP_ID", "group_id", K::Integer, "Project"),
        F::new("STAGE_ID", "stage_id", K::Integer, "Stage"),
        F::new("CREATED_BY", "created_by", K::User, "Created by"),
        F::new("CREATED_DATE", "created_date", K::DateTime, "Created on").read_only(),
        F::new(
            "RESPONSIBLE_ID",
            "responsible_id",
            K::User,
            "Responsible person",
        )
        .required(),
        F::new("ACCOMPLICES", "accomplices", K::String, "Participants").multiple(),
        F::new("AUDITORS", "auditors", K::String, "Observers").multiple(),
        F::new("CHANGED_BY", "changed_by", K::User, "Modified by").read_only(),
        F::new("CHANGED_DATE", "changed_date", K::DateTime, "Modified on").read_only(),
        F::new(
            "STATUS_CHANGED_BY",
            "status_changed_by",
            K::User,
            "Status changed by",
        )
        .read_only(),
        F::new(
            "STATUS_CHANGED_DATE",
            "status_changed_date",
            K::DateTime,
            "Status changed on",
        )
        .read_only(),
        F::new("CLOSED_BY", "closed_by", K::User, "Closed by").read_only(),
        F::new("CLOSED_DATE", "closed_date", K::DateTime, "Closed on").read_only(),
        F::new(
            "ACTIVITY_DATE",
            "activity_date",
            K::DateTime,
            "Last activity",
        )
        .read_only(),
        F::new("DATE_START", "date_start", K::DateTime, "Started on").read_only(),
        F::new("DEADLINE", "deadline", K::DateTime, "Deadline"),
        F::new(
            "START_DATE_PLAN",
            "start_date_plan",
            K::DateTime,
            "Planned start",
        ),
        F::new("END_DATE_PLAN", "end_date_plan", K::DateTime, "Planned end"),
        F::new("GUID", "guid", K::String, "GUID").read_only(),
        F::new("XML_ID", "xml_id", K::String, "External ID"),
        F::new("COMMENTS_COUNT", "comments_count", K::Integer, "Comments").read_only(),
        F::new(
            "TASK_CONTROL",
            "task_control",
            K::Char,
            "Approve task upon completion",
        ),
        F::new("ADD_IN_REPORT", "add_in_report", K::Char, "Add to report"),
        F::new(
            "ALLOW_CHANGE_DEADLINE",
            "allow_change_deadline",
            K::Char,
            "Responsible person can change deadline",
        ),
        F::new(
            "ALLOW_TIME_TRACKING",
            "allow_time_tracking",
            K::Char,
            "Track time spent",
        ),
        F::new(
            "MATCH_WORK_TIME",
            "match_work_time",
            K::Char,
            "Skip weekends and holidays",
        ),
        F::new(
            "TIME_ESTIMATE",
            "time_estimate",
            K::Integer,
            "Time estimate",
        ),
        F::new(
            "TIME_SPENT_IN_LOGS",
            "time_spent_in_logs",
            K::Integer,
            "Time spent",
        )
        .read_only(),
        F::new(
            "DURATION_PLAN",
            "duration_plan",
            K::Integer,
            "Planned duration",
        ),
        F::new(
            "DURATION_TYPE",
            "duration_type",
            K::String,
            "Planned duration unit",
        ),
        F::new("SITE_ID", "site_id", K::String, "Site"),
        F::new("TAGS", "tags", K::String, "Tags").multiple(),
        F::new("UF_CRM_TASK", "uf_crm_task", K::String, "CRM items").multiple(),
    ],
};

/// The text column form of a list: `,a,b,` (`None` for an empty list).
pub fn encode_list<S: AsRef<str>>(items: &[S]) -> Option<String> {
    if items.is_empty() {
        return None;
    }
    let mut out = String::from(",");
    for item in items {
        out.push_str(item.as_ref());
        out.push(',');
    }
    Some(out)
}

/// The items of a list column written by [`encode_list`].
pub fn decode_list(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The `LIKE` pattern that finds `item` in a list column.
pub fn list_pattern(item: &str) -> String {
    format!("%,{item},%")
}

/// One entry of a task's change history (`tasks.task.history.list`).
#[derive(Clone, Debug, PartialEq)]
pub struct TaskHistoryEntry {
    /// Entry id.
    pub id: i64,
    /// When (Unix seconds).
    pub created_at: i64,
    /// Who changed it.
    pub user_id: Option<i64>,
    /// The field changed, or `NEW` / `COMMENT` / `CHECKLIST_ITEM_CREATE`, ….
    pub field: String,
    /// Value before, as text.
    pub from: Option<String>,
    /// Value after, as text.
    pub to: Option<String>,
}

/// A comment on a task.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskComment {
    /// Comment id.
    pub id: i64,
    /// Its task.
    pub task_id: i64,
    /// Its author.
    pub author_id: i64,
    /// When it was posted (Unix seconds).
    pub post_date: i64,
    /// Its text (BBCode).
    pub message: String,
}

/// A checklist item of a task.
#[derive(Clone, Debug, PartialEq)]
pub struct ChecklistItem {
    /// Item id.
    pub id: i64,
    /// Its task.
    pub task_id: i64,
    /// The item it belongs to (`0`: a checklist's root).
    pub parent_id: i64,
    /// Who created it.
    pub created_by: i64,
    /// Its text.
    pub title: String,
    /// Position among its siblings.
    pub sort_index: i64,
    /// Done.
    pub is_complete: bool,
    /// Marked important.
    pub is_important: bool,
    /// Who last ticked or unticked it.
    pub toggled_by: Option<i64>,
    /// When (Unix seconds).
    pub toggled_date: Option<i64>,
}

/// A time record of a task (`task.elapseditem.*`).
#[derive(Clone, Debug, PartialEq)]
pub struct ElapsedItem {
    /// Record id.
    pub id: i64,
    /// Its task.
    pub task_id: i64,
    /// Whose time.
    pub user_id: i64,
    /// Its comment.
    pub comment_text: String,
    /// Seconds spent.
    pub seconds: i64,
    /// When it was recorded (Unix seconds).
    pub created_date: i64,
}

/// Storage of tasks and what belongs to them. Writes that change a task (its
/// fields, comments, checklist, time) record history and events in their own
/// transaction; `stamp` says when and by whom.
#[async_trait]
pub trait TaskStore {
    /// Inserts a task from `(position in TASK, value)` pairs; records `NEW` in
    /// its history and raises `ONTASKADD`. Returns its id.
    async fn insert_task(
        &self,
        values: Vec<(usize, FieldValue)>,
        stamp: EventStamp,
    ) -> Result<i64, StoreError>;

    /// Changes task `id`: one history entry per field whose value changes,
    /// `ONTASKUPDATE`. `false` when it does not exist.
    async fn update_task(
        &self,
        id: i64,
        values: Vec<(usize, FieldValue)>,
        stamp: EventStamp,
    ) -> Result<bool, StoreError>;

    /// Deletes task `id` with its comments, checklist, time and history,
    /// detaches its subtasks, raises `ONTASKDELETE`. `false` when missing.
    async fn delete_task(&self, id: i64, stamp: EventStamp) -> Result<bool, StoreError>;

    /// Task `id`.
    async fn get_task(&self, id: i64) -> Result<Option<Record>, StoreError>;

    /// A page of tasks.
    async fn list_tasks(&self, query: &ListQuery) -> Result<ListPage, StoreError>;

    /// The history of task `task_id`, oldest first.
    async fn task_history(&self, task_id: i64) -> Result<Vec<TaskHistoryEntry>, StoreError>;

    /// Adds a comment (counts it on the task, history `COMMENT`,
    /// `ONTASKCOMMENTADD`); `None` when the task does not exist.
    async fn add_task_comment(
        &self,
        task_id: i64,
        author_id: i64,
        message: String,
        stamp: EventStamp,
    ) -> Result<Option<i64>, StoreError>;

    /// The comments of task `task_id`, by id.
    async fn task_comments(&self, task_id: i64) -> Result<Vec<TaskComment>, StoreError>;

    /// Changes the text of comment `id` of task `task_id`; `false` when missing.
    async fn update_task_comment(
        &self,
        task_id: i64,
        id: i64,
        message: String,
    ) -> Result<bool, StoreError>;

    /// Deletes comment `id` of task `task_id`; `false` when missing.
    async fn delete_task_comment(&self, task_id: i64, id: i64) -> Result<bool, StoreError>;

    /// Adds a checklist item (its `id` is ignored); `None` when the task does
    /// not exist.
    async fn add_checklist_item(
        &self,
        item: ChecklistItem,
        stamp: EventStamp,
    ) -> Result<Option<i64>, StoreError>;

    /// The checklist of task `task_id`, by sort index then id.
    async fn checklist_items(&self, task_id: i64) -> Result<Vec<ChecklistItem>, StoreError>;

    /// Replaces item `item.id` of task `item.task_id`; `false` when missing.
    async fn update_checklist_item(&self, item: ChecklistItem) -> Result<bool, StoreError>;

    /// Deletes checklist item `id` of task `task_id` and the items under it.
    async fn delete_checklist_item(&self, task_id: i64, id: i64) -> Result<bool, StoreError>;

    /// Adds a time record (its `id` is ignored) and adds its seconds to the
    /// task's `TIME_SPENT_IN_LOGS`; `None` when the task does not exist.
    async fn add_elapsed_item(&self, item: ElapsedItem) -> Result<Option<i64>, StoreError>;

    /// The time records of task `task_id`, by id.
    async fn elapsed_items(&self, task_id: i64) -> Result<Vec<ElapsedItem>, StoreError>;

    /// Replaces time record `item.id` of task `item.task_id` (the task's total
    /// follows); `false` when missing.
    async fn update_elapsed_item(&self, item: ElapsedItem) -> Result<bool, StoreError>;

    /// Deletes time record `id` of task `task_id` (the total follows).
    async fn delete_elapsed_item(&self, task_id: i64, id: i64) -> Result<bool, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_round_trip_through_their_column_form() {
        assert_eq!(encode_list::<&str>(&[]), None);
        let text = encode_list(&["3", "L_4"]).unwrap();
        assert_eq!(text, ",3,L_4,");
        assert_eq!(decode_list(&text), vec!["3", "L_4"]);
        assert_eq!(list_pattern("3"), "%,3,%");
    }
}
