//! A dialog as its reader sees it: `im.dialog.get` (the chat object),
//! `im.recent.list` (the caller's dialogs with their newest message and
//! unread counter, most recently active first) and `im.counters.get` (unread
//! messages per dialog and in total; empty maps are `[]`, as PHP writes them).

use portico_protocol::envelope::{format_datetime, parse_datetime};
use portico_protocol::params::{value_as_i64, value_as_string, Params};
use portico_protocol::ApiError;
use portico_store::{ChatKind, ChatSummary, Message};
use serde_json::{json, Map, Value};

use super::dialog::{dialog_id_empty, dialog_param, no_dialog_access, readable, Access, DialogRef};
use super::render::{color_hex, color_of_id, full_name, php_map, user_object, users_by_id};
use super::SCOPE;
use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::store_error;

/// `LIMIT` of `im.recent.list` when not given.
const RECENT_LIMIT: i64 = 50;
/// The most `LIMIT` may ask.
const RECENT_MAX: i64 = 200;

/// Declares the dialog methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "im.dialog.get",
        "Describes a dialog the caller may read (a user ID or chatN): title, owner, colour, type, counters, the caller's role and read marks.",
        "Descreve um diálogo que quem chama pode ler (um ID de usuário ou chatN): título, dono, cor, tipo, contadores, o papel de quem chama e marcas de leitura.",
        &[ParamSpec { name: "DIALOG_ID", kind: "string", required: true, description: "A user ID (1:1 dialog) or chatN.", description_pt: "Um ID de usuário (diálogo 1:1) ou chatN." }],
        r#"{"DIALOG_ID": "chat1"}"#,
        handler!(dialog_get),
    );
    s.method(
        "im.recent.list",
        "Lists the caller's dialogs, most recently active first, with the newest message and the unread counter: SKIP_DIALOG, SKIP_CHAT, UNREAD_ONLY (Y/N), LAST_MESSAGE_DATE (older than), OFFSET, LIMIT (50, at most 200).",
        "Lista os diálogos de quem chama, dos mais recentes aos mais antigos, com a mensagem mais nova e o contador de não lidas: SKIP_DIALOG, SKIP_CHAT, UNREAD_ONLY (Y/N), LAST_MESSAGE_DATE (mais antigos que), OFFSET, LIMIT (50, no máximo 200).",
        &[],
        r#"{"LIMIT": 50}"#,
        handler!(recent_list),
    );
    s.method(
        "im.counters.get",
        "The caller's unread counters: per chat (CHAT), per 1:1 dialog (DIALOG) and totals (TYPE).",
        "Os contadores de não lidas de quem chama: por chat (CHAT), por diálogo 1:1 (DIALOG) e totais (TYPE).",
        &[],
        "{}",
        handler!(counters_get),
    );
}

/// The wire `type` of a chat.
fn type_name(kind: ChatKind) -> &'static str {
    match kind {
        ChatKind::Private => "private",
        ChatKind::Closed => "chat",
        ChatKind::Open => "open",
    }
}

/// A chat's title as the caller sees it: a private dialog is named after
/// the other user.
fn title(access: &Access) -> String {
    match (&access.peer, access.chat.kind) {
        (Some(peer), ChatKind::Private) => full_name(peer),
        _ => access.chat.title.clone(),
    }
}

/// The `#hex` colour of a chat as the caller sees it.
fn chat_color(access: &Access) -> &'static str {
    match (&access.peer, access.chat.kind) {
        (Some(peer), ChatKind::Private) => color_hex(color_of_id(peer.id)),
        _ => color_hex(&access.chat.color),
    }
}

