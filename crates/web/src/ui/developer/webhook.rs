//! Creating, editing and deleting inbound webhooks from the UI. Any user may
//! create one; only its owner sees its key; an administrator may edit anyone's,
//! and saving someone else's webhook regenerates its key and makes the
//! administrator its owner (the old key dies at once, as in Bitrix24).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate, TimeZone};
use portico_store::secrets::{is_webhook_secret_shape, new_webhook_secret};
use portico_store::{NewWebhook, StoreError, Webhook, WebhookChange};
use serde::Deserialize;

use super::form::{render, WebhookForm};
use super::plan_gate::{self, Creation};
use super::{cases, public_base, visible_webhook};
use crate::state::AppState;
use crate::ui::page::{self, Section};
use crate::ui::session::{tokens_match, CheckedForm, FormData, Signed};

/// The builder's method when nothing suggests one.
const DEFAULT_METHOD: &str = "profile";
/// Longest webhook name.
const MAX_NAME_CHARS: usize = 100;

/// Query of the form pages.
#[derive(Debug, Default, Deserialize)]
pub struct FormQuery {
    case: Option<String>,
    done: Option<String>,
    method: Option<String>,
}

/// The page around a form.
fn form_page(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    form: &WebhookForm,
) -> Response {
    let base = public_base(state, headers);
    let title = if form.id.is_some() {
        signed
            .tr
            .t_with("webhook-edit-title", &[("name", &form.name)])
    } else {
        signed.tr.t("webhook-new-title")
    };
    page::page_with_scripts(
        signed,
        Section::Developer,
        &title,
        &["/static/builder.js"],
        render(signed, form, &base, &state.registry.scopes()),
    )
}

/// The expiry instant of a date: the end of that day in the portal's time zone.
fn expiry_instant(state: &AppState, date: NaiveDate) -> Option<i64> {
    let next = date
        .checked_add_signed(Duration::days(1))?
        .and_hms_opt(0, 0, 0)?;
    state
        .clock
        .offset
        .from_local_datetime(&next)
        .single()
        .map(|d| d.timestamp())
}

