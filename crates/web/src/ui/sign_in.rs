//! `GET/POST /login`, `POST /logout` and `POST /settings/language`. A sign-in is
//! counted in the store before its password is checked (see [`super::sign_in_limits`]),
//! and waits for a place in the bounded password-check gate; unknown logins and
//! users without a password cost the same work. After signing in, the browser
//! goes to a local path only, and the sign-in is recorded as the user's last
//! login and activity.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use portico_store::sign_in_attempts::sign_in_wait;
use portico_store::users::USER;
use portico_store::Admission;
use portico_store::FieldValue;
use serde::Deserialize;

use super::i18n::{Lang, Tr};
use super::local_path::local_path_or_default;
use super::page;
use super::session::{
    self, cookie, random_token, request_lang, set_cookie, tokens_match, CheckedForm, FormData,
    LANG_SETTING, SESSION_COOKIE, SIGN_IN_CSRF_COOKIE,
};
use super::sign_in_limits::{AttemptKeys, BUSY_RETRY_SECONDS};
use crate::client_addr::ClientAddr;
use crate::state::AppState;

/// A PHC hash verified against when the login is unknown, so that answer takes as long.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8kBPCH6ESRbyEfA7QjU6qvTJPgbYp/gbfkOQ1e7L9Kk";

/// The sign-in form, with a fresh CSRF cookie.
fn sign_in_form(
    state: &AppState,
    tr: &Tr,
    status: StatusCode,
    next: &str,
    login: &str,
    error: Option<String>,
) -> Response {
    let csrf = random_token();
    let mut res = page::bare(
        tr,
        status,
        &tr.t("sign-in-title"),
        html! {
            h1 { (tr.t("sign-in-title")) }
            @if let Some(error) = &error {
                p.error role="alert" #sign-in-error { (error) }
            }
            form.card.stack method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="next" value=(next);
                input type="hidden" name="lang" value=(tr.lang.tag());
                label for="login" { (tr.t("sign-in-login")) }
                input #login name="login" type="text" autocomplete="username" required autofocus value=(login);
                label for="password" { (tr.t("sign-in-password")) }
                input #password name="password" type="password" autocomplete="current-password" required;
                button.primary type="submit" { (tr.t("sign-in-submit")) }
            }
            nav.langs aria-label=(tr.t("language")) {
                @for lang in Lang::ALL {
                    a href={ "/login?lang=" (lang.tag()) } lang=(lang.tag()) { (lang.native_name()) } " "
                }
            }
        },
    );
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, SIGN_IN_CSRF_COOKIE, &csrf, 3600),
    );
    res
}

/// The language of a signed-out page: `?lang=`, else Accept-Language.
fn signed_out_lang(headers: &HeaderMap, lang: Option<&str>) -> Tr {
    Tr::new(request_lang(headers, lang))
}

/// Query of the sign-in page: where to go next, and an optional language.
#[derive(Debug, Default, Deserialize)]
pub struct SignInPageQuery {
    next: Option<String>,
    lang: Option<String>,
}

/// `GET /login`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SignInPageQuery>,
) -> Response {
    let tr = signed_out_lang(&headers, q.lang.as_deref());
    let next = local_path_or_default(q.next.as_deref());
    sign_in_form(&state, &tr, StatusCode::OK, &next, "", None)
}

/// The sign-in form again with a 429 and `Retry-After: wait` (seconds), saying
/// `message`.
fn refused_for_now(
    state: &AppState,
    tr: &Tr,
    next: &str,
    login: &str,
    wait: i64,
    message: String,
) -> Response {
    let mut res = sign_in_form(
        state,
        tr,
        StatusCode::TOO_MANY_REQUESTS,
        next,
        login,
        Some(message),
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait.max(1)));
    res
}

/// The answer to an attempt refused by the limits: wait `wait` seconds.
fn throttled(state: &AppState, tr: &Tr, next: &str, login: &str, wait: i64) -> Response {
    tracing::info!(target: "portico::web", wait, "sign-in throttled");
    let minutes = (wait + 59) / 60;
    let message = tr.t_count("sign-in-throttled", "minutes", minutes);
    refused_for_now(state, tr, next, login, wait, message)
}

