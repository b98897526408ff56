//! `crm.duplicate.findbycomm`: the leads, contacts and companies that carry
//! one of up to 20 phones or e-mails — how imports find the client they
//! already have. Phones compare by their digits only (`+1 (555) 888-00-11`
//! finds `15558880011`), e-mails whatever their case
//! ([`portico_store::records::comm_key`]); the search runs in the store's
//! multi-field table ([`portico_store::RecordStore::find_by_multifield`]).
//!
//! The answer is `{"LEAD": [ids], "CONTACT": [ids], "COMPANY": [ids]}` with
//! only the entities that matched, ids as numbers in ascending order, and `[]`
//! when nothing matched. Only records the caller may read count: an entity
//! whose read level is `none` is skipped (refused with `Access denied.` when
//! `entity_type` names it), with `own` only the caller's records are returned.
//! Errors are the legacy ones (`error` empty), with Bitrix24's texts.
//!
//! Unlike Bitrix24, matches of one entity never hide those of the others
//! (Bitrix24 stops after 20 duplicates of one type), and more than 20 values
//! are refused instead of cut.

use portico_protocol::params::{value_as_string, Params};
use portico_protocol::ApiError;
use portico_store::crm::{COMPANY, CONTACT, LEAD};
use portico_store::records::comm_key;
use portico_store::{EntityDef, MultiType};
use serde_json::{Map, Value};

use crate::context::Ctx;
use crate::crm::rights::{self, Action, Level};
use crate::handler;
use crate::listing::build_query;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::store_error;

/// Most values one call may search.
pub const MAX_VALUES: usize = 20;

/// The entities searched, in answer order.
static SEARCHED: [&EntityDef; 3] = [&LEAD, &CONTACT, &COMPANY];

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "type",
        kind: "string",
        required: true,
        description: "What the values are: PHONE or EMAIL.",
        description_pt: "O que são os valores: PHONE ou EMAIL.",
    },
    ParamSpec {
        name: "values",
        kind: "array",
        required: true,
        description: "Up to 20 phones or e-mails; phones match by their digits, e-mails ignoring case.",
        description_pt: "Até 20 telefones ou e-mails; telefones coincidem pelos dígitos, e-mails sem diferenciar maiúsculas.",
    },
    ParamSpec {
        name: "entity_type",
        kind: "string",
        required: false,
        description: "LEAD, CONTACT or COMPANY to search only that entity; all three when absent.",
        description_pt: "LEAD, CONTACT ou COMPANY para buscar só essa entidade; as três quando ausente.",
    },
];

/// Declares `crm.duplicate.findbycomm`.
pub fn register(r: &mut Registry) {
    r.scope("crm", &[]).method(
        "crm.duplicate.findbycomm",
        "Finds the leads, contacts and companies having one of the given phones or e-mails; returns their IDs by entity.",
        "Encontra os leads, contatos e empresas que têm um dos telefones ou e-mails informados; retorna seus IDs por entidade.",
        PARAMS,
        r#"{"type": "PHONE", "values": ["+1 (555) 888-00-11", "+5511999990000"], "entity_type": "CONTACT"}"#,
        handler!(find_by_comm),
    );
}

/// `type`: `PHONE` or `EMAIL` (any case).
fn comm_type(params: &Params) -> Result<MultiType, ApiError> {
    let raw = params
        .get("type")
        .and_then(value_as_string)
        .unwrap_or_default();
    match raw.trim().to_ascii_uppercase().as_str() {
        "" => Err(ApiError::legacy("Communication type is not defined.")),
        "PHONE" => Ok(MultiType::Phone),
        "EMAIL" => Ok(MultiType::Email),
        other => Err(ApiError::legacy(format!(
            "Communication type '{other}' is not supported in current context."
        ))),
    }
}

/// `values`: a list (or one value) of 1 to [`MAX_VALUES`] items.
fn comm_values(params: &Params) -> Result<Vec<String>, ApiError> {
    let values: Vec<String> = match params.get("values") {
        Some(Value::Array(items)) => items.iter().filter_map(value_as_string).collect(),
        Some(Value::Object(map)) => map.values().filter_map(value_as_string).collect(),
        Some(v) => value_as_string(v).into_iter().collect(),
        None => Vec::new(),
    };
    let values: Vec<String> = values
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .collect();
    if values.is_empty() {
        return Err(ApiError::legacy("Communication values is not defined."));
    }
    if values.len() > MAX_VALUES {
        return Err(ApiError::legacy(format!(
            "Too many values: at most {MAX_VALUES} can be searched at once, {} were given.",
            values.len()
        )));
    }
    Ok(values)
}