/// The date shown for an expiry instant.
fn expiry_date(state: &AppState, at: Option<i64>) -> String {
    at.and_then(|s| chrono::DateTime::from_timestamp(s - 1, 0))
        .map(|d| {
            d.with_timezone(&state.clock.offset)
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default()
}

/// The proof that the server proposed `key` to the session with CSRF token `csrf`:
/// the portal's keyed hash of both, hex.
fn key_proof(state: &AppState, csrf: &str, key: &str) -> String {
    state
        .secrets
        .lookup_hash(&format!("proposed-webhook-key:{csrf}:{key}"))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The key a new-webhook form carries, if the server proposed it to this session;
/// otherwise (or on "regenerate") a fresh one.
fn proposed_key(state: &AppState, signed: &Signed, form: &FormData, regenerate: bool) -> String {
    let proven = match (form.get("key"), form.get("key_proof")) {
        (Some(key), Some(proof)) if is_webhook_secret_shape(key) => {
            tokens_match(proof, &key_proof(state, &signed.csrf, key)).then(|| key.to_owned())
        }
        _ => None,
    };
    proven
        .filter(|_| !regenerate)
        .unwrap_or_else(new_webhook_secret)
}

/// Name, scopes and expiry read from a submitted form and checked.
struct Submitted {
    name: String,
    scopes: Vec<String>,
    expires: String,
    expires_at: Option<i64>,
}

/// Reads the common fields; `Err` carries the message id of the first problem.
fn read_fields(state: &AppState, form: &FormData) -> (Submitted, Option<&'static str>) {
    let offered = state.registry.scopes();
    let mut problem = None;
    let name = form.text("name");
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        problem = Some("webhook-error-name");
    }
    let mut scopes = Vec::new();
    for scope in form.all("scope") {
        if !offered.contains(&scope) {
            problem = problem.or(Some("webhook-error-scope"));
        } else if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    let expires = form.text("expires");
    let mut expires_at = None;
    if !expires.is_empty() {
        match NaiveDate::parse_from_str(&expires, "%Y-%m-%d")
            .ok()
            .and_then(|d| expiry_instant(state, d))
        {
            Some(at) if at > state.clock.now() => expires_at = Some(at),
            _ => problem = problem.or(Some("webhook-error-expires")),
        }
    }
    (
        Submitted {
            name,
            scopes,
            expires,
            expires_at,
        },
        problem,
    )
}

/// `GET /developer/webhooks/new[?case=…]`: a new webhook with a fresh key.
pub async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Query(q): Query<FormQuery>,
) -> Response {
    if let Some(refused) = plan_gate::refusal(&state, &signed, Creation::Webhook) {
        return refused;
    }
    let case = q.case.as_deref().and_then(cases::find);
    let key = new_webhook_secret();
    let form = WebhookForm {
        id: None,
        case: case.map(|c| c.id.to_owned()),
        name: case
            .map(|c| signed.tr.t(c.title))
            .unwrap_or_else(|| signed.tr.t("webhook-default-name")),
        key: Some(key.clone()),
        key_proof: Some(key_proof(&state, &signed.csrf, &key)),
        scopes: case
            .map(|c| c.scopes.iter().map(|s| (*s).to_owned()).collect())
            .unwrap_or_default(),
        expires: String::new(),
        owner: signed.user.clone(),
        method: case.map_or(DEFAULT_METHOD, |c| c.method).to_owned(),
        error: None,
        notice: None,
    };
    form_page(&state, &headers, &signed, &form)
}

/// `POST /developer/webhooks/new`: saves it (or only shows a new key for "regenerate").
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    if let Some(refused) = plan_gate::refusal(&state, &signed, Creation::Webhook) {
        return refused;
    }
    let (fields, problem) = read_fields(&state, &form);
    let case = form.get("case").and_then(cases::find);
    let method = case.map_or(DEFAULT_METHOD, |c| c.method).to_owned();
    let regenerate = form.get("action") == Some("regenerate");
    let key = proposed_key(&state, &signed, &form, regenerate);
    if regenerate || problem.is_some() {
        let view = WebhookForm {
            id: None,
            case: case.map(|c| c.id.to_owned()),
            name: fields.name,
            key_proof: Some(key_proof(&state, &signed.csrf, &key)),
            key: Some(key),
            scopes: fields.scopes,
            expires: fields.expires,
            owner: signed.user.clone(),
            method,
            error: problem.map(|p| signed.tr.t(p)),
            notice: regenerate.then(|| signed.tr.t("webhook-key-regenerated")),
        };
        let mut res = form_page(&state, &headers, &signed, &view);
        if problem.is_some() && !regenerate {
            *res.status_mut() = StatusCode::BAD_REQUEST;
        }
        return res;
    }
    let mut key = key;
    for attempt in 0..2 {
        let inserted = state
            .store
            .insert_webhook(NewWebhook {
                user_id: signed.user.id,
                name: fields.name.clone(),
                scopes: fields.scopes.clone(),
                secret_hash: state.secrets.lookup_hash(&key),
                secret_encrypted: state.secrets.encrypt(&key),
                expires_at: fields.expires_at,
                created_at: state.clock.now(),
            })
            .await;
        match inserted {
            Ok(id) => {
                tracing::info!(target: "portico::web", webhook = id, user = signed.user.id, "webhook created");
                let target = format!(
                    "/developer/webhooks/{id}?done=created&method={}",
                    form_urlencoded::byte_serialize(method.as_bytes()).collect::<String>()
                );
                return Redirect::to(&target).into_response();
            }
            Err(StoreError::Conflict(_)) if attempt == 0 => key = new_webhook_secret(),
            Err(e) => return page::internal_error(&headers, e),
        }
    }
    page::internal_error(&headers, "no free webhook key")
}

/// The form of a stored webhook as `signed` may see it.
async fn stored_form(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    hook: &Webhook,
    method: String,
) -> Result<WebhookForm, Response> {
    let owner = state
        .store
        .user_by_id(hook.user_id)
        .await
        .map_err(|e| page::internal_error(headers, e))?
        .ok_or_else(|| page::not_found(&signed.tr))?;
    let key = if hook.user_id == signed.user.id {
        state.secrets.decrypt(&hook.secret_encrypted)
    } else {
        None
    };
    Ok(WebhookForm {
        id: Some(hook.id),
        case: None,
        name: hook.name.clone(),
        key,
        key_proof: None,
        scopes: hook.scopes.clone(),
        expires: expiry_date(state, hook.expires_at),
        owner,
        method,
        error: None,
        notice: None,
    })
}

/// `GET /developer/webhooks/{id}`.
pub async fn edit_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<FormQuery>,
) -> Response {
    let hook = match visible_webhook(&state, &headers, &signed, &id).await {
        Ok(hook) => hook,
        Err(res) => return res,
    };
    let method = q
        .method
        .filter(|m| state.registry.get(m).is_some())
        .unwrap_or_else(|| DEFAULT_METHOD.to_owned());
    let mut form = match stored_form(&state, &headers, &signed, &hook, method).await {
        Ok(form) => form,
        Err(res) => return res,
    };
    form.notice = match q.done.as_deref() {
        Some("created") => Some(signed.tr.t("webhook-created")),
        Some("saved") => Some(signed.tr.t("webhook-saved")),
        Some("regenerated") => Some(signed.tr.t("webhook-key-regenerated")),
        _ => None,
    };
    form_page(&state, &headers, &signed, &form)
}

