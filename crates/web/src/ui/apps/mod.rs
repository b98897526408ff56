//! Local applications in the portal: the left menu's entry of each
//! application with a user interface, its page `/apps/{id}` showing the
//! application in a frame (see [`frame`]), the installation path while it is
//! not installed (administrators; others read that it is not installed yet),
//! `POST /apps/{id}/installed` when the installer's BX24.js calls
//! `installFinish`, and the CRM record tabs applications bind (see [`tabs`]).

pub mod frame;
pub mod tabs;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::html;
use portico_store::apps::App;
use portico_store::{StoreError, User};

use super::i18n::Lang;
use super::page::{self, Section};
use super::session::{CheckedForm, Signed};
use crate::state::AppState;
use frame::{allow_frame, bitrix_lang, FrameTarget};

/// The application pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/apps/{id}", get(show))
        .route("/apps/{id}/installed", post(installed))
        .route("/crm/{entity}/{id}/apps/{placement}", get(tabs::show))
}

/// An application's menu text in `lang`, else in English, else its name.
pub fn menu_text(app: &App, lang: Lang) -> String {
    let find = |code: &str| {
        app.menu_texts
            .iter()
            .find(|(l, t)| l == code && !t.trim().is_empty())
            .map(|(_, t)| t.clone())
    };
    find(bitrix_lang(lang))
        .or_else(|| find("en"))
        .unwrap_or_else(|| app.name.clone())
}

/// Whether `user` may see `app` in the portal: an application with a user
/// interface, installed — or not yet, for administrators, who finish its
/// installation.
pub fn visible_to(app: &App, user: &User) -> bool {
    !app.script_only && (app.installed_at.is_some() || user.is_admin)
}

/// The left menu's application entries for `user`: (id, menu text).
pub async fn menu_entries(
    state: &AppState,
    user: &User,
    lang: Lang,
) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(state
        .store
        .list_apps()
        .await?
        .iter()
        .filter(|app| visible_to(app, user))
        .map(|app| (app.id, menu_text(app, lang)))
        .collect())
}

/// The application of a page's path with a user interface, or the 404 page.
async fn app_of_path(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    id: &str,
) -> Result<App, Response> {
    let Some(id) = super::parse_id(id) else {
        return Err(page::not_found(&signed.tr));
    };
    match state.store.app_by_id(id).await {
        Ok(Some(app)) if !app.script_only => Ok(app),
        Ok(_) => Err(page::not_found(&signed.tr)),
        Err(e) => Err(page::internal_error(headers, e)),
    }
}

/// `GET /apps/{id}`: the application in its frame; while it is not installed,
/// its installer for administrators and a notice for everyone else.
async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    let mut app = match app_of_path(&state, &headers, &signed, &id).await {
        Ok(app) => app,
        Err(res) => return res,
    };
    let tr = &signed.tr;
    let title = menu_text(&app, tr.lang);
    if app.installed_at.is_none() && !signed.user.is_admin {
        let body = html! {
            h1 { (title) }
            p.notice #app-not-installed { (tr.t("app-page-not-installed")) }
        };
        return page::page(&signed, Section::App(app.id), &title, body);
    }
    let install_url = app.install_url.clone();
    let installing = app.installed_at.is_none() && install_url.is_some();
    if app.installed_at.is_none() && install_url.is_none() {
        // Without an installation path there is nothing to wait for.
        let now = state.clock.now();
        if let Err(e) = state.store.set_app_installed(app.id, now).await {
            return page::internal_error(&headers, e);
        }
        app.installed_at = Some(now);
    }
    let url = match (&install_url, installing) {
        (Some(url), true) => url.clone(),
        _ => app.handler_url.clone(),
    };
    let target = FrameTarget {
        app: &app,
        url: &url,
        placement: "DEFAULT",
        options: "{}".to_owned(),
        install: installing,
    };
    let frame = match frame::render(&state, &headers, &signed, target).await {
        Ok(frame) => frame,
        Err(res) => return res,
    };
    let body = html! {
        h1 { (title) }
        @if installing {
            p.notice #app-installing { (tr.t("app-installing")) }
        }
        (frame.markup)
    };
    let res = page::page_with_scripts(
        &signed,
        Section::App(app.id),
        &title,
        &["/static/app_frame.js"],
        body,
    );
    allow_frame(res, &frame.origin)
}

/// `POST /apps/{id}/installed`: the installer called `installFinish`
/// (administrators; the form carries the session's CSRF token).
async fn installed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    if let Err(res) = signed.require_admin() {
        return res;
    }
    let app = match app_of_path(&state, &headers, &signed, &id).await {
        Ok(app) => app,
        Err(res) => return res,
    };
    match state
        .store
        .set_app_installed(app.id, state.clock.now())
        .await
    {
        Ok(_) => {
            tracing::info!(target: "portico::apps", app = app.id, by = signed.user.id, "application installed");
            Redirect::to(&format!("/apps/{}", app.id)).into_response()
        }
        Err(e) => page::internal_error(&headers, e),
    }
}
