//! The "Statistics" tab (administrators only): REST requests per day over a
//! window of at most 14 days, stacked by integration (an SVG chart), and a
//! table of totals per integration and method — calls, errors, operating
//! seconds and the share of the operating-time budget — with a ⚙ column
//! chooser kept per user and a filter by integration, method and kind. The
//! same figures as JSON at `/developer/statistics.json`.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use maud::{html, Markup};
use portico_store::IntegrationKind;
use serde_json::json;

use super::statistics_chart::chart;
use super::statistics_data::{
    format_day, integration_tag, summarize, Filter, Integration, MethodTotal, StatsQuery, Summary,
    Window, MAX_WINDOW_DAYS,
};
use super::{tabs, Tab};
use crate::state::AppState;
use crate::stats::day_of;
use crate::ui::i18n::Tr;
use crate::ui::page::{self, Section};
use crate::ui::session::{CheckedForm, Signed};

/// The user setting holding the chosen columns (comma-separated).
const COLUMNS_SETTING: &str = "statistics_columns";

/// The optional columns: key and heading's message id. Integration and
/// method are always shown.
const COLUMNS: [(&str, &str); 5] = [
    ("kind", "stats-col-kind"),
    ("calls", "stats-col-calls"),
    ("errors", "stats-col-errors"),
    ("operating", "stats-col-operating"),
    ("budget", "stats-col-budget"),
];

/// The chosen columns from the stored setting (all when unset).
fn chosen_columns(setting: Option<&str>) -> Vec<&'static str> {
    super::columns::chosen(&COLUMNS, setting)
}

/// The message id naming `kind`.
fn kind_label(kind: IntegrationKind) -> &'static str {
    match kind {
        IntegrationKind::Inbound => "integration-type-inbound",
        IntegrationKind::Outbound => "integration-type-outbound",
        IntegrationKind::App => "integration-type-app",
    }
}

/// What the tab reads: the window, the summary and the integrations' names.
struct Loaded {
    window: Window,
    summary: Summary,
    names: HashMap<Integration, String>,
}

/// Reads the statistics asked by `query` (the counts of this server not yet
/// flushed are not included).
async fn load(state: &AppState, query: &StatsQuery) -> Result<Loaded, portico_store::StoreError> {
    let today = day_of(state.clock.now(), state.clock.offset);
    let window = Window::of(query, today);
    let rows = state.store.rest_stats(window.first, window.last).await?;
    let summary = summarize(&rows, &Filter::of(query));
    let mut names = HashMap::new();
    for hook in state.store.list_webhooks(None).await? {
        names.insert((IntegrationKind::Inbound, hook.id), hook.name);
    }
    for hook in state.store.list_outbound_webhooks(None).await? {
        names.insert((IntegrationKind::Outbound, hook.id), hook.name);
    }
    for app in state.store.list_apps().await? {
        names.insert((IntegrationKind::App, app.id), app.name);
    }
    Ok(Loaded {
        window,
        summary,
        names,
    })
}

/// The integrations with calls in the window, by name.
fn integrations_in(loaded: &Loaded, tr: &Tr) -> Vec<Integration> {
    let mut seen: Vec<Integration> = loaded
        .summary
        .per_day
        .values()
        .flat_map(|by| by.keys().copied())
        .collect();
    seen.sort();
    seen.dedup();
    seen.sort_by_key(|i| display(&loaded.names, tr, *i));
    seen
}

/// The name of an integration; a removed one is named by its id.
fn display(names: &HashMap<Integration, String>, tr: &Tr, integration: Integration) -> String {
    names.get(&integration).cloned().unwrap_or_else(|| {
        tr.t_with(
            "stats-removed-integration",
            &[("id", &integration.1.to_string())],
        )
    })
}

/// One optional cell of a table row.
fn cell(tr: &Tr, column: &str, total: &MethodTotal) -> Markup {
    html! {
        @match column {
            "kind" => { (tr.t(kind_label(total.integration.0))) },
            "calls" => { (total.counts.calls) },
            "errors" => { (total.counts.errors) },
            "operating" => { (format!("{:.3}", total.operating_seconds())) },
            "budget" => {
                @if total.over_budget() {
                    strong.over-budget title=(tr.t("stats-over-budget")) { "⚠ " (format!("{:.1}%", total.budget_share * 100.0)) }
                } @else {
                    (format!("{:.1}%", total.budget_share * 100.0))
                }
            },
            _ => {},
        }
    }
}

/// The filter form.
fn filter_form(
    tr: &Tr,
    q: &StatsQuery,
    window: &Window,
    order: &[Integration],
    names: &HashMap<Integration, String>,
) -> Markup {
    let chosen = q.integration.as_deref().unwrap_or_default();
    let kind = q.kind.as_deref().unwrap_or_default();
    html! {
        form.filter #stats-filter method="get" action="/developer/statistics" {
            label { (tr.t("stats-from")) " " input type="date" name="from" value=(format_day(window.first)); }
            label { (tr.t("stats-to")) " " input type="date" name="to" value=(format_day(window.last)); }
            label { (tr.t("stats-integration")) " "
                select name="integration" {
                    option value="" { (tr.t("stats-all")) }
                    @for integration in order {
                        @let tag = integration_tag(*integration);
                        option value=(tag) selected[tag == chosen] { (display(names, tr, *integration)) }
                    }
                }
            }
            label { (tr.t("stats-method")) " " input type="text" name="method" value=(q.method.as_deref().unwrap_or_default()); }
            label { (tr.t("stats-kind")) " "
                select name="kind" {
                    option value="" { (tr.t("stats-all")) }
                    @for k in IntegrationKind::ALL {
                        option value=(k.as_str()) selected[k.as_str() == kind] { (tr.t(kind_label(k))) }
                    }
                }
            }
            button.primary #stats-apply type="submit" { (tr.t("stats-apply")) }
        }
    }
}