/// `POST /login`.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Query(q): Query<SignInPageQuery>,
    form: FormData,
) -> Response {
    let tr = signed_out_lang(&headers, form.get("lang"));
    let login = form.text("login");
    let next = local_path_or_default(form.get("next").or(q.next.as_deref()));
    let csrf_ok = match (cookie(&headers, SIGN_IN_CSRF_COOKIE), form.get("csrf")) {
        (Some(a), Some(b)) => tokens_match(a, b),
        _ => false,
    };
    if !csrf_ok {
        return page::error_page(&tr, StatusCode::FORBIDDEN, "error-csrf");
    }
    let now = state.clock.now();
    let keys = AttemptKeys::new(&state.secrets, &login, client);
    let rules = keys.rules();
    // A locked key is refused with reads only, before taking a place or writing.
    match sign_in_wait(&*state.store, &rules, now).await {
        Ok(Admission::Allowed) => {}
        Ok(Admission::RetryAfter(wait)) => return throttled(&state, &tr, &next, &login, wait),
        Err(e) => return page::internal_error(&headers, e),
    }
    let Some(place) = state.ui.password_checks.enter() else {
        tracing::warn!(target: "portico::web", "sign-in refused: password checks busy");
        let message = tr.t("sign-in-busy");
        return refused_for_now(&state, &tr, &next, &login, BUSY_RETRY_SECONDS, message);
    };
    match state.store.begin_sign_in_attempt(&rules, now).await {
        Ok(Admission::Allowed) => {}
        Ok(Admission::RetryAfter(wait)) => return throttled(&state, &tr, &next, &login, wait),
        Err(e) => return page::internal_error(&headers, e),
    }
    let user = match state.store.user_by_login(&login).await {
        Ok(user) => user,
        Err(e) => return page::internal_error(&headers, e),
    };
    let password = form.get("password").unwrap_or("").to_owned();
    // A user without a password (invited through `user.add`) cannot sign in,
    // and the refusal takes as long as a wrong password's.
    let has_password = user.as_ref().is_some_and(|u| !u.password_hash.is_empty());
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .filter(|_| has_password)
        .unwrap_or_else(|| DUMMY_HASH.to_owned());
    let verified = place.verify(password, hash).await && has_password;
    let user = match user {
        Some(user) if verified && user.active => user,
        _ => {
            tracing::info!(target: "portico::web", "sign-in refused");
            return sign_in_form(
                &state,
                &tr,
                StatusCode::UNAUTHORIZED,
                &next,
                &login,
                Some(tr.t("sign-in-failed")),
            );
        }
    };
    // The pair is forgiven; the address and the login only lose this attempt,
    // so a success does not wipe failures of others.
    if let Err(e) = state
        .store
        .forgive_sign_in_attempt(&[keys.pair], &[keys.address, keys.login])
        .await
    {
        return page::internal_error(&headers, e);
    }
    let cookie = match session::start(&state, user.id).await {
        Ok(cookie) => cookie,
        Err(e) => return page::internal_error(&headers, e),
    };
    record_sign_in(&state, user.id, now).await;
    tracing::info!(target: "portico::web", user = user.id, "signed in");
    let mut res = Redirect::to(&next).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SIGN_IN_CSRF_COOKIE, "", 0),
    );
    res
}

/// Records a sign-in as the user's `LAST_LOGIN` and `LAST_ACTIVITY_DATE`
/// (which makes them online for a while, `IS_ONLINE`); a failure is logged and
/// does not stop the sign-in.
async fn record_sign_in(state: &AppState, user_id: i64, now: i64) {
    let at = |name: &str| USER.index_of(name).map(|p| (p, FieldValue::Int(now)));
    let values = [at("LAST_LOGIN"), at("LAST_ACTIVITY_DATE")]
        .into_iter()
        .flatten()
        .collect();
    if let Err(e) = state.store.update_user(user_id, values, Vec::new()).await {
        tracing::warn!(target: "portico::web", user = user_id, error = %e, "could not record the sign-in");
    }
}

/// `POST /logout`.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    if let Err(e) = state.store.delete_session(&signed.token_hash).await {
        return page::internal_error(&headers, e);
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", 0),
    );
    res
}

/// `POST /settings/language`: stores the user's language and goes back.
pub async fn set_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let Some(lang) = form.get("lang").and_then(Lang::from_tag) else {
        return page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "error-bad-form");
    };
    if let Err(e) = state
        .store
        .set_user_setting(signed.user.id, LANG_SETTING, lang.tag())
        .await
    {
        return page::internal_error(&headers, e);
    }
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url_path(r, &headers));
    Redirect::to(&local_path_or_default(back.as_deref())).into_response()
}

/// The path and query of a same-host referrer URL.
fn url_path(referer: &str, headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let path_at = rest.find('/')?;
    (rest[..path_at] == *host).then(|| rest[path_at..].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_parses() {
        assert!(argon2::password_hash::PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
