//! The sea-query rendering of a [`ListQuery`]: one SELECT for the page and one
//! COUNT for the total, in plain SQL every backend understands (SQLite 3.35+,
//! PostgreSQL). Column and table names come only from the catalogue; every operand
//! is a bound value.
//!
//! Semantics, the same on every backend:
//! - `Eq`/`NotEq` with `Null` are `IS NULL` / `IS NOT NULL`.
//! - Negated operators (`NotEq`, `NotIn`, `NotLike`, `NotLikeRaw`, `NotBetween`)
//!   are the negation of the positive form, so rows whose column is NULL match them,
//!   as Bitrix24's `!FIELD` does: `(NOT positive OR col IS NULL)` (`col <> v OR
//!   col IS NULL` for `NotEq`).
//! - Free-text columns ([`FieldKind::String`]) and multi-field values compare
//!   in any case, as Bitrix24's MySQL collation does: `Eq`/`NotEq`/`In`/`NotIn`
//!   are `LOWER(col) = LOWER(?)` / `LOWER(col) IN (LOWER(?), …)` (an index on
//!   `LOWER(col)` serves them). Other columns — ids, numbers, dates, directory
//!   and enum codes — and the ordering operators compare exactly.
//! - Like operators compare `LOWER(col) LIKE LOWER(pattern) ESCAPE '\'`; `LOWER`
//!   on both sides makes the match case-insensitive on every backend (PostgreSQL's
//!   `LIKE` is case-sensitive, SQLite's only folds ASCII). How far `LOWER` folds is
//!   the backend's: the SQLite backend installs a Unicode-aware `lower()`.
//!   Non-text columns are compared as `CAST(col AS TEXT)`.
//! - `Like`/`NotLike` match a substring: the user's `%`, `_` and `\` are escaped.
//!   `LikeRaw`/`NotLikeRaw` use the value as the pattern (a trailing lone `\`
//!   is taken literally).
//! - Multi-field conditions are `<table>.id IN (SELECT m.owner_id FROM
//!   crm_multifields m WHERE m.entity = ? AND m.type_id = ? AND <op on m.value>)`;
//!   negated operators are `NOT (… IN …)` of the positive form, `Eq Null` is "has
//!   no entry of that kind" and `NotEq Null` "has one". This is the same set as a
//!   correlated `EXISTS`, but the sub-query is not correlated: planners run it once
//!   (an index range on `(type_id, value)`) instead of once per record, and
//!   `owner_id` is `NOT NULL`, so `NOT IN` has no NULL surprises.
//! - User-field conditions are the same shape on `crm_uf_values`: `<table>.id IN
//!   (SELECT u.owner_id FROM crm_uf_values u WHERE u.entity = ? AND u.field_id = ?
//!   AND <op on u.value_int | u.value_real | u.value_text>)`, the column chosen
//!   by the field's storage class (an index range on `(field_id, value_*)`).
//! - Ordering by a user field sorts by a correlated scalar sub-query, `(SELECT
//!   u.value_* FROM crm_uf_values u WHERE u.entity = ? AND u.field_id = ? AND
//!   u.owner_id = <table>.id LIMIT 1)` (its first value; NULL without one).
//! - Order: NULLs first when ascending and last when descending (MySQL's order,
//!   which Bitrix24 clients see), then `id ASC` unless `id` is already a key.
//!
//! - A group ([`Condition::Any`]) is its conditions OR-ed in parentheses; an
//!   empty group matches nothing. [`Condition::All`] AND-s its conditions; an
//!   empty one matches everything.
//!
//! A malformed condition (see [`super::validate`]) matches nothing; backends call
//! [`super::validate`] first so callers get an error instead.
//!
//! [`build_select_with`] / [`build_count_with`] take a backend's
//! [`SubstringIndex`]: a positive `Like`/`LikeRaw` on a free-text column becomes
//! `(LIKE … AND <the index's condition>)`, the `LIKE` kept as the exact recheck.
//! [`build_select`] / [`build_count`] render the plain `LIKE`.

use portico_protocol::filter::FilterOp;
use sea_query::{
    Alias, Asterisk, BinOper, Cond, Expr, ExprTrait, Func, NullOrdering, Order, Query,
    SelectStatement, SimpleExpr, Value,
};

use super::substring::SubstringIndex;
use super::{Condition, Direction, ListQuery, OrderKey};
use crate::entity::{EntityDef, FieldKind, MultiType, StorageType};
use crate::records::FieldValue;

