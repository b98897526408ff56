//! The universal API `crm.item.*` (`add`, `get`, `list`, `update`, `delete`,
//! `fields`) for leads (`entityTypeId` 1), deals (2), contacts (3) and
//! companies (4), over the same records and through the same business logic
//! as `crm.{e}.*`: requests are translated into the legacy inputs
//! ([`input`]) and run through [`crate::crm::entity`]'s `create`, `modify`,
//! `remove`, `find` and [`rights::fetch`], so defaults, derived fields,
//! directory checks, link writes and CRM rights are one implementation.
//!
//! What differs is the wire: universal names ([`names`]), typed values and
//! `fm` ([`render`]), answers wrapped as `{"item": …}` / `{"items": […]}`
//! (`delete` answers `[]`), and coded errors ([`errors`]) instead of the
//! legacy empty code. The old invoice (5) and Bitrix24's other built-in types
//! answer `ENTITY_TYPE_NOT_SUPPORTED`; any other id is an unknown smart
//! process (`NOT_FOUND` "Smart process not found").
//!
//! User fields (`UF_CRM_*`) take part under their universal names
//! (`ufCrm_…`, see [`names::uf_camel`]) or, with `useOriginalUfNames=Y`, their
//! codes; they are parsed, checked and rendered by
//! [`crate::crm::user_fields`], as in the legacy methods.
//!
//! Not served yet: `observers`, `parentId{N}`, the flat helpers (`phoneWork`,
//! `emailHome`, …) and OR groups in `filter` (refused with
//! `INVALID_ARG_VALUE` rather than ignored).

pub mod errors;
pub mod input;
pub mod names;
pub mod render;

use portico_protocol::params::{php_array, value_as_bool, value_as_i64, Params};
use portico_protocol::ApiError;
use serde_json::{json, Map, Value};

use self::errors::{map, missing, not_found};
use self::input::ItemSelection;
use self::names::{item_type, ItemType, Schema};
use crate::context::Ctx;
use crate::crm::company::Company;
use crate::crm::contact::Contact;
use crate::crm::deal::Deal;
use crate::crm::entity::{self, describe_fields, CrmEntity};
use crate::crm::lead::Lead;
use crate::crm::rights::{self, Action};
use crate::crm::user_fields;
use crate::crm::write::{parse_fields, Api};
use crate::handler;
use crate::listing::{build_query_with, check_filter_size, page_output, UnknownKeys};
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::invalid_arg;
use portico_store::user_fields::UserFieldWrite;

