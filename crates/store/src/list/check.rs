//! Checking a [`ListQuery`] against its catalogue before it is built: every
//! condition (inside groups too) and sort key addresses something with a
//! column, and operand counts fit their operators.

use super::build::{operand_count_ok, uf_column};
use super::{Condition, ListQuery, OrderKey};
use crate::entity::EntityDef;
use crate::error::StoreError;

/// Checks that the query fits the catalogue: conditions and sort keys address
/// stored fields (any multi-field kind for `Multi`), operand counts fit the
/// operator. Backends call it before running [`super::build_select`].
pub fn validate(entity: &EntityDef, q: &ListQuery) -> Result<(), StoreError> {
    let bad = |what: String| {
        Err(StoreError::Other(format!(
            "invalid list query on {}: {what}",
            entity.code
        )))
    };
    validate_conditions(entity, &q.conditions)?;
    for (key, _) in &q.order {
        match key {
            OrderKey::Field(field) => {
                if !entity.fields.get(*field).is_some_and(|f| f.is_stored()) {
                    return bad(format!("sort position {field} has no column"));
                }
            }
            OrderKey::UserField { storage, .. } => {
                if uf_column(*storage).is_none() {
                    return bad("user-field sort key without storage".to_string());
                }
            }
        }
    }
    Ok(())
}

/// [`validate`] of conditions, groups included.
fn validate_conditions(entity: &EntityDef, conditions: &[Condition]) -> Result<(), StoreError> {
    let bad = |what: String| {
        Err(StoreError::Other(format!(
            "invalid list query on {}: {what}",
            entity.code
        )))
    };
    for c in conditions {
        let (op, values) = match c {
            Condition::Field { field, op, values } => {
                if !entity.fields.get(*field).is_some_and(|f| f.is_stored()) {
                    return bad(format!("field position {field} has no column"));
                }
                (op, values)
            }
            Condition::Multi { op, values, .. } => (op, values),
            Condition::UserField {
                storage,
                op,
                values,
                ..
            } => {
                if uf_column(*storage).is_none() {
                    return bad("user-field condition without storage".to_string());
                }
                (op, values)
            }
            Condition::Any(group) | Condition::All(group) => {
                validate_conditions(entity, group)?;
                continue;
            }
        };
        if !operand_count_ok(op, values.len()) {
            return bad(format!("{op:?} with {} operand(s)", values.len()));
        }
    }
    Ok(())
}
