//! The changes of the users page: `POST /users` (add a user),
//! `POST /users/{id}/active` (`active=0|1`) and `POST /users/{id}/admin`
//! (`admin=0|1`). Each checks the CSRF token, then that the caller is an
//! administrator; a refused form shows the page again with the reason (400, or
//! 409 for a taken login). A new user gets the CRM role the form chose, which
//! must exist. Administrators cannot deactivate themselves or
//! revoke their own flag; deactivating a user ends their sessions.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use portico_store::{EventStamp, NewUser, StoreError};

use super::{render, Draft};
use crate::state::AppState;
use crate::ui::password::{self, MIN_PASSWORD_LEN};
use crate::ui::session::{CheckedForm, FormData};
use crate::ui::{page, parse_id};

/// Longest login, in characters.
const MAX_LOGIN_CHARS: usize = 50;
/// Longest first or last name, in characters.
const MAX_NAME_CHARS: usize = 100;
/// Longest e-mail address, in characters.
const MAX_EMAIL_CHARS: usize = 254;
/// Longest password, in characters (argon2 hashes any length; this bounds the work).
const MAX_PASSWORD_CHARS: usize = 1024;

/// Why a new user was refused.
#[derive(Debug, PartialEq)]
enum Invalid {
    /// The login is empty, too long or has spaces or control characters.
    Login,
    /// A name is too long.
    Name,
    /// The e-mail address is not one.
    Email,
    /// The password is too short or too long.
    Password,
    /// The role is not a role id.
    Role,
}

/// Checks the add-user form; returns the draft and the password.
fn validate(form: &FormData) -> (Draft, String, Option<Invalid>) {
    let draft = Draft {
        login: form.text("login"),
        name: form.text("name"),
        last_name: form.text("last_name"),
        email: form.text("email"),
        is_admin: form.get("is_admin").is_some(),
        role: form.text("role"),
    };
    let password = form.get("password").unwrap_or("").to_owned();
    let login_ok = !draft.login.is_empty()
        && draft.login.chars().count() <= MAX_LOGIN_CHARS
        && !draft
            .login
            .chars()
            .any(|c| c.is_whitespace() || c.is_control());
    let names_ok = [&draft.name, &draft.last_name]
        .iter()
        .all(|n| n.chars().count() <= MAX_NAME_CHARS && !n.chars().any(char::is_control));
    let email_ok = draft.email.is_empty()
        || (draft.email.chars().count() <= MAX_EMAIL_CHARS
            && !draft
                .email
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
            && draft
                .email
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty()));
    let length = password.chars().count();
    let password_ok = (MIN_PASSWORD_LEN..=MAX_PASSWORD_CHARS).contains(&length);
    let role_ok = draft.role.is_empty() || parse_id(&draft.role).is_some();
    let invalid = if !login_ok {
        Some(Invalid::Login)
    } else if !names_ok {
        Some(Invalid::Name)
    } else if !email_ok {
        Some(Invalid::Email)
    } else if !password_ok {
        Some(Invalid::Password)
    } else if !role_ok {
        Some(Invalid::Role)
    } else {
        None
    };
    (draft, password, invalid)
}

/// A `0` / `1` form field.
fn flag(form: &FormData, name: &str) -> Option<bool> {
    match form.get(name).map(str::trim) {
        Some("1") => Some(true),
        Some("0") => Some(false),
        _ => None,
    }
}

/// `POST /users`: adds a user.
pub async fn add(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let tr = &signed.tr;
    let (draft, password, invalid) = validate(&form);
    let refuse = |status: StatusCode, message: String| {
        render(
            &state,
            &headers,
            &signed,
            status,
            None,
            Some(message),
            &draft,
        )
    };
    if let Some(invalid) = invalid {
        let message = match invalid {
            Invalid::Login => tr.t_count("users-error-login", "max", MAX_LOGIN_CHARS as i64),
            Invalid::Name => tr.t_count("users-error-name", "max", MAX_NAME_CHARS as i64),
            Invalid::Email => tr.t("users-error-email"),
            Invalid::Password => tr.t_count("users-error-password", "min", MIN_PASSWORD_LEN as i64),
            Invalid::Role => tr.t("users-error-role"),
        };
        return refuse(StatusCode::BAD_REQUEST, message).await;
    }
    // Roles are never deleted, so one that exists now still does after the insert.
    let role = match parse_id(&draft.role) {
        None => None,
        Some(id) => match state.store.role_by_id(id).await {
            Ok(Some(role)) => Some(role),
            Ok(None) => return refuse(StatusCode::BAD_REQUEST, tr.t("users-error-role")).await,
            Err(e) => return page::internal_error(&headers, e),
        },
    };
    let taken = || tr.t_with("users-error-login-taken", &[("login", &draft.login)]);
    match state.store.user_by_login(&draft.login).await {
        Ok(Some(_)) => return refuse(StatusCode::CONFLICT, taken()).await,
        Ok(None) => {}
        Err(e) => return page::internal_error(&headers, e),
    }
    let hash = match tokio::task::spawn_blocking(move || password::hash(&password)).await {
        Ok(Ok(hash)) => hash,
        Ok(Err(e)) => return page::internal_error(&headers, e),
        Err(e) => return page::internal_error(&headers, e),
    };
    let now = state.clock.now();
    let profile = match portico_methods::user::profile_fields(state.store.as_ref()).await {
        Ok(profile) => profile,
        Err(e) => return page::internal_error(&headers, e),
    };
    let added = portico_methods::user::user_added(
        EventStamp {
            at: now,
            user_id: Some(signed.user.id),
            auth_connector: None,
        },
        state.clock.offset,
        profile,
    );
    let inserted = state
        .store
        .insert_user_with_event(
            NewUser {
                login: draft.login.clone(),
                name: draft.name.clone(),
                last_name: draft.last_name.clone(),
                email: draft.email.clone(),
                is_admin: draft.is_admin,
                password_hash: hash,
                date_register: now,
            },
            Some(added),
        )
        .await;
    let id = match inserted {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => return refuse(StatusCode::CONFLICT, taken()).await,
        Err(e) => return page::internal_error(&headers, e),
    };
    if let Some(role) = &role {
        match state.store.set_user_role(id, Some(role.id)).await {
            Ok(true) => {}
            Ok(false) => return page::not_found(tr),
            Err(e) => return page::internal_error(&headers, e),
        }
    }
    let role_id = role.as_ref().map(|r| r.id);
    tracing::info!(target: "portico::web", by = signed.user.id, user = id, role = ?role_id, "user added");
    Redirect::to("/users?done=added").into_response()
}

