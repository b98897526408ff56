//! `filter`, `order` and `select` of `tasks.task.list`: filter keys of the
//! task fields with the prefixes `!`, `<`, `<=`, `>`, `>=`, `%`, `=` (arrays
//! act as IN), `REAL_STATUS` / `STATUS` for the status, `TITLE` as a LIKE
//! pattern, and the member keys `ACCOMPLICE`, `AUDITOR`, `MEMBER`, `TAG`,
//! `UF_CRM_TASK`, `ONLY_ROOT_TASKS`, the scrum keys `SPRINT_ID` /
//! `BACKLOG_ID` ([`scrum_conditions`]); unknown keys ignored. `order` is strict:
//! a key outside Bitrix24's list is `0` `Invalid sorting key (internal error)`.

use portico_protocol::filter::{parse_filter_key, FilterOp};
use portico_protocol::params::{php_array, php_values, value_as_i64, value_as_string, ParamMap};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::scrum::{BACKLOG, SPRINT};
use portico_store::tasks::{list_pattern, TASK};
use portico_store::{Condition, Direction, FieldValue, OrderKey};
use serde_json::Value;

use crate::context::Ctx;
use crate::listing::{resolve_filter_lenient, UnknownKeys};
use crate::values::store_error;

/// Filter keys resolved against the task catalogue.
const PLAIN_KEYS: [&str; 17] = [
    "ID",
    "PARENT_ID",
    "GROUP_ID",
    "CREATED_BY",
    "STATUS_CHANGED_BY",
    "PRIORITY",
    "RESPONSIBLE_ID",
    "TITLE",
    "MARK",
    "SITE_ID",
    "ADD_IN_REPORT",
    "DATE_START",
    "DEADLINE",
    "CREATED_DATE",
    "CLOSED_DATE",
    "CHANGED_DATE",
    "STAGE_ID",
];

/// Sort keys Bitrix24 accepts and what they sort by (`None`: accepted,
/// nothing to sort by here).
const ORDER_KEYS: [(&str, Option<&str>); 27] = [
    ("ID", Some("ID")),
    ("TITLE", Some("TITLE")),
    ("TIME_SPENT_IN_LOGS", Some("TIME_SPENT_IN_LOGS")),
    ("DATE_START", Some("DATE_START")),
    ("CREATED_DATE", Some("CREATED_DATE")),
    ("CHANGED_DATE", Some("CHANGED_DATE")),
    ("CLOSED_DATE", Some("CLOSED_DATE")),
    ("ACTIVITY_DATE", Some("ACTIVITY_DATE")),
    ("START_DATE_PLAN", Some("START_DATE_PLAN")),
    ("END_DATE_PLAN", Some("END_DATE_PLAN")),
    ("DEADLINE", Some("DEADLINE")),
    ("REAL_STATUS", Some("STATUS")),
    ("STATUS_COMPLETE", Some("STATUS")),
    ("PRIORITY", Some("PRIORITY")),
    ("MARK", Some("MARK")),
    ("CREATED_BY_LAST_NAME", None),
    ("RESPONSIBLE_LAST_NAME", None),
    ("GROUP_ID", Some("GROUP_ID")),
    ("TIME_ESTIMATE", Some("TIME_ESTIMATE")),
    ("ALLOW_CHANGE_DEADLINE", Some("ALLOW_CHANGE_DEADLINE")),
    ("ALLOW_TIME_TRACKING", Some("ALLOW_TIME_TRACKING")),
    ("MATCH_WORK_TIME", Some("MATCH_WORK_TIME")),
    ("FAVORITE", None),
    ("SORTING", None),
    ("IS_PINNED", None),
    ("IS_PINNED_IN_GROUP", None),
    ("STATUS", Some("STATUS")),
];

fn pos(name: &str) -> usize {
    TASK.index_of(name).expect("task field")
}

fn like(column: &str, item: &str, negate: bool) -> Condition {
    Condition::Field {
        field: pos(column),
        op: if negate {
            FilterOp::NotLikeRaw
        } else {
            FilterOp::LikeRaw
        },
        values: vec![FieldValue::Text(list_pattern(item))],
    }
}

/// A member condition: any of `items` in `column` (none of them when negated).
fn member_condition(
    columns: &[&str],
    items: &[String],
    negate: bool,
    also_ids: &[&str],
) -> Vec<Condition> {
    if negate {
        let mut out = Vec::new();
        for item in items {
            for c in columns {
                out.push(like(c, item, true));
            }
        }
        return out;
    }
    let mut any = Vec::new();
    for item in items {
        for c in columns {
            any.push(like(c, item, false));
        }
        if let Ok(id) = item.parse::<i64>() {
            for c in also_ids {
                any.push(Condition::Field {
                    field: pos(c),
                    op: FilterOp::Eq,
                    values: vec![FieldValue::Int(id)],
                });
            }
        }
    }
    vec![Condition::Any(any)]
}

