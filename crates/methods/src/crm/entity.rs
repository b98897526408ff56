//! The legacy entity methods (`add`, `get`, `list`, `update`, `delete`, `fields`)
//! written once for every CRM entity. An entity supplies its catalogue and its
//! own defaults, checks and derived fields through [`CrmEntity`]. Every write of
//! an entity passes here: the record with the link lists the write names
//! (`CONTACT_IDS`, …) and its id defaults, in one store transaction, once the
//! link targets are checked to exist and be readable. The caller's CRM rights ([`rights`]) are checked here too: in
//! `create`, `modify`, `remove` and `find` for every API that uses them, and
//! by `get` / `update` reading the record through [`rights::fetch`].

use portico_protocol::params::Params;
use portico_protocol::ApiError;
use portico_store::{EntityDef, FieldKind, ListPage, ListQuery, Record, RecordWrite};
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::crm::links;
use crate::crm::rights::{self, Action, Level};
use crate::crm::user_fields;
use crate::crm::write::{fields_object, parse_fields, Api, WriteSet};
use crate::handler;
use crate::listing::{
    build_query_with, page_output, render_record, resolve_select_with, LegacyRecordJson, Selection,
    UnknownKeys,
};
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{param_id, store_error};

/// The names of an entity's legacy methods.
pub struct LegacyNames {
    /// `crm.{e}.add`.
    pub add: &'static str,
    /// `crm.{e}.get`.
    pub get: &'static str,
    /// `crm.{e}.list`.
    pub list: &'static str,
    /// `crm.{e}.update`.
    pub update: &'static str,
    /// `crm.{e}.delete`.
    pub delete: &'static str,
    /// `crm.{e}.fields`.
    pub fields: &'static str,
}

/// How an entity is named in method descriptions.
pub struct Noun {
    /// English singular.
    pub en: &'static str,
    /// English plural.
    pub en_plural: &'static str,
    /// Portuguese singular.
    pub pt: &'static str,
    /// Portuguese plural.
    pub pt_plural: &'static str,
    /// Whether the Portuguese noun is feminine (a empresa) rather than masculine (o lead).
    pub pt_feminine: bool,
}

/// A CRM entity served by the shared legacy methods.
pub trait CrmEntity: Send + Sync + 'static {
    /// Its catalogue.
    const DEF: &'static EntityDef;
    /// Its method names.
    const NAMES: LegacyNames;
    /// Its name in descriptions.
    const NOUN: Noun;
    /// Example parameters of `add`.
    const ADD_EXAMPLE: &'static str;
    /// Example parameters of `list`.
    const LIST_EXAMPLE: &'static str;
    /// Example parameters of `update`.
    const UPDATE_EXAMPLE: &'static str;
    /// The legacy error text for a missing record.
    const NOT_FOUND: &'static str = "Not found";
    /// Link-list fields `get` returns (contact `COMPANY_IDS`); others, such as
    /// deal `CONTACT_IDS`, are write-only there, as in Bitrix24.
    const GET_LINKS: &'static [&'static str] = &[];
    /// Whether its list filters on the hidden `FULL_NAME` (`NAME` and
    /// `LAST_NAME` joined, see [`crate::crm::full_name`]), as contacts do.
    const FULL_NAME_FILTER: bool = false;
    /// Fills defaults and derived fields of a new record, or refuses it (a
    /// required field missing) with the legacy error.
    fn prepare_add(ctx: &Ctx, set: &mut WriteSet) -> Result<(), ApiError>;
    /// Fills derived fields of an update, knowing the record as it is, or
    /// refuses it with the legacy error.
    fn prepare_update(ctx: &Ctx, current: &Record, set: &mut WriteSet) -> Result<(), ApiError>;
    /// Fields a new record gets as a prefix followed by its id when the write
    /// leaves them empty (the deal's default title `Deal #{id}`), set by the
    /// store in the insert's transaction.
    fn id_defaults() -> Vec<(usize, String)> {
        Vec::new()
    }
}

