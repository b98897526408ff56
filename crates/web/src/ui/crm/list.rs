//! `GET /crm/{entity}`: one page (50 rows) of `crm.{entity}.list`, newest
//! first, with a search box (`?q=`), previous / next links (`?start=`) and,
//! for deals, a pipeline chooser (`?category=N`; every pipeline when absent).

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup};
use serde_json::{json, Map, Value};

use super::{
    call, directory_names, failure, kind, named, pipeline, short_datetime, text_of, user_names,
    Kind,
};
use crate::state::AppState;
use crate::ui::i18n::Tr;
use crate::ui::page::{self, Section};
use crate::ui::session::Signed;

/// Rows per page, as the list methods answer.
const PAGE_SIZE: i64 = 50;
/// Longest search text kept, in characters.
const MAX_QUERY_CHARS: usize = 200;

/// The list page's query: search text, offset and deal pipeline.
#[derive(Debug, Default, PartialEq)]
struct ListQuery {
    q: String,
    start: i64,
    category: Option<i64>,
}

impl ListQuery {
    /// Reads `q` and `start` from a raw query string; anything unreadable is ignored.
    fn parse(raw: Option<&str>) -> ListQuery {
        let mut out = ListQuery::default();
        for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            match key.as_ref() {
                "q" => out.q = value.trim().chars().take(MAX_QUERY_CHARS).collect(),
                "start" => {
                    out.start = value
                        .trim()
                        .parse::<i64>()
                        .unwrap_or(0)
                        .clamp(0, i64::MAX / 2)
                }
                "category" => out.category = value.trim().parse::<i64>().ok().filter(|c| *c >= 0),
                _ => {}
            }
        }
        out
    }

    /// The list page's address for another offset, keeping the search.
    fn href(&self, segment: &str, start: i64) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            query.append_pair("q", &self.q);
        }
        if let Some(category) = self.category {
            query.append_pair("category", &category.to_string());
        }
        if start > 0 {
            query.append_pair("start", &start.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            format!("/crm/{segment}")
        } else {
            format!("/crm/{segment}?{query}")
        }
    }
}

/// The `filter` of a search, a substring in any case: for leads in `TITLE`,
/// `NAME`, `LAST_NAME` or `COMPANY_TITLE`, for contacts in `NAME` or
/// `LAST_NAME` (one OR group); with several words also the first in `NAME`
/// and the rest in `LAST_NAME` (a full name). Deals and companies: `TITLE`.
fn search_filter(kind: &Kind, q: &str) -> Value {
    let mut filter = Map::new();
    if q.is_empty() {
        return Value::Object(filter);
    }
    let fields: &[&str] = match (kind.person, kind.segment) {
        (true, _) => &["%NAME", "%LAST_NAME"],
        (false, "leads") => &["%TITLE", "%NAME", "%LAST_NAME", "%COMPANY_TITLE"],
        _ => {
            filter.insert("%TITLE".into(), q.into());
            return Value::Object(filter);
        }
    };
    let mut any = Map::new();
    any.insert("LOGIC".into(), "OR".into());
    for field in fields {
        any.insert((*field).into(), q.into());
    }
    let mut words = q.split_whitespace();
    if let (Some(first), rest) = (words.next(), words.collect::<Vec<_>>().join(" ")) {
        if !rest.is_empty() {
            any.insert("0".into(), json!({"%NAME": first, "%LAST_NAME": rest}));
        }
    }
    filter.insert("0".into(), Value::Object(any));
    Value::Object(filter)
}

/// The fields the list reads.
fn select(kind: &Kind) -> Vec<&'static str> {
    let mut fields = vec!["ID"];
    if kind.person {
        fields.extend(["NAME", "LAST_NAME"]);
    } else {
        fields.push("TITLE");
    }
    fields.push(kind.status.0);
    if kind.amount {
        fields.extend(["OPPORTUNITY", "CURRENCY_ID"]);
    }
    fields.extend(["ASSIGNED_BY_ID", "DATE_CREATE"]);
    fields
}

