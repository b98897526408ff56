//! Portal-wide facts kept with the data: a small table of named values, such as
//! the check value that ties the database to its secret key file.

use async_trait::async_trait;

use crate::error::StoreError;

/// Portal-wide named values.
#[async_trait]
pub trait MetaStore: Send + Sync {
    /// The value stored under `name`, if any.
    async fn portal_meta(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Stores `value` under `name`, replacing any previous value.
    async fn set_portal_meta(&self, name: &str, value: &[u8]) -> Result<(), StoreError>;
}
