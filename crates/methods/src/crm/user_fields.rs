//! CRM user fields (`UF_CRM_*`), reference §7.7: the methods
//! `crm.{lead,deal,contact,company}.userfield.add/get/list/update/delete`
//! (one generic implementation), and the functions every CRM API uses to read
//! and write user-field values by definition — parse ([`parse_write`],
//! [`parse_values`]), check ([`check_references`], [`check_mandatory`]),
//! render ([`render_value`], [`render_into`]), describe ([`describe_into`]),
//! filter ([`filter_condition`]) and order ([`order_key`]). A request loads the
//! definitions once ([`definitions`]) and passes them along.
//!
//! Definitions:
//! - `FIELD_NAME` gets the `UF_CRM_` prefix (`NOTE` → `UF_CRM_NOTE`, `UF_NOTE`
//!   → `UF_CRM_NOTE`), upper-cased; at most 50 characters of `A-Z0-9_`.
//! - `USER_TYPE_ID`: `string`, `integer`, `double`, `boolean`, `date`,
//!   `datetime`, `enumeration` (items in `LIST`), `url`, `money`, `crm`,
//!   `employee`. A boolean field is never multiple (`MULTIPLE=Y` is ignored).
//! - Captions (`EDIT_FORM_LABEL`, `LIST_COLUMN_LABEL`, `LIST_FILTER_LABEL`,
//!   `ERROR_MESSAGE`, `HELP_MESSAGE`) are lang maps that always hold `en` and
//!   `br`; a plain string sets every language; `LABEL` fills the three
//!   `*_LABEL` captions that are not given. On update a given caption replaces
//!   the old one (missing languages become `""`); `SETTINGS` merge.
//! - `SETTINGS` get the type's defaults (as Bitrix24 answers them). A `crm`
//!   field allows the entity types whose key (`LEAD`, `CONTACT`, `COMPANY`,
//!   `DEAL`) is `Y`; with none given it allows all four.
//! - A list item without `XML_ID` gets a 32-hex digest of its `VALUE`.
//! - add/update/delete need an administrator (403 `ACCESS_DENIED`); a field of
//!   another entity is 403 `ACCESS_DENIED` too; a missing id is
//!   `ERROR_NOT_FOUND` `The entity with ID '5' is not found`.
//!
//! Values in the legacy API (`crm.{e}.add/update/get/list`), by type:
//!
//! | type | written as | stored | returned (single) |
//! |---|---|---|---|
//! | string, url | text | text | `"text"` / `null` |
//! | integer, employee | integer | integer | `"5"` / `null` |
//! | double | number | real | `"2.5"` / `null` |
//! | boolean | `Y`/`N`, `1`/`0`, `true`/`false` | 0/1 | `true`/`false` (no value: `false`) |
//! | date | `YYYY-MM-DD` or ISO | `YYYY-MM-DD` | midnight with the portal offset / `""` |
//! | datetime | ISO 8601 | Unix seconds | ISO 8601 with offset / `""` |
//! | enumeration | item `ID` | item id | `"79"` / `null` |
//! | money | `100.5\|USD` or a number (USD) | `100.50\|USD` | `"100.50\|USD"` / `null` |
//! | crm | `CO_3`, `C_5`, `L_1`, `D_2`; bare id when one type is allowed | same (bare when one type) | as stored / `null` |
//!
//! Multiple fields take and return arrays (`[]` when empty). An employee or a
//! CRM record must exist. A mandatory field must have a value on create, and
//! cannot be emptied on update: the legacy error `The required field {label}
//! is missing.` (its English form label, else its code). Values are not given
//! defaults from `SETTINGS.DEFAULT_VALUE`.
//!
//! In `filter`: `=`, `!`, `@`, `!@` for every type; `>`, `>=`, `<`, `<=`,
//! `><` for numbers, dates and employees; `%` (and the other LIKE forms) for
//! string and url only. A multiple field matches when any of its values does.
//! `UF=0` on a boolean also matches records without a value (as they read
//! `false`). `order` takes single-valued fields.

use std::collections::{BTreeMap, HashSet};

use chrono::FixedOffset;
use portico_protocol::envelope::parse_datetime;
use portico_protocol::filter::FilterOp;
use portico_protocol::params::{
    value_as_bool, value_as_f64, value_as_i64, value_as_string, Params,
};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::user_fields::{
    entity_id_of, EnumChange, Labels, LangMap, NewEnumItem, NewUserField, UserFieldChange,
    UserFieldWrite, ENUM_XML_ID_CONFLICT,
};
use portico_store::{
    Condition, EntityDef, FieldDef, FieldKind, FieldValue, OrderKey, Record, StoreError, UserField,
    UserType,
};
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::crm::entity::CrmEntity;
use crate::crm::write::fields_object;
use crate::handler;
use crate::listing::page_output;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{invalid_arg, param_id, render_legacy, store_error};

/// Longest `FIELD_NAME`, prefix included.
pub const MAX_FIELD_NAME_LEN: usize = 50;

/// The languages every caption holds.
pub const LANGUAGES: [&str; 2] = ["en", "br"];

/// The three captions `LABEL` stands for.
const LABEL_KEYS: [&str; 3] = ["EDIT_FORM_LABEL", "LIST_COLUMN_LABEL", "LIST_FILTER_LABEL"];

// --- Definitions of a request ----------------------------------------------

/// The user-field definitions of `entity` (by `SORT`, then id, with their list
/// items); none for record types without user fields. Load them once per
/// request and pass them to the functions below.
pub async fn definitions(ctx: &Ctx, entity: &EntityDef) -> Result<Vec<UserField>, ApiError> {
    let Some(entity_id) = entity_id_of(entity) else {
        return Ok(Vec::new());
    };
    ctx.store
        .list_user_fields(Some(entity_id))
        .await
        .map_err(store_error)
}

/// The definition whose `FIELD_NAME` is `name` (any case, spaces trimmed).
pub fn find<'a>(defs: &'a [UserField], name: &str) -> Option<&'a UserField> {
    let name = name.trim();
    defs.iter()
        .find(|d| d.field_name.eq_ignore_ascii_case(name))
}

// --- Values: parsing ---------------------------------------------------------

/// The entity types a `crm` field allows (`LEAD`, `CONTACT`, `COMPANY`,
/// `DEAL`), by its settings.
pub fn crm_targets(def: &UserField) -> Vec<&'static str> {
    ["LEAD", "CONTACT", "COMPANY", "DEAL"]
        .into_iter()
        .filter(|k| {
            def.settings
                .get(*k)
                .is_some_and(|v| value_as_bool(v).unwrap_or(false))
        })
        .collect()
}

/// The prefix of a `crm` value for an entity type (`CO` for `COMPANY`).
fn crm_prefix(code: &str) -> &'static str {
    match code {
        "LEAD" => "L",
        "CONTACT" => "C",
        "COMPANY" => "CO",
        _ => "D",
    }
}

/// The entity type of a `crm` value prefix (`COMPANY` for `CO`).
fn crm_code(prefix: &str) -> Option<&'static str> {
    match prefix {
        "L" => Some("LEAD"),
        "C" => Some("CONTACT"),
        "CO" => Some("COMPANY"),
        "D" => Some("DEAL"),
        _ => None,
    }
}

/// The entity type and id a stored `crm` value points at.
pub fn crm_reference(def: &UserField, stored: &str) -> Option<(&'static str, i64)> {
    match stored.split_once('_') {
        Some((prefix, id)) => Some((crm_code(prefix)?, id.parse().ok()?)),
        None => {
            let targets = crm_targets(def);
            match targets.as_slice() {
                [only] => Some((*only, stored.parse().ok()?)),
                _ => None,
            }
        }
    }
}

