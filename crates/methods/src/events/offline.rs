//! Offline events (reference §9.11): `event.bind` / `event.unbind` with
//! `event_type=offline`, and `event.offline.get`, `event.offline.clear`,
//! `event.offline.error`, `event.offline.list`. Application tokens and
//! administrators only. The queue read is the one of the call's
//! `auth_connector` (none: the rows of bindings without one).

use portico_protocol::envelope::{format_datetime, parse_datetime};
use portico_protocol::filter::{parse_filter_key, FilterOp};
use portico_protocol::params::Params;
use portico_protocol::{ApiError, ErrorCode};
use portico_store::events::event_catalogue;
use portico_store::offline_events::{
    NewOfflineBinding, OfflineCondition, OfflineEvent, OfflineField, OfflineOp, OfflineQuery,
    OfflineTake, OfflineValue, DEFAULT_MIN_TIMEOUT,
};
use portico_store::secrets::new_application_token;
use serde_json::{json, Map, Value};

use super::{admin_only, app_id};
use crate::context::Ctx;
use crate::registry::MethodOutput;
use crate::values::{check_length, param_string, php_intval, store_error};
use portico_store::sizes::MAX_STRING_CHARS;

/// Rows `event.offline.get` answers without `limit`.
const DEFAULT_LIMIT: u32 = 50;

/// The most rows one `event.offline.get` answers.
const MAX_LIMIT: u32 = 1000;

/// Page size of `event.offline.list`.
const PAGE: u32 = 50;

/// The calling application, when the caller is an administrator: the
/// refusal of the `event.offline.*` methods otherwise.
fn admin_app(ctx: &Ctx) -> Result<i64, ApiError> {
    let app_id = app_id(ctx)?;
    if !ctx.caller.user.is_admin {
        return Err(ApiError::new(ErrorCode::AccessDenied, "Access denied!"));
    }
    Ok(app_id)
}

/// The `auth_connector` parameter, trimmed ('' without one), at most
/// [`MAX_STRING_CHARS`] characters.
fn connector(params: &Params) -> Result<String, ApiError> {
    let connector = param_string(params, "auth_connector")
        .map(|c| c.trim().to_owned())
        .unwrap_or_default();
    check_length("auth_connector", &connector, MAX_STRING_CHARS)
        .map_err(|e| ApiError::new(ErrorCode::ErrorArgument, e))?;
    Ok(connector)
}

/// `event.bind` with `event_type=offline`.
pub(super) async fn bind(
    ctx: &Ctx,
    params: &Params,
    event: String,
) -> Result<MethodOutput, ApiError> {
    let app_id = app_id(ctx)?;
    let me = &ctx.caller.user;
    if !me.is_admin {
        return Err(admin_only("Offline events binding"));
    }
    if !event_catalogue().iter().any(|e| e.code == event) {
        return Err(ApiError::from_code(ErrorCode::EventNotFound));
    }
    let min_timeout = params
        .get("options")
        .and_then(Value::as_object)
        .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("minTimeout")))
        .and_then(|(_, v)| php_intval(v))
        .filter(|t| *t >= 0)
        .unwrap_or(DEFAULT_MIN_TIMEOUT);
    let binding = NewOfflineBinding {
        app_id,
        user_id: me.id,
        event,
        connector: connector(params)?,
        min_timeout,
        created_at: ctx.clock.now(),
    };
    match ctx.store.bind_offline(binding).await.map_err(store_error)? {
        true => Ok(MethodOutput::value(json!(true))),
        false => Err(ApiError::new(
            ErrorCode::ErrorCore,
            "Handler already binded",
        )),
    }
}

/// `event.unbind` with `event_type=offline`.
pub(super) async fn unbind(ctx: &Ctx, event: Option<String>) -> Result<MethodOutput, ApiError> {
    let app_id = app_id(ctx)?;
    if !ctx.caller.user.is_admin {
        return Err(admin_only("Offline events unbinding"));
    }
    let count = ctx
        .store
        .unbind_offline(app_id, event, None)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!({ "count": count })))
}

/// The offline bindings of `event.get` (administrators see them all).
pub(super) async fn bindings(ctx: &Ctx, app_id: i64) -> Result<Vec<Value>, ApiError> {
    let me = &ctx.caller.user;
    let bindings = ctx
        .store
        .offline_bindings(app_id)
        .await
        .map_err(store_error)?;
    Ok(bindings
        .into_iter()
        .filter(|b| me.is_admin || b.user_id == me.id)
        .map(|b| {
            json!({
                "event": b.event,
                "handler": "",
                "auth_type": "0",
                "offline": 1,
            })
        })
        .collect())
}

