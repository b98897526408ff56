//! The sandbox API under `/sandbox/`: what a test suite uses to drive a portal
//! started by `portico sandbox` — reset to the seeded state, snapshots, the
//! test clock, faults, authorization codes for OAuth clients and captured
//! deliveries.
//!
//! It exists only when the state carries a [`Sandbox`] (a normal `serve`
//! answers 404 there, as for any unknown path) and wants the sandbox key as
//! `Authorization: Bearer KEY`, compared in constant time. Answers are JSON;
//! errors are the protocol's `{"error","error_description"}`.

mod clock;
mod deliveries;
mod delivery_modes;
mod faults;
mod oauth;
mod snapshots;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use portico_protocol::{ApiError, ErrorCode};
use subtle::ConstantTimeEq;

use crate::respond::{self, Transport};
use crate::state::AppState;

pub(crate) use faults::intercept;

/// The snapshot taken when the sandbox starts, which a reset returns to.
pub const SEED_SNAPSHOT: &str = "seed";

/// A sandbox's settings, held by the state of a server started by
/// `portico sandbox`.
pub struct Sandbox {
    /// The key the sandbox API wants as a bearer token.
    key: String,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").finish_non_exhaustive()
    }
}

impl Sandbox {
    /// A sandbox whose API wants `key`.
    pub fn new(key: impl Into<String>) -> Sandbox {
        Sandbox { key: key.into() }
    }

    /// Whether `given` is the sandbox key (constant time).
    fn admits(&self, given: &str) -> bool {
        given.len() == self.key.len() && bool::from(given.as_bytes().ct_eq(self.key.as_bytes()))
    }
}

/// The sandbox API's routes (each answers 404 unless the server is a sandbox).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sandbox/reset", post(snapshots::reset))
        .route("/sandbox/snapshots/{name}", post(snapshots::save))
        .route(
            "/sandbox/snapshots/{name}/restore",
            post(snapshots::restore),
        )
        .route("/sandbox/clock", get(clock::show).post(clock::change))
        .route("/sandbox/oauth/code", post(oauth::code))
        .route(
            "/sandbox/faults",
            get(faults::list).post(faults::arm).delete(faults::clear),
        )
        .route("/sandbox/deliveries", get(deliveries::list))
        .route(
            "/sandbox/handlers",
            get(delivery_modes::list)
                .put(delivery_modes::set)
                .delete(delivery_modes::clear),
        )
}

/// A request let through to the sandbox API: the server is a sandbox and the
/// request carries its key. Extracted first, so a refusal comes before any
/// look at the body.
pub(super) struct Admitted;

impl FromRequestParts<AppState> for Admitted {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        refusal(state, &parts.headers).map_or(Ok(Admitted), Err)
    }
}

/// A JSON request body (an empty body reads as `{}`); 400 otherwise.
pub(super) struct JsonBody(pub serde_json::Value);

impl FromRequest<AppState> for JsonBody {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| bad_request(format!("the body cannot be read: {e}")))?;
        json_body(&bytes).map(JsonBody).map_err(bad_request)
    }
}

/// The answer to give instead of serving a sandbox request: 404 outside a
/// sandbox, 401 without the sandbox key; `None` lets the request through.
fn refusal(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let Some(sandbox) = state.sandbox.as_ref() else {
        return Some(error(
            ApiError::new(ErrorCode::NotFound, "No such page").with_status(404),
        ));
    };
    match crate::auth::bearer_token(headers) {
        Some(key) if sandbox.admits(key) => None,
        _ => {
            let mut res = error(ApiError::new(
                ErrorCode::InvalidCredentials,
                "The sandbox API wants the sandbox key as Authorization: Bearer KEY",
            ));
            res.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"sandbox\""),
            );
            Some(res)
        }
    }
}

/// An error answer.
fn error(err: ApiError) -> Response {
    respond::error(&err, Transport::Json)
}

/// A 400 naming what is wrong with the request.
fn bad_request(description: impl Into<String>) -> Response {
    error(ApiError::new(ErrorCode::InvalidRequest, description.into()))
}

/// The answer for a store failure (its details go to the log only).
fn store_failed(e: portico_store::StoreError) -> Response {
    tracing::error!(error = %e, "sandbox store operation failed");
    error(ApiError::internal())
}

/// A JSON answer with HTTP 200.
fn answer(value: serde_json::Value) -> Response {
    let mut res = Response::new(axum::body::Body::from(value.to_string()));
    res.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static(portico_protocol::envelope::JSON_CONTENT_TYPE),
    );
    res
}

/// A JSON request body (an empty body reads as `{}`).
fn json_body(body: &[u8]) -> Result<serde_json::Value, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::json!({}));
    }
    serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))
}