/// `POST /developer/webhooks/{id}`: saves settings; "regenerate", or an
/// administrator saving someone else's webhook, also replaces the key.
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let hook = match visible_webhook(&state, &headers, &signed, &id).await {
        Ok(hook) => hook,
        Err(res) => return res,
    };
    let (fields, problem) = read_fields(&state, &form);
    if let Some(problem) = problem {
        let mut view =
            match stored_form(&state, &headers, &signed, &hook, DEFAULT_METHOD.into()).await {
                Ok(view) => view,
                Err(res) => return res,
            };
        view.name = fields.name;
        view.scopes = fields.scopes;
        view.expires = fields.expires;
        view.error = Some(signed.tr.t(problem));
        let mut res = form_page(&state, &headers, &signed, &view);
        *res.status_mut() = StatusCode::BAD_REQUEST;
        return res;
    }
    let foreign = hook.user_id != signed.user.id;
    let regenerate = foreign || form.get("action") == Some("regenerate");
    let new_secret = regenerate.then(|| {
        let key = new_webhook_secret();
        (state.secrets.lookup_hash(&key), state.secrets.encrypt(&key))
    });
    let change = WebhookChange {
        user_id: signed.user.id,
        name: fields.name,
        scopes: fields.scopes,
        expires_at: fields.expires_at,
        new_secret,
    };
    match state.store.update_webhook(hook.id, change).await {
        Ok(true) => {}
        Ok(false) => return page::not_found(&signed.tr),
        Err(e) => return page::internal_error(&headers, e),
    }
    if foreign {
        tracing::info!(target: "portico::web", webhook = hook.id, from = hook.user_id, to = signed.user.id, "webhook taken over; key regenerated");
    } else if regenerate {
        tracing::info!(target: "portico::web", webhook = hook.id, "webhook key regenerated");
    }
    let done = if regenerate { "regenerated" } else { "saved" };
    Redirect::to(&format!("/developer/webhooks/{}?done={done}", hook.id)).into_response()
}

/// `GET /developer/webhooks/{id}/delete`: asks for confirmation.
pub async fn confirm_delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    let hook = match visible_webhook(&state, &headers, &signed, &id).await {
        Ok(hook) => hook,
        Err(res) => return res,
    };
    let tr = &signed.tr;
    super::confirm_delete_page(
        &signed,
        &tr.t_with("webhook-delete-title", &[("name", &hook.name)]),
        &tr.t("webhook-delete-warning"),
        &format!("/developer/webhooks/{}/delete", hook.id),
        "/developer/integrations",
    )
}

/// `POST /developer/webhooks/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    let hook = match visible_webhook(&state, &headers, &signed, &id).await {
        Ok(hook) => hook,
        Err(res) => return res,
    };
    if let Err(e) = state.store.delete_webhook(hook.id).await {
        return page::internal_error(&headers, e);
    }
    tracing::info!(target: "portico::web", webhook = hook.id, user = signed.user.id, "webhook deleted");
    Redirect::to("/developer/integrations?done=deleted").into_response()
}
