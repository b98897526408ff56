//! `im.notify.get`: the caller's notifications, newest first (date, then
//! id), in pages of at most 50 continued with `LAST_ID` + `LAST_TYPE` (`3`
//! regular notifications; Portico has no confirmation notifications, so `1`
//! starts at the first regular one), with the counts and the authors as
//! Bitrix24's user objects. Portico keeps no notification chat: `chat_id` is
//! `0`. `CONVERT_TEXT` is accepted and ignored: the text is answered as
//! stored, BB-code included.

use std::collections::BTreeSet;

use portico_protocol::envelope::format_datetime;
use portico_protocol::params::{value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::{Notification, NotifyKind};
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::handler;
use crate::im::SCOPE;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::store_error;

/// The most notifications one page holds (also the default).
pub const PAGE: usize = 50;

/// Declares `im.notify.get`.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "im.notify.get",
        "Lists the caller's notifications, newest first, in pages of LIMIT (at most 50); the next page with LAST_ID (the last ID of this one) and LAST_TYPE 3. Answers the counts, the notifications and their authors.",
        "Lista as notificações de quem chama, das mais novas às mais antigas, em páginas de LIMIT (no máximo 50); a página seguinte com LAST_ID (o último ID desta) e LAST_TYPE 3. Responde as contagens, as notificações e seus autores.",
        &[
            ParamSpec { name: "LAST_ID", kind: "integer", required: false, description: "The last ID of the previous page (with LAST_TYPE).", description_pt: "O último ID da página anterior (com LAST_TYPE)." },
            ParamSpec { name: "LAST_TYPE", kind: "integer", required: false, description: "3: continue with regular notifications (with LAST_ID).", description_pt: "3: continua com as notificações comuns (com LAST_ID)." },
            ParamSpec { name: "LIMIT", kind: "integer", required: false, description: "Notifications per page (default and at most 50).", description_pt: "Notificações por página (padrão e máximo 50)." },
            ParamSpec { name: "CONVERT_TEXT", kind: "string", required: false, description: "Accepted and ignored: the text comes as stored.", description_pt: "Aceito e ignorado: o texto vem como armazenado." },
        ],
        r#"{"LIMIT": 20}"#,
        handler!(get),
    );
}

/// The page cursor of `LAST_ID` + `LAST_TYPE`: `None` for the first page.
fn cursor(params: &Params) -> Result<Option<i64>, ApiError> {
    let given = |name: &str| {
        params
            .get(name)
            .filter(|v| !v.is_null() && v.as_str() != Some(""))
    };
    let (last_id, last_type) = match (given("LAST_ID"), given("LAST_TYPE")) {
        (None, None) => return Ok(None),
        (Some(id), Some(kind)) => (id, kind),
        _ => {
            return Err(ApiError::from_code(ErrorCode::LastIdAndLastType));
        }
    };
    let last_id = value_as_i64(last_id).ok_or_else(|| {
        ApiError::new(
            ErrorCode::LastIdString,
            "Last notification ID can't be string",
        )
    })?;
    // Type 1 ended in the confirmations, of which there are none.
    if value_as_i64(last_type) == Some(1) || last_id <= 0 {
        return Ok(None);
    }
    Ok(Some(last_id))
}

/// Bitrix24's notification type: 4 system, 2 from a user.
fn notify_type(kind: NotifyKind) -> i64 {
    match kind {
        NotifyKind::System => 4,
        NotifyKind::Personal => 2,
    }
}

/// A notification as `im.notify.get` answers it.
pub fn render(ctx: &Ctx, n: &Notification) -> Value {
    let params = match &n.attach {
        Some(attach) => json!({ "ATTACH": [attach] }),
        None => Value::Null,
    };
    json!({
        "id": n.id,
        "chat_id": 0,
        "author_id": n.author_id,
        "date": format_datetime(n.created_at, ctx.clock.offset),
        "notify_type": notify_type(n.kind),
        "notify_module": "rest",
        "notify_event": "rest_notify",
        "notify_tag": n.tag,
        "notify_sub_tag": n.sub_tag,
        "notify_title": "",
        "setting_name": "rest|rest_notify",
        "text": n.text,
        "notify_read": if n.read { "Y" } else { "N" },
        "params": params,
    })
}

/// `im.notify.get`.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let after = cursor(&params)?;
    let limit = params
        .get("LIMIT")
        .and_then(value_as_i64)
        .filter(|l| *l > 0)
        .map_or(PAGE, |l| usize::try_from(l).unwrap_or(PAGE).min(PAGE));
    if let Some(convert) = params.get("CONVERT_TEXT").and_then(value_as_string) {
        if convert.trim().eq_ignore_ascii_case("Y") {
            ctx.ignored("parameter", "CONVERT_TEXT");
        }
    }
    let me = ctx.caller.user.id;
    let counts = ctx
        .store
        .count_notifications(me)
        .await
        .map_err(store_error)?;
    let page = ctx
        .store
        .list_notifications(me, after, limit)
        .await
        .map_err(store_error)?;
    let authors: BTreeSet<i64> = page
        .iter()
        .map(|n| n.author_id)
        .filter(|id| *id > 0)
        .collect();
    let mut users = Vec::new();
    for id in authors {
        if let Some(user) = ctx.store.user_by_id(id).await.map_err(store_error)? {
            users.push(crate::im::render::user_object(&user));
        }
    }
    let mut out = Map::new();
    if counts.total > 0 {
        out.insert("total_count".into(), json!(counts.total));
        out.insert("total_unread_count".into(), json!(counts.unread));
        out.insert("chat_id".into(), json!(0));
    }
    let notifications: Vec<Value> = page.iter().map(|n| render(&ctx, n)).collect();
    out.insert("notifications".into(), Value::Array(notifications));
    out.insert("users".into(), Value::Array(users));
    Ok(MethodOutput::value(Value::Object(out)))
}