/// A 32-hex digest of a list item's value: its `XML_ID` when none is given.
fn digest(value: &str) -> String {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4;
    for byte in value.bytes() {
        a = (a ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        b = (b ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3 ^ 0x5bd1_e995);
    }
    format!("{a:016x}{b:016x}")
}

/// Parses one value of `def`; `Null` for `null` and `""`. `strict` also
/// requires an enumeration id to be one of the field's items (writes do,
/// filters do not). The error names the field.
fn parse_one(
    def: &UserField,
    v: &Value,
    offset: FixedOffset,
    strict: bool,
) -> Result<FieldValue, String> {
    if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
        return Ok(FieldValue::Null);
    }
    let name = &def.field_name;
    let bad = |what: &str| format!("Field '{name}' must be {what}.");
    match def.user_type {
        UserType::String | UserType::Url => value_as_string(v)
            .map(FieldValue::Text)
            .ok_or_else(|| bad("a string")),
        UserType::Integer => value_as_i64(v)
            .map(FieldValue::Int)
            .ok_or_else(|| bad("an integer")),
        UserType::Employee => value_as_i64(v)
            .filter(|id| *id > 0)
            .map(FieldValue::Int)
            .ok_or_else(|| bad("a user ID")),
        UserType::Double => value_as_f64(v)
            .filter(|f| f.is_finite())
            .map(FieldValue::Float)
            .ok_or_else(|| bad("a number")),
        UserType::Boolean => value_as_bool(v)
            .map(|b| FieldValue::Int(i64::from(b)))
            .ok_or_else(|| bad("Y or N")),
        UserType::Date => {
            let s = value_as_string(v).ok_or_else(|| bad("a date"))?;
            let secs = parse_datetime(&s, offset).ok_or_else(|| bad("a date (YYYY-MM-DD)"))?;
            let date = chrono::DateTime::from_timestamp(secs, 0)
                .map(|d| d.with_timezone(&offset).date_naive())
                .ok_or_else(|| bad("a date"))?;
            Ok(FieldValue::Text(date.format("%Y-%m-%d").to_string()))
        }
        UserType::DateTime => {
            let s = value_as_string(v).ok_or_else(|| bad("a date and time"))?;
            parse_datetime(&s, offset)
                .map(FieldValue::Int)
                .ok_or_else(|| bad("a date and time in ISO 8601"))
        }
        UserType::Enumeration => {
            let id = value_as_i64(v).ok_or_else(|| bad("the ID of one of its list items"))?;
            if strict && def.item(id).is_none() {
                return Err(format!("Field '{name}' has no list item with ID {id}."));
            }
            Ok(FieldValue::Int(id))
        }
        UserType::Money => {
            let s = value_as_string(v).ok_or_else(|| bad("an amount such as 100.50|USD"))?;
            let (amount, currency) = match s.split_once('|') {
                Some((a, c)) => (a.trim(), c.trim().to_ascii_uppercase()),
                None => (s.trim(), "USD".to_string()),
            };
            let amount: f64 = amount
                .parse()
                .ok()
                .filter(|f: &f64| f.is_finite())
                .ok_or_else(|| bad("an amount such as 100.50|USD"))?;
            if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(bad("an amount such as 100.50|USD"));
            }
            Ok(FieldValue::Text(format!("{amount:.2}|{currency}")))
        }
        UserType::Crm => {
            let s = value_as_string(v)
                .ok_or_else(|| bad("a CRM record such as CO_3"))?
                .trim()
                .to_ascii_uppercase();
            let targets = crm_targets(def);
            let (code, id) = match s.split_once('_') {
                Some((prefix, id)) => (crm_code(prefix), id.parse::<i64>().ok()),
                None => match targets.as_slice() {
                    [only] => (Some(*only), s.parse::<i64>().ok()),
                    _ => (None, None),
                },
            };
            match (code, id) {
                (Some(code), Some(id)) if id > 0 && targets.contains(&code) => {
                    Ok(FieldValue::Text(if targets.len() == 1 {
                        id.to_string()
                    } else {
                        format!("{}_{id}", crm_prefix(code))
                    }))
                }
                _ => Err(format!(
                    "Field '{name}' must be a CRM record of type {} such as {}_3.",
                    targets.join(", "),
                    targets.first().map_or("CO", |c| crm_prefix(c))
                )),
            }
        }
    }
}

/// Parses one value of `def` as a write stores it (`Null` for `null` and
/// `""`); an enumeration id must be one of the field's items. The error is
/// the text of the legacy error.
pub fn parse_value(def: &UserField, v: &Value, offset: FixedOffset) -> Result<FieldValue, String> {
    parse_one(def, v, offset, true)
}

/// Parses what a write gives for `def`: one value, or for a multiple field
/// a list (`[…]` or `{"0": …}`) or one value. Empty values are dropped, so
/// `null`, `""` and `[]` clear the field. A single field given a list takes
/// its only value; more than one is an error.
pub fn parse_values(
    def: &UserField,
    v: &Value,
    offset: FixedOffset,
) -> Result<Vec<FieldValue>, String> {
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(m) => m.values().collect(),
        v => vec![v],
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let parsed = parse_value(def, item, offset)?;
        if !parsed.is_null() {
            out.push(parsed);
        }
    }
    if !def.multiple && out.len() > 1 {
        return Err(format!("Field '{}' takes one value.", def.field_name));
    }
    Ok(out)
}