/// A field name of `filter` / `order`; `list` allows `PROCESS_ID` and `ERROR`.
fn field(name: &str, list: bool) -> Result<OfflineField, ApiError> {
    let field = match name.to_ascii_uppercase().as_str() {
        "ID" => OfflineField::Id,
        "TIMESTAMP_X" => OfflineField::TimestampX,
        "EVENT_NAME" => OfflineField::EventName,
        "MESSAGE_ID" => OfflineField::MessageId,
        "PROCESS_ID" if list => OfflineField::ProcessId,
        "ERROR" if list => OfflineField::Error,
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidArgValue,
                format!("Unknown field: {name}"),
            ))
        }
    };
    Ok(field)
}

/// The values of a parameter: a list's items, or the value alone.
fn items(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) => o.values().collect(),
        other => vec![other],
    }
}

/// A filter value of `field` (dates as ISO 8601 or Unix seconds).
fn filter_value(ctx: &Ctx, field: OfflineField, v: &Value) -> Result<OfflineValue, ApiError> {
    let text = || match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Bool(b) => u8::from(*b).to_string(),
        other => other.to_string(),
    };
    let bad = || {
        ApiError::new(
            ErrorCode::InvalidArgValue,
            format!("Invalid filter value: {}", text()),
        )
    };
    match field {
        OfflineField::Id | OfflineField::Error => {
            php_intval(v).map(OfflineValue::Int).ok_or_else(bad)
        }
        OfflineField::TimestampX => php_intval(v)
            .filter(|_| !text().contains(['-', ':']))
            .or_else(|| parse_datetime(&text(), ctx.clock.offset))
            .map(OfflineValue::Int)
            .ok_or_else(bad),
        _ => Ok(OfflineValue::Text(text())),
    }
}

/// The `filter` parameter as conditions.
fn conditions(ctx: &Ctx, params: &Params, list: bool) -> Result<Vec<OfflineCondition>, ApiError> {
    let Some(filter) = params.get("filter").and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (key, value) in filter {
        let (op, name) = parse_filter_key(key)?;
        let field = field(name, list)?;
        let op = match op {
            FilterOp::Eq | FilterOp::In => OfflineOp::Eq,
            FilterOp::NotEq | FilterOp::NotIn => OfflineOp::Ne,
            FilterOp::Gt => OfflineOp::Gt,
            FilterOp::Gte => OfflineOp::Ge,
            FilterOp::Lt => OfflineOp::Lt,
            FilterOp::Lte => OfflineOp::Le,
            _ => {
                return Err(ApiError::new(
                    ErrorCode::InvalidArgValue,
                    format!("Invalid filter: key '{key}' has an unsupported operator"),
                ))
            }
        };
        let values = items(value)
            .into_iter()
            .map(|v| filter_value(ctx, field, v))
            .collect::<Result<_, _>>()?;
        out.push(OfflineCondition { field, op, values });
    }
    Ok(out)
}

/// The `order` parameter; `default` without one.
fn order(
    params: &Params,
    list: bool,
    default: OfflineField,
) -> Result<Vec<(OfflineField, bool)>, ApiError> {
    let Some(order) = params
        .get("order")
        .and_then(Value::as_object)
        .filter(|o| !o.is_empty())
    else {
        return Ok(vec![(default, false)]);
    };
    order
        .iter()
        .map(|(name, dir)| {
            let desc = dir
                .as_str()
                .is_some_and(|d| d.trim().eq_ignore_ascii_case("DESC"));
            Ok((field(name, list)?, desc))
        })
        .collect()
}

/// A 0/1 parameter (`clear`, `error`); `default` when absent or empty.
fn flag(params: &Params, name: &str, default: bool) -> bool {
    match params.get(name) {
        None | Some(Value::Null) => default,
        Some(Value::Bool(b)) => *b,
        Some(v) => match v.as_str().map(str::trim) {
            Some("") => default,
            Some(s) if s.eq_ignore_ascii_case("Y") || s.eq_ignore_ascii_case("true") => true,
            Some(s) if s.eq_ignore_ascii_case("N") || s.eq_ignore_ascii_case("false") => false,
            _ => php_intval(v).is_some_and(|n| n != 0),
        },
    }
}

/// A required non-empty `process_id`.
fn process_id(params: &Params) -> Result<String, ApiError> {
    param_string(params, "process_id")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::ErrorArgument,
                "Argument 'process_id' is null or empty",
            )
        })
}

