//! Portal users: the typed model used for authentication and administration, the
//! [`UserStore`] trait, and the `USER` catalogue through which `user.get` lists them
//! with the shared list machinery.

use async_trait::async_trait;

use crate::entity::{EntityDef, FieldDef, FieldKind};
use crate::error::StoreError;

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

/// User storage.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates a user; a taken login is `StoreError::Conflict("users_login")`.
    async fn insert_user(&self, user: NewUser) -> Result<i64, StoreError>;
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
}

/// Position of `ID` in [`USER`].
pub const USER_ID: usize = 0;

/// The user record type as `user.get` / `user.fields` expose it (table `users`).
/// The login, password hash and admin flag are columns of the same table but not
/// wire fields.
pub static USER: EntityDef = EntityDef {
    code: "USER",
    table: "users",
    fields: &[
        FieldDef::new("ID", "id", FieldKind::Integer, "ID").read_only(),
        FieldDef::new("XML_ID", "xml_id", FieldKind::String, "External ID"),
        FieldDef::new("ACTIVE", "active", FieldKind::Boolean, "Active"),
        FieldDef::new("NAME", "name", FieldKind::String, "First name"),
        FieldDef::new("LAST_NAME", "last_name", FieldKind::String, "Last name"),
        FieldDef::new(
            "SECOND_NAME",
            "second_name",
            FieldKind::String,
            "Second name",
        ),
        FieldDef::new("EMAIL", "email", FieldKind::String, "E-mail"),
        FieldDef::new(
            "LAST_LOGIN",
            "last_login",
            FieldKind::DateTime,
            "Last login",
        )
        .read_only(),
        FieldDef::new(
            "DATE_REGISTER",
            "date_register",
            FieldKind::DateTime,
            "Registration date",
        )
        .read_only(),
        FieldDef::new("TIME_ZONE", "time_zone", FieldKind::String, "Time zone"),
        FieldDef::new(
            "PERSONAL_GENDER",
            "personal_gender",
            FieldKind::String,
            "Gender",
        ),
        FieldDef::new(
            "PERSONAL_BIRTHDAY",
            "personal_birthday",
            FieldKind::Date,
            "Date of birth",
        ),
        FieldDef::new(
            "PERSONAL_PHONE",
            "personal_phone",
            FieldKind::String,
            "Phone",
        ),
        FieldDef::new(
            "PERSONAL_MOBILE",
            "personal_mobile",
            FieldKind::String,
            "Mobile",
        ),
        FieldDef::new("PERSONAL_CITY", "personal_city", FieldKind::String, "City"),
        FieldDef::new(
            "WORK_POSITION",
            "work_position",
            FieldKind::String,
            "Position",
        ),
        FieldDef::new("WORK_PHONE", "work_phone", FieldKind::String, "Work phone"),
        FieldDef::new("WORK_COMPANY", "work_company", FieldKind::String, "Company"),
        FieldDef::new("USER_TYPE", "user_type", FieldKind::String, "User type").read_only(),
    ],
};
