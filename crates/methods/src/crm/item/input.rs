//! What `crm.item.*` clients send, turned into what the shared legacy path
//! takes: `fields` keyed by universal names become a legacy `fields` object
//! (so [`crate::crm::write::parse_fields`] parses it exactly as for
//! `crm.{e}.add/update`), `fm` becomes the legacy multi-field lists, and
//! `filter`, `order`, `select` are resolved against the catalogue and the user
//! fields with the list machinery of the legacy lists. Names are those of the
//! request's [`Schema`] (universal or `upperName`; user fields also by code).

use chrono::FixedOffset;
use portico_protocol::filter::parse_filter_key;
use portico_protocol::params::{php_array, value_as_i64, value_as_string};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::{Condition, FieldKind, MultiType};
use serde_json::{Map, Value};

use super::errors::not_valid;
use super::names::{ItemType, Schema};
use crate::listing::{
    add_group, check_depth, combine, group_logic, is_group, is_logic_key, resolve_filter_with,
};
use crate::values::invalid_arg;

/// A universal `fields` object as the legacy `fields` object of the same
/// write, user fields under their codes. Unknown names are ignored (as
/// Bitrix24 does); `fm` becomes the entity's `PHONE`, `EMAIL`, … lists (see
/// [`fm_to_legacy`]).
pub fn fields_to_legacy(
    s: &Schema,
    fields: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let t = s.t;
    let mut out = Map::with_capacity(fields.len());
    for (key, value) in fields {
        if key.eq_ignore_ascii_case("fm") {
            if t.def.has_multifields() {
                fm_to_legacy(t, value, &mut out)?;
            }
            continue;
        }
        if let Some(idx) = t.resolve(key.trim()) {
            out.insert(t.def.fields[idx].name.to_string(), value.clone());
        } else if let Some(uf) = s.uf(key) {
            out.insert(s.defs[uf].field_name.clone(), value.clone());
        }
    }
    Ok(out)
}

/// `fm` of a write: an object keyed by operation — `n0`, `n1`, … add an
/// entry; an entry's id changes it (with a `value`) or deletes it (with an
/// empty one) — or a list of entries (with an `id` to change or delete). Each
/// element is `{typeId, valueType, value}`; one without `typeId` is ignored,
/// as in Bitrix24. Appended to `out` as the legacy lists (`PHONE: [{ID,
/// VALUE, VALUE_TYPE}]`), which the legacy parser turns into changes.
fn fm_to_legacy(t: &ItemType, fm: &Value, out: &mut Map<String, Value>) -> Result<(), ApiError> {
    let elements: Vec<(Option<&str>, &Value)> = match fm {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().map(|v| (None, v)).collect(),
        Value::Object(map) => map.iter().map(|(k, v)| (Some(k.as_str()), v)).collect(),
        Value::String(s) if s.is_empty() => Vec::new(),
        _ => return Err(not_valid("fm")),
    };
    for (key, element) in elements {
        let Value::Object(element) = element else {
            return Err(not_valid("fm"));
        };
        let get = |name: &str| {
            element
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        };
        let Some(type_id) = get("typeId")
            .and_then(value_as_string)
            .filter(|s| !s.trim().is_empty())
        else {
            continue;
        };
        let kind = MultiType::parse(&type_id.trim().to_ascii_uppercase())
            .filter(|k| {
                t.def
                    .fields
                    .iter()
                    .any(|f| f.kind == FieldKind::MultiField(*k))
            })
            .ok_or_else(|| not_valid("fm"))?;
        let is_new = key.is_some_and(|k| k.starts_with(['n', 'N']));
        let id = match key {
            Some(_) if is_new => None,
            Some(k) => Some(
                value_as_i64(&Value::String(k.to_string()))
                    .filter(|id| *id > 0)
                    .ok_or_else(|| not_valid("fm"))?,
            ),
            None => get("id").and_then(value_as_i64).filter(|id| *id > 0),
        };
        let mut legacy = Map::new();
        if let Some(id) = id {
            legacy.insert("ID".into(), Value::from(id));
        }
        legacy.insert(
            "VALUE".into(),
            get("value")
                .cloned()
                .unwrap_or(Value::String(String::new())),
        );
        if let Some(vt) = get("valueType") {
            legacy.insert("VALUE_TYPE".into(), vt.clone());
        }
        let list = out
            .entry(kind.as_str().to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            items.push(Value::Object(legacy));
        }
    }
    Ok(())
}