/// Checks that the records `values` of `def` point at exist: the user of an
/// `employee` field, the CRM record of a `crm` field. The legacy error names
/// the missing one (`Company with ID 5 is not found.`).
pub async fn check_references(
    ctx: &Ctx,
    def: &UserField,
    values: &[FieldValue],
) -> Result<(), ApiError> {
    for v in values {
        match (def.user_type, v) {
            (UserType::Employee, FieldValue::Int(id)) => {
                let found = ctx.store.user_by_id(*id).await.map_err(store_error)?;
                if found.is_none() {
                    return Err(ApiError::legacy(format!("User with ID {id} is not found.")));
                }
            }
            (UserType::Crm, FieldValue::Text(s)) => {
                let target = crm_reference(def, s)
                    .and_then(|(code, id)| Some((portico_store::crm::by_code(code)?, id)));
                let Some((entity, id)) = target else {
                    continue;
                };
                let found = ctx
                    .store
                    .get_record(entity, id)
                    .await
                    .map_err(store_error)?;
                if found.is_none() {
                    let title = match entity.code {
                        "LEAD" => "Lead",
                        "CONTACT" => "Contact",
                        "COMPANY" => "Company",
                        _ => "Deal",
                    };
                    return Err(ApiError::legacy(format!(
                        "{title} with ID {id} is not found."
                    )));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The name a field goes by in errors: its English form label, else its code.
pub fn display_name(def: &UserField) -> &str {
    def.labels
        .edit_form
        .get("en")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .unwrap_or(&def.field_name)
}

/// Enforces `MANDATORY`: on create every mandatory field needs a value in
/// `writes`; on update a mandatory field given must not be emptied.
pub fn check_mandatory(
    defs: &[UserField],
    writes: &[UserFieldWrite],
    creating: bool,
) -> Result<(), ApiError> {
    for def in defs.iter().filter(|d| d.mandatory) {
        let given = writes.iter().find(|(id, _)| *id == def.id);
        let missing = match given {
            Some((_, values)) => values.is_empty(),
            None => creating,
        };
        if missing {
            return Err(ApiError::legacy(format!(
                "The required field {} is missing.",
                display_name(def)
            )));
        }
    }
    Ok(())
}

/// Parses the user fields named in a legacy `fields` object (keys matched by
/// `FIELD_NAME` in any case; other keys ignored), checks their references and
/// `MANDATORY`, and returns the writes. Errors are the legacy ones.
pub async fn parse_write(
    ctx: &Ctx,
    defs: &[UserField],
    fields: &Map<String, Value>,
    creating: bool,
) -> Result<Vec<UserFieldWrite>, ApiError> {
    let mut writes: Vec<UserFieldWrite> = Vec::new();
    for (key, value) in fields {
        let Some(def) = find(defs, key) else {
            continue;
        };
        let values = parse_values(def, value, ctx.clock.offset).map_err(ApiError::legacy)?;
        check_references(ctx, def, &values).await?;
        writes.retain(|(id, _)| *id != def.id);
        writes.push((def.id, values));
    }
    check_mandatory(defs, &writes, creating)?;
    Ok(writes)
}

// --- Values: rendering -------------------------------------------------------

/// A descriptor of the catalogue kind a user type renders like.
fn render_kind(t: UserType) -> FieldKind {
    match t {
        UserType::Boolean => FieldKind::Boolean,
        UserType::Date => FieldKind::Date,
        UserType::DateTime => FieldKind::DateTime,
        _ => FieldKind::String,
    }
}

/// One stored value in the legacy shape (see the module table).
fn render_one(def: &UserField, v: &FieldValue, offset: FixedOffset) -> Value {
    match (def.user_type, v) {
        (UserType::Double, FieldValue::Float(f)) => Value::String(f.to_string()),
        (t, v) => render_legacy(&FieldDef::new("", "", render_kind(t), ""), v, offset),
    }
}

/// The legacy value of `def` for a record whose values are `values`: an array
/// for a multiple field, else the value, or the type's empty value (`null`,
/// `""` for dates, `false` for booleans).
pub fn render_value(def: &UserField, values: &[FieldValue], offset: FixedOffset) -> Value {
    if def.multiple {
        Value::Array(values.iter().map(|v| render_one(def, v, offset)).collect())
    } else {
        render_one(def, values.first().unwrap_or(&FieldValue::Null), offset)
    }
}

/// Adds the values of `defs` to a rendered record (`{"UF_CRM_X": …}`).
pub fn render_into(
    row: &mut Map<String, Value>,
    defs: &[UserField],
    record: &Record,
    offset: FixedOffset,
) {
    for def in defs {
        row.insert(
            def.field_name.clone(),
            render_value(def, record.uf_values(def.id), offset),
        );
    }
}

// --- Descriptors -------------------------------------------------------------

/// The English caption of a lang map (else the Portuguese one, else `""`).
fn caption(map: &LangMap) -> String {
    ["en", "br"]
        .iter()
        .find_map(|l| map.get(*l).filter(|s| !s.is_empty()))
        .cloned()
        .unwrap_or_default()
}

/// The `*.fields` descriptor of a user field.
pub fn describe(def: &UserField) -> Value {
    let mut d = json!({
        "type": def.user_type.as_str(),
        "isRequired": def.mandatory,
        "isReadOnly": false,
        "isImmutable": false,
        "isMultiple": def.multiple,
        "isDynamic": true,
        "title": def.field_name,
        "listLabel": caption(&def.labels.list_column),
        "formLabel": caption(&def.labels.edit_form),
        "filterLabel": caption(&def.labels.list_filter),
        "settings": Value::Object(def.settings.clone()),
    });
    if def.user_type == UserType::Enumeration {
        d["items"] = Value::Array(
            def.items
                .iter()
                .map(|i| json!({"ID": i.id.to_string(), "VALUE": i.value}))
                .collect(),
        );
    }
    d
}

/// Adds the descriptors of `defs` to a `*.fields` object.
pub fn describe_into(out: &mut Value, defs: &[UserField]) {
    if let Value::Object(map) = out {
        for def in defs {
            map.insert(def.field_name.clone(), describe(def));
        }
    }
}

// --- Lists -------------------------------------------------------------------

/// The condition of a legacy `filter` key on `def`: `op` with the operands
/// `items` (already split from the value). `key` is the filter key, for
/// errors (`INVALID_ARG_VALUE`).
pub fn filter_condition(
    def: &UserField,
    key: &str,
    op: FilterOp,
    items: &[&Value],
    offset: FixedOffset,
) -> Result<Condition, ApiError> {
    let t = def.user_type;
    let allowed = match op {
        FilterOp::Eq | FilterOp::NotEq | FilterOp::In | FilterOp::NotIn => true,
        FilterOp::Gt
        | FilterOp::Gte
        | FilterOp::Lt
        | FilterOp::Lte
        | FilterOp::Between
        | FilterOp::NotBetween => matches!(
            t,
            UserType::Integer
                | UserType::Double
                | UserType::Date
                | UserType::DateTime
                | UserType::Employee
        ),
        _ if op.is_like() => matches!(t, UserType::String | UserType::Url),
        _ => false,
    };
    if !allowed {
        return Err(invalid_arg(format!(
            "Invalid filter: operator '{key}' is not allowed for field '{}' of type {}",
            def.field_name,
            t.as_str()
        )));
    }
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        let v = if op.is_like() {
            FieldValue::Text(value_as_string(item).unwrap_or_default())
        } else {
            parse_one(def, item, offset, false)
                .map_err(|e| invalid_arg(format!("Invalid filter: {e}")))?
        };
        if v.is_null() && !matches!(op, FilterOp::Eq | FilterOp::NotEq) {
            return Err(invalid_arg(format!(
                "Invalid filter: '{key}' needs a value"
            )));
        }
        values.push(v);
    }
    // A boolean without a value reads `false`: `=0` is "not 1", `!=0` is "1".
    let (op, values) = match (t, op, values.as_slice()) {
        (UserType::Boolean, FilterOp::Eq, [FieldValue::Int(0)]) => {
            (FilterOp::NotEq, vec![FieldValue::Int(1)])
        }
        (UserType::Boolean, FilterOp::NotEq, [FieldValue::Int(0)]) => {
            (FilterOp::Eq, vec![FieldValue::Int(1)])
        }
        _ => (op, values),
    };
    Ok(Condition::UserField {
        field_id: def.id,
        storage: t.storage(),
        op,
        values,
    })
}

/// The sort key of `def`, when it can be sorted by (single-valued fields).
pub fn order_key(def: &UserField) -> Option<OrderKey> {
    (!def.multiple).then_some(OrderKey::UserField {
        field_id: def.id,
        storage: def.user_type.storage(),
    })
}

// --- The userfield methods -----------------------------------------------------

/// The method names of one entity's user fields.
struct Names {
    add: &'static str,
    get: &'static str,
    list: &'static str,
    update: &'static str,
    delete: &'static str,
}

/// The names for an entity code.
fn names(code: &str) -> Names {
    match code {
        "LEAD" => Names {
            add: "crm.lead.userfield.add",
            get: "crm.lead.userfield.get",
            list: "crm.lead.userfield.list",
            update: "crm.lead.userfield.update",
            delete: "crm.lead.userfield.delete",
        },
        "DEAL" => Names {
            add: "crm.deal.userfield.add",
            get: "crm.deal.userfield.get",
            list: "crm.deal.userfield.list",
            update: "crm.deal.userfield.update",
            delete: "crm.deal.userfield.delete",
        },
        "CONTACT" => Names {
            add: "crm.contact.userfield.add",
            get: "crm.contact.userfield.get",
            list: "crm.contact.userfield.list",
            update: "crm.contact.userfield.update",
            delete: "crm.contact.userfield.delete",
        },
        _ => Names {
            add: "crm.company.userfield.add",
            get: "crm.company.userfield.get",
            list: "crm.company.userfield.list",
            update: "crm.company.userfield.update",
            delete: "crm.company.userfield.delete",
        },
    }
}

const ID: ParamSpec = ParamSpec {
    name: "id",
    kind: "integer",
    required: true,
    description: "User field ID (see the list method).",
    description_pt: "ID do campo personalizado (veja o método list).",
};

const ADD_FIELDS: ParamSpec = ParamSpec {
    name: "fields",
    kind: "object",
    required: true,
    description: "FIELD_NAME (UF_CRM_ is prepended; A-Z, 0-9, _; at most 50 characters), USER_TYPE_ID (string, integer, double, boolean, date, datetime, enumeration, url, money, crm, employee), LABEL, EDIT_FORM_LABEL, LIST_COLUMN_LABEL, LIST_FILTER_LABEL, ERROR_MESSAGE, HELP_MESSAGE (a string or {\"en\": …, \"br\": …}), MULTIPLE, MANDATORY, SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE (Y/N), SORT, XML_ID, SETTINGS, LIST (enumeration items: VALUE, SORT, DEF, XML_ID).",
    description_pt: "FIELD_NAME (recebe o prefixo UF_CRM_; A-Z, 0-9, _; no máximo 50 caracteres), USER_TYPE_ID (string, integer, double, boolean, date, datetime, enumeration, url, money, crm, employee), LABEL, EDIT_FORM_LABEL, LIST_COLUMN_LABEL, LIST_FILTER_LABEL, ERROR_MESSAGE, HELP_MESSAGE (um texto ou {\"en\": …, \"br\": …}), MULTIPLE, MANDATORY, SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE (Y/N), SORT, XML_ID, SETTINGS, LIST (itens da lista: VALUE, SORT, DEF, XML_ID).",
};

const UPDATE_FIELDS: ParamSpec = ParamSpec {
    name: "fields",
    kind: "object",
    required: true,
    description: "The attributes to change: captions (replaced whole), MANDATORY, SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE, SORT, XML_ID, SETTINGS (merged), LIST (items with ID change, with ID and DEL=Y are removed, without ID are added). FIELD_NAME, USER_TYPE_ID and MULTIPLE do not change.",
    description_pt: "Os atributos a alterar: rótulos (substituídos por inteiro), MANDATORY, SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE, SORT, XML_ID, SETTINGS (mesclados), LIST (itens com ID são alterados, com ID e DEL=Y removidos, sem ID adicionados). FIELD_NAME, USER_TYPE_ID e MULTIPLE não mudam.",
};

const LIST_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "filter",
        kind: "object",
        required: false,
        description: "Exact values of ID, FIELD_NAME, USER_TYPE_ID, XML_ID, SORT, MULTIPLE, MANDATORY, SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE (! negates, a list matches any); LANG (e.g. en) returns captions as texts in that language.",
        description_pt: "Valores exatos de ID, FIELD_NAME, USER_TYPE_ID, XML_ID, SORT, MULTIPLE, MANDATORY, SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE (! nega, uma lista casa com qualquer valor); LANG (p. ex. br) retorna os rótulos como textos nesse idioma.",
    },
    ParamSpec {
        name: "order",
        kind: "object",
        required: false,
        description: "Sort over ID, FIELD_NAME, USER_TYPE_ID, XML_ID, SORT; default {\"SORT\": \"ASC\", \"ID\": \"ASC\"}.",
        description_pt: "Ordenação por ID, FIELD_NAME, USER_TYPE_ID, XML_ID, SORT; padrão {\"SORT\": \"ASC\", \"ID\": \"ASC\"}.",
    },
    ParamSpec {
        name: "start",
        kind: "integer",
        required: false,
        description: "Offset of the page (50 rows); -1 skips counting.",
        description_pt: "Deslocamento da página (50 linhas); -1 dispensa a contagem.",
    },
];

/// Declares `crm.{e}.userfield.*` of one entity.
pub fn register_entity<E: CrmEntity>(r: &mut Registry) {
    let n = names(E::DEF.code);
    let noun = &E::NOUN;
    let o = if noun.pt_feminine { "as" } else { "os" };
    let mut s = r.scope("crm", &[]);
    s.method(
        n.add,
        format!(
            "Creates a user field (UF_CRM_*) of {} and returns its ID. Administrators only.",
            noun.en_plural
        ),
        format!(
            "Cria um campo personalizado (UF_CRM_*) d{o} {} e retorna seu ID. Somente administradores.",
            noun.pt_plural
        ),
        &[ADD_FIELDS],
        r#"{"fields": {"FIELD_NAME": "PRIORITY", "USER_TYPE_ID": "enumeration", "LABEL": "Priority", "LIST": [{"VALUE": "High", "SORT": 10}, {"VALUE": "Low", "SORT": 20, "DEF": "Y"}]}}"#,
        handler!(add::<E>),
    );
    s.method(
        n.get,
        format!(
            "Returns a user field of {} by ID, with its captions by language and list items.",
            noun.en_plural
        ),
        format!(
            "Retorna um campo personalizado d{o} {} pelo ID, com os rótulos por idioma e os itens da lista.",
            noun.pt_plural
        ),
        &[ID],
        r#"{"id": 1}"#,
        handler!(get::<E>),
    );
    s.method(
        n.list,
        format!(
            "Lists the user fields of {}, filtered and sorted (SORT, then ID by default).",
            noun.en_plural
        ),
        format!(
            "Lista os campos personalizados d{o} {}, filtrados e ordenados (por padrão SORT, depois ID).",
            noun.pt_plural
        ),
        LIST_PARAMS,
        r#"{"filter": {"USER_TYPE_ID": "string", "LANG": "en"}, "order": {"SORT": "ASC"}}"#,
        handler!(list::<E>),
    );
    s.method(
        n.update,
        format!(
            "Changes a user field of {}: captions, flags, SORT, SETTINGS and list items. Administrators only.",
            noun.en_plural
        ),
        format!(
            "Altera um campo personalizado d{o} {}: rótulos, atributos, SORT, SETTINGS e itens da lista. Somente administradores.",
            noun.pt_plural
        ),
        &[ID, UPDATE_FIELDS],
        r#"{"id": 1, "fields": {"MANDATORY": "Y", "EDIT_FORM_LABEL": {"en": "Priority", "br": "Prioridade"}, "LIST": [{"VALUE": "Medium", "SORT": 15}, {"ID": 2, "DEL": "Y"}]}}"#,
        handler!(update::<E>),
    );
    s.method(
        n.delete,
        format!(
            "Deletes a user field of {} with every record's values of it. Administrators only.",
            noun.en_plural
        ),
        format!(
            "Remove um campo personalizado d{o} {} com os valores dele em todos os registros. Somente administradores.",
            noun.pt_plural
        ),
        &[ID],
        r#"{"id": 1}"#,
        handler!(delete::<E>),
    );
}

/// Declares the userfield methods of leads, deals, contacts and companies.
pub fn register(r: &mut Registry) {
    register_entity::<crate::crm::lead::Lead>(r);
    register_entity::<crate::crm::deal::Deal>(r);
    register_entity::<crate::crm::contact::Contact>(r);
    register_entity::<crate::crm::company::Company>(r);
}

/// Definition writes are for administrators.
fn require_admin(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.caller.user.is_admin {
        Ok(())
    } else {
        Err(ApiError::from_code(ErrorCode::AccessDenied))
    }
}

/// The entity id of `E` (`CRM_DEAL`).
fn entity_id<E: CrmEntity>() -> Result<&'static str, ApiError> {
    entity_id_of(E::DEF).ok_or_else(ApiError::internal)
}

/// The definition `id` of `E`: `ERROR_NOT_FOUND` when missing, 403 when it
/// belongs to another entity.
async fn load<E: CrmEntity>(ctx: &Ctx, id: i64) -> Result<UserField, ApiError> {
    let def = ctx
        .store
        .user_field_by_id(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::ErrorNotFound,
                format!("The entity with ID '{id}' is not found"),
            )
        })?;
    if def.entity_id != entity_id::<E>()? {
        return Err(ApiError::from_code(ErrorCode::AccessDenied));
    }
    Ok(def)
}

