//! Chats and their messages (`im.message.*`, `im.chat.*`, `im.dialog.*`):
//! private 1:1 dialogs (`P`, one per pair of users, created on first use),
//! closed group chats (`C`) and open ones (`O`), their members and messages,
//! and the [`ChatStore`] trait a backend implements.
//!
//! A member row remembers the last message before the member joined when the
//! history is hidden from them (`HIDE_HISTORY`), and the last message they
//! read; unread counters are the messages after both that others wrote.
//!
//! Every write that members must see — a message added, changed or deleted,
//! members added or removed, a title changed — pushes one live row for all
//! the chat's members (and the removed ones) in its own transaction, built by
//! [`ChatChange::push`]; a read mark pushes one for the reader only.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{json, Map, Value};

use crate::error::StoreError;
use crate::live::LivePush;

/// The live `kind` of a message added, changed or deleted.
pub const LIVE_MESSAGE: &str = "message";
/// The live `kind` of a change to a chat itself (members, title).
pub const LIVE_CHAT: &str = "chat";
/// The live `kind` of a read mark (for the reader's other pages).
pub const LIVE_READ: &str = "chat_read";

/// What sort of chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatKind {
    /// `P`: a 1:1 dialog between two users (or a user's notes to self).
    Private,
    /// `C`: a group chat only its members read.
    Closed,
    /// `O`: a group chat anyone may read and join.
    Open,
}

impl ChatKind {
    /// The stored and wire letter (`P`, `C`, `O`).
    pub fn code(self) -> &'static str {
        match self {
            ChatKind::Private => "P",
            ChatKind::Closed => "C",
            ChatKind::Open => "O",
        }
    }

    /// The kind of a stored letter (anything unknown reads as closed).
    pub fn from_code(code: &str) -> ChatKind {
        match code {
            "P" => ChatKind::Private,
            "O" => ChatKind::Open,
            _ => ChatKind::Closed,
        }
    }
}

/// A chat.
#[derive(Clone, Debug, PartialEq)]
pub struct Chat {
    /// Chat id (`CHAT_ID`; dialog id `chat<id>` for group chats).
    pub id: i64,
    /// Private, closed or open.
    pub kind: ChatKind,
    /// Title (empty for private dialogs).
    pub title: String,
    /// Description.
    pub description: String,
    /// Colour name (`RED`, `GREEN`, …; empty for private dialogs).
    pub color: String,
    /// The owner (the creator unless the owner left).
    pub owner_id: i64,
    /// `ENTITY_TYPE` of the binding (empty when none).
    pub entity_type: String,
    /// `ENTITY_ID` of the binding (empty when none).
    pub entity_id: String,
    /// Creation instant, Unix seconds.
    pub created_at: i64,
    /// How many members it has.
    pub member_count: i64,
    /// How many messages it holds.
    pub message_count: i64,
    /// Its newest message's id (0 when none).
    pub last_message_id: i64,
}

/// What is needed to create a group chat.
#[derive(Clone, Debug, PartialEq)]
pub struct NewChat {
    /// Closed or open (a private dialog is made by [`ChatStore::private_chat`]).
    pub kind: ChatKind,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Colour name.
    pub color: String,
    /// The owner; always a member.
    pub owner_id: i64,
    /// `ENTITY_TYPE` of the binding.
    pub entity_type: String,
    /// `ENTITY_ID` of the binding.
    pub entity_id: String,
    /// The other members (the owner may be among them).
    pub members: Vec<i64>,
    /// Creation instant, Unix seconds.
    pub created_at: i64,
}

/// A member of a chat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatMember {
    /// The user.
    pub user_id: i64,
    /// The member sees only messages after this one (0: the whole history).
    pub joined_message_id: i64,
    /// The last message the member has read (0: none).
    pub last_read_id: i64,
    /// When the member read it, Unix seconds (0: never).
    pub last_read_at: i64,
    /// When the member joined, Unix seconds.
    pub joined_at: i64,
}

/// A message.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// Message id.
    pub id: i64,
    /// Its chat.
    pub chat_id: i64,
    /// The author (0: a system message).
    pub author_id: i64,
    /// BB-code text (empty once deleted).
    pub text: String,
    /// Parameters (`ATTACH`, `KEYBOARD`, `MENU`, `CODE`, …): a JSON object.
    pub params: Value,
    /// The client's id of the message, if it gave one.
    pub uuid: Option<String>,
    /// When it was written, Unix seconds.
    pub created_at: i64,
    /// Changed after it was written.
    pub edited: bool,
    /// Deleted (kept as a stub).
    pub deleted: bool,
}