/// A yes/no property of a user that administrators switch from the Users page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Switch {
    /// `active`: deactivation also ends the user's sessions.
    Active,
    /// `admin`: the administrator flag.
    Admin,
}

impl Switch {
    /// The form field carrying `0` or `1`.
    fn field(self) -> &'static str {
        match self {
            Switch::Active => "active",
            Switch::Admin => "admin",
        }
    }

    /// The message refusing to switch it off for oneself.
    fn self_error(self) -> &'static str {
        match self {
            Switch::Active => "users-error-self-deactivate",
            Switch::Admin => "users-error-self-revoke",
        }
    }

    /// The `?done=` notice after switching it to `on`.
    fn done(self, on: bool) -> &'static str {
        match (self, on) {
            (Switch::Active, true) => "activated",
            (Switch::Active, false) => "deactivated",
            (Switch::Admin, true) => "admin-granted",
            (Switch::Admin, false) => "admin-revoked",
        }
    }
}

/// Switches `switch` of user `id` as the form says; nobody switches themselves off.
async fn change(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    CheckedForm { signed, form }: CheckedForm,
    switch: Switch,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let tr = &signed.tr;
    let Some(id) = parse_id(id) else {
        return page::not_found(tr);
    };
    let Some(on) = flag(&form, switch.field()) else {
        return page::error_page(tr, StatusCode::BAD_REQUEST, "error-bad-form");
    };
    if !on && id == signed.user.id {
        let message = tr.t(switch.self_error());
        return render(
            state,
            headers,
            &signed,
            StatusCode::BAD_REQUEST,
            None,
            Some(message),
            &Draft::default(),
        )
        .await;
    }
    let changed = match switch {
        Switch::Active => state.store.set_user_active(id, on).await,
        Switch::Admin => state.store.set_user_admin(id, on).await,
    };
    match changed {
        Ok(true) => {}
        Ok(false) => return page::not_found(tr),
        Err(e) => return page::internal_error(headers, e),
    }
    if switch == Switch::Active && !on {
        if let Err(e) = state.store.delete_user_sessions(id).await {
            return page::internal_error(headers, e);
        }
    }
    tracing::info!(target: "portico::web", by = signed.user.id, user = id, field = switch.field(), on, "user changed");
    Redirect::to(&format!("/users?done={}", switch.done(on))).into_response()
}

/// `POST /users/{id}/active` with `active=0|1`.
pub async fn set_active(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    checked: CheckedForm,
) -> Response {
    change(&state, &headers, &id, checked, Switch::Active).await
}

/// `POST /users/{id}/admin` with `admin=0|1`.
pub async fn set_admin(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    checked: CheckedForm,
) -> Response {
    change(&state, &headers, &id, checked, Switch::Admin).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn new_users_are_validated() {
        let good = [
            ("login", " ana "),
            ("name", "Ana"),
            ("email", "ana@example.com"),
            ("password", "12345678"),
        ];
        let (draft, password, invalid) = validate(&form(&good));
        assert_eq!(invalid, None);
        assert_eq!(draft.login, "ana");
        assert!(!draft.is_admin);
        assert_eq!(password, "12345678");
        let with = |k: &str, v: &str| {
            let mut pairs = good.to_vec();
            pairs.retain(|(n, _)| *n != k);
            pairs.push((k, v));
            validate(&form(&pairs)).2
        };
        assert_eq!(with("login", ""), Some(Invalid::Login));
        assert_eq!(with("login", "a b"), Some(Invalid::Login));
        assert_eq!(with("login", &"x".repeat(51)), Some(Invalid::Login));
        assert_eq!(with("name", &"x".repeat(101)), Some(Invalid::Name));
        assert_eq!(with("email", "nope"), Some(Invalid::Email));
        assert_eq!(with("email", ""), None);
        assert_eq!(with("password", "1234567"), Some(Invalid::Password));
        assert_eq!(with("is_admin", "1"), None);
        assert_eq!(with("role", "2"), None);
        assert_eq!(with("role", ""), None);
        for bad in ["x", "0", "-1", "2.5", "99999999999999999999"] {
            assert_eq!(with("role", bad), Some(Invalid::Role), "{bad}");
        }
        assert_eq!(validate(&form(&[("role", " 3 ")])).0.role, "3");
        assert!(validate(&form(&[("is_admin", "1")])).0.is_admin);
    }

    #[test]
    fn ids_and_flags_are_strict() {
        assert_eq!(parse_id("3"), Some(3));
        assert_eq!(parse_id("0"), None);
        assert_eq!(parse_id("x"), None);
        assert_eq!(flag(&form(&[("active", "1")]), "active"), Some(true));
        assert_eq!(flag(&form(&[("active", "0")]), "active"), Some(false));
        assert_eq!(flag(&form(&[("active", "yes")]), "active"), None);
        assert_eq!(flag(&form(&[]), "active"), None);
    }
}
