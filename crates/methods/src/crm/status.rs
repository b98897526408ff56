//! `crm.status.*`: the CRM directories (lead stages, sources, deal stages and
//! types, contact and company types, industries, employee ranges,
//! salutations), reference §7.6.
//!
//! Wire shape of an item (`crm.status.list`, `crm.status.get`): `ID` and `SORT`
//! as strings, `SYSTEM` `Y`/`N`, `NAME_INIT` the original name of a system item
//! and `""` for added ones (as Bitrix24's examples show), `CATEGORY_ID` null in
//! the default funnel, `COLOR` and `SEMANTICS` (`S`, `F`) null when unset.
//! `crm.status.list` adds `EXTRA` `{"SEMANTICS": "process"|"success"|"failure"|
//! "apology", "COLOR": …}` to items of stage directories (`STATUS`, `DEAL_STAGE`):
//! a failure stage other than the directory's main one (`LOSE`, `JUNK`) is an
//! "apology" stage, as in Bitrix24's `DEAL_STAGE` example; `crm.status.get`
//! answers without `EXTRA`, as Bitrix24's example does.
//!
//! Errors: Bitrix24 answers these methods with legacy CRM errors (HTTP 400,
//! empty `error`, the text in `error_description`); Portico keeps that shape and
//! Bitrix24's documented texts (`Status is not found.`, `Duplicate STATUS_ID.`,
//! `Specified entity type is not supported.`, `The field ENTITY_ID is
//! required.`, `CRM System Status can be deleted only if parameter FORCED is
//! specified and equal to "Y".`, `There are active items in this status.`).
//! `add`, `update` and `delete` need an administrator: others get 403
//! `ACCESS_DENIED` `Access denied.`. `list`, `get` and `entity.items` need read
//! access to at least one CRM entity ([`rights::require_read_any`]): others get
//! the legacy `Access denied.`. A bad `filter` or `order` key is 400
//! `INVALID_ARG_VALUE`, as in the other list methods.

use std::cmp::Ordering;