const ENTITY_TYPE_ID: ParamSpec = ParamSpec {
    name: "entityTypeId",
    kind: "integer",
    required: true,
    description: "CRM object type: 1 lead, 2 deal, 3 contact, 4 company.",
    description_pt: "Tipo de objeto do CRM: 1 lead, 2 negócio, 3 contato, 4 empresa.",
};
const ID: ParamSpec = ParamSpec {
    name: "id",
    kind: "integer",
    required: true,
    description: "Item ID.",
    description_pt: "ID do item.",
};
const FIELDS: ParamSpec = ParamSpec {
    name: "fields",
    kind: "object",
    required: true,
    description: "Field values by camelCase name (see crm.item.fields); unknown names are ignored. Multi-fields under fm: {\"n0\": {typeId, valueType, value}} adds an entry, {\"<entry id>\": {typeId, value}} changes it, an empty value deletes it.",
    description_pt: "Valores dos campos pelo nome em camelCase (veja crm.item.fields); nomes desconhecidos são ignorados. Campos múltiplos em fm: {\"n0\": {typeId, valueType, value}} adiciona uma entrada, {\"<id da entrada>\": {typeId, value}} a altera, um value vazio a remove.",
};
const ORIGINAL_UF_NAMES: ParamSpec = ParamSpec {
    name: "useOriginalUfNames",
    kind: "string",
    required: false,
    description: "Y to name user fields by their codes (UF_CRM_…) instead of camelCase (ufCrm_…); default N.",
    description_pt: "Y para nomear os campos personalizados pelos códigos (UF_CRM_…) em vez de camelCase (ufCrm_…); padrão N.",
};
const ADD_PARAMS: &[ParamSpec] = &[ENTITY_TYPE_ID, FIELDS, ORIGINAL_UF_NAMES];
const ID_PARAMS: &[ParamSpec] = &[ENTITY_TYPE_ID, ID, ORIGINAL_UF_NAMES];
const UPDATE_PARAMS: &[ParamSpec] = &[ENTITY_TYPE_ID, ID, FIELDS, ORIGINAL_UF_NAMES];
const FIELDS_PARAMS: &[ParamSpec] = &[ENTITY_TYPE_ID, ORIGINAL_UF_NAMES];
const LIST_PARAMS: &[ParamSpec] = &[
    ENTITY_TYPE_ID,
    ORIGINAL_UF_NAMES,
    ParamSpec {
        name: "select",
        kind: "array",
        required: false,
        description: "camelCase fields to return; * (the default) for all, with the multi-fields in fm.",
        description_pt: "Campos em camelCase a retornar; * (o padrão) para todos, com os campos múltiplos em fm.",
    },
    ParamSpec {
        name: "filter",
        kind: "object",
        required: false,
        description: "Conditions on camelCase fields, AND-ed, with the operators =, !, >, >=, <, <=, @, !@, %, =%, !%, ><; nested groups (up to 5 levels) with \"logic\": \"OR\" or \"AND\"; text compares in any case.",
        description_pt: "Condições sobre campos em camelCase, combinadas com E, com os operadores =, !, >, >=, <, <=, @, !@, %, =%, !%, ><; grupos aninhados (até 5 níveis) com \"logic\": \"OR\" ou \"AND\"; textos comparados sem distinguir maiúsculas.",
    },
    ParamSpec {
        name: "order",
        kind: "object",
        required: false,
        description: "Sort by camelCase fields, e.g. {\"id\": \"DESC\"}; directions ASC or DESC.",
        description_pt: "Ordenação por campos em camelCase, p. ex. {\"id\": \"DESC\"}; direções ASC ou DESC.",
    },
    ParamSpec {
        name: "start",
        kind: "integer",
        required: false,
        description: "Offset of the page (50 items); -1 skips counting.",
        description_pt: "Deslocamento da página (50 itens); -1 dispensa a contagem.",
    },
];

/// Declares `crm.item.*`.
pub fn register(r: &mut Registry) {
    let mut s = r.scope("crm", &[]);
    s.method(
        "crm.item.add",
        "Creates a CRM item (lead, deal, contact or company) from camelCase fields and returns it whole.",
        "Cria um item do CRM (lead, negócio, contato ou empresa) a partir de campos em camelCase e o retorna completo.",
        ADD_PARAMS,
        r#"{"entityTypeId": 2, "fields": {"title": "Website redesign", "stageId": "PREPARATION", "opportunity": 15000, "currencyId": "USD", "contactIds": [1, 2]}}"#,
        handler!(add),
    );
    s.method(
        "crm.item.get",
        "Returns a CRM item by ID with all its fields, its links and its multi-fields in fm.",
        "Retorna um item do CRM pelo ID com todos os seus campos, seus vínculos e seus campos múltiplos em fm.",
        ID_PARAMS,
        r#"{"entityTypeId": 1, "id": 1}"#,
        handler!(get),
    );
    s.method(
        "crm.item.list",
        "Lists CRM items of a type, 50 per page, with select, filter and order on camelCase fields.",
        "Lista itens do CRM de um tipo, 50 por página, com select, filter e order sobre campos em camelCase.",
        LIST_PARAMS,
        r#"{"entityTypeId": 2, "select": ["id", "title", "stageId", "opportunity"], "filter": {">opportunity": 1000, "stageSemanticId": "P"}, "order": {"id": "DESC"}, "start": 0}"#,
        handler!(list),
    );
    s.method(
        "crm.item.update",
        "Changes the given camelCase fields of a CRM item and returns it whole.",
        "Altera os campos em camelCase informados de um item do CRM e o retorna completo.",
        UPDATE_PARAMS,
        r#"{"entityTypeId": 3, "id": 1, "fields": {"post": "CTO", "fm": {"n0": {"typeId": "PHONE", "valueType": "WORK", "value": "+5511999990000"}}}}"#,
        handler!(update),
    );
    s.method(
        "crm.item.delete",
        "Deletes a CRM item.",
        "Remove um item do CRM.",
        &[ENTITY_TYPE_ID, ID],
        r#"{"entityTypeId": 1, "id": 1}"#,
        handler!(delete),
    );
    s.method(
        "crm.item.fields",
        "Describes the fields of a CRM item type by camelCase name, with upperName.",
        "Descreve os campos de um tipo de item do CRM pelo nome em camelCase, com upperName.",
        FIELDS_PARAMS,
        r#"{"entityTypeId": 2}"#,
        handler!(fields),
    );
}