/// `im.dialog.get`.
async fn dialog_get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let raw = dialog_param(&params).ok_or_else(dialog_id_empty)?;
    let dialog = DialogRef::parse(&raw).ok_or_else(no_dialog_access)?;
    let access = readable(&ctx, dialog).await?.ok_or_else(no_dialog_access)?;
    let me = ctx.caller.user.id;
    let summary = ctx
        .store
        .user_chats(me, Some(access.chat.id))
        .await
        .map_err(store_error)?
        .into_iter()
        .next();
    let chat = &access.chat;
    let date = |t: i64| format_datetime(t, ctx.clock.offset);
    let group = chat.kind != ChatKind::Private;
    let role = match &access.member {
        Some(_) if group && chat.owner_id == me => "owner",
        Some(_) => "member",
        None => "guest",
    };
    let names = users_by_id(&ctx, &access.member_ids()).await?;
    let readed: Vec<Value> = access
        .members
        .iter()
        .filter(|m| m.user_id != me && m.last_read_id > 0)
        .map(|m| {
            json!({
                "user_id": m.user_id,
                "user_name": names.get(&m.user_id).map(full_name).unwrap_or_default(),
                "message_id": m.last_read_id,
                "date": date(m.last_read_at),
            })
        })
        .collect();
    let member = access.member.as_ref();
    Ok(MethodOutput::value(json!({
        "id": chat.id,
        "dialog_id": access.dialog_id(),
        "parent_chat_id": 0,
        "name": title(&access),
        "description": chat.description,
        "owner": if group { chat.owner_id } else { 0 },
        "extranet": false,
        "avatar": "",
        "color": chat_color(&access),
        "type": type_name(chat.kind),
        "counter": summary.as_ref().map_or(0, |s| s.unread),
        "user_counter": chat.member_count,
        "message_count": chat.message_count,
        "unread_id": summary.as_ref().and_then(|s| s.first_unread_id).unwrap_or(0),
        "restrictions": {
            "avatar": group, "extend": group, "leave": group, "leave_owner": group,
            "rename": group, "send": member.is_some(), "user_list": true, "mute": true,
            "call": true,
        },
        "last_message_id": chat.last_message_id,
        "last_id": member.map_or(0, |m| m.last_read_id),
        "marked_id": 0,
        "disk_folder_id": 0,
        "entity_type": chat.entity_type,
        "entity_id": chat.entity_id,
        "entity_data_1": "",
        "entity_data_2": "",
        "entity_data_3": "",
        "mute_list": [],
        "date_create": date(chat.created_at),
        "message_type": chat.kind.code(),
        "public": "",
        "role": role,
        "entity_link": {"type": "", "url": "", "id": ""},
        "text_field_enabled": true,
        "background_id": null,
        "permissions": {
            "manage_users_add": "member", "manage_users_delete": "owner", "manage_ui": "member",
            "manage_settings": "member", "manage_messages": "member", "can_post": "member",
        },
        "is_new": false,
        "readed_list": readed,
    })))
}

/// A `Y` flag parameter.
fn flag(params: &Params, name: &str) -> bool {
    params
        .get(name)
        .and_then(value_as_string)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("Y"))
}

/// When a dialog was last active: its newest message, else its creation.
fn last_activity(summary: &ChatSummary) -> i64 {
    summary
        .last_message
        .as_ref()
        .map_or(summary.chat.created_at, |m| m.created_at)
}

/// The `message` of a recent item.
fn recent_message(ctx: &Ctx, summary: &ChatSummary, message: Option<&Message>) -> Value {
    let me = ctx.caller.user.id;
    let Some(m) = message else {
        return json!({
            "id": 0, "text": "", "file": false, "author_id": 0, "attach": false,
            "sticker": false, "date": format_datetime(summary.chat.created_at, ctx.clock.offset),
            "status": "received", "uuid": null,
        });
    };
    // The caller's own message is delivered once another member read it.
    let status = if m.author_id == me && summary.others_read_id >= m.id {
        "delivered"
    } else {
        "received"
    };
    json!({
        "id": m.id,
        "text": m.text,
        "file": false,
        "author_id": m.author_id,
        "attach": m.params.get("ATTACH").is_some(),
        "sticker": false,
        "date": format_datetime(m.created_at, ctx.clock.offset),
        "status": status,
        "uuid": m.uuid,
    })
}

