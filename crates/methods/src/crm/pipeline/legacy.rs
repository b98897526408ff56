//! `crm.dealcategory.*`, the legacy pipeline API (reference §4.2). Rows are
//! `{ID, CREATED_DATE, NAME, IS_LOCKED, SORT}` with ids and sorts as strings
//! and `CREATED_DATE` at local midnight; `list` shows only the pipelines other
//! than the default one, all of them (no paging, `total` = rows), filtered by
//! exact `ID`/`NAME`/`SORT` and sorted by `order` over those and
//! `CREATED_DATE` (other keys ignored, as the legacy proxy drops them).
//! `stage.list` answers `[{NAME, SORT, STATUS_ID}]` (`SORT` a number);
//! `status` the stage directory (`DEAL_STAGE_5`, `DEAL_STAGE` for 0).
//!
//! Errors are legacy (`"error": ""`): `Not found` (`get`, `status`,
//! `stage.list`), `Not found.` (`update`, `delete`), `Access denied.` (reads:
//! deal read access; writes: an administrator), `Deals related to the funnel
//! {name} found` when deleting one with deals.

use std::cmp::Ordering;

use portico_protocol::params::{php_values, value_as_i64, value_as_string, Params};
use portico_protocol::ApiError;
use portico_store::pipelines::stage_entity;
use portico_store::{Category, CategoryChange, CategoryDeletion, NewCategory};
use serde_json::{json, Map, Value};

use super::{find, may_read, name_of, sort_of, DEFAULT_SORT, MAX_NAME_LEN};
use crate::context::Ctx;
use crate::crm::rights::denied;
use crate::crm::write::fields_object;
use crate::handler;
use crate::listing::{order_descending, select_names};
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{field_descriptor, render_date, store_error};

const ID: ParamSpec = ParamSpec {
    name: "id",
    kind: "integer",
    required: true,
    description: "Pipeline ID.",
    description_pt: "ID do funil.",
};

/// Declares `crm.dealcategory.*`.
pub fn register(r: &mut Registry) {
    let mut s = r.scope("crm", &[]);
    s.method(
        "crm.dealcategory.list",
        "Lists the deal pipelines other than the default one (all of them, no paging), filtered by ID, NAME, SORT and sorted by order.",
        "Lista os funis de negócios além do padrão (todos, sem paginação), filtrados por ID, NAME, SORT e ordenados por order.",
        &[
            ParamSpec {
                name: "filter",
                kind: "object",
                required: false,
                description: "Exact values of ID, NAME, SORT.",
                description_pt: "Valores exatos de ID, NAME, SORT.",
            },
            ParamSpec {
                name: "order",
                kind: "object",
                required: false,
                description: "Sort over ID, NAME, SORT, CREATED_DATE; SORT ascending by default.",
                description_pt: "Ordenação por ID, NAME, SORT, CREATED_DATE; por padrão SORT crescente.",
            },
            ParamSpec {
                name: "select",
                kind: "array",
                required: false,
                description: "Fields to return; all by default.",
                description_pt: "Campos a retornar; todos por padrão.",
            },
        ],
        r#"{"order": {"SORT": "ASC"}}"#,
        handler!(list),
    );
    s.method(
        "crm.dealcategory.get",
        "Returns a deal pipeline other than the default one.",
        "Retorna um funil de negócios que não seja o padrão.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(get),
    );
    s.method(
        "crm.dealcategory.add",
        "Creates a deal pipeline (NAME required, SORT) with the default stages and returns its ID. Administrators only.",
        "Cria um funil de negócios (NAME obrigatório, SORT) com as etapas padrão e retorna seu ID. Somente administradores.",
        &[ParamSpec {
            name: "fields",
            kind: "object",
            required: true,
            description: "NAME, SORT.",
            description_pt: "NAME, SORT.",
        }],
        r#"{"fields": {"NAME": "Wholesale", "SORT": 200}}"#,
        handler!(add),
    );
    s.method(
        "crm.dealcategory.update",
        "Changes the NAME or SORT of a deal pipeline. Administrators only.",
        "Altera NAME ou SORT de um funil de negócios. Somente administradores.",
        &[
            ID,
            ParamSpec {
                name: "fields",
                kind: "object",
                required: true,
                description: "NAME, SORT.",
                description_pt: "NAME, SORT.",
            },
        ],
        r#"{"id": 1, "fields": {"NAME": "Retail"}}"#,
        handler!(update),
    );
    s.method(
        "crm.dealcategory.delete",
        "Deletes a deal pipeline without deals, with its stages. Administrators only.",
        "Remove um funil de negócios sem negócios, com suas etapas. Somente administradores.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(delete),
    );
    s.method(
        "crm.dealcategory.fields",
        "Describes the fields of a deal pipeline.",
        "Descreve os campos de um funil de negócios.",
        &[],
        r#"{}"#,
        handler!(fields),
    );
    s.method(
        "crm.dealcategory.default.get",
        "Returns the ID (0) and name of the default deal pipeline.",
        "Retorna o ID (0) e o nome do funil de negócios padrão.",
        &[],
        r#"{}"#,
        handler!(default_get),
    );
    s.method(
        "crm.dealcategory.default.set",
        "Renames the default deal pipeline. Administrators only.",
        "Renomeia o funil de negócios padrão. Somente administradores.",
        &[ParamSpec {
            name: "name",
            kind: "string",
            required: true,
            description: "New name.",
            description_pt: "Novo nome.",
        }],
        r#"{"name": "Sales"}"#,
        handler!(default_set),
    );
    s.method(
        "crm.dealcategory.status",
        "Returns the stage directory (crm.status ENTITY_ID) of a pipeline: DEAL_STAGE_{id}, DEAL_STAGE for 0.",
        "Retorna o diretório de etapas (ENTITY_ID de crm.status) de um funil: DEAL_STAGE_{id}, DEAL_STAGE para 0.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(status),
    );
    s.method(
        "crm.dealcategory.stage.list",
        "Lists the stages of a pipeline by SORT: NAME, SORT, STATUS_ID.",
        "Lista as etapas de um funil por SORT: NAME, SORT, STATUS_ID.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(stage_list),
    );
}

