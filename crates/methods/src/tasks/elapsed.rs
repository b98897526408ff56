//! The legacy positional time-record methods `task.elapseditem.add`,
//! `getlist`, `get`, `update`, `delete`: parameters by position (`TASKID`,
//! `ITEMID`, `ARFIELDS`; `getlist` also `ORDER`, `FILTER`, `SELECT`,
//! `PARAMS{NAV_PARAMS}`), UPPER_SNAKE rows with numbers as strings. Whoever
//! sees the task reads its time; those who work on it add their own time
//! (administrators anyone's); a record is changed or deleted by its user,
//! the task's creator or an administrator. The task's `TIME_SPENT_IN_LOGS`
//! follows every change.

use portico_protocol::envelope::{format_datetime, parse_datetime};
use portico_protocol::filter::{parse_filter_key, FilterOp};
use portico_protocol::params::{php_array, value_as_i64, value_as_string, ParamMap, Params};
use portico_protocol::ApiError;
use portico_store::{ElapsedItem, Record};
use serde_json::{json, Value};

use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::tasks::access::{caller_roles, may};
use crate::tasks::positional::{
    action_failed, array_arg, int_arg, order_of, positional, wrong_argument,
};
use crate::tasks::{visible_task, SCOPE};
use crate::values::store_error;

const TASKID: ParamSpec = ParamSpec {
    name: "TASKID",
    kind: "integer",
    required: true,
    description: "Task ID (first positional parameter).",
    description_pt: "ID da tarefa (primeiro parâmetro posicional).",
};
const ITEMID: ParamSpec = ParamSpec {
    name: "ITEMID",
    kind: "integer",
    required: true,
    description: "Time record ID (second positional parameter).",
    description_pt: "ID do registro de tempo (segundo parâmetro posicional).",
};
const ARFIELDS: ParamSpec = ParamSpec {
    name: "ARFIELDS",
    kind: "object",
    required: true,
    description: "{SECONDS, COMMENT_TEXT, USER_ID}.",
    description_pt: "{SECONDS, COMMENT_TEXT, USER_ID}.",
};

const FIELD_KEYS: [&str; 4] = ["SECONDS", "COMMENT_TEXT", "USER_ID", "CREATED_DATE"];
const ORDER_KEYS: [&str; 5] = ["ID", "USER_ID", "SECONDS", "MINUTES", "CREATED_DATE"];
/// Records per page of `getlist` (also the largest `nPageSize`).
const PAGE: i64 = 50;

/// Declares the time-record methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    let by_id = r#"{"TASKID": 1, "ITEMID": 1}"#;
    s.method(
        "task.elapseditem.add",
        "Records time spent on a task; returns the record's ID. Parameters by position: TASKID, ARFIELDS.",
        "Registra tempo gasto em uma tarefa; retorna o ID do registro. Parâmetros por posição: TASKID, ARFIELDS.",
        &[TASKID, ARFIELDS],
        r#"{"TASKID": 1, "ARFIELDS": {"SECONDS": 3600, "COMMENT_TEXT": "Research"}}"#,
        handler!(add),
    );
    s.method(
        "task.elapseditem.getlist",
        "Lists the time records of a task. Parameters by position: TASKID, ORDER, FILTER, SELECT, PARAMS.",
        "Lista os registros de tempo de uma tarefa. Parâmetros por posição: TASKID, ORDER, FILTER, SELECT, PARAMS.",
        &[TASKID],
        r#"{"TASKID": 1, "ORDER": {"ID": "asc"}, "FILTER": {"USER_ID": 1}}"#,
        handler!(get_list),
    );
    s.method(
        "task.elapseditem.get",
        "Returns one time record of a task. Parameters by position.",
        "Retorna um registro de tempo de uma tarefa. Parâmetros por posição.",
        &[TASKID, ITEMID],
        by_id,
        handler!(get),
    );
    s.method(
        "task.elapseditem.update",
        "Changes a time record. Parameters by position: TASKID, ITEMID, ARFIELDS.",
        "Altera um registro de tempo. Parâmetros por posição: TASKID, ITEMID, ARFIELDS.",
        &[TASKID, ITEMID, ARFIELDS],
        r#"{"TASKID": 1, "ITEMID": 1, "ARFIELDS": {"SECONDS": 1800}}"#,
        handler!(update),
    );
    s.method(
        "task.elapseditem.delete",
        "Deletes a time record. Parameters by position.",
        "Remove um registro de tempo. Parâmetros por posição.",
        &[TASKID, ITEMID],
        by_id,
        handler!(delete),
    );
}

