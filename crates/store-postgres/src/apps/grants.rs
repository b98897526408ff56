//! OAuth grants and codes inside a caller's transaction: storing a grant (and
//! forgetting what it makes useless), revoking an application's tokens, and
//! building the grant a redeemed code or refresh token buys exactly once even
//! when the transaction runs again.

use deadpool_postgres::Transaction;
use portico_store::apps::NewGrant;
use portico_store::StoreError;

use super::execute;
use crate::{DbError, DbResult};

/// Stores a grant inside the caller's transaction, and forgets the grants of
/// the same user and application that can no longer do anything (refresh
/// token spent or expired, access token expired) and expired codes.
pub(super) async fn insert_grant(tx: &Transaction<'_>, grant: &NewGrant) -> DbResult<()> {
    execute(
        tx,
        "DELETE FROM oauth_grants WHERE app_id = $1 AND user_id = $2 \
         AND access_expires_at <= $3 \
         AND (refresh_used_at IS NOT NULL OR refresh_expires_at <= $3)",
        &[&grant.app_id, &grant.user_id, &grant.issued_at],
    )
    .await?;
    execute(
        tx,
        "DELETE FROM oauth_codes WHERE app_id = $1 AND expires_at <= $2",
        &[&grant.app_id, &grant.issued_at],
    )
    .await?;
    execute(
        tx,
        "INSERT INTO oauth_grants (app_id, user_id, access_hash, access_expires_at, \
         refresh_hash, refresh_expires_at, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &grant.app_id,
            &grant.user_id,
            &grant.access_hash,
            &grant.access_expires_at,
            &grant.refresh_hash,
            &grant.refresh_expires_at,
            &grant.issued_at,
        ],
    )
    .await?;
    Ok(())
}

/// Removes an application's codes and grants.
pub(super) async fn revoke(tx: &Transaction<'_>, app_id: i64) -> DbResult<()> {
    execute(tx, "DELETE FROM oauth_codes WHERE app_id = $1", &[&app_id]).await?;
    execute(tx, "DELETE FROM oauth_grants WHERE app_id = $1", &[&app_id]).await?;
    Ok(())
}

/// A taken authorization code hash: the primary key of `oauth_codes`, which
/// SQLite names after its column.
pub(super) fn code_conflict(e: DbError) -> DbError {
    match e {
        DbError::Store(StoreError::Conflict(name)) if name == "oauth_codes_id" => {
            DbError::Store(StoreError::Conflict("oauth_codes_code_hash".to_owned()))
        }
        other => other,
    }
}

/// The caller's grant builder for a transaction that may run more than once:
/// the builder runs once, and a later run for the same user reuses its grant.
pub(super) struct GrantMaker {
    /// The builder, until it ran.
    make: Option<Box<dyn FnOnce(i64) -> NewGrant + Send>>,
    /// The user it ran for, and what it built.
    made: Option<(i64, NewGrant)>,
}

impl GrantMaker {
    /// Wraps the caller's builder.
    pub(super) fn new(make: Box<dyn FnOnce(i64) -> NewGrant + Send>) -> Self {
        GrantMaker {
            make: Some(make),
            made: None,
        }
    }

    /// The grant for `user_id`: built on the first call, the same one after.
    pub(super) fn for_user(&mut self, user_id: i64) -> DbResult<NewGrant> {
        if let Some(make) = self.make.take() {
            self.made = Some((user_id, make(user_id)));
        }
        match &self.made {
            Some((built_for, grant)) if *built_for == user_id => Ok(grant.clone()),
            _ => Err(DbError::Store(StoreError::Other(
                "a token changed hands while it was redeemed".to_owned(),
            ))),
        }
    }
}