/// What is needed to write a message.
#[derive(Clone, Debug, PartialEq)]
pub struct NewMessage {
    /// Its chat.
    pub chat_id: i64,
    /// The author (0: a system message).
    pub author_id: i64,
    /// BB-code text.
    pub text: String,
    /// Parameters: a JSON object (`{}` when none).
    pub params: Value,
    /// The client's id of the message.
    pub uuid: Option<String>,
    /// When it is written, Unix seconds.
    pub created_at: i64,
}

/// A change to a message: what is given replaces what is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageChange {
    /// New text.
    pub text: Option<String>,
    /// New parameters (the whole object).
    pub params: Option<Value>,
    /// Whether to mark it as edited.
    pub edited: bool,
    /// When, Unix seconds (for the live row).
    pub at: i64,
}

/// A system message a chat change writes (author 0).
#[derive(Clone, Debug, PartialEq)]
pub struct SystemNotice {
    /// BB-code text.
    pub text: String,
    /// Parameters (`{"CODE": …}`).
    pub params: Value,
}

/// Writes the system message of members added, given the users actually
/// added (none is written when nobody was). It may run more than once.
pub type JoinNotice = Arc<dyn Fn(&[i64]) -> SystemNotice + Send + Sync>;

/// Which messages of a chat to read, newest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageQuery {
    /// Only messages after this id (`FIRST_ID`): the oldest `limit` of them.
    pub after: Option<i64>,
    /// Only messages before this id (`LAST_ID`); ignored with `after`.
    pub before: Option<i64>,
    /// Never messages up to this id (the reader's hidden history).
    pub floor: i64,
    /// At most this many.
    pub limit: usize,
}

/// A chat as one member sees it (recent list, counters, dialog).
#[derive(Clone, Debug, PartialEq)]
pub struct ChatSummary {
    /// The chat.
    pub chat: Chat,
    /// The member's row.
    pub member: ChatMember,
    /// The other user of a private dialog (the member themself for notes).
    pub peer_id: Option<i64>,
    /// The newest message the member may see.
    pub last_message: Option<Message>,
    /// Messages by others after the member's last read one.
    pub unread: i64,
    /// The first of them.
    pub first_unread_id: Option<i64>,
    /// The furthest any other member has read (0: nobody read anything).
    pub others_read_id: i64,
}

/// Chat storage.
#[async_trait]
pub trait ChatStore: Send + Sync {
    /// Creates a group chat with its owner and members; with `notice`, writes
    /// that system message (read by the owner) in the same transaction.
    /// Pushes one live row (`chat`, change `create`) for the members.
    async fn create_chat(
        &self,
        chat: NewChat,
        notice: Option<SystemNotice>,
    ) -> Result<i64, StoreError>;
    /// The private dialog of users `a` and `b` (one per pair), created at
    /// `at` when there is none yet.
    async fn private_chat(&self, a: i64, b: i64, at: i64) -> Result<i64, StoreError>;
    /// The private dialog of `a` and `b`, if it exists.
    async fn find_private_chat(&self, a: i64, b: i64) -> Result<Option<i64>, StoreError>;
    /// The chat with this id.
    async fn chat(&self, id: i64) -> Result<Option<Chat>, StoreError>;
    /// The newest group chat bound to this entity.
    async fn chat_by_entity(
        &self,
        entity_type: &str,
        entity_id: &str,
    ) -> Result<Option<i64>, StoreError>;
    /// The members of a chat, by user id.
    async fn chat_members(&self, chat_id: i64) -> Result<Vec<ChatMember>, StoreError>;
    /// Adds users to a chat (those already in it stay as they are); with
    /// `hide_history` they see only what is written from now on. The system
    /// message `notice` renders for the users added is written (read by
    /// `by`) and one live row (`chat`, change `join`) pushed, unless nobody
    /// was added. The users added.
    async fn add_chat_members(
        &self,
        chat_id: i64,
        users: &[i64],
        hide_history: bool,
        by: i64,
        at: i64,
        notice: JoinNotice,
    ) -> Result<Vec<i64>, StoreError>;
    /// Removes a member, writes `notice` (read by `by`) and pushes one live
    /// row (`chat`, change `leave`) for the members and the one removed. An
    /// owner who leaves passes the chat to the member who joined first.
    /// `false` when the user was not a member.
    async fn remove_chat_member(
        &self,
        chat_id: i64,
        user_id: i64,
        by: i64,
        at: i64,
        notice: SystemNotice,
    ) -> Result<bool, StoreError>;
    /// Renames a group chat and writes `notice` (read by `by`), pushing one
    /// live row (`chat`, change `title`); `false` when there is no such chat.
    async fn rename_chat(
        &self,
        chat_id: i64,
        title: &str,
        by: i64,
        at: i64,
        notice: SystemNotice,
    ) -> Result<bool, StoreError>;
    /// Writes a message (the author, when a member, has read up to it) and
    /// pushes one live row (`message`, change `add`); its id.
    async fn add_message(&self, message: NewMessage) -> Result<i64, StoreError>;
    /// The message with this id.
    async fn message(&self, id: i64) -> Result<Option<Message>, StoreError>;
    /// Changes a message, pushing one live row (`message`, change `update`);
    /// `false` when there is none (or it is deleted).
    async fn update_message(&self, id: i64, change: MessageChange) -> Result<bool, StoreError>;
    /// Deletes a message (its text and parameters go, a stub stays), pushing
    /// one live row (`message`, change `delete`); `false` when there is none
    /// (or it is deleted already).
    async fn delete_message(&self, id: i64, at: i64) -> Result<bool, StoreError>;
    /// Messages of a chat, newest first (see [`MessageQuery`]).
    async fn chat_messages(
        &self,
        chat_id: i64,
        query: MessageQuery,
    ) -> Result<Vec<Message>, StoreError>;
    /// Marks a chat read by a member up to message `up_to` (`None`: up to the
    /// newest; never backwards), pushing one live row (`chat_read`) for the
    /// reader. The member's last read id after it; `None` when not a member.
    async fn mark_chat_read(
        &self,
        chat_id: i64,
        user_id: i64,
        up_to: Option<i64>,
        at: i64,
    ) -> Result<Option<i64>, StoreError>;
    /// The chats `user_id` is a member of (only the one with id `only` when
    /// given), as that user sees them, by chat id. Private dialogs without
    /// messages are left out of the full list.
    async fn user_chats(
        &self,
        user_id: i64,
        only: Option<i64>,
    ) -> Result<Vec<ChatSummary>, StoreError>;
}

