//! [`FieldValue`] to and from SQLite values.

use portico_store::FieldValue;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::ToSql;

/// Binds a [`FieldValue`] as a statement parameter without copying text.
pub(crate) struct Bind<'a>(pub &'a FieldValue);

impl ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            FieldValue::Null => ToSqlOutput::Owned(Value::Null),
            FieldValue::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
            FieldValue::Float(f) => ToSqlOutput::Owned(Value::Real(*f)),
            FieldValue::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

/// Reads a column value: INTEGER → `Int`, REAL → `Float`, TEXT → `Text`, NULL →
/// `Null` (a BLOB, which record tables do not hold, reads as lossy text).
pub(crate) fn read(v: ValueRef<'_>) -> FieldValue {
    match v {
        ValueRef::Null => FieldValue::Null,
        ValueRef::Integer(i) => FieldValue::Int(i),
        ValueRef::Real(f) => FieldValue::Float(f),
        ValueRef::Text(b) | ValueRef::Blob(b) => {
            FieldValue::Text(String::from_utf8_lossy(b).into_owned())
        }
    }
}
