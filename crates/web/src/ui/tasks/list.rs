//! `GET /tasks`: one page (50 rows) of `tasks.task.list`, newest first, in
//! three tabs — tasks the user is responsible for (`mine`), tasks they
//! created (`created`), every task they may see (`all`) — filtered by status,
//! responsible person and deadline (on or before a day).

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup};
use serde_json::{json, Map, Value};

use super::{call, failure, person_name, status_label, STATUSES};
use crate::state::AppState;
use crate::ui::crm::{short_datetime, text_of};
use crate::ui::i18n::Tr;
use crate::ui::page::{self, Section};
use crate::ui::session::Signed;

/// Rows per page, as `tasks.task.list` answers.
const PAGE_SIZE: i64 = 50;

/// The tabs: path value and message id.
const TABS: [(&str, &str); 3] = [
    ("mine", "task-tab-mine"),
    ("created", "task-tab-created"),
    ("all", "task-tab-all"),
];

/// The list page's query.
#[derive(Debug, Default, PartialEq)]
struct TaskQuery {
    /// One of [`TABS`] (`mine` when absent or unknown).
    tab: &'static str,
    /// A status value of [`STATUSES`], or none.
    status: Option<&'static str>,
    /// A responsible person's id.
    responsible: Option<i64>,
    /// A day (`YYYY-MM-DD`): deadlines on or before it.
    deadline: Option<String>,
    /// Offset of the page.
    start: i64,
}

impl TaskQuery {
    /// Reads the query string; anything unreadable is ignored.
    fn parse(raw: Option<&str>) -> TaskQuery {
        let mut out = TaskQuery {
            tab: TABS[0].0,
            ..TaskQuery::default()
        };
        for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let value = value.trim();
            match key.as_ref() {
                "tab" => {
                    if let Some((tab, _)) = TABS.iter().find(|(t, _)| *t == value) {
                        out.tab = tab;
                    }
                }
                "status" => out.status = STATUSES.iter().find(|(s, _)| *s == value).map(|s| s.0),
                "responsible" => out.responsible = value.parse::<i64>().ok().filter(|id| *id > 0),
                "deadline" => {
                    out.deadline = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
                        .ok()
                        .map(|d| d.format("%Y-%m-%d").to_string())
                }
                "start" => out.start = value.parse::<i64>().unwrap_or(0).clamp(0, i64::MAX / 2),
                _ => {}
            }
        }
        out
    }

    /// The `filter` of `tasks.task.list` for user `me`.
    fn filter(&self, me: i64) -> Value {
        let mut filter = Map::new();
        match self.tab {
            "mine" => {
                filter.insert("RESPONSIBLE_ID".into(), me.into());
            }
            "created" => {
                filter.insert("CREATED_BY".into(), me.into());
            }
            _ => {}
        }
        if let (Some(id), false) = (self.responsible, self.tab == "mine") {
            filter.insert("RESPONSIBLE_ID".into(), id.into());
        }
        if let Some(status) = self.status {
            filter.insert("REAL_STATUS".into(), status.into());
        }
        if let Some(day) = &self.deadline {
            filter.insert("<=DEADLINE".into(), format!("{day}T23:59:59").into());
        }
        Value::Object(filter)
    }

    /// The address of this list with another tab or offset.
    fn href(&self, tab: &str, start: i64) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("tab", tab);
        if let Some(status) = self.status {
            query.append_pair("status", status);
        }
        if let Some(id) = self.responsible {
            query.append_pair("responsible", &id.to_string());
        }
        if let Some(day) = &self.deadline {
            query.append_pair("deadline", day);
        }
        if start > 0 {
            query.append_pair("start", &start.to_string());
        }
        format!("/tasks?{}", query.finish())
    }
}

