//! `tasks.task.add`, `update`, `get`, `list`, `delete`, `getFields`: the
//! controller methods over the task store, with the checks of the core
//! (title, responsible person, parent task, plan dates) and of [`access`].

use portico_protocol::params::{php_array, ParamMap, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::tasks::TASK;
use portico_store::{FieldValue, ListQuery, Record};
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::tasks::input::{self, TaskInput};
use crate::tasks::render::{self, People, TaskSelect};
use crate::tasks::{
    access, core_error, exact, filter, missing_param, not_allowed, not_an_array, task_id,
    visible_task, SCOPE,
};
use crate::values::store_error;

/// Rows per page.
const PAGE: i64 = 50;

const TASK_ID: ParamSpec = ParamSpec {
    name: "taskId",
    kind: "integer",
    required: true,
    description: "Task ID.",
    description_pt: "ID da tarefa.",
};
const FIELDS: ParamSpec = ParamSpec {
    name: "fields",
    kind: "object",
    required: true,
    description: "Task fields in UPPER_SNAKE (TITLE, RESPONSIBLE_ID, DEADLINE, AUDITORS, UF_CRM_TASK, …).",
    description_pt: "Campos da tarefa em UPPER_SNAKE (TITLE, RESPONSIBLE_ID, DEADLINE, AUDITORS, UF_CRM_TASK, …).",
};
const SELECT: ParamSpec = ParamSpec {
    name: "select",
    kind: "array",
    required: false,
    description: "Fields to return (UPPER names); empty or * for all standard fields.",
    description_pt:
        "Campos a retornar (nomes em maiúsculas); vazio ou * para todos os campos padrão.",
};
const LIST_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "filter",
        kind: "object",
        required: false,
        description: "Conditions, e.g. {\"RESPONSIBLE_ID\": 1, \"!REAL_STATUS\": 5}; prefixes !, <, <=, >, >=, %.",
        description_pt: "Condições, p. ex. {\"RESPONSIBLE_ID\": 1, \"!REAL_STATUS\": 5}; prefixos !, <, <=, >, >=, %.",
    },
    ParamSpec {
        name: "order",
        kind: "object",
        required: false,
        description: "Sort, e.g. {\"ID\": \"asc\"}; default ID desc.",
        description_pt: "Ordenação, p. ex. {\"ID\": \"asc\"}; padrão ID desc.",
    },
    SELECT,
    ParamSpec {
        name: "start",
        kind: "integer",
        required: false,
        description: "Offset of the page (50 rows); -1 skips counting.",
        description_pt: "Deslocamento da página (50 linhas); -1 dispensa a contagem.",
    },
];

/// Declares the task record methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "tasks.task.add",
        "Creates a task and returns it.",
        "Cria uma tarefa e a retorna.",
        &[FIELDS],
        r#"{"fields": {"TITLE": "Call back", "RESPONSIBLE_ID": 1}}"#,
        handler!(add),
    );
    s.method(
        "tasks.task.update",
        "Changes the given fields of a task and returns it.",
        "Altera os campos informados de uma tarefa e a retorna.",
        &[TASK_ID, FIELDS],
        r#"{"taskId": 1, "fields": {"PRIORITY": 2}}"#,
        handler!(update),
    );
    s.method(
        "tasks.task.get",
        "Returns a task; [] when it does not exist or is not visible.",
        "Retorna uma tarefa; [] quando ela não existe ou não é visível.",
        &[TASK_ID, SELECT],
        r#"{"taskId": 1}"#,
        handler!(get),
    );
    s.method(
        "tasks.task.list",
        "Lists the tasks the caller may see, 50 per page.",
        "Lista as tarefas que o usuário pode ver, 50 por página.",
        LIST_PARAMS,
        r#"{"filter": {"!REAL_STATUS": 5}, "select": ["ID", "TITLE", "STATUS"], "order": {"ID": "desc"}}"#,
        handler!(list),
    );
    s.method(
        "tasks.task.delete",
        "Deletes a task.",
        "Remove uma tarefa.",
        &[TASK_ID],
        r#"{"taskId": 1}"#,
        handler!(delete),
    );
    s.method(
        "tasks.task.getfields",
        "Describes the task fields.",
        "Descreve os campos da tarefa.",
        &[],
        r#"{}"#,
        handler!(get_fields),
    );
}

