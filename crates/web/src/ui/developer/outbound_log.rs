//! The delivery log of one outbound webhook: its newest deliveries (filtered
//! by state and event code, paged by id), each opening to its attempts, and
//! the actions on it: replay one delivery, replay every failed delivery of a
//! time range, send a test event (`ONAPPTEST`) to this handler only. Who may
//! open it is decided as for the edit page (owner and administrators; 404 for
//! anyone else).

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDateTime;
use maud::{html, Markup};
use portico_store::events::event_catalogue;
use portico_store::{
    Delivery, DeliveryAttempt, DeliveryQuery, DeliveryState, OutboundWebhook, TEST_EVENT_CODE,
};
use serde::Deserialize;

use super::outbound::visible_outbound;
use super::tabs;
use crate::state::AppState;
use crate::ui::i18n::Tr;
use crate::ui::page::{self, format_instant, Section};
use crate::ui::session::{CheckedForm, Signed};

/// Deliveries on one page.
const PAGE_SIZE: usize = 50;
/// The states a filter may name, with their labels.
const STATES: [(DeliveryState, &str); 3] = [
    (DeliveryState::Pending, "log-state-pending"),
    (DeliveryState::Delivered, "log-state-delivered"),
    (DeliveryState::Failed, "log-state-failed"),
];

/// Query of the log page.
#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    state: Option<String>,
    event: Option<String>,
    before: Option<String>,
    done: Option<String>,
    count: Option<String>,
}

/// The event codes a log can be filtered by: the catalogue and the test event.
fn filter_codes() -> Vec<String> {
    let mut codes: Vec<String> = event_catalogue().into_iter().map(|e| e.code).collect();
    codes.push(TEST_EVENT_CODE.to_owned());
    codes
}

/// The store query a page's query asks for (unknown values filter nothing).
fn delivery_query(q: &LogQuery) -> DeliveryQuery {
    let event_code = q
        .event
        .as_deref()
        .map(|e| e.trim().to_ascii_uppercase())
        .filter(|e| filter_codes().contains(e));
    DeliveryQuery {
        state: q.state.as_deref().and_then(DeliveryState::parse),
        event_code,
        before_id: q.before.as_deref().and_then(|b| b.parse().ok()),
        limit: PAGE_SIZE,
    }
}

/// The label of a state.
fn state_label(tr: &Tr, state: DeliveryState) -> String {
    STATES
        .iter()
        .find(|(s, _)| *s == state)
        .map(|(_, id)| tr.t(id))
        .unwrap_or_default()
}

/// The filter form.
fn filter_form(tr: &Tr, hook: &OutboundWebhook, query: &DeliveryQuery) -> Markup {
    html! {
        form.row #log-filter method="get" action={ "/developer/outbound/" (hook.id) "/log" } {
            label for="log-state" { (tr.t("log-state")) }
            select #log-state name="state" {
                option value="" { (tr.t("log-state-any")) }
                @for (state, id) in STATES {
                    option value=(state.as_str()) selected[query.state == Some(state)] { (tr.t(id)) }
                }
            }
            label for="log-event" { (tr.t("log-event")) }
            select #log-event name="event" {
                option value="" { (tr.t("log-event-any")) }
                @for code in filter_codes() {
                    option value=(code) selected[query.event_code.as_deref() == Some(code.as_str())] { (code) }
                }
            }
            button #log-filter-apply type="submit" { (tr.t("log-filter")) }
        }
    }
}

/// The actions above the list: test event and replay of a failed range.
fn actions(signed: &Signed, hook: &OutboundWebhook) -> Markup {
    let tr = &signed.tr;
    html! {
        div.card.stack #log-actions {
            form.row method="post" action={ "/developer/outbound/" (hook.id) "/log/test" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                button #send-test type="submit" { (tr.t("log-send-test")) }
            }
            form.row #replay-range method="post" action={ "/developer/outbound/" (hook.id) "/log/replay-failed" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                label for="replay-from" { (tr.t("log-from")) }
                input #replay-from type="datetime-local" name="from" required;
                label for="replay-to" { (tr.t("log-to")) }
                input #replay-to type="datetime-local" name="to" required;
                button #replay-failed type="submit" { (tr.t("log-replay-range")) }
                span.muted { (tr.t("log-replay-range-help")) }
            }
        }
    }
}