/// `filter` keyed by universal names, resolved into store conditions with the
/// legacy list operators (`=`, `!`, `>`, `>=`, `<`, `<=`, `@`, `!@`, `%`, `=%`,
/// `!%`, `><`, …), user fields included. Groups (`{"0": {"logic": "OR", "0":
/// {…}, "1": {…}}}`, objects or lists) nest up to [`crate::listing::MAX_GROUP_DEPTH`] levels;
/// without `logic` or with `"AND"` their conditions are AND-ed, with `"OR"`
/// OR-ed. A field that cannot be filtered (link lists such as `contactIds`,
/// `fm`) is refused wherever it is.
pub fn filter(
    s: &Schema,
    filter: Option<&Value>,
    offset: FixedOffset,
) -> Result<Vec<Condition>, ApiError> {
    let map = match filter {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(s)) if s.is_empty() => return Ok(Vec::new()),
        Some(v) => {
            php_array(v).ok_or_else(|| invalid_arg("Invalid filter: 'filter' must be an object"))?
        }
    };
    group(s, &map, offset, 0)
}

/// One group of a filter (the filter itself at `depth` 0), combined by its
/// `logic`.
fn group(
    s: &Schema,
    map: &Map<String, Value>,
    offset: FixedOffset,
    depth: usize,
) -> Result<Vec<Condition>, ApiError> {
    check_depth(depth)?;
    let logic = group_logic(map)?;
    let mut out = Vec::new();
    for (key, value) in map {
        if is_logic_key(key) {
            continue;
        }
        if is_group(key, value) {
            let inner = php_array(value).unwrap_or_default();
            add_group(logic, &mut out, group(s, &inner, offset, depth + 1)?);
            continue;
        }
        let (_, name) = parse_filter_key(key)?;
        let not_allowed = || {
            invalid_arg(format!(
                "Invalid filter: field '{name}' is not allowed in filter"
            ))
        };
        let legacy_name = match s.t.resolve(name) {
            Some(idx) if s.t.def.fields[idx].is_stored() => s.t.def.fields[idx].name,
            Some(_) => return Err(not_allowed()),
            None => match s.uf(name) {
                Some(uf) => s.defs[uf].field_name.as_str(),
                None => return Err(not_allowed()),
            },
        };
        let prefix = &key[..key.len() - name.len()];
        let legacy_key = format!("{prefix}{legacy_name}");
        let mut one = Map::with_capacity(1);
        one.insert(legacy_key.clone(), value.clone());
        let conditions = resolve_filter_with(s.t.def, &s.defs, Some(&Value::Object(one)), offset)
            .map_err(|e| {
            if e.description.contains(" must be ") || e.description.contains(" has no list item") {
                invalid_arg(format!("Invalid filter: field '{name}' has invalid value"))
            } else {
                rename(e, &[(&legacy_key, key), (legacy_name, name)])
            }
        })?;
        out.extend(conditions);
    }
    Ok(combine(logic, out))
}

/// `order` keyed by universal names (`{"id": "DESC"}`), checked — fields that
/// can be sorted by, directions `ASC` / `DESC` in any case — and returned as
/// the legacy `order` object the list machinery resolves.
pub fn order(s: &Schema, order: Option<&Value>) -> Result<Option<Value>, ApiError> {
    let map = match order {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) if s.is_empty() => return Ok(None),
        Some(v) => {
            php_array(v).ok_or_else(|| invalid_arg("Invalid order: 'order' must be an object"))?
        }
    };
    let mut legacy = Map::with_capacity(map.len());
    for (name, dir) in map.iter() {
        let not_allowed = || {
            invalid_arg(format!(
                "Invalid order: field '{name}' is not allowed in order"
            ))
        };
        let legacy_name = match s.t.resolve(name.trim()) {
            Some(idx) if s.t.def.fields[idx].is_stored() => s.t.def.fields[idx].name.to_string(),
            Some(_) => return Err(not_allowed()),
            None => match s.uf(name) {
                Some(uf) if !s.defs[uf].multiple => s.defs[uf].field_name.clone(),
                _ => return Err(not_allowed()),
            },
        };
        let direction = value_as_string(dir).unwrap_or_default();
        if !["ASC", "DESC"].contains(&direction.trim().to_ascii_uppercase().as_str()) {
            return Err(invalid_arg(format!(
                "Invalid order: allowed sort directions are ASC, DESC. But got '{direction}' for field '{name}'"
            )));
        }
        legacy.insert(legacy_name, dir.clone());
    }
    Ok(Some(Value::Object(legacy)))
}

