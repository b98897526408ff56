//! The legacy positional checklist methods `task.checklistitem.add`,
//! `getlist`, `get`, `update`, `delete`, `complete`, `renew`: parameters by
//! position (`TASKID`, `ITEMID`, `FIELDS`), UPPER_SNAKE rows with ids as
//! strings (a root item's `PARENT_ID` is the number `0`). Whoever sees the
//! task reads its checklist; those who work on it (creator, responsible,
//! accomplices, administrators) add, change, tick and delete items.

use portico_protocol::envelope::format_datetime;
use portico_protocol::params::{value_as_bool, value_as_i64, value_as_string, ParamMap, Params};
use portico_protocol::ApiError;
use portico_store::{ChecklistItem, Record};
use serde_json::{json, Value};

use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::tasks::access::may;
use crate::tasks::positional::{
    action_failed, array_arg, int_arg, not_allowed, order_of, positional, wrong_value,
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
    description: "Checklist item ID (second positional parameter).",
    description_pt: "ID do item do checklist (segundo parâmetro posicional).",
};
const FIELDS: ParamSpec = ParamSpec {
    name: "FIELDS",
    kind: "object",
    required: true,
    description: "{TITLE, SORT_INDEX, IS_COMPLETE (Y/N), IS_IMPORTANT (Y/N), PARENT_ID, MEMBERS}.",
    description_pt:
        "{TITLE, SORT_INDEX, IS_COMPLETE (Y/N), IS_IMPORTANT (Y/N), PARENT_ID, MEMBERS}.",
};

/// Keys `FIELDS` may hold.
const FIELD_KEYS: [&str; 6] = [
    "TITLE",
    "SORT_INDEX",
    "IS_COMPLETE",
    "IS_IMPORTANT",
    "PARENT_ID",
    "MEMBERS",
];

/// Keys `ORDER` of `getlist` may hold.
const ORDER_KEYS: [&str; 9] = [
    "ID",
    "PARENT_ID",
    "CREATED_BY",
    "TITLE",
    "SORT_INDEX",
    "IS_COMPLETE",
    "IS_IMPORTANT",
    "TOGGLED_BY",
    "TOGGLED_DATE",
];

/// The action that lets a caller change a task's checklist.
const CHANGE: &str = "CHECKLIST.ADD";

/// Declares the checklist methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    let by_id = r#"{"TASKID": 1, "ITEMID": 1}"#;
    s.method(
        "task.checklistitem.add",
        "Adds a checklist item to a task; returns its ID. Parameters by position: TASKID, FIELDS.",
        "Adiciona um item de checklist a uma tarefa; retorna seu ID. Parâmetros por posição: TASKID, FIELDS.",
        &[TASKID, FIELDS],
        r#"{"TASKID": 1, "FIELDS": {"TITLE": "Call the client", "IS_COMPLETE": "N"}}"#,
        handler!(add),
    );
    s.method(
        "task.checklistitem.getlist",
        "Lists the checklist items of a task. Parameters by position: TASKID, ORDER.",
        "Lista os itens de checklist de uma tarefa. Parâmetros por posição: TASKID, ORDER.",
        &[TASKID],
        r#"{"TASKID": 1, "ORDER": {"SORT_INDEX": "asc"}}"#,
        handler!(get_list),
    );
    s.method(
        "task.checklistitem.get",
        "Returns one checklist item of a task. Parameters by position.",
        "Retorna um item de checklist de uma tarefa. Parâmetros por posição.",
        &[TASKID, ITEMID],
        by_id,
        handler!(get),
    );
    s.method(
        "task.checklistitem.update",
        "Changes a checklist item. Parameters by position: TASKID, ITEMID, FIELDS.",
        "Altera um item de checklist. Parâmetros por posição: TASKID, ITEMID, FIELDS.",
        &[TASKID, ITEMID, FIELDS],
        r#"{"TASKID": 1, "ITEMID": 1, "FIELDS": {"TITLE": "Call the client today"}}"#,
        handler!(update),
    );
    s.method(
        "task.checklistitem.delete",
        "Deletes a checklist item and the items under it. Parameters by position.",
        "Remove um item de checklist e os itens abaixo dele. Parâmetros por posição.",
        &[TASKID, ITEMID],
        by_id,
        handler!(delete),
    );
    s.method(
        "task.checklistitem.complete",
        "Marks a checklist item done. Parameters by position.",
        "Marca um item de checklist como concluído. Parâmetros por posição.",
        &[TASKID, ITEMID],
        by_id,
        handler!(complete),
    );
    s.method(
        "task.checklistitem.renew",
        "Marks a done checklist item as open again. Parameters by position.",
        "Marca um item de checklist concluído como aberto novamente. Parâmetros por posição.",
        &[TASKID, ITEMID],
        by_id,
        handler!(renew),
    );
}

