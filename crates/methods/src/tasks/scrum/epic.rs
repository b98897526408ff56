//! `tasks.api.scrum.epic.*`: epics of a workgroup (name, description,
//! colour). Files are not stored: `files` on input is ignored with a
//! leniency warning and `epic.get` answers the files field without a value.

use portico_protocol::params::Params;
use portico_protocol::ApiError;
use portico_store::Epic;
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::tasks::render::camel;
use crate::tasks::scrum::listing::{self, Column};
use crate::tasks::scrum::{
    check_group, fail, id_param, int_field, readable_groups, text_field, user_field, FIELDS, ID,
};
use crate::tasks::task::fields_param;
use crate::tasks::SCOPE;
use crate::values::store_error;

/// Fields of an epic, as filters and `select` name them.
const EPIC_FIELDS: [&str; 7] = [
    "ID",
    "GROUP_ID",
    "NAME",
    "DESCRIPTION",
    "CREATED_BY",
    "MODIFIED_BY",
    "COLOR",
];

/// Declares the epic methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "tasks.api.scrum.epic.add",
        "Adds an epic to a workgroup (fields name, groupId required; description, color, createdBy) and returns it.",
        "Adiciona um épico a um grupo de trabalho (campos name, groupId obrigatórios; description, color, createdBy) e o retorna.",
        &[FIELDS],
        r##"{"fields": {"groupId": 1, "name": "Checkout", "color": "#69dafc"}}"##,
        handler!(add),
    );
    s.method(
        "tasks.api.scrum.epic.get",
        "Returns an epic with its files field.",
        "Retorna um épico com o campo de arquivos.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(get),
    );
    s.method(
        "tasks.api.scrum.epic.update",
        "Changes the given fields of an epic and returns it.",
        "Altera os campos informados de um épico e o retorna.",
        &[ID, FIELDS],
        r#"{"id": 1, "fields": {"name": "Payments"}}"#,
        handler!(update),
    );
    s.method(
        "tasks.api.scrum.epic.delete",
        "Deletes an epic; its tasks keep their place without epic.",
        "Remove um épico; suas tarefas ficam onde estão, sem épico.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(delete),
    );
    s.method(
        "tasks.api.scrum.epic.list",
        "Lists the epics of the groups the caller reads (filter, order, select by UPPER field names; start), 50 per page, as a plain array.",
        "Lista os épicos dos grupos que quem chama lê (filter, order, select por nomes de campo em maiúsculas; start), 50 por página, como lista simples.",
        &[ParamSpec { name: "filter", kind: "object", required: false, description: "e.g. {\"GROUP_ID\": 1}.", description_pt: "p. ex. {\"GROUP_ID\": 1}." }],
        r#"{"filter": {"GROUP_ID": 1}, "order": {"ID": "desc"}}"#,
        handler!(list),
    );
    s.method(
        "tasks.api.scrum.epic.getfields",
        "Describes the epic fields.",
        "Descreve os campos do épico.",
        &[],
        "{}",
        handler!(get_fields),
    );
}

fn columns(e: &Epic) -> Vec<Column> {
    vec![
        Column::plain("ID", json!(e.id)),
        Column::plain("GROUP_ID", json!(e.group_id)),
        Column::plain("NAME", json!(e.name)),
        Column::plain("DESCRIPTION", json!(e.description)),
        Column::plain("CREATED_BY", json!(e.created_by)),
        Column::plain("MODIFIED_BY", json!(e.modified_by)),
        Column::plain("COLOR", json!(e.color)),
    ]
}

/// An epic as the methods answer it.
fn render(e: &Epic) -> Value {
    let map: Map<String, Value> = columns(e)
        .into_iter()
        .map(|c| (camel(c.name), c.wire))
        .collect();
    Value::Object(map)
}

/// Epic `id` when it exists and the caller reads its group.
async fn readable(ctx: &Ctx, id: i64) -> Result<Epic, ApiError> {
    let epic = ctx
        .store
        .epic(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| fail("Epic not found"))?;
    check_group(ctx, epic.group_id).await?;
    Ok(epic)
}