use portico_protocol::filter::{op_for_value, parse_filter_key, FilterOp};
use portico_protocol::params::{php_values, value_as_bool, value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::pipelines::{category_of_entity, stage_entity, stage_prefix};
use portico_store::statuses::{DirectoryType, DIRECTORY_TYPES, MAX_STATUS_ID_LEN};
use portico_store::{
    Condition, FieldKind, FieldValue, ListQuery, NewStatus, Semantics, Status, StatusChange,
    StoreError,
};
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::crm::rights;
use crate::crm::write::fields_object;
use crate::handler;
use crate::listing::{page_output, PAGE_SIZE};
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{field_descriptor, invalid_arg, param_id, store_error};

const ID: ParamSpec = ParamSpec {
    name: "id",
    kind: "integer",
    required: true,
    description: "Directory item ID (see crm.status.list).",
    description_pt: "ID do item do diretório (veja crm.status.list).",
};

/// Declares the `crm.status.*` methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope("crm", &[]);
    s.method(
        "crm.status.list",
        "Lists directory items, filtered by exact field values (e.g. ENTITY_ID) and sorted by order; SORT ascending by default.",
        "Lista itens de diretórios, filtrados por valores exatos de campos (p. ex. ENTITY_ID) e ordenados por order; por padrão SORT crescente.",
        &[
            ParamSpec {
                name: "filter",
                kind: "object",
                required: false,
                description: "Exact values, e.g. {\"ENTITY_ID\": \"STATUS\"}; a list matches any of its values; ! negates.",
                description_pt: "Valores exatos, p. ex. {\"ENTITY_ID\": \"STATUS\"}; uma lista casa com qualquer um dos valores; ! nega.",
            },
            ParamSpec {
                name: "order",
                kind: "object",
                required: false,
                description: "Sort, e.g. {\"SORT\": \"ASC\"}, over ID, ENTITY_ID, STATUS_ID, NAME, SORT.",
                description_pt: "Ordenação, p. ex. {\"SORT\": \"ASC\"}, por ID, ENTITY_ID, STATUS_ID, NAME, SORT.",
            },
            ParamSpec {
                name: "start",
                kind: "integer",
                required: false,
                description: "Offset of the page (50 rows); -1 skips counting.",
                description_pt: "Deslocamento da página (50 linhas); -1 dispensa a contagem.",
            },
        ],
        r#"{"order": {"SORT": "ASC"}, "filter": {"ENTITY_ID": "STATUS"}}"#,
        handler!(list),
    );
    s.method(
        "crm.status.get",
        "Returns a directory item by ID.",
        "Retorna um item de diretório pelo ID.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(get),
    );
    s.method(
        "crm.status.add",
        "Creates an item in a directory (ENTITY_ID, STATUS_ID and NAME required; SORT, COLOR, SEMANTICS for stages) and returns its ID. Administrators only.",
        "Cria um item em um diretório (ENTITY_ID, STATUS_ID e NAME obrigatórios; SORT, COLOR, SEMANTICS para etapas) e retorna seu ID. Somente administradores.",
        &[ParamSpec {
            name: "fields",
            kind: "object",
            required: true,
            description: "ENTITY_ID (see crm.status.entity.types), STATUS_ID, NAME, SORT (default 10), COLOR (#RRGGBB), SEMANTICS (S, F or empty; stage directories).",
            description_pt: "ENTITY_ID (veja crm.status.entity.types), STATUS_ID, NAME, SORT (padrão 10), COLOR (#RRGGBB), SEMANTICS (S, F ou vazio; diretórios de etapas).",
        }],
        r#"{"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "FAIR", "NAME": "Trade fair", "SORT": 130}}"#,
        handler!(add),
    );
    s.method(
        "crm.status.update",
        "Changes the NAME, SORT or COLOR of a directory item. Administrators only.",
        "Altera NAME, SORT ou COLOR de um item de diretório. Somente administradores.",
        &[
            ID,
            ParamSpec {
                name: "fields",
                kind: "object",
                required: true,
                description: "NAME, SORT, COLOR; other fields cannot change.",
                description_pt: "NAME, SORT, COLOR; os demais campos não podem mudar.",
            },
        ],
        r##"{"id": 1, "fields": {"NAME": "Not processed", "COLOR": "#00A9F4"}}"##,
        handler!(update),
    );
    s.method(
        "crm.status.delete",
        "Deletes a directory item; system items only with params[FORCED]=Y, stages only when no record is in them. Administrators only.",
        "Remove um item de diretório; itens de sistema só com params[FORCED]=Y, etapas só quando nenhum registro está nelas. Somente administradores.",
        &[
            ID,
            ParamSpec {
                name: "params",
                kind: "object",
                required: false,
                description: "FORCED: Y to delete a system item.",
                description_pt: "FORCED: Y para remover um item de sistema.",
            },
        ],
        r#"{"id": 1, "params": {"FORCED": "Y"}}"#,
        handler!(delete),
    );
    s.method(
        "crm.status.fields",
        "Describes the fields of directory items.",
        "Descreve os campos dos itens de diretório.",
        &[],
        r#"{}"#,
        handler!(fields),
    );
    s.method(
        "crm.status.entity.types",
        "Lists the directories (ENTITY_ID values) with the semantics of stage directories.",
        "Lista os diretórios (valores de ENTITY_ID) com a semântica dos diretórios de etapas.",
        &[],
        r#"{}"#,
        handler!(entity_types),
    );
    s.method(
        "crm.status.entity.items",
        "Lists the items of one directory sorted by SORT: NAME, SORT, STATUS_ID.",
        "Lista os itens de um diretório ordenados por SORT: NAME, SORT, STATUS_ID.",
        &[ParamSpec {
            name: "entityId",
            kind: "string",
            required: true,
            description: "The directory, e.g. DEAL_STAGE or SOURCE.",
            description_pt: "O diretório, p. ex. DEAL_STAGE ou SOURCE.",
        }],
        r#"{"entityId": "SOURCE"}"#,
        handler!(entity_items),
    );
}

