//! `FULL_NAME` in a contact list's filter. Bitrix24 hides the field
//! (`crm.contact.fields` does not list it, rows never carry it) but filters on
//! it: it is `NAME` and `LAST_NAME` joined by a space (either alone when the
//! other is empty). Portico stores no such column, so `FULL_NAME` (exact) and
//! `%FULL_NAME` (contains) become conditions on the two name fields that hold
//! exactly when the joined name would match: the text lies inside one of the
//! names, or spans the space between them at one of its own spaces.

use portico_protocol::filter::{parse_filter_key, FilterOp};
use portico_protocol::params::{php_array, php_values, value_as_string, ParamMap};
use portico_store::{Condition, EntityDef, FieldValue};
use serde_json::Value;

use crate::context::Ctx;

/// Takes the `FULL_NAME` keys out of `filter`: the rest, and the conditions
/// they stand for (unsupported operators are ignored with a warning).
pub fn take(
    ctx: &Ctx,
    entity: &EntityDef,
    filter: Option<&Value>,
) -> (Option<Value>, Vec<Condition>) {
    let (Some(name), Some(last)) = (entity.index_of("NAME"), entity.index_of("LAST_NAME")) else {
        return (filter.cloned(), Vec::new());
    };
    let Some(map) = filter.and_then(php_array) else {
        return (filter.cloned(), Vec::new());
    };
    let mut rest = ParamMap::new();
    let mut conditions = Vec::new();
    for (key, value) in map.iter() {
        let parsed = parse_filter_key(key).ok();
        let Some((op, _)) = parsed.filter(|(_, f)| f.trim().eq_ignore_ascii_case("FULL_NAME"))
        else {
            rest.insert(key.clone(), value.clone());
            continue;
        };
        let texts: Vec<String> = php_values(value)
            .into_iter()
            .filter_map(value_as_string)
            .collect();
        let names = Names { name, last };
        let alternatives: Vec<Condition> = match op {
            FilterOp::Eq | FilterOp::In => texts.iter().map(|t| names.exactly(t)).collect(),
            FilterOp::Like => texts.iter().map(|t| names.containing(t)).collect(),
            _ => {
                ctx.ignored("filter (operator on FULL_NAME)", key);
                continue;
            }
        };
        conditions.push(Condition::Any(alternatives));
    }
    (Some(Value::Object(rest)), conditions)
}

/// Catalogue positions of `NAME` and `LAST_NAME`.
struct Names {
    name: usize,
    last: usize,
}

impl Names {
    fn cond(&self, field: usize, op: FilterOp, value: Option<&str>) -> Condition {
        Condition::Field {
            field,
            op,
            values: vec![value.map_or(FieldValue::Null, |v| FieldValue::Text(v.to_owned()))],
        }
    }

    /// The field is empty (no value, or an empty text).
    fn empty(&self, field: usize) -> Condition {
        Condition::Any(vec![
            self.cond(field, FilterOp::Eq, None),
            self.cond(field, FilterOp::Eq, Some("")),
        ])
    }

    /// The joined name equals `text`.
    fn exactly(&self, text: &str) -> Condition {
        let mut any = vec![
            Condition::All(vec![
                self.cond(self.name, FilterOp::Eq, Some(text)),
                self.empty(self.last),
            ]),
            Condition::All(vec![
                self.empty(self.name),
                self.cond(self.last, FilterOp::Eq, Some(text)),
            ]),
        ];
        for (at, _) in text.match_indices(' ') {
            let (first, last) = (&text[..at], &text[at + 1..]);
            if !first.is_empty() && !last.is_empty() {
                any.push(Condition::All(vec![
                    self.cond(self.name, FilterOp::Eq, Some(first)),
                    self.cond(self.last, FilterOp::Eq, Some(last)),
                ]));
            }
        }
        Condition::Any(any)
    }

    /// The joined name contains `text`.
    fn containing(&self, text: &str) -> Condition {
        let mut any = vec![
            self.cond(self.name, FilterOp::Like, Some(text)),
            self.cond(self.last, FilterOp::Like, Some(text)),
        ];
        for (at, _) in text.match_indices(' ') {
            let (end, start) = (&text[..at], &text[at + 1..]);
            any.push(Condition::All(vec![
                self.cond(self.name, FilterOp::LikeRaw, Some(&format!("%{end}"))),
                self.cond(self.last, FilterOp::LikeRaw, Some(&format!("{start}%"))),
            ]));
        }
        Condition::Any(any)
    }
}