/// `tasks.api.scrum.epic.add`.
async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let fields = fields_param(&params)?;
    let me = ctx.caller.user.id;
    let created_by = user_field(&ctx, &fields, "createdBy").await?.unwrap_or(me);
    if fields.contains_key("files") {
        ctx.ignored("fields", "files");
    }
    let group_id = int_field(&fields, "groupId").unwrap_or(0);
    if group_id == 0 {
        return Err(fail("Group id not found"));
    }
    let name = text_field(&fields, "name").unwrap_or_default();
    if name.is_empty() {
        return Err(fail("Name not found"));
    }
    check_group(&ctx, group_id).await?;
    let mut epic = Epic {
        id: 0,
        group_id,
        name,
        description: text_field(&fields, "description").unwrap_or_default(),
        color: text_field(&fields, "color").unwrap_or_default(),
        created_by,
        modified_by: me,
    };
    epic.id = ctx
        .store
        .insert_epic(epic.clone())
        .await
        .map_err(|_| fail("Epic not created"))?;
    Ok(MethodOutput::value(render(&epic)))
}

/// `tasks.api.scrum.epic.get`.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let epic = readable(&ctx, id_param(&params)?).await?;
    let mut out = render(&epic);
    out["files"] = json!({
        "ENTITY_ID": "TASKS_SCRUM_EPIC",
        "FIELD_NAME": "UF_SCRUM_EPIC_FILES",
        "USER_TYPE_ID": "disk_file",
        "MULTIPLE": "Y",
        "VALUE": false,
    });
    Ok(MethodOutput::value(out))
}

/// `tasks.api.scrum.epic.update`.
async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = id_param(&params)?;
    let fields = fields_param(&params)?;
    let mut epic = readable(&ctx, id).await?;
    if let Some(group_id) = int_field(&fields, "groupId") {
        check_group(&ctx, group_id).await?;
        epic.group_id = group_id;
    }
    if let Some(name) = text_field(&fields, "name") {
        epic.name = name;
    }
    if let Some(description) = text_field(&fields, "description") {
        epic.description = description;
    }
    if let Some(created_by) = user_field(&ctx, &fields, "createdBy").await? {
        epic.created_by = created_by;
    }
    epic.modified_by = user_field(&ctx, &fields, "modifiedBy")
        .await?
        .unwrap_or(ctx.caller.user.id);
    if let Some(color) = text_field(&fields, "color") {
        epic.color = color;
    }
    if fields.contains_key("files") {
        ctx.ignored("fields", "files");
    }
    match ctx.store.update_epic(epic.clone()).await {
        Ok(true) => Ok(MethodOutput::value(render(&epic))),
        _ => Err(fail("Epic not updated")),
    }
}

/// `tasks.api.scrum.epic.delete`: `[]`.
async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let epic = readable(&ctx, id_param(&params)?).await?;
    match ctx.store.delete_epic(epic.id).await {
        Ok(true) => Ok(MethodOutput::value(json!([]))),
        _ => Err(fail("Epic not deleted")),
    }
}

/// `tasks.api.scrum.epic.list`.
async fn list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let groups = readable_groups(&ctx).await?;
    let rows = ctx
        .store
        .epics()
        .await
        .map_err(|_| fail("Could not load list"))?
        .iter()
        .filter(|e| groups.as_ref().is_none_or(|g| g.contains(&e.group_id)))
        .map(columns)
        .collect();
    let rows = listing::page(&ctx, &params, &EPIC_FIELDS, rows)?;
    Ok(MethodOutput::value(Value::Array(rows)))
}

/// `tasks.api.scrum.epic.getFields`.
async fn get_fields(_ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::value(json!({"fields": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "groupId": {"type": "integer"},
        "color": {"type": "string"},
        "files": {"type": "array"},
        "createdBy": {"type": "integer"},
        "modifiedBy": {"type": "integer"},
    }})))
}
