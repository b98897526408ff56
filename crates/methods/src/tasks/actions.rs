//! The actions on one task: `start`, `pause`, `defer`, `complete`, `renew`,
//! `approve`, `disapprove`, `delegate`, `startwatch` / `stopwatch`, and the
//! read-only `getaccess` and `history.list`. Each status action answers the
//! task as `get` does; one the caller may not take (or on a task they cannot
//! see) is `1048582` `Action on the task is not allowed`.

use portico_protocol::params::{php_values, value_as_i64, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::tasks::{encode_list, TASK};
use portico_store::{FieldValue, Record};
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::tasks::access::{self, ACTIONS};
use crate::tasks::input::TaskInput;
use crate::tasks::render::{self, field, list_of};
use crate::tasks::task::write_changes;
use crate::tasks::{exact, missing_param, not_allowed, task_id, visible_task, SCOPE};
use crate::values::store_error;

const TASK_ID: ParamSpec = ParamSpec {
    name: "taskId",
    kind: "integer",
    required: true,
    description: "Task ID.",
    description_pt: "ID da tarefa.",
};
const USER_ID: ParamSpec = ParamSpec {
    name: "userId",
    kind: "integer",
    required: true,
    description: "The new responsible person.",
    description_pt: "O novo responsável.",
};
const USERS: ParamSpec = ParamSpec {
    name: "users",
    kind: "array",
    required: false,
    description: "User IDs to report on; the caller by default.",
    description_pt: "IDs dos usuários a consultar; por padrão, quem chama.",
};

/// Declares the action methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    let simple: [(
        &'static str,
        &'static str,
        &'static str,
        crate::registry::Handler,
    ); 7] = [
        (
            "tasks.task.start",
            "Starts a task (in progress).",
            "Inicia uma tarefa (em andamento).",
            handler!(start),
        ),
        (
            "tasks.task.pause",
            "Pauses a task in progress (pending again).",
            "Pausa uma tarefa em andamento (pendente de novo).",
            handler!(pause),
        ),
        (
            "tasks.task.defer",
            "Defers a task.",
            "Adia uma tarefa.",
            handler!(defer),
        ),
        (
            "tasks.task.complete",
            "Completes a task (awaiting control when the creator checks it).",
            "Conclui uma tarefa (aguardando controle quando o criador a verifica).",
            handler!(complete),
        ),
        (
            "tasks.task.renew",
            "Reopens a completed or deferred task.",
            "Reabre uma tarefa concluída ou adiada.",
            handler!(renew),
        ),
        (
            "tasks.task.approve",
            "Accepts a task awaiting control as completed.",
            "Aceita como concluída uma tarefa aguardando controle.",
            handler!(approve),
        ),
        (
            "tasks.task.disapprove",
            "Returns a task awaiting control for rework.",
            "Devolve para revisão uma tarefa aguardando controle.",
            handler!(disapprove),
        ),
    ];
    for (name, en, pt, h) in simple {
        s.method(name, en, pt, &[TASK_ID], r#"{"taskId": 1}"#, h);
    }
    s.method(
        "tasks.task.delegate",
        "Hands a task to another responsible person.",
        "Passa uma tarefa para outro responsável.",
        &[TASK_ID, USER_ID],
        r#"{"taskId": 1, "userId": 2}"#,
        handler!(delegate),
    );
    s.method(
        "tasks.task.startwatch",
        "Adds the caller to the task's auditors.",
        "Adiciona quem chama aos observadores da tarefa.",
        &[TASK_ID],
        r#"{"taskId": 1}"#,
        handler!(startwatch),
    );
    s.method(
        "tasks.task.stopwatch",
        "Removes the caller from the task's auditors.",
        "Remove quem chama dos observadores da tarefa.",
        &[TASK_ID],
        r#"{"taskId": 1}"#,
        handler!(stopwatch),
    );
    s.method(
        "tasks.task.getaccess",
        "Reports which actions users may take on a task.",
        "Informa quais ações os usuários podem executar em uma tarefa.",
        &[TASK_ID, USERS],
        r#"{"taskId": 1, "users": [1]}"#,
        handler!(getaccess),
    );
    s.method(
        "tasks.task.history.list",
        "Lists the changes of a task, newest first.",
        "Lista as alterações de uma tarefa, da mais recente à mais antiga.",
        &[TASK_ID],
        r#"{"taskId": 1}"#,
        handler!(history_list),
    );
}

