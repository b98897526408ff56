//! `/oauth/token/`: `grant_type=authorization_code` (with `code`) or
//! `grant_type=refresh_token` (with `refresh_token`), plus `client_id` and
//! `client_secret`, in the query or a form body. The answer is Bitrix24's
//! JSON (`access_token`, `refresh_token`, `expires`, `expires_in`, `scope`,
//! `domain`, `member_id`, `client_endpoint`, `server_endpoint`, `status`,
//! `user_id`); errors are `{"error", "error_description"}` with
//! `invalid_request` (400), `invalid_client` (401), `invalid_grant` (400).
//! A refresh token works once; the access token issued before it keeps
//! working until it expires.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use portico_store::apps::{App, NewGrant};
use portico_store::secrets::{is_oauth_token_shape, new_oauth_token};
use serde_json::json;

use crate::decode::decode;
use crate::portal::{domain_of, member_id, rest_endpoint};
use crate::state::AppState;
use crate::ui::developer::public_base;

/// Longest `client_id` looked up.
const MAX_CLIENT_ID_LEN: usize = 64;

/// An OAuth error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `server_error`.
    pub error: &'static str,
    /// What went wrong, for people.
    pub description: &'static str,
    /// HTTP status.
    pub status: StatusCode,
}

impl TokenError {
    fn invalid_request(description: &'static str) -> Self {
        TokenError {
            error: "invalid_request",
            description,
            status: StatusCode::BAD_REQUEST,
        }
    }

    fn invalid_client() -> Self {
        TokenError {
            error: "invalid_client",
            description: "Invalid client credentials",
            status: StatusCode::UNAUTHORIZED,
        }
    }

    fn invalid_grant(description: &'static str) -> Self {
        TokenError {
            error: "invalid_grant",
            description,
            status: StatusCode::BAD_REQUEST,
        }
    }

    fn server_error() -> Self {
        TokenError {
            error: "server_error",
            description: "Internal server error",
            status: StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for TokenError {
    fn into_response(self) -> Response {
        json_response(
            self.status,
            &json!({"error": self.error, "error_description": self.description}),
        )
    }
}

/// A JSON answer that no cache keeps.
fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut res = Response::new(Body::from(body.to_string()));
    *res.status_mut() = status;
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `GET` or `POST /oauth/token/`.
pub async fn exchange(State(state): State<AppState>, req: Request) -> Response {
    match issue(&state, req).await {
        Ok(res) => res,
        Err(e) => e.into_response(),
    }
}

/// The work of [`exchange`].
async fn issue(state: &AppState, req: Request) -> Result<Response, TokenError> {
    let (parts, body) = req.into_parts();
    let params = decode(
        parts.uri.query(),
        &parts.headers,
        body,
        state.limits.max_body_bytes,
    )
    .await
    .map_err(|_| TokenError::invalid_request("The request could not be read"))?;
    let text = |name: &str| {
        params
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    let grant_type = text("grant_type");
    let app = client(state, &text("client_id"), &text("client_secret")).await?;
    let now = state.clock.now();
    let access = new_oauth_token();
    let refresh = new_oauth_token();
    let ttl = state.oauth;
    let grant = {
        let (access_hash, refresh_hash) = (
            state.secrets.lookup_hash(&access),
            state.secrets.lookup_hash(&refresh),
        );
        let app_id = app.id;
        move |user_id| NewGrant {
            app_id,
            user_id,
            access_hash,
            access_expires_at: now + ttl.access_token_ttl,
            refresh_hash,
            refresh_expires_at: now + ttl.refresh_token_ttl,
            issued_at: now,
        }
    };
    let redeemed = match grant_type.as_str() {
        "authorization_code" => {
            let code = text("code");
            if !is_oauth_token_shape(&code) {
                return Err(TokenError::invalid_grant("Invalid authorization code"));
            }
            let hash = state.secrets.lookup_hash(&code);
            state
                .store
                .redeem_auth_code(hash, app.id, now, Box::new(grant))
                .await
                .map_err(|_| TokenError::server_error())?
                .ok_or(TokenError::invalid_grant("Invalid authorization code"))?
        }
        "refresh_token" => {
            let token = text("refresh_token");
            if !is_oauth_token_shape(&token) {
                return Err(TokenError::invalid_grant("Invalid refresh token"));
            }
            let hash = state.secrets.lookup_hash(&token);
            state
                .store
                .redeem_refresh_token(hash, app.id, now, Box::new(grant))
                .await
                .map_err(|_| TokenError::server_error())?
                .ok_or(TokenError::invalid_grant("Invalid refresh token"))?
        }
        "" => return Err(TokenError::invalid_request("grant_type is missing")),
        _ => return Err(TokenError::invalid_request("Unsupported grant_type")),
    };
    tracing::info!(target: "portico::oauth", app = app.id, user = redeemed, grant_type = %grant_type, "tokens issued");
    let base = public_base(state, &parts.headers);
    let member_id = member_id(state.store.as_ref())
        .await
        .map_err(|_| TokenError::server_error())?;
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "access_token": access,
            "client_endpoint": rest_endpoint(&base),
            "domain": domain_of(&base),
            "expires": now + ttl.access_token_ttl,
            "expires_in": ttl.access_token_ttl,
            "member_id": member_id,
            "refresh_token": refresh,
            "scope": app.scopes.join(","),
            "server_endpoint": rest_endpoint(&base),
            "status": "L",
            "user_id": redeemed,
        }),
    ))
}

/// The application whose credentials these are (secret compared in constant
/// time); anything else is `invalid_client`.
async fn client(state: &AppState, client_id: &str, secret: &str) -> Result<App, TokenError> {
    if client_id.is_empty() || client_id.len() > MAX_CLIENT_ID_LEN || secret.is_empty() {
        return Err(TokenError::invalid_client());
    }
    let app = state
        .store
        .app_by_client_id(client_id)
        .await
        .map_err(|_| TokenError::server_error())?
        .ok_or_else(TokenError::invalid_client)?;
    if !state.secrets.verify(secret, &app.secret_hash) {
        return Err(TokenError::invalid_client());
    }
    Ok(app)
}