/// Reads need read access to deals.
async fn require_read(ctx: &Ctx) -> Result<(), ApiError> {
    if may_read(ctx).await? {
        Ok(())
    } else {
        Err(denied())
    }
}

/// Writes need an administrator.
fn require_admin(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.caller.user.is_admin {
        Ok(())
    } else {
        Err(denied())
    }
}

/// `id` or `ID` as an integer ≥ 0 (junk as 0, as `intval`).
fn any_id(params: &Params) -> i64 {
    params.get("id").and_then(value_as_i64).unwrap_or(0).max(0)
}

/// A row in the legacy shape.
fn render(ctx: &Ctx, c: &Category) -> Map<String, Value> {
    let date = chrono::DateTime::from_timestamp(c.created, 0)
        .map(|d| d.with_timezone(&ctx.clock.offset).date_naive().to_string())
        .unwrap_or_default();
    let mut m = Map::new();
    m.insert("ID".into(), json!(c.id.to_string()));
    m.insert(
        "CREATED_DATE".into(),
        json!(render_date(&date, ctx.clock.offset)),
    );
    m.insert("NAME".into(), json!(c.name));
    m.insert("IS_LOCKED".into(), json!("N"));
    m.insert("SORT".into(), json!(c.sort.to_string()));
    m
}

/// A comparable value of a row's key.
fn key(c: &Category, name: &str) -> Option<(i64, String)> {
    Some(match name {
        "ID" => (c.id, String::new()),
        "SORT" => (c.sort, String::new()),
        "CREATED_DATE" => (c.created, String::new()),
        "NAME" => (0, c.name.clone()),
        _ => return None,
    })
}

/// `crm.dealcategory.list`.
async fn list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_read(&ctx).await?;
    let mut rows: Vec<Category> = ctx
        .store
        .list_categories()
        .await
        .map_err(store_error)?
        .into_iter()
        .filter(|c| c.id > 0)
        .collect();
    for (k, v) in params.array("filter")?.unwrap_or_default().iter() {
        let name = k.trim().trim_start_matches('=').to_ascii_uppercase();
        let wanted: Vec<String> = php_values(v)
            .into_iter()
            .filter_map(value_as_string)
            .collect();
        match name.as_str() {
            "ID" | "NAME" | "SORT" => rows.retain(|c| {
                let have = match name.as_str() {
                    "ID" => c.id.to_string(),
                    "SORT" => c.sort.to_string(),
                    _ => c.name.clone(),
                };
                wanted.iter().any(|w| w.trim() == have)
            }),
            _ => ctx.ignored("filter", k),
        }
    }
    let mut order = Vec::new();
    for (k, dir) in params.array("order")?.unwrap_or_default().iter() {
        let name = k.trim().to_ascii_uppercase();
        if !matches!(name.as_str(), "ID" | "NAME" | "SORT" | "CREATED_DATE") {
            ctx.ignored("order", k);
            continue;
        }
        order.push((name, order_descending(dir).unwrap_or(true)));
    }
    if order.is_empty() {
        order.push(("SORT".to_owned(), false));
    }
    order.push(("ID".to_owned(), false));
    rows.sort_by(|a, b| {
        order
            .iter()
            .map(|(k, desc)| {
                let o = key(a, k).cmp(&key(b, k));
                if *desc {
                    o.reverse()
                } else {
                    o
                }
            })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
    let select: Vec<String> = select_names(params.get("select"))
        .into_iter()
        .map(|s| s.trim().to_ascii_uppercase())
        .collect();
    let out: Vec<Value> = rows
        .iter()
        .map(|c| {
            let mut m = render(&ctx, c);
            if !select.is_empty() && !select.iter().any(|s| s == "*") {
                m.retain(|k, _| k == "ID" || select.contains(k));
            }
            Value::Object(m)
        })
        .collect();
    Ok(MethodOutput {
        total: Some(out.len() as i64),
        result: Value::Array(out),
        next: None,
        result_json: None,
    })
}

/// `crm.dealcategory.get`: `Not found` for 0 and unknown ids.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_read(&ctx).await?;
    let id = any_id(&params);
    let c = match id {
        0 => None,
        id => find(&ctx, id).await?,
    }
    .ok_or_else(|| ApiError::legacy("Not found"))?;
    Ok(MethodOutput::value(Value::Object(render(&ctx, &c))))
}

