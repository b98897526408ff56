//! `tasks.api.scrum.sprint.*`: sprints of a workgroup. A sprint is
//! `planned`, then `active` (`start`; one active sprint per group), then
//! `completed` (`complete`, which takes the **group** id as Bitrix24 does and
//! moves the sprint's unfinished tasks back to the backlog). Deleting a
//! sprint moves its tasks to the backlog.

use portico_protocol::params::{ParamMap, Params};
use portico_protocol::ApiError;
use portico_store::scrum::{BACKLOG, SPRINT, SPRINT_STATUSES};
use portico_store::{ScrumEntity, SprintStart, StoreError};
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::tasks::render::camel;
use crate::tasks::scrum::listing::{self, Column};
use crate::tasks::scrum::{
    check_group, check_move, date_value, date_wire, fail, id_param, int_field, readable_groups,
    text_field, user_field, FIELDS, ID,
};
use crate::tasks::task::fields_param;
use crate::tasks::SCOPE;
use crate::values::store_error;

/// Fields of a sprint, as filters and `select` name them.
const SPRINT_FIELDS: [&str; 11] = [
    "ID",
    "GROUP_ID",
    "ENTITY_TYPE",
    "NAME",
    "GOAL",
    "SORT",
    "CREATED_BY",
    "MODIFIED_BY",
    "DATE_START",
    "DATE_END",
    "STATUS",
];

/// Declares the sprint methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "tasks.api.scrum.sprint.add",
        "Adds a sprint (fields groupId, dateStart, dateEnd, status planned|active|completed required; name, sort, createdBy, modifiedBy) and returns it.",
        "Adiciona um sprint (campos groupId, dateStart, dateEnd, status planned|active|completed obrigatórios; name, sort, createdBy, modifiedBy) e o retorna.",
        &[FIELDS],
        r#"{"fields": {"groupId": 1, "name": "Sprint 1", "dateStart": "2026-03-02T00:00:00+00:00", "dateEnd": "2026-03-16T00:00:00+00:00", "status": "planned"}}"#,
        handler!(add),
    );
    s.method(
        "tasks.api.scrum.sprint.get",
        "Returns a sprint.",
        "Retorna um sprint.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(get),
    );
    s.method(
        "tasks.api.scrum.sprint.update",
        "Changes the given fields of a sprint and returns it.",
        "Altera os campos informados de um sprint e o retorna.",
        &[ID, FIELDS],
        r#"{"id": 1, "fields": {"name": "Sprint 1b"}}"#,
        handler!(update),
    );
    s.method(
        "tasks.api.scrum.sprint.delete",
        "Deletes a sprint; its tasks move to the backlog.",
        "Remove um sprint; suas tarefas vão para o backlog.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(delete),
    );
    s.method(
        "tasks.api.scrum.sprint.list",
        "Lists the sprints of the groups the caller reads (filter, order, select by UPPER field names; start), 50 per page, as a plain array.",
        "Lista os sprints dos grupos que quem chama lê (filter, order, select por nomes de campo em maiúsculas; start), 50 por página, como lista simples.",
        &[ParamSpec { name: "filter", kind: "object", required: false, description: "e.g. {\"GROUP_ID\": 1, \"STATUS\": \"active\"}.", description_pt: "p. ex. {\"GROUP_ID\": 1, \"STATUS\": \"active\"}." }],
        r#"{"filter": {"GROUP_ID": 1}, "order": {"SORT": "asc"}}"#,
        handler!(list),
    );
    s.method(
        "tasks.api.scrum.sprint.start",
        "Starts a planned sprint (one active sprint per group) and returns it.",
        "Inicia um sprint planejado (um sprint ativo por grupo) e o retorna.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(start),
    );
    s.method(
        "tasks.api.scrum.sprint.complete",
        "Completes the active sprint of a group (id is the group ID); its unfinished tasks go back to the backlog. Returns the sprint.",
        "Conclui o sprint ativo de um grupo (id é o ID do grupo); suas tarefas não concluídas voltam ao backlog. Retorna o sprint.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(complete),
    );
    s.method(
        "tasks.api.scrum.sprint.getfields",
        "Describes the sprint fields.",
        "Descreve os campos do sprint.",
        &[],
        "{}",
        handler!(get_fields),
    );
}

