//! `tasks.api.scrum.task.*`: a task's place in a backlog or sprint (entity,
//! story points, epic, sort). `update` on a task not yet placed creates its
//! item when `entityId` names an entity of the task's own group.

use portico_protocol::params::Params;
use portico_protocol::ApiError;
use portico_store::{ScrumEntity, ScrumItem};
use serde_json::{json, Value};

use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, Registry};
use crate::tasks::render::{field, int_of};
use crate::tasks::scrum::{
    check_group, denied, fail, id_param, int_field, text_field, user_field, FIELDS, ID,
};
use crate::tasks::task::fields_param;
use crate::tasks::{visible_task, SCOPE};
use crate::values::store_error;

/// Declares the scrum task methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "tasks.api.scrum.task.get",
        "Returns a task's scrum fields (entityId, storyPoints, epicId, sort, createdBy, modifiedBy); id is the task ID.",
        "Retorna os campos scrum de uma tarefa (entityId, storyPoints, epicId, sort, createdBy, modifiedBy); id é o ID da tarefa.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(get),
    );
    s.method(
        "tasks.api.scrum.task.update",
        "Places a task in a backlog or sprint of its group (entityId) and sets its storyPoints, epicId, sort; returns true.",
        "Coloca uma tarefa em um backlog ou sprint do seu grupo (entityId) e define storyPoints, epicId, sort; retorna true.",
        &[ID, FIELDS],
        r#"{"id": 1, "fields": {"entityId": 2, "storyPoints": "3"}}"#,
        handler!(update),
    );
    s.method(
        "tasks.api.scrum.task.getfields",
        "Describes the scrum fields of a task.",
        "Descreve os campos scrum de uma tarefa.",
        &[],
        "{}",
        handler!(get_fields),
    );
}

/// Entity `id` when it exists and the caller reads its group.
async fn readable_entity(ctx: &Ctx, id: i64) -> Result<ScrumEntity, ApiError> {
    let entity = ctx
        .store
        .scrum_entity(id)
        .await
        .map_err(store_error)?
        .ok_or_else(denied)?;
    check_group(ctx, entity.group_id).await?;
    Ok(entity)
}

/// `tasks.api.scrum.task.get`.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let task_id = id_param(&params)?;
    if task_id == 0 {
        return Err(fail("Task id not found"));
    }
    let item = ctx
        .store
        .scrum_item(task_id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| fail("Task not found"))?;
    readable_entity(&ctx, item.entity_id).await?;
    Ok(MethodOutput::value(json!({
        "entityId": item.entity_id,
        "storyPoints": item.story_points,
        "epicId": item.epic_id.unwrap_or(0),
        "sort": item.sort,
        "createdBy": item.created_by,
        "modifiedBy": item.modified_by,
    })))
}

/// `tasks.api.scrum.task.update`: `true`.
async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let task_id = id_param(&params)?;
    let fields = fields_param(&params)?;
    if task_id == 0 {
        return Err(fail("Task id not found"));
    }
    let me = ctx.caller.user.id;
    let target = match int_field(&fields, "entityId").filter(|id| *id != 0) {
        Some(id) => Some(readable_entity(&ctx, id).await?),
        None => None,
    };
    let existing = ctx.store.scrum_item(task_id).await.map_err(store_error)?;
    let mut item = match existing {
        Some(item) => {
            readable_entity(&ctx, item.entity_id).await?;
            item
        }
        None => {
            let Some(entity) = &target else {
                return Err(fail("Entity id not found"));
            };
            ScrumItem {
                task_id,
                entity_id: entity.id,
                story_points: String::new(),
                epic_id: None,
                sort: 1,
                created_by: user_field(&ctx, &fields, "createdBy").await?.unwrap_or(me),
                modified_by: me,
            }
        }
    };
    if let Some(entity) = &target {
        let task = visible_task(&ctx, task_id)
            .await?
            .ok_or_else(|| fail("Task not found."))?;
        if int_of(field(&task, "GROUP_ID")) != Some(entity.group_id) {
            return Err(denied());
        }
        item.entity_id = entity.id;
    }
    if let Some(points) = text_field(&fields, "storyPoints") {
        item.story_points = points;
    }
    if let Some(epic_id) = int_field(&fields, "epicId") {
        let epic = ctx.store.epic(epic_id).await.map_err(store_error)?;
        match epic {
            Some(e) => {
                check_group(&ctx, e.group_id).await?;
                item.epic_id = Some(e.id);
            }
            None if epic_id == 0 => item.epic_id = None,
            None => return Err(fail("Epic not found")),
        }
    }
    if let Some(sort) = int_field(&fields, "sort") {
        item.sort = sort;
    }
    if let Some(created_by) = user_field(&ctx, &fields, "createdBy").await? {
        item.created_by = created_by;
    }
    item.modified_by = user_field(&ctx, &fields, "modifiedBy").await?.unwrap_or(me);
    ctx.store
        .put_scrum_item(item)
        .await
        .map_err(|_| fail("Unable to update task"))?;
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `tasks.api.scrum.task.getFields`.
async fn get_fields(_ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::value(json!({"fields": {
        "entityId": {"type": "integer"},
        "storyPoints": {"type": "string"},
        "epicId": {"type": "integer"},
        "sort": {"type": "integer"},
        "createdBy": {"type": "integer"},
        "modifiedBy": {"type": "integer"},
    }})))
}