fn render(ctx: &Ctx, item: &ChecklistItem) -> Value {
    let parent = if item.parent_id == 0 {
        json!(0)
    } else {
        json!(item.parent_id.to_string())
    };
    let flag = |b: bool| if b { "Y" } else { "N" };
    json!({
        "ID": item.id.to_string(),
        "TASK_ID": item.task_id.to_string(),
        "PARENT_ID": parent,
        "CREATED_BY": item.created_by.to_string(),
        "TITLE": item.title,
        "SORT_INDEX": item.sort_index.to_string(),
        "IS_COMPLETE": flag(item.is_complete),
        "IS_IMPORTANT": flag(item.is_important),
        "TOGGLED_BY": item.toggled_by.map(|u| u.to_string()),
        "TOGGLED_DATE": item.toggled_date.map(|t| format_datetime(t, ctx.clock.offset)),
        "MEMBERS": [],
        "ATTACHMENTS": [],
    })
}

/// The visible task `task_id` and its checklist.
async fn task_and_items(ctx: &Ctx, task_id: i64) -> Result<(Record, Vec<ChecklistItem>), ApiError> {
    let task = visible_task(ctx, task_id)
        .await?
        .ok_or_else(action_failed)?;
    let items = ctx
        .store
        .checklist_items(task_id)
        .await
        .map_err(store_error)?;
    Ok((task, items))
}

/// Applies `FIELDS` to `item`: a blank title and a parent outside the
/// task's checklist (or the item itself) are refused.
fn apply_fields(
    ctx: &Ctx,
    item: &mut ChecklistItem,
    fields: &ParamMap,
    items: &[ChecklistItem],
) -> Result<(), ApiError> {
    if let Some(title) = fields.get("TITLE") {
        item.title = value_as_string(title).unwrap_or_default().trim().to_owned();
    }
    if item.title.is_empty() {
        return Err(wrong_value("Item name not specified"));
    }
    super::positional::bounded("TITLE", &item.title, portico_store::sizes::MAX_STRING_CHARS)?;
    if let Some(sort) = fields.get("SORT_INDEX").and_then(value_as_i64) {
        item.sort_index = sort;
    }
    if let Some(important) = fields.get("IS_IMPORTANT") {
        item.is_important = value_as_bool(important).unwrap_or(false);
    }
    if let Some(complete) = fields.get("IS_COMPLETE") {
        set_complete(ctx, item, value_as_bool(complete).unwrap_or(false));
    }
    if let Some(parent) = fields.get("PARENT_ID") {
        let parent = value_as_i64(parent).unwrap_or(0).max(0);
        if parent != 0 && (parent == item.id || !items.iter().any(|i| i.id == parent)) {
            return Err(wrong_value("Parent item not found"));
        }
        item.parent_id = parent;
    }
    Ok(())
}

fn set_complete(ctx: &Ctx, item: &mut ChecklistItem, complete: bool) {
    if item.is_complete != complete {
        item.is_complete = complete;
        item.toggled_by = Some(ctx.caller.user.id);
        item.toggled_date = Some(ctx.clock.now());
    }
}

async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let args = positional(&params);
    let method = "ctaskchecklistitem::add";
    let task_id = int_arg(&args, 0, "taskId", method)?;
    let fields = array_arg(&args, 1, "arFields", method, &FIELD_KEYS)?.unwrap_or_default();
    let (task, items) = task_and_items(&ctx, task_id).await?;
    if !may(&ctx, &task, CHANGE) {
        return Err(not_allowed("Adding item"));
    }
    let mut item = ChecklistItem {
        id: 0,
        task_id,
        parent_id: 0,
        created_by: ctx.caller.user.id,
        title: String::new(),
        sort_index: 0,
        is_complete: false,
        is_important: false,
        toggled_by: None,
        toggled_date: None,
    };
    apply_fields(&ctx, &mut item, &fields, &items)?;
    if fields.get("SORT_INDEX").is_none() {
        item.sort_index = items
            .iter()
            .filter(|i| i.parent_id == item.parent_id)
            .map(|i| i.sort_index + 1)
            .max()
            .unwrap_or(0);
    }
    let id = ctx
        .store
        .add_checklist_item(item, ctx.event_stamp())
        .await
        .map_err(store_error)?
        .ok_or_else(action_failed)?;
    Ok(MethodOutput::value(Value::from(id)))
}

