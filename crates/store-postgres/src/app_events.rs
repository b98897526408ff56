//! [`AppEventStore`] on PostgreSQL: applications' bindings as
//! `outbound_webhooks` rows with `app_id` (one subscription each), their
//! events recorded and fanned out in one transaction, the installation
//! callback and the removal that detaches the handlers still owed
//! `ONAPPUNINSTALL`. Deliveries queued here wake every node's delivery worker
//! at commit.

mod lifecycle;

use async_trait::async_trait;
use deadpool_postgres::Transaction;
use portico_store::app_events::{
    AppEventStore, AppHandlerFilter, InstallCallback, NewAppHandler, APP_EVENT_ENTITY,
};
use portico_store::{EventStamp, OutboundWebhook, StoreError};

use crate::apps::execute;
use crate::events::{insert_event, RaisedEvent};
use crate::listen::DELIVERIES;
use crate::outbound::{outbound_columns, outbound_from_row};
use crate::{notify, read, transaction, DbError, DbResult, PgStore};

/// Inserts a handler row of application `$1` owned by user `$2` (name `$3`,
/// URL `$4`, `auth_type` user `$5`, created at `$6`), carrying the
/// application's sealed token and no signing secret; its id.
const INSERT_HANDLER: &str = "INSERT INTO outbound_webhooks (user_id, name, handler_url, \
     application_token_sealed, signing_secret_sealed, active, created_at, single_attempt, \
     app_id, auth_user_id, app_handler) \
     SELECT $2::bigint, $3::text, $4::text, a.application_token_sealed, ''::bytea, 1, \
       $6::bigint, 0, a.id, $5::bigint, 1 \
     FROM apps a WHERE a.id = $1 RETURNING id";

/// One pending delivery of event `$1` per handler of application `$2`
/// subscribed to `$3`, while the application is installed.
const APP_FAN_OUT: &str = "INSERT INTO event_deliveries (event_id, webhook_id, state, attempts, \
     next_attempt_at, created_at) \
     SELECT $1::bigint, w.id, 'pending', 0, $4::bigint, $4::bigint \
     FROM outbound_webhook_events s \
     JOIN outbound_webhooks w ON w.id = s.webhook_id JOIN apps a ON a.id = w.app_id \
     WHERE w.app_id = $2 AND s.event = $3 AND w.active = 1 AND a.installed_at IS NOT NULL \
     ORDER BY w.id";

/// Whether application `$1` is installed and has an active handler bound to `$2`.
const APP_HAS_SUBSCRIBER: &str = "SELECT EXISTS (SELECT 1 FROM outbound_webhook_events s \
     JOIN outbound_webhooks w ON w.id = s.webhook_id JOIN apps a ON a.id = w.app_id \
     WHERE w.app_id = $1 AND s.event = $2 AND w.active = 1 AND a.installed_at IS NOT NULL)";

/// Whether application `$1` has a binding of event `$2` to URL `$3` with
/// `auth_type` user `$4` (none when NULL).
const HANDLER_TAKEN: &str = "SELECT EXISTS (SELECT 1 FROM outbound_webhooks w \
     JOIN outbound_webhook_events s ON s.webhook_id = w.id \
     WHERE w.app_id = $1 AND s.event = $2 AND w.handler_url = $3 \
       AND w.auth_user_id IS NOT DISTINCT FROM $4::bigint)";

/// Deletes the bindings of application `$1` subscribed to `$2` (any when
/// NULL), of URL `$3` (any when NULL), with `auth_type` user `$5` when `$4`,
/// made by user `$6` (anyone when NULL).
const UNBIND: &str = "DELETE FROM outbound_webhooks WHERE app_id = $1 \
     AND EXISTS (SELECT 1 FROM outbound_webhook_events s \
       WHERE s.webhook_id = outbound_webhooks.id AND ($2::text IS NULL OR s.event = $2)) \
     AND ($3::text IS NULL OR handler_url = $3) \
     AND (NOT $4::boolean OR auth_user_id IS NOT DISTINCT FROM $5::bigint) \
     AND ($6::bigint IS NULL OR user_id = $6)";

