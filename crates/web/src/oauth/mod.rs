//! Portico's OAuth 2.0 server for local applications (reference §10.5):
//! `/oauth/authorize/` (a signed-in user allows an installed application and
//! is sent to its handler path with a code valid for 30 seconds) and
//! `/oauth/token/` (GET or POST form: the code, or a refresh token, for a new
//! access token and refresh token). The answers name Portico itself as both
//! `client_endpoint` and `server_endpoint`, so a client that follows them
//! refreshes here. Everything lives in the database: a code made on one server
//! is redeemed on another.

mod authorize;
mod token;

use axum::routing::get;
use axum::Router;

use crate::state::AppState;

pub use token::TokenError;

/// The OAuth routes, with and without the trailing slash clients send.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/oauth/authorize/",
            get(authorize::show).post(authorize::decide),
        )
        .route(
            "/oauth/authorize",
            get(authorize::show).post(authorize::decide),
        )
        .route("/oauth/token/", get(token::exchange).post(token::exchange))
        .route("/oauth/token", get(token::exchange).post(token::exchange))
}