/// A row as `event.offline.get` answers it (`list`: with `PROCESS_ID`, `ERROR`).
fn render(ctx: &Ctx, e: OfflineEvent, list: bool) -> Value {
    let mut row = Map::new();
    row.insert("ID".into(), json!(e.id.to_string()));
    row.insert(
        "TIMESTAMP_X".into(),
        json!(format_datetime(e.timestamp_x, ctx.clock.offset)),
    );
    row.insert("EVENT_NAME".into(), json!(e.event_name));
    let data = if e.data.is_null() {
        json!(false)
    } else {
        e.data
    };
    row.insert("EVENT_DATA".into(), data);
    let additional = e
        .user_id
        .map_or(json!(false), |u| json!({ "user_id": u.to_string() }));
    row.insert("EVENT_ADDITIONAL".into(), additional);
    row.insert("MESSAGE_ID".into(), json!(e.message_id));
    if list {
        row.insert("PROCESS_ID".into(), json!(e.process_id));
        row.insert("ERROR".into(), json!(if e.error { "1" } else { "0" }));
    }
    Value::Object(row)
}

/// `event.offline.get`.
pub(super) async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let app_id = admin_app(&ctx)?;
    let query = OfflineQuery {
        app_id,
        connector: connector(&params)?,
        conditions: conditions(&ctx, &params, false)?,
        order: order(&params, false, OfflineField::TimestampX)?,
        with_errors: flag(&params, "error", false),
    };
    let limit = params
        .get("limit")
        .and_then(php_intval)
        .filter(|n| *n > 0)
        .map_or(DEFAULT_LIMIT, |n| {
            u32::try_from(n).unwrap_or(MAX_LIMIT).min(MAX_LIMIT)
        });
    let clear = flag(&params, "clear", true);
    let given = param_string(&params, "process_id")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    let take = match (given, clear) {
        (Some(process), clear) => OfflineTake::Process(process, clear),
        (None, true) => OfflineTake::Delete,
        (None, false) => OfflineTake::Reserve(new_application_token()),
    };
    let process_id = match &take {
        OfflineTake::Reserve(p) | OfflineTake::Process(p, false) => json!(p),
        _ => Value::Null,
    };
    let rows = ctx
        .store
        .take_offline_events(query, limit, take)
        .await
        .map_err(store_error)?;
    let events: Vec<Value> = rows.into_iter().map(|e| render(&ctx, e, false)).collect();
    Ok(MethodOutput::value(
        json!({ "process_id": process_id, "events": events }),
    ))
}

/// The texts of a list parameter, `None` when absent.
fn text_list(params: &Params, name: &str) -> Option<Vec<String>> {
    params.get(name).map(|v| {
        items(v)
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.trim().to_owned()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect()
    })
}

/// `event.offline.clear`.
pub(super) async fn clear(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let app_id = admin_app(&ctx)?;
    let process_id = process_id(&params)?;
    let ids = params
        .get("id")
        .map(|v| items(v).into_iter().filter_map(php_intval).collect());
    let message_ids = text_list(&params, "message_id");
    ctx.store
        .clear_offline_events(app_id, connector(&params)?, process_id, ids, message_ids)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!(true)))
}

/// `event.offline.error`.
pub(super) async fn error(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let app_id = admin_app(&ctx)?;
    let process_id = process_id(&params)?;
    let message_ids = text_list(&params, "message_id").unwrap_or_default();
    ctx.store
        .mark_offline_errors(app_id, connector(&params)?, process_id, message_ids)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!(true)))
}

/// `event.offline.list`.
pub(super) async fn list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let app_id = admin_app(&ctx)?;
    let query = OfflineQuery {
        app_id,
        connector: connector(&params)?,
        conditions: conditions(&ctx, &params, true)?,
        order: order(&params, true, OfflineField::Id)?,
        with_errors: true,
    };
    let start = params
        .get("start")
        .and_then(php_intval)
        .filter(|s| *s > 0)
        .map_or(0, |s| s.unsigned_abs());
    let (rows, total) = ctx
        .store
        .list_offline_events(query, start, PAGE)
        .await
        .map_err(store_error)?;
    let shown = rows.len() as u64;
    let result: Vec<Value> = rows.into_iter().map(|e| render(&ctx, e, true)).collect();
    let mut out = MethodOutput::value(Value::Array(result));
    out.total = Some(i64::try_from(total).unwrap_or(i64::MAX));
    let next = start + shown;
    if next < total {
        out.next = Some(i64::try_from(next).unwrap_or(i64::MAX));
    }
    Ok(out)
}