/// The name a row (or record) is shown by: `TITLE`, or `NAME LAST_NAME` for
/// contacts; "Untitled #id" when empty.
pub fn record_title(tr: &Tr, kind: &Kind, row: &Value) -> String {
    let field = |name: &str| row.get(name).map(text_of).unwrap_or_default();
    let title = if kind.person {
        format!("{} {}", field("NAME"), field("LAST_NAME"))
    } else {
        field("TITLE")
    };
    let title = title.trim();
    if title.is_empty() {
        tr.t_with("crm-untitled", &[("id", &field("ID"))])
    } else {
        title.to_owned()
    }
}

/// `GET /crm/{entity}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(segment): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(kind) = kind(&segment) else {
        return page::not_found(&signed.tr);
    };
    let mut query = ListQuery::parse(raw.as_deref());
    if kind.segment != "deals" {
        query.category = None;
    }
    let mut filter = search_filter(kind, &query.q);
    if let (Some(category), Value::Object(map)) = (query.category, &mut filter) {
        map.insert("CATEGORY_ID".into(), category.into());
    }
    let params = json!({
        "select": select(kind),
        "filter": filter,
        "order": { "ID": "DESC" },
        "start": query.start,
    });
    let method = format!("crm.{}.list", kind.method);
    let out = match call(&state, &signed, &method, params).await {
        Ok(out) => out,
        Err(e) => return failure(&signed, &headers, e, false),
    };
    let total = out.total;
    let rows = match out.result {
        Value::Array(rows) => rows,
        _ => Vec::new(),
    };
    let assigned = rows
        .iter()
        .filter_map(|r| r.get("ASSIGNED_BY_ID").map(text_of))
        .collect();
    let users = user_names(&state, assigned).await;
    let is_deal = kind.segment == "deals";
    let (statuses, pipelines) = if is_deal {
        (
            pipeline::all_stage_names(&state, &signed).await,
            pipeline::pipelines(&state, &signed).await,
        )
    } else {
        (
            directory_names(&state, &signed, kind.status.1).await,
            Vec::new(),
        )
    };
    let tr = &signed.tr;
    let title = tr.t(kind.title_id);
    let total = total.unwrap_or(rows.len() as i64);
    let body = html! {
        h1 { (title) }
        div.toolbar {
            form.row role="search" method="get" action={ "/crm/" (kind.segment) } {
                label.visually-hidden for="crm-search" { (tr.t("crm-search-label")) }
                input #crm-search type="search" name="q" value=(query.q)
                    placeholder=(if kind.person { tr.t("crm-search-placeholder-name") } else { tr.t("crm-search-placeholder-title") });
                @if is_deal {
                    label.visually-hidden for="deal-category" { (tr.t("deal-pipeline")) }
                    select #deal-category name="category" {
                        option value="" { (tr.t("deal-all-pipelines")) }
                        @for (id, name) in &pipelines {
                            option value=(id) selected[query.category == Some(*id)] { (name) }
                        }
                    }
                }
                button type="submit" { (tr.t("action-search")) }
                @if !query.q.is_empty() {
                    a href={ "/crm/" (kind.segment) } { (tr.t("crm-search-clear")) }
                }
            }
            p.muted #crm-total { (tr.t_count("crm-total", "count", total)) }
            @if is_deal && signed.user.is_admin {
                a #pipelines-link href="/crm/pipelines" { (tr.t("pipelines-title")) }
            }
        }
        @if rows.is_empty() {
            p.muted #crm-empty {
                (if query.q.is_empty() { tr.t("crm-empty") } else { tr.t("crm-no-match") })
            }
        } @else {
            (table(tr, kind, &rows, &users, &statuses))
        }
        (pager(tr, kind, &query, out.next))
    };
    page::page(&signed, Section::Crm(kind.segment), &title, body)
}