/// `fields` as a non-empty PHP array.
pub fn fields_param(params: &Params) -> Result<ParamMap, ApiError> {
    let v = exact(params, "fields").ok_or_else(|| missing_param("fields"))?;
    let map = php_array(v).ok_or_else(|| not_an_array("fields", v))?;
    if map.is_empty() {
        return Err(missing_param("fields"));
    }
    Ok(map.into_owned())
}

async fn user_exists(ctx: &Ctx, id: i64) -> Result<bool, ApiError> {
    Ok(ctx
        .store
        .user_by_id(id)
        .await
        .map_err(store_error)?
        .is_some())
}

/// Checks what the core checks on every write: the responsible person
/// exists, the parent task exists and is no descendant of `id`, plan dates
/// are in order.
async fn check_write(ctx: &Ctx, input: &mut TaskInput, id: Option<i64>) -> Result<(), ApiError> {
    if let Some(FieldValue::Int(r)) = input.get("RESPONSIBLE_ID").cloned() {
        if !user_exists(ctx, r).await? {
            input
                .errors
                .push("User specified in the \"Responsible\" field not found".into());
        }
    }
    if let Some(FieldValue::Int(parent)) = input.get("PARENT_ID").cloned() {
        if Some(parent) == id {
            input.errors.push("Cannot bind the node to itself".into());
        } else {
            let mut cursor = ctx.store.get_task(parent).await.map_err(store_error)?;
            if cursor.is_none() {
                input
                    .errors
                    .push("Task specified in the \"Parent Task\" field not found".into());
            }
            let mut hops = 0;
            while let (Some(t), Some(id)) = (&cursor, id) {
                let up = render::int_of(render::field(t, "PARENT_ID"));
                if up == Some(id) {
                    input
                        .errors
                        .push("Creating cyclic links in tasks is prohibited".into());
                    break;
                }
                hops += 1;
                cursor = match up {
                    Some(p) if hops < 1000 => ctx.store.get_task(p).await.map_err(store_error)?,
                    _ => None,
                };
            }
        }
    }
    if let (Some(FieldValue::Int(start)), Some(FieldValue::Int(end))) =
        (input.get("START_DATE_PLAN"), input.get("END_DATE_PLAN"))
    {
        if end < start {
            input
                .errors
                .push("The end date in scheduling is earlier than the start date".into());
        }
    }
    if input.errors.is_empty() {
        Ok(())
    } else {
        Err(core_error(&input.errors))
    }
}

/// Reads task `id` back after a write, as `{"task": …}`.
pub async fn answer(ctx: &Ctx, id: i64) -> Result<MethodOutput, ApiError> {
    let task = ctx
        .store
        .get_task(id)
        .await
        .map_err(store_error)?
        .ok_or_else(not_allowed)?;
    Ok(MethodOutput::value(render::task_answer(ctx, &task).await?))
}