/// Runs `$f::<E>(t, ctx, params)` for the entity of `t`.
macro_rules! by_type {
    ($t:expr, $f:ident, $ctx:expr, $params:expr) => {
        match $t.def.code {
            "LEAD" => $f::<Lead>($t, $ctx, $params).await,
            "DEAL" => $f::<Deal>($t, $ctx, $params).await,
            "CONTACT" => $f::<Contact>($t, $ctx, $params).await,
            "COMPANY" => $f::<Company>($t, $ctx, $params).await,
            _ => Err(ApiError::internal()),
        }
    };
}

/// The entity of `entityTypeId`.
fn entity_type(params: &Params) -> Result<&'static ItemType, ApiError> {
    match params.get("entityTypeId") {
        None | Some(Value::Null) => Err(missing("entityTypeId")),
        Some(v) if v.as_str().is_some_and(|s| s.trim().is_empty()) => Err(missing("entityTypeId")),
        Some(v) => item_type(value_as_i64(v).unwrap_or(0)),
    }
}

/// `id`: required; anything but a positive integer names no item.
fn item_id(params: &Params) -> Result<i64, ApiError> {
    match params.get("id") {
        None | Some(Value::Null) => Err(missing("id")),
        Some(v) => value_as_i64(v).filter(|id| *id > 0).ok_or_else(not_found),
    }
}

/// `fields`: required, a PHP array (an object or a list; `[]` is empty).
fn fields_param(params: &Params) -> Result<Map<String, Value>, ApiError> {
    match params.get("fields") {
        None | Some(Value::Null) => Err(missing("fields")),
        Some(v) => php_array(v)
            .map(|m| m.into_owned())
            .ok_or_else(|| invalid_arg("Parameter 'fields' must be an object")),
    }
}

/// The schema of a request: the entity's user fields, named as
/// `useOriginalUfNames` asks.
async fn schema<E: CrmEntity>(
    t: &'static ItemType,
    ctx: &Ctx,
    params: &Params,
) -> Result<Schema, ApiError> {
    let defs = user_fields::definitions(ctx, E::DEF).await?;
    let original = params
        .get("useOriginalUfNames")
        .and_then(value_as_bool)
        .unwrap_or(false);
    Ok(Schema::new(t, defs, original))
}

/// The legacy `fields` of a write and its user-field values, parsed and
/// checked by the legacy code; errors name the universal field.
async fn parse_write<E: CrmEntity>(
    s: &Schema,
    ctx: &Ctx,
    fields: &Map<String, Value>,
    creating: bool,
) -> Result<crate::crm::write::WriteSet, ApiError> {
    let legacy = input::fields_to_legacy(s, fields)?;
    let mut set = parse_fields(ctx, E::DEF, &legacy, creating, Api::Item).map_err(|e| map(s, e))?;
    // One user field at a time, so that an error names its field.
    let mut writes: Vec<UserFieldWrite> = Vec::new();
    for (key, value) in &legacy {
        let Some(idx) = s.defs.iter().position(|d| d.field_name == *key) else {
            continue;
        };
        let one = Map::from_iter([(key.clone(), value.clone())]);
        let parsed = user_fields::parse_write(ctx, &s.defs, &one, false)
            .await
            .map_err(|e| errors::user_field(s, idx, e))?;
        writes.extend(parsed);
    }
    user_fields::check_mandatory(&s.defs, &writes, creating).map_err(|e| map(s, e))?;
    set.uf = writes;
    Ok(set)
}

