//! Portal users: the typed model used for authentication and administration, the
//! [`UserStore`] trait, and the `USER` catalogue ([`catalogue`]) through which
//! `user.get` lists them with the shared list machinery and `user.add` /
//! `user.update` write them.

use std::sync::Arc;

use async_trait::async_trait;

use crate::error::StoreError;
use crate::events::EventStamp;
use crate::records::{FieldValue, Record};
use crate::user_fields::UserFieldWrite;

mod catalogue;

pub use catalogue::{department_ids, department_text, ONLINE_SECONDS, USER, USER_ID};

/// The conflict reported when an e-mail is already some user's e-mail or login.
pub const USER_EMAIL_CONFLICT: &str = "users_email";

/// A portal user.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    /// User id (the administrator created on first start is 1).
    pub id: i64,
    /// Unique login.
    pub login: String,
    /// First name.
    pub name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail address (may be empty).
    pub email: String,
    /// Administrator flag.
    pub is_admin: bool,
    /// Deactivated users cannot sign in and their integrations stop working.
    pub active: bool,
    /// argon2id hash in PHC string form.
    pub password_hash: String,
    /// Registration instant, Unix seconds.
    pub date_register: i64,
}

/// What is needed to create a user.
#[derive(Clone, Debug, PartialEq)]
pub struct NewUser {
    /// Unique login.
    pub login: String,
    /// First name.
    pub name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail address.
    pub email: String,
    /// Administrator flag.
    pub is_admin: bool,
    /// argon2id hash in PHC string form.
    pub password_hash: String,
    /// Registration instant, Unix seconds.
    pub date_register: i64,
}

/// Renders a new user's stored row (its [`USER`] record, read in the write's
/// transaction) as the `data` of its `ONUSERADD` event.
pub type UserEventData = Arc<dyn Fn(&Record) -> serde_json::Value + Send + Sync>;

/// Asks [`UserStore::add_user`] to record `ONUSERADD` (entity `USER`) in its
/// own transaction: when, by whom, and how its `data` is rendered.
#[derive(Clone)]
pub struct UserAdded {
    /// When and by whom.
    pub stamp: EventStamp,
    /// The event's `data` from the new user's row.
    pub data: UserEventData,
}

/// User storage.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates a user; a taken login is `StoreError::Conflict("users_login")`.
    async fn insert_user(&self, user: NewUser) -> Result<i64, StoreError> {
        self.insert_user_with_event(user, None).await
    }
    /// [`insert_user`](Self::insert_user) that also records `ONUSERADD` in
    /// the same transaction when `event` is given (a user created on the
    /// sign-in pages or the command line, as `user.add` does over REST).
    async fn insert_user_with_event(
        &self,
        user: NewUser,
        event: Option<UserAdded>,
    ) -> Result<i64, StoreError>;
    /// The user with this id.
    async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError>;
    /// The user with this login (exact match).
    async fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError>;
    /// All users ordered by id.
    async fn list_users(&self) -> Result<Vec<User>, StoreError>;
    /// Activates or deactivates a user; `false` when there is no such user.
    async fn set_user_active(&self, id: i64, active: bool) -> Result<bool, StoreError>;
    /// Grants or revokes the administrator flag; `false` when there is no such user.
    async fn set_user_admin(&self, id: i64, is_admin: bool) -> Result<bool, StoreError>;
    /// Replaces the password hash; `false` when there is no such user.
    async fn set_user_password(&self, id: i64, password_hash: &str) -> Result<bool, StoreError>;
    /// Creates a user from values of [`USER`] fields, by position (`user.add`),
    /// and values of its profile fields (`UF_USR_*`, by definition id), in one
    /// transaction. Its login is its e-mail (the `EMAIL` value, which must
    /// not be empty) and it has no password, so it cannot sign in until one is
    /// set. An e-mail that is already a user's e-mail or login (compared without
    /// case) is `Conflict(USER_EMAIL_CONFLICT)` and nothing is written. With
    /// `event`, `ONUSERADD` is recorded in the same transaction (see
    /// [`crate::events`]); a refused write records nothing.
    async fn add_user(
        &self,
        values: Vec<(usize, FieldValue)>,
        uf: Vec<UserFieldWrite>,
        event: Option<UserAdded>,
    ) -> Result<i64, StoreError>;
    /// Changes values of [`USER`] fields and of profile fields (`UF_USR_*`; a
    /// field given replaces all its values) of user `id` (`user.update`) in one
    /// transaction; `false` when there is no such user. A new `EMAIL` that is
    /// another user's e-mail or login (compared without case) is
    /// `Conflict(USER_EMAIL_CONFLICT)` and nothing is written.
    async fn update_user(
        &self,
        id: i64,
        values: Vec<(usize, FieldValue)>,
        uf: Vec<UserFieldWrite>,
    ) -> Result<bool, StoreError>;
}