/// Which fields a list returns.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemSelection {
    /// Catalogue positions, stored fields and link lists, in catalogue order
    /// (`ID` always).
    pub fields: Vec<usize>,
    /// Positions of the user fields returned, in the schema's order.
    pub uf: Vec<usize>,
    /// Whether `fm` is returned.
    pub fm: bool,
    /// Whether everything is returned (`*`): the item ends with `entityTypeId`.
    pub all: bool,
}

impl ItemSelection {
    /// Every field, user fields and `fm` (what `get`, `add` and `update`
    /// return, and lists with `*`).
    pub fn all(s: &Schema) -> Self {
        ItemSelection {
            fields: (0..s.t.def.fields.len())
                .filter(|i| s.t.name(*i).is_some())
                .collect(),
            uf: (0..s.defs.len()).collect(),
            fm: s.t.def.has_multifields(),
            all: true,
        }
    }
}

/// `select`: absent, empty or containing `*` means everything, `fm` included;
/// else the fields named (`fm` only when named); unknown names are skipped.
/// `id` is always returned.
pub fn select(s: &Schema, select: Option<&Value>) -> ItemSelection {
    let names = crate::listing::select_names(select);
    if names.is_empty() || names.iter().any(|n| n.trim() == "*") {
        return ItemSelection::all(s);
    }
    let t = s.t;
    let wanted: Vec<usize> = names.iter().filter_map(|n| t.resolve(n.trim())).collect();
    let mut uf: Vec<usize> = names.iter().filter_map(|n| s.uf(n)).collect();
    uf.sort_unstable();
    uf.dedup();
    ItemSelection {
        fields: (0..t.def.fields.len())
            .filter(|i| t.def.fields[*i].name == "ID" || wanted.contains(i))
            .collect(),
        uf,
        fm: t.def.has_multifields() && names.iter().any(|n| n.trim().eq_ignore_ascii_case("fm")),
        all: false,
    }
}

