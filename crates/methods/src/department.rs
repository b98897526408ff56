//! The `department` scope: `department.get/add/update/delete/fields`, the
//! company structure. Parameters are top-level (no `fields`) and their names
//! are read in any case; filter keys `ID`, `NAME`, `SORT`, `PARENT` and
//! `UF_HEAD` may also come inside `FILTER`. Other keys (`START`, `HEAD`, …)
//! are ignored, with a leniency warning, as Bitrix24 ignores them. Rows keep
//! Bitrix24's types: `SORT` a number, the rest strings, `PARENT` absent on the
//! top-level department and `UF_HEAD` when unset. Only administrators change
//! the structure.

use portico_protocol::params::{php_values, value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::departments::{BAD_PARENT, SECOND_ROOT};
use portico_store::{Department, DepartmentFields, StoreError};
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::handler;
use crate::listing::page_in_memory;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{check_length, store_error};
use portico_store::sizes::MAX_STRING_CHARS;

/// The fields a department has, as filter keys and sort fields.
const FIELDS: [&str; 5] = ["ID", "NAME", "SORT", "PARENT", "UF_HEAD"];

const ID: ParamSpec = ParamSpec {
    name: "ID",
    kind: "integer",
    required: true,
    description: "Department ID.",
    description_pt: "ID do departamento.",
};

/// Declares the `department.*` methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope("department", &[]);
    s.method(
        "department.get",
        "Lists departments in tree order (or by sort/order), filtered by ID, NAME, SORT, PARENT or UF_HEAD (top-level or inside FILTER); pages of 50 with start.",
        "Lista departamentos na ordem da árvore (ou por sort/order), filtrados por ID, NAME, SORT, PARENT ou UF_HEAD (no nível de cima ou dentro de FILTER); páginas de 50 com start.",
        &[
            ParamSpec {
                name: "sort",
                kind: "string",
                required: false,
                description: "Field to sort by: ID, NAME, SORT, PARENT or UF_HEAD.",
                description_pt: "Campo de ordenação: ID, NAME, SORT, PARENT ou UF_HEAD.",
            },
            ParamSpec {
                name: "order",
                kind: "string",
                required: false,
                description: "ASC (default) or DESC.",
                description_pt: "ASC (padrão) ou DESC.",
            },
            ParamSpec {
                name: "PARENT",
                kind: "integer",
                required: false,
                description: "Only the departments directly below this one.",
                description_pt: "Somente os departamentos logo abaixo deste.",
            },
            ParamSpec {
                name: "start",
                kind: "integer",
                required: false,
                description: "Offset of the page (50 rows).",
                description_pt: "Deslocamento da página (50 linhas).",
            },
        ],
        r#"{"sort": "NAME", "order": "ASC"}"#,
        handler!(get),
    );
    s.method(
        "department.add",
        "Creates a department below PARENT and returns its ID. Administrators only.",
        "Cria um departamento abaixo de PARENT e retorna seu ID. Somente administradores.",
        &[
            ParamSpec {
                name: "NAME",
                kind: "string",
                required: true,
                description: "Department name.",
                description_pt: "Nome do departamento.",
            },
            ParamSpec {
                name: "PARENT",
                kind: "integer",
                required: true,
                description: "Parent department ID (1 is the top-level department).",
                description_pt: "ID do departamento pai (1 é o departamento de topo).",
            },
            ParamSpec {
                name: "SORT",
                kind: "integer",
                required: false,
                description: "Sort weight among its siblings (default 500).",
                description_pt: "Peso de ordenação entre os irmãos (padrão 500).",
            },
            ParamSpec {
                name: "UF_HEAD",
                kind: "integer",
                required: false,
                description: "User ID of the department head.",
                description_pt: "ID do usuário chefe do departamento.",
            },
        ],
        r#"{"NAME": "Sales", "PARENT": 1, "SORT": 100}"#,
        handler!(add),
    );
    s.method(
        "department.update",
        "Changes a department's NAME, SORT, PARENT or UF_HEAD. Administrators only.",
        "Altera NAME, SORT, PARENT ou UF_HEAD de um departamento. Somente administradores.",
        &[ID],
        r#"{"ID": 2, "NAME": "Sales and marketing"}"#,
        handler!(update),
    );
    s.method(
        "department.delete",
        "Deletes a department with the departments below it. Administrators only.",
        "Remove um departamento com os departamentos abaixo dele. Somente administradores.",
        &[ID],
        r#"{"ID": 2}"#,
        handler!(delete),
    );
    s.method(
        "department.fields",
        "Names the department fields (labels, not descriptors).",
        "Nomeia os campos de departamento (rótulos, não descritores).",
        &[],
        "{}",
        handler!(fields),
    );
}