/// The shared table of CRM multi-fields (`entity`, `owner_id`, `type_id`, `value_type`, `value`).
pub const MULTI_TABLE: &str = "crm_multifields";

/// Alias of the multi-field table inside sub-queries.
const MULTI_ALIAS: &str = "m";

/// The shared table of user-field values (`entity`, `owner_id`, `field_id`,
/// `position`, `value_int`, `value_real`, `value_text`).
pub const UF_VALUES_TABLE: &str = "crm_uf_values";

/// Alias of the user-field value table inside sub-queries.
const UF_ALIAS: &str = "u";

/// The value column of a storage class in [`UF_VALUES_TABLE`].
pub(super) fn uf_column(storage: StorageType) -> Option<&'static str> {
    match storage {
        StorageType::Integer => Some("value_int"),
        StorageType::Real => Some("value_real"),
        StorageType::Text => Some("value_text"),
        StorageType::None => None,
    }
}

/// Positions (in `entity.fields`) of the columns [`build_select`] returns after
/// `id`: every stored field except `id` itself, in catalogue order. Backends map
/// result column `i + 1` to the `i`-th position of this sequence.
pub fn select_fields(entity: &EntityDef) -> impl Iterator<Item = usize> + '_ {
    entity
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is_stored() && f.column != "id")
        .map(|(i, _)| i)
}

/// Whether `n` operands fit `op`.
pub(super) fn operand_count_ok(op: &FilterOp, n: usize) -> bool {
    match op {
        FilterOp::In | FilterOp::NotIn => true,
        FilterOp::Between | FilterOp::NotBetween => n == 2,
        _ => n == 1,
    }
}

/// The page query: `id`, then the columns of [`select_fields`], filtered by the
/// conditions, ordered (with the `id` tie-breaker) and windowed by `LIMIT`/`OFFSET`.
pub fn build_select(entity: &EntityDef, q: &ListQuery) -> SelectStatement {
    build_select_with(entity, q, None)
}

/// [`build_select`], with substring conditions narrowed by `index` when given.
pub fn build_select_with(
    entity: &EntityDef,
    q: &ListQuery,
    index: Option<&dyn SubstringIndex>,
) -> SelectStatement {
    let mut s = build_ordered(entity, q, index, &[]);
    window(&mut s, q.offset, q.limit);
    s
}

/// Sets a page window on a query; backends bind both as signed 64-bit integers.
pub fn window(s: &mut SelectStatement, offset: u64, limit: u64) {
    let cap = |n: u64| n.min(i64::MAX as u64);
    s.limit(cap(limit)).offset(cap(offset));
}

/// [`build_select_with`] without a window, with `extra` AND-ed to the
/// conditions. The `id` tie-breaker runs in the direction of the last sort key
/// (ascending without one): ties have no order of their own, and with one sort
/// key the whole order is then an index walk (`(key, id)` both ways) instead of
/// a sort.
pub(super) fn build_ordered(
    entity: &EntityDef,
    q: &ListQuery,
    index: Option<&dyn SubstringIndex>,
    extra: &[SimpleExpr],
) -> SelectStatement {
    let table = Alias::new(entity.table);
    let mut s = Query::select();
    s.column((table.clone(), Alias::new("id")));
    for pos in select_fields(entity) {
        s.column((table.clone(), Alias::new(entity.fields[pos].column)));
    }
    s.from(table.clone());
    if !q.conditions.is_empty() {
        s.cond_where(where_cond(entity, &q.conditions, index));
    }
    for e in extra {
        s.and_where(e.clone());
    }
    let mut id_is_key = false;
    let mut last = Order::Asc;
    for &(key, dir) in &q.order {
        let (order, nulls) = match dir {
            Direction::Asc => (Order::Asc, NullOrdering::First),
            Direction::Desc => (Order::Desc, NullOrdering::Last),
        };
        match key {
            OrderKey::Field(pos) => {
                let Some(f) = entity.fields.get(pos).filter(|f| f.is_stored()) else {
                    continue;
                };
                id_is_key |= f.column == "id";
                s.order_by_with_nulls((table.clone(), Alias::new(f.column)), order.clone(), nulls);
            }
            OrderKey::UserField { field_id, storage } => {
                let Some(column) = uf_column(storage) else {
                    continue;
                };
                s.order_by_expr_with_nulls(
                    uf_sort_expr(entity, field_id, column),
                    order.clone(),
                    nulls,
                );
            }
        }
        last = order;
    }
    if !id_is_key {
        s.order_by((table, Alias::new("id")), last);
    }
    s
}