/// `im.recent.list`.
async fn recent_list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let me = ctx.caller.user.id;
    for ignored in [
        "SKIP_OPENLINES",
        "PARSE_TEXT",
        "GET_ORIGINAL_TEXT",
        "SKIP_UNDISTRIBUTED_OPENLINES",
        "ONLY_COPILOT",
        "ONLY_CHANNEL",
        "CAN_MANAGE_MESSAGES",
    ] {
        if params.get(ignored).is_some() {
            ctx.ignored("parameter", ignored);
        }
    }
    let before = params
        .get("LAST_MESSAGE_DATE")
        .and_then(value_as_string)
        .and_then(|d| parse_datetime(&d, ctx.clock.offset));
    let mut chats = ctx.store.user_chats(me, None).await.map_err(store_error)?;
    let skip_dialogs = flag(&params, "SKIP_DIALOG");
    let skip_chats = flag(&params, "SKIP_CHAT");
    let unread_only = flag(&params, "UNREAD_ONLY");
    chats.retain(|s| {
        let skipped = if s.chat.kind == ChatKind::Private {
            skip_dialogs
        } else {
            skip_chats
        };
        !skipped && (!unread_only || s.unread > 0) && before.is_none_or(|b| last_activity(s) < b)
    });
    chats.sort_by_key(|s| std::cmp::Reverse((last_activity(s), s.chat.id)));
    let offset = params
        .get("OFFSET")
        .and_then(value_as_i64)
        .filter(|o| *o > 0)
        .unwrap_or(0);
    let limit = params
        .get("LIMIT")
        .and_then(value_as_i64)
        .filter(|l| *l > 0)
        .unwrap_or(RECENT_LIMIT)
        .min(RECENT_MAX);
    let total = chats.len();
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(total);
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(0))
        .min(total);
    let page = &chats[start..end];
    let peers: Vec<i64> = page.iter().filter_map(|s| s.peer_id).collect();
    let users = users_by_id(&ctx, &peers).await?;
    let date = |t: i64| format_datetime(t, ctx.clock.offset);
    let items: Vec<Value> = page
        .iter()
        .map(|s| {
            let chat = &s.chat;
            let peer = s.peer_id.and_then(|p| users.get(&p));
            let (id, kind, title, color, user) = match peer {
                Some(peer) => (
                    json!(peer.id),
                    "user",
                    full_name(peer),
                    color_hex(color_of_id(peer.id)),
                    user_object(peer),
                ),
                None => (
                    json!(format!("chat{}", chat.id)),
                    "chat",
                    chat.title.clone(),
                    color_hex(&chat.color),
                    json!({"id": 0}),
                ),
            };
            let activity = date(last_activity(s));
            json!({
                "id": id,
                "chat_id": chat.id,
                "type": kind,
                "avatar": {"url": "", "color": color},
                "title": title,
                "message": recent_message(&ctx, s, s.last_message.as_ref()),
                "counter": s.unread,
                "last_id": s.member.last_read_id,
                "pinned": false,
                "unread": false,
                "has_reminder": false,
                "date_update": activity,
                "date_last_activity": activity,
                "user": user,
                "chat": {
                    "id": chat.id, "name": title, "owner": chat.owner_id, "color": color,
                    "type": type_name(chat.kind), "entity_type": chat.entity_type,
                    "entity_id": chat.entity_id, "text_field_enabled": true,
                    "background_id": null, "mute_list": [],
                },
                "options": [],
            })
        })
        .collect();
    let more = end < total;
    let mut out = MethodOutput::value(json!({
        "items": items,
        "hasMorePages": more,
        "hasMore": more,
        "copilot": null,
        "messagesAutoDeleteConfigs": [],
    }));
    out.total = Some(-1);
    Ok(out)
}

/// `im.counters.get`.
async fn counters_get(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let chats = ctx
        .store
        .user_chats(ctx.caller.user.id, None)
        .await
        .map_err(store_error)?;
    let (mut chat, mut dialog) = (Map::new(), Map::new());
    let (mut chat_total, mut dialog_total) = (0, 0);
    for s in chats.iter().filter(|s| s.unread > 0) {
        match s.peer_id {
            Some(peer) => {
                dialog.insert(peer.to_string(), json!(s.unread));
                dialog_total += s.unread;
            }
            None => {
                chat.insert(s.chat.id.to_string(), json!(s.unread));
                chat_total += s.unread;
            }
        }
    }
    let messenger = chat_total + dialog_total;
    let notify = ctx
        .store
        .count_notifications(ctx.caller.user.id)
        .await
        .map_err(store_error)?
        .unread;
    Ok(MethodOutput::value(json!({
        "TYPE": {
            "ALL": messenger + notify, "NOTIFY": notify, "CHAT": chat_total, "LINES": 0,
            "DIALOG": dialog_total, "MESSENGER": messenger,
        },
        "CHAT": php_map(chat),
        "CHAT_MUTED": [],
        "CHAT_UNREAD": [],
        "LINES": [],
        "DIALOG": php_map(dialog),
        "DIALOG_UNREAD": [],
    })))
}
