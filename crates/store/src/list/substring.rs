//! Substring conditions served by a backend's text index. The list builder
//! renders every `Like`/`LikeRaw` as `LOWER(col) LIKE LOWER(pattern)`, which a
//! backend can only answer by scanning unless it has an index that finds the
//! records containing a substring. A backend with such an index passes a
//! [`SubstringIndex`] to [`super::build_select_with`] / [`super::build_count_with`]:
//! the builder then AND-s the index's condition to the `LIKE`, which stays as
//! the exact recheck, so the matches are the `LIKE`'s whatever the index
//! returns beyond them. [`like_literals`] gives the literal runs a pattern
//! requires, which is what such an index can look up.

use sea_query::SimpleExpr;

use crate::entity::EntityDef;

/// A backend's index of the substrings of some free-text columns.
pub trait SubstringIndex {
    /// A condition on `entity`'s table that holds for every record whose stored
    /// field at position `field` matches the `LIKE` pattern `pattern` (escape
    /// character `\`, compared as `LOWER(col) LIKE LOWER(pattern)`); the
    /// builder AND-s it to that `LIKE`. `None` when the index cannot narrow
    /// the search (the column is not indexed, the pattern's literal runs are
    /// too short): the `LIKE` alone then decides.
    fn narrow(&self, entity: &EntityDef, field: usize, pattern: &str) -> Option<SimpleExpr>;
}

/// The literal runs of a `LIKE` pattern with `\` as its escape character: the
/// text between the `%` and `_` wildcards, escapes resolved (`\x` is a literal
/// `x`, a trailing lone `\` a literal `\`). A string the pattern matches
/// contains every run as a substring. Empty runs are left out.
pub fn like_literals(pattern: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut run = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' | '_' => {
                if !run.is_empty() {
                    runs.push(std::mem::take(&mut run));
                }
            }
            '\\' => run.push(chars.next().unwrap_or('\\')),
            c => run.push(c),
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use portico_protocol::filter::FilterOp;
    use sea_query::{Expr, SqliteQueryBuilder};

    use super::*;
    use crate::crm::LEAD;
    use crate::list::{build_count_with, build_select_with, Condition, ListQuery};
    use crate::records::FieldValue;

    /// An index that narrows every column and remembers the patterns asked for.
    #[derive(Default)]
    struct Recording(Mutex<Vec<(usize, String)>>);

    impl SubstringIndex for Recording {
        fn narrow(&self, _: &EntityDef, field: usize, pattern: &str) -> Option<SimpleExpr> {
            self.0
                .lock()
                .expect("lock")
                .push((field, pattern.to_owned()));
            Some(Expr::cust("NARROWED"))
        }
    }

    fn like(name: &str, op: FilterOp, v: &str) -> Condition {
        Condition::Field {
            field: LEAD.index_of(name).expect("field"),
            op,
            values: vec![FieldValue::Text(v.to_owned())],
        }
    }

    fn query(conditions: Vec<Condition>) -> ListQuery {
        ListQuery {
            conditions,
            order: vec![],
            offset: 0,
            limit: 50,
            count_total: true,
            with_multi: false,
            with_uf: false,
        }
    }

    #[test]
    fn positive_likes_on_free_text_are_narrowed_and_rechecked() {
        let index = Recording::default();
        let q = query(vec![
            like("TITLE", FilterOp::Like, "50%"),
            like("NAME", FilterOp::NotLike, "ann"),
            like("ASSIGNED_BY_ID", FilterOp::Like, "123"),
            like("LAST_NAME", FilterOp::Eq, "Doe"),
            Condition::Any(vec![like("COMPANY_TITLE", FilterOp::LikeRaw, "ac_me%")]),
        ]);
        let (sql, _) = build_select_with(&LEAD, &q, Some(&index)).build(SqliteQueryBuilder);
        assert!(
            sql.contains(r#"LOWER("crm_leads"."title") LIKE LOWER(?) ESCAPE '\' AND (NARROWED)"#),
            "{sql}"
        );
        assert_eq!(sql.matches("NARROWED").count(), 2, "{sql}");
        assert_eq!(
            *index.0.lock().expect("lock"),
            [
                (LEAD.index_of("TITLE").expect("title"), r"%50\%%".to_owned()),
                (
                    LEAD.index_of("COMPANY_TITLE").expect("company"),
                    "ac_me%".to_owned()
                ),
            ]
        );
        let (count, _) = build_count_with(&LEAD, &q, Some(&index)).build(SqliteQueryBuilder);
        assert_eq!(count.matches("NARROWED").count(), 2, "{count}");
        let (plain, _) = build_select_with(&LEAD, &q, None).build(SqliteQueryBuilder);
        assert!(!plain.contains("NARROWED"), "{plain}");
    }

    #[test]
    fn literal_runs_split_at_wildcards_and_resolve_escapes() {
        assert_eq!(like_literals("%abc%"), ["abc"]);
        assert_eq!(like_literals("ab_cd%ef"), ["ab", "cd", "ef"]);
        assert_eq!(like_literals(r"%50\%\_a\\b%"), [r"50%_a\b"]);
        assert_eq!(like_literals(r"a\x"), ["ax"]);
        assert_eq!(like_literals("abc\\"), ["abc\\"]);
        assert_eq!(like_literals("%%__"), Vec::<String>::new());
        assert_eq!(like_literals(""), Vec::<String>::new());
        assert_eq!(like_literals("%Ёжик \"в\" тумане%"), ["Ёжик \"в\" тумане"]);
    }
}