/// `SELECT COUNT(*)` of the rows matching the query's conditions.
pub fn build_count(entity: &EntityDef, q: &ListQuery) -> SelectStatement {
    build_count_with(entity, q, None)
}

/// [`build_count`], with substring conditions narrowed by `index` when given.
pub fn build_count_with(
    entity: &EntityDef,
    q: &ListQuery,
    index: Option<&dyn SubstringIndex>,
) -> SelectStatement {
    let mut s = Query::select();
    s.expr(Func::count(Expr::col(Asterisk)))
        .from(Alias::new(entity.table));
    if !q.conditions.is_empty() {
        s.cond_where(where_cond(entity, &q.conditions, index));
    }
    s
}

/// All conditions AND-ed.
fn where_cond(
    entity: &EntityDef,
    conditions: &[Condition],
    index: Option<&dyn SubstringIndex>,
) -> Cond {
    conditions
        .iter()
        .fold(Cond::all(), |cond, c| cond.add(condition(entity, c, index)))
}

/// One condition; a malformed one matches nothing.
fn condition(entity: &EntityDef, c: &Condition, index: Option<&dyn SubstringIndex>) -> Cond {
    let expr = match c {
        Condition::Field { field, op, values } => field_expr(entity, *field, op, values, index),
        Condition::Multi { kind, op, values } => multi_expr(entity, *kind, op, values),
        Condition::UserField {
            field_id,
            storage,
            op,
            values,
        } => uf_expr(entity, *field_id, *storage, op, values),
        Condition::Any(group) if group.is_empty() => None,
        Condition::Any(group) => {
            return group
                .iter()
                .fold(Cond::any(), |any, c| any.add(condition(entity, c, index)))
        }
        Condition::All(group) => return where_cond(entity, group, index),
    };
    Cond::all().add(expr.unwrap_or_else(never))
}

/// A condition that is always false, as bound values.
fn never() -> SimpleExpr {
    Expr::val(1).eq(0)
}

/// Splits a negated operator into its positive form and `true`.
fn positive(op: &FilterOp) -> (FilterOp, bool) {
    match op {
        FilterOp::NotEq => (FilterOp::Eq, true),
        FilterOp::NotIn => (FilterOp::In, true),
        FilterOp::NotLike => (FilterOp::Like, true),
        FilterOp::NotLikeRaw => (FilterOp::LikeRaw, true),
        FilterOp::NotBetween => (FilterOp::Between, true),
        other => (*other, false),
    }
}

/// A condition on a stored column; `None` when malformed.
fn field_expr(
    entity: &EntityDef,
    pos: usize,
    op: &FilterOp,
    values: &[FieldValue],
    index: Option<&dyn SubstringIndex>,
) -> Option<SimpleExpr> {
    let f = entity.fields.get(pos).filter(|f| f.is_stored())?;
    let col: SimpleExpr = Expr::col((Alias::new(entity.table), Alias::new(f.column))).into();
    let text = f.kind.storage() == StorageType::Text;
    let fold = f.kind == FieldKind::String;
    let (pos_op, negated) = positive(op);
    if pos_op == FilterOp::Eq && values.len() == 1 && values[0].is_null() {
        return Some(if negated {
            col.is_not_null()
        } else {
            col.is_null()
        });
    }
    if !operand_count_ok(op, values.len()) {
        return None;
    }
    if negated && pos_op == FilterOp::Eq {
        let ne = if fold {
            lower(col.clone()).ne(lower(Expr::val(value(&values[0])).into()))
        } else {
            col.clone().ne(value(&values[0]))
        };
        return Some(ne.or(col.is_null()));
    }
    let expr = positive_expr(col.clone(), text, fold, &pos_op, values)?;
    if negated {
        return Some(expr.not().or(col.is_null()));
    }
    let narrowed = index
        .filter(|_| fold)
        .zip(like_pattern(&pos_op, values))
        .and_then(|(index, pattern)| index.narrow(entity, pos, &pattern));
    Some(match narrowed {
        Some(narrow) => expr.and(narrow),
        None => expr,
    })
}