/// An item in the wire shape; `extra` adds `EXTRA` to items of stage directories.
fn render(s: &Status, extra: bool) -> Value {
    let mut row = json!({
        "ID": s.id.to_string(),
        "ENTITY_ID": s.entity_id,
        "STATUS_ID": s.status_id,
        "NAME": s.name,
        "NAME_INIT": s.name_init.clone().unwrap_or_default(),
        "SORT": s.sort.to_string(),
        "SYSTEM": if s.system { "Y" } else { "N" },
        "CATEGORY_ID": s.category_id.map(|c| c.to_string()),
        "COLOR": s.color,
        "SEMANTICS": s.semantics.map(Semantics::as_str),
    });
    let stages = directory(&s.entity_id).and_then(|d| d.stages);
    if let (true, Some(stages)) = (extra, stages) {
        let code = s
            .status_id
            .rsplit_once(':')
            .map_or(s.status_id.as_str(), |(_, c)| c);
        let semantics = match s.semantics {
            None => "process",
            Some(Semantics::Success) => "success",
            Some(Semantics::Failure) if code == stages.failure => "failure",
            Some(Semantics::Failure) => "apology",
        };
        row["EXTRA"] = json!({"SEMANTICS": semantics, "COLOR": s.color});
    }
    row
}

/// The rules of directory `entity_id`: its own, or the default pipeline's
/// for the stages of another pipeline (`DEAL_STAGE_{n}`).
fn directory(entity_id: &str) -> Option<&'static DirectoryType> {
    match category_of_entity(entity_id) {
        Some(n) if n > 0 => DirectoryType::get("DEAL_STAGE"),
        _ => DirectoryType::get(entity_id),
    }
}

/// The `STATUS_ID` of a stage added to pipeline `n` > 0: with this
/// pipeline's prefix (`FOO` and `C3:FOO` become `C{n}:FOO`), or a generated
/// one (`C{n}:UC_1`, …) when empty, as Bitrix24 does.
async fn pipeline_stage_id(ctx: &Ctx, n: i64, given: Option<String>) -> Result<String, ApiError> {
    let prefix = stage_prefix(n);
    if let Some(code) = given {
        let base = code.rsplit_once(':').map_or(code.as_str(), |(_, c)| c);
        return Ok(format!("{prefix}{base}"));
    }
    let entity_id = stage_entity(n);
    for i in 1.. {
        let code = format!("{prefix}UC_{i}");
        if ctx
            .store
            .find_status(&entity_id, &code)
            .await
            .map_err(store_error)?
            .is_none()
        {
            return Ok(code);
        }
    }
    unreachable!("an unused stage id exists")
}

/// The legacy error for a missing item.
fn not_found() -> ApiError {
    ApiError::legacy("Status is not found.")
}

/// Directory writes are for administrators.
fn require_admin(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.caller.user.is_admin {
        Ok(())
    } else {
        Err(ApiError::from_code(ErrorCode::AccessDenied))
    }
}

/// The item, or `Status is not found.`
async fn load(ctx: &Ctx, id: i64) -> Result<Status, ApiError> {
    ctx.store
        .status_by_id(id)
        .await
        .map_err(store_error)?
        .ok_or_else(not_found)
}

/// A key of `fields`, ignoring case and surrounding spaces.
fn field<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    fields
        .iter()
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// A text field; `null` and `""` count as absent.
fn text_field(fields: &Map<String, Value>, name: &str) -> Option<String> {
    field(fields, name)
        .and_then(value_as_string)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// `SORT`, when given: an integer.
fn sort_field(fields: &Map<String, Value>) -> Result<Option<i64>, ApiError> {
    match field(fields, "SORT") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v) => value_as_i64(v)
            .map(Some)
            .ok_or_else(|| ApiError::legacy("Field 'SORT' must be an integer.")),
    }
}