async fn get_list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let args = positional(&params);
    let method = "ctaskchecklistitem::getlist";
    let task_id = int_arg(&args, 0, "taskId", method)?;
    let order = array_arg(&args, 1, "arOrder", method, &ORDER_KEYS)?;
    let (_, mut items) = task_and_items(&ctx, task_id).await?;
    let (key, descending) = order_of(order.as_deref(), false);
    if let Some(key) = key {
        items.sort_by(|a, b| {
            let by = match key.as_str() {
                "ID" => a.id.cmp(&b.id),
                "PARENT_ID" => a.parent_id.cmp(&b.parent_id),
                "CREATED_BY" => a.created_by.cmp(&b.created_by),
                "TITLE" => a.title.cmp(&b.title),
                "IS_COMPLETE" => a.is_complete.cmp(&b.is_complete),
                "IS_IMPORTANT" => a.is_important.cmp(&b.is_important),
                "TOGGLED_BY" => a.toggled_by.cmp(&b.toggled_by),
                "TOGGLED_DATE" => a.toggled_date.cmp(&b.toggled_date),
                _ => a.sort_index.cmp(&b.sort_index),
            };
            by.then(a.id.cmp(&b.id))
        });
        if descending {
            items.reverse();
        }
    }
    let rows = items.iter().map(|i| render(&ctx, i)).collect();
    Ok(MethodOutput::value(Value::Array(rows)))
}

/// Task and item ids of `method`, the task (visible) and the item.
async fn item_of(
    ctx: &Ctx,
    params: &Params,
    method: &str,
) -> Result<(Record, ChecklistItem, Vec<ChecklistItem>), ApiError> {
    let args = positional(params);
    let task_id = int_arg(&args, 0, "taskId", method)?;
    let id = int_arg(&args, 1, "itemId", method)?;
    let (task, items) = task_and_items(ctx, task_id).await?;
    let item = items
        .iter()
        .find(|i| i.id == id)
        .cloned()
        .ok_or_else(action_failed)?;
    Ok((task, item, items))
}

async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, item, _) = item_of(&ctx, &params, "ctaskchecklistitem::get").await?;
    Ok(MethodOutput::value(render(&ctx, &item)))
}

/// Stores `item` when the caller may change the task's checklist.
async fn save(ctx: &Ctx, task: &Record, item: ChecklistItem) -> Result<MethodOutput, ApiError> {
    if !may(ctx, task, CHANGE) {
        return Err(action_failed());
    }
    let found = ctx
        .store
        .update_checklist_item(item)
        .await
        .map_err(store_error)?;
    if !found {
        return Err(action_failed());
    }
    Ok(MethodOutput::value(Value::Bool(true)))
}

async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let method = "ctaskchecklistitem::update";
    let args = positional(&params);
    let fields = array_arg(&args, 2, "arFields", method, &FIELD_KEYS)?.unwrap_or_default();
    let (task, mut item, items) = item_of(&ctx, &params, method).await?;
    apply_fields(&ctx, &mut item, &fields, &items)?;
    save(&ctx, &task, item).await
}

async fn toggle(
    ctx: Ctx,
    params: Params,
    method: &str,
    complete: bool,
) -> Result<MethodOutput, ApiError> {
    let (task, mut item, _) = item_of(&ctx, &params, method).await?;
    set_complete(&ctx, &mut item, complete);
    save(&ctx, &task, item).await
}

async fn complete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    toggle(ctx, params, "ctaskchecklistitem::complete", true).await
}

async fn renew(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    toggle(ctx, params, "ctaskchecklistitem::renew", false).await
}

async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (task, item, _) = item_of(&ctx, &params, "ctaskchecklistitem::delete").await?;
    if !may(&ctx, &task, CHANGE) {
        return Err(action_failed());
    }
    ctx.store
        .delete_checklist_item(item.task_id, item.id)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(Value::Bool(true)))
}