/// A key of `fields`, ignoring case and surrounding spaces.
fn field<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    fields
        .iter()
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// A trimmed text attribute; `null` and `""` count as absent.
fn text(fields: &Map<String, Value>, name: &str) -> Option<String> {
    field(fields, name)
        .and_then(value_as_string)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// A `Y`/`N` attribute, when given.
fn flag(fields: &Map<String, Value>, name: &str) -> Option<bool> {
    field(fields, name).and_then(value_as_bool)
}

/// `SORT`, when given: an integer; not positive means the default 100.
fn sort(fields: &Map<String, Value>) -> Result<Option<i64>, ApiError> {
    match field(fields, "SORT") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v) => value_as_i64(v)
            .map(|n| Some(if n > 0 { n } else { 100 }))
            .ok_or_else(|| ApiError::legacy("Field 'SORT' must be an integer.")),
    }
}

/// `SHOW_FILTER`: `N`, `I`, `E`, `S` as they are, `Y` meaning `E`, else `N`.
fn show_filter(v: &str) -> String {
    match v.trim().to_ascii_uppercase().as_str() {
        s @ ("I" | "E" | "S") => s.to_string(),
        "Y" | "1" | "TRUE" => "E".to_string(),
        _ => "N".to_string(),
    }
}

/// A caption as given: a string for every language, or a lang map (other
/// languages `""`); `en` and `br` always present.
fn lang_map(v: &Value) -> LangMap {
    let mut map = LangMap::new();
    match v {
        Value::Object(m) => {
            for (lang, text) in m {
                let lang = lang.trim().to_ascii_lowercase();
                if !lang.is_empty() {
                    map.insert(lang, value_as_string(text).unwrap_or_default());
                }
            }
            for lang in LANGUAGES {
                map.entry(lang.to_string()).or_default();
            }
        }
        v => {
            let text = value_as_string(v).unwrap_or_default();
            for lang in LANGUAGES {
                map.insert(lang.to_string(), text.clone());
            }
        }
    }
    map
}