/// `NAME` of legacy `fields` (any case), checked.
fn legacy_name(fields: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    let Some((_, v)) = fields
        .iter()
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("NAME"))
    else {
        return Ok(None);
    };
    let name = name_of(Some(v)).ok_or_else(|| ApiError::legacy("The field NAME is required."))?;
    if name.chars().count() > MAX_NAME_LEN {
        return Err(ApiError::legacy(format!(
            "The field NAME must be at most {MAX_NAME_LEN} characters."
        )));
    }
    Ok(Some(name))
}

/// `SORT` of legacy `fields` (any case).
fn legacy_sort(fields: &Map<String, Value>) -> Option<i64> {
    fields
        .iter()
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("SORT"))
        .and_then(|(_, v)| sort_of(Some(v)))
}

/// `crm.dealcategory.add`: the new id.
async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let fields = fields_object(&params)?;
    let name =
        legacy_name(&fields)?.ok_or_else(|| ApiError::legacy("The field NAME is required."))?;
    let new = NewCategory {
        name,
        sort: legacy_sort(&fields).unwrap_or(DEFAULT_SORT),
        created: ctx.clock.now(),
        originator_id: String::new(),
        origin_id: String::new(),
    };
    let id = ctx.store.insert_category(new).await.map_err(store_error)?;
    Ok(MethodOutput::value(json!(id)))
}

/// `crm.dealcategory.update`: `true`.
async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let id = any_id(&params);
    let fields = fields_object(&params)?;
    let change = CategoryChange {
        name: legacy_name(&fields)?,
        sort: legacy_sort(&fields),
    };
    if id == 0
        || !ctx
            .store
            .update_category(id, change)
            .await
            .map_err(store_error)?
    {
        return Err(ApiError::legacy("Not found."));
    }
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `crm.dealcategory.delete`: `true`.
async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let id = any_id(&params);
    let name = find(&ctx, id).await?.map(|c| c.name).unwrap_or_default();
    match ctx.store.delete_category(id).await.map_err(store_error)? {
        CategoryDeletion::Deleted => Ok(MethodOutput::value(Value::Bool(true))),
        CategoryDeletion::NotFound | CategoryDeletion::Default => {
            Err(ApiError::legacy("Not found."))
        }
        CategoryDeletion::HasDeals => Err(ApiError::legacy(format!(
            "Deals related to the funnel {name} found"
        ))),
    }
}

/// `crm.dealcategory.fields`.
async fn fields(_ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let d = |kind: &str, required: bool, read_only: bool, title: &str| {
        field_descriptor(kind, required, read_only, false, title)
    };
    Ok(MethodOutput::value(json!({
        "ID": d("integer", false, true, "ID"),
        "CREATED_DATE": d("date", false, true, "Created on"),
        "NAME": d("string", true, false, "Name"),
        "IS_LOCKED": d("char", false, true, "Locked"),
        "SORT": d("integer", false, false, "Sort"),
    })))
}

/// `crm.dealcategory.default.get`: `{"ID": 0, "NAME": …}`.
async fn default_get(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    require_read(&ctx).await?;
    let name = find(&ctx, 0).await?.map(|c| c.name).unwrap_or_default();
    Ok(MethodOutput::value(json!({"ID": 0, "NAME": name})))
}

/// `crm.dealcategory.default.set`: `true`; a `name` that is not a non-blank
/// string changes nothing, as Bitrix24.
async fn default_set(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let name = match params.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        _ => {
            ctx.ignored("param", "name");
            return Ok(MethodOutput::value(Value::Bool(true)));
        }
    };
    let change = CategoryChange {
        name: Some(name),
        sort: None,
    };
    ctx.store
        .update_category(0, change)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// The pipeline named by `id`, or the legacy `Not found`.
async fn existing(ctx: &Ctx, params: &Params) -> Result<Category, ApiError> {
    find(ctx, any_id(params))
        .await?
        .ok_or_else(|| ApiError::legacy("Not found"))
}

/// `crm.dealcategory.status`.
async fn status(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_read(&ctx).await?;
    let c = existing(&ctx, &params).await?;
    Ok(MethodOutput::value(json!(stage_entity(c.id))))
}

/// `crm.dealcategory.stage.list`.
async fn stage_list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_read(&ctx).await?;
    let c = existing(&ctx, &params).await?;
    let rows = ctx
        .store
        .list_statuses(Some(&stage_entity(c.id)))
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|s| json!({"NAME": s.name, "SORT": s.sort, "STATUS_ID": s.status_id}))
        .collect();
    Ok(MethodOutput::value(Value::Array(rows)))
}
