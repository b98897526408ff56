//! Moving a portal between backends (`portico migrate`): the rows of one table
//! as plain values, which the source backend reads and the target writes.

/// One stored value, as the databases hold it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// SQL `NULL`.
    Null,
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

/// Some rows of one table, columns in the order [`TableRows::columns`] names.
#[derive(Clone, Debug)]
pub struct TableRows {
    /// The table.
    pub table: String,
    /// Its columns, in the order of each row's cells.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
}

/// A table to copy: its name and the columns the target has, in copy order
/// (parents before the tables that reference them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSpec {
    /// The table.
    pub table: String,
    /// Its columns.
    pub columns: Vec<String>,
}
