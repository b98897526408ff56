//! Local applications and their OAuth 2.0 grants. An application is the
//! second kind of integration: an administrator creates it (name, handler
//! path, installation path, scopes), it gets a `client_id` and a
//! `client_secret` (kept sealed with the data folder's key, found by its keyed
//! hash), and it calls the REST API with access tokens instead of a key in the
//! URL. Authorization codes, access tokens and refresh tokens are stored only
//! as keyed hashes; a refresh token is used once. All of it lives in the
//! database, so any `portico serve` sharing it accepts a token another issued.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::users::User;

/// A local application.
#[derive(Clone, Debug, PartialEq)]
pub struct App {
    /// Local application id (`app.info` `ID`).
    pub id: i64,
    /// `local.` + 14 hex + `.` + 8 digits.
    pub client_id: String,
    /// Display name.
    pub name: String,
    /// The handler path: the page opened in the portal, the OAuth redirect URI.
    pub handler_url: String,
    /// The initial installation path (script-only apps get `ONAPPINSTALL` there).
    pub install_url: Option<String>,
    /// "Script only (no user interface)".
    pub script_only: bool,
    /// Menu item text by language (`en`, `br`).
    pub menu_texts: Vec<(String, String)>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Keyed hash of the client secret.
    pub secret_hash: Vec<u8>,
    /// The client secret, sealed.
    pub secret_sealed: Vec<u8>,
    /// The application token (sent as `auth[application_token]`), sealed.
    pub application_token_sealed: Vec<u8>,
    /// The administrator who created it.
    pub created_by: i64,
    /// Creation instant, Unix seconds.
    pub created_at: i64,
    /// When its installation finished (`installFinish`, or at once for a
    /// script-only app); `None` while it is not installed.
    pub installed_at: Option<i64>,
    /// Version, raised by each reinstallation (`app.info` `VERSION`).
    pub version: i64,
}

/// What is needed to create an application.
#[derive(Clone, Debug, PartialEq)]
pub struct NewApp {
    /// `local.` + 14 hex + `.` + 8 digits.
    pub client_id: String,
    /// Display name.
    pub name: String,
    /// The handler path.
    pub handler_url: String,
    /// The initial installation path.
    pub install_url: Option<String>,
    /// "Script only (no user interface)".
    pub script_only: bool,
    /// Menu item text by language.
    pub menu_texts: Vec<(String, String)>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Keyed hash of the client secret.
    pub secret_hash: Vec<u8>,
    /// The client secret, sealed.
    pub secret_sealed: Vec<u8>,
    /// The application token, sealed.
    pub application_token_sealed: Vec<u8>,
    /// The administrator who creates it.
    pub created_by: i64,
    /// Creation instant, Unix seconds.
    pub created_at: i64,
}

/// New settings of an existing application (the credentials do not change).
#[derive(Clone, Debug, PartialEq)]
pub struct AppChange {
    /// Display name.
    pub name: String,
    /// The handler path.
    pub handler_url: String,
    /// The initial installation path.
    pub install_url: Option<String>,
    /// "Script only (no user interface)".
    pub script_only: bool,
    /// Menu item text by language.
    pub menu_texts: Vec<(String, String)>,
    /// Granted scopes; tokens issued before keep working with the new scopes.
    pub scopes: Vec<String>,
}

/// An OAuth grant: one access token and the refresh token issued with it, for
/// one user of one application.
#[derive(Clone, Debug, PartialEq)]
pub struct NewGrant {
    /// The application.
    pub app_id: i64,
    /// The user the tokens act as.
    pub user_id: i64,
    /// Keyed hash of the access token.
    pub access_hash: Vec<u8>,
    /// When the access token stops working, Unix seconds.
    pub access_expires_at: i64,
    /// Keyed hash of the refresh token.
    pub refresh_hash: Vec<u8>,
    /// When the refresh token stops working, Unix seconds.
    pub refresh_expires_at: i64,
    /// Issue instant, Unix seconds.
    pub issued_at: i64,
}