/// Whether `code` is a valid `STATUS_ID` of `dir`: at most `code_limit` Latin
/// letters, digits, `-` and `_` for stage directories, at most 50 characters
/// of any kind otherwise (Bitrix24's rules).
fn valid_code(dir: &DirectoryType, code: &str) -> Result<(), ApiError> {
    match dir.code_limit {
        Some(max)
            if code.len() > max
                || !code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Err(ApiError::legacy(format!(
                "STATUS_ID of directory {} must be at most {max} Latin letters, digits, '-' and '_'.",
                dir.id
            )))
        }
        None if code.chars().count() > MAX_STATUS_ID_LEN => Err(ApiError::legacy(format!(
            "STATUS_ID must be at most {MAX_STATUS_ID_LEN} characters."
        ))),
        _ => Ok(()),
    }
}

/// `crm.status.add`.
async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let fields = fields_object(&params)?;
    let entity_id = text_field(&fields, "ENTITY_ID")
        .ok_or_else(|| ApiError::legacy("The field ENTITY_ID is required."))?;
    let unsupported = || ApiError::legacy("Specified entity type is not supported.");
    let dir = directory(&entity_id).ok_or_else(unsupported)?;
    let category = match category_of_entity(&entity_id) {
        Some(n) if n > 0 => {
            if ctx.store.category(n).await.map_err(store_error)?.is_none() {
                return Err(unsupported());
            }
            Some(n)
        }
        _ => None,
    };
    let status_id = match category {
        Some(n) => {
            let id = pipeline_stage_id(&ctx, n, text_field(&fields, "STATUS_ID")).await?;
            let base = id.rsplit_once(':').map_or(id.as_str(), |(_, c)| c);
            valid_code(dir, base)?;
            id
        }
        None => {
            let id = text_field(&fields, "STATUS_ID")
                .ok_or_else(|| ApiError::legacy("The field STATUS_ID is required."))?;
            valid_code(dir, &id)?;
            id
        }
    };
    let name = text_field(&fields, "NAME")
        .ok_or_else(|| ApiError::legacy("The field NAME is required."))?;
    let semantics = match (dir.stages, text_field(&fields, "SEMANTICS")) {
        (Some(_), Some(s)) => Some(
            Semantics::parse(&s.to_ascii_uppercase())
                .ok_or_else(|| ApiError::legacy("Field 'SEMANTICS' must be S, F or empty."))?,
        ),
        _ => None,
    };
    let new = NewStatus {
        entity_id,
        status_id,
        name,
        name_init: None,
        sort: match (category, sort_field(&fields)?) {
            (Some(_), Some(n)) if n <= 0 => 10,
            (_, sort) => sort.unwrap_or(10),
        },
        system: false,
        category_id: category,
        color: text_field(&fields, "COLOR"),
        semantics,
    };
    match ctx.store.insert_status(new).await {
        Ok(id) => Ok(MethodOutput::value(Value::from(id))),
        Err(StoreError::Conflict(_)) => Err(ApiError::legacy("Duplicate STATUS_ID.")),
        Err(e) => Err(store_error(e)),
    }
}

/// `crm.status.get`.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    rights::require_read_any(&ctx).await?;
    let id = param_id(&params)?;
    let item = load(&ctx, id).await?;
    Ok(MethodOutput::value(render(&item, false)))
}

