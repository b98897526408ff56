//! `crm.stagehistory.list` (reference §5): the stage history of leads
//! (`entityTypeId` 1) and deals (2), UPPER_SNAKE rows with numbers as JSON
//! numbers and `CREATED_TIME` in ISO 8601 — leads `ID, TYPE_ID, OWNER_ID,
//! CREATED_TIME, STATUS_ID, STATUS_SEMANTIC_ID`, deals `… CATEGORY_ID,
//! STAGE_ID, STAGE_SEMANTIC_ID` — in `{"items": […]}` with `total` and `next`
//! (50 per `start`; `start=-1` skips counting). `filter` takes every list
//! operator and is strict: a field the rows do not have is 400
//! `INVALID_ARG_VALUE` `Invalid filter: field 'X' is not allowed in filter`,
//! as is a bad `order` key or direction. `select` names fields (unknown ones
//! skipped); all by default.
//!
//! A caller sees the history of the records it may read: none → 403
//! `ACCESS_DENIED`; `own` → only rows of records assigned to it (the first
//! [`MAX_VALUES_PER_KEY`] of them). Other entity types are
//! `ENTITY_TYPE_NOT_SUPPORTED`.

use portico_protocol::filter::FilterOp;
use portico_protocol::params::{php_array, value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::crm::stage_history::{DEAL_STAGE_HISTORY, LEAD_STAGE_HISTORY};
use portico_store::crm::{DEAL, LEAD};
use portico_store::{Action, Condition, EntityDef, FieldValue, Level, ListQuery};
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::crm::item::errors::missing;
use crate::crm::item::render::value;
use crate::crm::rights::{self, OWNER_FIELD};
use crate::handler;
use crate::listing::{build_query, page_output, select_names, MAX_VALUES_PER_KEY};
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{invalid_arg, store_error};

/// Declares `crm.stagehistory.list`.
pub fn register(r: &mut Registry) {
    let mut s = r.scope("crm", &[]);
    s.method(
        "crm.stagehistory.list",
        "Lists the stage history of leads (entityTypeId 1) or deals (2): one row at creation and one per stage change (TYPE_ID 1 created, 2 intermediate stage, 3 final stage, 5 pipeline changed).",
        "Lista o histórico de etapas de leads (entityTypeId 1) ou negócios (2): uma linha na criação e uma por mudança de etapa (TYPE_ID 1 criado, 2 etapa intermediária, 3 etapa final, 5 funil alterado).",
        &[
            ParamSpec {
                name: "entityTypeId",
                kind: "integer",
                required: true,
                description: "1 (leads) or 2 (deals).",
                description_pt: "1 (leads) ou 2 (negócios).",
            },
            ParamSpec {
                name: "filter",
                kind: "object",
                required: false,
                description: "Conditions on ID, TYPE_ID, OWNER_ID, CREATED_TIME and the stage fields, with the list operators (>=, <, @, !, %…).",
                description_pt: "Condições sobre ID, TYPE_ID, OWNER_ID, CREATED_TIME e os campos de etapa, com os operadores de lista (>=, <, @, !, %…).",
            },
            ParamSpec {
                name: "order",
                kind: "object",
                required: false,
                description: "Sort, e.g. {\"ID\": \"ASC\"}.",
                description_pt: "Ordenação, p. ex. {\"ID\": \"ASC\"}.",
            },
            ParamSpec {
                name: "select",
                kind: "array",
                required: false,
                description: "Fields to return; all by default.",
                description_pt: "Campos a retornar; todos por padrão.",
            },
            ParamSpec {
                name: "start",
                kind: "integer",
                required: false,
                description: "Offset of the page (50 rows); -1 skips counting.",
                description_pt: "Deslocamento da página (50 linhas); -1 dispensa a contagem.",
            },
        ],
        r#"{"entityTypeId": 2, "order": {"ID": "ASC"}, "filter": {"OWNER_ID": 1}, "select": ["ID", "STAGE_ID", "CREATED_TIME"]}"#,
        handler!(list),
    );
}

/// The record catalogue and history catalogue of `entityTypeId`.
fn entity_type(params: &Params) -> Result<(&'static EntityDef, &'static EntityDef), ApiError> {
    let id = match params.get("entityTypeId") {
        None | Some(Value::Null) => return Err(missing("entityTypeId")),
        Some(v) => value_as_i64(v).unwrap_or(0),
    };
    match id {
        1 => Ok((&LEAD, &LEAD_STAGE_HISTORY)),
        2 => Ok((&DEAL, &DEAL_STAGE_HISTORY)),
        _ => Err(ApiError::new(
            ErrorCode::EntityTypeNotSupported,
            format!("Entity type {id} is not supported"),
        )),
    }
}

/// Checks `order` directions with the text Bitrix24 answers.
fn check_order(order: Option<&Value>) -> Result<(), ApiError> {
    let Some(map) = order.and_then(php_array) else {
        return Ok(());
    };
    for (field, dir) in map.iter() {
        let d = value_as_string(dir).unwrap_or_default();
        if !matches!(d.trim().to_ascii_uppercase().as_str(), "ASC" | "DESC") {
            return Err(invalid_arg(format!(
                "Invalid order: allowed sort directions are ASC, DESC. But got '{d}' for field '{field}'"
            )));
        }
    }
    Ok(())
}

/// The condition limiting rows to records the caller owns (`own` level).
async fn owned(
    ctx: &Ctx,
    entity: &'static EntityDef,
    history: &EntityDef,
) -> Result<Condition, ApiError> {
    let owner = entity.index_of(OWNER_FIELD).ok_or_else(rights::denied)?;
    let query = ListQuery {
        conditions: vec![Condition::Field {
            field: owner,
            op: FilterOp::Eq,
            values: vec![FieldValue::Int(ctx.caller.user.id)],
        }],
        order: Vec::new(),
        offset: 0,
        limit: MAX_VALUES_PER_KEY as u64,
        count_total: false,
        with_multi: false,
        with_uf: false,
    };
    let page = ctx
        .store
        .list_records(entity, &query)
        .await
        .map_err(store_error)?;
    if page.records.is_empty() {
        return Ok(Condition::Any(Vec::new()));
    }
    Ok(Condition::Field {
        field: history.index_of("OWNER_ID").unwrap_or(0),
        op: FilterOp::In,
        values: page.records.iter().map(|r| FieldValue::Int(r.id)).collect(),
    })
}

/// `crm.stagehistory.list`.
async fn list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (entity, history) = entity_type(&params)?;
    let level = rights::level(&ctx, entity, Action::Read).await?;
    if level == Level::None {
        return Err(ApiError::from_code(ErrorCode::AccessDenied));
    }
    check_order(params.get("order"))?;
    let (mut query, start) = build_query(
        history,
        params.get("filter"),
        params.get("order"),
        params.get("start"),
        ctx.clock.offset,
    )?;
    if level == Level::Own {
        query.conditions.push(owned(&ctx, entity, history).await?);
    }
    let page = ctx
        .store
        .list_records(history, &query)
        .await
        .map_err(store_error)?;
    let names: Vec<String> = select_names(params.get("select"))
        .into_iter()
        .map(|n| n.trim().to_ascii_uppercase())
        .collect();
    let all = names.is_empty() || names.iter().any(|n| n == "*");
    let rows: Vec<Value> = page
        .records
        .iter()
        .map(|r| {
            let mut row = Map::new();
            for (field, v) in history.fields.iter().zip(&r.values) {
                if all || names.iter().any(|n| n == field.name) {
                    row.insert(field.name.to_string(), value(field, v, ctx.clock.offset));
                }
            }
            Value::Object(row)
        })
        .collect();
    let mut out = page_output(Vec::new(), page.total, start);
    out.result = json!({ "items": rows });
    Ok(out)
}
