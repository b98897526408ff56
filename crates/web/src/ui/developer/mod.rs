//! Developer resources: the "Common use cases", "Integrations" and
//! "Statistics" tabs, the
//! inbound-webhook form with its request builder, the outbound-webhook form and
//! delivery log, the local-application form (administrators only), a
//! sandbox's captured deliveries (administrators, sandboxes only), and the
//! method catalogue the
//! builder reads (`/developer/methods.json`, from the registry, in the page's language).

pub mod app_form;
pub mod apps;
pub mod cases;
pub mod columns;
pub mod form;
pub mod integrations;
pub mod outbound;
pub mod outbound_form;
pub mod outbound_log;
pub mod plan_gate;
pub mod sandbox_deliveries;
pub mod statistics;
pub mod statistics_chart;
pub mod statistics_data;
pub mod webhook;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use maud::{html, Markup};
use portico_store::Webhook;
use serde_json::{json, Value};

use super::i18n::{Lang, Tr};
use super::page::{self, Section};
use super::session::Signed;
use crate::state::AppState;

/// The Developer resources routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/developer", get(use_cases))
        .route("/developer/integrations", get(integrations::list))
        .route(
            "/developer/integrations/columns",
            post(integrations::save_columns),
        )
        .route("/developer/statistics", get(statistics::show))
        .route("/developer/statistics.json", get(statistics::data))
        .route(
            "/developer/statistics/columns",
            post(statistics::save_columns),
        )
        .route("/developer/methods.json", get(methods))
        .route(sandbox_deliveries::PATH, get(sandbox_deliveries::show))
        .route(
            "/developer/webhooks/new",
            get(webhook::new_form).post(webhook::create),
        )
        .route(
            "/developer/webhooks/{id}",
            get(webhook::edit_form).post(webhook::save),
        )
        .route(
            "/developer/webhooks/{id}/delete",
            get(webhook::confirm_delete).post(webhook::delete),
        )
        .route(
            "/developer/apps/new",
            get(apps::new_form).post(apps::create),
        )
        .route(
            "/developer/apps/{id}",
            get(apps::edit_form).post(apps::save),
        )
        .route("/developer/apps/{id}/reinstall", post(apps::reinstall))
        .route(
            "/developer/apps/{id}/delete",
            get(apps::confirm_delete).post(apps::delete),
        )
        .route(
            "/developer/outbound/new",
            get(outbound::new_form).post(outbound::create),
        )
        .route(
            "/developer/outbound/{id}",
            get(outbound::edit_form).post(outbound::save),
        )
        .route("/developer/outbound/{id}/enable", post(outbound::enable))
        .route(
            "/developer/outbound/{id}/delete",
            get(outbound::confirm_delete).post(outbound::delete),
        )
        .route("/developer/outbound/{id}/log", get(outbound_log::show))
        .route(
            "/developer/outbound/{id}/log/replay",
            post(outbound_log::replay),
        )
        .route(
            "/developer/outbound/{id}/log/replay-failed",
            post(outbound_log::replay_failed),
        )
        .route(
            "/developer/outbound/{id}/log/test",
            post(outbound_log::send_test),
        )
}

/// The tabs of the section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Common use cases.
    UseCases,
    /// Integrations.
    Integrations,
    /// REST statistics (administrators only).
    Statistics,
}

/// The tab bar; `current` is marked for assistive technology too. The
/// Statistics tab is shown to administrators only (only they reach it).
pub fn tabs(tr: &Tr, current: Option<Tab>, admin: bool) -> Markup {
    let mark = |t: Tab| (current == Some(t)).then_some("page");
    html! {
        nav.tabs aria-label=(tr.t("nav-developer")) {
            a #tab-use-cases href="/developer" aria-current=[mark(Tab::UseCases)] { (tr.t("tab-use-cases")) }
            a #tab-integrations href="/developer/integrations" aria-current=[mark(Tab::Integrations)] { (tr.t("tab-integrations")) }
            @if admin {
                a #tab-statistics href="/developer/statistics" aria-current=[mark(Tab::Statistics)] { (tr.t("tab-statistics")) }
            }
        }
    }
}