const ID: ParamSpec = ParamSpec {
    name: "id",
    kind: "integer",
    required: true,
    description: "Record ID.",
    description_pt: "ID do registro.",
};
const FIELDS: ParamSpec = ParamSpec {
    name: "fields",
    kind: "object",
    required: true,
    description: "Field values by name (see the fields method); multi-fields as lists of {VALUE, VALUE_TYPE}.",
    description_pt: "Valores dos campos pelo nome (veja o método fields); campos múltiplos como listas de {VALUE, VALUE_TYPE}.",
};
const PARAMS: ParamSpec = ParamSpec {
    name: "params",
    kind: "object",
    required: false,
    description: "Options such as REGISTER_SONET_EVENT (Y/N).",
    description_pt: "Opções como REGISTER_SONET_EVENT (Y/N).",
};
const LIST_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "select",
        kind: "array",
        required: false,
        description: "Fields to return; * for all standard fields; multi-fields by name.",
        description_pt: "Campos a retornar; * para todos os campos padrão; campos múltiplos pelo nome.",
    },
    ParamSpec {
        name: "filter",
        kind: "object",
        required: false,
        description: "Conditions, e.g. {\">OPPORTUNITY\": 0}; operators =, !, >, >=, <, <=, @, !@, %, =%, !%, ><.",
        description_pt: "Condições, p. ex. {\">OPPORTUNITY\": 0}; operadores =, !, >, >=, <, <=, @, !@, %, =%, !%, ><.",
    },
    ParamSpec {
        name: "order",
        kind: "object",
        required: false,
        description: "Sort, e.g. {\"ID\": \"ASC\"}.",
        description_pt: "Ordenação, p. ex. {\"ID\": \"ASC\"}.",
    },
    ParamSpec {
        name: "start",
        kind: "integer",
        required: false,
        description: "Offset of the page (50 rows); -1 skips counting.",
        description_pt: "Deslocamento da página (50 linhas); -1 dispensa a contagem.",
    },
];

/// Declares the six legacy methods of an entity.
pub fn register_legacy<E: CrmEntity>(r: &mut Registry) {
    let n = &E::NOUN;
    let (o, a) = if n.pt_feminine {
        ("a", "uma")
    } else {
        ("o", "um")
    };
    let mut s = r.scope("crm", &[]);
    s.method(
        E::NAMES.add,
        format!("Creates a {} and returns its ID.", n.en),
        format!("Cria {a} {} e retorna seu ID.", n.pt),
        &[FIELDS, PARAMS],
        E::ADD_EXAMPLE,
        handler!(add::<E>),
    );
    s.method(
        E::NAMES.get,
        format!(
            "Returns a {} by ID with all its fields and multi-fields.",
            n.en
        ),
        format!(
            "Retorna {a} {} pelo ID com todos os seus campos e campos múltiplos.",
            n.pt
        ),
        &[ID],
        r#"{"id": 1}"#,
        handler!(get::<E>),
    );
    s.method(
        E::NAMES.list,
        format!(
            "Lists {}, 50 per page, with filter, order, select and start.",
            n.en_plural
        ),
        format!(
            "Lista {}, 50 por página, com filter, order, select e start.",
            n.pt_plural
        ),
        LIST_PARAMS,
        E::LIST_EXAMPLE,
        handler!(list::<E>),
    );
    s.method(
        E::NAMES.update,
        format!(
            "Changes the given fields of a {}. Multi-field items with ID change that entry; with ID and an empty VALUE they delete it.",
            n.en
        ),
        format!(
            "Altera os campos informados d{o} {}. Itens de campo múltiplo com ID alteram essa entrada; com ID e VALUE vazio a removem.",
            n.pt
        ),
        &[ID, FIELDS, PARAMS],
        E::UPDATE_EXAMPLE,
        handler!(update::<E>),
    );
    s.method(
        E::NAMES.delete,
        format!("Deletes a {}.", n.en),
        format!("Remove {a} {}.", n.pt),
        &[ID],
        r#"{"id": 1}"#,
        handler!(delete::<E>),
    );
    s.method(
        E::NAMES.fields,
        format!("Describes the {} fields: type, flags and title.", n.en),
        format!(
            "Descreve os campos d{o} {}: tipo, atributos e título.",
            n.pt
        ),
        &[],
        r#"{}"#,
        handler!(fields::<E>),
    );
}

// --- The one place each entity is written and read ------------------------
//
// `crm.{e}.*` here and `crm.item.*` (crate::crm::item) both call these with
// inputs already parsed into a [`WriteSet`] or a [`ListQuery`], so defaults,
// derived fields, directory checks and link writes are the same whichever API
// wrote. Errors are the legacy ones (`ApiError::legacy`); `crm.item.*` maps
// them to its coded errors in one place.

/// Creates a record of `E` from a parsed write: its directory values are
/// checked, the entity fills defaults and derived fields, the linked records
/// are checked to exist, then the record, its id defaults and its links are
/// written in one transaction. Returns the new id.
pub async fn create<E: CrmEntity>(ctx: &Ctx, mut set: WriteSet) -> Result<i64, ApiError> {
    let level = rights::require(ctx, E::DEF, Action::Add).await?;
    crate::crm::directory::check_statuses(ctx, E::DEF, &mut set, None).await?;
    E::prepare_add(ctx, &mut set)?;
    rights::check_assignee(ctx, level, E::DEF, &set)?;
    links::check_targets(ctx, E::DEF, &set.links).await?;
    let write = RecordWrite {
        links: links::list_writes(E::DEF, set.links)?,
        values: set.values,
        multi: set.multi,
        uf: set.uf,
        id_defaults: E::id_defaults(),
        event: Some(ctx.event_stamp()),
    };
    ctx.store
        .insert_record(E::DEF, write)
        .await
        .map_err(links::link_error)
}

