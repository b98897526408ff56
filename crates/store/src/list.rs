//! List queries (`*.list`, `user.get`): conditions already resolved against an
//! entity's catalogue, order, page window, and the sea-query builder that turns
//! them into one SELECT (and one COUNT) for any backend. Column names come only
//! from the catalogue and values are always bound parameters.

use portico_protocol::filter::FilterOp;

use crate::entity::{MultiType, StorageType};
use crate::records::{FieldValue, Record};

mod build;
mod check;
mod seek;
mod substring;
#[cfg(test)]
mod tests;

pub use build::{
    build_count, build_count_with, build_select, build_select_with, select_fields, window,
    MULTI_TABLE, UF_VALUES_TABLE,
};
pub use check::validate;
pub use seek::{build_seek, keyset_order, KeysetOrder, SortPosition};
pub use substring::{like_literals, SubstringIndex};

/// Sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// One filter condition; all conditions of a query are AND-ed.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// A condition on a stored field, by its position in the entity's catalogue.
    /// `values` holds one value, or several for `In`/`NotIn`, exactly two for
    /// `Between`/`NotBetween`. `Eq`/`NotEq` with `Null` mean IS NULL / IS NOT NULL.
    /// Like operators take `Text`: `Like`/`NotLike` match a substring, `LikeRaw`/
    /// `NotLikeRaw` use the value's own `%` and `_` wildcards.
    Field {
        /// Position in `EntityDef::fields`.
        field: usize,
        /// Operator.
        op: FilterOp,
        /// Operand(s).
        values: Vec<FieldValue>,
    },
    /// A condition on a multi-field kind: a record matches when any of its entries
    /// of that kind satisfies `op` on the entry's value (negated operators: when
    /// none of them satisfies the positive form).
    Multi {
        /// The multi-field kind.
        kind: MultiType,
        /// Operator.
        op: FilterOp,
        /// Operand(s), `Text`.
        values: Vec<FieldValue>,
    },
    /// A condition on a user field (see [`crate::user_fields`]): a record
    /// matches when any of its values of that field satisfies `op` (negated
    /// operators: when none satisfies the positive form; `Eq Null`: when it has
    /// no value, `NotEq Null`: when it has one). Operands are of the field's
    /// storage class, which picks the value column compared.
    UserField {
        /// Definition id.
        field_id: i64,
        /// Storage class of the field's values (`Integer`, `Real` or `Text`).
        storage: StorageType,
        /// Operator.
        op: FilterOp,
        /// Operand(s).
        values: Vec<FieldValue>,
    },
    /// At least one of the conditions holds (an OR group, as `user.get`'s
    /// `NAME_SEARCH` needs); an empty group matches nothing.
    Any(Vec<Condition>),
    /// Every one of the conditions holds (an AND group, for alternatives
    /// inside [`Condition::Any`]); an empty group matches everything.
    All(Vec<Condition>),
}

/// What a list is sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderKey {
    /// A stored field, by its position in the entity's catalogue.
    Field(usize),
    /// A single-valued user field (a record without a value sorts as NULL).
    UserField {
        /// Definition id.
        field_id: i64,
        /// Storage class of its values.
        storage: StorageType,
    },
}

/// A list request resolved against an entity catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct ListQuery {
    /// AND-ed conditions.
    pub conditions: Vec<Condition>,
    /// Sort keys; the builder appends `id` as a tie-breaker (in the last key's
    /// direction) when `id` is not already a key, so pages are stable.
    pub order: Vec<(OrderKey, Direction)>,
    /// Rows to skip.
    pub offset: u64,
    /// Rows to return at most.
    pub limit: u64,
    /// Whether to count all matching rows (`total`); false for `start=-1`.
    pub count_total: bool,
    /// Whether to load multi-fields of the returned records.
    pub with_multi: bool,
    /// Whether to load user-field values of the returned records.
    pub with_uf: bool,
}

/// One page of a list query.
#[derive(Clone, Debug, PartialEq)]
pub struct ListPage {
    /// The records of the page, in order.
    pub records: Vec<Record>,
    /// Count of all matching records when `count_total` was set.
    pub total: Option<u64>,
}