/// `crm.status.update`: only `NAME`, `SORT` and `COLOR` change (`COLOR` `""`
/// clears it); other keys, `ENTITY_ID` and `STATUS_ID` included, are ignored,
/// as legacy updates ignore fields they cannot write.
async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let id = param_id(&params)?;
    let fields = fields_object(&params)?;
    let name = match field(&fields, "NAME") {
        None => None,
        Some(_) => Some(
            text_field(&fields, "NAME")
                .ok_or_else(|| ApiError::legacy("The field NAME is required."))?,
        ),
    };
    let change = StatusChange {
        name,
        sort: sort_field(&fields)?,
        color: field(&fields, "COLOR").map(|_| text_field(&fields, "COLOR")),
    };
    let found = ctx
        .store
        .update_status(id, change)
        .await
        .map_err(store_error)?;
    if !found {
        return Err(not_found());
    }
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `crm.status.delete`.
async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let id = param_id(&params)?;
    let forced = match params.array("params")? {
        Some(p) => field(&p, "FORCED").and_then(value_as_bool).unwrap_or(false),
        None => false,
    };
    let item = load(&ctx, id).await?;
    if item.system && !forced {
        return Err(ApiError::legacy(
            "CRM System Status can be deleted only if parameter FORCED is specified and equal to \"Y\".",
        ));
    }
    if directory(&item.entity_id).is_some_and(|d| d.stages.is_some()) && in_use(&ctx, &item).await?
    {
        return Err(ApiError::legacy("There are active items in this status."));
    }
    if !ctx.store.delete_status(id).await.map_err(store_error)? {
        return Err(not_found());
    }
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// Whether a record of some CRM entity holds this item in a field of its directory.
async fn in_use(ctx: &Ctx, item: &Status) -> Result<bool, ApiError> {
    for entity in portico_store::crm::ENTITIES {
        for (idx, f) in entity.fields.iter().enumerate() {
            let of_pipeline = category_of_entity(&item.entity_id).is_some();
            if !matches!(f.kind, FieldKind::CrmStatus(d)
                if d == item.entity_id || (d == "DEAL_STAGE" && of_pipeline))
            {
                continue;
            }
            let query = ListQuery {
                conditions: vec![Condition::Field {
                    field: idx,
                    op: FilterOp::Eq,
                    values: vec![FieldValue::Text(item.status_id.clone())],
                }],
                order: Vec::new(),
                offset: 0,
                limit: 1,
                count_total: false,
                with_multi: false,
                with_uf: false,
            };
            let page = ctx
                .store
                .list_records(entity, &query)
                .await
                .map_err(store_error)?;
            if !page.records.is_empty() {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// `crm.status.fields`: the descriptors Bitrix24 answers.
async fn fields(_ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let d = field_descriptor;
    Ok(MethodOutput::value(json!({
        "ID": d("integer", false, true, false, "ID"),
        "ENTITY_ID": d("string", true, false, true, "Entity ID"),
        "STATUS_ID": d("string", true, false, true, "Status"),
        "SORT": d("integer", false, false, false, "Sorting"),
        "NAME": d("string", true, false, false, "Name"),
        "NAME_INIT": d("string", false, true, false, "Default Name"),
        "SYSTEM": d("char", false, true, false, "System"),
        "CATEGORY_ID": d("integer", false, false, true, "CATEGORY_ID"),
        "COLOR": d("string", false, false, false, "COLOR"),
        "SEMANTICS": d("char", false, false, true, "SEMANTICS"),
        "EXTRA": d("crm_status_extra", false, false, false, "Additional Fields"),
    })))
}

/// `crm.status.entity.types`: `ID` and `NAME` of every directory; stage
/// directories add `SEMANTIC_INFO` and `ENTITY_TYPE_ID`, the default deal
/// funnel also `FIELD_ATTRIBUTE_SCOPE` `""` and `CATEGORY_ID` 0, as Bitrix24's
/// example shows (no `PREFIX`: it belongs to funnels other than the default);
/// then one entry per other pipeline (`DEAL_STAGE_{n}`, `PREFIX` `C{n}`,
/// `CATEGORY_ID` the string `"n"`), as reference §4.3 shows.
async fn entity_types(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let mut rows: Vec<Value> = DIRECTORY_TYPES
        .iter()
        .map(|d| {
            let mut row = json!({"ID": d.id, "NAME": d.name});
            if let Some(stages) = d.stages {
                row["SEMANTIC_INFO"] = json!({
                    "START_FIELD": stages.start,
                    "FINAL_SUCCESS_FIELD": stages.success,
                    "FINAL_UNSUCCESS_FIELD": stages.failure,
                    "FINAL_SORT": 0,
                });
            }
            if let Some(category) = d.category_id {
                row["FIELD_ATTRIBUTE_SCOPE"] = json!("");
                row["ENTITY_TYPE_ID"] = json!(d.entity_type_id);
                row["CATEGORY_ID"] = json!(category);
            } else if let Some(t) = d.entity_type_id {
                row["ENTITY_TYPE_ID"] = json!(t);
            }
            row
        })
        .collect();
    for c in ctx.store.list_categories().await.map_err(store_error)? {
        if c.id == 0 {
            continue;
        }
        let p = stage_prefix(c.id);
        rows.push(json!({
            "ID": stage_entity(c.id),
            "NAME": format!("{} Deal Stages", c.name),
            "PARENT_ID": "DEAL_STAGE",
            "SEMANTIC_INFO": {
                "START_FIELD": format!("{p}NEW"),
                "FINAL_SUCCESS_FIELD": format!("{p}WON"),
                "FINAL_UNSUCCESS_FIELD": format!("{p}LOSE"),
                "FINAL_SORT": 0,
            },
            "PREFIX": format!("C{}", c.id),
            "FIELD_ATTRIBUTE_SCOPE": format!("category_{}", c.id),
            "ENTITY_TYPE_ID": 2,
            "CATEGORY_ID": c.id.to_string(),
        }));
    }
    Ok(MethodOutput::value(Value::Array(rows)))
}

/// `crm.status.entity.items`: `{NAME, SORT, STATUS_ID}` of one directory by
/// `SORT` (`SORT` a number here, as Bitrix24 answers); an unknown directory has
/// no items. A missing `entityId` is the legacy `The parameter entityId is not
/// defined or invalid.`
async fn entity_items(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    rights::require_read_any(&ctx).await?;
    let entity_id = params
        .get("entityId")
        .and_then(value_as_string)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::legacy("The parameter entityId is not defined or invalid."))?;
    let rows = ctx
        .store
        .list_statuses(Some(&entity_id))
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|s| json!({"NAME": s.name, "SORT": s.sort, "STATUS_ID": s.status_id}))
        .collect();
    Ok(MethodOutput::value(Value::Array(rows)))
}

/// The item fields `crm.status.list` filters and sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Id,
    EntityId,
    StatusId,
    Name,
    NameInit,
    Sort,
    System,
    CategoryId,
    Color,
    Semantics,
}

impl Col {
    /// The column with this wire name (any case).
    fn parse(name: &str) -> Option<Col> {
        Some(match name.trim().to_ascii_uppercase().as_str() {
            "ID" => Col::Id,
            "ENTITY_ID" => Col::EntityId,
            "STATUS_ID" => Col::StatusId,
            "NAME" => Col::Name,
            "NAME_INIT" => Col::NameInit,
            "SORT" => Col::Sort,
            "SYSTEM" => Col::System,
            "CATEGORY_ID" => Col::CategoryId,
            "COLOR" => Col::Color,
            "SEMANTICS" => Col::Semantics,
            _ => return None,
        })
    }

    /// Whether values are integers.
    fn numeric(self) -> bool {
        matches!(self, Col::Id | Col::Sort | Col::CategoryId)
    }
}

/// A comparable value of an item's column.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Null,
    Int(i64),
    Text(String),
}

