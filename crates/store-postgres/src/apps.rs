//! [`AppStore`] on PostgreSQL: the `apps`, `oauth_codes`, `oauth_grants` and
//! `app_options` tables. Scopes are stored comma-separated, menu texts as a
//! JSON object. Codes and refresh tokens are spent inside the transaction that
//! stores what they buy, so a code or refresh token presented twice — to one
//! node or two — works once. Every write that changes what authenticates a
//! call notifies the other nodes ([`notify_auth`]).

mod grants;
mod row;
#[cfg(test)]
mod tests;

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::apps::{AccessGrant, App, AppChange, AppStore, NewApp, NewGrant};
use portico_store::StoreError;

use crate::listen::{Change, CHANGES};
use crate::users::{user_columns, user_from_row};
use crate::{notify, read, transaction, DbResult, PgStore};

use grants::{insert_grant, revoke, GrantMaker};
use row::{app_columns, app_from_row, menu_text, scopes_text, APP_COLUMNS};

/// Tells every node (at commit) that what authenticates calls changed:
/// applications, their installation or their tokens.
pub(crate) async fn notify_auth(tx: &Transaction<'_>) -> DbResult<()> {
    notify(tx, CHANGES, Change::Auth.payload()).await
}

/// One application by the unique column `sql`'s `$1` selects.
async fn app_where(
    conn: &impl GenericClient,
    sql: &str,
    key: &(dyn tokio_postgres::types::ToSql + Sync),
) -> DbResult<Option<App>> {
    let statement = conn.prepare_cached(sql).await?;
    conn.query_opt(&statement, &[key])
        .await?
        .map(|row| app_from_row(&row))
        .transpose()
}

/// Runs the fixed statement `sql` with `params` in `tx`; the rows it changed.
pub(crate) async fn execute(
    tx: &impl GenericClient,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> DbResult<u64> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.execute(&statement, params).await?)
}

