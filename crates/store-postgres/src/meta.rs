//! [`MetaStore`] on PostgreSQL: the `portal_meta` table of named values.

use async_trait::async_trait;
use portico_store::{MetaStore, StoreError};

use crate::{read, transaction, PgStore};

#[async_trait]
impl MetaStore for PgStore {
    async fn portal_meta(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached("SELECT value FROM portal_meta WHERE name = $1")
                .await?;
            match conn.query_opt(&statement, &[&name]).await? {
                Some(row) => Ok(Some(row.try_get(0)?)),
                None => Ok(None),
            }
        })
    }

    async fn set_portal_meta(&self, name: &str, value: &[u8]) -> Result<(), StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO portal_meta (name, value) VALUES ($1, $2) \
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                )
                .await?;
            tx.execute(&statement, &[&name, &value]).await?;
            Ok(())
        })
    }
}