/// A condition on a multi-field kind; `None` when malformed.
fn multi_expr(
    entity: &EntityDef,
    kind: MultiType,
    op: &FilterOp,
    values: &[FieldValue],
) -> Option<SimpleExpr> {
    let (pos_op, negated) = positive(op);
    if pos_op == FilterOp::Eq && values.len() == 1 && values[0].is_null() {
        return Some(multi_in(entity, kind, None, !negated));
    }
    if !operand_count_ok(op, values.len()) {
        return None;
    }
    let col: SimpleExpr = Expr::col((Alias::new(MULTI_ALIAS), Alias::new("value"))).into();
    let on_value = positive_expr(col, true, true, &pos_op, values)?;
    Some(multi_in(entity, kind, Some(on_value), negated))
}

/// `[NOT] <table>.id IN (SELECT m.owner_id FROM crm_multifields m WHERE … [AND on_value])`.
fn multi_in(
    entity: &EntityDef,
    kind: MultiType,
    on_value: Option<SimpleExpr>,
    negated: bool,
) -> SimpleExpr {
    let m = Alias::new(MULTI_ALIAS);
    let mut sub = Query::select();
    sub.column((m.clone(), Alias::new("owner_id")))
        .from_as(Alias::new(MULTI_TABLE), m.clone())
        .and_where(Expr::col((m.clone(), Alias::new("entity"))).eq(entity.code))
        .and_where(Expr::col((m, Alias::new("type_id"))).eq(kind.as_str()));
    if let Some(c) = on_value {
        sub.and_where(c);
    }
    let id = Expr::col((Alias::new(entity.table), Alias::new("id")));
    if negated {
        id.in_subquery(sub).not()
    } else {
        id.in_subquery(sub)
    }
}

/// A condition on a user field; `None` when malformed.
fn uf_expr(
    entity: &EntityDef,
    field_id: i64,
    storage: StorageType,
    op: &FilterOp,
    values: &[FieldValue],
) -> Option<SimpleExpr> {
    let column = uf_column(storage)?;
    let (pos_op, negated) = positive(op);
    if pos_op == FilterOp::Eq && values.len() == 1 && values[0].is_null() {
        return Some(uf_in(entity, field_id, None, !negated));
    }
    if !operand_count_ok(op, values.len()) {
        return None;
    }
    let col: SimpleExpr = Expr::col((Alias::new(UF_ALIAS), Alias::new(column))).into();
    let on_value = positive_expr(col, storage == StorageType::Text, false, &pos_op, values)?;
    Some(uf_in(entity, field_id, Some(on_value), negated))
}

/// The `FROM crm_uf_values u WHERE u.entity = ? AND u.field_id = ?` part of a
/// user-field sub-query selecting `column`.
fn uf_sub(entity: &EntityDef, field_id: i64, column: &str) -> SelectStatement {
    let u = Alias::new(UF_ALIAS);
    let mut sub = Query::select();
    sub.column((u.clone(), Alias::new(column)))
        .from_as(Alias::new(UF_VALUES_TABLE), u.clone())
        .and_where(Expr::col((u.clone(), Alias::new("entity"))).eq(entity.code))
        .and_where(Expr::col((u, Alias::new("field_id"))).eq(field_id));
    sub
}

/// `[NOT] EXISTS (SELECT u.owner_id FROM crm_uf_values u WHERE … AND u.owner_id =
/// <table>.id [AND on_value])`. Correlated on purpose: user-field conditions
/// usually come with a selective condition on the record (a company, a
/// responsible person), and a probe of the `(field_id, value)` index per
/// candidate record is then far cheaper than materialising every record that has
/// the value (`IN (SELECT …)`: ~16× slower for one company's deals among 20,000).
fn uf_in(
    entity: &EntityDef,
    field_id: i64,
    on_value: Option<SimpleExpr>,
    negated: bool,
) -> SimpleExpr {
    let mut sub = uf_sub(entity, field_id, "owner_id");
    sub.and_where(
        Expr::col((Alias::new(UF_ALIAS), Alias::new("owner_id")))
            .equals((Alias::new(entity.table), Alias::new("id"))),
    );
    if let Some(c) = on_value {
        sub.and_where(c);
    }
    if negated {
        Expr::exists(sub).not()
    } else {
        Expr::exists(sub)
    }
}

/// `(SELECT u.<column> FROM crm_uf_values u WHERE … AND u.owner_id = <table>.id
/// ORDER BY u.position LIMIT 1)`: the record's first value of the field.
fn uf_sort_expr(entity: &EntityDef, field_id: i64, column: &str) -> SimpleExpr {
    let u = Alias::new(UF_ALIAS);
    let mut sub = uf_sub(entity, field_id, column);
    sub.and_where(
        Expr::col((u.clone(), Alias::new("owner_id")))
            .equals((Alias::new(entity.table), Alias::new("id"))),
    )
    .order_by((u, Alias::new("position")), Order::Asc)
    .limit(1);
    SimpleExpr::SubQuery(None, Box::new(sub.into_sub_query_statement()))
}