/// The task, if the caller sees it and may take `action` on it.
async fn task_for(ctx: &Ctx, params: &Params, action: &str) -> Result<Record, ApiError> {
    let id = task_id(params)?;
    let task = visible_task(ctx, id).await?.ok_or_else(not_allowed)?;
    if access::may(ctx, &task, action) {
        Ok(task)
    } else {
        Err(not_allowed())
    }
}

/// Moves a task to `status`, with `extra` changes.
async fn to_status(
    ctx: Ctx,
    params: Params,
    action: &str,
    status: impl Fn(&Ctx, &Record) -> i64,
    extra: impl Fn(&Ctx, &Record, &mut TaskInput),
) -> Result<MethodOutput, ApiError> {
    let task = task_for(&ctx, &params, action).await?;
    let mut changes = TaskInput::default();
    let new_status = status(&ctx, &task);
    changes.set("STATUS", FieldValue::Int(new_status));
    if matches!(new_status, 4 | 5) {
        changes.set("CLOSED_BY", FieldValue::Int(ctx.caller.user.id));
        changes.set("CLOSED_DATE", FieldValue::Int(ctx.clock.now()));
    } else {
        changes.set("CLOSED_BY", FieldValue::Null);
        changes.set("CLOSED_DATE", FieldValue::Null);
    }
    extra(&ctx, &task, &mut changes);
    write_changes(&ctx, &task, changes).await
}

fn nothing(_: &Ctx, _: &Record, _: &mut TaskInput) {}

async fn start(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    to_status(
        ctx,
        params,
        "START",
        |_, _| 3,
        |ctx, task, changes| {
            if field(task, "DATE_START").is_null() {
                changes.set("DATE_START", FieldValue::Int(ctx.clock.now()));
            }
        },
    )
    .await
}

async fn pause(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    to_status(ctx, params, "PAUSE", |_, _| 2, nothing).await
}

async fn defer(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    to_status(ctx, params, "DEFER", |_, _| 6, nothing).await
}

async fn complete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let status = |ctx: &Ctx, task: &Record| {
        let controlled = field(task, "TASK_CONTROL") == &FieldValue::Text("Y".into());
        let creator = render::int_of(field(task, "CREATED_BY")) == Some(ctx.caller.user.id);
        if controlled && !creator {
            4
        } else {
            5
        }
    };
    to_status(ctx, params, "COMPLETE", status, nothing).await
}

async fn renew(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    to_status(ctx, params, "RENEW", |_, _| 2, nothing).await
}

async fn approve(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    to_status(ctx, params, "APPROVE", |_, _| 5, nothing).await
}

async fn disapprove(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    to_status(ctx, params, "DISAPPROVE", |_, _| 2, nothing).await
}

async fn delegate(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let task = task_for(&ctx, &params, "DELEGATE").await?;
    let user = exact(&params, "userId").ok_or_else(|| missing_param("userId"))?;
    let user = value_as_i64(user)
        .filter(|u| *u > 0)
        .ok_or_else(not_allowed)?;
    if ctx
        .store
        .user_by_id(user)
        .await
        .map_err(store_error)?
        .is_none()
    {
        return Err(crate::tasks::core_error(&[
            "User specified in the \"Responsible\" field not found".into(),
        ]));
    }
    let mut changes = TaskInput::default();
    let old = render::int_of(field(&task, "RESPONSIBLE_ID"));
    changes.set("RESPONSIBLE_ID", FieldValue::Int(user));
    if let Some(old) = old.filter(|o| *o != user) {
        let mut auditors = list_of(&task, "AUDITORS");
        if !auditors.contains(&old.to_string()) {
            auditors.push(old.to_string());
        }
        changes.set(
            "AUDITORS",
            encode_list(&auditors).map_or(FieldValue::Null, FieldValue::Text),
        );
    }
    write_changes(&ctx, &task, changes).await
}