/// The item's value of `col` (absent `NAME_INIT`, `COLOR`, `SEMANTICS`,
/// `CATEGORY_ID` are `Null`).
fn key(s: &Status, col: Col) -> Key {
    let text = |v: &str| Key::Text(v.to_string());
    match col {
        Col::Id => Key::Int(s.id),
        Col::EntityId => text(&s.entity_id),
        Col::StatusId => text(&s.status_id),
        Col::Name => text(&s.name),
        Col::NameInit => s.name_init.as_deref().map_or(Key::Null, text),
        Col::Sort => Key::Int(s.sort),
        Col::System => text(if s.system { "Y" } else { "N" }),
        Col::CategoryId => s.category_id.map_or(Key::Null, Key::Int),
        Col::Color => s.color.as_deref().map_or(Key::Null, text),
        Col::Semantics => s.semantics.map_or(Key::Null, |m| text(m.as_str())),
    }
}

/// One condition of `crm.status.list`'s filter.
struct Cond {
    col: Col,
    negate: bool,
    values: Vec<Key>,
}

/// Resolves `filter`: exact matches (`=`, none), `!` negation, lists as
/// any-of; `null` or `""` match an unset value. Keys naming no column (a list
/// key `0`, another entity's field) are ignored, as Bitrix24 does, with a
/// leniency warning.
fn resolve_filter(ctx: &Ctx, params: &Params) -> Result<Vec<Cond>, ApiError> {
    let map = params.array("filter")?.unwrap_or_default();
    let mut out = Vec::with_capacity(map.len());
    for (k, value) in map.iter() {
        let (op, name) = parse_filter_key(k)?;
        let Some(col) = Col::parse(name) else {
            ctx.ignored("filter", k);
            continue;
        };
        let negate = match op_for_value(op, value.is_array()) {
            FilterOp::Eq | FilterOp::In => false,
            FilterOp::NotEq | FilterOp::NotIn => true,
            _ => {
                return Err(invalid_arg(format!(
                    "Invalid filter: operator of '{k}' is not supported here; use =, !, @ or !@"
                )))
            }
        };
        let items = php_values(value);
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            let v = match item {
                Value::Null => Key::Null,
                Value::String(s) if s.is_empty() => Key::Null,
                v if col.numeric() => value_as_i64(v).map(Key::Int).ok_or_else(|| {
                    invalid_arg(format!(
                        "Invalid filter: Field '{}' must be an integer.",
                        name.to_ascii_uppercase()
                    ))
                })?,
                v => Key::Text(value_as_string(v).ok_or_else(|| {
                    invalid_arg(format!("Invalid filter: value of '{k}' must be a string"))
                })?),
            };
            values.push(v);
        }
        out.push(Cond {
            col,
            negate,
            values,
        });
    }
    Ok(out)
}