/// `entity_type` (also `entityType`): `LEAD`, `CONTACT`, `COMPANY` or their
/// `entityTypeId` (1, 3, 4); `None` for all three.
fn entity_filter(params: &Params) -> Result<Option<&'static EntityDef>, ApiError> {
    let raw = params
        .get("entity_type")
        .or_else(|| params.get("entityType"))
        .and_then(value_as_string)
        .unwrap_or_default();
    let name = match raw.trim().to_ascii_uppercase().as_str() {
        "" => return Ok(None),
        "1" => "LEAD".to_string(),
        "3" => "CONTACT".to_string(),
        "4" => "COMPANY".to_string(),
        "2" => "DEAL".to_string(),
        other => other.to_string(),
    };
    if let Some(def) = SEARCHED.iter().find(|d| d.code == name) {
        return Ok(Some(*def));
    }
    Err(ApiError::legacy(if name == "DEAL" {
        "Deal is not supported in current context.".to_string()
    } else {
        format!("Entity type '{name}' is not supported in current context.")
    }))
}

/// The ids among `ids` (records of `def`) that a caller with an `own` read
/// level may see: one list query on `ID IN (…)` restricted as every list is.
async fn own_only(
    ctx: &Ctx,
    def: &'static EntityDef,
    level: Level,
    ids: Vec<i64>,
) -> Result<Vec<i64>, ApiError> {
    if level == Level::All || ids.is_empty() {
        return Ok(ids);
    }
    // The list machinery builds the query, so it stays whatever shape lists take.
    let filter = serde_json::json!({ "@ID": ids });
    let (mut query, _) = build_query(def, Some(&filter), None, None, ctx.clock.offset)?;
    query.limit = ids.len() as u64;
    query.count_total = false;
    let query = rights::restrict(level, ctx.caller.user.id, def, &query)?;
    let page = ctx
        .store
        .list_records(def, &query)
        .await
        .map_err(store_error)?;
    let mut seen: Vec<i64> = page.records.iter().map(|r| r.id).collect();
    seen.sort_unstable();
    Ok(seen)
}

/// `crm.duplicate.findbycomm`.
pub async fn find_by_comm(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let kind = comm_type(&params)?;
    let values = comm_values(&params)?;
    let only = entity_filter(&params)?;
    let mut keys: Vec<String> = values.iter().filter_map(|v| comm_key(kind, v)).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut out = Map::new();
    for def in SEARCHED {
        if only.is_some_and(|o| o.code != def.code) {
            continue;
        }
        let level = rights::level(&ctx, def, Action::Read).await?;
        if level == Level::None {
            if only.is_some() {
                return Err(rights::denied());
            }
            continue;
        }
        if keys.is_empty() {
            continue;
        }
        let ids = ctx
            .store
            .find_by_multifield(def, kind, &keys)
            .await
            .map_err(store_error)?;
        let ids = own_only(&ctx, def, level, ids).await?;
        if !ids.is_empty() {
            out.insert(
                def.code.to_string(),
                Value::Array(ids.into_iter().map(Value::from).collect()),
            );
        }
    }
    Ok(MethodOutput::value(if out.is_empty() {
        Value::Array(Vec::new())
    } else {
        Value::Object(out)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(v: Value) -> Params {
        Params::new(v.as_object().expect("object").clone())
    }

    #[test]
    fn parameters_are_checked() {
        assert_eq!(
            comm_type(&params(json!({"type": "phone"}))),
            Ok(MultiType::Phone)
        );
        assert_eq!(
            comm_type(&params(json!({}))).map_err(|e| e.description),
            Err("Communication type is not defined.".into())
        );
        assert_eq!(
            comm_type(&params(json!({"type": "WEB"}))).map_err(|e| e.description),
            Err("Communication type 'WEB' is not supported in current context.".into())
        );
        assert_eq!(
            comm_values(&params(json!({"values": ["a", " ", "b"]}))),
            Ok(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(
            comm_values(&params(json!({"values": "a"}))),
            Ok(vec!["a".to_string()])
        );
        assert!(comm_values(&params(json!({"values": []}))).is_err());
        let many: Vec<String> = (0..21).map(|i| i.to_string()).collect();
        assert_eq!(
            comm_values(&params(json!({ "values": many }))).map_err(|e| e.description),
            Err("Too many values: at most 20 can be searched at once, 21 were given.".into())
        );
        let code = |v: Value| entity_filter(&params(v)).map(|d| d.map(|d| d.code));
        assert_eq!(code(json!({})), Ok(None));
        assert_eq!(code(json!({"entity_type": "contact"})), Ok(Some("CONTACT")));
        assert_eq!(code(json!({"ENTITY_TYPE": 4})), Ok(Some("COMPANY")));
        assert_eq!(
            code(json!({"entity_type": "DEAL"})).map_err(|e| e.description),
            Err("Deal is not supported in current context.".into())
        );
        assert!(code(json!({"entity_type": "FOO"})).is_err());
    }
}