/// A handler row of application `app_id`; its id, `None` without such an
/// application. An unknown user is `Conflict("outbound_webhooks_user_id")`.
async fn insert_handler(
    tx: &Transaction<'_>,
    app_id: i64,
    user_id: i64,
    name: &str,
    handler_url: &str,
    auth_user_id: Option<i64>,
    at: i64,
) -> DbResult<Option<i64>> {
    let statement = tx.prepare_cached(INSERT_HANDLER).await?;
    let row = tx
        .query_opt(
            &statement,
            &[&app_id, &user_id, &name, &handler_url, &auth_user_id, &at],
        )
        .await
        .map_err(|e| match DbError::from(e) {
            DbError::Store(StoreError::Conflict(name)) if name == "foreign_key" => {
                DbError::Store(StoreError::Conflict("outbound_webhooks_user_id".to_owned()))
            }
            other => other,
        })?;
    Ok(row.map(|row| row.try_get(0)).transpose()?)
}

/// Records event `code` for the handlers of `app_id` bound to it, with their
/// deliveries (waking the delivery workers at commit); its id, `None` when
/// none is bound (nothing recorded).
pub(crate) async fn record_for_app(
    tx: &Transaction<'_>,
    app_id: i64,
    code: &str,
    data: serde_json::Value,
    stamp: &EventStamp,
) -> DbResult<Option<i64>> {
    let statement = tx.prepare_cached(APP_HAS_SUBSCRIBER).await?;
    let subscribed: bool = tx
        .query_one(&statement, &[&app_id, &code])
        .await?
        .try_get(0)?;
    if !subscribed {
        return Ok(None);
    }
    let event = RaisedEvent {
        code,
        entity: APP_EVENT_ENTITY,
        entity_id: app_id,
        data,
    };
    let event_id = insert_event(tx, &event, stamp).await?;
    let queued = execute(tx, APP_FAN_OUT, &[&event_id, &app_id, &code, &stamp.at]).await?;
    if queued > 0 {
        notify(tx, DELIVERIES, "").await?;
    }
    Ok(Some(event_id))
}

#[async_trait]
impl AppEventStore for PgStore {
    async fn bind_app_handler(&self, handler: NewAppHandler) -> Result<Option<i64>, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(HANDLER_TAKEN).await?;
            let taken: bool = tx
                .query_one(
                    &statement,
                    &[
                        &handler.app_id,
                        &handler.event,
                        &handler.handler_url,
                        &handler.auth_user_id,
                    ],
                )
                .await?
                .try_get(0)?;
            if taken {
                return Ok(None);
            }
            let id = insert_handler(
                &tx,
                handler.app_id,
                handler.user_id,
                &handler.event,
                &handler.handler_url,
                handler.auth_user_id,
                handler.created_at,
            )
            .await?
            .ok_or_else(|| StoreError::Conflict("outbound_webhooks_app_id".to_owned()))?;
            execute(
                &tx,
                "INSERT INTO outbound_webhook_events (event, webhook_id) VALUES ($1, $2)",
                &[&handler.event, &id],
            )
            .await?;
            Ok(Some(id))
        })
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
        transaction!(self, |tx| {
            execute(
                &tx,
                UNBIND,
                &[
                    &app_id,
                    &filter.event,
                    &filter.handler_url,
                    &match_auth,
                    &auth_user_id,
                    &filter.user_id,
                ],
            )
            .await
        })
    }

    async fn app_handlers(&self, app_id: i64) -> Result<Vec<OutboundWebhook>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    outbound_columns!(),
                    " FROM outbound_webhooks w WHERE w.app_id = $1 \
                     AND EXISTS (SELECT 1 FROM outbound_webhook_events s \
                       WHERE s.webhook_id = w.id) ORDER BY w.id"
                ))
                .await?;
            conn.query(&statement, &[&app_id])
                .await?
                .iter()
                .map(|row| outbound_from_row(row, 0))
                .collect()
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
        transaction!(self, |tx| {
            record_for_app(&tx, app_id, &code, data.clone(), &stamp).await
        })
    }

    async fn install_app(
        &self,
        app_id: i64,
        at: i64,
        callback: Option<InstallCallback>,
    ) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            lifecycle::install(&tx, app_id, at, callback.as_ref()).await
        })
    }

    async fn uninstall_app(
        &self,
        app_id: i64,
        data: serde_json::Value,
        stamp: EventStamp,
    ) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            lifecycle::uninstall(&tx, app_id, data.clone(), &stamp).await
        })
    }
}