/// Resolves `order` (`{FIELD: "ASC"|"DESC"}`); `true` means descending.
fn resolve_order(params: &Params) -> Result<Vec<(Col, bool)>, ApiError> {
    let map = params.array("order")?.unwrap_or_default();
    let mut out = Vec::with_capacity(map.len());
    for (name, dir) in map.iter() {
        let col = Col::parse(name).ok_or_else(|| {
            invalid_arg(format!(
                "Invalid order: field '{name}' is not allowed in order"
            ))
        })?;
        let desc = crate::listing::order_descending(dir)?;
        out.push((col, desc));
    }
    Ok(out)
}

/// `crm.status.list`: items matching `filter`, sorted by `order` (default
/// `SORT`, then `ID`; `ID` breaks ties), 50 per page with `total` and `next`.
async fn list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    rights::require_read_any(&ctx).await?;
    let conds = resolve_filter(&ctx, &params)?;
    let mut order = resolve_order(&params)?;
    let start = match params.get("start") {
        None | Some(Value::Null) => 0,
        Some(v) if v.as_str().is_some_and(|s| s.trim().is_empty()) => 0,
        Some(v) => value_as_i64(v)
            .ok_or_else(|| invalid_arg("Parameter 'start' must be an integer."))?
            .max(-1),
    };
    // One exact ENTITY_ID narrows the read to that directory.
    let directory = conds
        .iter()
        .find_map(|c| match (c.col, c.negate, &c.values[..]) {
            (Col::EntityId, false, [Key::Text(e)]) => Some(e.clone()),
            _ => None,
        });
    let mut items = ctx
        .store
        .list_statuses(directory.as_deref())
        .await
        .map_err(store_error)?;
    items.retain(|s| {
        conds
            .iter()
            .all(|c| c.values.contains(&key(s, c.col)) != c.negate)
    });
    if order.is_empty() {
        order.push((Col::Sort, false));
    }
    if !order.iter().any(|(c, _)| *c == Col::Id) {
        order.push((Col::Id, false));
    }
    items.sort_by(|a, b| {
        order
            .iter()
            .map(|&(col, desc)| {
                let o = key(a, col).cmp(&key(b, col));
                if desc {
                    o.reverse()
                } else {
                    o
                }
            })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
    let total = items.len() as u64;
    let rows = items
        .iter()
        .skip(start.max(0) as usize)
        .take(PAGE_SIZE as usize)
        .map(|s| render(s, true))
        .collect();
    Ok(page_output(rows, (start >= 0).then_some(total), start))
}