fn render(ctx: &Ctx, e: &ElapsedItem) -> Value {
    let at = |t: i64| format_datetime(t, ctx.clock.offset);
    json!({
        "ID": e.id.to_string(),
        "TASK_ID": e.task_id.to_string(),
        "USER_ID": e.user_id.to_string(),
        "COMMENT_TEXT": e.comment_text,
        "SECONDS": e.seconds.to_string(),
        "MINUTES": (e.seconds / 60).to_string(),
        "SOURCE": "2",
        "CREATED_DATE": at(e.created_date),
        "DATE_START": at(e.created_date - e.seconds),
        "DATE_STOP": at(e.created_date),
    })
}

/// Applies `ARFIELDS`: `SECONDS` a positive integer, `USER_ID` someone else
/// only for administrators.
fn apply_fields(
    ctx: &Ctx,
    e: &mut ElapsedItem,
    fields: &ParamMap,
    method: &str,
) -> Result<(), ApiError> {
    if let Some(seconds) = fields.get("SECONDS") {
        e.seconds = value_as_i64(seconds).filter(|s| *s > 0).ok_or_else(|| {
            wrong_argument(method, 1, "arFields", "SECONDS must be a positive integer")
        })?;
    }
    if let Some(text) = fields.get("COMMENT_TEXT") {
        e.comment_text = value_as_string(text).unwrap_or_default();
        super::positional::bounded(
            "COMMENT_TEXT",
            &e.comment_text,
            portico_store::sizes::MAX_TEXT_CHARS,
        )?;
    }
    if let Some(user) = fields.get("USER_ID").and_then(value_as_i64) {
        if user != e.user_id && !ctx.caller.user.is_admin {
            return Err(action_failed());
        }
        e.user_id = user;
    }
    Ok(())
}

async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let args = positional(&params);
    let method = "ctaskelapseditem::add";
    let task_id = int_arg(&args, 0, "taskId", method)?;
    let fields = array_arg(&args, 1, "arFields", method, &FIELD_KEYS)?.unwrap_or_default();
    let task = visible_task(&ctx, task_id)
        .await?
        .ok_or_else(action_failed)?;
    if !may(&ctx, &task, "ELAPSEDTIME.ADD") {
        return Err(action_failed());
    }
    for required in ["SECONDS", "COMMENT_TEXT"] {
        if !fields.contains_key(required) {
            return Err(wrong_argument(
                method,
                1,
                "arFields",
                &format!("must contain key \"{required}\""),
            ));
        }
    }
    let mut item = ElapsedItem {
        id: 0,
        task_id,
        user_id: ctx.caller.user.id,
        comment_text: String::new(),
        seconds: 0,
        created_date: ctx.clock.now(),
    };
    apply_fields(&ctx, &mut item, &fields, method)?;
    let id = ctx
        .store
        .add_elapsed_item(item)
        .await
        .map_err(store_error)?
        .ok_or_else(action_failed)?;
    Ok(MethodOutput::value(Value::from(id)))
}

/// Whether `e` passes one `FILTER` entry (`ID`, `USER_ID`, `CREATED_DATE`
/// with `!`, `<`, `<=`, `>`, `>=`).
fn passes(ctx: &Ctx, e: &ElapsedItem, field: &str, op: FilterOp, value: &Value) -> bool {
    let actual = match field {
        "ID" => e.id,
        "USER_ID" => e.user_id,
        _ => e.created_date,
    };
    let wanted = if field == "CREATED_DATE" {
        value_as_string(value).and_then(|s| parse_datetime(&s, ctx.clock.offset))
    } else {
        value_as_i64(value)
    };
    let Some(wanted) = wanted else {
        return false;
    };
    match op {
        FilterOp::NotEq => actual != wanted,
        FilterOp::Lt => actual < wanted,
        FilterOp::Lte => actual <= wanted,
        FilterOp::Gt => actual > wanted,
        FilterOp::Gte => actual >= wanted,
        _ => actual == wanted,
    }
}

