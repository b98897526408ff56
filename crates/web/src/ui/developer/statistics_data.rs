//! What the Statistics tab shows, worked out from the stored rows: the window
//! of days (at most [`MAX_WINDOW_DAYS`], within the kept days), the filter by
//! integration, method and kind, the requests per day and integration for the
//! chart, and the totals per integration and method for the table, with the
//! share of the operating-time budget.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use portico_store::rest_stats::REST_STATS_KEPT_DAYS;
use portico_store::{IntegrationKind, RestStatCounts, RestStatKey};
use serde::Deserialize;

/// The longest window the tab shows, in days.
pub const MAX_WINDOW_DAYS: i64 = 14;

/// Bitrix24's operating-time budget: seconds of method time per window.
pub const BUDGET_SECONDS: f64 = 480.0;
/// The budget's window, in seconds.
pub const BUDGET_WINDOW_SECONDS: f64 = 600.0;
/// The share of the budget from which a row is marked.
pub const BUDGET_WARNING: f64 = 0.8;

/// The day (since 1970-01-01) of a `YYYY-MM-DD` date.
pub fn parse_day(text: &str) -> Option<i64> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    Some(date.signed_duration_since(NaiveDate::default()).num_days())
}

/// `YYYY-MM-DD` of a day since 1970-01-01.
pub fn format_day(day: i64) -> String {
    NaiveDate::default()
        .checked_add_signed(chrono::Duration::days(day))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The query of the tab and of its data.
#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// One integration, `kind:id` (e.g. `inbound:3`).
    pub integration: Option<String>,
    /// Part of a method name or event code (any case).
    pub method: Option<String>,
    /// One kind: `inbound`, `outbound` or `app`.
    pub kind: Option<String>,
}

/// The days shown: `first..=last`, and whether the asked window was cut to fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// First day shown.
    pub first: i64,
    /// Last day shown.
    pub last: i64,
    /// The asked window was longer than [`MAX_WINDOW_DAYS`] or outside the kept days.
    pub clamped: bool,
}

impl Window {
    /// The window asked by `query` on `today`: by default the last
    /// [`MAX_WINDOW_DAYS`] days; a longer one ends on its last day; days
    /// before the kept ones or after today are left out.
    pub fn of(query: &StatsQuery, today: i64) -> Window {
        let oldest = today - REST_STATS_KEPT_DAYS + 1;
        let asked_last = query.to.as_deref().and_then(parse_day).unwrap_or(today);
        let last = asked_last.clamp(oldest, today);
        let asked_first = query
            .from
            .as_deref()
            .and_then(parse_day)
            .unwrap_or(last - MAX_WINDOW_DAYS + 1);
        let first = asked_first
            .max(last - MAX_WINDOW_DAYS + 1)
            .max(oldest)
            .min(last);
        Window {
            first,
            last,
            clamped: first != asked_first || last != asked_last,
        }
    }

    /// The days of the window, in order.
    pub fn days(&self) -> impl Iterator<Item = i64> {
        self.first..=self.last
    }
}

/// An integration: its kind and id.
pub type Integration = (IntegrationKind, i64);

/// `kind:id`, as the filter names an integration.
pub fn integration_tag((kind, id): Integration) -> String {
    format!("{}:{id}", kind.as_str())
}

/// The filter of a query.
#[derive(Debug, Default)]
pub struct Filter {
    integration: Option<Integration>,
    method: Option<String>,
    kind: Option<IntegrationKind>,
}

impl Filter {
    /// The filter asked by `query` (an unreadable part filters nothing).
    pub fn of(query: &StatsQuery) -> Filter {
        let integration = query.integration.as_deref().and_then(|tag| {
            let (kind, id) = tag.split_once(':')?;
            Some((IntegrationKind::parse(kind)?, id.parse().ok()?))
        });
        Filter {
            integration,
            method: query
                .method
                .as_deref()
                .map(|m| m.trim().to_ascii_lowercase())
                .filter(|m| !m.is_empty()),
            kind: query.kind.as_deref().and_then(IntegrationKind::parse),
        }
    }

    /// Whether the row under `key` is shown.
    pub fn keeps(&self, key: &RestStatKey) -> bool {
        self.integration
            .is_none_or(|i| i == (key.kind, key.integration_id))
            && self.kind.is_none_or(|k| k == key.kind)
            && self
                .method
                .as_deref()
                .is_none_or(|m| key.method.to_ascii_lowercase().contains(m))
    }
}

/// One line of the table: an integration and method over the window.
#[derive(Clone, Debug, PartialEq)]
pub struct MethodTotal {
    /// The integration.
    pub integration: Integration,
    /// The method or event code.
    pub method: String,
    /// The counts over the window.
    pub counts: RestStatCounts,
    /// The busiest day's average operating time per budget window, as a share
    /// of the budget (1.0 = the whole budget).
    pub budget_share: f64,
}