/// The captions `fields` give, by wire key (`LABEL` filling the three
/// `*_LABEL` ones not given).
fn given_labels(fields: &Map<String, Value>) -> BTreeMap<&'static str, LangMap> {
    let mut out = BTreeMap::new();
    for key in Labels::KEYS {
        if let Some(v) = field(fields, key) {
            out.insert(key, lang_map(v));
        }
    }
    if let Some(label) = field(fields, "LABEL") {
        for key in LABEL_KEYS {
            out.entry(key).or_insert_with(|| lang_map(label));
        }
    }
    out
}

/// The settings a type starts with.
fn default_settings(t: UserType) -> Map<String, Value> {
    let v = match t {
        UserType::String => {
            json!({"SIZE": 20, "ROWS": 1, "REGEXP": "", "MIN_LENGTH": 0, "MAX_LENGTH": 0, "DEFAULT_VALUE": ""})
        }
        UserType::Integer => {
            json!({"SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0, "DEFAULT_VALUE": null})
        }
        UserType::Double => {
            json!({"PRECISION": 2, "SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0, "DEFAULT_VALUE": null})
        }
        UserType::Boolean => {
            json!({"DEFAULT_VALUE": 0, "DISPLAY": "CHECKBOX", "LABEL": ["", ""], "LABEL_CHECKBOX": ""})
        }
        UserType::Date => json!({"DEFAULT_VALUE": {"TYPE": "NONE", "VALUE": ""}}),
        UserType::DateTime => {
            json!({"DEFAULT_VALUE": {"TYPE": "NONE", "VALUE": ""}, "USE_SECOND": "Y", "USE_TIMEZONE": "N"})
        }
        UserType::Enumeration => {
            json!({"DISPLAY": "LIST", "LIST_HEIGHT": 1, "CAPTION_NO_VALUE": "", "SHOW_NO_VALUE": "Y"})
        }
        UserType::Url => {
            json!({"POPUP": "Y", "SIZE": 20, "MIN_LENGTH": 0, "MAX_LENGTH": 0, "DEFAULT_VALUE": "", "RE": ""})
        }
        UserType::Money => json!({"DEFAULT_VALUE": ""}),
        UserType::Crm => json!({"LEAD": "Y", "CONTACT": "Y", "COMPANY": "Y", "DEAL": "Y"}),
        UserType::Employee => json!({}),
    };
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// `SETTINGS` merged over `base`. For a `crm` field, naming any entity type
/// turns the types not named off.
fn merge_settings(
    t: UserType,
    mut base: Map<String, Value>,
    given: Option<&Value>,
) -> Result<Map<String, Value>, ApiError> {
    let given = match given {
        None | Some(Value::Null) => return Ok(base),
        Some(Value::Object(m)) => m,
        Some(Value::Array(a)) if a.is_empty() => return Ok(base),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(base),
        Some(_) => return Err(ApiError::legacy("Field 'SETTINGS' must be an object.")),
    };
    let crm_keys = ["LEAD", "CONTACT", "COMPANY", "DEAL"];
    if t == UserType::Crm
        && given
            .keys()
            .any(|k| crm_keys.contains(&k.to_ascii_uppercase().as_str()))
    {
        for k in crm_keys {
            base.insert(k.to_string(), Value::from("N"));
        }
    }
    for (k, v) in given {
        let key = if t == UserType::Crm {
            k.to_ascii_uppercase()
        } else {
            k.clone()
        };
        let v = match (t, key.as_str()) {
            (UserType::Crm, "LEAD" | "CONTACT" | "COMPANY" | "DEAL") => {
                Value::from(if value_as_bool(v).unwrap_or(false) {
                    "Y"
                } else {
                    "N"
                })
            }
            _ => v.clone(),
        };
        base.insert(key, v);
    }
    Ok(base)
}

/// The `ERROR_CORE` error for a taken item `XML_ID`.
fn xml_id_taken(xml_id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ErrorCore,
        format!("List item with XML_ID='{xml_id}' already exists."),
    )
}

/// One item of `LIST` as an object, else the legacy error.
fn list_item(v: &Value) -> Result<&Map<String, Value>, ApiError> {
    v.as_object()
        .ok_or_else(|| ApiError::legacy("Field 'LIST' must be a list of items."))
}

/// The items of `LIST` (`[…]` or `{"n0": …}`).
fn list_items(v: Option<&Value>) -> Result<Vec<&Map<String, Value>>, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(Vec::new()),
        Some(Value::Array(a)) => a.iter().map(list_item).collect(),
        Some(Value::Object(m)) => m.values().map(list_item).collect(),
        Some(_) => Err(ApiError::legacy("Field 'LIST' must be a list of items.")),
    }
}

/// A new list item from `LIST` (`None` when its `VALUE` is empty: ignored).
fn new_item(item: &Map<String, Value>) -> Result<Option<NewEnumItem>, ApiError> {
    let Some(value) = text(item, "VALUE") else {
        return Ok(None);
    };
    let sort = match field(item, "SORT") {
        None | Some(Value::Null) => 500,
        Some(Value::String(s)) if s.trim().is_empty() => 500,
        Some(v) => value_as_i64(v)
            .filter(|n| *n >= 0)
            .ok_or_else(|| ApiError::legacy("Field 'SORT' of a list item must be an integer."))?,
    };
    Ok(Some(NewEnumItem {
        xml_id: text(item, "XML_ID").unwrap_or_else(|| digest(&value)),
        def: flag(item, "DEF").unwrap_or(false),
        sort,
        value,
    }))
}

/// The definition in the wire shape; with `lang` captions are that
/// language's text (`null` when empty), else lang maps.
pub fn render_definition(def: &UserField, lang: Option<&str>) -> Value {
    let yn = |b: bool| Value::from(if b { "Y" } else { "N" });
    let mut row = Map::new();
    row.insert("ID".into(), Value::from(def.id.to_string()));
    row.insert("ENTITY_ID".into(), Value::from(def.entity_id.clone()));
    row.insert("FIELD_NAME".into(), Value::from(def.field_name.clone()));
    row.insert("USER_TYPE_ID".into(), Value::from(def.user_type.as_str()));
    row.insert(
        "XML_ID".into(),
        def.xml_id.clone().map_or(Value::Null, Value::from),
    );
    row.insert("SORT".into(), Value::from(def.sort.to_string()));
    row.insert("MULTIPLE".into(), yn(def.multiple));
    row.insert("MANDATORY".into(), yn(def.mandatory));
    row.insert("SHOW_FILTER".into(), Value::from(def.show_filter.clone()));
    row.insert("SHOW_IN_LIST".into(), yn(def.show_in_list));
    row.insert("EDIT_IN_LIST".into(), yn(def.edit_in_list));
    row.insert("IS_SEARCHABLE".into(), yn(def.is_searchable));
    row.insert("SETTINGS".into(), Value::Object(def.settings.clone()));
    for key in Labels::KEYS {
        let map = def.labels.get(key).cloned().unwrap_or_default();
        let v = match lang {
            Some(l) => map
                .get(l)
                .filter(|s| !s.is_empty())
                .map_or(Value::Null, |s| Value::from(s.clone())),
            None => {
                let mut full = map;
                for l in LANGUAGES {
                    full.entry(l.to_string()).or_default();
                }
                Value::Object(full.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        };
        row.insert(key.into(), v);
    }
    if def.user_type == UserType::Enumeration {
        let items = def
            .items
            .iter()
            .map(|i| {
                json!({
                    "ID": i.id.to_string(),
                    "SORT": i.sort.to_string(),
                    "VALUE": i.value,
                    "DEF": if i.def { "Y" } else { "N" },
                    "XML_ID": i.xml_id,
                })
            })
            .collect();
        row.insert("LIST".into(), Value::Array(items));
    }
    Value::Object(row)
}

/// `FIELD_NAME` with the `UF_CRM_` prefix, upper-cased and checked.
fn field_name(given: &str) -> Result<String, ApiError> {
    let upper = given.trim().to_uppercase();
    let name = if upper.starts_with("UF_CRM_") {
        upper
    } else if let Some(rest) = upper.strip_prefix("UF_") {
        format!("UF_CRM_{rest}")
    } else {
        format!("UF_CRM_{upper}")
    };
    if name.chars().count() > MAX_FIELD_NAME_LEN {
        return Err(ApiError::new(
            ErrorCode::ErrorCore,
            "Field name is too long (more than 50 characters).",
        ));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(ApiError::new(
            ErrorCode::ErrorCore,
            "Field name contains invalid characters. Allowed characters are: A-Z, 0-9, and _.",
        ));
    }
    Ok(name)
}

/// A store conflict of a definition write as the API answers it.
fn conflict(e: StoreError, entity_id: &str, name: &str) -> ApiError {
    match e {
        StoreError::Conflict(c) if c == ENUM_XML_ID_CONFLICT => ApiError::new(
            ErrorCode::ErrorCore,
            "List item with this XML_ID already exists.",
        ),
        StoreError::Conflict(_) => ApiError::new(
            ErrorCode::ErrorCore,
            format!("The field {name} for entity {entity_id} already exists."),
        ),
        other => store_error(other),
    }
}

/// `crm.{e}.userfield.add`.
async fn add<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let entity_id = entity_id::<E>()?;
    let fields = fields_object(params.get("fields"))?;
    let name = text(&fields, "FIELD_NAME")
        .ok_or_else(|| ApiError::legacy("The 'FIELD_NAME' field is not found."))?;
    let type_id = text(&fields, "USER_TYPE_ID")
        .ok_or_else(|| ApiError::legacy("The 'USER_TYPE_ID' field is not found."))?;
    let name = field_name(&name)?;
    let user_type = UserType::parse(&type_id.to_ascii_lowercase())
        .ok_or_else(|| ApiError::new(ErrorCode::ErrorCore, "Invalid custom type specified."))?;
    let mut labels = Labels::default();
    for (key, map) in given_labels(&fields) {
        if let Some(slot) = labels.get_mut(key) {
            *slot = map;
        }
    }
    for key in Labels::KEYS {
        if let Some(slot) = labels.get_mut(key) {
            for lang in LANGUAGES {
                slot.entry(lang.to_string()).or_default();
            }
        }
    }
    let mut items = Vec::new();
    if user_type == UserType::Enumeration {
        let mut seen = HashSet::new();
        for item in list_items(field(&fields, "LIST"))? {
            if let Some(item) = new_item(item)? {
                if !seen.insert(item.xml_id.clone()) {
                    return Err(xml_id_taken(&item.xml_id));
                }
                items.push(item);
            }
        }
    }
    let new = NewUserField {
        entity_id: entity_id.to_string(),
        field_name: name.clone(),
        user_type,
        xml_id: text(&fields, "XML_ID"),
        sort: sort(&fields)?.unwrap_or(100),
        multiple: user_type != UserType::Boolean && flag(&fields, "MULTIPLE").unwrap_or(false),
        mandatory: flag(&fields, "MANDATORY").unwrap_or(false),
        show_filter: text(&fields, "SHOW_FILTER")
            .map_or_else(|| "N".to_string(), |s| show_filter(&s)),
        show_in_list: flag(&fields, "SHOW_IN_LIST").unwrap_or(true),
        edit_in_list: flag(&fields, "EDIT_IN_LIST").unwrap_or(true),
        is_searchable: flag(&fields, "IS_SEARCHABLE").unwrap_or(false),
        settings: merge_settings(
            user_type,
            default_settings(user_type),
            field(&fields, "SETTINGS"),
        )?,
        labels,
        items,
    };
    let id = ctx
        .store
        .insert_user_field(new)
        .await
        .map_err(|e| conflict(e, entity_id, &name))?;
    Ok(MethodOutput::value(Value::from(id)))
}

/// `crm.{e}.userfield.get`.
async fn get<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = param_id(&params)?;
    let def = load::<E>(&ctx, id).await?;
    Ok(MethodOutput::value(render_definition(&def, None)))
}

/// The definition attributes `crm.{e}.userfield.list` filters and sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Id,
    FieldName,
    UserTypeId,
    XmlId,
    Sort,
    Multiple,
    Mandatory,
    ShowFilter,
    ShowInList,
    EditInList,
    IsSearchable,
}

impl Col {
    /// The attribute with this wire name (any case).
    fn parse(name: &str) -> Option<Col> {
        Some(match name.trim().to_ascii_uppercase().as_str() {
            "ID" => Col::Id,
            "FIELD_NAME" => Col::FieldName,
            "USER_TYPE_ID" => Col::UserTypeId,
            "XML_ID" => Col::XmlId,
            "SORT" => Col::Sort,
            "MULTIPLE" => Col::Multiple,
            "MANDATORY" => Col::Mandatory,
            "SHOW_FILTER" => Col::ShowFilter,
            "SHOW_IN_LIST" => Col::ShowInList,
            "EDIT_IN_LIST" => Col::EditInList,
            "IS_SEARCHABLE" => Col::IsSearchable,
            _ => return None,
        })
    }

    /// Whether the attribute can be sorted by.
    fn sortable(self) -> bool {
        matches!(
            self,
            Col::Id | Col::FieldName | Col::UserTypeId | Col::XmlId | Col::Sort
        )
    }
}

/// A comparable value of a definition's attribute.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Null,
    Int(i64),
    Text(String),
}

