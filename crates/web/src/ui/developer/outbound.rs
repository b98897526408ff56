//! Creating, editing, switching on and deleting outbound webhooks from the UI.
//! Any user may create one; its owner and administrators see and change it,
//! anyone else gets the same 404 as for a missing one. Only the owner sees the
//! application token, and the signing secret only once, right after it was
//! made (creation or "regenerate"); only the owner regenerates them.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use portico_delivery::{new_application_token, new_signing_secret};
use portico_store::{NewOutboundWebhook, OutboundWebhook, OutboundWebhookChange};
use serde::Deserialize;

use super::outbound_form::{read_submitted, render, OutboundForm};
use super::plan_gate::{self, Creation};
use crate::state::AppState;
use crate::ui::page::{self, Section};
use crate::ui::session::{CheckedForm, Signed};

/// Query of the edit page.
#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    done: Option<String>,
}

/// The outbound webhook `id` if the signed-in user may open it (its owner, or
/// any administrator); otherwise the same 404 as for a missing one.
pub async fn visible_outbound(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    id: &str,
) -> Result<OutboundWebhook, Response> {
    let id = super::path_id(signed, id)?;
    let found = state
        .store
        .outbound_webhook_by_id(id)
        .await
        .map_err(|e| page::internal_error(headers, e))?;
    super::visible_to(signed, found, |hook| hook.user_id)
}

/// The page around a form.
fn form_page(signed: &Signed, form: &OutboundForm, status: StatusCode) -> Response {
    let title = match form.id {
        Some(_) => signed
            .tr
            .t_with("outbound-edit-title", &[("name", &form.name)]),
        None => signed.tr.t("outbound-new-title"),
    };
    // builder.js also drives the copy buttons of the token and the secret.
    let mut res = page::page_with_scripts(
        signed,
        Section::Developer,
        &title,
        &["/static/builder.js"],
        render(signed, form),
    );
    *res.status_mut() = status;
    res
}

/// The form of a stored webhook as `signed` may see it (the token for its owner).
async fn stored_form(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    hook: &OutboundWebhook,
) -> Result<OutboundForm, Response> {
    let owner = state
        .store
        .user_by_id(hook.user_id)
        .await
        .map_err(|e| page::internal_error(headers, e))?
        .ok_or_else(|| page::not_found(&signed.tr))?;
    let token = (hook.user_id == signed.user.id)
        .then(|| state.secrets.decrypt(&hook.application_token_sealed))
        .flatten();
    Ok(OutboundForm {
        id: Some(hook.id),
        name: hook.name.clone(),
        handler_url: hook.handler_url.clone(),
        events: hook.events.clone(),
        single_attempt: hook.single_attempt,
        active: hook.active,
        disabled: hook.disabled,
        owner,
        token,
        secret: None,
        error: None,
        notice: None,
    })
}

/// `GET /developer/outbound/new`.
pub async fn new_form(State(state): State<AppState>, signed: Signed) -> Response {
    if let Some(refused) = plan_gate::refusal(&state, &signed, Creation::Outbound) {
        return refused;
    }
    let form = OutboundForm {
        id: None,
        name: signed.tr.t("outbound-default-name"),
        handler_url: String::new(),
        events: Vec::new(),
        single_attempt: false,
        active: true,
        disabled: None,
        owner: signed.user.clone(),
        token: None,
        secret: None,
        error: None,
        notice: None,
    };
    form_page(&signed, &form, StatusCode::OK)
}

/// `POST /developer/outbound/new`: saves it and shows its token and, this
/// once, its signing secret.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    if let Some(refused) = plan_gate::refusal(&state, &signed, Creation::Outbound) {
        return refused;
    }
    let (fields, problem) = read_submitted(&form, state.ui.allow_private_handlers);
    let (Some(handler_url), None) = (fields.checked_url.clone(), problem) else {
        let view = OutboundForm {
            id: None,
            name: fields.name,
            handler_url: fields.handler_url,
            events: fields.events,
            single_attempt: fields.single_attempt,
            active: true,
            disabled: None,
            owner: signed.user.clone(),
            token: None,
            secret: None,
            error: problem.map(|p| signed.tr.t(p)),
            notice: None,
        };
        return form_page(&signed, &view, StatusCode::BAD_REQUEST);
    };
    let token = new_application_token();
    let secret = new_signing_secret();
    let inserted = state
        .store
        .insert_outbound_webhook(NewOutboundWebhook {
            user_id: signed.user.id,
            name: fields.name,
            handler_url,
            events: fields.events,
            application_token_sealed: state.secrets.encrypt(&token),
            signing_secret_sealed: state.secrets.encrypt(&secret),
            single_attempt: fields.single_attempt,
            created_at: state.clock.now(),
        })
        .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) => return page::internal_error(&headers, e),
    };
    tracing::info!(target: "portico::web", outbound_webhook = id, user = signed.user.id, "outbound webhook created");
    let hook = match state.store.outbound_webhook_by_id(id).await {
        Ok(Some(hook)) => hook,
        Ok(None) => return page::not_found(&signed.tr),
        Err(e) => return page::internal_error(&headers, e),
    };
    let mut view = match stored_form(&state, &headers, &signed, &hook).await {
        Ok(view) => view,
        Err(res) => return res,
    };
    view.token = Some(token);
    view.secret = Some(secret);
    view.notice = Some(signed.tr.t("outbound-created"));
    form_page(&signed, &view, StatusCode::OK)
}

