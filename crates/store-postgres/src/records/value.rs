//! [`FieldValue`] to and from PostgreSQL values. A record column has one SQL
//! type here, where SQLite keeps whatever it is given; values are converted to
//! the column's type as SQLite's column affinity converts them (a whole number
//! into an integer column, a number into a text column as its text, numeric
//! text into a number column), and a value no conversion fits is refused.

use portico_store::{FieldValue, StoreError};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Row, Statement};

use crate::DbResult;

/// A statement parameter, typed as its column.
pub(crate) type Param = Box<dyn ToSql + Sync + Send>;

/// The parameters of `statement` from `values`, in order, each converted to
/// the type PostgreSQL inferred for its placeholder (see the module
/// documentation); a value that does not fit is `StoreError::Other`.
pub(crate) fn bind<'a>(
    statement: &Statement,
    values: impl IntoIterator<Item = &'a FieldValue>,
) -> DbResult<Vec<Param>> {
    statement
        .params()
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (ty, value))| {
            convert(value, ty).ok_or_else(|| {
                StoreError::Other(format!(
                    "parameter {}: a {} value does not fit a {} column",
                    i + 1,
                    kind_name(value),
                    ty.name()
                ))
                .into()
            })
        })
        .collect()
}

/// References to `params`, as the driver takes them.
pub(crate) fn refs(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

/// The name of a value's kind, for errors (never the value itself).
fn kind_name(value: &FieldValue) -> &'static str {
    match value {
        FieldValue::Null => "null",
        FieldValue::Int(_) => "integer",
        FieldValue::Float(_) => "real",
        FieldValue::Text(_) => "text",
    }
}

/// `value` as a parameter of type `ty`; `None` when it does not fit.
fn convert(value: &FieldValue, ty: &Type) -> Option<Param> {
    if *ty == Type::INT8 {
        let int = match value {
            FieldValue::Null => None,
            FieldValue::Int(i) => Some(*i),
            FieldValue::Float(f) => Some(whole(*f)?),
            FieldValue::Text(s) => Some(int_of_text(s)?),
        };
        Some(Box::new(int))
    } else if *ty == Type::FLOAT8 {
        let real = match value {
            FieldValue::Null => None,
            FieldValue::Int(i) => Some(*i as f64),
            FieldValue::Float(f) => Some(*f),
            FieldValue::Text(s) => Some(s.trim().parse::<f64>().ok()?),
        };
        Some(Box::new(real))
    } else if *ty == Type::TEXT || *ty == Type::VARCHAR || *ty == Type::BPCHAR {
        let text = match value {
            FieldValue::Null => None,
            FieldValue::Int(i) => Some(i.to_string()),
            FieldValue::Float(f) => Some(format!("{f:?}")),
            FieldValue::Text(s) => Some(s.clone()),
        };
        Some(Box::new(text))
    } else {
        None
    }
}

/// A whole `f` as an integer, as SQLite stores a real without a fraction in
/// an integer column.
fn whole(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64).then_some(f as i64)
}

/// Integer text (white space around allowed), or a whole number written as a
/// real, as SQLite converts text for an integer column.
fn int_of_text(s: &str) -> Option<i64> {
    let s = s.trim();
    s.parse::<i64>()
        .ok()
        .or_else(|| s.parse::<f64>().ok().and_then(whole))
}

/// Reads column `i` of `row` by its type: integers → `Int`, reals → `Float`,
/// text → `Text`, NULL → `Null` (bytes, which record tables do not hold, read
/// as lossy text).
pub(crate) fn read(row: &Row, i: usize) -> DbResult<FieldValue> {
    let ty = row.columns()[i].type_();
    let value = if *ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)?.map(FieldValue::Int)
    } else if *ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)?
            .map(|v| FieldValue::Int(v.into()))
    } else if *ty == Type::INT2 {
        row.try_get::<_, Option<i16>>(i)?
            .map(|v| FieldValue::Int(v.into()))
    } else if *ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)?
            .map(|v| FieldValue::Int(v.into()))
    } else if *ty == Type::FLOAT8 {
        row.try_get::<_, Option<f64>>(i)?.map(FieldValue::Float)
    } else if *ty == Type::FLOAT4 {
        row.try_get::<_, Option<f32>>(i)?
            .map(|v| FieldValue::Float(v.into()))
    } else if *ty == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(i)?
            .map(|b| FieldValue::Text(String::from_utf8_lossy(&b).into_owned()))
    } else {
        row.try_get::<_, Option<String>>(i)?.map(FieldValue::Text)
    };
    Ok(value.unwrap_or(FieldValue::Null))
}
