//! The CRM record tabs applications bind with `placement.bind`
//! (`CRM_DEAL_DETAIL_TAB`, …): a record page lists them beside its details,
//! and `GET /crm/{entity}/{id}/apps/{placement}` opens the tab's handler in
//! the application frame with `PLACEMENT` and `PLACEMENT_OPTIONS`
//! `{"ID":"<record id>"}`, once the record has been read with the viewer's
//! CRM rights.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup};
use portico_methods::placement::DETAIL_TABS;
use portico_store::apps::App;
use portico_store::placements::Placement;
use serde_json::{json, Value};

use super::frame::{self, allow_frame, bitrix_lang, FrameTarget};
use super::{menu_text, visible_to};
use crate::state::AppState;
use crate::ui::crm::{call, failure, kind};
use crate::ui::page::{self, Section};
use crate::ui::parse_id;
use crate::ui::session::Signed;

/// The placement code of an entity's record tab.
fn tab_code(segment: &str) -> Option<&'static str> {
    DETAIL_TABS
        .iter()
        .find(|(s, _)| *s == segment)
        .map(|(_, code)| *code)
}

/// A tab's label in the viewer's language: `LANG_ALL`'s title, else the
/// bound title, else the application's menu text.
fn label(signed: &Signed, app: &App, p: &Placement) -> String {
    let lang_all: Value = serde_json::from_str(&p.lang_all).unwrap_or(Value::Null);
    let translated = [bitrix_lang(signed.tr.lang), "en"]
        .into_iter()
        .find_map(|lang| {
            lang_all
                .get(lang)
                .and_then(|t| t.get("TITLE"))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        });
    translated
        .or_else(|| (!p.title.is_empty()).then(|| p.title.clone()))
        .unwrap_or_else(|| menu_text(app, signed.tr.lang))
}

/// The tabs of an entity's records the viewer may see, with their
/// applications and labels; store failures leave the tabs out.
async fn tabs_of(
    state: &AppState,
    signed: &Signed,
    segment: &str,
) -> Vec<(Placement, App, String)> {
    let Some(code) = tab_code(segment) else {
        return Vec::new();
    };
    let bound = match state.store.placements_of(code).await {
        Ok(bound) => bound,
        Err(e) => {
            tracing::error!(error = %e, "placements could not be read");
            return Vec::new();
        }
    };
    let mut apps: HashMap<i64, Option<App>> = HashMap::new();
    let mut tabs = Vec::new();
    for p in bound {
        if let std::collections::hash_map::Entry::Vacant(slot) = apps.entry(p.app_id) {
            slot.insert(state.store.app_by_id(p.app_id).await.ok().flatten());
        }
        if let Some(Some(app)) = apps.get(&p.app_id) {
            if visible_to(app, &signed.user) {
                let text = label(signed, app, &p);
                tabs.push((p, app.clone(), text));
            }
        }
    }
    tabs
}

/// The record's tab bar (its details, then the applications' tabs), or
/// nothing when no application bound a tab there. `current` is the open tab.
pub async fn nav(
    state: &AppState,
    signed: &Signed,
    segment: &str,
    record_id: i64,
    current: Option<i64>,
) -> Markup {
    let tabs = tabs_of(state, signed, segment).await;
    if tabs.is_empty() {
        return html! {};
    }
    let tr = &signed.tr;
    let here = |open: bool| open.then_some("page");
    html! {
        nav.record-tabs aria-label=(tr.t("app-tabs")) {
            ul {
                li { a href={ "/crm/" (segment) "/" (record_id) } aria-current=[here(current.is_none())] { (tr.t("app-tab-details")) } }
                @for (p, _, text) in &tabs {
                    li { a.app-tab data-placement=(p.placement) href={ "/crm/" (segment) "/" (record_id) "/apps/" (p.id) }
                        aria-current=[here(current == Some(p.id))] { (text) } }
                }
            }
        }
    }
}

/// `GET /crm/{entity}/{id}/apps/{placement}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path((segment, id, placement)): Path<(String, String, String)>,
) -> Response {
    let (Some(kind), Some(code), Some(id), Some(placement_id)) = (
        kind(&segment),
        tab_code(&segment),
        parse_id(&id),
        parse_id(&placement),
    ) else {
        return page::not_found(&signed.tr);
    };
    let binding = match state.store.placement_by_id(placement_id).await {
        Ok(Some(p)) if p.placement == code => p,
        Ok(_) => return page::not_found(&signed.tr),
        Err(e) => return page::internal_error(&headers, e),
    };
    let app = match state.store.app_by_id(binding.app_id).await {
        Ok(Some(app)) if visible_to(&app, &signed.user) => app,
        Ok(_) => return page::not_found(&signed.tr),
        Err(e) => return page::internal_error(&headers, e),
    };
    // The viewer must be allowed to read the record the tab is about.
    let get = format!("crm.{}.get", kind.method);
    if let Err(e) = call(&state, &signed, &get, json!({ "id": id })).await {
        return failure(&signed, &headers, e, true);
    }
    let title = label(&signed, &app, &binding);
    let target = FrameTarget {
        app: &app,
        url: &binding.handler_url,
        placement: code,
        options: json!({ "ID": id.to_string() }).to_string(),
        install: false,
    };
    let frame = match frame::render(&state, &headers, &signed, target).await {
        Ok(frame) => frame,
        Err(res) => return res,
    };
    let tabs = nav(&state, &signed, kind.segment, id, Some(binding.id)).await;
    let tr = &signed.tr;
    let body = html! {
        p { a href={ "/crm/" (kind.segment) "/" (id) } { "← " (tr.t(kind.title_id)) " #" (id) } }
        h1 { (title) }
        (tabs)
        (frame.markup)
    };
    let res = page::page_with_scripts(
        &signed,
        Section::Crm(kind.segment),
        &title,
        &["/static/app_frame.js"],
        body,
    );
    allow_frame(res, &frame.origin)
}