/// Changes `current` (as read by [`load`]) with a parsed write: directory
/// values checked, the entity's derived fields, linked records checked, then
/// the record and its links written in one transaction. A record deleted meanwhile is the legacy
/// not-found error.
pub async fn modify<E: CrmEntity>(
    ctx: &Ctx,
    current: &Record,
    mut set: WriteSet,
) -> Result<(), ApiError> {
    let level = rights::require(ctx, E::DEF, Action::Update).await?;
    if !rights::check_record(level, ctx.caller.user.id, E::DEF, current) {
        return Err(rights::denied());
    }
    crate::crm::directory::check_statuses(ctx, E::DEF, &mut set, Some(current)).await?;
    E::prepare_update(ctx, current, &mut set)?;
    rights::check_assignee(ctx, level, E::DEF, &set)?;
    links::check_targets(ctx, E::DEF, &set.links).await?;
    let write = RecordWrite {
        links: links::list_writes(E::DEF, set.links)?,
        values: set.values,
        multi: set.multi,
        uf: set.uf,
        id_defaults: Vec::new(),
        event: Some(ctx.event_stamp()),
    };
    let found = ctx
        .store
        .update_record(E::DEF, current.id, write)
        .await
        .map_err(links::link_error)?;
    if !found {
        return Err(ApiError::legacy(E::NOT_FOUND));
    }
    Ok(())
}

/// Deletes record `id` of `E` (its multi-fields and links go with it), or the
/// legacy not-found error.
pub async fn remove<E: CrmEntity>(ctx: &Ctx, id: i64) -> Result<(), ApiError> {
    if rights::level(ctx, E::DEF, Action::Delete).await? != Level::All {
        rights::fetch(ctx, E::DEF, id, Action::Delete).await?;
    }
    let found = ctx
        .store
        .delete_record(E::DEF, id, Some(ctx.event_stamp()))
        .await
        .map_err(store_error)?;
    if !found {
        return Err(ApiError::legacy(E::NOT_FOUND));
    }
    Ok(())
}

/// Runs a list query of `E` resolved from `filter`, `order` and `start`.
pub async fn find<E: CrmEntity>(ctx: &Ctx, query: &ListQuery) -> Result<ListPage, ApiError> {
    let level = rights::require(ctx, E::DEF, Action::Read).await?;
    let query = rights::restrict(level, ctx.caller.user.id, E::DEF, query)?;
    ctx.store
        .list_records(E::DEF, &query)
        .await
        .map_err(store_error)
}

/// `crm.{entity}.add`: creates a record, answers its id.
pub async fn add<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let fields = fields_object(&params)?;
    params_object(&params)?;
    let mut set = parse_fields(&ctx, E::DEF, &fields, true, Api::Legacy)?;
    let defs = user_fields::definitions(&ctx, E::DEF).await?;
    set.uf = user_fields::parse_write(&ctx, &defs, &fields, true).await?;
    let id = create::<E>(&ctx, set).await?;
    Ok(MethodOutput::value(Value::from(id)))
}

/// `crm.{entity}.get`: one record with its multi-fields.
pub async fn get<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = param_id(&params)?;
    let record = rights::fetch(&ctx, E::DEF, id, Action::Read)
        .await?
        .ok_or_else(|| ApiError::legacy(E::NOT_FOUND))?;
    let selection = Selection {
        fields: stored_positions(E::DEF),
        multi: portico_store::MultiType::ALL
            .into_iter()
            .filter(|k| {
                E::DEF
                    .fields
                    .iter()
                    .any(|f| f.kind == FieldKind::MultiField(*k))
            })
            .collect(),
        uf: user_fields::definitions(&ctx, E::DEF).await?,
    };
    let mut links = Vec::with_capacity(E::GET_LINKS.len());
    for name in E::GET_LINKS {
        let Some(idx) = E::DEF.index_of(name) else {
            continue;
        };
        let ids = links::read_list(&ctx, E::DEF, id, idx).await?;
        let ids = ids.into_iter().map(|i| Value::String(i.to_string()));
        links.push((*name, Value::Array(ids.collect())));
    }
    if ctx.json_answer {
        let json = LegacyRecordJson {
            entity: E::DEF,
            record: &record,
            selection: &selection,
            offset: ctx.clock.offset,
            overrides: &links,
        };
        return json
            .to_vec()
            .map(MethodOutput::json)
            .map_err(|_| ApiError::internal());
    }
    let mut out = render_record(E::DEF, &record, &selection, ctx.clock.offset);
    if let Value::Object(row) = &mut out {
        for (name, ids) in links {
            row.insert(name.to_string(), ids);
        }
    }
    Ok(MethodOutput::value(out))
}

