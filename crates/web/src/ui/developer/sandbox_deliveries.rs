//! The captured deliveries of a sandbox (administrators only; 404 on a
//! portal that is not a sandbox): the latest attempts to send an event —
//! time on Portico's clock, event, handler, mode, status and outcome — each
//! opening to the headers and body exactly as captured, laid out as the
//! outbound webhooks' delivery log.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup};
use portico_store::{Capture, CaptureQuery};

use super::tabs;
use crate::state::AppState;
use crate::ui::i18n::Tr;
use crate::ui::page::{self, Section};
use crate::ui::session::{request_lang, Signed};

/// The page's path.
pub const PATH: &str = "/developer/sandbox/deliveries";

/// Captures the page shows.
const SHOWN: usize = 100;

/// A capture's time (Unix milliseconds) as `YYYY-MM-DD HH:MM:SS.mmm` UTC.
fn format_ms(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .unwrap_or_else(|| "—".to_owned())
}

/// One capture: its facts and, opened, its headers and body.
fn capture_item(tr: &Tr, capture: &Capture) -> Markup {
    let c = &capture.capture;
    let status = c.status.map_or_else(|| "—".to_owned(), |s| s.to_string());
    html! {
        details.delivery.capture data-id=(capture.id) data-event=(c.event) data-mode=(c.mode.as_str()) {
            summary {
                span.delivery-id { "#" (capture.id) } " · "
                (format_ms(c.at_ms)) " · "
                code { (c.event) } " · "
                span.capture-handler { (c.handler) } " · "
                (tr.t("sandbox-col-mode")) ": " strong.capture-mode { (c.mode.as_str()) } " · "
                (tr.t("col-status")) ": " span.delivery-status { (status) } " · "
                (tr.t("sandbox-col-attempt")) ": " (c.attempt) " · "
                (tr.t("col-outcome")) ": " (c.outcome)
            }
            h3 { (tr.t("sandbox-headers")) }
            table.data.capture-headers {
                tbody {
                    @for (name, value) in &c.headers {
                        tr { td { code { (name) } } td { code { (value) } } }
                    }
                }
            }
            h3 { (tr.t("sandbox-body")) }
            pre.code.capture-body { (c.body) }
        }
    }
}

/// `GET /developer/sandbox/deliveries`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Result<Signed, Response>,
) -> Response {
    if state.sandbox.is_none() {
        return page::not_found(&Tr::new(request_lang(&headers, None)));
    }
    let signed = match signed {
        Ok(signed) => signed,
        Err(to_sign_in) => return to_sign_in,
    };
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let query = CaptureQuery {
        event: None,
        handler: None,
        since: 0,
        limit: SHOWN,
        newest_first: true,
    };
    let captures = match state.store.captures(&query).await {
        Ok(captures) => captures,
        Err(e) => return page::internal_error(&headers, e),
    };
    let tr = &signed.tr;
    let title = tr.t("sandbox-deliveries-title");
    let body = html! {
        (tabs(tr, None, signed.user.is_admin))
        h1 { (title) }
        p.muted { (tr.t("sandbox-deliveries-intro")) }
        @if captures.is_empty() {
            p #captures-empty { (tr.t("sandbox-deliveries-empty")) }
        } @else {
            div #captures {
                @for capture in &captures { (capture_item(tr, capture)) }
            }
        }
    };
    page::page(&signed, Section::Developer, &title, body)
}

/// The link to the page, on a sandbox's Developer resources page for administrators.
pub fn link(state: &AppState, signed: &Signed) -> Option<Markup> {
    (state.sandbox.is_some() && signed.user.is_admin).then(|| {
        html! {
            p.notice #sandbox-deliveries-link {
                a href=(PATH) { (signed.tr.t("sandbox-deliveries-link")) }
            }
        }
    })
}