async fn get_list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let args = positional(&params);
    let method = "ctaskelapseditem::getlist";
    let task_id = int_arg(&args, 0, "taskId", method)?;
    let order = array_arg(&args, 1, "arOrder", method, &ORDER_KEYS)?;
    let filter = args.get(2).and_then(|v| php_array(v)).unwrap_or_default();
    let mut conditions = Vec::new();
    for (key, value) in filter.iter() {
        let parsed = parse_filter_key(key).ok();
        let (op, field) = parsed.map_or((FilterOp::Eq, String::new()), |(op, f)| {
            (op, f.to_ascii_uppercase())
        });
        if !matches!(
            op,
            FilterOp::Eq
                | FilterOp::NotEq
                | FilterOp::Lt
                | FilterOp::Lte
                | FilterOp::Gt
                | FilterOp::Gte
        ) || !matches!(field.as_str(), "ID" | "USER_ID" | "CREATED_DATE")
        {
            return Err(wrong_argument(
                method,
                2,
                "arFilter",
                &format!("must not contain key \"{key}\""),
            ));
        }
        conditions.push((field, op, value.clone()));
    }
    let nav = args.get(4).and_then(|v| php_array(v)).and_then(|p| {
        p.get("NAV_PARAMS")
            .and_then(|n| php_array(n).map(|m| m.into_owned()))
    });
    visible_task(&ctx, task_id)
        .await?
        .ok_or_else(action_failed)?;
    let mut items: Vec<ElapsedItem> = ctx
        .store
        .elapsed_items(task_id)
        .await
        .map_err(store_error)?
        .into_iter()
        .filter(|e| {
            conditions
                .iter()
                .all(|(f, op, v)| passes(&ctx, e, f, *op, v))
        })
        .collect();
    let (key, descending) = order_of(order.as_deref(), false);
    items.sort_by_key(|e| match key.as_deref() {
        Some("USER_ID") => (e.user_id, e.id),
        Some("SECONDS" | "MINUTES") => (e.seconds, e.id),
        Some("CREATED_DATE") => (e.created_date, e.id),
        _ => (e.id, e.id),
    });
    if descending {
        items.reverse();
    }
    let total = items.len() as i64;
    let size = nav
        .as_ref()
        .and_then(|n| n.get("nPageSize").and_then(value_as_i64))
        .map_or(PAGE, |s| s.clamp(1, PAGE));
    let page = nav
        .as_ref()
        .and_then(|n| n.get("iNumPage").and_then(value_as_i64))
        .unwrap_or(1)
        .max(1);
    let rows: Vec<Value> = items
        .iter()
        .skip(((page - 1) * size) as usize)
        .take(size as usize)
        .map(|e| render(&ctx, e))
        .collect();
    let mut out = MethodOutput::value(Value::Array(rows));
    out.total = Some(total);
    Ok(out)
}

/// The visible task and record `ITEMID` of `method`.
async fn item_of(
    ctx: &Ctx,
    params: &Params,
    method: &str,
) -> Result<(Record, ElapsedItem), ApiError> {
    let args = positional(params);
    let task_id = int_arg(&args, 0, "taskId", method)?;
    let id = int_arg(&args, 1, "itemId", method)?;
    let task = visible_task(ctx, task_id)
        .await?
        .ok_or_else(action_failed)?;
    let item = ctx
        .store
        .elapsed_items(task_id)
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or_else(action_failed)?;
    Ok((task, item))
}

/// A record is changed by its user, the task's creator or an administrator.
fn may_change(ctx: &Ctx, task: &Record, item: &ElapsedItem) -> bool {
    item.user_id == ctx.caller.user.id || caller_roles(ctx, task).directs()
}

async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, item) = item_of(&ctx, &params, "ctaskelapseditem::get").await?;
    Ok(MethodOutput::value(render(&ctx, &item)))
}

async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let method = "ctaskelapseditem::update";
    let args = positional(&params);
    let fields = array_arg(&args, 2, "arFields", method, &FIELD_KEYS)?.unwrap_or_default();
    let (task, mut item) = item_of(&ctx, &params, method).await?;
    if !may_change(&ctx, &task, &item) {
        return Err(action_failed());
    }
    apply_fields(&ctx, &mut item, &fields, method)?;
    if !ctx
        .store
        .update_elapsed_item(item)
        .await
        .map_err(store_error)?
    {
        return Err(action_failed());
    }
    Ok(MethodOutput::value(Value::Bool(true)))
}

async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (task, item) = item_of(&ctx, &params, "ctaskelapseditem::delete").await?;
    if !may_change(&ctx, &task, &item) {
        return Err(action_failed());
    }
    ctx.store
        .delete_elapsed_item(item.task_id, item.id)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(Value::Bool(true)))
}
