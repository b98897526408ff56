//! A user row as `user.current` and `user.get` answer it: every field asked
//! for, empty values as `""` (never `null`), `ACTIVE` a boolean,
//! `UF_DEPARTMENT` a list of ids, `IS_ONLINE` `Y`/`N` from the last activity,
//! dates ISO 8601 with the portal offset, and `LAST_ACTIVITY_DATE` as
//! Bitrix24 writes it (`2024-07-23 08:08:50`), then the profile fields asked
//! for (`UF_USR_*`, rendered as the CRM renders its user fields); and a new
//! user as the `data` of its `ONUSERADD` event.

use chrono::FixedOffset;
use portico_store::users::{ONLINE_SECONDS, USER};
use portico_store::{FieldKind, FieldValue, Record, UserField};
use serde_json::{Map, Value};

use crate::crm::user_fields;
use crate::values::render_legacy;

/// Whether a user whose last activity was at `last_activity` is online at `now`.
pub(super) fn is_online(last_activity: &FieldValue, now: i64) -> bool {
    last_activity
        .as_i64()
        .is_some_and(|at| at > now - ONLINE_SECONDS)
}

/// `LAST_ACTIVITY_DATE`'s format: date and time in the portal offset, no `T`,
/// no offset.
fn activity_date(secs: i64, offset: FixedOffset) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| {
            d.with_timezone(&offset)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

/// The row of `record` with the fields at `positions` (catalogue order) and
/// the `profile` fields.
pub(super) fn row(
    record: &Record,
    positions: &[usize],
    profile: &[UserField],
    now: i64,
    offset: FixedOffset,
) -> Value {
    let value_of = |name: &str| {
        USER.index_of(name)
            .and_then(|p| record.values.get(p))
            .unwrap_or(&FieldValue::Null)
    };
    let mut row = Map::with_capacity(positions.len());
    for &pos in positions {
        let field = &USER.fields[pos];
        let value = record.values.get(pos).unwrap_or(&FieldValue::Null);
        let out = match (field.name, field.kind, value) {
            ("IS_ONLINE", _, _) => {
                let online = is_online(value_of("LAST_ACTIVITY_DATE"), now);
                Value::from(if online { "Y" } else { "N" })
            }
            ("LAST_ACTIVITY_DATE", _, FieldValue::Int(secs)) => {
                Value::String(activity_date(*secs, offset))
            }
            (_, FieldKind::Boolean | FieldKind::DepartmentIds, _) => {
                render_legacy(field, value, offset)
            }
            (_, _, FieldValue::Null) => Value::String(String::new()),
            _ => render_legacy(field, value, offset),
        };
        row.insert(field.name.to_string(), out);
    }
    user_fields::render_into(&mut row, profile, record, offset);
    Value::Object(row)
}

/// The `data` of a new user's `ONUSERADD`: every field of its row (and every
/// profile field) as `user.get` shows it to a caller with the `user` scope,
/// except `ACTIVE`, which the event sends as `Y`/`N` as Bitrix24 documents it.
pub(super) fn event_data(
    record: &Record,
    profile: &[UserField],
    now: i64,
    offset: FixedOffset,
) -> Value {
    let all: Vec<usize> = (0..USER.fields.len()).collect();
    let mut data = row(record, &all, profile, now, offset);
    if let Some(active) = data.get_mut("ACTIVE") {
        let yes = active.as_bool().unwrap_or(false);
        *active = Value::from(if yes { "Y" } else { "N" });
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_dates_have_no_t_and_no_offset() {
        let offset = FixedOffset::east_opt(3 * 3600).expect("offset");
        assert_eq!(activity_date(1_721_722_130, offset), "2024-07-23 11:08:50");
    }

    #[test]
    fn online_within_the_session_lifetime() {
        assert!(is_online(
            &FieldValue::Int(1_000),
            1_000 + ONLINE_SECONDS - 1
        ));
        assert!(!is_online(&FieldValue::Int(1_000), 1_000 + ONLINE_SECONDS));
        assert!(!is_online(&FieldValue::Null, 0));
    }
}
