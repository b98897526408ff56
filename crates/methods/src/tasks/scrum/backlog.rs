//! `tasks.api.scrum.backlog.*`: the one backlog of a workgroup. `get` takes
//! the **group** id; `update` and `delete` the backlog's own id.

use portico_protocol::params::Params;
use portico_protocol::ApiError;
use portico_store::scrum::BACKLOG;
use portico_store::{ScrumEntity, StoreError};
use serde_json::{json, Value};

use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, Registry};
use crate::tasks::scrum::{
    check_group, check_move, fail, id_param, int_field, user_field, FIELDS, ID,
};
use crate::tasks::task::fields_param;
use crate::tasks::SCOPE;
use crate::values::store_error;

/// Declares the backlog methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "tasks.api.scrum.backlog.add",
        "Adds the backlog of a workgroup (fields groupId required; createdBy, modifiedBy) and returns it; a group has one backlog.",
        "Adiciona o backlog de um grupo de trabalho (campos groupId obrigatório; createdBy, modifiedBy) e o retorna; um grupo tem um backlog.",
        &[FIELDS],
        r#"{"fields": {"groupId": 1}}"#,
        handler!(add),
    );
    s.method(
        "tasks.api.scrum.backlog.get",
        "Returns the backlog of a workgroup; id is the group ID.",
        "Retorna o backlog de um grupo de trabalho; id é o ID do grupo.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(get),
    );
    s.method(
        "tasks.api.scrum.backlog.update",
        "Changes a backlog (groupId, createdBy, modifiedBy) and returns it; id is the backlog ID.",
        "Altera um backlog (groupId, createdBy, modifiedBy) e o retorna; id é o ID do backlog.",
        &[ID, FIELDS],
        r#"{"id": 1, "fields": {"modifiedBy": 1}}"#,
        handler!(update),
    );
    s.method(
        "tasks.api.scrum.backlog.delete",
        "Deletes an empty backlog; id is the backlog ID.",
        "Remove um backlog vazio; id é o ID do backlog.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(delete),
    );
}

/// A backlog as the methods answer it.
fn render(b: &ScrumEntity) -> Value {
    json!({"id": b.id, "groupId": b.group_id, "createdBy": b.created_by, "modifiedBy": b.modified_by})
}

/// The backlog of group `group_id`, if it has one.
async fn backlog_of(ctx: &Ctx, group_id: i64) -> Result<Option<ScrumEntity>, ApiError> {
    Ok(ctx
        .store
        .scrum_entities(Some(group_id))
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|e| e.entity_type == BACKLOG))
}

/// Backlog `id` when it exists and the caller reads its group.
async fn readable(ctx: &Ctx, id: i64) -> Result<ScrumEntity, ApiError> {
    let backlog = ctx
        .store
        .scrum_entity(id)
        .await
        .map_err(store_error)?
        .filter(|e| e.entity_type == BACKLOG)
        .ok_or_else(|| fail("Backlog not found"))?;
    check_group(ctx, backlog.group_id).await?;
    Ok(backlog)
}

/// `tasks.api.scrum.backlog.add`.
async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let fields = fields_param(&params)?;
    let group_id = int_field(&fields, "groupId").unwrap_or(0);
    if group_id == 0 {
        return Err(fail("Group id not found"));
    }
    check_group(&ctx, group_id).await?;
    if backlog_of(&ctx, group_id).await?.is_some() {
        return Err(fail("Backlog already added"));
    }
    let me = ctx.caller.user.id;
    let mut backlog = ScrumEntity {
        id: 0,
        group_id,
        entity_type: BACKLOG.to_owned(),
        name: String::new(),
        goal: String::new(),
        sort: 0,
        created_by: user_field(&ctx, &fields, "createdBy").await?.unwrap_or(me),
        modified_by: user_field(&ctx, &fields, "modifiedBy").await?.unwrap_or(me),
        date_start: None,
        date_end: None,
        status: "planned".to_owned(),
    };
    backlog.id = match ctx.store.insert_scrum_entity(backlog.clone()).await {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => return Err(fail("Backlog already added")),
        Err(_) => return Err(fail("Unable to add backlog")),
    };
    Ok(MethodOutput::value(render(&backlog)))
}

/// `tasks.api.scrum.backlog.get`: by group id.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let group_id = id_param(&params)?;
    if group_id == 0 {
        return Err(fail("Group id not found"));
    }
    let backlog = backlog_of(&ctx, group_id)
        .await?
        .ok_or_else(|| fail("Backlog not found"))?;
    check_group(&ctx, backlog.group_id).await?;
    Ok(MethodOutput::value(render(&backlog)))
}

/// `tasks.api.scrum.backlog.update`.
async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = id_param(&params)?;
    let fields = fields_param(&params)?;
    let mut backlog = readable(&ctx, id).await?;
    if let Some(group_id) = int_field(&fields, "groupId") {
        if group_id != backlog.group_id {
            check_move(
                &ctx,
                backlog.id,
                group_id,
                "It is forbidden move a backlog with items",
            )
            .await?;
            if backlog_of(&ctx, group_id).await?.is_some() {
                return Err(fail("The target group already has a backlog"));
            }
            backlog.group_id = group_id;
        }
    }
    if let Some(created_by) = user_field(&ctx, &fields, "createdBy").await? {
        backlog.created_by = created_by;
    }
    backlog.modified_by = user_field(&ctx, &fields, "modifiedBy")
        .await?
        .unwrap_or(ctx.caller.user.id);
    match ctx.store.update_scrum_entity(backlog.clone()).await {
        Ok(true) => Ok(MethodOutput::value(render(&backlog))),
        Err(StoreError::Conflict(_)) => Err(fail("The target group already has a backlog")),
        _ => Err(fail("Unable to update backlog")),
    }
}

/// `tasks.api.scrum.backlog.delete`: `[]`.
async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let backlog = readable(&ctx, id_param(&params)?).await?;
    let items = ctx
        .store
        .scrum_entity_tasks(backlog.id)
        .await
        .map_err(store_error)?;
    if !items.is_empty() {
        return Err(fail("It is forbidden remove a backlog with items"));
    }
    match ctx.store.delete_scrum_entity(backlog.id, None).await {
        Ok(true) => Ok(MethodOutput::value(json!([]))),
        _ => Err(fail("Backlog not deleted")),
    }
}