/// `{"item": …}` of a record read back after a write.
async fn answer_item<E: CrmEntity>(
    s: &Schema,
    ctx: &Ctx,
    id: i64,
) -> Result<MethodOutput, ApiError> {
    let record = entity::load::<E>(ctx, id).await.map_err(|e| map(s, e))?;
    let item = render::item(ctx, s, &record, &ItemSelection::all(s)).await?;
    Ok(MethodOutput::value(json!({ "item": item })))
}

/// `crm.item.add`.
pub async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let t = entity_type(&params)?;
    by_type!(t, add_typed, ctx, params)
}

async fn add_typed<E: CrmEntity>(
    t: &'static ItemType,
    ctx: Ctx,
    params: Params,
) -> Result<MethodOutput, ApiError> {
    let fields = fields_param(&params)?;
    let s = schema::<E>(t, &ctx, &params).await?;
    let mut set = parse_write::<E>(&s, &ctx, &fields, true).await?;
    moved_category(E::DEF, &s, &fields, &mut set)?;
    let id = entity::create::<E>(&ctx, set)
        .await
        .map_err(|e| map(&s, e))?;
    answer_item::<E>(&s, &ctx, id).await
}

/// `crm.item.get`.
pub async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let t = entity_type(&params)?;
    by_type!(t, get_typed, ctx, params)
}

async fn get_typed<E: CrmEntity>(
    t: &'static ItemType,
    ctx: Ctx,
    params: Params,
) -> Result<MethodOutput, ApiError> {
    let id = item_id(&params)?;
    let s = schema::<E>(t, &ctx, &params).await?;
    let record = rights::fetch(&ctx, E::DEF, id, Action::Read)
        .await
        .map_err(|e| map(&s, e))?
        .ok_or_else(not_found)?;
    let item = render::item(&ctx, &s, &record, &ItemSelection::all(&s)).await?;
    Ok(MethodOutput::value(json!({ "item": item })))
}

/// `crm.item.list`: `{"items": […]}` with `total` and `next` beside `result`.
pub async fn list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let t = entity_type(&params)?;
    by_type!(t, list_typed, ctx, params)
}

async fn list_typed<E: CrmEntity>(
    t: &'static ItemType,
    ctx: Ctx,
    params: Params,
) -> Result<MethodOutput, ApiError> {
    let s = schema::<E>(t, &ctx, &params).await?;
    let selection = input::select(&s, params.get("select"));
    let conditions = check_filter_size(input::filter(&s, params.get("filter"), ctx.clock.offset)?)?;
    let order = input::order(&s, params.get("order"))?;
    let (mut query, start) = build_query_with(
        E::DEF,
        &s.defs,
        None,
        order.as_ref(),
        params.get("start"),
        ctx.clock.offset,
        UnknownKeys::Refuse,
    )
    .map_err(|e| map(&s, e))?;
    query.conditions = conditions;
    query.with_multi = selection.fm;
    query.with_uf = !selection.uf.is_empty();
    let page = entity::find::<E>(&ctx, &query)
        .await
        .map_err(|e| map(&s, e))?;
    let mut items = Vec::with_capacity(page.records.len());
    for record in &page.records {
        items.push(render::item(&ctx, &s, record, &selection).await?);
    }
    let mut out = page_output(Vec::new(), page.total, start);
    out.result = json!({ "items": items });
    Ok(out)
}

/// `crm.item.update`.
pub async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let t = entity_type(&params)?;
    by_type!(t, update_typed, ctx, params)
}