/// `GET /tasks`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = TaskQuery::parse(raw.as_deref());
    let params = json!({
        "filter": query.filter(signed.user.id),
        "select": ["ID", "TITLE", "STATUS", "RESPONSIBLE_ID", "CREATED_BY", "DEADLINE"],
        "order": { "ID": "desc" },
        "start": query.start,
    });
    let out = match call(&state, &signed, "tasks.task.list", params).await {
        Ok(out) => out,
        Err(e) => return failure(&signed, &headers, e),
    };
    let rows = match out.result.get("tasks") {
        Some(Value::Array(rows)) => rows.clone(),
        _ => Vec::new(),
    };
    let users = match state.store.list_users().await {
        Ok(users) => users,
        Err(e) => return page::internal_error(&headers, e),
    };
    let tr = &signed.tr;
    let title = tr.t("nav-tasks");
    let total = out.total.unwrap_or(rows.len() as i64);
    let body = html! {
        div.toolbar {
            h1 { (title) }
            a.button.primary #task-new href="/tasks/new" { (tr.t("task-new")) }
        }
        nav.tabs aria-label=(tr.t("task-tabs")) {
            @for (tab, id) in TABS {
                a href=(query.href(tab, 0)) data-tab=(tab)
                    aria-current=[(tab == query.tab).then_some("page")] { (tr.t(id)) }
            }
        }
        form.row #task-filter method="get" action="/tasks" {
            input type="hidden" name="tab" value=(query.tab);
            label for="task-filter-status" { (tr.t("task-field-status")) }
            select #task-filter-status name="status" {
                option value="" { (tr.t("task-filter-any")) }
                @for (value, _) in STATUSES {
                    option value=(value) selected[query.status == Some(value)] { (status_label(tr, value)) }
                }
            }
            @if query.tab != "mine" {
                label for="task-filter-responsible" { (tr.t("task-field-responsible")) }
                select #task-filter-responsible name="responsible" {
                    option value="" { (tr.t("task-filter-any")) }
                    @for user in users.iter().filter(|u| u.active) {
                        option value=(user.id) selected[query.responsible == Some(user.id)] { (page::display_name(user)) }
                    }
                }
            }
            label for="task-filter-deadline" { (tr.t("task-filter-deadline")) }
            input #task-filter-deadline type="date" name="deadline" value=[query.deadline.as_deref()];
            button type="submit" { (tr.t("task-filter-apply")) }
        }
        p.muted #task-total { (tr.t_count("task-total", "count", total)) }
        @if rows.is_empty() {
            p.muted #task-empty { (tr.t("task-empty")) }
        } @else {
            (table(tr, &rows))
        }
        (pager(tr, &query, out.next))
    };
    page::page(&signed, Section::Tasks, &title, body)
}

/// The table of tasks.
fn table(tr: &Tr, rows: &[Value]) -> Markup {
    let cell = |row: &Value, name: &str| row.get(name).map(text_of).unwrap_or_default();
    html! {
        div.table-wrap {
            table #task-list.data {
                thead {
                    tr {
                        th scope="col" { (tr.t("crm-col-id")) }
                        th scope="col" { (tr.t("task-field-title")) }
                        th scope="col" { (tr.t("task-field-status")) }
                        th scope="col" { (tr.t("task-field-responsible")) }
                        th scope="col" { (tr.t("task-field-deadline")) }
                        th scope="col" { (tr.t("task-field-creator")) }
                    }
                }
                tbody {
                    @for row in rows {
                        @let id = cell(row, "id");
                        tr data-id=(id) {
                            td { (id) }
                            td { a href={ "/tasks/" (id) } { (cell(row, "title")) } }
                            td data-status=(cell(row, "status")) { (status_label(tr, &cell(row, "status"))) }
                            td { (person_name(row, "responsible", "responsibleId")) }
                            td { (short_datetime(&cell(row, "deadline"))) }
                            td { (person_name(row, "creator", "createdBy")) }
                        }
                    }
                }
            }
        }
    }
}

/// Previous / next links.
fn pager(tr: &Tr, query: &TaskQuery, next: Option<i64>) -> Markup {
    html! {
        @if query.start > 0 || next.is_some() {
            nav.pager aria-label=(tr.t("crm-pages")) {
                @if query.start > 0 {
                    a rel="prev" href=(query.href(query.tab, (query.start - PAGE_SIZE).max(0))) { (tr.t("crm-previous")) }
                }
                span.muted { (tr.t_count("crm-page", "page", query.start / PAGE_SIZE + 1)) }
                @if let Some(next) = next {
                    a rel="next" href=(query.href(query.tab, next)) { (tr.t("crm-next")) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_becomes_a_task_filter() {
        let q = TaskQuery::parse(None);
        assert_eq!(q.tab, "mine");
        assert_eq!(q.filter(3), json!({"RESPONSIBLE_ID": 3}));
        let q = TaskQuery::parse(Some(
            "tab=all&status=5&responsible=4&deadline=2024-05-01&start=50",
        ));
        assert_eq!(
            q.filter(3),
            json!({"RESPONSIBLE_ID": 4, "REAL_STATUS": "5", "<=DEADLINE": "2024-05-01T23:59:59"})
        );
        assert_eq!(
            q.href("created", 0),
            "/tasks?tab=created&status=5&responsible=4&deadline=2024-05-01"
        );
        let odd = TaskQuery::parse(Some("tab=x&status=9&responsible=-1&deadline=soon"));
        assert_eq!(odd, TaskQuery::parse(None));
        let created = TaskQuery::parse(Some("tab=created&responsible=4"));
        assert_eq!(
            created.filter(3),
            json!({"CREATED_BY": 3, "RESPONSIBLE_ID": 4})
        );
    }
}
