//! Creating, editing, reinstalling and deleting local applications from the
//! UI, through the shared operations of `portico_methods::apps`. Only
//! administrators: every page and every form answers anyone else with the
//! 403 page, before looking anything up. A stored application's page shows
//! its `client_id` and its unsealed `client_secret`.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use portico_methods::apps;
use portico_store::App;
use serde::Deserialize;

use super::app_form::{read_submitted, render, AppForm};
use super::plan_gate::{self, Creation};
use crate::state::AppState;
use crate::ui::page::{self, Section};
use crate::ui::session::{CheckedForm, Signed};

/// Query of the application page.
#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    done: Option<String>,
}

/// The page around a form.
fn form_page(state: &AppState, signed: &Signed, form: &AppForm, status: StatusCode) -> Response {
    let title = match form.stored {
        Some(_) => signed.tr.t_with("app-edit-title", &[("name", &form.name)]),
        None => signed.tr.t("app-new-title"),
    };
    let body = render(signed, form, &state.registry.scopes());
    let mut res = page::page_with_scripts(
        signed,
        Section::Developer,
        &title,
        &["/static/builder.js"],
        body,
    );
    *res.status_mut() = status;
    res
}

/// Application `id` of the path for an administrator: 403 for anyone else,
/// the 404 page when there is none.
async fn stored_app(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    id: &str,
) -> Result<App, Response> {
    signed.require_admin()?;
    let id = super::path_id(signed, id)?;
    state
        .store
        .app_by_id(id)
        .await
        .map_err(|e| page::internal_error(headers, e))?
        .ok_or_else(|| page::not_found(&signed.tr))
}

/// The form of a stored application, its secret unsealed.
fn stored_form(state: &AppState, app: &App) -> AppForm {
    AppForm::of_stored(app, apps::client_secret(&state.secrets, app))
}

/// `GET /developer/apps/new`.
pub async fn new_form(State(state): State<AppState>, signed: Signed) -> Response {
    if let Err(res) = signed.require_admin() {
        return res;
    }
    if let Some(refused) = plan_gate::refusal(&state, &signed, Creation::App) {
        return refused;
    }
    let form = AppForm {
        name: signed.tr.t("app-default-name"),
        ..AppForm::default()
    };
    form_page(&state, &signed, &form, StatusCode::OK)
}

/// `POST /developer/apps/new`: creates it, then opens its page with the credentials.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    if let Err(res) = signed.require_admin() {
        return res;
    }
    if let Some(refused) = plan_gate::refusal(&state, &signed, Creation::App) {
        return refused;
    }
    let (typed, checked) = read_submitted(&form, &state.registry.scopes());
    let draft = match checked {
        Ok(draft) => draft,
        Err(refusal) => {
            let view = AppForm {
                error: Some(refusal.message(&signed.tr)),
                ..typed
            };
            return form_page(&state, &signed, &view, StatusCode::BAD_REQUEST);
        }
    };
    let created = apps::create(
        state.store.as_ref(),
        &state.secrets,
        draft,
        signed.user.id,
        state.clock.now(),
    )
    .await;
    match created {
        Ok(credentials) => {
            Redirect::to(&format!("/developer/apps/{}?done=created", credentials.id))
                .into_response()
        }
        Err(e) => page::internal_error(&headers, e),
    }
}

/// `GET /developer/apps/{id}`: its settings and credentials.
pub async fn edit_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<EditQuery>,
) -> Response {
    let app = match stored_app(&state, &headers, &signed, &id).await {
        Ok(app) => app,
        Err(res) => return res,
    };
    let mut form = stored_form(&state, &app);
    form.notice = match q.done.as_deref() {
        Some("created") => Some(signed.tr.t("app-created")),
        Some("saved") => Some(signed.tr.t("app-saved")),
        Some("reinstalled") => Some(signed.tr.t("app-reinstalled")),
        _ => None,
    };
    form_page(&state, &signed, &form, StatusCode::OK)
}

/// `POST /developer/apps/{id}`: saves its settings (the credentials stay).
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let app = match stored_app(&state, &headers, &signed, &id).await {
        Ok(app) => app,
        Err(res) => return res,
    };
    let (typed, checked) = read_submitted(&form, &state.registry.scopes());
    let draft = match checked {
        Ok(draft) => draft,
        Err(refusal) => {
            let mut view = stored_form(&state, &app).with_typed(typed);
            view.error = Some(refusal.message(&signed.tr));
            return form_page(&state, &signed, &view, StatusCode::BAD_REQUEST);
        }
    };
    match apps::change(state.store.as_ref(), app.id, draft).await {
        Ok(true) => Redirect::to(&format!("/developer/apps/{}?done=saved", app.id)).into_response(),
        Ok(false) => page::not_found(&signed.tr),
        Err(e) => page::internal_error(&headers, e),
    }
}

/// `POST /developer/apps/{id}/reinstall`.
pub async fn reinstall(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    let app = match stored_app(&state, &headers, &signed, &id).await {
        Ok(app) => app,
        Err(res) => return res,
    };
    match apps::reinstall(
        state.store.as_ref(),
        app.id,
        signed.user.id,
        state.clock.now(),
    )
    .await
    {
        Ok(true) => {
            Redirect::to(&format!("/developer/apps/{}?done=reinstalled", app.id)).into_response()
        }
        Ok(false) => page::not_found(&signed.tr),
        Err(e) => page::internal_error(&headers, e),
    }
}

/// `GET /developer/apps/{id}/delete`: asks for confirmation.
pub async fn confirm_delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    let app = match stored_app(&state, &headers, &signed, &id).await {
        Ok(app) => app,
        Err(res) => return res,
    };
    let tr = &signed.tr;
    super::confirm_delete_page(
        &signed,
        &tr.t_with("app-delete-title", &[("name", &app.name)]),
        &tr.t("app-delete-warning"),
        &format!("/developer/apps/{}/delete", app.id),
        &format!("/developer/apps/{}", app.id),
    )
}

/// `POST /developer/apps/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    let app = match stored_app(&state, &headers, &signed, &id).await {
        Ok(app) => app,
        Err(res) => return res,
    };
    match apps::remove(state.store.as_ref(), app.id, state.clock.now()).await {
        Ok(_) => Redirect::to("/developer/integrations?done=deleted").into_response(),
        Err(e) => page::internal_error(&headers, e),
    }
}