/// The table of rows.
fn table(
    tr: &Tr,
    kind: &Kind,
    rows: &[Value],
    users: &HashMap<String, String>,
    statuses: &HashMap<String, String>,
) -> Markup {
    let cell = |row: &Value, name: &str| row.get(name).map(text_of).unwrap_or_default();
    html! {
        div.table-wrap {
            table #crm-list.data {
                thead {
                    tr {
                        th scope="col" { (tr.t("crm-col-id")) }
                        th scope="col" { (if kind.person { tr.t("crm-col-name") } else { tr.t("crm-col-title") }) }
                        th scope="col" { (tr.t(kind.status.2)) }
                        @if kind.amount {
                            th scope="col" { (tr.t("crm-col-amount")) }
                        }
                        th scope="col" { (tr.t("crm-col-responsible")) }
                        th scope="col" { (tr.t("crm-col-created")) }
                    }
                }
                tbody {
                    @for row in rows {
                        @let id = cell(row, "ID");
                        tr data-id=(id) {
                            td { (id) }
                            td { a href={ "/crm/" (kind.segment) "/" (id) } { (record_title(tr, kind, row)) } }
                            td { (named(statuses, &cell(row, kind.status.0))) }
                            @if kind.amount {
                                td { (cell(row, "OPPORTUNITY")) " " (cell(row, "CURRENCY_ID")) }
                            }
                            td { (named(users, &cell(row, "ASSIGNED_BY_ID"))) }
                            td { (short_datetime(&cell(row, "DATE_CREATE"))) }
                        }
                    }
                }
            }
        }
    }
}

/// Previous / next links.
fn pager(tr: &Tr, kind: &Kind, query: &ListQuery, next: Option<i64>) -> Markup {
    let page_number = query.start / PAGE_SIZE + 1;
    html! {
        @if query.start > 0 || next.is_some() {
            nav.pager aria-label=(tr.t("crm-pages")) {
                @if query.start > 0 {
                    a #crm-prev rel="prev" href=(query.href(kind.segment, (query.start - PAGE_SIZE).max(0))) {
                        (tr.t("crm-previous"))
                    }
                }
                span.muted { (tr.t_count("crm-page", "page", page_number)) }
                @if let Some(next) = next {
                    a #crm-next rel="next" href=(query.href(kind.segment, next)) { (tr.t("crm-next")) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::crm::KINDS;

    #[test]
    fn the_query_is_read_leniently() {
        assert_eq!(ListQuery::parse(None), ListQuery::default());
        let q = ListQuery::parse(Some("q=+a%26b+&start=100&x=1"));
        assert_eq!(
            q,
            ListQuery {
                q: "a&b".into(),
                start: 100,
                category: None,
            }
        );
        assert_eq!(ListQuery::parse(Some("start=-5")).start, 0);
        assert_eq!(ListQuery::parse(Some("start=zz")).start, 0);
        assert_eq!(q.href("leads", 50), "/crm/leads?q=a%26b&start=50");
        assert_eq!(ListQuery::default().href("deals", 0), "/crm/deals");
        let deals = ListQuery::parse(Some("category=2&start=50"));
        assert_eq!(deals.category, Some(2));
        assert_eq!(deals.href("deals", 0), "/crm/deals?category=2");
        assert_eq!(ListQuery::parse(Some("category=-1")).category, None);
    }

    #[test]
    fn searches_look_in_the_name_fields() {
        let [lead, deal, contact, _] = &KINDS;
        assert_eq!(search_filter(lead, ""), json!({}));
        assert_eq!(search_filter(deal, "acme co"), json!({"%TITLE": "acme co"}));
        assert_eq!(
            search_filter(lead, "acme"),
            json!({"0": {"LOGIC": "OR", "%TITLE": "acme", "%NAME": "acme",
                         "%LAST_NAME": "acme", "%COMPANY_TITLE": "acme"}})
        );
        assert_eq!(
            search_filter(contact, "ana"),
            json!({"0": {"LOGIC": "OR", "%NAME": "ana", "%LAST_NAME": "ana"}})
        );
        assert_eq!(
            search_filter(contact, "ana  de souza"),
            json!({"0": {"LOGIC": "OR", "%NAME": "ana  de souza", "%LAST_NAME": "ana  de souza",
                         "0": {"%NAME": "ana", "%LAST_NAME": "de souza"}}})
        );
        assert!(select(contact).contains(&"LAST_NAME"));
        assert!(!select(contact).contains(&"TITLE"));
    }
}
