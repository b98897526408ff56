//! Signing in: session cookies (a random token whose SHA-256 is the stored key),
//! the [`Signed`] extractor every page uses, CSRF tokens for every form, the
//! url-encoded [`FormData`] body.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use portico_store::{Session, User};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::i18n::{Lang, Tr};
use super::page;
use crate::state::AppState;

/// The session cookie.
pub const SESSION_COOKIE: &str = "portico_session";
/// The cookie holding the sign-in form's CSRF token (there is no session yet).
pub const SIGN_IN_CSRF_COOKIE: &str = "portico_signin_csrf";
/// How long a session lasts, in seconds (7 days).
pub const SESSION_SECONDS: i64 = 7 * 24 * 3600;
/// The user setting holding the UI language.
pub const LANG_SETTING: &str = "lang";

/// A fresh random token: 32 bytes from the OS, base64url.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored key of a session token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Constant-time equality of two tokens.
pub fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure behind HTTPS;
/// `max_age` 0 removes the cookie.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.ui.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// The language for a request: the user's setting, else Accept-Language.
pub fn request_lang(headers: &HeaderMap, setting: Option<&str>) -> Lang {
    setting.and_then(Lang::from_tag).unwrap_or_else(|| {
        Lang::negotiate(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        )
    })
}

/// A signed-in user, as every page past the sign-in sees them.
#[derive(Clone, Debug)]
pub struct Signed {
    /// The user.
    pub user: User,
    /// The session's CSRF token, echoed by every form.
    pub csrf: String,
    /// The session's key (for signing out).
    pub token_hash: Vec<u8>,
    /// The page language.
    pub tr: Tr,
    /// The applications the left menu lists for this user: (id, menu text).
    pub apps_menu: Vec<(i64, String)>,
    /// How many of the user's notifications are unread (the top bar's bell).
    pub unread_notifications: i64,
    /// The last live update committed before the page was read: the page's
    /// live stream starts after it, so nothing committed since is missed.
    pub live_after: i64,
}

impl Signed {
    /// Refuses (403 page) anyone but an administrator.
    pub fn require_admin(&self) -> Result<(), Response> {
        if self.user.is_admin {
            Ok(())
        } else {
            Err(page::error_page(
                &self.tr,
                StatusCode::FORBIDDEN,
                "error-admin-only",
            ))
        }
    }

    /// Refuses (403 page) a form whose `csrf` field is not this session's token.
    pub fn check_csrf(&self, form: &FormData) -> Result<(), Response> {
        match form.get("csrf") {
            Some(token) if tokens_match(token, &self.csrf) => Ok(()),
            _ => Err(page::error_page(
                &self.tr,
                StatusCode::FORBIDDEN,
                "error-csrf",
            )),
        }
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_sign_in = || {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = if parts.method == Method::GET {
                format!(
                    "/login?next={}",
                    form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                )
            } else {
                "/login".to_owned()
            };
            Redirect::to(&target).into_response()
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_sign_in());
        };
        let hash = token_hash(token);
        let found = state
            .store
            .session_by_hash(&hash, state.clock.now())
            .await
            .map_err(|e| page::internal_error(&parts.headers, e))?;
        let Some((session, user)) = found else {
            return Err(to_sign_in());
        };
        if !user.active {
            return Err(to_sign_in());
        }
        let setting = state
            .store
            .user_setting(user.id, LANG_SETTING)
            .await
            .map_err(|e| page::internal_error(&parts.headers, e))?;
        let tr = Tr::new(request_lang(&parts.headers, setting.as_deref()));
        let apps_menu = super::apps::menu_entries(state, &user, tr.lang)
            .await
            .map_err(|e| page::internal_error(&parts.headers, e))?;
        // Before anything the page shows: what commits later comes live.
        let live_after = state
            .store
            .live_last_id()
            .await
            .map_err(|e| page::internal_error(&parts.headers, e))?;
        let unread_notifications = state
            .store
            .count_notifications(user.id)
            .await
            .map_err(|e| page::internal_error(&parts.headers, e))?
            .unread;
        Ok(Signed {
            user,
            csrf: session.csrf_token,
            token_hash: session.token_hash,
            tr,
            apps_menu,
            unread_notifications,
            live_after,
        })
    }
}

/// A signed-in user's submitted form whose CSRF token matched the session's:
/// state-changing handlers take this, so none can forget the check.
#[derive(Clone, Debug)]
pub struct CheckedForm {
    /// The signed-in user.
    pub signed: Signed,
    /// The form's fields.
    pub form: FormData,
}

impl FromRequest<AppState> for CheckedForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let signed = Signed::from_request_parts(&mut parts, state).await?;
        let form = FormData::from_request(Request::from_parts(parts, body), state).await?;
        signed.check_csrf(&form)?;
        Ok(CheckedForm { signed, form })
    }
}

/// Starts a session for `user_id`; returns the `Set-Cookie` value.
pub async fn start(
    state: &AppState,
    user_id: i64,
) -> Result<HeaderValue, portico_store::StoreError> {
    let token = random_token();
    let now = state.clock.now();
    state
        .store
        .insert_session(Session {
            token_hash: token_hash(&token),
            user_id,
            csrf_token: random_token(),
            created_at: now,
            expires_at: now + SESSION_SECONDS,
        })
        .await?;
    Ok(set_cookie(state, SESSION_COOKIE, &token, SESSION_SECONDS))
}

/// Largest form body accepted, in bytes.
const MAX_FORM_BYTES: usize = 256 * 1024;

/// An `application/x-www-form-urlencoded` body as its name/value pairs in order.
#[derive(Clone, Debug, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value named `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value named `name`, trimmed, or "" when absent.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").trim().to_owned()
    }

    /// Every value named `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

impl FromRequest<AppState> for FormData {
    type Rejection = Response;

    async fn from_request(req: Request, _state: &AppState) -> Result<Self, Response> {
        let tr = Tr::new(request_lang(req.headers(), None));
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(page::error_page(
                &tr,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "error-bad-form",
            ));
        }
        let body = axum::body::to_bytes(req.into_body(), MAX_FORM_BYTES)
            .await
            .map_err(|_| page::error_page(&tr, StatusCode::PAYLOAD_TOO_LARGE, "error-bad-form"))?;
        Ok(FormData(
            form_urlencoded::parse(&body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; portico_session=xyz"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "b"), Some("2"));
        assert_eq!(cookie(&headers, "c"), None);
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", "ab"));
    }
}