/// The configured public address, else `http(s)://host[:port]` as the browser
/// reached this server.
pub fn public_base(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.ui.public_url {
        return url.clone();
    }
    let scheme = if state.ui.secure_cookies {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

/// The id in a page's path, or the 404 page.
pub fn path_id(signed: &Signed, id: &str) -> Result<i64, Response> {
    crate::ui::parse_id(id).ok_or_else(|| page::not_found(&signed.tr))
}

/// What was `found` if the signed-in user may open it (its owner, as
/// `owner_of` tells, or any administrator); otherwise the same 404 as for a
/// missing one, so nobody learns what others have.
pub fn visible_to<T>(
    signed: &Signed,
    found: Option<T>,
    owner_of: impl Fn(&T) -> i64,
) -> Result<T, Response> {
    match found {
        Some(item) if owner_of(&item) == signed.user.id || signed.user.is_admin => Ok(item),
        _ => Err(page::not_found(&signed.tr)),
    }
}

/// The page asking to confirm a deletion: `title`, `warning`, a delete
/// button posting to `action` and a cancel link to `cancel`.
pub fn confirm_delete_page(
    signed: &Signed,
    title: &str,
    warning: &str,
    action: &str,
    cancel: &str,
) -> Response {
    let tr = &signed.tr;
    let body = html! {
        h1 { (title) }
        p.warning { (warning) }
        form.row method="post" action=(action) {
            input type="hidden" name="csrf" value=(signed.csrf);
            button.danger #confirm-delete type="submit" { (tr.t("action-delete")) }
            a.button href=(cancel) { (tr.t("action-cancel")) }
        }
    };
    page::page(signed, Section::Developer, &tr.t("action-delete"), body)
}

/// The webhook `id` if the signed-in user may open it (its owner, or any
/// administrator); otherwise the same 404 as for a missing one.
pub async fn visible_webhook(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    id: &str,
) -> Result<Webhook, Response> {
    let id = path_id(signed, id)?;
    let found = state
        .store
        .webhook_by_id(id)
        .await
        .map_err(|e| page::internal_error(headers, e))?;
    visible_to(signed, found, |hook| hook.user_id)
}

/// `GET /developer`: the use cases.
async fn use_cases(State(state): State<AppState>, signed: Signed) -> Response {
    let tr = &signed.tr;
    let body = html! {
        h1 { (tr.t("nav-developer")) }
        (tabs(tr, Some(Tab::UseCases), signed.user.is_admin))
        @if let Some(notice) = plan_gate::notice(&state, tr) { (notice) }
        @if let Some(link) = sandbox_deliveries::link(&state, &signed) { (link) }
        p.muted { (tr.t("use-cases-intro")) }
        (cases::cards(tr, signed.user.is_admin))
    };
    page::page(&signed, Section::Developer, &tr.t("nav-developer"), body)
}

/// `GET /developer/methods.json`: every method with its scopes, description and
/// parameters in the user's language, for the request builder.
async fn methods(State(state): State<AppState>, signed: Signed) -> Response {
    let pt = signed.tr.lang == Lang::PtBr;
    let list: Vec<Value> = state
        .registry
        .all()
        .iter()
        .map(|m| {
            let granted: Vec<&str> = std::iter::once(m.scope)
                .chain(m.also_granted_by.iter().copied())
                .collect();
            json!({
                "name": m.name,
                "scope": m.scope,
                "grantedBy": granted,
                "description": if pt { &m.description_pt } else { &m.description },
                "params": m.params.iter().map(|p| json!({
                    "name": p.name,
                    "kind": p.kind,
                    "required": p.required,
                    "description": if pt { p.description_pt } else { p.description },
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        Json(Value::Array(list)),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::http::{HeaderMap, HeaderValue};
    use portico_methods::Clock;
    use portico_store::secrets::SecretBox;

    use super::public_base;
    use crate::{AppState, Limits};

    fn state(dir: &tempfile::TempDir, tls: bool) -> AppState {
        let store = portico_store_sqlite::SqliteStore::open(
            &dir.path().join("p.sqlite3"),
            portico_store_sqlite::SqliteOptions::default(),
        )
        .expect("store");
        AppState::new(
            Arc::new(store),
            Arc::new(portico_methods::registry()),
            SecretBox::new(&SecretBox::generate_master()),
            Clock::default(),
            Limits::default(),
            tls,
        )
    }

    #[test]
    fn webhook_urls_use_the_public_address_else_the_host() {
        let dir = tempfile::tempdir().expect("dir");
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
        assert_eq!(
            public_base(&state(&dir, false), &headers),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            public_base(&state(&dir, true), &headers),
            "https://127.0.0.1:8080"
        );
        let configured =
            state(&dir, true).with_public_url(Some("https://crm.example.com/".to_owned()));
        assert_eq!(
            public_base(&configured, &headers),
            "https://crm.example.com"
        );
        assert!(configured.ui.secure_cookies);
        headers.insert("host", HeaderValue::from_static("evil\"><script>"));
        assert_eq!(
            public_base(&state(&dir, false), &headers),
            "http://localhost"
        );
    }
}
