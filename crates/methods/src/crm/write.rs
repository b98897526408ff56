//! Turning a legacy `fields` object into typed column values, multi-field
//! changes and link lists: unknown fields are ignored, read-only ones skipped,
//! immutable ones only taken on create, multi-fields follow the add / update /
//! delete-by-ID rules, link lists (`CONTACT_IDS`, and the legacy single
//! `CONTACT_ID` standing for them) replace the record's links.

use portico_protocol::params::{value_as_bool, value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::{EntityDef, FieldKind, FieldValue, MultiFieldChange, MultiType, Status};
use serde_json::{Map, Value};

use portico_store::sizes::{MAX_MULTI_VALUE_CHARS, MAX_VALUES_PER_WRITE};

use crate::context::Ctx;
use crate::values::{check_length, parse_field_value};

/// The writes one `fields` object asks for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WriteSet {
    /// Column values by catalogue position.
    pub values: Vec<(usize, FieldValue)>,
    /// Multi-field changes, in the order given.
    pub multi: Vec<MultiFieldChange>,
    /// Directory items of the `crm_status` values written, by catalogue position
    /// (filled by [`crate::crm::directory::check_statuses`]).
    pub statuses: Vec<(usize, Status)>,
    /// Link lists to replace, by position of the entity's link-list field
    /// (deal `CONTACT_IDS`, contact `COMPANY_IDS`, company `CONTACT_ID`), ids in
    /// the order given (the first becomes primary). Written with the record.
    pub links: Vec<(usize, Vec<i64>)>,
    /// User-field values to write with the record, by definition id (filled by
    /// [`crate::crm::user_fields::parse_write`]; `parse_fields` leaves it empty).
    pub uf: Vec<portico_store::user_fields::UserFieldWrite>,
}

impl WriteSet {
    /// The value written for a field, if any.
    pub fn get(&self, idx: usize) -> Option<&FieldValue> {
        self.values
            .iter()
            .rev()
            .find(|(i, _)| *i == idx)
            .map(|(_, v)| v)
    }

    /// Sets (or replaces) a field's value.
    pub fn set(&mut self, idx: usize, value: FieldValue) {
        self.values.retain(|(i, _)| *i != idx);
        self.values.push((idx, value));
    }

    /// The directory item of a `crm_status` field's written value, when it was
    /// checked and the value has not been replaced since.
    pub fn status(&self, idx: usize) -> Option<&Status> {
        let code = self.get(idx)?.as_str()?;
        self.statuses
            .iter()
            .rev()
            .find(|(i, s)| *i == idx && s.status_id == code)
            .map(|(_, s)| s)
    }

    /// The ids a write links through a link-list field, if it changes it.
    pub fn links_of(&self, idx: usize) -> Option<&[i64]> {
        self.links
            .iter()
            .find(|(i, _)| *i == idx)
            .map(|(_, ids)| ids.as_slice())
    }

    /// Sets a value unless the client already gave one.
    pub fn set_default(&mut self, idx: usize, value: FieldValue) {
        if self.get(idx).is_none_or(|v| v.is_null()) {
            self.set(idx, value);
        }
    }
}

/// The `fields` parameter as Bitrix24's CRM reads it (`fields`, `FIELDS`,
/// `arFields`; an object or a list): absent means no fields, so an `add`
/// creates the record with its defaults; a scalar is the legacy error.
pub fn fields_object(params: &Params) -> Result<Map<String, Value>, ApiError> {
    Ok(params
        .array("fields")?
        .map(|m| m.into_owned())
        .unwrap_or_default())
}

/// Which API's rules a write follows where they differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// The legacy `crm.{entity}.*` methods: an unreadable date is dropped.
    Legacy,
    /// `crm.item.*`: an unreadable date is refused.
    Item,
}

/// Parses `fields` for `entity`. `creating` admits immutable fields. As in
/// Bitrix24, unknown keys, read-only fields and multi-field values that are
/// not lists of items are dropped, each with a leniency warning (the call's).
pub fn parse_fields(
    ctx: &Ctx,
    entity: &EntityDef,
    fields: &Map<String, Value>,
    creating: bool,
    api: Api,
) -> Result<WriteSet, ApiError> {
    let offset = ctx.clock.offset;
    let mut set = WriteSet::default();
    // Legacy single links (deal `CONTACT_ID`), used when the list is not given.
    let mut single: Vec<(usize, Vec<i64>)> = Vec::new();
    for (key, value) in fields {
        let upper = key.trim().to_ascii_uppercase();
        let Some(idx) = entity.index_of(&upper) else {
            ctx.ignored("fields", key);
            continue;
        };
        let field = &entity.fields[idx];
        if field.read_only || (field.immutable && !creating) {
            ctx.ignored("fields", key);
            continue;
        }
        match field.kind {
            FieldKind::MultiField(kind) => {
                parse_multi(ctx, kind, field.title, value, &mut set.multi)?
            }
            FieldKind::Links(_) => {
                let ids = parse_ids(field.name, value)?;
                set.links.retain(|(i, _)| *i != idx);
                set.links.push((idx, ids));
            }
            _ => {
                let v = match parse_field_value(field, value, offset) {
                    Ok(v) => v,
                    // An unreadable date is dropped, as Bitrix24's free-form
                    // date parser drops it; other values are refused.
                    Err(_)
                        if api == Api::Legacy
                            && matches!(field.kind, FieldKind::Date | FieldKind::DateTime) =>
                    {
                        ctx.ignored("fields (not a date)", key);
                        continue;
                    }
                    Err(e) => return Err(ApiError::legacy(e)),
                };
                match mirrored_list(entity, idx) {
                    Some(list) => {
                        let ids = v.as_i64().filter(|id| *id > 0).into_iter().collect();
                        single.retain(|(i, _)| *i != list);
                        single.push((list, ids));
                    }
                    None => set.set(idx, v),
                }
            }
        }
    }
    for (list, ids) in single {
        if set.links_of(list).is_none() {
            set.links.push((list, ids));
        }
    }
    Ok(set)
}

