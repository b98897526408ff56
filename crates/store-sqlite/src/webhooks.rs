//! [`WebhookStore`]: the `webhooks` table. Scopes are stored comma-separated; the
//! secret's keyed hash is the unique lookup key, joined with the owning user.

use async_trait::async_trait;
use portico_store::{NewWebhook, StoreError, User, Webhook, WebhookChange, WebhookStore};
use rusqlite::{params, OptionalExtension, Row};

use crate::error::map_err;
use crate::users::{user_columns, user_from_row};
use crate::SqliteStore;

/// The columns [`webhook_from_row`] reads, in order, of `webhooks` aliased `w`.
macro_rules! webhook_columns {
    () => {
        "w.id, w.user_id, w.name, w.scopes, w.secret_hash, w.secret_encrypted, w.expires_at, w.created_at, w.last_used_at"
    };
}

/// How many columns `webhook_columns!` has.
const WEBHOOK_COLUMNS: usize = 9;

/// A [`Webhook`] from the columns of `webhook_columns!`.
fn webhook_from_row(row: &Row<'_>) -> rusqlite::Result<Webhook> {
    let scopes: String = row.get(3)?;
    Ok(Webhook {
        id: row.get(0)?,
        user_id: row.get(1)?,
        name: row.get(2)?,
        scopes: scopes
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        secret_hash: row.get(4)?,
        secret_encrypted: row.get(5)?,
        expires_at: row.get(6)?,
        created_at: row.get(7)?,
        last_used_at: row.get(8)?,
    })
}

#[async_trait]
impl WebhookStore for SqliteStore {
    async fn insert_webhook(&self, webhook: NewWebhook) -> Result<i64, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO webhooks (user_id, name, scopes, secret_hash, secret_encrypted, expires_at, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    webhook.user_id,
                    webhook.name,
                    webhook.scopes.join(","),
                    webhook.secret_hash,
                    webhook.secret_encrypted,
                    webhook.expires_at,
                    webhook.created_at
                ])
            })
            .map_err(|e| match map_err(e) {
                StoreError::Conflict(name) if name == "foreign_key" => StoreError::Conflict("webhooks_user_id".to_owned()),
                other => other,
            })?;
            Ok(conn.last_insert_rowid())
        })
        .await
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
        let found = self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    webhook_columns!(),
                    ", ",
                    user_columns!(),
                    " FROM webhooks w JOIN users u ON u.id = w.user_id WHERE w.secret_hash = ?1"
                ))
                .map_err(map_err)?;
            stmt.query_row([secret_hash], |row| {
                Ok((webhook_from_row(row)?, user_from_row(row, WEBHOOK_COLUMNS)?))
            })
            .optional()
            .map_err(map_err)
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
        self.read(|conn| {
            let (sql, params) = match user_id {
                Some(id) => (
                    concat!(
                        "SELECT ",
                        webhook_columns!(),
                        " FROM webhooks w WHERE w.user_id = ?1 ORDER BY w.id"
                    ),
                    vec![id],
                ),
                None => (
                    concat!(
                        "SELECT ",
                        webhook_columns!(),
                        " FROM webhooks w ORDER BY w.id"
                    ),
                    vec![],
                ),
            };
            let mut stmt = conn.prepare_cached(sql).map_err(map_err)?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(params), webhook_from_row)
                .map_err(map_err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(map_err)
        })
    }

    async fn webhook_by_id(&self, id: i64) -> Result<Option<Webhook>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    webhook_columns!(),
                    " FROM webhooks w WHERE w.id = ?1"
                ))
                .map_err(map_err)?;
            stmt.query_row([id], webhook_from_row)
                .optional()
                .map_err(map_err)
        })
    }

    async fn update_webhook(&self, id: i64, change: WebhookChange) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let scopes = change.scopes.join(",");
            let n = match &change.new_secret {
                Some((hash, sealed)) => conn
                    .prepare_cached(
                        "UPDATE webhooks SET user_id = ?1, name = ?2, scopes = ?3, expires_at = ?4, \
                         secret_hash = ?5, secret_encrypted = ?6 WHERE id = ?7",
                    )
                    .and_then(|mut s| {
                        s.execute(params![
                            change.user_id,
                            change.name,
                            scopes,
                            change.expires_at,
                            hash,
                            sealed,
                            id
                        ])
                    }),
                None => conn
                    .prepare_cached(
                        "UPDATE webhooks SET user_id = ?1, name = ?2, scopes = ?3, expires_at = ?4 \
                         WHERE id = ?5",
                    )
                    .and_then(|mut s| {
                        s.execute(params![
                            change.user_id,
                            change.name,
                            scopes,
                            change.expires_at,
                            id
                        ])
                    }),
            }
            .map_err(map_err)?;
            Ok(n > 0)
        })
        .await
        .inspect(|_| self.inner.auth_cache.invalidate())
    }

    async fn touch_webhook(&self, id: i64, at: i64) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached("UPDATE webhooks SET last_used_at = ?1 WHERE id = ?2")
                .and_then(|mut s| s.execute(params![at, id]))
                .map_err(map_err)?;
            Ok(())
        })
        .await
    }

    async fn delete_webhook(&self, id: i64) -> Result<bool, StoreError> {
        let at = portico_store::bots::stored::unix_now();
        let deleted = self
            .write(move |conn| {
                let bots = crate::bots::outbox::delete_bots_of_webhook(conn, id, at)?;
                let n = conn
                    .prepare_cached("DELETE FROM webhooks WHERE id = ?1")
                    .and_then(|mut s| s.execute([id]))
                    .map_err(map_err)?;
                Ok((n > 0, bots > 0))
            })
            .await
            .inspect(|_| self.inner.auth_cache.invalidate())?;
        if deleted.1 {
            self.wake_deliveries();
        }
        Ok(deleted.0)
    }
}