async fn update_typed<E: CrmEntity>(
    t: &'static ItemType,
    ctx: Ctx,
    params: Params,
) -> Result<MethodOutput, ApiError> {
    let id = item_id(&params)?;
    let fields = fields_param(&params)?;
    let s = schema::<E>(t, &ctx, &params).await?;
    let current = rights::fetch(&ctx, E::DEF, id, Action::Update)
        .await
        .map_err(|e| map(&s, e))?
        .ok_or_else(not_found)?;
    let mut set = parse_write::<E>(&s, &ctx, &fields, false).await?;
    moved_category(E::DEF, &s, &fields, &mut set)?;
    entity::modify::<E>(&ctx, &current, set)
        .await
        .map_err(|e| map(&s, e))?;
    answer_item::<E>(&s, &ctx, id).await
}

/// A deal's `categoryId` on `crm.item.add` (a negative one is refused here)
/// and `crm.item.update`, the way to move a deal to another pipeline (the
/// legacy `crm.deal.update` ignores `CATEGORY_ID`). The directory check then
/// refuses an unknown pipeline on update and the deal picks its stage there.
fn moved_category(
    def: &portico_store::EntityDef,
    s: &Schema,
    fields: &Map<String, Value>,
    set: &mut crate::crm::write::WriteSet,
) -> Result<(), ApiError> {
    let Some(pos) = def.index_of("CATEGORY_ID") else {
        return Ok(());
    };
    let legacy = input::fields_to_legacy(s, fields)?;
    let Some(value) = legacy.get("CATEGORY_ID") else {
        return Ok(());
    };
    let id = value_as_i64(value)
        .filter(|id| *id >= 0)
        .ok_or_else(|| errors::not_valid("categoryId"))?;
    set.set(pos, portico_store::FieldValue::Int(id));
    Ok(())
}

/// `crm.item.delete`: answers `[]`, as Bitrix24 (an empty PHP array).
pub async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let t = entity_type(&params)?;
    by_type!(t, delete_typed, ctx, params)
}

async fn delete_typed<E: CrmEntity>(
    t: &'static ItemType,
    ctx: Ctx,
    params: Params,
) -> Result<MethodOutput, ApiError> {
    let id = item_id(&params)?;
    let s = Schema::new(t, Vec::new(), false);
    entity::remove::<E>(&ctx, id)
        .await
        .map_err(|e| map(&s, e))?;
    Ok(MethodOutput::value(Value::Array(Vec::new())))
}

/// `crm.item.fields`.
pub async fn fields(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let t = entity_type(&params)?;
    by_type!(t, fields_typed, ctx, params)
}

/// `{"fields": {name: descriptor + upperName}}`: the legacy descriptors under
/// universal names (`Y`/`N` flags typed `boolean`, as Bitrix24's universal
/// descriptors), multi-fields as one `fm`, user fields with `isDynamic`.
async fn fields_typed<E: CrmEntity>(
    t: &'static ItemType,
    ctx: Ctx,
    params: Params,
) -> Result<MethodOutput, ApiError> {
    let s = schema::<E>(t, &ctx, &params).await?;
    let legacy = describe_fields(t.def);
    let mut out = Map::with_capacity(t.def.fields.len() + s.defs.len() + 1);
    for (idx, field) in t.def.fields.iter().enumerate() {
        let (Some(name), Some(Value::Object(d))) = (t.name(idx), legacy.get(field.name)) else {
            continue;
        };
        let mut d = d.clone();
        if d.get("type").and_then(Value::as_str) == Some("char") {
            d.insert("type".into(), Value::from("boolean"));
        }
        d.insert("upperName".into(), Value::from(t.upper_name(field)));
        out.insert(name.to_string(), Value::Object(d));
    }
    if t.def.has_multifields() {
        out.insert(
            "fm".into(),
            json!({
                "type": "crm_multifield",
                "isRequired": false,
                "isReadOnly": false,
                "isImmutable": false,
                "isMultiple": true,
                "isDynamic": false,
                "title": "Multi-fields",
                "upperName": "FM",
            }),
        );
    }
    for (def, name) in s.defs.iter().zip(&s.uf_names) {
        let mut d = user_fields::describe(def);
        d["upperName"] = Value::from(def.field_name.clone());
        out.insert(name.clone(), d);
    }
    Ok(MethodOutput::value(json!({ "fields": out })))
}
