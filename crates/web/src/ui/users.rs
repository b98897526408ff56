//! Placeholder: the users pages' routes.

use axum::Router;

use crate::state::AppState;

/// The users pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
