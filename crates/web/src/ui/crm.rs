//! Placeholder: the crm pages' routes.

use axum::Router;

use crate::state::AppState;

/// The crm pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
