//! Inbound webhooks: a secret URL that calls the REST API as its creator, limited to
//! chosen scopes. The secret is kept encrypted (its owner can see it again) and
//! found by a keyed hash; see the `portico` crate's secret box.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::users::User;

/// A stored inbound webhook.
#[derive(Clone, Debug, PartialEq)]
pub struct Webhook {
    /// Webhook id.
    pub id: i64,
    /// The user it acts as (its creator or current owner).
    pub user_id: i64,
    /// Display name.
    pub name: String,
    /// Granted scopes (`crm`, `user`, …); `basic` methods need none.
    pub scopes: Vec<String>,
    /// Keyed hash (HMAC-SHA256) of the secret: the lookup key.
    pub secret_hash: Vec<u8>,
    /// The secret, encrypted with the data folder's key.
    pub secret_encrypted: Vec<u8>,
    /// After this instant (Unix seconds) calls are refused.
    pub expires_at: Option<i64>,
    /// Creation instant, Unix seconds.
    pub created_at: i64,
    /// Last successful authentication, Unix seconds (recorded at most once a minute).
    pub last_used_at: Option<i64>,
}

/// What is needed to create a webhook.
#[derive(Clone, Debug, PartialEq)]
pub struct NewWebhook {
    /// The user it acts as.
    pub user_id: i64,
    /// Display name.
    pub name: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Keyed hash of the secret.
    pub secret_hash: Vec<u8>,
    /// The encrypted secret.
    pub secret_encrypted: Vec<u8>,
    /// Optional expiry, Unix seconds.
    pub expires_at: Option<i64>,
    /// Creation instant, Unix seconds.
    pub created_at: i64,
}

/// A whole new state for an existing webhook: name, scopes, expiry, owner and,
/// when the key is regenerated, its new hash and sealed secret.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookChange {
    /// The user it acts as from now on.
    pub user_id: i64,
    /// Display name.
    pub name: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Optional expiry, Unix seconds.
    pub expires_at: Option<i64>,
    /// A new key (hash, sealed secret); `None` keeps the current one.
    pub new_secret: Option<(Vec<u8>, Vec<u8>)>,
}

/// Webhook storage.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Creates a webhook and returns its id.
    async fn insert_webhook(&self, webhook: NewWebhook) -> Result<i64, StoreError>;
    /// The webhook whose secret has this keyed hash, with the user it acts as.
    async fn webhook_by_hash(
        &self,
        secret_hash: &[u8],
    ) -> Result<Option<(Webhook, User)>, StoreError>;
    /// Webhooks of one user, or of everyone when `user_id` is `None`, ordered by id.
    async fn list_webhooks(&self, user_id: Option<i64>) -> Result<Vec<Webhook>, StoreError>;
    /// One webhook by id.
    async fn webhook_by_id(&self, id: i64) -> Result<Option<Webhook>, StoreError>;
    /// Replaces a webhook's settings (and key, when given); `false` when there is no
    /// such webhook. The old key stops working at once.
    async fn update_webhook(&self, id: i64, change: WebhookChange) -> Result<bool, StoreError>;
    /// Records that a webhook was used at `at` (Unix seconds).
    async fn touch_webhook(&self, id: i64, at: i64) -> Result<(), StoreError>;
    /// Deletes a webhook; `false` when there was none with this id.
    async fn delete_webhook(&self, id: i64) -> Result<bool, StoreError>;
}
