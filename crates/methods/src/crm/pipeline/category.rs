//! `crm.category.*`, the universal pipeline API (reference §4.1), for deals
//! (`entityTypeId` 2). A pipeline answers as `{"id", "name", "sort",
//! "entityTypeId", "isDefault": "Y"|"N", "originId", "originatorId"}`
//! (numbers as numbers; the default pipeline 0 without the origin keys, as
//! Bitrix24's example shows). Parameters are the controller's: `entityTypeId`,
//! `id`, `fields` with `name`, `sort` (default 500, negative as 0); `isDefault`
//! is read-only for deals and ignored.
//!
//! Errors: a missing parameter is 400 `INVALID_ARG_VALUE` `Could not find
//! value for parameter {x}`; lead (1) and the other types Portico keeps no
//! pipelines for are `ENTITY_TYPE_NOT_SUPPORTED`, unknown ids `NOT_FOUND`
//! `Smart process not found`; a missing pipeline `NOT_FOUND` `Element not
//! found`; a blank name `0` `Field 'NAME' is required`; deleting the default
//! pipeline `0` `Default deal category cannot be deleted`, one with deals `0`
//! `Deals related to the funnel {name} found`. Reads need read access to
//! deals, writes an administrator: others get 403 `ACCESS_DENIED`.

use portico_protocol::params::{value_as_i64, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::{Category, CategoryChange, CategoryDeletion, NewCategory};
use serde_json::{json, Map, Value};

use super::{find, may_read, name_of, sort_of, DEFAULT_SORT, MAX_NAME_LEN};
use crate::context::Ctx;
use crate::crm::item::errors::{missing, not_found};
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{field_descriptor, store_error};

/// `entityTypeId` of deals, the only type with pipelines here.
const DEALS: i64 = 2;

const ENTITY_TYPE_ID: ParamSpec = ParamSpec {
    name: "entityTypeId",
    kind: "integer",
    required: true,
    description: "CRM object type: 2 (deals).",
    description_pt: "Tipo de objeto do CRM: 2 (negócios).",
};

const ID: ParamSpec = ParamSpec {
    name: "id",
    kind: "integer",
    required: true,
    description: "Pipeline ID (0 is the default pipeline).",
    description_pt: "ID do funil (0 é o funil padrão).",
};

const FIELDS: ParamSpec = ParamSpec {
    name: "fields",
    kind: "object",
    required: true,
    description: "name (required on add), sort (default 500).",
    description_pt: "name (obrigatório ao criar), sort (padrão 500).",
};

/// Declares `crm.category.*`.
pub fn register(r: &mut Registry) {
    let mut s = r.scope("crm", &[]);
    s.method(
        "crm.category.list",
        "Lists the pipelines of a CRM object type (deals: entityTypeId 2), the default one (id 0) included, by sort.",
        "Lista os funis de um tipo de objeto do CRM (negócios: entityTypeId 2), incluindo o padrão (id 0), por sort.",
        &[ENTITY_TYPE_ID],
        r#"{"entityTypeId": 2}"#,
        handler!(list),
    );
    s.method(
        "crm.category.get",
        "Returns one pipeline.",
        "Retorna um funil.",
        &[ENTITY_TYPE_ID, ID],
        r#"{"entityTypeId": 2, "id": 1}"#,
        handler!(get),
    );
    s.method(
        "crm.category.add",
        "Creates a deal pipeline with the default stages (C{id}:NEW … C{id}:APOLOGY). Administrators only.",
        "Cria um funil de negócios com as etapas padrão (C{id}:NEW … C{id}:APOLOGY). Somente administradores.",
        &[ENTITY_TYPE_ID, FIELDS],
        r#"{"entityTypeId": 2, "fields": {"name": "Wholesale", "sort": 200}}"#,
        handler!(add),
    );
    s.method(
        "crm.category.update",
        "Renames or re-sorts a pipeline. Administrators only.",
        "Renomeia ou reordena um funil. Somente administradores.",
        &[ENTITY_TYPE_ID, ID, FIELDS],
        r#"{"entityTypeId": 2, "id": 1, "fields": {"name": "Retail"}}"#,
        handler!(update),
    );
    s.method(
        "crm.category.delete",
        "Deletes a pipeline without deals, with its stages; the default pipeline cannot be deleted. Administrators only.",
        "Remove um funil sem negócios, com suas etapas; o funil padrão não pode ser removido. Somente administradores.",
        &[ENTITY_TYPE_ID, ID],
        r#"{"entityTypeId": 2, "id": 1}"#,
        handler!(delete),
    );
    s.method(
        "crm.category.fields",
        "Describes the fields of a pipeline.",
        "Descreve os campos de um funil.",
        &[ENTITY_TYPE_ID],
        r#"{"entityTypeId": 2}"#,
        handler!(fields),
    );
}

/// A controller error without a code (`error` `"0"`).
fn uncoded(text: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Uncoded, text.into())
}

