//! The legacy entity methods (`add`, `get`, `list`, `update`, `delete`, `fields`)
//! written once for every CRM entity. An entity supplies its catalogue and its
//! own defaults and derived fields through [`CrmEntity`].

use portico_protocol::params::Params;
use portico_protocol::ApiError;
use portico_store::{EntityDef, FieldKind, Record};
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::crm::write::{fields_object, parse_fields, WriteSet};
use crate::listing::{build_query, page_output, render_record, resolve_select, Selection};
use crate::registry::MethodOutput;
use crate::values::{param_id, store_error};

/// A CRM entity served by the shared legacy methods.
pub trait CrmEntity: Send + Sync + 'static {
    /// Its catalogue.
    const DEF: &'static EntityDef;
    /// Fills defaults and derived fields of a new record.
    fn prepare_add(ctx: &Ctx, set: &mut WriteSet);
    /// Fills derived fields of an update, knowing the record as it is.
    fn prepare_update(ctx: &Ctx, current: &Record, set: &mut WriteSet);
}

/// `crm.{entity}.add`: creates a record, answers its id.
pub async fn add<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let fields = fields_object(params.get("fields"))?;
    params_object(&params)?;
    let mut set = parse_fields(E::DEF, &fields, true, ctx.clock.offset)?;
    E::prepare_add(&ctx, &mut set);
    let id = ctx
        .store
        .insert_record(E::DEF, set.values, set.multi)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(Value::from(id)))
}

/// `crm.{entity}.get`: one record with its multi-fields.
pub async fn get<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = param_id(&params)?;
    let record = load::<E>(&ctx, id).await?;
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
    };
    Ok(MethodOutput::value(render_record(
        E::DEF,
        &record,
        &selection,
        ctx.clock.offset,
    )))
}

/// `crm.{entity}.list`: a page of 50 with `filter`, `order`, `select`, `start`.
pub async fn list<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let selection = resolve_select(E::DEF, params.get("select"))?;
    let (mut query, start) = build_query(
        E::DEF,
        params.get("filter"),
        params.get("order"),
        params.get("start"),
        ctx.clock.offset,
    )?;
    query.with_multi = !selection.multi.is_empty();
    let page = ctx
        .store
        .list_records(E::DEF, &query)
        .await
        .map_err(store_error)?;
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
    let fields = fields_object(params.get("fields"))?;
    params_object(&params)?;
    let current = load::<E>(&ctx, id).await?;
    let mut set = parse_fields(E::DEF, &fields, false, ctx.clock.offset)?;
    E::prepare_update(&ctx, &current, &mut set);
    let found = ctx
        .store
        .update_record(E::DEF, id, set.values, set.multi)
        .await
        .map_err(store_error)?;
    if !found {
        return Err(ApiError::legacy("Not found"));
    }
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `crm.{entity}.delete`: removes a record, answers `true`.
pub async fn delete<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = param_id(&params)?;
    let found = ctx
        .store
        .delete_record(E::DEF, id)
        .await
        .map_err(store_error)?;
    if !found {
        return Err(ApiError::legacy("Not found"));
    }
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `crm.{entity}.fields`: the field descriptors.
pub async fn fields<E: CrmEntity>(_ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::value(describe_fields(E::DEF)))
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
            _ => None,
        };
        if let Some(parent) = parent {
            d["settings"] = json!({"parentEntityTypeId": parent});
        }
        out.insert(f.name.to_string(), d);
    }
    Value::Object(out)
}

/// The record, or the legacy `Not found`.
async fn load<E: CrmEntity>(ctx: &Ctx, id: i64) -> Result<Record, ApiError> {
    ctx.store
        .get_record(E::DEF, id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::legacy("Not found"))
}

/// `params`, when given, must be an object.
fn params_object(params: &Params) -> Result<(), ApiError> {
    match params.get("params") {
        None | Some(Value::Null | Value::Object(_)) => Ok(()),
        Some(Value::Array(a)) if a.is_empty() => Ok(()),
        Some(Value::String(s)) if s.is_empty() => Ok(()),
        Some(_) => Err(ApiError::legacy("Parameter 'params' must be array.")),
    }
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
