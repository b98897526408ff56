//! [`WebhookStore`] on PostgreSQL: the `webhooks` table. Scopes are stored
//! comma-separated; the secret's keyed hash is the unique lookup key, joined
//! with the owning user. No lookup is cached here: every write that changes
//! what authenticates a call notifies [`Change::Auth`](crate::Change::Auth) in
//! its transaction, for the caches other layers keep on every node.

use async_trait::async_trait;
use deadpool_postgres::Transaction;
use portico_store::{NewWebhook, StoreError, User, Webhook, WebhookChange, WebhookStore};
use tokio_postgres::Row;

use crate::listen::CHANGES;
use crate::users::{user_columns, user_from_row};
use crate::{notify, read, transaction, Change, DbError, DbResult, PgStore};

/// The columns [`webhook_from_row`] reads, in order, of `webhooks` aliased `w`.
macro_rules! webhook_columns {
    () => {
        "w.id, w.user_id, w.name, w.scopes, w.secret_hash, w.secret_encrypted, \
         w.expires_at, w.created_at, w.last_used_at"
    };
}

/// How many columns `webhook_columns!` has.
const WEBHOOK_COLUMNS: usize = 9;

/// A [`Webhook`] from the columns of `webhook_columns!`.
fn webhook_from_row(row: &Row) -> DbResult<Webhook> {
    let scopes: String = row.try_get(3)?;
    Ok(Webhook {
        id: row.try_get(0)?,
        user_id: row.try_get(1)?,
        name: row.try_get(2)?,
        scopes: scopes
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        secret_hash: row.try_get(4)?,
        secret_encrypted: row.try_get(5)?,
        expires_at: row.try_get(6)?,
        created_at: row.try_get(7)?,
        last_used_at: row.try_get(8)?,
    })
}

/// Tells every node's caches that what authenticates calls changed (sent when
/// `tx` commits).
async fn auth_changed(tx: &Transaction<'_>) -> DbResult<()> {
    notify(tx, CHANGES, Change::Auth.payload()).await
}

/// A failed insert's error, with a missing owner reported as
/// `Conflict("webhooks_user_id")`, as SQLite reports it.
fn owner_missing_as_conflict(e: tokio_postgres::Error) -> DbError {
    match DbError::from(e) {
        DbError::Store(StoreError::Conflict(name)) if name == "foreign_key" => {
            StoreError::Conflict("webhooks_user_id".to_owned()).into()
        }
        other => other,
    }
}

#[async_trait]
impl WebhookStore for PgStore {
    async fn insert_webhook(&self, webhook: NewWebhook) -> Result<i64, StoreError> {
        let scopes = webhook.scopes.join(",");
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO webhooks (user_id, name, scopes, secret_hash, secret_encrypted, \
                     expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .await?;
            let row = tx
                .query_one(
                    &statement,
                    &[
                        &webhook.user_id,
                        &webhook.name,
                        &scopes,
                        &webhook.secret_hash,
                        &webhook.secret_encrypted,
                        &webhook.expires_at,
                        &webhook.created_at,
                    ],
                )
                .await
                .map_err(owner_missing_as_conflict)?;
            let id: i64 = row.try_get(0)?;
            auth_changed(&tx).await?;
            Ok(id)
        })
    }

    async fn webhook_by_hash(
        &self,
        secret_hash: &[u8],
    ) -> Result<Option<(Webhook, User)>, StoreError> {
        let cache = &self.inner.auth_cache;
        if let Some(hit) = cache.get(secret_hash) {
            return Ok(Some(hit));
        }
        let generation = cache.generation();
        let found = read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    webhook_columns!(),
                    ", ",
                    user_columns!(),
                    " FROM webhooks w JOIN users u ON u.id = w.user_id WHERE w.secret_hash = $1"
                ))
                .await?;
            match conn.query_opt(&statement, &[&secret_hash]).await? {
                Some(row) => Ok(Some((
                    webhook_from_row(&row)?,
                    user_from_row(&row, WEBHOOK_COLUMNS)?,
                ))),
                None => Ok(None),
            }
        })?;
        if let Some((hook, user)) = &found {
            cache.put(
                generation,
                secret_hash.to_vec(),
                (hook.clone(), user.clone()),
            );
        }
        Ok(found)
    }

    async fn list_webhooks(&self, user_id: Option<i64>) -> Result<Vec<Webhook>, StoreError> {
        read!(self, |conn| {
            let rows = match &user_id {
                Some(id) => {
                    let statement = conn
                        .prepare_cached(concat!(
                            "SELECT ",
                            webhook_columns!(),
                            " FROM webhooks w WHERE w.user_id = $1 ORDER BY w.id"
                        ))
                        .await?;
                    conn.query(&statement, &[id]).await?
                }
                None => {
                    let statement = conn
                        .prepare_cached(concat!(
                            "SELECT ",
                            webhook_columns!(),
                            " FROM webhooks w ORDER BY w.id"
                        ))
                        .await?;
                    conn.query(&statement, &[]).await?
                }
            };
            rows.iter().map(webhook_from_row).collect()
        })
    }

    async fn webhook_by_id(&self, id: i64) -> Result<Option<Webhook>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    webhook_columns!(),
                    " FROM webhooks w WHERE w.id = $1"
                ))
                .await?;
            conn.query_opt(&statement, &[&id])
                .await?
                .as_ref()
                .map(webhook_from_row)
                .transpose()
        })
    }

    async fn update_webhook(&self, id: i64, change: WebhookChange) -> Result<bool, StoreError> {
        let scopes = change.scopes.join(",");
        transaction!(self, |tx| {
            let updated = match &change.new_secret {
                Some((hash, sealed)) => {
                    let statement = tx
                        .prepare_cached(
                            "UPDATE webhooks SET user_id = $1, name = $2, scopes = $3, \
                             expires_at = $4, secret_hash = $5, secret_encrypted = $6 \
                             WHERE id = $7",
                        )
                        .await?;
                    tx.execute(
                        &statement,
                        &[
                            &change.user_id,
                            &change.name,
                            &scopes,
                            &change.expires_at,
                            hash,
                            sealed,
                            &id,
                        ],
                    )
                    .await?
                }
                None => {
                    let statement = tx
                        .prepare_cached(
                            "UPDATE webhooks SET user_id = $1, name = $2, scopes = $3, \
                             expires_at = $4 WHERE id = $5",
                        )
                        .await?;
                    tx.execute(
                        &statement,
                        &[
                            &change.user_id,
                            &change.name,
                            &scopes,
                            &change.expires_at,
                            &id,
                        ],
                    )
                    .await?
                }
            };
            if updated > 0 {
                auth_changed(&tx).await?;
            }
            Ok(updated > 0)
        })
        .inspect(|_| self.forget(Change::Auth))
    }

    async fn touch_webhook(&self, id: i64, at: i64) -> Result<(), StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("UPDATE webhooks SET last_used_at = $1 WHERE id = $2")
                .await?;
            tx.execute(&statement, &[&at, &id]).await?;
            Ok(())
        })
    }

    async fn delete_webhook(&self, id: i64) -> Result<bool, StoreError> {
        let at = portico_store::bots::stored::unix_now();
        transaction!(self, |tx| {
            crate::bots::outbox::delete_bots_of_webhook(&tx, id, at).await?;
            let statement = tx
                .prepare_cached("DELETE FROM webhooks WHERE id = $1")
                .await?;
            let deleted = tx.execute(&statement, &[&id]).await?;
            if deleted > 0 {
                auth_changed(&tx).await?;
            }
            Ok(deleted > 0)
        })
        .inspect(|_| self.forget(Change::Auth))
    }
}
