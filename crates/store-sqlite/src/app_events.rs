//! [`AppEventStore`]: applications' bindings as `outbound_webhooks` rows with
//! `app_id` (one subscription each), their events recorded and fanned out in
//! one transaction, the installation callback and the removal that detaches
//! the handlers still owed `ONAPPUNINSTALL`.

use async_trait::async_trait;
use portico_store::app_events::{
    AppEventStore, AppHandlerFilter, InstallCallback, NewAppHandler, APP_EVENT_ENTITY,
    APP_INSTALL_EVENT, APP_UNINSTALL_EVENT,
};
use portico_store::{EventStamp, OutboundWebhook, StoreError};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::map_err;
use crate::events::{insert_event, RaisedEvent};
use crate::outbound::{outbound_columns, outbound_from_row};
use crate::SqliteStore;

/// Inserts a handler row of application `?1` owned by user `?2` (name `?3`,
/// URL `?4`, `auth_type` user `?5`, created at `?6`), carrying the
/// application's sealed token and no signing secret.
const INSERT_HANDLER: &str = "INSERT INTO outbound_webhooks (user_id, name, handler_url, \
     application_token_sealed, signing_secret_sealed, active, created_at, single_attempt, \
     app_id, auth_user_id, app_handler) \
     SELECT ?2, ?3, ?4, a.application_token_sealed, x'', 1, ?6, 0, a.id, ?5, 1 \
     FROM apps a WHERE a.id = ?1";

/// One pending delivery of event `?1` per handler of application `?2`
/// subscribed to `?3`, while the application is installed.
const APP_FAN_OUT: &str = "INSERT INTO event_deliveries (event_id, webhook_id, state, attempts, \
     next_attempt_at, created_at) \
     SELECT ?1, w.id, 'pending', 0, ?4, ?4 FROM outbound_webhook_events s \
     JOIN outbound_webhooks w ON w.id = s.webhook_id JOIN apps a ON a.id = w.app_id \
     WHERE w.app_id = ?2 AND s.event = ?3 AND w.active = 1 AND a.installed_at IS NOT NULL \
     ORDER BY w.id";

/// Whether application `?1` is installed and has an active handler bound to `?2`.
const APP_HAS_SUBSCRIBER: &str = "SELECT EXISTS (SELECT 1 FROM outbound_webhook_events s \
     JOIN outbound_webhooks w ON w.id = s.webhook_id JOIN apps a ON a.id = w.app_id \
     WHERE w.app_id = ?1 AND s.event = ?2 AND w.active = 1 AND a.installed_at IS NOT NULL)";

/// Runs `sql` with `p` on `conn`; the number of rows changed.
fn execute<P: rusqlite::Params>(conn: &Connection, sql: &str, p: P) -> Result<usize, StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute(p))
        .map_err(map_err)
}

/// A handler row of application `app_id`; its id, `None` without such an application.
fn insert_handler(
    conn: &Connection,
    app_id: i64,
    user_id: i64,
    name: &str,
    handler_url: &str,
    auth_user_id: Option<i64>,
    at: i64,
) -> Result<Option<i64>, StoreError> {
    let n = execute(
        conn,
        INSERT_HANDLER,
        params![app_id, user_id, name, handler_url, auth_user_id, at],
    )
    .map_err(|e| match e {
        StoreError::Conflict(name) if name == "foreign_key" => {
            StoreError::Conflict("outbound_webhooks_user_id".to_owned())
        }
        other => other,
    })?;
    Ok((n > 0).then(|| conn.last_insert_rowid()))
}

/// Records event `code` for the handlers of `app_id` bound to it; its id.
pub(crate) fn record_for_app(
    conn: &Connection,
    app_id: i64,
    code: &str,
    data: serde_json::Value,
    stamp: &EventStamp,
) -> Result<Option<i64>, StoreError> {
    let subscribed: bool = conn
        .prepare_cached(APP_HAS_SUBSCRIBER)
        .and_then(|mut s| s.query_row(params![app_id, code], |r| r.get(0)))
        .map_err(map_err)?;
    if !subscribed {
        return Ok(None);
    }
    let event = RaisedEvent {
        code,
        entity: APP_EVENT_ENTITY,
        entity_id: app_id,
        data,
    };
    let event_id = insert_event(conn, &event, stamp)?;
    execute(conn, APP_FAN_OUT, params![event_id, app_id, code, stamp.at])?;
    Ok(Some(event_id))
}

/// Installs `app_id` at `at`, with its installation callback queued.
fn install(
    conn: &Connection,
    app_id: i64,
    at: i64,
    callback: Option<InstallCallback>,
) -> Result<bool, StoreError> {
    let n = execute(
        conn,
        "UPDATE apps SET installed_at = COALESCE(installed_at, ?2) WHERE id = ?1",
        params![app_id, at],
    )?;
    if n == 0 {
        return Ok(false);
    }
    let Some(callback) = callback else {
        return Ok(true);
    };
    let handler = insert_handler(
        conn,
        app_id,
        callback.user_id,
        APP_INSTALL_EVENT,
        &callback.handler_url,
        Some(callback.user_id),
        at,
    )?
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
        data: callback.data,
    };
    let event_id = insert_event(conn, &event, &stamp)?;
    execute(
        conn,
        "INSERT INTO event_deliveries (event_id, webhook_id, state, attempts, next_attempt_at, \
         created_at) VALUES (?1, ?2, 'pending', 0, ?3, ?3)",
        params![event_id, handler, at],
    )?;
    Ok(true)
}

