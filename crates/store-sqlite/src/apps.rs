//! [`AppStore`]: the `apps`, `oauth_codes` and `oauth_grants` tables. Scopes
//! are stored comma-separated, menu texts as a JSON object. Codes and refresh
//! tokens are spent inside the transaction that stores what they buy, so a
//! code or refresh token presented twice — by one server or two sharing the
//! database — works once.

use async_trait::async_trait;
use portico_store::apps::{AccessGrant, App, AppChange, AppStore, NewApp, NewGrant};
use portico_store::StoreError;
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::map_err;
use crate::users::{user_columns, user_from_row};
use crate::SqliteStore;

/// The columns [`app_from_row`] reads, in order, of `apps` aliased `a`.
macro_rules! app_columns {
    () => {
        "a.id, a.client_id, a.name, a.handler_url, a.install_url, a.script_only, a.menu_texts, \
         a.scopes, a.secret_hash, a.secret_sealed, a.application_token_sealed, a.created_by, \
         a.created_at, a.installed_at, a.version"
    };
}

/// How many columns `app_columns!` has.
const APP_COLUMNS: usize = 15;

/// Scopes as stored.
fn scopes_text(scopes: &[String]) -> String {
    scopes.join(",")
}

/// Menu texts as stored: a JSON object `{lang: text}`.
fn menu_text(texts: &[(String, String)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = texts
        .iter()
        .map(|(lang, text)| (lang.clone(), serde_json::Value::String(text.clone())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// An [`App`] from the columns of `app_columns!`.
fn app_from_row(row: &Row<'_>) -> rusqlite::Result<App> {
    let menu: String = row.get(6)?;
    let menu_texts = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&menu)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(lang, text)| Some((lang, text.as_str()?.to_owned())))
        .collect();
    let scopes: String = row.get(7)?;
    Ok(App {
        id: row.get(0)?,
        client_id: row.get(1)?,
        name: row.get(2)?,
        handler_url: row.get(3)?,
        install_url: row.get(4)?,
        script_only: row.get::<_, i64>(5)? != 0,
        menu_texts,
        scopes: scopes
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        secret_hash: row.get(8)?,
        secret_sealed: row.get(9)?,
        application_token_sealed: row.get(10)?,
        created_by: row.get(11)?,
        created_at: row.get(12)?,
        installed_at: row.get(13)?,
        version: row.get(14)?,
    })
}

/// One application by a unique column.
fn app_where(
    conn: &Connection,
    sql: &str,
    key: &dyn rusqlite::ToSql,
) -> Result<Option<App>, StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.query_row([key], app_from_row).optional())
        .map_err(map_err)
}

/// Stores a grant inside the caller's transaction, and forgets the grants of
/// the same user and application that can no longer do anything (refresh
/// token spent or expired, access token expired) and expired codes.
fn insert_grant(conn: &Connection, grant: &NewGrant) -> Result<(), StoreError> {
    execute(
        conn,
        "DELETE FROM oauth_grants WHERE app_id = ?1 AND user_id = ?2 AND access_expires_at <= ?3 \
         AND (refresh_used_at IS NOT NULL OR refresh_expires_at <= ?3)",
        params![grant.app_id, grant.user_id, grant.issued_at],
    )?;
    execute(
        conn,
        "DELETE FROM oauth_codes WHERE app_id = ?1 AND expires_at <= ?2",
        params![grant.app_id, grant.issued_at],
    )?;
    conn.prepare_cached(
        "INSERT INTO oauth_grants (app_id, user_id, access_hash, access_expires_at, \
         refresh_hash, refresh_expires_at, issued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            grant.app_id,
            grant.user_id,
            grant.access_hash,
            grant.access_expires_at,
            grant.refresh_hash,
            grant.refresh_expires_at,
            grant.issued_at
        ])
    })
    .map_err(map_err)?;
    Ok(())
}

/// Runs one statement with parameters; the number of rows it changed.
fn execute<P: rusqlite::Params>(conn: &Connection, sql: &str, p: P) -> Result<usize, StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute(p))
        .map_err(map_err)
}