fn columns(ctx: &Ctx, e: &ScrumEntity) -> Vec<Column> {
    let date = |name, at: Option<i64>| Column {
        name,
        wire: date_wire(ctx, at),
        key: at.map_or(Value::Null, Value::from),
    };
    vec![
        Column::plain("ID", json!(e.id)),
        Column::plain("GROUP_ID", json!(e.group_id)),
        Column::plain("ENTITY_TYPE", json!(e.entity_type)),
        Column::plain("NAME", json!(e.name)),
        Column::plain("GOAL", json!(e.goal)),
        Column::plain("SORT", json!(e.sort)),
        Column::plain("CREATED_BY", json!(e.created_by)),
        Column::plain("MODIFIED_BY", json!(e.modified_by)),
        date("DATE_START", e.date_start),
        date("DATE_END", e.date_end),
        Column::plain("STATUS", json!(e.status)),
    ]
}

/// A sprint as the methods answer it.
fn render(ctx: &Ctx, e: &ScrumEntity) -> Value {
    let map: Map<String, Value> = columns(ctx, e)
        .into_iter()
        .map(|c| (camel(c.name), c.wire))
        .collect();
    Value::Object(map)
}

/// Sprint `id` when it exists and the caller reads its group.
async fn readable(ctx: &Ctx, id: i64) -> Result<ScrumEntity, ApiError> {
    let sprint = ctx
        .store
        .scrum_entity(id)
        .await
        .map_err(store_error)?
        .filter(|e| e.entity_type == SPRINT)
        .ok_or_else(|| fail("Sprint not found"))?;
    check_group(ctx, sprint.group_id).await?;
    Ok(sprint)
}

/// `dateStart` / `dateEnd`: `Incorrect <key> format` when unreadable.
fn date_field(ctx: &Ctx, fields: &ParamMap, key: &str) -> Result<Option<i64>, ApiError> {
    match fields.get(key) {
        None => Ok(None),
        Some(v) => date_value(ctx, v)
            .map(Some)
            .ok_or_else(|| fail(&format!("Incorrect {key} format"))),
    }
}

/// `status`, one of planned / active / completed.
fn status_field(fields: &ParamMap) -> Result<Option<String>, ApiError> {
    match fields.get("status") {
        None => Ok(None),
        Some(v) => match v.as_str() {
            Some(s) if SPRINT_STATUSES.contains(&s) => Ok(Some(s.to_owned())),
            _ => Err(fail("Incorrect sprint status")),
        },
    }
}

/// `tasks.api.scrum.sprint.add`.
async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let fields = fields_param(&params)?;
    let group_id = int_field(&fields, "groupId").unwrap_or(0);
    if group_id == 0 {
        return Err(fail("Group id not found"));
    }
    check_group(&ctx, group_id).await?;
    let me = ctx.caller.user.id;
    let created_by = user_field(&ctx, &fields, "createdBy").await?.unwrap_or(me);
    let modified_by = user_field(&ctx, &fields, "modifiedBy").await?.unwrap_or(me);
    let date_start = date_field(&ctx, &fields, "dateStart")?
        .ok_or_else(|| fail("Incorrect dateStart format"))?;
    let date_end =
        date_field(&ctx, &fields, "dateEnd")?.ok_or_else(|| fail("Incorrect dateEnd format"))?;
    let status = status_field(&fields)?.ok_or_else(|| fail("Incorrect sprint status"))?;
    let mut sprint = ScrumEntity {
        id: 0,
        group_id,
        entity_type: SPRINT.to_owned(),
        name: text_field(&fields, "name").unwrap_or_default(),
        goal: String::new(),
        sort: int_field(&fields, "sort").unwrap_or(0),
        created_by,
        modified_by,
        date_start: Some(date_start),
        date_end: Some(date_end),
        status,
    };
    sprint.id = match ctx.store.insert_scrum_entity(sprint.clone()).await {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => return Err(fail("Unable to add two active sprint")),
        Err(_) => return Err(fail("Sprint not created")),
    };
    Ok(MethodOutput::value(render(&ctx, &sprint)))
}

/// `tasks.api.scrum.sprint.get`.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let sprint = readable(&ctx, id_param(&params)?).await?;
    Ok(MethodOutput::value(render(&ctx, &sprint)))
}

