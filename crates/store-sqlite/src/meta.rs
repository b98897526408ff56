//! [`MetaStore`]: the `portal_meta` table of named values. Reads run inline on a
//! pool connection; writes go through the writer.

use async_trait::async_trait;
use portico_store::{MetaStore, StoreError};
use rusqlite::{params, OptionalExtension};

use crate::error::map_err;
use crate::SqliteStore;

#[async_trait]
impl MetaStore for SqliteStore {
    async fn portal_meta(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached("SELECT value FROM portal_meta WHERE name = ?1")
                .and_then(|mut s| s.query_row([name], |row| row.get(0)).optional())
                .map_err(map_err)
        })
    }

    async fn set_portal_meta(&self, name: &str, value: &[u8]) -> Result<(), StoreError> {
        let (name, value) = (name.to_owned(), value.to_vec());
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO portal_meta (name, value) VALUES (?1, ?2) \
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            )
            .and_then(|mut s| s.execute(params![name, value]))
            .map_err(map_err)?;
            Ok(())
        })
        .await
    }
}