/// `crm.{entity}.list`: a page of 50 with `filter`, `order`, `select`, `start`.
pub async fn list<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let defs = user_fields::definitions(&ctx, E::DEF).await?;
    let selection = resolve_select_with(E::DEF, &defs, params.resolve("select"))?;
    let (filter, full_name) = if E::FULL_NAME_FILTER {
        crate::crm::full_name::take(&ctx, E::DEF, params.resolve("filter"))
    } else {
        (params.resolve("filter").cloned(), Vec::new())
    };
    let (mut query, start) = build_query_with(
        E::DEF,
        &defs,
        filter.as_ref(),
        params.resolve("order"),
        params.get("start"),
        ctx.clock.offset,
        UnknownKeys::Ignore(&ctx),
    )?;
    query.conditions.extend(full_name);
    query.with_multi = !selection.multi.is_empty();
    query.with_uf = !selection.uf.is_empty();
    let page = find::<E>(&ctx, &query).await?;
    let rows = page
        .records
        .iter()
        .map(|r| render_record(E::DEF, r, &selection, ctx.clock.offset))
        .collect();
    Ok(page_output(rows, page.total, start))
}

/// `crm.{entity}.update`: changes the given fields, answers `true`.
pub async fn update<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = param_id(&params)?;
    let fields = fields_object(&params)?;
    params_object(&params)?;
    let current = rights::fetch(&ctx, E::DEF, id, Action::Update)
        .await?
        .ok_or_else(|| ApiError::legacy(E::NOT_FOUND))?;
    let mut set = parse_fields(&ctx, E::DEF, &fields, false, Api::Legacy)?;
    let defs = user_fields::definitions(&ctx, E::DEF).await?;
    set.uf = user_fields::parse_write(&ctx, &defs, &fields, false).await?;
    modify::<E>(&ctx, &current, set).await?;
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `crm.{entity}.delete`: removes a record, answers `true`.
pub async fn delete<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = param_id(&params)?;
    remove::<E>(&ctx, id).await?;
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `crm.{entity}.fields`: the field descriptors, user fields included.
pub async fn fields<E: CrmEntity>(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let mut out = describe_fields(E::DEF);
    user_fields::describe_into(&mut out, &user_fields::definitions(&ctx, E::DEF).await?);
    Ok(MethodOutput::value(out))
}

/// Descriptors as `crm.{entity}.fields` returns them.
pub fn describe_fields(entity: &EntityDef) -> Value {
    let mut out = Map::with_capacity(entity.fields.len());
    for f in entity.fields {
        let mut d = json!({
            "type": f.kind.wire_name(),
            "isRequired": f.required,
            "isReadOnly": f.read_only,
            "isImmutable": f.immutable,
            "isMultiple": f.multiple,
            "isDynamic": false,
            "title": f.title,
        });
        if let FieldKind::CrmStatus(status_type) = f.kind {
            d["statusType"] = Value::from(status_type);
        }
        if f.deprecated {
            d["isDeprecated"] = Value::Bool(true);
        }
        let parent = match f.kind {
            FieldKind::CrmLead => Some(1),
            FieldKind::CrmContact => Some(3),
            FieldKind::CrmCompany => Some(4),
            FieldKind::CrmQuote => Some(7),
            _ => None,
        };
        if let Some(parent) = parent {
            d["settings"] = json!({"parentEntityTypeId": parent});
        }
        out.insert(f.name.to_string(), d);
    }
    Value::Object(out)
}

/// The record, or the legacy `Not found`. Checks no rights: to read a record
/// for a caller use [`rights::fetch`] (which [`get`] and [`update`] do).
pub async fn load<E: CrmEntity>(ctx: &Ctx, id: i64) -> Result<Record, ApiError> {
    ctx.store
        .get_record(E::DEF, id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::legacy(E::NOT_FOUND))
}

/// `params`, when given, must be an object.
fn params_object(params: &Params) -> Result<(), ApiError> {
    params.array("params").map(|_| ())
}

/// Positions of all stored fields.
fn stored_positions(entity: &EntityDef) -> Vec<usize> {
    entity
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is_stored())
        .map(|(i, _)| i)
        .collect()
}
