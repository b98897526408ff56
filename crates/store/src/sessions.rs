//! Web sign-in sessions and per-user settings of the UI. A session is found by the
//! SHA-256 of its cookie token (the token itself is never stored) and carries the
//! CSRF token its forms must echo.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::users::User;

/// A stored sign-in session.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// SHA-256 of the cookie token: the lookup key.
    pub token_hash: Vec<u8>,
    /// The signed-in user.
    pub user_id: i64,
    /// The token every state-changing form of this session must carry.
    pub csrf_token: String,
    /// Sign-in instant, Unix seconds.
    pub created_at: i64,
    /// After this instant (Unix seconds) the session is over.
    pub expires_at: i64,
}

/// Session and UI-settings storage.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new session.
    async fn insert_session(&self, session: Session) -> Result<(), StoreError>;
    /// The session with this token hash, with its user, if it has not expired at `now`.
    async fn session_by_hash(
        &self,
        token_hash: &[u8],
        now: i64,
    ) -> Result<Option<(Session, User)>, StoreError>;
    /// Ends one session; `false` when there was none.
    async fn delete_session(&self, token_hash: &[u8]) -> Result<bool, StoreError>;
    /// Ends every session of a user (deactivation, password change); returns how many.
    async fn delete_user_sessions(&self, user_id: i64) -> Result<u64, StoreError>;
    /// Removes sessions expired at `now`; returns how many.
    async fn purge_expired_sessions(&self, now: i64) -> Result<u64, StoreError>;
    /// One UI setting of a user (`lang`, `integration_columns`, …).
    async fn user_setting(&self, user_id: i64, name: &str) -> Result<Option<String>, StoreError>;
    /// Stores one UI setting of a user, replacing the previous value.
    async fn set_user_setting(
        &self,
        user_id: i64,
        name: &str,
        value: &str,
    ) -> Result<(), StoreError>;
}