/// `ERROR_CORE` with Bitrix24's text.
fn core_error(text: &str) -> ApiError {
    ApiError::new(ErrorCode::ErrorCore, text.to_owned())
}

/// `Access denied!` unless the caller is an administrator.
fn require_admin(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.caller.user.is_admin {
        Ok(())
    } else {
        Err(core_error("Access denied!"))
    }
}

/// One row as Bitrix24 answers it.
fn render(d: &Department) -> Value {
    let mut row = Map::new();
    row.insert("ID".into(), json!(d.id.to_string()));
    row.insert("NAME".into(), json!(d.name));
    row.insert("SORT".into(), json!(d.sort));
    if let Some(parent) = d.parent {
        row.insert("PARENT".into(), json!(parent.to_string()));
    }
    if let Some(head) = d.head {
        row.insert("UF_HEAD".into(), json!(head.to_string()));
    }
    Value::Object(row)
}

/// The value a department has for filter/sort field `field`.
fn value_of(d: &Department, field: &str) -> Value {
    match field {
        "ID" => json!(d.id),
        "NAME" => json!(d.name),
        "SORT" => json!(d.sort),
        "PARENT" => json!(d.parent.unwrap_or(0)),
        _ => json!(d.head.unwrap_or(0)),
    }
}

/// Whether `d` passes the condition `field` = `wanted` (a list matches any).
fn matches(d: &Department, field: &str, wanted: &Value) -> bool {
    let have = value_of(d, field);
    php_values(wanted).iter().any(|w| match field {
        "NAME" => value_as_string(w).as_deref() == have.as_str(),
        _ => value_as_i64(w).unwrap_or(0) == have.as_i64().unwrap_or(0),
    })
}

/// `department.get`.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let mut all = ctx.store.list_departments().await.map_err(store_error)?;
    let sort_by = params
        .get("sort")
        .and_then(value_as_string)
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| FIELDS.contains(&s.as_str()));
    // Conditions: inside FILTER when it is given, else the top-level keys.
    let filter: Vec<(String, Value)> = match params.get("FILTER") {
        Some(Value::Object(f)) => f.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => params
            .map()
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    };
    let mut conditions = Vec::new();
    for (key, value) in filter {
        let upper = key.to_ascii_uppercase();
        let is_sort_spec = upper == "SORT" && value_as_i64(&value).is_none();
        if ["ORDER", "START", "FILTER"].contains(&upper.as_str()) || is_sort_spec {
            if upper == "START" && key != "start" {
                ctx.ignored("parameter", &key);
            }
            continue;
        }
        if FIELDS.contains(&upper.as_str()) {
            conditions.push((upper, value));
        } else {
            ctx.ignored("filter", &key);
        }
    }
    all.retain(|d| conditions.iter().all(|(f, v)| matches(d, f, v)));
    if let Some(field) = &sort_by {
        let descending = params
            .get("order")
            .and_then(value_as_string)
            .is_some_and(|o| o.trim().eq_ignore_ascii_case("DESC"));
        all.sort_by(|a, b| {
            let (x, y) = (value_of(a, field), value_of(b, field));
            let by = match (x.as_i64(), y.as_i64()) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => x.as_str().cmp(&y.as_str()),
            };
            if descending {
                by.reverse()
            } else {
                by
            }
        });
    }
    // Only a lower-case `start` pages (`START` is ignored), as in Bitrix24.
    Ok(page_in_memory(&all, params.map().get("start"), render))
}

