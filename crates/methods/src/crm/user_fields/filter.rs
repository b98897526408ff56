//! User fields in record lists: the condition of a legacy `filter` key
//! ([`filter_condition`]) and the sort key of `order` ([`order_key`]).

use chrono::FixedOffset;
use portico_protocol::filter::FilterOp;
use portico_protocol::params::value_as_string;
use portico_protocol::ApiError;
use portico_store::{Condition, FieldValue, OrderKey, UserField, UserType};
use serde_json::Value;

use super::values::parse_one;
use crate::values::invalid_arg;

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

#[cfg(test)]
mod tests {
    use super::super::test_support::{def, utc};
    use super::*;
    use serde_json::json;

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
}