/// `GET /developer/outbound/{id}`.
pub async fn edit_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<EditQuery>,
) -> Response {
    let hook = match visible_outbound(&state, &headers, &signed, &id).await {
        Ok(hook) => hook,
        Err(res) => return res,
    };
    let mut form = match stored_form(&state, &headers, &signed, &hook).await {
        Ok(form) => form,
        Err(res) => return res,
    };
    form.notice = match q.done.as_deref() {
        Some("saved") => Some(signed.tr.t("outbound-saved")),
        Some("token") => Some(signed.tr.t("outbound-token-regenerated")),
        Some("enabled") => Some(signed.tr.t("outbound-enabled")),
        _ => None,
    };
    form_page(&signed, &form, StatusCode::OK)
}

/// `POST /developer/outbound/{id}`: saves the settings, or (owner only)
/// regenerates the application token or the signing secret.
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let hook = match visible_outbound(&state, &headers, &signed, &id).await {
        Ok(hook) => hook,
        Err(res) => return res,
    };
    if let Some(action @ ("regenerate-token" | "regenerate-secret")) = form.get("action") {
        let secret = action == "regenerate-secret";
        return regenerate(&state, &headers, &signed, &hook, secret).await;
    }
    let (fields, problem) = read_submitted(&form, state.ui.allow_private_handlers);
    let (Some(handler_url), None) = (fields.checked_url.clone(), problem) else {
        let mut view = match stored_form(&state, &headers, &signed, &hook).await {
            Ok(view) => view,
            Err(res) => return res,
        };
        view.name = fields.name;
        view.handler_url = fields.handler_url;
        view.events = fields.events;
        view.single_attempt = fields.single_attempt;
        view.active = fields.active;
        view.error = problem.map(|p| signed.tr.t(p));
        return form_page(&signed, &view, StatusCode::BAD_REQUEST);
    };
    let change = OutboundWebhookChange {
        name: fields.name,
        handler_url,
        events: fields.events,
        active: fields.active,
        single_attempt: fields.single_attempt,
        at: state.clock.now(),
    };
    match state.store.update_outbound_webhook(hook.id, change).await {
        Ok(true) => {}
        Ok(false) => return page::not_found(&signed.tr),
        Err(e) => return page::internal_error(&headers, e),
    }
    Redirect::to(&format!("/developer/outbound/{}?done=saved", hook.id)).into_response()
}

/// Replaces the token (then back to the edit page) or the signing secret
/// (then shown this once); only the owner may.
async fn regenerate(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    hook: &OutboundWebhook,
    secret: bool,
) -> Response {
    if hook.user_id != signed.user.id {
        return page::error_page(
            &signed.tr,
            StatusCode::FORBIDDEN,
            "outbound-error-owner-only",
        );
    }
    let (token, new_secret) = if secret {
        (None, Some(new_signing_secret()))
    } else {
        (Some(new_application_token()), None)
    };
    let replaced = state
        .store
        .replace_outbound_credentials(
            hook.id,
            token.as_deref().map(|t| state.secrets.encrypt(t)),
            new_secret.as_deref().map(|s| state.secrets.encrypt(s)),
        )
        .await;
    match replaced {
        Ok(true) => {}
        Ok(false) => return page::not_found(&signed.tr),
        Err(e) => return page::internal_error(headers, e),
    }
    tracing::info!(target: "portico::web", outbound_webhook = hook.id, signing_secret = secret, "outbound webhook credential regenerated (value not logged)");
    let Some(new_secret) = new_secret else {
        return Redirect::to(&format!("/developer/outbound/{}?done=token", hook.id))
            .into_response();
    };
    let mut view = match stored_form(state, headers, signed, hook).await {
        Ok(view) => view,
        Err(res) => return res,
    };
    view.secret = Some(new_secret);
    view.notice = Some(signed.tr.t("outbound-secret-regenerated"));
    form_page(signed, &view, StatusCode::OK)
}

/// `POST /developer/outbound/{id}/enable`: switches it on again (forgetting why it was off).
pub async fn enable(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    let hook = match visible_outbound(&state, &headers, &signed, &id).await {
        Ok(hook) => hook,
        Err(res) => return res,
    };
    let change = OutboundWebhookChange {
        name: hook.name,
        handler_url: hook.handler_url,
        events: hook.events,
        active: true,
        single_attempt: hook.single_attempt,
        at: state.clock.now(),
    };
    match state.store.update_outbound_webhook(hook.id, change).await {
        Ok(true) => {}
        Ok(false) => return page::not_found(&signed.tr),
        Err(e) => return page::internal_error(&headers, e),
    }
    tracing::info!(target: "portico::web", outbound_webhook = hook.id, user = signed.user.id, "outbound webhook enabled");
    Redirect::to(&format!("/developer/outbound/{}?done=enabled", hook.id)).into_response()
}

/// `GET /developer/outbound/{id}/delete`: asks for confirmation.
pub async fn confirm_delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    let hook = match visible_outbound(&state, &headers, &signed, &id).await {
        Ok(hook) => hook,
        Err(res) => return res,
    };
    let tr = &signed.tr;
    super::confirm_delete_page(
        &signed,
        &tr.t_with("outbound-delete-title", &[("name", &hook.name)]),
        &tr.t("outbound-delete-warning"),
        &format!("/developer/outbound/{}/delete", hook.id),
        &format!("/developer/outbound/{}", hook.id),
    )
}

/// `POST /developer/outbound/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    let hook = match visible_outbound(&state, &headers, &signed, &id).await {
        Ok(hook) => hook,
        Err(res) => return res,
    };
    if let Err(e) = state.store.delete_outbound_webhook(hook.id).await {
        return page::internal_error(&headers, e);
    }
    tracing::info!(target: "portico::web", outbound_webhook = hook.id, user = signed.user.id, "outbound webhook deleted");
    Redirect::to("/developer/integrations?done=deleted").into_response()
}
