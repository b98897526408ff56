//! An application's installation (with the `ONAPPINSTALL` callback queued to
//! its installation path) and removal (with `ONAPPUNINSTALL` to the handlers
//! bound to it, which are detached so they outlive it), each inside the
//! caller's transaction.

use deadpool_postgres::Transaction;
use portico_store::app_events::{
    InstallCallback, APP_EVENT_ENTITY, APP_INSTALL_EVENT, APP_UNINSTALL_EVENT,
};
use portico_store::{EventStamp, StoreError};

use super::{insert_handler, record_for_app};
use crate::apps::{execute, notify_auth};
use crate::events::{insert_event, RaisedEvent};
use crate::listen::DELIVERIES;
use crate::{notify, DbResult};

/// Removes the subscriptions of the handlers owed event `$1`.
const UNSUBSCRIBE_OWED: &str = "DELETE FROM outbound_webhook_events WHERE webhook_id IN \
     (SELECT webhook_id FROM event_deliveries WHERE event_id = $1)";

/// Detaches the handlers owed event `$1` from application `$2`, keeping a
/// copy of its token.
const DETACH_OWED: &str = "UPDATE outbound_webhooks SET app_id = NULL, auth_user_id = NULL, \
     application_token_sealed = (SELECT application_token_sealed FROM apps WHERE id = $2) \
     WHERE id IN (SELECT webhook_id FROM event_deliveries WHERE event_id = $1)";

/// Installs `app_id` at `at` (the first instant stays), with its installation
/// callback queued; `false` without such an application.
pub(super) async fn install(
    tx: &Transaction<'_>,
    app_id: i64,
    at: i64,
    callback: Option<&InstallCallback>,
) -> DbResult<bool> {
    let n = execute(
        tx,
        "UPDATE apps SET installed_at = COALESCE(installed_at, $2) WHERE id = $1",
        &[&app_id, &at],
    )
    .await?;
    if n == 0 {
        return Ok(false);
    }
    notify_auth(tx).await?;
    let Some(callback) = callback else {
        return Ok(true);
    };
    let handler = insert_handler(
        tx,
        app_id,
        callback.user_id,
        APP_INSTALL_EVENT,
        &callback.handler_url,
        Some(callback.user_id),
        at,
    )
    .await?
    .ok_or_else(|| StoreError::Conflict("outbound_webhooks_app_id".to_owned()))?;
    let stamp = EventStamp {
        at,
        user_id: Some(callback.user_id),
        auth_connector: None,
    };
    let event = RaisedEvent {
        code: APP_INSTALL_EVENT,
        entity: APP_EVENT_ENTITY,
        entity_id: app_id,
        data: callback.data.clone(),
    };
    let event_id = insert_event(tx, &event, &stamp).await?;
    execute(
        tx,
        "INSERT INTO event_deliveries (event_id, webhook_id, state, attempts, next_attempt_at, \
         created_at) VALUES ($1, $2, 'pending', 0, $3, $3)",
        &[&event_id, &handler, &at],
    )
    .await?;
    notify(tx, DELIVERIES, "").await?;
    Ok(true)
}

/// Removes `app_id` with its codes, grants and handlers, after recording
/// `ONAPPUNINSTALL` to the handlers bound to it and detaching them; `false`
/// without such an application.
pub(super) async fn uninstall(
    tx: &Transaction<'_>,
    app_id: i64,
    data: serde_json::Value,
    stamp: &EventStamp,
) -> DbResult<bool> {
    let statement = tx
        .prepare_cached("SELECT id FROM apps WHERE id = $1")
        .await?;
    if tx.query_opt(&statement, &[&app_id]).await?.is_none() {
        return Ok(false);
    }
    crate::bots::outbox::delete_bots_of_app(tx, app_id, stamp).await?;
    if let Some(event_id) = record_for_app(tx, app_id, APP_UNINSTALL_EVENT, data, stamp).await? {
        execute(tx, UNSUBSCRIBE_OWED, &[&event_id]).await?;
        execute(tx, DETACH_OWED, &[&event_id, &app_id]).await?;
    }
    execute(tx, "DELETE FROM oauth_codes WHERE app_id = $1", &[&app_id]).await?;
    execute(tx, "DELETE FROM oauth_grants WHERE app_id = $1", &[&app_id]).await?;
    execute(tx, "DELETE FROM apps WHERE id = $1", &[&app_id]).await?;
    notify_auth(tx).await?;
    Ok(true)
}