/// `entityTypeId`: 2, else the refusal Bitrix24 answers for that type.
fn entity_type(params: &Params) -> Result<(), ApiError> {
    let id = match params.get("entityTypeId") {
        None | Some(Value::Null) => return Err(missing("entityTypeId")),
        Some(v) if v.as_str().is_some_and(|s| s.trim().is_empty()) => {
            return Err(missing("entityTypeId"))
        }
        Some(v) => value_as_i64(v).unwrap_or(0),
    };
    match id {
        DEALS => Ok(()),
        1 | 3 | 4 | 5 | 7 | 8 | 14 | 31 => Err(ApiError::new(
            ErrorCode::EntityTypeNotSupported,
            format!("Entity type {id} is not supported"),
        )),
        _ => Err(ApiError::new(
            ErrorCode::NotFound,
            "Smart process not found",
        )),
    }
}

/// `id`: required, an integer ≥ 0; anything else names no pipeline.
fn category_id(params: &Params) -> Result<i64, ApiError> {
    match params.get("id") {
        None | Some(Value::Null) => Err(missing("id")),
        Some(v) => value_as_i64(v).filter(|id| *id >= 0).ok_or_else(not_found),
    }
}

/// `fields`: required, an object.
fn fields_param(params: &Params) -> Result<Map<String, Value>, ApiError> {
    match params.array("fields")? {
        Some(m) => Ok(m.into_owned()),
        None => Err(missing("fields")),
    }
}

/// Reads need read access to deals.
async fn require_read(ctx: &Ctx) -> Result<(), ApiError> {
    if may_read(ctx).await? {
        Ok(())
    } else {
        Err(ApiError::from_code(ErrorCode::AccessDenied))
    }
}

/// Writes need an administrator.
fn require_admin(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.caller.user.is_admin {
        Ok(())
    } else {
        Err(ApiError::from_code(ErrorCode::AccessDenied))
    }
}

/// A pipeline in the wire shape.
pub fn render(c: &Category) -> Value {
    let mut v = json!({
        "id": c.id,
        "name": c.name,
        "sort": c.sort,
        "entityTypeId": DEALS,
        "isDefault": if c.is_default { "Y" } else { "N" },
    });
    if !c.is_default {
        v["originId"] = json!(c.origin_id);
        v["originatorId"] = json!(c.originator_id);
    }
    v
}

/// A checked name: not blank, at most [`MAX_NAME_LEN`] characters.
fn checked_name(value: Option<&Value>) -> Result<String, ApiError> {
    let name = name_of(value).ok_or_else(|| uncoded("Field 'NAME' is required"))?;
    if name.chars().count() > MAX_NAME_LEN {
        return Err(uncoded(format!(
            "Field 'NAME' must be at most {MAX_NAME_LEN} characters"
        )));
    }
    Ok(name)
}

