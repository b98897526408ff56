//! The schema on PostgreSQL: `migrations/*.sql` applied in order, each in its own
//! transaction, tracked in `portico_migrations`. A session-level advisory lock
//! serialises nodes that start at the same moment: the second waits, then finds
//! nothing left to apply.

use portico_store::StoreError;
use tokio_postgres::Client;

use crate::error::map_err;

/// The migrations, in the order they apply: (version, name, SQL).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "schema", include_str!("../migrations/0001_schema.sql")),
    (
        2,
        "trigram_search",
        include_str!("../migrations/0002_trigram_search.sql"),
    ),
    (
        3,
        "live_events",
        include_str!("../migrations/0003_live_events.sql"),
    ),
    (
        4,
        "notifications",
        include_str!("../migrations/0004_notifications.sql"),
    ),
    (5, "chats", include_str!("../migrations/0005_chats.sql")),
    (6, "feed", include_str!("../migrations/0006_feed.sql")),
    (7, "bots", include_str!("../migrations/0007_bots.sql")),
];

/// The advisory lock key every node takes while migrating ("portico" in ASCII).
const MIGRATION_LOCK: i64 = 0x0070_6f72_7469_636f;

/// The newest schema version this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Applies every migration the database lacks; returns the versions applied.
pub(crate) async fn migrate(client: &mut Client) -> Result<Vec<i64>, StoreError> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(map_err)?;
    let applied = apply_pending(client).await;
    let unlocked = client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(map_err);
    let applied = applied?;
    unlocked?;
    Ok(applied)
}

/// The body of [`migrate`], under the lock.
async fn apply_pending(client: &mut Client) -> Result<Vec<i64>, StoreError> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS portico_migrations (\
                 version BIGINT PRIMARY KEY, name TEXT NOT NULL, \
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .await
        .map_err(map_err)?;
    let current: i64 = client
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM portico_migrations",
            &[],
        )
        .await
        .map_err(map_err)?
        .get(0);
    if current > latest_version() {
        return Err(StoreError::Other(format!(
            "the database's schema is version {current}, newer than this build knows ({}); \
             run the newer Portico",
            latest_version()
        )));
    }
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let tx = client.transaction().await.map_err(map_err)?;
        tx.batch_execute(sql).await.map_err(|e| match map_err(e) {
            StoreError::Other(text) => {
                StoreError::Other(format!("migration {version} ({name}): {text}"))
            }
            other => other,
        })?;
        tx.execute(
            "INSERT INTO portico_migrations (version, name) VALUES ($1, $2)",
            &[version, name],
        )
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        tracing::info!(version, name, "applied PostgreSQL migration");
        applied.push(*version);
    }
    Ok(applied)
}
