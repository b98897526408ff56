//! The SQL of an [`OfflineQuery`]: its `WHERE` condition with numbered
//! parameters, and its `ORDER BY`. Text fields compare and sort by bytes, as
//! on SQLite.

use portico_store::offline_events::{OfflineField, OfflineOp, OfflineQuery, OfflineValue};
use tokio_postgres::types::ToSql;

/// The parameters of a statement built piece by piece.
#[derive(Default)]
pub(super) struct Params(Vec<Box<dyn ToSql + Sync + Send>>);

impl Params {
    /// Adds `value` and returns its placeholder, cast to `sql_type`.
    pub(super) fn push(
        &mut self,
        value: impl ToSql + Sync + Send + 'static,
        sql_type: &str,
    ) -> String {
        self.0.push(Box::new(value));
        format!("${}::{sql_type}", self.0.len())
    }

    /// The parameters as a statement takes them.
    pub(super) fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.0
            .iter()
            .map(|p| p.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}

/// The column of a field, and whether it holds text.
fn column(field: OfflineField) -> (&'static str, bool) {
    match field {
        OfflineField::Id => ("id", false),
        OfflineField::TimestampX => ("timestamp_x", false),
        OfflineField::EventName => ("event_name", true),
        OfflineField::MessageId => ("message_id", true),
        OfflineField::ProcessId => ("process_id", true),
        OfflineField::Error => ("error", false),
    }
}

/// The SQL comparison of an operator.
fn comparison(op: OfflineOp) -> &'static str {
    match op {
        OfflineOp::Eq => "=",
        OfflineOp::Ne => "<>",
        OfflineOp::Lt => "<",
        OfflineOp::Le => "<=",
        OfflineOp::Gt => ">",
        OfflineOp::Ge => ">=",
    }
}

/// The expression comparing `field` with `value` and the value's placeholder
/// (pushed on `params`): text columns by bytes; a number compared with a text
/// column as its decimal text, and a text that is no number compared with an
/// integer column as text.
fn operands(field: OfflineField, value: &OfflineValue, params: &mut Params) -> (String, String) {
    let (col, text) = column(field);
    match (value, text) {
        (OfflineValue::Int(i), false) => (col.to_owned(), params.push(*i, "bigint")),
        (OfflineValue::Int(i), true) => (
            format!("{col} COLLATE \"C\""),
            params.push(i.to_string(), "text"),
        ),
        (OfflineValue::Text(s), true) => (
            format!("{col} COLLATE \"C\""),
            params.push(s.clone(), "text"),
        ),
        (OfflineValue::Text(s), false) => match s.trim().parse::<i64>() {
            Ok(i) => (col.to_owned(), params.push(i, "bigint")),
            Err(_) => (
                format!("{col}::text COLLATE \"C\""),
                params.push(s.clone(), "text"),
            ),
        },
    }
}

/// The `WHERE` condition of `query` (its parameters pushed on `params`).
pub(super) fn condition(query: &OfflineQuery, params: &mut Params) -> String {
    let app = params.push(query.app_id, "bigint");
    let connector = params.push(query.connector.clone(), "text");
    let mut sql = format!("app_id = {app} AND connector = {connector}");
    if !query.with_errors {
        sql.push_str(" AND error = 0");
    }
    for c in &query.conditions {
        match (c.op, c.values.as_slice()) {
            (OfflineOp::Eq, []) => sql.push_str(" AND FALSE"),
            (OfflineOp::Ne, []) => {}
            (OfflineOp::Eq | OfflineOp::Ne, [_, _, ..]) => {
                let not = if c.op == OfflineOp::Ne { "NOT " } else { "" };
                let any = c
                    .values
                    .iter()
                    .map(|v| {
                        let (col, placeholder) = operands(c.field, v, params);
                        format!("{col} = {placeholder}")
                    })
                    .collect::<Vec<_>>()
                    .join(" OR ");
                sql.push_str(&format!(" AND {not}({any})"));
            }
            (op, values) => {
                for v in values {
                    let (col, placeholder) = operands(c.field, v, params);
                    sql.push_str(&format!(" AND {col} {} {placeholder}", comparison(op)));
                }
            }
        }
    }
    sql
}

/// The `ORDER BY` of `query`, the row id last.
pub(super) fn order(query: &OfflineQuery) -> String {
    let mut keys: Vec<String> = query
        .order
        .iter()
        .map(|(f, desc)| {
            let (col, text) = column(*f);
            let collate = if text { " COLLATE \"C\"" } else { "" };
            format!("{col}{collate} {}", if *desc { "DESC" } else { "ASC" })
        })
        .collect();
    if !query.order.iter().any(|(f, _)| *f == OfflineField::Id) {
        keys.push("id ASC".to_owned());
    }
    keys.join(", ")
}