/// An error of the legacy list machinery with the client's names put back.
fn rename(e: ApiError, pairs: &[(&str, &str)]) -> ApiError {
    let mut text = e.description.into_owned();
    for (legacy, universal) in pairs {
        text = text.replace(&format!("'{legacy}'"), &format!("'{universal}'"));
    }
    let code = if e.code == ErrorCode::Legacy {
        ErrorCode::InvalidArgValue
    } else {
        e.code
    };
    ApiError::new(code, text).with_status(e.status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::item::names::{DEAL_ITEM, LEAD_ITEM};
    use serde_json::json;

    fn utc() -> FixedOffset {
        FixedOffset::east_opt(0).expect("utc")
    }

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().expect("object").clone()
    }

    fn lead() -> Schema {
        Schema::new(&LEAD_ITEM, Vec::new(), false)
    }

    fn deal() -> Schema {
        Schema::new(&DEAL_ITEM, Vec::new(), false)
    }

    #[test]
    fn fields_take_universal_names_and_fm_operations() {
        let got = fields_to_legacy(
            &lead(),
            &obj(json!({
                "title": "T", "stageId": "NEW", "ASSIGNED_BY_ID": 3, "unknown": 1,
                "createdBy": 9, "contactIds": [4],
                "fm": {
                    "n0": {"typeId": "PHONE", "valueType": "WORK", "value": "+1"},
                    "n1": {"typeId": "email", "value": "a@b.io"},
                    "15": {"typeId": "PHONE", "value": "+2"},
                    "16": {"typeId": "PHONE", "value": ""},
                    "n2": {"valueType": "WORK", "value": "ignored without typeId"}
                }
            })),
        )
        .expect("fields");
        assert_eq!(
            Value::Object(got),
            json!({
                "TITLE": "T", "STATUS_ID": "NEW", "ASSIGNED_BY_ID": 3,
                "CREATED_BY_ID": 9, "CONTACT_IDS": [4],
                "PHONE": [
                    {"VALUE": "+1", "VALUE_TYPE": "WORK"},
                    {"ID": 15, "VALUE": "+2"},
                    {"ID": 16, "VALUE": ""}
                ],
                "EMAIL": [{"VALUE": "a@b.io"}]
            })
        );
        let list = fields_to_legacy(
            &lead(),
            &obj(json!({"fm": [{"typeId": "WEB", "value": "x.io"}, {"id": 7, "typeId": "WEB", "value": ""}]})),
        )
        .expect("list");
        assert_eq!(
            Value::Object(list),
            json!({"WEB": [{"VALUE": "x.io"}, {"ID": 7, "VALUE": ""}]})
        );
        for bad in [
            json!({"fm": 5}),
            json!({"fm": {"n0": {"typeId": "FAX", "value": "1"}}}),
            json!({"fm": {"x": {"typeId": "PHONE", "value": "1"}}}),
        ] {
            let e = fields_to_legacy(&lead(), &obj(bad)).expect_err("bad fm");
            assert_eq!(e.description, "Invalid value for field \"fm\"");
        }
        // Deals have no multi-fields: fm is an unknown field there.
        let got = fields_to_legacy(
            &deal(),
            &obj(json!({"fm": {"n0": {"typeId": "PHONE", "value": "1"}}})),
        );
        assert_eq!(got.expect("deal"), Map::new());
    }

    #[test]
    fn filters_use_universal_names_and_groups() {
        let conditions = filter(
            &lead(),
            Some(&json!({">opportunity": 10, "0": {"stageId": "NEW", "logic": "AND"}})),
            utc(),
        )
        .expect("filter");
        assert_eq!(conditions.len(), 2);
        let e = |v: Value| {
            filter(&lead(), Some(&v), utc())
                .expect_err("refused")
                .description
        };
        assert_eq!(
            e(json!({"nope": 1})),
            "Invalid filter: field 'nope' is not allowed in filter"
        );
        assert_eq!(
            e(json!({"contactIds": 1})),
            "Invalid filter: field 'contactIds' is not allowed in filter"
        );
        let or = filter(
            &lead(),
            Some(&json!({"0": {"logic": "or", "0": {"title": "a"}, "1": [{"title": "b"}, {"name": "c"}]}})),
            utc(),
        )
        .expect("or");
        let [Condition::Any(alternatives)] = or.as_slice() else {
            panic!("{or:?}");
        };
        assert!(matches!(alternatives[0], Condition::Field { .. }));
        assert!(matches!(&alternatives[1], Condition::All(both) if both.len() == 2));
        assert!(e(json!({"0": {"logic": "XOR", "title": "a"}})).contains("unknown logic 'XOR'"));
        assert!(
            e(json!({"0": {"logic": "OR", "0": {"nope": 1}}})).contains("'nope' is not allowed")
        );
        let mut deep = json!({"title": "a"});
        for _ in 0..6 {
            deep = json!({"0": deep});
        }
        assert!(e(deep).contains("more than 5 levels"));
        assert_eq!(
            e(json!({">opportunity": "much"})),
            "Invalid filter: field 'opportunity' has invalid value"
        );
        let like = e(json!({"%stageId": "N"}));
        assert!(
            like.contains("'%stageId'") && like.contains("'stageId'"),
            "{like}"
        );
    }

    #[test]
    fn orders_and_selects() {
        let o = order(&deal(), Some(&json!({"opportunity": "desc", "ID": "ASC"}))).expect("order");
        assert_eq!(o, Some(json!({"OPPORTUNITY": "desc", "ID": "ASC"})));
        assert_eq!(
            order(&lead(), Some(&json!({"stageId": "ASC"}))).expect("lead"),
            Some(json!({"STATUS_ID": "ASC"}))
        );
        let e = |v: Value| order(&deal(), Some(&v)).expect_err("refused").description;
        assert_eq!(
            e(json!({"nope": "ASC"})),
            "Invalid order: field 'nope' is not allowed in order"
        );
        assert_eq!(
            e(json!({"contactIds": "ASC"})),
            "Invalid order: field 'contactIds' is not allowed in order"
        );
        assert_eq!(
            e(json!({"id": "UP"})),
            "Invalid order: allowed sort directions are ASC, DESC. But got 'UP' for field 'id'"
        );
        let s = select(&lead(), Some(&json!(["title", "nope"])));
        assert_eq!(s.fields.len(), 2);
        assert!(!s.fm && !s.all);
        assert!(select(&lead(), Some(&json!(["*"]))).fm);
        assert!(select(&lead(), None).all);
        assert!(select(&lead(), Some(&json!(["id", "fm"]))).fm);
        assert!(!select(&deal(), None).fm);
    }
}
