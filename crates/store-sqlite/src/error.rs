//! Classification of SQLite errors into [`StoreError`]: unique and foreign-key
//! violations become `Conflict` (named after the unique index, which this
//! schema names `<table>_<columns>`), busy/locked/unopenable databases
//! `Unavailable`, anything else `Other`.

use portico_store::StoreError;
use rusqlite::{ffi, ErrorCode};

/// Maps a driver error.
pub(crate) fn map_err(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(failure, msg) = &e {
        match failure.code {
            ErrorCode::ConstraintViolation => match failure.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    return StoreError::Conflict(constraint_name(msg.as_deref()));
                }
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                    return StoreError::Conflict("foreign_key".to_owned())
                }
                _ => {}
            },
            ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::CannotOpen
            | ErrorCode::ReadOnly
            | ErrorCode::DiskFull
            | ErrorCode::SystemIoFailure => return StoreError::Unavailable(e.to_string()),
            _ => {}
        }
    }
    StoreError::Other(e.to_string())
}

/// The index name for SQLite's `UNIQUE constraint failed: users.login` (columns
/// `t.a, t.b` give `t_a_b`).
fn constraint_name(msg: Option<&str>) -> String {
    let Some((_, cols)) = msg.and_then(|m| m.split_once(": ")) else {
        return "unique".to_owned();
    };
    let mut name = String::new();
    for (i, col) in cols.split(", ").enumerate() {
        let (table, column) = col.split_once('.').unwrap_or(("", col));
        if i == 0 && !table.is_empty() {
            name.push_str(table);
        }
        if !name.is_empty() {
            name.push('_');
        }
        name.push_str(column);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::constraint_name;

    #[test]
    fn names_follow_the_index_convention() {
        assert_eq!(
            constraint_name(Some("UNIQUE constraint failed: users.login")),
            "users_login"
        );
        assert_eq!(
            constraint_name(Some("UNIQUE constraint failed: webhooks.secret_hash")),
            "webhooks_secret_hash"
        );
        assert_eq!(
            constraint_name(Some("UNIQUE constraint failed: t.a, t.b")),
            "t_a_b"
        );
        assert_eq!(constraint_name(None), "unique");
    }
}