/// What an access token found: its grant's application and user, and when it
/// expires (an expired token is still found, so it can be told apart from an
/// unknown one).
#[derive(Clone, Debug, PartialEq)]
pub struct AccessGrant {
    /// The application.
    pub app: App,
    /// The user the token acts as.
    pub user: User,
    /// When the access token stops working, Unix seconds.
    pub expires_at: i64,
}

/// Application and OAuth storage.
#[async_trait]
pub trait AppStore: Send + Sync {
    /// Creates an application and returns its id; a taken `client_id` is
    /// `Conflict("apps_client_id")`.
    async fn insert_app(&self, app: NewApp) -> Result<i64, StoreError>;
    /// One application by id.
    async fn app_by_id(&self, id: i64) -> Result<Option<App>, StoreError>;
    /// One application by its `client_id` (exact).
    async fn app_by_client_id(&self, client_id: &str) -> Result<Option<App>, StoreError>;
    /// Every application, by id.
    async fn list_apps(&self) -> Result<Vec<App>, StoreError>;
    /// Replaces an application's settings; `false` when there is none.
    async fn update_app(&self, id: i64, change: AppChange) -> Result<bool, StoreError>;
    /// Marks an application installed at `at` (idempotent: the first instant
    /// stays); `false` when there is none.
    async fn set_app_installed(&self, id: i64, at: i64) -> Result<bool, StoreError>;
    /// Starts a reinstallation: not installed any more, version raised, its
    /// tokens revoked and its event bindings removed; `false` when there is none.
    async fn reset_app_installation(&self, id: i64) -> Result<bool, StoreError>;
    /// Deletes an application with its codes and tokens; `false` when there
    /// was none.
    async fn delete_app(&self, id: i64) -> Result<bool, StoreError>;

    /// Stores an authorization code (its keyed hash) for `user_id` of `app_id`,
    /// usable until `expires_at`.
    async fn insert_auth_code(
        &self,
        code_hash: Vec<u8>,
        app_id: i64,
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// Redeems an authorization code of `app_id` at `now`: the code is spent
    /// whatever the outcome, and when it was valid `grant` (for the code's
    /// user, whose id the closure receives) is stored in the same transaction.
    /// The user's id; `None` for an unknown, spent, expired or foreign code.
    async fn redeem_auth_code(
        &self,
        code_hash: Vec<u8>,
        app_id: i64,
        now: i64,
        grant: Box<dyn FnOnce(i64) -> NewGrant + Send>,
    ) -> Result<Option<i64>, StoreError>;
    /// Stores a grant (an access token with its refresh token).
    async fn insert_grant(&self, grant: NewGrant) -> Result<(), StoreError>;
    /// The grant of an access token, by the token's keyed hash.
    async fn grant_by_access_hash(
        &self,
        access_hash: &[u8],
    ) -> Result<Option<AccessGrant>, StoreError>;
    /// Redeems a refresh token of `app_id` at `now`: spends it and stores
    /// `grant` (built for the token's user) in one transaction, so two
    /// concurrent refreshes with one token renew at most once. The user's id
    /// when renewed; `None` for an unknown, spent, expired or foreign token.
    async fn redeem_refresh_token(
        &self,
        refresh_hash: Vec<u8>,
        app_id: i64,
        now: i64,
        grant: Box<dyn FnOnce(i64) -> NewGrant + Send>,
    ) -> Result<Option<i64>, StoreError>;
    /// Revokes every token and code of an application.
    async fn revoke_app_tokens(&self, app_id: i64) -> Result<(), StoreError>;
    /// Forgets, at `now`, grants that can no longer do anything (access token
    /// expired, refresh token spent or expired) and expired codes; how many
    /// grants went.
    async fn purge_expired_grants(&self, now: i64) -> Result<u64, StoreError>;

    /// The options an application keeps, by name: its own (`user_id` 0,
    /// `app.option.*`) or one user's (`user.option.*`).
    async fn app_options(
        &self,
        app_id: i64,
        user_id: i64,
    ) -> Result<Vec<(String, serde_json::Value)>, StoreError>;
    /// Sets options (each name replaced or added, the others kept) in one
    /// transaction.
    async fn set_app_options(
        &self,
        app_id: i64,
        user_id: i64,
        options: Vec<(String, serde_json::Value)>,
    ) -> Result<(), StoreError>;
}
