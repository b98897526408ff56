//! The list `filter` key grammar: an operator prefix followed by a field name
//! (`">=DATE_CREATE"`, `"!@STATUS_ID"`), reference §6.2.

use std::fmt;

/// A filter comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterOp {
    /// No prefix or `=`: equal.
    Eq,
    /// `!` or `!=`: not equal.
    NotEq,
    /// `>`.
    Gt,
    /// `>=`.
    Gte,
    /// `<`.
    Lt,
    /// `<=`.
    Lte,
    /// `@`: value is in the given list.
    In,
    /// `!@`: value is not in the given list.
    NotIn,
    /// `%`: substring match (`LIKE '%v%'`).
    Like,
    /// `!%`: no substring match.
    NotLike,
    /// `=%` or `%=`: `LIKE` with the client's own `%` wildcards.
    LikeRaw,
    /// `!=%` or `!%=`: `NOT LIKE` with the client's own wildcards.
    NotLikeRaw,
    /// `><`: between the two values of a list (inclusive).
    Between,
    /// `!><`: outside the two values of a list.
    NotBetween,
}

/// Prefixes, longest first so the first match is the longest one.
const PREFIXES: &[(&str, FilterOp)] = &[
    ("!><", FilterOp::NotBetween),
    ("!=%", FilterOp::NotLikeRaw),
    ("!%=", FilterOp::NotLikeRaw),
    ("><", FilterOp::Between),
    ("!=", FilterOp::NotEq),
    (">=", FilterOp::Gte),
    ("<=", FilterOp::Lte),
    ("!@", FilterOp::NotIn),
    ("=%", FilterOp::LikeRaw),
    ("%=", FilterOp::LikeRaw),
    ("!%", FilterOp::NotLike),
    ("!", FilterOp::NotEq),
    ("=", FilterOp::Eq),
    (">", FilterOp::Gt),
    ("<", FilterOp::Lt),
    ("@", FilterOp::In),
    ("%", FilterOp::Like),
];

impl FilterOp {
    /// Whether the operator takes a list value (`In`, `NotIn`, and the
    /// two-element `Between`, `NotBetween`).
    pub fn needs_list(self) -> bool {
        matches!(
            self,
            FilterOp::In | FilterOp::NotIn | FilterOp::Between | FilterOp::NotBetween
        )
    }

    /// Whether the operator is one of the `LIKE` family.
    pub fn is_like(self) -> bool {
        matches!(
            self,
            FilterOp::Like | FilterOp::NotLike | FilterOp::LikeRaw | FilterOp::NotLikeRaw
        )
    }
}

/// A filter key that is not `<prefix><FIELD>`.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterKeyError {
    /// The key as sent.
    pub key: String,
    /// Why it was rejected.
    pub message: String,
}

/// A bad filter key answers `400 INVALID_ARG_VALUE` with its message
/// (`Invalid filter: key '…' …`).
impl From<FilterKeyError> for crate::ApiError {
    fn from(e: FilterKeyError) -> Self {
        crate::ApiError::new(crate::ErrorCode::InvalidArgValue, e.message)
    }
}

impl fmt::Display for FilterKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FilterKeyError {}

/// Split "!>=FIELD" into its operator and field name. Prefixes: none and "=" Eq;
/// "!" and "!=" NotEq; ">", ">=", "<", "<="; "@" In; "!@" NotIn; "%" Like
/// (substring); "=%" and "%=" LikeRaw (explicit % wildcards); "!%" NotLike;
/// "!=%" and "!%=" NotLikeRaw; "><" Between; "!><" NotBetween. Longest prefix
/// wins. The field must match `[A-Za-z_][A-Za-z0-9_]*` (so "UF_CRM_1", "ID"), else error.
pub fn parse_filter_key(key: &str) -> Result<(FilterOp, &str), FilterKeyError> {
    let (op, field) = PREFIXES
        .iter()
        .find_map(|(prefix, op)| key.strip_prefix(prefix).map(|rest| (*op, rest)))
        .unwrap_or((FilterOp::Eq, key));
    let error = |why: &str| FilterKeyError {
        key: key.to_owned(),
        message: format!("Invalid filter: key '{key}' {why}"),
    };
    let mut bytes = field.bytes();
    match bytes.next() {
        None => Err(error("has no field name")),
        Some(b) if !(b.is_ascii_alphabetic() || b == b'_') => {
            Err(error("does not start with a valid field name"))
        }
        Some(_) if !bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
            Err(error("has an invalid field name"))
        }
        Some(_) => Ok((op, field)),
    }
}