/// `{"category": …}` of pipeline `id`.
async fn answer(ctx: &Ctx, id: i64) -> Result<MethodOutput, ApiError> {
    let c = find(ctx, id).await?.ok_or_else(not_found)?;
    Ok(MethodOutput::value(json!({ "category": render(&c) })))
}

/// `crm.category.list`: `{"categories": […]}` with `total`.
async fn list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    entity_type(&params)?;
    require_read(&ctx).await?;
    let all = ctx.store.list_categories().await.map_err(store_error)?;
    let rows: Vec<Value> = all.iter().map(render).collect();
    Ok(MethodOutput {
        total: Some(rows.len() as i64),
        result: json!({ "categories": rows }),
        next: None,
        result_json: None,
    })
}

/// `crm.category.get`.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    entity_type(&params)?;
    let id = category_id(&params)?;
    require_read(&ctx).await?;
    answer(&ctx, id).await
}

/// `crm.category.add`.
async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    entity_type(&params)?;
    let fields = fields_param(&params)?;
    require_admin(&ctx)?;
    if fields.contains_key("isDefault") {
        ctx.ignored("fields", "isDefault");
    }
    let new = NewCategory {
        name: checked_name(fields.get("name"))?,
        sort: sort_of(fields.get("sort")).unwrap_or(DEFAULT_SORT),
        created: ctx.clock.now(),
        originator_id: name_of(fields.get("originatorId")).unwrap_or_default(),
        origin_id: name_of(fields.get("originId")).unwrap_or_default(),
    };
    let id = ctx.store.insert_category(new).await.map_err(store_error)?;
    answer(&ctx, id).await
}

/// `crm.category.update`.
async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    entity_type(&params)?;
    let id = category_id(&params)?;
    let fields = fields_param(&params)?;
    require_admin(&ctx)?;
    if fields.contains_key("isDefault") {
        ctx.ignored("fields", "isDefault");
    }
    let change = CategoryChange {
        name: match fields.get("name") {
            None => None,
            v => Some(checked_name(v)?),
        },
        sort: sort_of(fields.get("sort")),
    };
    if !ctx
        .store
        .update_category(id, change)
        .await
        .map_err(store_error)?
    {
        return Err(not_found());
    }
    answer(&ctx, id).await
}

/// `crm.category.delete`: `null`.
async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    entity_type(&params)?;
    let id = category_id(&params)?;
    require_admin(&ctx)?;
    let name = find(&ctx, id).await?.map(|c| c.name).unwrap_or_default();
    match ctx.store.delete_category(id).await.map_err(store_error)? {
        CategoryDeletion::Deleted => Ok(MethodOutput::value(Value::Null)),
        CategoryDeletion::NotFound => Err(not_found()),
        CategoryDeletion::Default => Err(uncoded("Default deal category cannot be deleted")),
        CategoryDeletion::HasDeals => {
            Err(uncoded(format!("Deals related to the funnel {name} found")))
        }
    }
}

/// `crm.category.fields`: `{"fields": {…}}`.
async fn fields(_ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    entity_type(&params)?;
    let d = |kind: &str, required: bool, read_only: bool, title: &str, upper: &str| {
        let mut descriptor = field_descriptor(kind, required, read_only, false, title);
        descriptor["upperName"] = json!(upper);
        descriptor
    };
    Ok(MethodOutput::value(json!({ "fields": {
        "id": d("integer", false, true, "ID", "ID"),
        "name": d("string", true, false, "Name", "NAME"),
        "sort": d("integer", false, false, "Sort", "SORT"),
        "entityTypeId": d("integer", true, true, "Entity type", "ENTITY_TYPE_ID"),
        "isDefault": d("boolean", false, true, "Default", "IS_DEFAULT"),
        "originId": d("string", false, false, "Origin ID", "ORIGIN_ID"),
        "originatorId": d("string", false, false, "Originator ID", "ORIGINATOR_ID"),
    }})))
}
