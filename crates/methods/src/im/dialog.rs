//! `DIALOG_ID` and who may do what in a chat. A dialog id is a user id
//! (`123`: the 1:1 dialog with that user, created on first use), `chat456`
//! (chat 456) or `sg789` (a workgroup's chat, which Portico does not keep:
//! refused as a dialog the caller has no access to). Members read and write
//! a chat; anyone may read an open chat (and join it); nobody else sees it.

use portico_protocol::params::{value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::{Chat, ChatKind, ChatMember, User};

use crate::context::Ctx;
use crate::values::store_error;

/// What a `DIALOG_ID` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogRef {
    /// The 1:1 dialog with this user.
    User(i64),
    /// The chat with this id.
    Chat(i64),
    /// The chat of this workgroup (`sg…`).
    Group(i64),
}

impl DialogRef {
    /// Reads `123`, `chat456` or `sg789` (ids positive); `None` otherwise.
    pub fn parse(raw: &str) -> Option<DialogRef> {
        let raw = raw.trim();
        let number = |digits: &str| {
            (!digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse::<i64>().ok())
                .flatten()
                .filter(|id| *id > 0)
        };
        if let Some(rest) = raw.strip_prefix("chat") {
            number(rest).map(DialogRef::Chat)
        } else if let Some(rest) = raw.strip_prefix("sg") {
            number(rest).map(DialogRef::Group)
        } else {
            number(raw).map(DialogRef::User)
        }
    }
}

/// The `DIALOG_ID` parameter as text (`None` when absent or empty).
pub fn dialog_param(params: &Params) -> Option<String> {
    params
        .get("DIALOG_ID")
        .and_then(value_as_string)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// A chat as the caller may reach it.
#[derive(Clone, Debug)]
pub struct Access {
    /// The chat.
    pub chat: Chat,
    /// The caller's member row (`None`: a visitor of an open chat).
    pub member: Option<ChatMember>,
    /// Every member.
    pub members: Vec<ChatMember>,
    /// The other user of a private dialog (the caller for notes to self).
    pub peer: Option<User>,
}

impl Access {
    /// The caller's dialog id of this chat.
    pub fn dialog_id(&self) -> String {
        match (&self.peer, self.chat.kind) {
            (Some(peer), ChatKind::Private) => peer.id.to_string(),
            _ => format!("chat{}", self.chat.id),
        }
    }

    /// Whether the caller may write (members only).
    pub fn can_write(&self) -> bool {
        self.member.is_some()
    }

    /// The caller sees only messages after this id (their hidden history).
    pub fn floor(&self) -> i64 {
        self.member.as_ref().map_or(0, |m| m.joined_message_id)
    }

    /// The member ids.
    pub fn member_ids(&self) -> Vec<i64> {
        self.members.iter().map(|m| m.user_id).collect()
    }
}

/// The chat `dialog` names as the caller may read it: `None` when it does not
/// exist, is a workgroup's, or the caller may not read it. A 1:1 dialog with
/// an existing user is created on first use.
pub async fn readable(ctx: &Ctx, dialog: DialogRef) -> Result<Option<Access>, ApiError> {
    let me = ctx.caller.user.id;
    let (chat_id, peer) = match dialog {
        DialogRef::Group(_) => return Ok(None),
        DialogRef::Chat(id) => (id, None),
        DialogRef::User(id) => {
            let Some(user) = ctx.store.user_by_id(id).await.map_err(store_error)? else {
                return Ok(None);
            };
            let chat = ctx
                .store
                .private_chat(me, id, ctx.clock.now())
                .await
                .map_err(store_error)?;
            (chat, Some(user))
        }
    };
    chat_access(ctx, chat_id, peer).await
}

/// Chat `chat_id` as the caller may read it (see [`readable`]); `peer`, when
/// known, is the other user of a private dialog.
pub async fn chat_access(
    ctx: &Ctx,
    chat_id: i64,
    peer: Option<User>,
) -> Result<Option<Access>, ApiError> {
    let me = ctx.caller.user.id;
    let Some(chat) = ctx.store.chat(chat_id).await.map_err(store_error)? else {
        return Ok(None);
    };
    let members = ctx.store.chat_members(chat_id).await.map_err(store_error)?;
    let member = members.iter().find(|m| m.user_id == me).cloned();
    if member.is_none() && chat.kind != ChatKind::Open {
        return Ok(None);
    }
    let peer = match (peer, chat.kind) {
        (Some(peer), _) => Some(peer),
        (None, ChatKind::Private) => {
            let id = members
                .iter()
                .map(|m| m.user_id)
                .find(|id| *id != me)
                .unwrap_or(me);
            ctx.store.user_by_id(id).await.map_err(store_error)?
        }
        (None, _) => None,
    };
    Ok(Some(Access {
        chat,
        member,
        members,
        peer,
    }))
}

/// `ACCESS_ERROR` with `text` (403).
pub fn access_error(text: &'static str) -> ApiError {
    ApiError::new(ErrorCode::AccessError, text)
}

/// The refusal of a dialog the caller may not read.
pub fn no_dialog_access() -> ApiError {
    access_error("You do not have access to the specified dialog")
}

/// `DIALOG_ID_EMPTY` (400).
pub fn dialog_id_empty() -> ApiError {
    ApiError::from_code(ErrorCode::DialogIdEmpty)
}

#[cfg(test)]
mod tests {
    use super::DialogRef;

    #[test]
    fn dialog_ids_follow_the_grammar() {
        assert_eq!(DialogRef::parse("123"), Some(DialogRef::User(123)));
        assert_eq!(DialogRef::parse(" chat456 "), Some(DialogRef::Chat(456)));
        assert_eq!(DialogRef::parse("sg789"), Some(DialogRef::Group(789)));
        for bad in [
            "", "0", "chat", "chat0", "chat-1", "Chat5", "-3", "12a", "sg", "u5",
        ] {
            assert_eq!(DialogRef::parse(bad), None, "{bad}");
        }
    }
}