/// Removes `app_id`, detaching the handlers owed `ONAPPUNINSTALL`.
fn uninstall(
    conn: &Connection,
    app_id: i64,
    data: serde_json::Value,
    stamp: &EventStamp,
) -> Result<bool, StoreError> {
    let exists: Option<i64> = conn
        .prepare_cached("SELECT id FROM apps WHERE id = ?1")
        .and_then(|mut s| s.query_row([app_id], |r| r.get(0)).optional())
        .map_err(map_err)?;
    if exists.is_none() {
        return Ok(false);
    }
    crate::bots::outbox::delete_bots_of_app(conn, app_id, stamp)?;
    if let Some(event_id) = record_for_app(conn, app_id, APP_UNINSTALL_EVENT, data, stamp)? {
        let owed = "SELECT webhook_id FROM event_deliveries WHERE event_id = ?1";
        execute(
            conn,
            &format!("DELETE FROM outbound_webhook_events WHERE webhook_id IN ({owed})"),
            [event_id],
        )?;
        execute(
            conn,
            &format!(
                "UPDATE outbound_webhooks SET app_id = NULL, auth_user_id = NULL, \
                 application_token_sealed = (SELECT application_token_sealed FROM apps \
                   WHERE id = ?2) \
                 WHERE id IN ({owed})"
            ),
            params![event_id, app_id],
        )?;
    }
    execute(conn, "DELETE FROM oauth_codes WHERE app_id = ?1", [app_id])?;
    execute(conn, "DELETE FROM oauth_grants WHERE app_id = ?1", [app_id])?;
    execute(conn, "DELETE FROM apps WHERE id = ?1", [app_id])?;
    Ok(true)
}

#[async_trait]
impl AppEventStore for SqliteStore {
    async fn bind_app_handler(&self, handler: NewAppHandler) -> Result<Option<i64>, StoreError> {
        self.write(move |conn| {
            let taken: bool = conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM outbound_webhooks w \
                     JOIN outbound_webhook_events s ON s.webhook_id = w.id \
                     WHERE w.app_id = ?1 AND s.event = ?2 AND w.handler_url = ?3 \
                       AND w.auth_user_id IS ?4)",
                )
                .and_then(|mut s| {
                    s.query_row(
                        params![
                            handler.app_id,
                            handler.event,
                            handler.handler_url,
                            handler.auth_user_id
                        ],
                        |r| r.get(0),
                    )
                })
                .map_err(map_err)?;
            if taken {
                return Ok(None);
            }
            let id = insert_handler(
                conn,
                handler.app_id,
                handler.user_id,
                &handler.event,
                &handler.handler_url,
                handler.auth_user_id,
                handler.created_at,
            )?
            .ok_or_else(|| StoreError::Conflict("outbound_webhooks_app_id".to_owned()))?;
            execute(
                conn,
                "INSERT INTO outbound_webhook_events (event, webhook_id) VALUES (?1, ?2)",
                params![handler.event, id],
            )?;
            Ok(Some(id))
        })
        .await
    }

    async fn unbind_app_handlers(
        &self,
        app_id: i64,
        filter: AppHandlerFilter,
    ) -> Result<u64, StoreError> {
        let (match_auth, auth_user_id) = match filter.auth_user_id {
            None => (false, None),
            Some(user) => (true, user),
        };
        self.write(move |conn| {
            execute(
                conn,
                "DELETE FROM outbound_webhooks WHERE app_id = ?1 \
                 AND EXISTS (SELECT 1 FROM outbound_webhook_events s \
                   WHERE s.webhook_id = outbound_webhooks.id AND (?2 IS NULL OR s.event = ?2)) \
                 AND (?3 IS NULL OR handler_url = ?3) \
                 AND (NOT ?4 OR auth_user_id IS ?5) AND (?6 IS NULL OR user_id = ?6)",
                params![
                    app_id,
                    filter.event,
                    filter.handler_url,
                    match_auth,
                    auth_user_id,
                    filter.user_id
                ],
            )
            .map(|n| n as u64)
        })
        .await
    }

    async fn app_handlers(&self, app_id: i64) -> Result<Vec<OutboundWebhook>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    outbound_columns!(),
                    " FROM outbound_webhooks w WHERE w.app_id = ?1 \
                     AND EXISTS (SELECT 1 FROM outbound_webhook_events s \
                       WHERE s.webhook_id = w.id) ORDER BY w.id"
                ))
                .map_err(map_err)?;
            let rows = stmt
                .query_map([app_id], |row| outbound_from_row(row, 0))
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn record_app_event(
        &self,
        app_id: i64,
        code: &str,
        data: serde_json::Value,
        stamp: EventStamp,
    ) -> Result<Option<i64>, StoreError> {
        let code = code.to_ascii_uppercase();
        let recorded = self
            .write(move |conn| record_for_app(conn, app_id, &code, data, &stamp))
            .await?;
        if recorded.is_some() {
            self.wake_deliveries();
        }
        Ok(recorded)
    }

    async fn install_app(
        &self,
        app_id: i64,
        at: i64,
        callback: Option<InstallCallback>,
    ) -> Result<bool, StoreError> {
        let queued = callback.is_some();
        let installed = self
            .write(move |conn| install(conn, app_id, at, callback))
            .await?;
        if installed && queued {
            self.wake_deliveries();
        }
        Ok(installed)
    }

    async fn uninstall_app(
        &self,
        app_id: i64,
        data: serde_json::Value,
        stamp: EventStamp,
    ) -> Result<bool, StoreError> {
        let removed = self
            .write(move |conn| uninstall(conn, app_id, data, &stamp))
            .await?;
        if removed {
            self.wake_deliveries();
        }
        Ok(removed)
    }
}
