//! Notifications (`im.notify.*`): a text (with BB-code, an optional
//! attachment and a text for e-mail) for one recipient, from a user or from
//! the system, read or not. A notification sent by an application or a
//! webhook belongs to it (its *owner*) and may carry a `TAG` and a `SUB_TAG`,
//! stored namespaced (`MP|{owner key}|{tag}`): a new notification with a tag
//! removes the older ones of the same owner with that tag, whoever received
//! them, and the owner may delete by tag or sub-tag. Every change tells the
//! recipients' browsers in the same transaction (a live row of kind
//! [`LIVE_KIND`], see [`live_push`]) with their new unread count.

use async_trait::async_trait;
use serde_json::{json, Value};

use crate::error::StoreError;
use crate::live::LivePush;

/// The kind of the live rows notifications write.
pub const LIVE_KIND: &str = "notify";

/// Who a notification is from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotifyKind {
    /// From the system (no author shown).
    System,
    /// From a user (the author).
    Personal,
}

impl NotifyKind {
    /// The stored form (`system`, `personal`).
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyKind::System => "system",
            NotifyKind::Personal => "personal",
        }
    }

    /// The kind of a stored form (anything unknown is a system notification).
    pub fn from_stored(text: &str) -> NotifyKind {
        if text == "personal" {
            NotifyKind::Personal
        } else {
            NotifyKind::System
        }
    }
}

/// A notification to add.
#[derive(Clone, Debug, PartialEq)]
pub struct NewNotification {
    /// The recipient.
    pub user_id: i64,
    /// The author's user id; 0 for the system.
    pub author_id: i64,
    /// System or personal.
    pub kind: NotifyKind,
    /// The text, with BB-code.
    pub text: String,
    /// `MESSAGE_OUT`: the text for e-mail (empty when none).
    pub text_out: String,
    /// The normalized `ATTACH`, when any.
    pub attach: Option<Value>,
    /// The application or webhook that sent it (`app:3`, `webhook:7:crm`);
    /// empty when none.
    pub owner: String,
    /// The namespaced `TAG` (empty when none).
    pub tag: String,
    /// The namespaced `SUB_TAG` (empty when none).
    pub sub_tag: String,
    /// When, Unix seconds.
    pub created_at: i64,
}

/// A stored notification.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    /// Its id.
    pub id: i64,
    /// The recipient.
    pub user_id: i64,
    /// The author's user id; 0 for the system.
    pub author_id: i64,
    /// System or personal.
    pub kind: NotifyKind,
    /// The text, with BB-code.
    pub text: String,
    /// The text for e-mail (empty when none).
    pub text_out: String,
    /// The attachment, when any.
    pub attach: Option<Value>,
    /// The owner (see [`NewNotification::owner`]).
    pub owner: String,
    /// The namespaced `TAG` (empty when none).
    pub tag: String,
    /// The namespaced `SUB_TAG` (empty when none).
    pub sub_tag: String,
    /// Whether the recipient has read it.
    pub read: bool,
    /// When, Unix seconds.
    pub created_at: i64,
}

/// A recipient's number of notifications.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NotificationCounts {
    /// All of them.
    pub total: i64,
    /// Those not read.
    pub unread: i64,
}

/// Which of a recipient's notifications to mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadScope {
    /// This one.
    One(i64),
    /// This one and every later one (ids greater or equal).
    From(i64),
    /// These.
    Ids(Vec<i64>),
    /// All of them.
    All,
}

/// Which tag a deletion by tag compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagField {
    /// `TAG`.
    Tag,
    /// `SUB_TAG`.
    SubTag,
}

/// What changed, as the live row says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotifyAction {
    /// A notification arrived.
    Add,
    /// Notifications were deleted.
    Delete,
    /// Notifications were marked read.
    Read,
    /// Notifications were marked unread.
    Unread,
}

impl NotifyAction {
    fn as_str(self) -> &'static str {
        match self {
            NotifyAction::Add => "add",
            NotifyAction::Delete => "delete",
            NotifyAction::Read => "read",
            NotifyAction::Unread => "unread",
        }
    }
}

/// The live row telling `user_id`'s browsers of a change: `{"action", "id"
/// (the notification, or the latest of those changed), "count" (how many
/// changed), "unread" (the new unread count)}`.
pub fn live_push(user_id: i64, action: NotifyAction, id: i64, count: u64, unread: i64) -> LivePush {
    LivePush {
        kind: LIVE_KIND.to_owned(),
        user_ids: vec![user_id],
        data: json!({
            "action": action.as_str(),
            "id": id,
            "count": count,
            "unread": unread,
        }),
    }
}

/// Rows changed, as (recipient, notification id), grouped by recipient:
/// (recipient, greatest id, how many), by recipient — what each recipient's
/// live row tells.
pub fn by_recipient(rows: &[(i64, i64)]) -> Vec<(i64, i64, u64)> {
    let mut grouped: std::collections::BTreeMap<i64, (i64, u64)> = Default::default();
    for (user_id, id) in rows {
        let entry = grouped.entry(*user_id).or_insert((*id, 0));
        entry.0 = entry.0.max(*id);
        entry.1 += 1;
    }
    grouped
        .into_iter()
        .map(|(user_id, (id, count))| (user_id, id, count))
        .collect()
}

/// Notification storage.
#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// Adds a notification and returns its id. With a tag, first removes the
    /// owner's older notifications with the same tag (of any recipient);
    /// each recipient concerned gets a live row.
    async fn add_notification(&self, new: NewNotification) -> Result<i64, StoreError>;

    /// The notification with this id.
    async fn notification(&self, id: i64) -> Result<Option<Notification>, StoreError>;

    /// Up to `limit` of `user_id`'s notifications, newest first (date, then
    /// id, descending); with `after`, those that come after notification
    /// `after` in that order (none when it is not theirs).
    async fn list_notifications(
        &self,
        user_id: i64,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Notification>, StoreError>;

    /// How many notifications `user_id` has, and how many unread.
    async fn count_notifications(&self, user_id: i64) -> Result<NotificationCounts, StoreError>;

    /// Deletes `user_id`'s notification `id`; `false` when they have none
    /// with that id. The live row is written at `at`.
    async fn delete_notification(&self, user_id: i64, id: i64, at: i64)
        -> Result<bool, StoreError>;

    /// Deletes `owner`'s notifications whose `field` equals `value` (of any
    /// recipient); how many.
    async fn delete_tagged_notifications(
        &self,
        owner: &str,
        field: TagField,
        value: &str,
        at: i64,
    ) -> Result<u64, StoreError>;

    /// Marks `user_id`'s notifications of `scope` read (or unread); how many
    /// changed. A live row is written when any did.
    async fn mark_notifications(
        &self,
        user_id: i64,
        scope: ReadScope,
        read: bool,
        at: i64,
    ) -> Result<u64, StoreError>;
}
