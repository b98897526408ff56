//! Substring filters through the FTS5 trigram tables of migration 29
//! (`crm_*_search`): the [`SubstringIndex`] the list queries pass to the shared
//! builder. A `LIKE` pattern on an indexed column whose literal runs (after
//! `lower`) include some of at least three characters gets `AND <table>.id IN
//! (SELECT rowid FROM <index> WHERE <index> MATCH ?)`, one quoted phrase per
//! such run in that column; the `LIKE` stays as the recheck. The index holds
//! the same `lower` of the text as the `LIKE` compares, split into
//! case-sensitive trigrams, so a phrase finds every record containing the run.
//!
//! The index only pays when it finds few records: fetching each candidate by
//! id costs about twice what the scan spends on a row. So a list query first
//! counts the candidates, up to a fifth of the table, and scans when it
//! reaches that cap (a needle most records contain). Shorter runs (a trigram
//! index has nothing to look up for them), negated operators and other
//! columns keep the scan too.

use std::cell::RefCell;

use portico_store::list::{like_literals, SubstringIndex};
use portico_store::EntityDef;
use rusqlite::{params, Connection};
use sea_query::{Expr, SimpleExpr};

use crate::connection::lowercase;

/// Characters a literal run needs to be looked up (one trigram).
const MIN_RUN: usize = 3;

/// The indexed columns: entity table, its FTS5 table, the columns it holds.
const INDEXED: &[(&str, &str, &[&str])] = &[
    (
        "crm_leads",
        "crm_leads_search",
        &["title", "name", "second_name", "last_name", "company_title"],
    ),
    (
        "crm_contacts",
        "crm_contacts_search",
        &["name", "second_name", "last_name"],
    ),
    ("crm_companies", "crm_companies_search", &["title"]),
    ("crm_deals", "crm_deals_search", &["title"]),
];

/// At most this share of a table (`1 / n` of its highest id) may be
/// candidates for the index to be searched; past it the scan is cheaper.
const MAX_SHARE_DIVISOR: i64 = 5;

/// Candidates the index may always return, however small the table.
const MIN_CANDIDATE_CAP: i64 = 1000;

/// The FTS5 trigram tables of the CRM entities, as one list query uses them.
pub(crate) struct SearchIndex<'c> {
    /// Where to count, before narrowing, whether a query's candidates are few
    /// enough for the index to beat the scan; `None` narrows whenever it can.
    probe: Option<&'c Connection>,
    /// The probe's answers so far, by index and FTS5 query (the page and the
    /// count of one list ask alike).
    probed: RefCell<Vec<(&'static str, String, bool)>>,
}

impl<'c> SearchIndex<'c> {
    /// Narrows only where the index finds few candidates on `conn` (a share
    /// of the table): a needle most records contain is cheaper to scan for.
    pub(crate) fn probing(conn: &'c Connection) -> SearchIndex<'c> {
        SearchIndex {
            probe: Some(conn),
            probed: RefCell::default(),
        }
    }

    /// Narrows every condition it can.
    #[cfg(test)]
    pub(crate) fn always() -> SearchIndex<'static> {
        SearchIndex {
            probe: None,
            probed: RefCell::default(),
        }
    }

    /// Whether `index` (of `table`) finds few enough candidates for `query`;
    /// `false` when the probe fails, so the scan decides.
    fn selective(&self, table: &str, index: &'static str, query: &str) -> bool {
        let Some(conn) = self.probe else {
            return true;
        };
        let known = self
            .probed
            .borrow()
            .iter()
            .find_map(|(i, q, answer)| (*i == index && q == query).then_some(*answer));
        if let Some(answer) = known {
            return answer;
        }
        let answer = candidates_below_cap(conn, table, index, query).unwrap_or(false);
        self.probed
            .borrow_mut()
            .push((index, query.to_owned(), answer));
        answer
    }
}

/// Whether `index` holds fewer rows matching `query` than the cap for `table`
/// (a share of its highest id, at least [`MIN_CANDIDATE_CAP`]); counts at most
/// the cap.
fn candidates_below_cap(
    conn: &Connection,
    table: &str,
    index: &str,
    query: &str,
) -> rusqlite::Result<bool> {
    let highest: i64 = conn
        .prepare_cached(&format!("SELECT coalesce(max(\"id\"), 0) FROM \"{table}\""))?
        .query_row([], |r| r.get(0))?;
    let cap = (highest / MAX_SHARE_DIVISOR).max(MIN_CANDIDATE_CAP);
    let found: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM (SELECT 1 FROM \"{index}\" WHERE \"{index}\" MATCH ?1 LIMIT ?2)"
        ))?
        .query_row(params![query, cap], |r| r.get(0))?;
    Ok(found < cap)
}

impl SubstringIndex for SearchIndex<'_> {
    fn narrow(&self, entity: &EntityDef, field: usize, pattern: &str) -> Option<SimpleExpr> {
        let column = entity.fields.get(field)?.column;
        let (table, index, _) = INDEXED
            .iter()
            .find(|(table, _, columns)| *table == entity.table && columns.contains(&column))?;
        let query = match_query(column, pattern)?;
        if !self.selective(table, index, &query) {
            return None;
        }
        Some(Expr::cust_with_values(
            format!(
                "\"{table}\".\"id\" IN (SELECT rowid FROM \"{index}\" WHERE \"{index}\" MATCH ?)"
            ),
            [query],
        ))
    }
}

/// The FTS5 query finding, in `column`, every text that `LIKE` `pattern`
/// matches after `lower` of both: each literal run of at least [`MIN_RUN`]
/// characters of the lower-cased pattern as a quoted phrase (`"` doubled, so
/// nothing in it is query syntax), all AND-ed. `None` when no run is long
/// enough, or the pattern holds a NUL (SQLite's `LIKE` stops there).
fn match_query(column: &str, pattern: &str) -> Option<String> {
    if pattern.contains('\0') {
        return None;
    }
    let phrases: Vec<String> = like_literals(&lowercase(pattern))
        .into_iter()
        .filter(|run| run.chars().count() >= MIN_RUN)
        .map(|run| format!("{{{column}}} : \"{}\"", run.replace('"', "\"\"")))
        .collect();
    (!phrases.is_empty()).then(|| phrases.join(" AND "))
}

#[cfg(test)]
mod perf;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod upkeep_tests;