#[async_trait]
impl AppStore for PgStore {
    async fn insert_app(&self, app: NewApp) -> Result<i64, StoreError> {
        let script_only = i64::from(app.script_only);
        let menu_texts = menu_text(&app.menu_texts);
        let scopes = scopes_text(&app.scopes);
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO apps (client_id, name, handler_url, install_url, script_only, \
                     menu_texts, scopes, secret_hash, secret_sealed, application_token_sealed, \
                     created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                )
                .await?;
            let row = tx
                .query_one(
                    &statement,
                    &[
                        &app.client_id,
                        &app.name,
                        &app.handler_url,
                        &app.install_url,
                        &script_only,
                        &menu_texts,
                        &scopes,
                        &app.secret_hash,
                        &app.secret_sealed,
                        &app.application_token_sealed,
                        &app.created_by,
                        &app.created_at,
                    ],
                )
                .await?;
            notify_auth(&tx).await?;
            Ok(row.try_get(0)?)
        })
    }

    async fn app_by_id(&self, id: i64) -> Result<Option<App>, StoreError> {
        read!(self, |conn| {
            let sql = concat!("SELECT ", app_columns!(), " FROM apps a WHERE a.id = $1");
            app_where(&conn, sql, &id).await
        })
    }

    async fn app_by_client_id(&self, client_id: &str) -> Result<Option<App>, StoreError> {
        read!(self, |conn| {
            let sql = concat!(
                "SELECT ",
                app_columns!(),
                " FROM apps a WHERE a.client_id = $1"
            );
            app_where(&conn, sql, &client_id).await
        })
    }

    async fn list_apps(&self) -> Result<Vec<App>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    app_columns!(),
                    " FROM apps a ORDER BY a.id"
                ))
                .await?;
            conn.query(&statement, &[])
                .await?
                .iter()
                .map(app_from_row)
                .collect()
        })
    }

    async fn update_app(&self, id: i64, change: AppChange) -> Result<bool, StoreError> {
        let script_only = i64::from(change.script_only);
        let menu_texts = menu_text(&change.menu_texts);
        let scopes = scopes_text(&change.scopes);
        transaction!(self, |tx| {
            let n = execute(
                &tx,
                "UPDATE apps SET name = $1, handler_url = $2, install_url = $3, \
                 script_only = $4, menu_texts = $5, scopes = $6 WHERE id = $7",
                &[
                    &change.name,
                    &change.handler_url,
                    &change.install_url,
                    &script_only,
                    &menu_texts,
                    &scopes,
                    &id,
                ],
            )
            .await?;
            if n > 0 {
                notify_auth(&tx).await?;
            }
            Ok(n > 0)
        })
    }

    async fn set_app_installed(&self, id: i64, at: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let n = execute(
                &tx,
                "UPDATE apps SET installed_at = COALESCE(installed_at, $1) WHERE id = $2",
                &[&at, &id],
            )
            .await?;
            if n > 0 {
                notify_auth(&tx).await?;
            }
            Ok(n > 0)
        })
    }

    async fn reset_app_installation(&self, id: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let n = execute(
                &tx,
                "UPDATE apps SET installed_at = NULL, version = version + 1 WHERE id = $1",
                &[&id],
            )
            .await?;
            if n > 0 {
                revoke(&tx, id).await?;
                execute(
                    &tx,
                    "DELETE FROM outbound_webhooks WHERE app_id = $1",
                    &[&id],
                )
                .await?;
                notify_auth(&tx).await?;
            }
            Ok(n > 0)
        })
    }

    async fn delete_app(&self, id: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            revoke(&tx, id).await?;
            let n = execute(&tx, "DELETE FROM apps WHERE id = $1", &[&id]).await?;
            if n > 0 {
                notify_auth(&tx).await?;
            }
            Ok(n > 0)
        })
    }

    async fn insert_auth_code(
        &self,
        code_hash: Vec<u8>,
        app_id: i64,
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        transaction!(self, |tx| {
            execute(
                &tx,
                "INSERT INTO oauth_codes (code_hash, app_id, user_id, expires_at) \
                 VALUES ($1, $2, $3, $4)",
                &[&code_hash, &app_id, &user_id, &expires_at],
            )
            .await
            .map_err(grants::code_conflict)?;
            Ok(())
        })
    }

    async fn redeem_auth_code(
        &self,
        code_hash: Vec<u8>,
        app_id: i64,
        now: i64,
        grant: Box<dyn FnOnce(i64) -> NewGrant + Send>,
    ) -> Result<Option<i64>, StoreError> {
        let mut maker = GrantMaker::new(grant);
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "DELETE FROM oauth_codes WHERE code_hash = $1 \
                     RETURNING app_id, user_id, expires_at",
                )
                .await?;
            let found = match tx.query_opt(&statement, &[&code_hash]).await? {
                Some(row) => Some((
                    row.try_get::<_, i64>(0)?,
                    row.try_get::<_, i64>(1)?,
                    row.try_get::<_, i64>(2)?,
                )),
                None => None,
            };
            match found {
                Some((app, user_id, expires_at)) if app == app_id && expires_at > now => {
                    insert_grant(&tx, &maker.for_user(user_id)?).await?;
                    notify_auth(&tx).await?;
                    Ok(Some(user_id))
                }
                _ => Ok(None),
            }
        })
    }

    async fn insert_grant(&self, grant: NewGrant) -> Result<(), StoreError> {
        transaction!(self, |tx| {
            insert_grant(&tx, &grant).await?;
            notify_auth(&tx).await?;
            Ok(())
        })
    }

    async fn grant_by_access_hash(
        &self,
        access_hash: &[u8],
    ) -> Result<Option<AccessGrant>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    app_columns!(),
                    ", ",
                    user_columns!(),
                    ", g.access_expires_at FROM oauth_grants g \
                     JOIN apps a ON a.id = g.app_id JOIN users u ON u.id = g.user_id \
                     WHERE g.access_hash = $1"
                ))
                .await?;
            let Some(row) = conn.query_opt(&statement, &[&access_hash]).await? else {
                return Ok(None);
            };
            Ok(Some(AccessGrant {
                app: app_from_row(&row)?,
                user: user_from_row(&row, APP_COLUMNS)?,
                expires_at: row.try_get(APP_COLUMNS + 9)?,
            }))
        })
    }

    async fn redeem_refresh_token(
        &self,
        refresh_hash: Vec<u8>,
        app_id: i64,
        now: i64,
        grant: Box<dyn FnOnce(i64) -> NewGrant + Send>,
    ) -> Result<Option<i64>, StoreError> {
        let mut maker = GrantMaker::new(grant);
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "UPDATE oauth_grants SET refresh_used_at = $1 \
                     WHERE refresh_hash = $2 AND app_id = $3 AND refresh_used_at IS NULL \
                     AND refresh_expires_at > $1 RETURNING user_id",
                )
                .await?;
            let spent: Option<i64> = match tx
                .query_opt(&statement, &[&now, &refresh_hash, &app_id])
                .await?
            {
                Some(row) => Some(row.try_get(0)?),
                None => None,
            };
            if let Some(user_id) = spent {
                insert_grant(&tx, &maker.for_user(user_id)?).await?;
                notify_auth(&tx).await?;
            }
            Ok(spent)
        })
    }

    async fn revoke_app_tokens(&self, app_id: i64) -> Result<(), StoreError> {
        transaction!(self, |tx| {
            revoke(&tx, app_id).await?;
            notify_auth(&tx).await?;
            Ok(())
        })
    }

    async fn purge_expired_grants(&self, now: i64) -> Result<u64, StoreError> {
        transaction!(self, |tx| {
            let grants = execute(
                &tx,
                "DELETE FROM oauth_grants WHERE access_expires_at <= $1 \
                 AND (refresh_used_at IS NOT NULL OR refresh_expires_at <= $1)",
                &[&now],
            )
            .await?;
            execute(
                &tx,
                "DELETE FROM oauth_codes WHERE expires_at <= $1",
                &[&now],
            )
            .await?;
            if grants > 0 {
                notify_auth(&tx).await?;
            }
            Ok(grants)
        })
    }

    async fn app_options(
        &self,
        app_id: i64,
        user_id: i64,
    ) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(
                    "SELECT name, value FROM app_options WHERE app_id = $1 AND user_id = $2 \
                     ORDER BY name COLLATE \"C\"",
                )
                .await?;
            conn.query(&statement, &[&app_id, &user_id])
                .await?
                .iter()
                .map(|row| {
                    let value: String = row.try_get(1)?;
                    Ok((
                        row.try_get::<_, String>(0)?,
                        serde_json::from_str(&value).unwrap_or(serde_json::Value::Null),
                    ))
                })
                .collect()
        })
    }

    async fn set_app_options(
        &self,
        app_id: i64,
        user_id: i64,
        options: Vec<(String, serde_json::Value)>,
    ) -> Result<(), StoreError> {
        let options: Vec<(String, String)> = options
            .into_iter()
            .map(|(name, value)| (name, value.to_string()))
            .collect();
        transaction!(self, |tx| {
            for (name, value) in &options {
                execute(
                    &tx,
                    "INSERT INTO app_options (app_id, user_id, name, value) \
                     VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (app_id, user_id, name) DO UPDATE SET value = excluded.value",
                    &[&app_id, &user_id, name, value],
                )
                .await?;
            }
            Ok(())
        })
    }
}