/// The fields of an add or update from the parameters, over `base`.
fn fields_from(params: &Params, base: DepartmentFields) -> Result<DepartmentFields, ApiError> {
    let int = |name: &str| params.get(name).map(|v| value_as_i64(v).unwrap_or(0));
    let mut fields = base;
    if let Some(name) = params.get("NAME") {
        fields.name = value_as_string(name).unwrap_or_default().trim().to_owned();
    }
    if let Some(sort) = int("SORT") {
        fields.sort = sort;
    }
    if let Some(parent) = int("PARENT") {
        fields.parent = (parent > 0).then_some(parent);
    }
    if let Some(head) = int("UF_HEAD") {
        fields.head = (head > 0).then_some(head);
    }
    if fields.name.is_empty() {
        return Err(core_error("Department name not provided.<br>"));
    }
    check_length("NAME", &fields.name, MAX_STRING_CHARS).map_err(|e| core_error(&e))?;
    Ok(fields)
}

/// Bitrix24's text for a refused parent.
fn parent_error(e: StoreError) -> ApiError {
    match e {
        StoreError::Conflict(name) if name == SECOND_ROOT => {
            core_error("There can only be one top-level department.")
        }
        StoreError::Conflict(name) if name == BAD_PARENT => {
            core_error("The parent department is not found or lies below this one.")
        }
        other => store_error(other),
    }
}

/// Notes the parameters a write does not use.
fn note_ignored(ctx: &Ctx, params: &Params) {
    for key in params.map().keys() {
        let upper = key.to_ascii_uppercase();
        if !FIELDS.contains(&upper.as_str()) {
            ctx.ignored("parameter", key);
        }
    }
}

/// `department.add`.
async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    note_ignored(&ctx, &params);
    let empty = DepartmentFields {
        name: String::new(),
        sort: 500,
        parent: None,
        head: None,
    };
    let fields = fields_from(&params, empty)?;
    let id = ctx
        .store
        .insert_department(fields)
        .await
        .map_err(parent_error)?;
    Ok(MethodOutput::value(json!(id)))
}

/// The department of the `ID` parameter.
async fn load(ctx: &Ctx, params: &Params) -> Result<Department, ApiError> {
    let id = params.get("ID").and_then(value_as_i64).unwrap_or(0);
    let all = ctx.store.list_departments().await.map_err(store_error)?;
    all.into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| core_error("Department not found"))
}

/// `department.update`.
async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    note_ignored(&ctx, &params);
    let current = load(&ctx, &params).await?;
    let base = DepartmentFields {
        name: current.name.clone(),
        sort: current.sort,
        parent: current.parent,
        head: current.head,
    };
    let fields = fields_from(&params, base)?;
    match ctx.store.update_department(current.id, fields).await {
        Ok(true) => Ok(MethodOutput::value(json!(true))),
        Ok(false) => Err(core_error("Department not found")),
        Err(e) => Err(parent_error(e)),
    }
}

/// `department.delete`.
async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let current = load(&ctx, &params).await?;
    match ctx.store.delete_department(current.id).await {
        Ok(true) => Ok(MethodOutput::value(json!(true))),
        Ok(false) => Err(core_error("Department not found")),
        Err(e) => Err(store_error(e)),
    }
}

/// `department.fields`: labels, as Bitrix24 answers them.
async fn fields(_ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::value(json!({
        "ID": "ID",
        "NAME": "Department Name",
        "SORT": "Sort Order",
        "PARENT": "Parent Department",
        "UF_HEAD": "Manager",
    })))
}
