//! Errors inside the PostgreSQL backend: a [`DbError`] is either a conflict the
//! transaction helpers retry (serialization failure, deadlock) or a classified
//! [`StoreError`]. Unique violations become `Conflict` named after the unique
//! index (the schema names them `<table>_<columns>`, as on SQLite), foreign-key
//! violations `Conflict("foreign_key")`, lost connections `Unavailable`.

use portico_store::StoreError;
use tokio_postgres::error::SqlState;

/// A result inside the backend; `?` accepts driver errors and store errors.
pub(crate) type DbResult<T> = Result<T, DbError>;

/// An error inside a backend call.
#[derive(Debug)]
pub(crate) enum DbError {
    /// The transaction lost a race with another one and may simply run again.
    Retry(String),
    /// A classified failure, returned as it is.
    Store(StoreError),
}

impl From<StoreError> for DbError {
    fn from(e: StoreError) -> Self {
        DbError::Store(e)
    }
}

impl From<DbError> for StoreError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Retry(text) => StoreError::Unavailable(text),
            DbError::Store(e) => e,
        }
    }
}

impl From<tokio_postgres::Error> for DbError {
    fn from(e: tokio_postgres::Error) -> Self {
        if let Some(db) = e.as_db_error() {
            let code = db.code();
            if *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED
            {
                return DbError::Retry(short(db.message()));
            }
            if *code == SqlState::UNIQUE_VIOLATION {
                return DbError::Store(StoreError::Conflict(conflict_name(db.constraint())));
            }
            if *code == SqlState::FOREIGN_KEY_VIOLATION {
                return DbError::Store(StoreError::Conflict("foreign_key".to_owned()));
            }
            if code.code().starts_with("08") || code.code().starts_with("57") {
                return DbError::Store(StoreError::Unavailable(short(db.message())));
            }
            return DbError::Store(StoreError::Other(short(db.message())));
        }
        if e.is_closed() {
            return DbError::Store(StoreError::Unavailable(short(&e.to_string())));
        }
        DbError::Store(StoreError::Other(short(&e.to_string())))
    }
}

impl From<deadpool_postgres::PoolError> for DbError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => DbError::Store(StoreError::Unavailable(short(&other.to_string()))),
        }
    }
}

/// Maps a driver error straight to a [`StoreError`].
pub(crate) fn map_err(e: tokio_postgres::Error) -> StoreError {
    DbError::from(e).into()
}

/// The name a unique violation reports: the index's name (`users_login`), or for
/// an inline constraint PostgreSQL's `<table>_<columns>_key` without `_key`,
/// a primary key `<table>_id`, as SQLite names them.
fn conflict_name(constraint: Option<&str>) -> String {
    match constraint {
        Some(name) => match (name.strip_suffix("_pkey"), name.strip_suffix("_key")) {
            (Some(table), _) => format!("{table}_id"),
            (None, Some(columns)) => columns.to_owned(),
            (None, None) => name.to_owned(),
        },
        None => "unique".to_owned(),
    }
}

/// Longest error text kept: errors are logged, and a statement or its values
/// (which can be large and hold client data) must not reach the log.
const MAX_ERROR_TEXT: usize = 200;

/// At most [`MAX_ERROR_TEXT`] bytes of `text`.
fn short(text: &str) -> String {
    if text.len() <= MAX_ERROR_TEXT {
        return text.to_owned();
    }
    let mut cut = MAX_ERROR_TEXT;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &text[..cut])
}