/// The link-list field a legacy single-link column stands for: deal and lead
/// `CONTACT_ID` for `CONTACT_IDS`, contact `COMPANY_ID` for `COMPANY_IDS`. Such a
/// column mirrors the primary link; writing it sets the list to that one id
/// (empty clears it), unless the list itself is written too.
pub fn mirrored_list(entity: &EntityDef, idx: usize) -> Option<usize> {
    entity
        .fields
        .iter()
        .enumerate()
        .find_map(|(i, f)| match f.kind {
            FieldKind::Links(target) if entity.primary_link_field(target) == Some(idx) => Some(i),
            _ => None,
        })
}

/// Parses a list of record ids (`[3, "5"]`, `{"0": 3}`, or one id); empty items
/// and zeros are skipped, a repeated id counts once.
pub fn parse_ids(name: &str, value: &Value) -> Result<Vec<i64>, ApiError> {
    let items: Vec<&Value> = match value {
        Value::Array(a) => a.iter().collect(),
        Value::Object(m) => m.values().collect(),
        Value::Null => Vec::new(),
        v => vec![v],
    };
    let mut ids = Vec::with_capacity(items.len());
    for item in items {
        if item.is_null() || item.as_str().is_some_and(|s| s.trim().is_empty()) {
            continue;
        }
        match value_as_i64(item) {
            Some(0) => {}
            Some(id) if id > 0 => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            _ => {
                return Err(ApiError::legacy(format!(
                    "Field '{name}' must be a list of IDs."
                )))
            }
        }
    }
    Ok(ids)
}

/// Parses the items of one multi-field (`PHONE: [{VALUE, VALUE_TYPE}, …]`; an object
/// of items such as `{"n0": {...}}` is accepted too). As Bitrix24 does, a
/// value that is not a list (`"EMAIL": "a@b.c"`) and items that are not
/// objects (`["a@b.c"]`) are dropped, with a leniency warning, and the write
/// goes on without them.
fn parse_multi(
    ctx: &Ctx,
    kind: MultiType,
    title: &str,
    value: &Value,
    out: &mut Vec<MultiFieldChange>,
) -> Result<(), ApiError> {
    let items: Vec<&Value> = match value {
        Value::Array(a) => a.iter().collect(),
        Value::Object(m) => m.values().collect(),
        Value::Null => Vec::new(),
        Value::String(s) if s.is_empty() => Vec::new(),
        _ => {
            ctx.ignored("fields (not a list of items)", kind.as_str());
            return Ok(());
        }
    };
    if items.len() > MAX_VALUES_PER_WRITE {
        return Err(ApiError::legacy(format!(
            "Field '{}' has {} items: at most {MAX_VALUES_PER_WRITE} are allowed in one write.",
            kind.as_str(),
            items.len()
        )));
    }
    for item in items {
        let Value::Object(item) = item else {
            ctx.ignored("fields (an item that is not an object)", kind.as_str());
            continue;
        };
        let get = |name: &str| {
            item.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        };
        let id = get("ID").and_then(value_as_i64).filter(|id| *id > 0);
        let text = get("VALUE").and_then(value_as_string).unwrap_or_default();
        let text = text.trim().to_string();
        check_length(kind.as_str(), &text, MAX_MULTI_VALUE_CHARS).map_err(ApiError::legacy)?;
        let delete = get("DELETE").and_then(value_as_bool).unwrap_or(false);
        let value_type = match get("VALUE_TYPE").and_then(value_as_string) {
            Some(t) if !t.is_empty() => {
                let t = t.to_ascii_uppercase();
                if !kind.value_types().contains(&t.as_str()) {
                    return Err(ApiError::legacy(format!(
                        "Invalid VALUE_TYPE '{t}' for {}; allowed: {}.",
                        kind.as_str(),
                        kind.value_types().join(", ")
                    )));
                }
                Some(t)
            }
            _ => None,
        };
        if kind == MultiType::Email && !text.is_empty() && !delete && !looks_like_email(&text) {
            return Err(ApiError::new(
                ErrorCode::ErrorCore,
                format!("The field `{title}` contains an invalid address"),
            ));
        }
        match id {
            Some(id) if delete || text.is_empty() => out.push(MultiFieldChange::Delete { id }),
            Some(id) => out.push(MultiFieldChange::Update {
                id,
                value_type,
                value: text,
            }),
            None if text.is_empty() => {}
            None => out.push(MultiFieldChange::Add {
                kind,
                value_type: value_type.unwrap_or_else(|| default_value_type(kind).to_string()),
                value: text,
            }),
        }
    }
    Ok(())
}

/// `VALUE_TYPE` used when a new entry gives none.
fn default_value_type(kind: MultiType) -> &'static str {
    match kind {
        MultiType::Im => "OTHER",
        MultiType::Link => "USER",
        _ => "WORK",
    }
}

/// A light e-mail shape check: one `@`, both sides non-empty, no spaces.
pub(crate) fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}