/// The key that makes a private dialog unique per pair of users.
pub fn dialog_key(a: i64, b: i64) -> String {
    format!("{}:{}", a.min(b), a.max(b))
}

/// The dialog id of chat `chat_id` for `user_id`: the other user of a private
/// dialog (the user themself for notes), `chat<id>` otherwise.
pub fn dialog_id_for(kind: ChatKind, chat_id: i64, members: &[i64], user_id: i64) -> String {
    if kind == ChatKind::Private {
        let peer = members
            .iter()
            .copied()
            .find(|m| *m != user_id)
            .unwrap_or(user_id);
        peer.to_string()
    } else {
        format!("chat{chat_id}")
    }
}

/// A chat write that members must learn of, for [`ChatChange::push`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChatChange {
    /// The chat.
    pub chat_id: i64,
    /// Its kind.
    pub chat_kind: ChatKind,
    /// `add`, `update`, `delete` (messages), `create`, `join`, `leave`,
    /// `title` (the chat).
    pub change: &'static str,
    /// The message written or changed (0 when none).
    pub message_id: i64,
    /// Who wrote it (0: the system).
    pub author_id: i64,
}

impl ChatChange {
    /// The one live row of this write: `kind` ([`LIVE_MESSAGE`] or
    /// [`LIVE_CHAT`]) for the chat's `members` after the write and `also`
    /// (a member removed), with data `chat_id`, `chat_type`, `dialog_ids`
    /// (each recipient's dialog id of the chat, keyed by user id), `change`,
    /// `message_id` and `author_id`.
    pub fn push(&self, kind: &str, members: &[i64], also: Option<i64>) -> LivePush {
        let mut recipients = members.to_vec();
        if let Some(user) = also.filter(|u| !members.contains(u)) {
            recipients.push(user);
        }
        let mut dialog_ids = Map::new();
        for user in &recipients {
            // A removed user's dialog id is the one they had as a member.
            let mut with_user = members.to_vec();
            if !with_user.contains(user) {
                with_user.push(*user);
            }
            dialog_ids.insert(
                user.to_string(),
                json!(dialog_id_for(
                    self.chat_kind,
                    self.chat_id,
                    &with_user,
                    *user
                )),
            );
        }
        LivePush {
            kind: kind.to_owned(),
            user_ids: recipients,
            data: json!({
                "chat_id": self.chat_id,
                "chat_type": self.chat_kind.code(),
                "dialog_ids": dialog_ids,
                "change": self.change,
                "message_id": self.message_id,
                "author_id": self.author_id,
            }),
        }
    }
}

/// The live row of a read mark: for the reader only.
pub fn read_push(chat_id: i64, user_id: i64, last_read_id: i64) -> LivePush {
    LivePush {
        kind: LIVE_READ.to_owned(),
        user_ids: vec![user_id],
        data: json!({"chat_id": chat_id, "last_read_id": last_read_id}),
    }
}

/// Stored parameters as text (`{}` for null or anything not an object).
pub fn params_text(params: &Value) -> String {
    if params.is_object() {
        params.to_string()
    } else {
        "{}".to_owned()
    }
}

/// Parameters from their stored text (`{}` when unreadable).
pub fn params_from_text(text: &str) -> Value {
    serde_json::from_str::<Value>(text)
        .ok()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}))
}
