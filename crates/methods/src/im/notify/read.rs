//! Marking the caller's notifications read or unread: `im.notify.read` (one
//! id with `ONLY_CURRENT=Y`, else that id and every later one),
//! `im.notify.read.list` (a list of ids, read up to the first that is not a
//! positive number) and `im.notify.read.all`. Only the caller's own
//! notifications change; every method answers `true`.

use portico_protocol::params::{php_values, value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::ReadScope;
use serde_json::{json, Value};

use crate::context::Ctx;
use crate::handler;
use crate::im::SCOPE;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::store_error;

const ACTION: ParamSpec = ParamSpec {
    name: "ACTION",
    kind: "string",
    required: false,
    description: "Y (default) marks read, N unread.",
    description_pt: "Y (padrão) marca como lida, N como não lida.",
};

/// Declares the marking methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "im.notify.read",
        "Marks the caller's notification ID read (ACTION=N: unread); with ONLY_CURRENT=Y only that one, otherwise it and every later one. Returns true.",
        "Marca a notificação ID de quem chama como lida (ACTION=N: não lida); com ONLY_CURRENT=Y só ela, senão ela e todas as posteriores. Retorna true.",
        &[
            ParamSpec { name: "ID", kind: "integer", required: true, description: "Notification ID.", description_pt: "ID da notificação." },
            ACTION,
            ParamSpec { name: "ONLY_CURRENT", kind: "string", required: false, description: "Y: only this notification.", description_pt: "Y: somente esta notificação." },
        ],
        r#"{"ID": 17, "ONLY_CURRENT": "Y"}"#,
        handler!(read),
    );
    s.method(
        "im.notify.read.list",
        "Marks the caller's notifications IDS read (ACTION other than Y: unread). Returns true.",
        "Marca as notificações IDS de quem chama como lidas (ACTION diferente de Y: não lidas). Retorna true.",
        &[
            ParamSpec { name: "IDS", kind: "array", required: true, description: "Notification IDs.", description_pt: "IDs das notificações." },
            ACTION,
        ],
        r#"{"IDS": [17, 18], "ACTION": "Y"}"#,
        handler!(read_list),
    );
    s.method(
        "im.notify.read.all",
        "Marks all the caller's notifications read. Returns true.",
        "Marca todas as notificações de quem chama como lidas. Retorna true.",
        &[],
        "{}",
        handler!(read_all),
    );
}

/// `ACTION` of `im.notify.read.list`: `Y` (also when absent) reads, anything
/// else unreads.
fn reads(params: &Params) -> bool {
    params
        .get("ACTION")
        .and_then(value_as_string)
        .is_none_or(|action| action.trim().eq_ignore_ascii_case("Y"))
}

/// Marks `scope` of the caller's notifications; `true`.
async fn mark(ctx: &Ctx, scope: ReadScope, read: bool) -> Result<MethodOutput, ApiError> {
    ctx.store
        .mark_notifications(ctx.caller.user.id, scope, read, ctx.clock.now())
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!(true)))
}

/// `im.notify.read`: without a positive `ID` nothing changes.
async fn read(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let Some(id) = params.get("ID").and_then(value_as_i64).filter(|id| *id > 0) else {
        return Ok(MethodOutput::value(json!(true)));
    };
    let only_current = params
        .get("ONLY_CURRENT")
        .and_then(value_as_string)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("Y"));
    let read = params
        .get("ACTION")
        .and_then(value_as_string)
        .is_none_or(|a| !a.trim().eq_ignore_ascii_case("N"));
    let scope = if only_current {
        ReadScope::One(id)
    } else {
        ReadScope::From(id)
    };
    mark(&ctx, scope, read).await
}

/// `im.notify.read.list`.
async fn read_list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let ids = match params.get("IDS") {
        Some(list @ (Value::Array(_) | Value::Object(_))) => php_values(list),
        _ => {
            return Err(ApiError::new(
                ErrorCode::ParamsError,
                "No IDS param or it is not an array",
            ))
        }
    };
    let ids: Vec<i64> = ids
        .into_iter()
        .map(|v| value_as_i64(v).unwrap_or(0))
        .take_while(|id| *id > 0)
        .collect();
    if ids.is_empty() {
        return Ok(MethodOutput::value(json!(true)));
    }
    mark(&ctx, ReadScope::Ids(ids), reads(&params)).await
}

/// `im.notify.read.all`.
async fn read_all(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    mark(&ctx, ReadScope::All, true).await
}