/// One delivery: its row of facts and, opened, its attempts.
fn delivery_item(
    signed: &Signed,
    hook: &OutboundWebhook,
    d: &Delivery,
    attempts: &[DeliveryAttempt],
) -> Markup {
    let tr = &signed.tr;
    html! {
        details.delivery data-id=(d.id) data-state=(d.state.as_str()) data-event=(d.event_code) {
            summary {
                span.delivery-id { "#" (d.id) } " · "
                code { (d.event_code) } " · "
                strong.delivery-state { (state_label(tr, d.state)) } " · "
                (tr.t("col-attempts")) ": " span.delivery-attempts { (d.attempts) } " · "
                (tr.t("col-last-status")) ": " span.delivery-status { (d.last_status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())) } " · "
                (tr.t("col-created")) ": " (format_instant(Some(d.created_at))) " · "
                (tr.t("col-finished")) ": " (format_instant(d.finished_at))
            }
            @if attempts.is_empty() {
                p.muted { (tr.t("log-no-attempts")) }
            } @else {
                table.data.attempts {
                    thead { tr {
                        th { "#" } th { (tr.t("col-time")) } th { (tr.t("col-status")) } th { (tr.t("col-duration")) }
                        th { (tr.t("col-outcome")) } th { (tr.t("col-answer")) } th { (tr.t("col-error")) }
                    } }
                    tbody {
                        @for (position, a) in attempts.iter().enumerate() {
                            tr.attempt data-attempt=(a.attempt) {
                                td { (position + 1) }
                                td { (format_instant(Some(a.started_at))) }
                                td { (a.status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())) }
                                td { (a.duration_ms) " ms" }
                                td { (a.outcome) }
                                td { code { (a.response.chars().take(300).collect::<String>()) } }
                                td { (a.error.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
            @if d.state != DeliveryState::Pending {
                form.inline method="post" action={ "/developer/outbound/" (hook.id) "/log/replay" } {
                    input type="hidden" name="csrf" value=(signed.csrf);
                    input type="hidden" name="delivery" value=(d.id);
                    button.replay type="submit" { (tr.t("log-replay")) }
                }
            }
        }
    }
}

/// The notice of an action just done.
fn done_notice(tr: &Tr, q: &LogQuery) -> Option<String> {
    match q.done.as_deref()? {
        "replayed" => Some(tr.t("log-replayed")),
        "not-replayed" => Some(tr.t("log-not-replayed")),
        "test" => Some(tr.t("log-test-sent")),
        "range" => {
            let count = q.count.as_deref().and_then(|c| c.parse().ok()).unwrap_or(0);
            Some(tr.t_count("log-replayed-range", "count", count))
        }
        "bad-range" => Some(tr.t("log-error-range")),
        _ => None,
    }
}

/// `GET /developer/outbound/{id}/log`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<LogQuery>,
) -> Response {
    let hook = match visible_outbound(&state, &headers, &signed, &id).await {
        Ok(hook) => hook,
        Err(res) => return res,
    };
    let query = delivery_query(&q);
    let deliveries = match state.store.list_deliveries(hook.id, query.clone()).await {
        Ok(list) => list,
        Err(e) => return page::internal_error(&headers, e),
    };
    let mut items = Vec::with_capacity(deliveries.len());
    for d in &deliveries {
        match state.store.delivery_attempts(d.id).await {
            Ok(attempts) => items.push((d, attempts)),
            Err(e) => return page::internal_error(&headers, e),
        }
    }
    let tr = &signed.tr;
    let filter_args = format!(
        "state={}&event={}",
        query.state.map(DeliveryState::as_str).unwrap_or(""),
        query.event_code.as_deref().unwrap_or("")
    );
    let older = (deliveries.len() == PAGE_SIZE)
        .then(|| deliveries.last().map(|d| d.id))
        .flatten();
    let title = tr.t_with("log-title", &[("name", &hook.name)]);
    let body = html! {
        (tabs(tr, None, signed.user.is_admin))
        h1 { (title) }
        p { a href={ "/developer/outbound/" (hook.id) } { (tr.t("action-edit")) } }
        @if let Some(notice) = done_notice(tr, &q) { p.notice role="status" #log-notice { (notice) } }
        p.muted { (tr.t("log-intro")) }
        (actions(&signed, &hook))
        (filter_form(tr, &hook, &query))
        @if items.is_empty() {
            p #log-empty { (tr.t("log-empty")) }
        } @else {
            div #deliveries {
                @for (d, attempts) in &items { (delivery_item(&signed, &hook, d, attempts)) }
            }
        }
        div.row {
            @if query.before_id.is_some() {
                a #log-newest href={ "/developer/outbound/" (hook.id) "/log?" (filter_args) } { (tr.t("log-newest")) }
            }
            @if let Some(last) = older {
                a #log-older href={ "/developer/outbound/" (hook.id) "/log?" (filter_args) "&before=" (last) } { (tr.t("log-older")) }
            }
        }
    };
    page::page(&signed, Section::Developer, &title, body)
}

/// Back to the log with a notice.
fn back(hook: &OutboundWebhook, done: &str) -> Response {
    Redirect::to(&format!("/developer/outbound/{}/log?done={done}", hook.id)).into_response()
}

/// `POST /developer/outbound/{id}/log/replay`: sends one finished delivery of this webhook again.
pub async fn replay(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let hook = match visible_outbound(&state, &headers, &signed, &id).await {
        Ok(hook) => hook,
        Err(res) => return res,
    };
    let Some(delivery) = form.get("delivery").and_then(|d| d.parse::<i64>().ok()) else {
        return page::not_found(&signed.tr);
    };
    // The delivery must be this webhook's: the one page holding only it.
    let only = DeliveryQuery {
        before_id: delivery.checked_add(1),
        ..DeliveryQuery::newest(1)
    };
    match state.store.list_deliveries(hook.id, only).await {
        Ok(found) if found.first().map(|d| d.id) == Some(delivery) => {}
        Ok(_) => return page::not_found(&signed.tr),
        Err(e) => return page::internal_error(&headers, e),
    }
    match state.store.redeliver(delivery, state.clock.now()).await {
        Ok(true) => back(&hook, "replayed"),
        Ok(false) => back(&hook, "not-replayed"),
        Err(e) => page::internal_error(&headers, e),
    }
}

/// A `datetime-local` value (UTC, as the log shows times) as Unix seconds.
fn instant(value: &str) -> Option<i64> {
    let value = value.trim();
    NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .map(|t| t.and_utc().timestamp())
}

/// `POST /developer/outbound/{id}/log/replay-failed`: sends every failed
/// delivery created from `from` to the end of the minute `to` again.
pub async fn replay_failed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let hook = match visible_outbound(&state, &headers, &signed, &id).await {
        Ok(hook) => hook,
        Err(res) => return res,
    };
    let range = form
        .get("from")
        .and_then(instant)
        .zip(form.get("to").and_then(instant));
    let Some((from, to)) = range.filter(|(from, to)| from <= to) else {
        return back(&hook, "bad-range");
    };
    let to = to.saturating_add(59);
    match state
        .store
        .redeliver_failed(hook.id, from, to, state.clock.now())
        .await
    {
        Ok(count) => Redirect::to(&format!(
            "/developer/outbound/{}/log?done=range&count={count}",
            hook.id
        ))
        .into_response(),
        Err(e) => page::internal_error(&headers, e),
    }
}

/// `POST /developer/outbound/{id}/log/test`: queues an `ONAPPTEST` event for this handler only.
pub async fn send_test(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    let hook = match visible_outbound(&state, &headers, &signed, &id).await {
        Ok(hook) => hook,
        Err(res) => return res,
    };
    match state
        .store
        .queue_test_event(hook.id, Some(signed.user.id), state.clock.now())
        .await
    {
        Ok(Some(_)) => back(&hook, "test"),
        Ok(None) => page::not_found(&signed.tr),
        Err(e) => page::internal_error(&headers, e),
    }
}

#[cfg(test)]
mod tests {
    use super::instant;

    #[test]
    fn range_inputs_are_utc_minutes() {
        assert_eq!(instant("1970-01-01T00:01"), Some(60));
        assert_eq!(instant("1970-01-01T00:01:30"), Some(90));
        assert_eq!(instant("yesterday"), None);
    }
}
