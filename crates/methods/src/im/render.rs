//! How the chat methods write what they answer: the messenger's user object
//! (`users` of `im.dialog.messages.get`, `user` of `im.recent.list`), a
//! message, the chat colours (stored by name, answered as `#hex`), and PHP's
//! habit of writing an empty map as `[]`.

use std::collections::BTreeMap;

use portico_protocol::envelope::format_datetime;
use portico_protocol::ApiError;
use portico_store::{Message, User};
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::values::store_error;

/// The chat and avatar colours, by name, with their `#hex`.
pub const COLORS: [(&str, &str); 16] = [
    ("RED", "#df532d"),
    ("GREEN", "#64a513"),
    ("MINT", "#4ba984"),
    ("LIGHT_BLUE", "#4ba5c3"),
    ("DARK_BLUE", "#3e99ce"),
    ("PURPLE", "#8474c8"),
    ("AQUA", "#1eb4aa"),
    ("PINK", "#f76187"),
    ("LIME", "#58cc47"),
    ("BROWN", "#ab7761"),
    ("AZURE", "#29619b"),
    ("KHAKI", "#728f7a"),
    ("SAND", "#ba9c7b"),
    ("MARENGO", "#556574"),
    ("GRAY", "#6e7488"),
    ("GRAPHITE", "#3e4b5b"),
];

/// The `#hex` of colour `name` (any case); the first colour's when unknown.
pub fn color_hex(name: &str) -> &'static str {
    COLORS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map_or(COLORS[0].1, |(_, hex)| hex)
}

/// The colour of id `id` (users and chats without a chosen one).
pub fn color_of_id(id: i64) -> &'static str {
    let index = usize::try_from(id.rem_euclid(COLORS.len() as i64)).unwrap_or(0);
    COLORS[index].0
}

/// `map` as PHP writes it: `[]` when empty, else the object.
pub fn php_map(map: Map<String, Value>) -> Value {
    if map.is_empty() {
        json!([])
    } else {
        Value::Object(map)
    }
}

/// "First Last", or the login when the user has no name.
pub fn full_name(user: &User) -> String {
    let full = format!("{} {}", user.name, user.last_name);
    let full = full.trim();
    if full.is_empty() {
        user.login.clone()
    } else {
        full.to_owned()
    }
}

/// The messenger's user object of `user`.
pub fn user_object(user: &User) -> Value {
    json!({
        "id": user.id,
        "active": user.active,
        "name": full_name(user),
        "first_name": user.name,
        "last_name": user.last_name,
        "work_position": "",
        "color": color_hex(color_of_id(user.id)),
        "avatar": "",
        "avatar_hr": "",
        "gender": "M",
        "birthday": "",
        "extranet": false,
        "network": false,
        "bot": false,
        "connector": false,
        "external_auth_id": "default",
        "status": "online",
        "idle": false,
        "last_activity_date": false,
        "mobile_last_date": false,
        "desktop_last_date": false,
        "absent": false,
        "departments": [],
        "phones": false,
        "bot_data": null,
        "type": "user",
        "website": "",
        "email": user.email,
    })
}

/// The users with these ids (each once, those that exist), by id.
pub async fn users_by_id(ctx: &Ctx, ids: &[i64]) -> Result<BTreeMap<i64, User>, ApiError> {
    let mut users = BTreeMap::new();
    for id in ids {
        if *id <= 0 || users.contains_key(id) {
            continue;
        }
        if let Some(user) = ctx.store.user_by_id(*id).await.map_err(store_error)? {
            users.insert(*id, user);
        }
    }
    Ok(users)
}

/// The parameters of a message as answered: `[]` when none, a deleted one's
/// `{"IS_DELETED": "Y"}`, `IS_EDITED: Y` on a changed one.
pub fn message_params(message: &Message) -> Value {
    if message.deleted {
        return json!({"IS_DELETED": "Y"});
    }
    let mut map = message.params.as_object().cloned().unwrap_or_default();
    if message.edited {
        map.insert("IS_EDITED".into(), json!("Y"));
    }
    php_map(map)
}

/// A message as `im.dialog.messages.get` answers it; `unread` as the caller
/// sees it.
pub fn message_object(ctx: &Ctx, message: &Message, unread: bool) -> Value {
    json!({
        "id": message.id,
        "chat_id": message.chat_id,
        "author_id": message.author_id,
        "date": format_datetime(message.created_at, ctx.clock.offset),
        "text": message.text,
        "unread": unread,
        "uuid": if message.author_id == 0 { Value::Null } else { json!(message.uuid) },
        "replaces": [],
        "params": message_params(message),
        "disappearing_date": null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_empty_maps() {
        assert_eq!(color_hex("mint"), "#4ba984");
        assert_eq!(color_hex("nope"), "#df532d");
        assert_eq!(color_of_id(2), "MINT");
        assert_eq!(color_of_id(18), "MINT");
        assert_eq!(php_map(Map::new()), json!([]));
        let mut one = Map::new();
        one.insert("7".into(), json!(1));
        assert_eq!(php_map(one), json!({"7": 1}));
    }
}