/// `tasks.task.add`.
pub async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let fields = fields_param(&params)?;
    let mut input = input::parse(&fields, ctx.clock.offset, |key| ctx.ignored("fields", key));
    let me = ctx.caller.user.id;
    if !matches!(input.get("TITLE"), Some(FieldValue::Text(t)) if !t.is_empty()) {
        input.errors.insert(0, "Task title is not specified".into());
    }
    if !matches!(input.get("RESPONSIBLE_ID"), Some(FieldValue::Int(_))) {
        input.errors.push("Responsible person not specified".into());
    }
    if !input.errors.is_empty() {
        return Err(core_error(&input.errors));
    }
    input.set_default("CREATED_BY", FieldValue::Int(me));
    let mine = |n: &str| input.get(n) == Some(&FieldValue::Int(me));
    if !ctx.caller.user.is_admin && !mine("CREATED_BY") && !mine("RESPONSIBLE_ID") {
        return Err(ApiError::from_code(ErrorCode::TaskCreateDenied));
    }
    check_write(&ctx, &mut input, None).await?;
    let bbcode_off = input.get("DESCRIPTION_IN_BBCODE") == Some(&FieldValue::Text("N".into()))
        && matches!(input.get("DESCRIPTION"), Some(FieldValue::Text(d)) if d.contains('<'));
    input.set(
        "DESCRIPTION_IN_BBCODE",
        FieldValue::Text(if bbcode_off { "N" } else { "Y" }.into()),
    );
    let now = ctx.clock.now();
    for (name, value) in [
        ("STATUS", FieldValue::Int(2)),
        ("PRIORITY", FieldValue::Int(1)),
        ("DESCRIPTION", FieldValue::Text(String::new())),
        ("GROUP_ID", FieldValue::Int(0)),
        ("STAGE_ID", FieldValue::Int(0)),
        ("TIME_ESTIMATE", FieldValue::Int(0)),
        ("DURATION_TYPE", FieldValue::Text("days".into())),
        ("SITE_ID", FieldValue::Text("s1".into())),
    ] {
        input.set_default(name, value);
    }
    for flag in [
        "ALLOW_CHANGE_DEADLINE",
        "ALLOW_TIME_TRACKING",
        "TASK_CONTROL",
        "ADD_IN_REPORT",
        "MATCH_WORK_TIME",
        "REPLICATE",
        "MULTITASK",
    ] {
        input.set_default(flag, FieldValue::Text("N".into()));
    }
    let mut values = input.values;
    for (name, value) in [
        ("CREATED_DATE", FieldValue::Int(now)),
        ("CHANGED_DATE", FieldValue::Int(now)),
        ("CHANGED_BY", FieldValue::Int(me)),
        ("ACTIVITY_DATE", FieldValue::Int(now)),
        ("STATUS_CHANGED_DATE", FieldValue::Int(now)),
        ("STATUS_CHANGED_BY", FieldValue::Int(me)),
    ] {
        values.push((TASK.index_of(name).expect("task field"), value));
    }
    let id = ctx
        .store
        .insert_task(values, ctx.event_stamp())
        .await
        .map_err(store_error)?;
    answer(&ctx, id).await
}

/// Writes `changes` to `task` with the stamps of a change by the caller
/// (`STATUS_CHANGED_*` when the status changes) and answers the task.
pub async fn write_changes(
    ctx: &Ctx,
    task: &Record,
    mut changes: TaskInput,
) -> Result<MethodOutput, ApiError> {
    let now = ctx.clock.now();
    let me = FieldValue::Int(ctx.caller.user.id);
    if let Some(status) = changes.get("STATUS").cloned() {
        if &status != render::field(task, "STATUS") {
            changes.set("STATUS_CHANGED_DATE", FieldValue::Int(now));
            changes.set("STATUS_CHANGED_BY", me.clone());
        }
    }
    changes.set("CHANGED_DATE", FieldValue::Int(now));
    changes.set("CHANGED_BY", me);
    changes.set("ACTIVITY_DATE", FieldValue::Int(now));
    let found = ctx
        .store
        .update_task(task.id, changes.values, ctx.event_stamp())
        .await
        .map_err(store_error)?;
    if !found {
        return Err(not_allowed());
    }
    answer(ctx, task.id).await
}

/// `tasks.task.update`.
pub async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = task_id(&params)?;
    let fields = fields_param(&params)?;
    let task = visible_task(&ctx, id).await?.ok_or_else(not_allowed)?;
    if !access::may(&ctx, &task, "EDIT") {
        return Err(not_allowed());
    }
    let mut input = input::parse(&fields, ctx.clock.offset, |key| ctx.ignored("fields", key));
    if matches!(input.get("TITLE"), Some(FieldValue::Text(t)) if t.is_empty()) {
        input.errors.insert(0, "Task title is not specified".into());
    }
    if !input.errors.is_empty() {
        return Err(core_error(&input.errors));
    }
    check_write(&ctx, &mut input, Some(id)).await?;
    write_changes(&ctx, &task, input).await
}