/// `GET /developer/statistics`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Query(q): Query<StatsQuery>,
) -> Response {
    let tr = &signed.tr;
    if !signed.user.is_admin {
        return page::error_page(tr, StatusCode::FORBIDDEN, "error-admin-only");
    }
    let loaded = match load(&state, &q).await {
        Ok(loaded) => loaded,
        Err(e) => return page::internal_error(&headers, e),
    };
    let setting = match state
        .store
        .user_setting(signed.user.id, COLUMNS_SETTING)
        .await
    {
        Ok(setting) => setting,
        Err(e) => return page::internal_error(&headers, e),
    };
    let columns = chosen_columns(setting.as_deref());
    let order = integrations_in(&loaded, tr);
    let totals = &loaded.summary.totals;
    let body = html! {
        h1 { (tr.t("nav-developer")) }
        (tabs(tr, Some(Tab::Statistics), signed.user.is_admin))
        (filter_form(tr, &q, &loaded.window, &order, &loaded.names))
        @if loaded.window.clamped {
            p.notice #stats-window-clamped role="status" {
                (tr.t_with("stats-window-clamped", &[("days", &MAX_WINDOW_DAYS.to_string())]))
            }
        }
        (chart(tr, &loaded.window, &loaded.summary.per_day, &order, &loaded.names))
        div.toolbar {
            p.muted { (tr.t("stats-budget-note")) }
            details.menu-pop #column-chooser {
                summary aria-label=(tr.t("columns-choose")) title=(tr.t("columns-choose")) { "⚙" }
                form.pop method="post" action="/developer/statistics/columns" {
                    input type="hidden" name="csrf" value=(signed.csrf);
                    @for (key, id) in COLUMNS {
                        label { input type="checkbox" name="column" value=(key) checked[columns.contains(&key)]; " " (tr.t(id)) }
                    }
                    button.primary #columns-save type="submit" { (tr.t("action-save")) }
                }
            }
        }
        @if totals.is_empty() {
            p #no-statistics { (tr.t("stats-empty")) }
        } @else {
            div.table-wrap {
                table.data #statistics {
                    thead { tr {
                        th data-column="integration" { (tr.t("stats-col-integration")) }
                        th data-column="method" { (tr.t("stats-col-method")) }
                        @for (key, id) in COLUMNS { @if columns.contains(&key) { th data-column=(key) { (tr.t(id)) } } }
                    } }
                    tbody {
                        @for total in totals {
                            tr data-integration=(integration_tag(total.integration)) data-method=(total.method)
                                class=[total.over_budget().then_some("over-budget")] {
                                td data-column="integration" { (display(&loaded.names, tr, total.integration)) }
                                td data-column="method" { code { (total.method) } }
                                @for key in &columns { td data-column=(key) { (cell(tr, key, total)) } }
                            }
                        }
                    }
                }
            }
        }
    };
    page::page(&signed, Section::Developer, &tr.t("tab-statistics"), body)
}

/// `GET /developer/statistics.json`: the window, the requests per day and
/// integration, and the totals per integration and method.
pub async fn data(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<StatsQuery>,
) -> Response {
    if !signed.user.is_admin {
        let body = json!({
            "error": "ACCESS_DENIED",
            "error_description": "Only administrators may read the REST statistics",
        });
        return (StatusCode::FORBIDDEN, Json(body)).into_response();
    }
    let loaded = match load(&state, &q).await {
        Ok(loaded) => loaded,
        Err(e) => {
            tracing::error!(error = %e, "cannot read REST statistics");
            let body = json!({"error": "INTERNAL_SERVER_ERROR", "error_description": "Cannot read the statistics"});
            return (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response();
        }
    };
    let tr = &signed.tr;
    let days: Vec<_> = loaded
        .window
        .days()
        .map(|day| {
            let by = loaded.summary.per_day.get(&day);
            json!({
                "date": format_day(day),
                "calls": by.map_or(0, |b| b.values().sum::<u64>()),
                "integrations": by.map(|b| b.iter().map(|(i, n)| (integration_tag(*i), json!(n))).collect::<serde_json::Map<_, _>>()).unwrap_or_default(),
            })
        })
        .collect();
    let totals: Vec<_> = loaded
        .summary
        .totals
        .iter()
        .map(|t| {
            json!({
                "integration": integration_tag(t.integration),
                "name": display(&loaded.names, tr, t.integration),
                "kind": t.integration.0.as_str(),
                "method": t.method,
                "calls": t.counts.calls,
                "errors": t.counts.errors,
                "operating": t.operating_seconds(),
                "budgetShare": t.budget_share,
                "overBudget": t.over_budget(),
            })
        })
        .collect();
    Json(json!({
        "from": format_day(loaded.window.first),
        "to": format_day(loaded.window.last),
        "clamped": loaded.window.clamped,
        "days": days,
        "totals": totals,
    }))
    .into_response()
}

/// `POST /developer/statistics/columns`: stores the chosen columns.
pub async fn save_columns(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    if !signed.user.is_admin {
        return page::error_page(&signed.tr, StatusCode::FORBIDDEN, "error-admin-only");
    }
    super::columns::save(
        &state,
        &headers,
        &signed,
        &form,
        (&COLUMNS, COLUMNS_SETTING, "/developer/statistics"),
    )
    .await
}