/// `LOWER(e)`.
fn lower(e: SimpleExpr) -> SimpleExpr {
    Func::lower(e).into()
}

/// The positive operators on `col`; `None` when the operands do not fit.
/// With `fold`, `Eq` and `In` compare `LOWER` of both sides.
fn positive_expr(
    col: SimpleExpr,
    text: bool,
    fold: bool,
    op: &FilterOp,
    values: &[FieldValue],
) -> Option<SimpleExpr> {
    let one = || values.first().map(value);
    let operand = |v: &FieldValue| -> SimpleExpr {
        if fold {
            lower(Expr::val(value(v)).into())
        } else {
            Expr::val(value(v)).into()
        }
    };
    let eq_col = if fold {
        lower(col.clone())
    } else {
        col.clone()
    };
    Some(match op {
        FilterOp::Eq => eq_col.eq(operand(values.first()?)),
        FilterOp::Gt => col.gt(one()?),
        FilterOp::Gte => col.gte(one()?),
        FilterOp::Lt => col.lt(one()?),
        FilterOp::Lte => col.lte(one()?),
        FilterOp::In => {
            let list: Vec<SimpleExpr> = values
                .iter()
                .filter(|v| !v.is_null())
                .map(operand)
                .collect();
            let with_null = values.iter().any(FieldValue::is_null);
            match (list.is_empty(), with_null) {
                (true, false) => never(),
                (true, true) => col.is_null(),
                (false, false) => eq_col.is_in(list),
                (false, true) => eq_col.is_in(list).or(col.is_null()),
            }
        }
        FilterOp::Between => match values {
            [a, b] => col.between(value(a), value(b)),
            _ => return None,
        },
        FilterOp::Like | FilterOp::LikeRaw => like(col, text, like_pattern(op, values)?),
        // Negated operators never reach here: callers split them with `positive`.
        _ => return None,
    })
}

/// The pattern a positive Like operator compares with (before `LOWER`):
/// `%…%` around the escaped operand for `Like`, the operand itself for `LikeRaw`.
fn like_pattern(op: &FilterOp, values: &[FieldValue]) -> Option<String> {
    let text = like_text(values.first()?)?;
    match op {
        FilterOp::Like => Some(format!("%{}%", escape_like(&text))),
        FilterOp::LikeRaw => Some(raw_pattern(text)),
        _ => None,
    }
}

/// The text a Like operand stands for; numbers as written, `Null` is malformed.
fn like_text(v: &FieldValue) -> Option<String> {
    match v {
        FieldValue::Text(s) => Some(s.clone()),
        FieldValue::Int(i) => Some(i.to_string()),
        FieldValue::Float(f) => Some(f.to_string()),
        FieldValue::Null => None,
    }
}

/// `LOWER(col) LIKE LOWER(?) ESCAPE '\'` (non-text columns cast to text first).
fn like(col: SimpleExpr, text: bool, pattern: String) -> SimpleExpr {
    let lhs: SimpleExpr = if text {
        Func::lower(col).into()
    } else {
        Func::lower(Func::cast_as(col, Alias::new("TEXT"))).into()
    };
    let rhs = SimpleExpr::Binary(
        Box::new(Func::lower(Expr::val(pattern)).into()),
        BinOper::Escape,
        Box::new(SimpleExpr::Constant('\\'.into())),
    );
    SimpleExpr::Binary(Box::new(lhs), BinOper::Like, Box::new(rhs))
}

/// Escapes LIKE's wildcards and the escape character itself with `\`.
pub(crate) fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A raw pattern with a trailing lone `\` doubled, so it is a literal backslash
/// rather than an error (PostgreSQL) or a never-matching pattern (SQLite).
fn raw_pattern(mut s: String) -> String {
    let trailing = s.chars().rev().take_while(|c| *c == '\\').count();
    if trailing % 2 == 1 {
        s.push('\\');
    }
    s
}

/// A bound value for a [`FieldValue`].
pub(super) fn value(v: &FieldValue) -> Value {
    match v {
        FieldValue::Null => Value::String(None),
        FieldValue::Int(i) => Value::BigInt(Some(*i)),
        FieldValue::Float(f) => Value::Double(Some(*f)),
        FieldValue::Text(s) => Value::String(Some(Box::new(s.clone()))),
    }
}