/// `tasks.task.get`: `{"task": …}`, or `[]` for a missing or invisible task.
pub async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = task_id(&params)?;
    let names = filter::select_names(exact(&params, "select"))?;
    let Some(task) = visible_task(&ctx, id).await? else {
        return Ok(MethodOutput::value(Value::Array(Vec::new())));
    };
    let select = TaskSelect::from_names(&names);
    let people = People::load(&ctx, std::slice::from_ref(&task)).await?;
    let mut row = render::render_task(&ctx, &task, &select, &people);
    if !select.full {
        if let Value::Object(m) = &mut row {
            m.insert("favorite".into(), Value::String("N".into()));
        }
    }
    Ok(MethodOutput::value(json!({ "task": row })))
}

/// `tasks.task.list`: the tasks the caller sees, `{"tasks": […]}` with
/// `total` and `next` (none of them for `start=-1`).
pub async fn list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let mut filter_map = match exact(&params, "filter") {
        None => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(v) => Some(
            php_array(v)
                .ok_or_else(|| not_an_array("filter", v))?
                .into_owned(),
        ),
    };
    let mut conditions = match filter_map.as_mut() {
        Some(map) => filter::scrum_conditions(&ctx, map).await?,
        None => Vec::new(),
    };
    conditions.extend(filter::resolve_filter(filter_map.as_ref(), &ctx)?);
    conditions.extend(access::visibility(&ctx).await?);
    let order = filter::resolve_order(exact(&params, "order"))?;
    let names = filter::select_names(exact(&params, "select"))?;
    let start = params
        .map()
        .get("start")
        .and_then(portico_protocol::params::value_as_i64)
        .unwrap_or(0)
        .max(-1);
    let offset = if start > 0 { start / PAGE * PAGE } else { 0 };
    let query = ListQuery {
        conditions,
        order,
        offset: offset as u64,
        limit: PAGE as u64,
        count_total: start >= 0,
        with_multi: false,
        with_uf: false,
    };
    let page = ctx.store.list_tasks(&query).await.map_err(store_error)?;
    let select = TaskSelect::from_names(&names);
    let people = People::load(&ctx, &page.records).await?;
    let rows: Vec<Value> = page
        .records
        .iter()
        .map(|t| render::render_task(&ctx, t, &select, &people))
        .collect();
    let total = page.total.map(|t| t as i64);
    let after = offset + rows.len() as i64;
    let next = total.filter(|t| after < *t).map(|_| after);
    Ok(MethodOutput {
        result: json!({ "tasks": rows }),
        total,
        next,
        result_json: None,
    })
}

/// `tasks.task.delete`: `{"task": true}`.
pub async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = task_id(&params)?;
    let denied = || {
        ApiError::new(
            ErrorCode::TaskActionNotAllowed,
            "No access to delete the task",
        )
    };
    let task = visible_task(&ctx, id).await?.ok_or_else(denied)?;
    if !access::may(&ctx, &task, "REMOVE") {
        return Err(denied());
    }
    ctx.store
        .delete_task(id, ctx.event_stamp())
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!({ "task": true })))
}

/// `tasks.task.getFields`: `{"fields": {"ID": {"title", "type", …}}}`.
pub async fn get_fields(_ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let mut fields = Map::new();
    for f in TASK.fields {
        let kind = match (f.name, f.kind.wire_name()) {
            ("ACCOMPLICES" | "AUDITORS", _) => "array",
            ("TAGS" | "UF_CRM_TASK", _) => "array",
            ("MARK" | "DESCRIPTION_IN_BBCODE", _) => "enum",
            ("PRIORITY" | "STATUS", _) => "enum",
            (_, "char") => "enum",
            (_, "user") => "integer",
            (_, other) => other,
        };
        let mut d = Map::new();
        d.insert("title".into(), Value::String(f.title.into()));
        d.insert("type".into(), Value::String(kind.into()));
        if f.name == "ID" {
            d.insert("primary".into(), Value::Bool(true));
        }
        if f.required {
            d.insert("required".into(), Value::Bool(true));
        }
        if f.read_only && f.name != "ID" {
            d.insert("readonly".into(), Value::Bool(true));
        }
        fields.insert(f.name.into(), Value::Object(d));
    }
    Ok(MethodOutput::value(json!({ "fields": fields })))
}