/// An Eq/NotEq whose value is an array means IN/NOT IN (legacy filters).
pub fn op_for_value(op: FilterOp, value_is_array: bool) -> FilterOp {
    match (op, value_is_array) {
        (FilterOp::Eq, true) => FilterOp::In,
        (FilterOp::NotEq, true) => FilterOp::NotIn,
        (op, _) => op,
    }
}

#[cfg(test)]
mod tests {
    use super::FilterOp::*;
    use super::*;

    #[test]
    fn every_prefix() {
        for (key, op, field) in [
            ("ID", Eq, "ID"),
            ("=ID", Eq, "ID"),
            ("!ID", NotEq, "ID"),
            ("!=ID", NotEq, "ID"),
            (">ID", Gt, "ID"),
            (">=ID", Gte, "ID"),
            ("<ID", Lt, "ID"),
            ("<=ID", Lte, "ID"),
            ("@STATUS_ID", In, "STATUS_ID"),
            ("!@STATUS_ID", NotIn, "STATUS_ID"),
            ("%TITLE", Like, "TITLE"),
            ("=%TITLE", LikeRaw, "TITLE"),
            ("%=TITLE", LikeRaw, "TITLE"),
            ("!%TITLE", NotLike, "TITLE"),
            ("!=%TITLE", NotLikeRaw, "TITLE"),
            ("!%=TITLE", NotLikeRaw, "TITLE"),
            ("><DATE_CREATE", Between, "DATE_CREATE"),
            ("!><DATE_CREATE", NotBetween, "DATE_CREATE"),
            ("UF_CRM_1", Eq, "UF_CRM_1"),
            ("_x", Eq, "_x"),
            (">=stageId", Gte, "stageId"),
        ] {
            assert_eq!(parse_filter_key(key), Ok((op, field)), "{key}");
        }
    }

    #[test]
    fn errors() {
        for key in [
            "", "=", "!", ">=", "!><", "1ABC", "A-B", "ID)", ">=1ABC", "ID ", " ID", "A.B", "!!ID",
            "=>ID", "<>ID", "ИД", "%%ID",
        ] {
            let e = parse_filter_key(key).expect_err(key);
            assert_eq!(e.key, key);
            assert!(e.message.contains("Invalid filter"), "{}", e.message);
            assert_eq!(e.to_string(), e.message);
        }
    }

    #[test]
    fn array_values() {
        assert_eq!(op_for_value(Eq, true), In);
        assert_eq!(op_for_value(NotEq, true), NotIn);
        assert_eq!(op_for_value(Eq, false), Eq);
        assert_eq!(op_for_value(Gt, true), Gt);
        assert_eq!(op_for_value(In, false), In);
    }

    #[test]
    fn op_classes() {
        let all = [
            Eq, NotEq, Gt, Gte, Lt, Lte, In, NotIn, Like, NotLike, LikeRaw, NotLikeRaw, Between,
            NotBetween,
        ];
        let lists: Vec<FilterOp> = all.into_iter().filter(|o| o.needs_list()).collect();
        assert_eq!(lists, [In, NotIn, Between, NotBetween]);
        let likes: Vec<FilterOp> = all.into_iter().filter(|o| o.is_like()).collect();
        assert_eq!(likes, [Like, NotLike, LikeRaw, NotLikeRaw]);
    }
}