/// `startwatch` / `stopwatch`: the caller joins or leaves the auditors.
async fn watch(ctx: Ctx, params: Params, on: bool) -> Result<MethodOutput, ApiError> {
    let id = task_id(&params)?;
    let task = visible_task(&ctx, id)
        .await?
        .ok_or_else(|| ApiError::from_code(ErrorCode::TaskNotAvailable))?;
    let me = ctx.caller.user.id.to_string();
    let mut auditors = list_of(&task, "AUDITORS");
    auditors.retain(|a| *a != me);
    if on {
        auditors.push(me);
    }
    let mut changes = TaskInput::default();
    changes.set(
        "AUDITORS",
        encode_list(&auditors).map_or(FieldValue::Null, FieldValue::Text),
    );
    write_changes(&ctx, &task, changes).await
}

async fn startwatch(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    watch(ctx, params, true).await
}

async fn stopwatch(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    watch(ctx, params, false).await
}

/// `getaccess`: `{"allowedActions": {"<user>": {"ACCEPT": false, …}}}`, or
/// `{"allowedActions": []}` when the caller does not see the task.
async fn getaccess(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = task_id(&params)?;
    let Some(task) = visible_task(&ctx, id).await? else {
        return Ok(MethodOutput::value(json!({ "allowedActions": [] })));
    };
    let users: Vec<i64> = match exact(&params, "users") {
        Some(v) => php_values(v).into_iter().filter_map(value_as_i64).collect(),
        None => vec![ctx.caller.user.id],
    };
    let status = render::int_of(field(&task, "STATUS")).unwrap_or(2);
    let mut out = Map::new();
    for user in users {
        let known = ctx.store.user_by_id(user).await.map_err(store_error)?;
        let roles = match known {
            Some(u) => {
                let groups = ctx.store.groups_of_user(u.id).await.map_err(store_error)?;
                access::roles_of(u.id, u.is_admin, &groups, &task)
            }
            None => access::Roles::default(),
        };
        let actions: Map<String, Value> = ACTIONS
            .iter()
            .map(|a| {
                (
                    (*a).to_owned(),
                    Value::Bool(access::allowed(roles, a, status)),
                )
            })
            .collect();
        out.insert(user.to_string(), Value::Object(actions));
    }
    Ok(MethodOutput::value(json!({ "allowedActions": out })))
}

/// `history.list`: `{"list": […]}`, newest first unless `order` says
/// `{"createdDate": "ASC"}`; `filter` `{"FIELD": …}`; `[]` for a task the
/// caller does not see.
async fn history_list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = task_id(&params)?;
    if visible_task(&ctx, id).await?.is_none() {
        return Ok(MethodOutput::value(json!({ "list": [] })));
    }
    let only_field = exact(&params, "filter")
        .and_then(|f| f.get("FIELD"))
        .and_then(portico_protocol::params::value_as_string);
    let ascending = exact(&params, "order")
        .and_then(|o| o.get("createdDate").or_else(|| o.get("CREATED_DATE")))
        .and_then(Value::as_str)
        .is_some_and(|d| d.eq_ignore_ascii_case("asc"));
    let mut entries = ctx.store.task_history(id).await.map_err(store_error)?;
    if let Some(f) = &only_field {
        entries.retain(|e| &e.field == f);
    }
    if !ascending {
        entries.reverse();
    }
    let mut list = Vec::with_capacity(entries.len());
    for e in entries {
        let user = match e.user_id {
            Some(uid) => ctx.store.user_by_id(uid).await.map_err(store_error)?,
            None => None,
        };
        let user = user.map_or(Value::Null, |u| {
            json!({"id": u.id, "name": u.name, "lastName": u.last_name, "secondName": "", "login": u.login})
        });
        let value = |v: Option<String>| {
            let is_date = TASK
                .field(&e.field)
                .is_some_and(|f| f.kind == portico_store::FieldKind::DateTime);
            match v {
                Some(s) if is_date => s
                    .parse::<i64>()
                    .map(|secs| {
                        Value::String(portico_protocol::envelope::format_datetime(
                            secs,
                            ctx.clock.offset,
                        ))
                    })
                    .unwrap_or(Value::String(s)),
                Some(s) => Value::String(s),
                None => Value::Null,
            }
        };
        list.push(json!({
            "id": e.id,
            "createdDate": portico_protocol::envelope::format_datetime(e.created_at, ctx.clock.offset),
            "field": e.field,
            "value": {"from": value(e.from), "to": value(e.to)},
            "user": user,
        }));
    }
    Ok(MethodOutput::value(json!({ "list": list })))
}