/// The definition's value of `col` (flags as `Y`/`N`).
fn key(def: &UserField, col: Col) -> Key {
    let yn = |b: bool| Key::Text(if b { "Y" } else { "N" }.to_string());
    match col {
        Col::Id => Key::Int(def.id),
        Col::FieldName => Key::Text(def.field_name.clone()),
        Col::UserTypeId => Key::Text(def.user_type.as_str().to_string()),
        Col::XmlId => def.xml_id.clone().map_or(Key::Null, Key::Text),
        Col::Sort => Key::Int(def.sort),
        Col::Multiple => yn(def.multiple),
        Col::Mandatory => yn(def.mandatory),
        Col::ShowFilter => Key::Text(def.show_filter.clone()),
        Col::ShowInList => yn(def.show_in_list),
        Col::EditInList => yn(def.edit_in_list),
        Col::IsSearchable => yn(def.is_searchable),
    }
}

/// The filter value of `col` as compared (`Y`/`N` flags accept any boolean
/// spelling, names compare upper-cased).
fn filter_key(col: Col, v: &Value, k: &str) -> Result<Key, ApiError> {
    if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
        return Ok(Key::Null);
    }
    Ok(match col {
        Col::Id | Col::Sort => Key::Int(value_as_i64(v).ok_or_else(|| {
            invalid_arg(format!("Invalid filter: value of '{k}' must be an integer"))
        })?),
        Col::Multiple | Col::Mandatory | Col::ShowInList | Col::EditInList | Col::IsSearchable => {
            let b = value_as_bool(v).ok_or_else(|| {
                invalid_arg(format!("Invalid filter: value of '{k}' must be Y or N"))
            })?;
            Key::Text(if b { "Y" } else { "N" }.to_string())
        }
        Col::FieldName | Col::ShowFilter => Key::Text(
            value_as_string(v)
                .ok_or_else(|| {
                    invalid_arg(format!("Invalid filter: value of '{k}' must be a string"))
                })?
                .trim()
                .to_uppercase(),
        ),
        Col::UserTypeId => Key::Text(
            value_as_string(v)
                .ok_or_else(|| {
                    invalid_arg(format!("Invalid filter: value of '{k}' must be a string"))
                })?
                .trim()
                .to_ascii_lowercase(),
        ),
        Col::XmlId => Key::Text(value_as_string(v).ok_or_else(|| {
            invalid_arg(format!("Invalid filter: value of '{k}' must be a string"))
        })?),
    })
}