/// Removes an application's codes and grants.
fn revoke(conn: &Connection, app_id: i64) -> Result<(), StoreError> {
    execute(conn, "DELETE FROM oauth_codes WHERE app_id = ?1", [app_id])?;
    execute(conn, "DELETE FROM oauth_grants WHERE app_id = ?1", [app_id])?;
    Ok(())
}

#[async_trait]
impl AppStore for SqliteStore {
    async fn insert_app(&self, app: NewApp) -> Result<i64, StoreError> {
        self.write(move |conn| {
            execute(
                conn,
                "INSERT INTO apps (client_id, name, handler_url, install_url, script_only, \
                 menu_texts, scopes, secret_hash, secret_sealed, application_token_sealed, \
                 created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    app.client_id,
                    app.name,
                    app.handler_url,
                    app.install_url,
                    i64::from(app.script_only),
                    menu_text(&app.menu_texts),
                    scopes_text(&app.scopes),
                    app.secret_hash,
                    app.secret_sealed,
                    app.application_token_sealed,
                    app.created_by,
                    app.created_at
                ],
            )?;
            Ok(conn.last_insert_rowid())
        })
        .await
    }

    async fn app_by_id(&self, id: i64) -> Result<Option<App>, StoreError> {
        self.read(|conn| {
            app_where(
                conn,
                concat!("SELECT ", app_columns!(), " FROM apps a WHERE a.id = ?1"),
                &id,
            )
        })
    }

    async fn app_by_client_id(&self, client_id: &str) -> Result<Option<App>, StoreError> {
        self.read(|conn| {
            app_where(
                conn,
                concat!(
                    "SELECT ",
                    app_columns!(),
                    " FROM apps a WHERE a.client_id = ?1"
                ),
                &client_id,
            )
        })
    }

    async fn list_apps(&self) -> Result<Vec<App>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    app_columns!(),
                    " FROM apps a ORDER BY a.id"
                ))
                .map_err(map_err)?;
            let rows = stmt.query_map([], app_from_row).map_err(map_err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(map_err)
        })
    }

    async fn update_app(&self, id: i64, change: AppChange) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let n = execute(
                conn,
                "UPDATE apps SET name = ?1, handler_url = ?2, install_url = ?3, script_only = ?4, \
                 menu_texts = ?5, scopes = ?6 WHERE id = ?7",
                params![
                    change.name,
                    change.handler_url,
                    change.install_url,
                    i64::from(change.script_only),
                    menu_text(&change.menu_texts),
                    scopes_text(&change.scopes),
                    id
                ],
            )?;
            Ok(n > 0)
        })
        .await
    }

    async fn set_app_installed(&self, id: i64, at: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let n = execute(
                conn,
                "UPDATE apps SET installed_at = coalesce(installed_at, ?1) WHERE id = ?2",
                params![at, id],
            )?;
            Ok(n > 0)
        })
        .await
    }

    async fn reset_app_installation(&self, id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let n = execute(
                conn,
                "UPDATE apps SET installed_at = NULL, version = version + 1 WHERE id = ?1",
                [id],
            )?;
            if n > 0 {
                revoke(conn, id)?;
                execute(
                    conn,
                    "DELETE FROM outbound_webhooks WHERE app_id = ?1",
                    [id],
                )?;
            }
            Ok(n > 0)
        })
        .await
    }

    async fn delete_app(&self, id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            revoke(conn, id)?;
            Ok(execute(conn, "DELETE FROM apps WHERE id = ?1", [id])? > 0)
        })
        .await
    }

    async fn insert_auth_code(
        &self,
        code_hash: Vec<u8>,
        app_id: i64,
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            execute(
                conn,
                "INSERT INTO oauth_codes (code_hash, app_id, user_id, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![code_hash, app_id, user_id, expires_at],
            )
            .map(|_| ())
        })
        .await
    }

    async fn redeem_auth_code(
        &self,
        code_hash: Vec<u8>,
        app_id: i64,
        now: i64,
        grant: Box<dyn FnOnce(i64) -> NewGrant + Send>,
    ) -> Result<Option<i64>, StoreError> {
        self.write(move |conn| {
            let found: Option<(i64, i64, i64)> = conn
                .prepare_cached(
                    "DELETE FROM oauth_codes WHERE code_hash = ?1 \
                     RETURNING app_id, user_id, expires_at",
                )
                .and_then(|mut s| {
                    s.query_row([&code_hash], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                        .optional()
                })
                .map_err(map_err)?;
            match found {
                Some((app, user_id, expires_at)) if app == app_id && expires_at > now => {
                    insert_grant(conn, &grant(user_id))?;
                    Ok(Some(user_id))
                }
                _ => Ok(None),
            }
        })
        .await
    }

    async fn insert_grant(&self, grant: NewGrant) -> Result<(), StoreError> {
        self.write(move |conn| insert_grant(conn, &grant)).await
    }

    async fn grant_by_access_hash(
        &self,
        access_hash: &[u8],
    ) -> Result<Option<AccessGrant>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached(concat!(
                "SELECT ",
                app_columns!(),
                ", ",
                user_columns!(),
                ", g.access_expires_at FROM oauth_grants g \
                 JOIN apps a ON a.id = g.app_id JOIN users u ON u.id = g.user_id \
                 WHERE g.access_hash = ?1"
            ))
            .and_then(|mut s| {
                s.query_row([access_hash], |row| {
                    Ok(AccessGrant {
                        app: app_from_row(row)?,
                        user: user_from_row(row, APP_COLUMNS)?,
                        expires_at: row.get(APP_COLUMNS + 9)?,
                    })
                })
                .optional()
            })
            .map_err(map_err)
        })
    }

    async fn redeem_refresh_token(
        &self,
        refresh_hash: Vec<u8>,
        app_id: i64,
        now: i64,
        grant: Box<dyn FnOnce(i64) -> NewGrant + Send>,
    ) -> Result<Option<i64>, StoreError> {
        self.write(move |conn| {
            let spent: Option<i64> = conn
                .prepare_cached(
                    "UPDATE oauth_grants SET refresh_used_at = ?1 \
                     WHERE refresh_hash = ?2 AND app_id = ?3 AND refresh_used_at IS NULL \
                     AND refresh_expires_at > ?1 RETURNING user_id",
                )
                .and_then(|mut s| {
                    s.query_row(params![now, refresh_hash, app_id], |r| r.get(0))
                        .optional()
                })
                .map_err(map_err)?;
            if let Some(user_id) = spent {
                insert_grant(conn, &grant(user_id))?;
            }
            Ok(spent)
        })
        .await
    }

    async fn revoke_app_tokens(&self, app_id: i64) -> Result<(), StoreError> {
        self.write(move |conn| revoke(conn, app_id)).await
    }

    async fn purge_expired_grants(&self, now: i64) -> Result<u64, StoreError> {
        self.write(move |conn| {
            let grants = execute(
                conn,
                "DELETE FROM oauth_grants WHERE access_expires_at <= ?1 \
                 AND (refresh_used_at IS NOT NULL OR refresh_expires_at <= ?1)",
                [now],
            )?;
            execute(
                conn,
                "DELETE FROM oauth_codes WHERE expires_at <= ?1",
                [now],
            )?;
            Ok(grants as u64)
        })
        .await
    }

    async fn app_options(
        &self,
        app_id: i64,
        user_id: i64,
    ) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT name, value FROM app_options WHERE app_id = ?1 AND user_id = ?2 \
                     ORDER BY name",
                )
                .map_err(map_err)?;
            let rows = stmt
                .query_map(params![app_id, user_id], |row| {
                    let value: String = row.get(1)?;
                    Ok((
                        row.get::<_, String>(0)?,
                        serde_json::from_str(&value).unwrap_or(serde_json::Value::Null),
                    ))
                })
                .map_err(map_err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(map_err)
        })
    }

    async fn set_app_options(
        &self,
        app_id: i64,
        user_id: i64,
        options: Vec<(String, serde_json::Value)>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            for (name, value) in &options {
                execute(
                    conn,
                    "INSERT INTO app_options (app_id, user_id, name, value) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (app_id, user_id, name) DO UPDATE SET value = excluded.value",
                    params![app_id, user_id, name, value.to_string()],
                )?;
            }
            Ok(())
        })
        .await
    }
}
