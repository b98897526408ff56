//! The system messages (author 0) a chat change writes, as Bitrix24 stores
//! them: people named by `[USER=ID REPLACE]Name[/USER]`, params with the
//! change's `CODE` and `NOTIFY: N`.

use std::collections::BTreeMap;
use std::sync::Arc;

use portico_store::{JoinNotice, SystemNotice, User};
use serde_json::json;

use super::render::full_name;

/// `[USER=ID REPLACE]Name[/USER]` (the name without brackets, which would
/// end the tag).
pub fn user_tag(user: &User) -> String {
    let name: String = full_name(user)
        .chars()
        .filter(|c| *c != '[' && *c != ']')
        .collect();
    format!("[USER={} REPLACE]{}[/USER]", user.id, name)
}

fn notice(code: &str, text: String) -> SystemNotice {
    SystemNotice {
        text,
        params: json!({"CODE": [code], "NOTIFY": "N"}),
    }
}

/// "X created the chat".
pub fn created(by: &User) -> SystemNotice {
    notice("CHAT_CREATE", format!("{} created the chat", user_tag(by)))
}

/// "X invited A, B to the chat", or "X joined the chat" when X added
/// themself; written for the users actually added.
pub fn joined(by: User, named: BTreeMap<i64, User>) -> JoinNotice {
    Arc::new(move |added: &[i64]| {
        if added == [by.id] {
            return notice("CHAT_JOIN", format!("{} joined the chat", user_tag(&by)));
        }
        let names: Vec<String> = added
            .iter()
            .map(|id| {
                named
                    .get(id)
                    .map(user_tag)
                    .unwrap_or_else(|| format!("[USER={id} REPLACE]{id}[/USER]"))
            })
            .collect();
        notice(
            "CHAT_JOIN",
            format!("{} invited {} to the chat", user_tag(&by), names.join(", ")),
        )
    })
}

/// "X left the chat".
pub fn left(user: &User) -> SystemNotice {
    notice("CHAT_LEAVE", format!("{} left the chat", user_tag(user)))
}

/// "X removed Y from the chat".
pub fn removed(by: &User, user: &User) -> SystemNotice {
    notice(
        "CHAT_LEAVE",
        format!("{} removed {} from the chat", user_tag(by), user_tag(user)),
    )
}

/// "X changed the chat name to "T"".
pub fn renamed(by: &User, title: &str) -> SystemNotice {
    notice(
        "CHAT_RENAME",
        format!("{} changed the chat name to \"{title}\"", user_tag(by)),
    )
}
