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
            | ErrorCode::SystemIoFailure => return StoreError::Unavailable(describe(&e)),
            _ => {}
        }
    }
    StoreError::Other(describe(&e))
}

/// Longest error text kept: errors are logged, and a statement or its values
/// (which can be large and hold client data) must not reach the log.
const MAX_ERROR_TEXT: usize = 200;

/// The driver's message without the statement text, at most [`MAX_ERROR_TEXT`] bytes.
fn describe(e: &rusqlite::Error) -> String {
    let mut text = match e {
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        other => other.to_string(),
    };
    if text.len() > MAX_ERROR_TEXT {
        let mut cut = MAX_ERROR_TEXT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
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
    use super::{constraint_name, map_err, MAX_ERROR_TEXT};

    #[test]
    fn error_texts_carry_no_statement_and_stay_short() {
        let conn = rusqlite::Connection::open_in_memory().expect("open");
        let long = format!("SELECT {} FROM nowhere_at_all", "1,".repeat(50_000));
        let e = conn.prepare(&long).map(|_| ()).expect_err("bad SQL");
        let text = map_err(e).to_string();
        assert!(text.len() <= MAX_ERROR_TEXT + 40, "{} bytes", text.len());
        assert!(!text.contains("1,1,1,"), "{text}");
    }

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