/// `crm.{e}.userfield.list`: exact-match filter (`!` negates, lists match
/// any), `LANG`, order (default `SORT`, `ID`; `ID` breaks ties), pages of 50.
async fn list<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let filter = match params.get("filter") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(Value::Array(a)) if a.is_empty() => Map::new(),
        Some(Value::String(s)) if s.is_empty() => Map::new(),
        Some(_) => return Err(ApiError::legacy("Parameter 'filter' must be array.")),
    };
    let mut lang = None;
    let mut conds: Vec<(Col, bool, Vec<Key>)> = Vec::new();
    for (k, value) in &filter {
        let (op, name) = portico_protocol::filter::parse_filter_key(k)
            .map_err(|e| invalid_arg(format!("Invalid filter: {}", e.message)))?;
        if name.trim().eq_ignore_ascii_case("LANG") {
            lang = value_as_string(value)
                .map(|s| s.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty());
            continue;
        }
        let col = Col::parse(name).ok_or_else(|| {
            invalid_arg(format!(
                "Invalid filter: field '{name}' is not allowed in filter"
            ))
        })?;
        let negate = match portico_protocol::filter::op_for_value(op, value.is_array()) {
            FilterOp::Eq | FilterOp::In => false,
            FilterOp::NotEq | FilterOp::NotIn => true,
            _ => {
                return Err(invalid_arg(format!(
                    "Invalid filter: operator of '{k}' is not supported here; use =, !, @ or !@"
                )))
            }
        };
        let items: Vec<&Value> = match value {
            Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        let keys = items
            .into_iter()
            .map(|v| filter_key(col, v, k))
            .collect::<Result<Vec<_>, _>>()?;
        conds.push((col, negate, keys));
    }
    let mut order: Vec<(Col, bool)> = Vec::new();
    match params.get("order") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) if a.is_empty() => {}
        Some(Value::String(s)) if s.is_empty() => {}
        Some(Value::Object(m)) => {
            for (name, dir) in m {
                let col = Col::parse(name).filter(|c| c.sortable()).ok_or_else(|| {
                    invalid_arg(format!(
                        "Invalid order: field '{name}' is not allowed in order"
                    ))
                })?;
                let desc = match value_as_string(dir)
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_uppercase()
                    .as_str()
                {
                    "ASC" => false,
                    "DESC" => true,
                    _ => {
                        return Err(invalid_arg(
                            "Invalid order: allowed sort directions are ASC, DESC",
                        ))
                    }
                };
                order.push((col, desc));
            }
        }
        Some(_) => return Err(ApiError::legacy("Parameter 'order' must be array.")),
    }
    if order.is_empty() {
        order.push((Col::Sort, false));
    }
    if !order.iter().any(|(c, _)| *c == Col::Id) {
        order.push((Col::Id, false));
    }
    let start = match params.get("start") {
        None | Some(Value::Null) => 0,
        Some(v) if v.as_str().is_some_and(|s| s.trim().is_empty()) => 0,
        Some(v) => value_as_i64(v)
            .ok_or_else(|| invalid_arg("Parameter 'start' must be an integer."))?
            .max(-1),
    };
    let mut defs = definitions(&ctx, E::DEF).await?;
    defs.retain(|d| {
        conds
            .iter()
            .all(|(col, negate, keys)| keys.contains(&key(d, *col)) != *negate)
    });
    defs.sort_by(|a, b| {
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
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let total = defs.len() as u64;
    let rows = defs
        .iter()
        .skip(start.max(0) as usize)
        .take(crate::listing::PAGE_SIZE as usize)
        .map(|d| render_definition(d, lang.as_deref()))
        .collect();
    Ok(page_output(rows, (start >= 0).then_some(total), start))
}

/// `crm.{e}.userfield.update`.
async fn update<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let id = param_id(&params)?;
    let fields = fields_object(params.get("fields"))?;
    let current = load::<E>(&ctx, id).await?;
    let mut change = UserFieldChange {
        sort: sort(&fields)?,
        mandatory: flag(&fields, "MANDATORY"),
        show_in_list: flag(&fields, "SHOW_IN_LIST"),
        edit_in_list: flag(&fields, "EDIT_IN_LIST"),
        is_searchable: flag(&fields, "IS_SEARCHABLE"),
        show_filter: field(&fields, "SHOW_FILTER")
            .map(|v| show_filter(&value_as_string(v).unwrap_or_default())),
        xml_id: field(&fields, "XML_ID").map(|_| text(&fields, "XML_ID")),
        ..UserFieldChange::default()
    };
    if field(&fields, "SETTINGS").is_some() {
        change.settings = Some(merge_settings(
            current.user_type,
            current.settings.clone(),
            field(&fields, "SETTINGS"),
        )?);
    }
    let given = given_labels(&fields);
    if !given.is_empty() {
        let mut labels = current.labels.clone();
        for (key, map) in given {
            if let Some(slot) = labels.get_mut(key) {
                *slot = map;
            }
        }
        change.labels = Some(labels);
    }
    if current.user_type == UserType::Enumeration {
        // XML_IDs as they will be, to refuse a clash before writing.
        let mut xml_ids: BTreeMap<i64, String> = current
            .items
            .iter()
            .map(|i| (i.id, i.xml_id.clone()))
            .collect();
        let mut added: HashSet<String> = HashSet::new();
        for item in list_items(field(&fields, "LIST"))? {
            let item_id = field(item, "ID").and_then(value_as_i64).filter(|i| *i > 0);
            match item_id {
                Some(item_id) if current.item(item_id).is_none() => {}
                Some(item_id) if flag(item, "DEL").unwrap_or(false) => {
                    xml_ids.remove(&item_id);
                    change.items.push(EnumChange::Delete { id: item_id });
                }
                Some(item_id) => {
                    let xml_id = text(item, "XML_ID");
                    if let Some(x) = &xml_id {
                        xml_ids.insert(item_id, x.clone());
                    }
                    let sort = match field(item, "SORT") {
                        None | Some(Value::Null) => None,
                        Some(v) => Some(value_as_i64(v).filter(|n| *n >= 0).ok_or_else(|| {
                            ApiError::legacy("Field 'SORT' of a list item must be an integer.")
                        })?),
                    };
                    change.items.push(EnumChange::Update {
                        id: item_id,
                        value: text(item, "VALUE"),
                        def: flag(item, "DEF"),
                        sort,
                        xml_id,
                    });
                }
                None => {
                    if let Some(new) = new_item(item)? {
                        if !added.insert(new.xml_id.clone()) {
                            return Err(xml_id_taken(&new.xml_id));
                        }
                        change.items.push(EnumChange::Add(new));
                    }
                }
            }
        }
        let mut seen: HashSet<&str> = HashSet::new();
        for x in xml_ids
            .values()
            .map(String::as_str)
            .chain(added.iter().map(String::as_str))
        {
            if !seen.insert(x) {
                return Err(xml_id_taken(x));
            }
        }
    }
    let found = ctx
        .store
        .update_user_field(id, change)
        .await
        .map_err(|e| conflict(e, &current.entity_id, &current.field_name))?;
    if !found {
        return Err(ApiError::new(
            ErrorCode::ErrorNotFound,
            format!("The entity with ID '{id}' is not found"),
        ));
    }
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `crm.{e}.userfield.delete`: the definition, its items and all its values.
async fn delete<E: CrmEntity>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let id = param_id(&params)?;
    load::<E>(&ctx, id).await?;
    if !ctx.store.delete_user_field(id).await.map_err(store_error)? {
        return Err(ApiError::new(
            ErrorCode::ErrorNotFound,
            format!("The entity with ID '{id}' is not found"),
        ));
    }
    Ok(MethodOutput::value(Value::Bool(true)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_store::user_fields::EnumItem;

    fn def(t: UserType, multiple: bool) -> UserField {
        UserField {
            id: 7,
            entity_id: "CRM_DEAL".into(),
            field_name: "UF_CRM_X".into(),
            user_type: t,
            xml_id: None,
            sort: 100,
            multiple,
            mandatory: false,
            show_filter: "N".into(),
            show_in_list: true,
            edit_in_list: true,
            is_searchable: false,
            settings: default_settings(t),
            labels: Labels::default(),
            items: vec![EnumItem {
                id: 3,
                value: "A".into(),
                def: false,
                sort: 10,
                xml_id: "a".into(),
            }],
        }
    }

    fn utc() -> FixedOffset {
        FixedOffset::east_opt(0).expect("offset")
    }

    #[test]
    fn field_names_get_the_prefix() {
        assert_eq!(field_name("note").expect("ok"), "UF_CRM_NOTE");
        assert_eq!(field_name("UF_NOTE").expect("ok"), "UF_CRM_NOTE");
        assert_eq!(field_name("uf_crm_note").expect("ok"), "UF_CRM_NOTE");
        assert_eq!(field_name(&"A".repeat(43)).expect("43").len(), 50);
        assert_eq!(
            field_name(&"A".repeat(44)).unwrap_err().code,
            ErrorCode::ErrorCore
        );
        assert_eq!(field_name("a-b").unwrap_err().code, ErrorCode::ErrorCore);
    }

    #[test]
    fn values_parse_by_type() {
        let v = |t, j: Value| parse_value(&def(t, false), &j, utc());
        assert_eq!(v(UserType::Integer, json!("42")), Ok(FieldValue::Int(42)));
        assert_eq!(v(UserType::Double, json!(2.5)), Ok(FieldValue::Float(2.5)));
        assert_eq!(v(UserType::Boolean, json!("Y")), Ok(FieldValue::Int(1)));
        assert_eq!(v(UserType::Boolean, json!(false)), Ok(FieldValue::Int(0)));
        assert_eq!(
            v(UserType::Date, json!("2024-03-05")),
            Ok(FieldValue::Text("2024-03-05".into()))
        );
        assert_eq!(
            v(UserType::DateTime, json!("2024-03-05T10:00:00+02:00")),
            Ok(FieldValue::Int(1_709_625_600))
        );
        assert_eq!(v(UserType::Enumeration, json!(3)), Ok(FieldValue::Int(3)));
        assert!(v(UserType::Enumeration, json!(4)).is_err());
        assert_eq!(
            v(UserType::Money, json!("100.5|usd")),
            Ok(FieldValue::Text("100.50|USD".into()))
        );
        assert_eq!(
            v(UserType::Money, json!(7)),
            Ok(FieldValue::Text("7.00|USD".into()))
        );
        assert!(v(UserType::Money, json!("abc|USD")).is_err());
        assert_eq!(
            v(UserType::Crm, json!("co_3")),
            Ok(FieldValue::Text("CO_3".into()))
        );
        assert!(v(UserType::Crm, json!("3")).is_err(), "ambiguous bare id");
        assert!(v(UserType::Crm, json!("X_3")).is_err());
        assert_eq!(v(UserType::String, json!("")), Ok(FieldValue::Null));
        let mut one = def(UserType::Crm, false);
        one.settings = merge_settings(
            UserType::Crm,
            default_settings(UserType::Crm),
            Some(&json!({"COMPANY": "Y"})),
        )
        .expect("settings");
        assert_eq!(crm_targets(&one), ["COMPANY"]);
        assert_eq!(
            parse_value(&one, &json!("5"), utc()),
            Ok(FieldValue::Text("5".into()))
        );
        assert_eq!(
            parse_value(&one, &json!("CO_5"), utc()),
            Ok(FieldValue::Text("5".into()))
        );
        assert!(parse_value(&one, &json!("C_5"), utc()).is_err());
        assert_eq!(crm_reference(&one, "5"), Some(("COMPANY", 5)));
    }

    #[test]
    fn multiple_values_and_rendering() {
        let m = def(UserType::Integer, true);
        assert_eq!(
            parse_values(&m, &json!([1, "", "3"]), utc()),
            Ok(vec![FieldValue::Int(1), FieldValue::Int(3)])
        );
        assert!(parse_values(&def(UserType::Integer, false), &json!([1, 2]), utc()).is_err());
        assert_eq!(
            render_value(&m, &[FieldValue::Int(1), FieldValue::Int(3)], utc()),
            json!(["1", "3"])
        );
        assert_eq!(render_value(&m, &[], utc()), json!([]));
        let b = def(UserType::Boolean, false);
        assert_eq!(render_value(&b, &[], utc()), json!(false));
        assert_eq!(render_value(&b, &[FieldValue::Int(1)], utc()), json!(true));
        assert_eq!(
            render_value(&def(UserType::Date, false), &[], utc()),
            json!("")
        );
        assert_eq!(
            render_value(
                &def(UserType::Double, false),
                &[FieldValue::Float(2.5)],
                utc()
            ),
            json!("2.5")
        );
        assert_eq!(
            render_value(&def(UserType::String, false), &[], utc()),
            Value::Null
        );
    }

    #[test]
    fn boolean_false_matches_records_without_a_value() {
        let b = def(UserType::Boolean, false);
        let zero = json!("0");
        let c = filter_condition(&b, "UF_CRM_X", FilterOp::Eq, &[&zero], utc()).expect("ok");
        assert_eq!(
            c,
            Condition::UserField {
                field_id: 7,
                storage: portico_store::StorageType::Integer,
                op: FilterOp::NotEq,
                values: vec![FieldValue::Int(1)],
            }
        );
        let x = json!("x");
        assert!(filter_condition(&b, "%UF_CRM_X", FilterOp::Like, &[&x], utc()).is_err());
        assert!(filter_condition(&b, ">UF_CRM_X", FilterOp::Gt, &[&zero], utc()).is_err());
    }

    #[test]
    fn digests_are_stable_hex() {
        assert_eq!(digest("Red").len(), 32);
        assert_eq!(digest("Red"), digest("Red"));
        assert_ne!(digest("Red"), digest("Blue"));
    }
}