/// `tasks.api.scrum.sprint.update`.
async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = id_param(&params)?;
    let fields = fields_param(&params)?;
    let mut sprint = readable(&ctx, id).await?;
    if let Some(group_id) = int_field(&fields, "groupId") {
        if group_id != sprint.group_id {
            check_move(
                &ctx,
                sprint.id,
                group_id,
                "It is forbidden move a sprint with items",
            )
            .await?;
            sprint.group_id = group_id;
        }
    }
    if let Some(name) = fields.get("name").and_then(Value::as_str) {
        sprint.name = name.to_owned();
    }
    if let Some(sort) = int_field(&fields, "sort") {
        sprint.sort = sort;
    }
    if let Some(created_by) = user_field(&ctx, &fields, "createdBy").await? {
        sprint.created_by = created_by;
    }
    sprint.modified_by = user_field(&ctx, &fields, "modifiedBy")
        .await?
        .unwrap_or(ctx.caller.user.id);
    if let Some(at) = date_field(&ctx, &fields, "dateStart")? {
        sprint.date_start = Some(at);
    }
    if let Some(at) = date_field(&ctx, &fields, "dateEnd")? {
        sprint.date_end = Some(at);
    }
    if let Some(status) = status_field(&fields)? {
        sprint.status = status;
    }
    match ctx.store.update_scrum_entity(sprint.clone()).await {
        Ok(true) => Ok(MethodOutput::value(render(&ctx, &sprint))),
        Err(StoreError::Conflict(_)) => Err(fail("Unable to add two active sprint")),
        _ => Err(fail("Sprint not updated")),
    }
}

/// `tasks.api.scrum.sprint.delete`: `[]`.
async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let sprint = readable(&ctx, id_param(&params)?).await?;
    let items = ctx
        .store
        .scrum_entity_tasks(sprint.id)
        .await
        .map_err(store_error)?;
    let backlog = ctx
        .store
        .scrum_entities(Some(sprint.group_id))
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|e| e.entity_type == BACKLOG);
    if !items.is_empty() && backlog.is_none() {
        return Err(fail("It is forbidden remove a sprint with items"));
    }
    match ctx
        .store
        .delete_scrum_entity(sprint.id, backlog.map(|b| b.id))
        .await
    {
        Ok(true) => Ok(MethodOutput::value(json!([]))),
        _ => Err(fail("Sprint not deleted")),
    }
}

/// `tasks.api.scrum.sprint.list`.
async fn list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let groups = readable_groups(&ctx).await?;
    let rows = ctx
        .store
        .scrum_entities(None)
        .await
        .map_err(|_| fail("Could not load list"))?
        .iter()
        .filter(|e| e.entity_type == SPRINT)
        .filter(|e| groups.as_ref().is_none_or(|g| g.contains(&e.group_id)))
        .map(|e| columns(&ctx, e))
        .collect();
    let rows = listing::page(&ctx, &params, &SPRINT_FIELDS, rows)?;
    Ok(MethodOutput::value(Value::Array(rows)))
}

/// `tasks.api.scrum.sprint.start`.
async fn start(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let sprint = readable(&ctx, id_param(&params)?).await?;
    match ctx
        .store
        .start_sprint(sprint.id, ctx.caller.user.id)
        .await
        .map_err(store_error)?
    {
        SprintStart::Started => {}
        SprintStart::NotFound => return Err(fail("Sprint not found")),
        SprintStart::NotPlanned => return Err(fail("Sprint must be planned")),
        SprintStart::OtherActive => return Err(fail("Unable to start sprint")),
    }
    let sprint = readable(&ctx, sprint.id).await?;
    Ok(MethodOutput::value(render(&ctx, &sprint)))
}

/// `tasks.api.scrum.sprint.complete`: `id` is the group id.
async fn complete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let group_id = id_param(&params)?;
    if group_id == 0 {
        return Err(fail("Group id not found"));
    }
    check_group(&ctx, group_id).await?;
    let active = ctx
        .store
        .scrum_entities(Some(group_id))
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|e| e.entity_type == SPRINT && e.status == "active")
        .ok_or_else(|| fail("Sprint not found"))?;
    let done = ctx
        .store
        .complete_sprint(active.id, ctx.caller.user.id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| fail("Sprint not found"))?;
    Ok(MethodOutput::value(render(&ctx, &done)))
}

/// `tasks.api.scrum.sprint.getFields`.
async fn get_fields(_ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::value(json!({"fields": {
        "groupId": {"type": "integer"},
        "name": {"type": "string"},
        "sort": {"type": "integer"},
        "createdBy": {"type": "integer"},
        "modifiedBy": {"type": "integer"},
        "dateStart": {"type": "string"},
        "dateEnd": {"type": "string"},
        "status": {"type": "string"},
    }})))
}
