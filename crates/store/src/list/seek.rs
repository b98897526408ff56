//! Keyset continuation of a list: the rows after a known row of the same
//! query's order, found by comparing sort keys (an index range) instead of
//! skipping every earlier row with `OFFSET`. Backends use it when they know
//! where an earlier page of the same query ended on the same data (see the
//! SQLite store's list cache), so walking `start` = 0, 50, 100, … costs the same
//! at the millionth row as at the first.
//!
//! Only orders with at most one stored field before the `id` tie-breaker can be
//! continued ([`keyset_order`]); others page by `OFFSET`. The order is NULLs
//! first ascending and last descending, with the tie-breaker in the key's
//! direction (see [`super::build_select`]), so the rows after a position are at
//! most two runs, each an index range:
//!
//! | order | position's value | rows after it |
//! |---|---|---|
//! | by `id` | — | `id > p` (descending: `id < p`) |
//! | key ascending | not NULL | `(key, id) > (v, p)` |
//! | key ascending | NULL | `key IS NULL AND id > p`, then `key IS NOT NULL` |
//! | key descending | not NULL | `(key, id) < (v, p)`, then `key IS NULL` |
//! | key descending | NULL | `key IS NULL AND id < p` |

use sea_query::{Alias, Expr, ExprTrait, SelectStatement, SimpleExpr};

use super::build::{build_ordered, value};
use super::{Direction, ListQuery, OrderKey, SubstringIndex};
use crate::entity::EntityDef;
use crate::records::{FieldValue, Record};

/// An order a page can be continued from by key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeysetOrder {
    /// Catalogue position of the sort key before `id`; `None` when the order is
    /// by `id` alone.
    pub key: Option<usize>,
    /// Direction of the key (and of the `id` tie-breaker).
    pub dir: Direction,
}

/// Where a page ended: its last row's sort-key value and id.
#[derive(Clone, Debug, PartialEq)]
pub struct SortPosition {
    /// The sort key's value (`Null` when the order is by `id` alone).
    pub value: FieldValue,
    /// The row's id.
    pub id: i64,
}

/// The keyset form of `q`'s order, when it has one: no keys, `ID` alone, or one
/// stored field.
pub fn keyset_order(entity: &EntityDef, q: &ListQuery) -> Option<KeysetOrder> {
    match q.order.as_slice() {
        [] => Some(KeysetOrder {
            key: None,
            dir: Direction::Asc,
        }),
        [(OrderKey::Field(pos), dir)] => {
            let field = entity.fields.get(*pos).filter(|f| f.is_stored())?;
            Some(KeysetOrder {
                key: (field.column != "id").then_some(*pos),
                dir: *dir,
            })
        }
        _ => None,
    }
}

impl KeysetOrder {
    /// The position of `record` in this order.
    pub fn position(&self, record: &Record) -> SortPosition {
        let value = self
            .key
            .and_then(|pos| record.values.get(pos).cloned())
            .unwrap_or(FieldValue::Null);
        SortPosition {
            value,
            id: record.id,
        }
    }
}

/// The queries whose rows, one run after the other, are exactly the rows of
/// `q` (same conditions, same order) after `after`; no window is set.
/// Substring conditions are narrowed by `index` as in
/// [`super::build_select_with`].
pub fn build_seek(
    entity: &EntityDef,
    q: &ListQuery,
    order: KeysetOrder,
    after: &SortPosition,
    index: Option<&dyn SubstringIndex>,
) -> Vec<SelectStatement> {
    let table = Alias::new(entity.table);
    let id = || -> SimpleExpr { Expr::col((table.clone(), Alias::new("id"))).into() };
    let asc = order.dir == Direction::Asc;
    let id_after = || {
        if asc {
            id().gt(after.id)
        } else {
            id().lt(after.id)
        }
    };
    let Some(key) = order.key.and_then(|pos| entity.fields.get(pos)) else {
        return vec![build_ordered(entity, q, index, &[id_after()])];
    };
    let col = || -> SimpleExpr { Expr::col((table.clone(), Alias::new(key.column))).into() };
    let run = |extra: Vec<SimpleExpr>| build_ordered(entity, q, index, &extra);
    if after.value.is_null() {
        let nulls = run(vec![col().is_null(), id_after()]);
        return if asc {
            vec![nulls, run(vec![col().is_not_null()])]
        } else {
            vec![nulls]
        };
    }
    let pair = || Expr::tuple([col(), id()]);
    let bound = Expr::tuple([
        Expr::val(value(&after.value)).into(),
        Expr::val(after.id).into(),
    ]);
    if asc {
        vec![run(vec![pair().gt(bound)])]
    } else {
        vec![run(vec![pair().lt(bound)]), run(vec![col().is_null()])]
    }
}