/// Resolves a `filter` into conditions.
pub fn resolve_filter(filter: Option<&ParamMap>, ctx: &Ctx) -> Result<Vec<Condition>, ApiError> {
    let offset = ctx.clock.offset;
    let Some(filter) = filter else {
        return Ok(Vec::new());
    };
    let mut plain = ParamMap::new();
    let mut out = Vec::new();
    for (key, value) in filter {
        let Ok((op, name)) = parse_filter_key(key) else {
            ctx.ignored("filter", key);
            continue;
        };
        let name = name.to_ascii_uppercase();
        let prefix = &key[..key.len() - name.len()];
        let negate = matches!(op, FilterOp::NotEq | FilterOp::NotIn);
        let items: Vec<String> = php_values(value)
            .into_iter()
            .filter_map(value_as_string)
            .collect();
        match name.as_str() {
            "REAL_STATUS" | "STATUS" => {
                plain.insert(format!("{prefix}STATUS"), value.clone());
            }
            "TITLE" if prefix.is_empty() => {
                plain.insert("=%TITLE".into(), value.clone());
            }
            "ACCOMPLICE" => out.extend(member_condition(&["ACCOMPLICES"], &items, negate, &[])),
            "AUDITOR" => out.extend(member_condition(&["AUDITORS"], &items, negate, &[])),
            "MEMBER" => out.extend(member_condition(
                &["ACCOMPLICES", "AUDITORS"],
                &items,
                negate,
                &["CREATED_BY", "RESPONSIBLE_ID"],
            )),
            "TAG" => out.extend(member_condition(&["TAGS"], &items, negate, &[])),
            "UF_CRM_TASK" => out.extend(member_condition(&["UF_CRM_TASK"], &items, negate, &[])),
            "ONLY_ROOT_TASKS" => {
                if items.first().map(String::as_str) == Some("Y") {
                    out.push(Condition::Field {
                        field: pos("PARENT_ID"),
                        op: FilterOp::Eq,
                        values: vec![FieldValue::Null],
                    });
                }
            }
            n if PLAIN_KEYS.contains(&n) => {
                plain.insert(key.clone(), value.clone());
            }
            _ => ctx.ignored("filter", key),
        }
    }
    let plain = Value::Object(plain);
    out.extend(resolve_filter_lenient(
        &TASK,
        &[],
        Some(&plain),
        offset,
        UnknownKeys::Ignore(ctx),
    )?);
    Ok(out)
}

/// Takes the `SPRINT_ID` / `BACKLOG_ID` keys out of `filter` and turns
/// each into a condition on the ids of the tasks in those sprints or
/// backlogs (`!` and `!@`: not in them). An id of another entity type
/// matches no task.
pub async fn scrum_conditions(
    ctx: &Ctx,
    filter: &mut ParamMap,
) -> Result<Vec<Condition>, ApiError> {
    let mut out = Vec::new();
    let keys: Vec<String> = filter.keys().cloned().collect();
    for key in keys {
        let Ok((op, name)) = parse_filter_key(&key) else {
            continue;
        };
        let kind = match name.to_ascii_uppercase().as_str() {
            "SPRINT_ID" => SPRINT,
            "BACKLOG_ID" => BACKLOG,
            _ => continue,
        };
        let Some(value) = filter.remove(&key) else {
            continue;
        };
        let mut tasks = Vec::new();
        for id in php_values(&value).into_iter().filter_map(value_as_i64) {
            let entity = ctx.store.scrum_entity(id).await.map_err(store_error)?;
            if entity.is_some_and(|e| e.entity_type == kind) {
                let held = ctx
                    .store
                    .scrum_entity_tasks(id)
                    .await
                    .map_err(store_error)?;
                tasks.extend(held.into_iter().map(FieldValue::Int));
            }
        }
        let negate = matches!(op, FilterOp::NotEq | FilterOp::NotIn);
        out.push(match (tasks.is_empty(), negate) {
            (true, false) => Condition::Any(Vec::new()),
            (true, true) => Condition::All(Vec::new()),
            (false, _) => Condition::Field {
                field: pos("ID"),
                op: if negate {
                    FilterOp::NotIn
                } else {
                    FilterOp::In
                },
                values: tasks,
            },
        });
    }
    Ok(out)
}

/// Resolves `order` (default `ID desc`).
pub fn resolve_order(order: Option<&Value>) -> Result<Vec<(OrderKey, Direction)>, ApiError> {
    let map = match order.and_then(php_array) {
        Some(m) if !m.is_empty() => m.into_owned(),
        _ => return Ok(vec![(OrderKey::Field(pos("ID")), Direction::Desc)]),
    };
    let mut out = Vec::new();
    for (key, dir) in &map {
        let upper = key.trim().to_ascii_uppercase();
        let Some((_, column)) = ORDER_KEYS.iter().find(|(k, _)| *k == upper) else {
            return Err(ApiError::new(
                ErrorCode::Uncoded,
                "Invalid sorting key (internal error)",
            ));
        };
        let Some(column) = column else {
            continue;
        };
        let desc = value_as_string(dir).is_some_and(|d| d.eq_ignore_ascii_case("desc"));
        out.push((
            OrderKey::Field(pos(column)),
            if desc {
                Direction::Desc
            } else {
                Direction::Asc
            },
        ));
    }
    Ok(out)
}

/// `select` names, upper-cased; a non-list is `100` (type array).
pub fn select_names(select: Option<&Value>) -> Result<Vec<String>, ApiError> {
    match select {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(v @ (Value::Array(_) | Value::Object(_))) => Ok(php_values(v)
            .into_iter()
            .filter_map(value_as_string)
            .map(|s| s.trim().to_ascii_uppercase())
            .collect()),
        Some(Value::String(s)) if s.is_empty() => Ok(Vec::new()),
        Some(other) => Err(crate::tasks::not_an_array("select", other)),
    }
}