impl MethodTotal {
    /// Operating seconds over the window.
    pub fn operating_seconds(&self) -> f64 {
        self.counts.operating_micros as f64 / 1e6
    }

    /// Whether the share of the budget is over [`BUDGET_WARNING`].
    pub fn over_budget(&self) -> bool {
        self.budget_share > BUDGET_WARNING
    }
}

/// The share of the budget used by `operating_micros` spread over one day.
fn day_share(operating_micros: u64) -> f64 {
    let windows_per_day = 86_400.0 / BUDGET_WINDOW_SECONDS;
    operating_micros as f64 / 1e6 / windows_per_day / BUDGET_SECONDS
}

/// What the tab shows.
#[derive(Debug, Default)]
pub struct Summary {
    /// Requests per day and integration (days of the window without calls are absent).
    pub per_day: BTreeMap<i64, BTreeMap<Integration, u64>>,
    /// Totals per integration and method, most calls first.
    pub totals: Vec<MethodTotal>,
}

/// Sums the stored `rows` kept by `filter`.
pub fn summarize(rows: &[(RestStatKey, RestStatCounts)], filter: &Filter) -> Summary {
    let mut per_day: BTreeMap<i64, BTreeMap<Integration, u64>> = BTreeMap::new();
    let mut totals: HashMap<(Integration, &str), (RestStatCounts, u64)> = HashMap::new();
    for (key, counts) in rows.iter().filter(|(k, _)| filter.keeps(k)) {
        let integration = (key.kind, key.integration_id);
        *per_day
            .entry(key.day)
            .or_default()
            .entry(integration)
            .or_default() += counts.calls;
        let (total, busiest) = totals
            .entry((integration, key.method.as_str()))
            .or_default();
        total.add(*counts);
        *busiest = (*busiest).max(counts.operating_micros);
    }
    let mut totals: Vec<MethodTotal> = totals
        .into_iter()
        .map(|((integration, method), (counts, busiest))| MethodTotal {
            integration,
            method: method.to_owned(),
            counts,
            budget_share: day_share(busiest),
        })
        .collect();
    totals.sort_by(|a, b| {
        b.counts
            .calls
            .cmp(&a.counts.calls)
            .then_with(|| a.integration.cmp(&b.integration))
            .then_with(|| a.method.cmp(&b.method))
    });
    Summary { per_day, totals }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(from: Option<&str>, to: Option<&str>) -> StatsQuery {
        StatsQuery {
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            ..StatsQuery::default()
        }
    }

    #[test]
    fn windows_are_at_most_fourteen_kept_days() {
        let today = parse_day("2026-03-31").expect("day");
        let w = Window::of(&StatsQuery::default(), today);
        assert_eq!(
            (format_day(w.first), format_day(w.last)),
            ("2026-03-18".into(), "2026-03-31".into())
        );
        assert!(!w.clamped);
        let w = Window::of(&query(Some("2026-03-01"), Some("2026-03-31")), today);
        assert_eq!(w.last - w.first + 1, MAX_WINDOW_DAYS);
        assert!(w.clamped);
        let w = Window::of(&query(Some("2025-01-01"), Some("2025-01-05")), today);
        assert_eq!(
            w.first,
            today - REST_STATS_KEPT_DAYS + 1,
            "not before the kept days"
        );
        assert!(w.clamped);
        let w = Window::of(&query(Some("2026-03-10"), Some("2026-03-12")), today);
        assert_eq!(
            (w.first, w.last, w.clamped),
            (today - 21, today - 19, false)
        );
    }

    #[test]
    fn the_budget_share_is_the_busiest_days_average_per_ten_minutes() {
        let full_day = (86_400.0 / 600.0 * 480.0 * 1e6) as u64;
        assert!((day_share(full_day) - 1.0).abs() < 1e-9);
        let key = |day| RestStatKey {
            day,
            kind: IntegrationKind::Inbound,
            integration_id: 1,
            method: "batch".into(),
        };
        let counts = |micros| RestStatCounts {
            calls: 1,
            errors: 0,
            operating_micros: micros,
        };
        let rows = [
            (key(1), counts(full_day / 2)),
            (key(2), counts(full_day * 9 / 10)),
        ];
        let summary = summarize(&rows, &Filter::default());
        assert_eq!(summary.totals.len(), 1);
        assert!((summary.totals[0].budget_share - 0.9).abs() < 1e-6);
        assert!(summary.totals[0].over_budget());
        assert_eq!(summary.totals[0].counts.calls, 2);
    }
}
