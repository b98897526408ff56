//! `POST /sandbox/oauth/code` with `{"client_id": "local.…", "user_id": 1}`:
//! an authorization code for an installed application and an active user, as
//! if the user had allowed the application on the consent page — so a test's
//! OAuth client starts from the real `/oauth/token/` exchange without a
//! browser. The code lives as long as any other (30 seconds by default).

use axum::extract::State;
use axum::response::Response;
use portico_store::secrets::new_oauth_token;
use serde_json::json;

use super::{answer, bad_request, store_failed, Admitted, JsonBody};
use crate::state::AppState;

/// `POST /sandbox/oauth/code`.
pub(super) async fn code(
    State(state): State<AppState>,
    _admitted: Admitted,
    JsonBody(body): JsonBody,
) -> Response {
    let Some(client_id) = body["client_id"].as_str().filter(|c| c.len() <= 64) else {
        return bad_request("\"client_id\" names an installed application");
    };
    let user_id = match &body["user_id"] {
        serde_json::Value::Null => 1,
        value => match value.as_i64().filter(|id| *id > 0) {
            Some(id) => id,
            None => return bad_request("\"user_id\" is a user's id"),
        },
    };
    let app = match state.store.app_by_client_id(client_id).await {
        Ok(Some(app)) if app.installed_at.is_some() => app,
        Ok(_) => {
            return bad_request(format!(
                "no installed application has client_id {client_id}"
            ))
        }
        Err(e) => return store_failed(e),
    };
    match state.store.user_by_id(user_id).await {
        Ok(Some(user)) if user.active => {}
        Ok(_) => return bad_request(format!("there is no active user {user_id}")),
        Err(e) => return store_failed(e),
    }
    let code = new_oauth_token();
    let expires_at = state.clock.now() + state.oauth.code_ttl;
    let hash = state.secrets.lookup_hash(&code);
    if let Err(e) = state
        .store
        .insert_auth_code(hash, app.id, user_id, expires_at)
        .await
    {
        return store_failed(e);
    }
    tracing::info!(target: "portico::oauth", app = app.id, user = user_id, "sandbox authorization code issued");
    answer(json!({
        "code": code,
        "expires_in": state.oauth.code_ttl,
        "client_id": app.client_id,
        "user_id": user_id,
    }))
}
