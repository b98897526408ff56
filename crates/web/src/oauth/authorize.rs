//! `/oauth/authorize/?client_id=…&state=…`: the signed-in user (signing in
//! first if needed) sees which installed application asks for which scopes
//! and allows or refuses it. Allowing makes a code valid for 30 seconds and
//! sends the browser to the application's handler path (the redirect URI is
//! the one in the application's settings, never the request's) with `code`,
//! `state`, `domain`, `member_id`, `scope` and `server_domain`. Failures are
//! shown on Portico's own page, never redirected.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use portico_store::apps::App;
use portico_store::secrets::new_oauth_token;
use serde::Deserialize;

use crate::portal::{domain_of, member_id};
use crate::state::AppState;
use crate::ui::developer::public_base;
use crate::ui::page::{self, Section};
use crate::ui::session::{CheckedForm, Signed};

/// Longest `state` echoed back, in bytes.
const MAX_STATE_LEN: usize = 2_048;

/// The query of `GET /oauth/authorize/`.
#[derive(Debug, Default, Deserialize)]
pub struct AuthorizeQuery {
    client_id: Option<String>,
    state: Option<String>,
}

/// The installed application with this `client_id`, or the page that says
/// why there is none.
async fn installed_app(
    state: &AppState,
    signed: &Signed,
    client_id: &str,
) -> Result<App, Response> {
    let found = if client_id.is_empty() || client_id.len() > 64 {
        None
    } else {
        match state.store.app_by_client_id(client_id).await {
            Ok(found) => found,
            Err(e) => {
                tracing::error!(error = %e, "application lookup failed");
                return Err(page::error_page(
                    &signed.tr,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal",
                ));
            }
        }
    };
    match found {
        None => Err(page::error_page(
            &signed.tr,
            StatusCode::BAD_REQUEST,
            "oauth-unknown-app",
        )),
        Some(app) if app.installed_at.is_none() => Err(page::error_page(
            &signed.tr,
            StatusCode::BAD_REQUEST,
            "oauth-not-installed",
        )),
        Some(app) => Ok(app),
    }
}

/// `GET /oauth/authorize/`: the consent page.
pub async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<AuthorizeQuery>,
) -> Response {
    let client_id = query.client_id.unwrap_or_default();
    let app = match installed_app(&state, &signed, client_id.trim()).await {
        Ok(app) => app,
        Err(page) => return page,
    };
    let echo = query.state.unwrap_or_default();
    if echo.len() > MAX_STATE_LEN {
        return page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "oauth-bad-request");
    }
    let tr = &signed.tr;
    let title = tr.t("oauth-title");
    let body = html! {
        h1 { (title) }
        p #oauth-question { (tr.t("oauth-question")) " " strong #oauth-app { (app.name) } }
        p { (tr.t("oauth-as")) " " strong { (page::display_name(&signed.user)) } }
        h2 { (tr.t("oauth-scopes")) }
        ul #oauth-scopes {
            @for scope in &app.scopes { li { code { (scope) } } }
        }
        form #oauth-form method="post" action="/oauth/authorize/" {
            input type="hidden" name="csrf" value=(signed.csrf);
            input type="hidden" name="client_id" value=(app.client_id);
            input type="hidden" name="state" value=(echo);
            div.row {
                button.primary #oauth-allow type="submit" name="decision" value="allow" { (tr.t("oauth-allow")) }
                button #oauth-deny type="submit" name="decision" value="deny" { (tr.t("oauth-deny")) }
            }
        }
    };
    let mut res = page::page(&signed, Section::Developer, &title, body);
    allow_redirect_to(&mut res, &app.handler_url);
    res
}

/// Lets the consent form's answer redirect to the application: browsers apply
/// the page's `form-action` to where a submitted form is redirected.
fn allow_redirect_to(res: &mut Response, handler_url: &str) {
    if let Some(origin) = page::origin_of(handler_url) {
        page::allow_origin(res, &origin, false);
    }
}

/// `POST /oauth/authorize/`: allow (code and redirect) or refuse.
pub async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let app = match installed_app(&state, &signed, &form.text("client_id")).await {
        Ok(app) => app,
        Err(page) => return page,
    };
    let echo = form.get("state").unwrap_or_default().to_owned();
    if echo.len() > MAX_STATE_LEN {
        return page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "oauth-bad-request");
    }
    if form.get("decision") != Some("allow") {
        tracing::info!(target: "portico::oauth", app = app.id, user = signed.user.id, "authorization refused");
        return page::error_page(&signed.tr, StatusCode::OK, "oauth-refused");
    }
    let code = new_oauth_token();
    let expires_at = state.clock.now() + state.oauth.code_ttl;
    let stored = state
        .store
        .insert_auth_code(
            state.secrets.lookup_hash(&code),
            app.id,
            signed.user.id,
            expires_at,
        )
        .await;
    let member = match stored {
        Ok(()) => member_id(state.store.as_ref()).await,
        Err(e) => Err(e),
    };
    let member = match member {
        Ok(member) => member,
        Err(e) => return page::internal_error(&headers, e),
    };
    tracing::info!(target: "portico::oauth", app = app.id, user = signed.user.id, "authorization code issued");
    let domain = domain_of(&public_base(&state, &headers));
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("code", &code)
        .append_pair("state", &echo)
        .append_pair("domain", &domain)
        .append_pair("member_id", &member)
        .append_pair("scope", &app.scopes.join(","))
        .append_pair("server_domain", &domain)
        .finish();
    let joiner = if app.handler_url.contains('?') {
        '&'
    } else {
        '?'
    };
    Redirect::to(&format!("{}{joiner}{query}", app.handler_url)).into_response()
}
