//! `/users`, for administrators only: every portal user in a table with their
//! CRM role and small forms to activate / deactivate them and grant / revoke
//! the administrator flag, and a form to add a user with a role. The changes themselves are in
//! [`actions`]; every one checks the CSRF token first, then the
//! administrator flag, and answers a 303 back to `/users?done=…`.

mod actions;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use portico_store::roles::DEFAULT_ROLE_ID;
use portico_store::{Role, StoreError, User};

use super::i18n::Tr;
use super::page::{self, Section};
use super::password::MIN_PASSWORD_LEN;
use super::session::Signed;
use crate::state::AppState;

/// The users pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(show).post(actions::add))
        .route("/users/{id}/active", post(actions::set_active))
        .route("/users/{id}/admin", post(actions::set_admin))
}

/// What the add-user form held, shown again after a refusal (never the password).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    /// Login.
    pub login: String,
    /// First name.
    pub name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail address.
    pub email: String,
    /// The administrator box was ticked.
    pub is_admin: bool,
    /// The chosen CRM role's id as the form sent it ("": the default role).
    pub role: String,
}

/// The message shown after a successful change, from `?done=`.
fn notice(tr: &Tr, raw_query: Option<&str>) -> Option<String> {
    let done = form_urlencoded::parse(raw_query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "done")
        .map(|(_, v)| v.into_owned())?;
    match done.as_str() {
        "added" => Some(tr.t("users-done-added")),
        "activated" => Some(tr.t("users-done-activated")),
        "deactivated" => Some(tr.t("users-done-deactivated")),
        "admin-granted" => Some(tr.t("users-done-admin-granted")),
        "admin-revoked" => Some(tr.t("users-done-admin-revoked")),
        _ => None,
    }
}

/// `GET /users`.
async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let notice = notice(&signed.tr, raw.as_deref());
    render(
        &state,
        &headers,
        &signed,
        StatusCode::OK,
        notice,
        None,
        &Draft::default(),
    )
    .await
}

/// The users page with an optional notice or error, answered with `status`.
pub async fn render(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    draft: &Draft,
) -> Response {
    let (users, roles) = match users_and_roles(state).await {
        Ok(read) => read,
        Err(e) => return page::internal_error(headers, e),
    };
    let tr = &signed.tr;
    let title = tr.t("users-title");
    let body = html! {
        h1 { (title) }
        p { a #departments-link href="/users/departments" { (tr.t("departments-title")) } }
        @if let Some(error) = &error {
            p.error role="alert" #users-error { (error) }
        }
        @if let Some(notice) = &notice {
            p.notice role="status" #users-notice { (notice) }
        }
        (table(signed, &users))
        (add_form(signed, &roles, draft))
    };
    let mut res = page::page(signed, Section::Users, &title, body);
    *res.status_mut() = status;
    res
}

/// Every user with the name of the CRM role in force for them, and every
/// role: three reads, whatever the number of users.
async fn users_and_roles(
    state: &AppState,
) -> Result<(Vec<(User, Option<String>)>, Vec<Role>), StoreError> {
    let users = state.store.list_users().await?;
    let roles = state.store.list_roles().await?;
    let role_ids = state.store.user_role_ids().await?;
    let out = users
        .into_iter()
        .map(|user| {
            let role = role_ids
                .get(&user.id)
                .and_then(|id| roles.iter().find(|r| r.id == *id))
                .map(|r| r.name.clone());
            (user, role)
        })
        .collect();
    Ok((out, roles))
}

/// "Yes" / "No".
fn yes_no(tr: &Tr, value: bool) -> String {
    if value {
        tr.t("yes")
    } else {
        tr.t("no")
    }
}

/// The table of users (each with their role's name) with their action forms.
fn table(signed: &Signed, users: &[(User, Option<String>)]) -> Markup {
    let tr = &signed.tr;
    html! {
        div.table-wrap {
            table #users.data {
                thead {
                    tr {
                        th scope="col" { (tr.t("users-col-id")) }
                        th scope="col" { (tr.t("users-col-login")) }
                        th scope="col" { (tr.t("users-col-name")) }
                        th scope="col" { (tr.t("users-col-email")) }
                        th scope="col" { (tr.t("users-col-role")) }
                        th scope="col" { (tr.t("users-col-admin")) }
                        th scope="col" { (tr.t("users-col-active")) }
                        th scope="col" { (tr.t("users-col-actions")) }
                    }
                }
                tbody {
                    @for (user, role) in users {
                        tr data-id=(user.id) {
                            td { (user.id) }
                            td { (user.login) }
                            td { (format!("{} {}", user.name, user.last_name).trim()) }
                            td { (user.email) }
                            td.role {
                                (role.as_deref().unwrap_or("—"))
                                @if user.is_admin {
                                    br;
                                    span.muted { (tr.t("users-role-admin-note")) }
                                }
                            }
                            td.admin { (yes_no(tr, user.is_admin)) }
                            td.active { (yes_no(tr, user.active)) }
                            td.actions { (row_actions(signed, user)) }
                        }
                    }
                }
            }
        }
    }
}

/// The activate / deactivate and grant / revoke forms of one row; none on
/// the administrator's own row (they may not lock themselves out).
fn row_actions(signed: &Signed, user: &User) -> Markup {
    let tr = &signed.tr;
    let login = user.login.as_str();
    if user.id == signed.user.id {
        return html! { span.muted { (tr.t("users-you")) } };
    }
    let (active_value, active_text, active_label) = if user.active {
        (
            "0",
            tr.t("users-deactivate"),
            tr.t_with("users-deactivate-label", &[("login", login)]),
        )
    } else {
        (
            "1",
            tr.t("users-activate"),
            tr.t_with("users-activate-label", &[("login", login)]),
        )
    };
    let (admin_value, admin_text, admin_label) = if user.is_admin {
        (
            "0",
            tr.t("users-revoke-admin"),
            tr.t_with("users-revoke-admin-label", &[("login", login)]),
        )
    } else {
        (
            "1",
            tr.t("users-grant-admin"),
            tr.t_with("users-grant-admin-label", &[("login", login)]),
        )
    };
    html! {
        div.row {
            form.inline.set-active method="post" action={ "/users/" (user.id) "/active" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                input type="hidden" name="active" value=(active_value);
                button type="submit" aria-label=(active_label) { (active_text) }
            }
            form.inline.set-admin method="post" action={ "/users/" (user.id) "/admin" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                input type="hidden" name="admin" value=(admin_value);
                button type="submit" aria-label=(admin_label) { (admin_text) }
            }
        }
    }
}

/// The "Add user" form; the role list preselects the draft's role, else the default one.
fn add_form(signed: &Signed, roles: &[Role], draft: &Draft) -> Markup {
    let tr = &signed.tr;
    let chosen = roles
        .iter()
        .find(|r| r.id.to_string() == draft.role)
        .map_or(DEFAULT_ROLE_ID, |r| r.id);
    html! {
        h2 #add-user-title { (tr.t("users-add-title")) }
        form #add-user.card.stack method="post" action="/users" aria-labelledby="add-user-title" {
            input type="hidden" name="csrf" value=(signed.csrf);
            label for="new-login" { (tr.t("users-field-login")) }
            input #new-login name="login" type="text" required maxlength="50" autocomplete="off" value=(draft.login);
            label for="new-name" { (tr.t("users-field-name")) }
            input #new-name name="name" type="text" maxlength="100" autocomplete="off" value=(draft.name);
            label for="new-last-name" { (tr.t("users-field-last-name")) }
            input #new-last-name name="last_name" type="text" maxlength="100" autocomplete="off" value=(draft.last_name);
            label for="new-email" { (tr.t("users-field-email")) }
            input #new-email name="email" type="email" maxlength="254" autocomplete="off" value=(draft.email);
            label for="new-password" { (tr.t("users-field-password")) }
            input #new-password name="password" type="password" required
                minlength=(MIN_PASSWORD_LEN) autocomplete="new-password" aria-describedby="new-password-hint";
            p.muted #new-password-hint { (tr.t_count("users-password-hint", "min", MIN_PASSWORD_LEN as i64)) }
            label {
                input #new-is-admin name="is_admin" type="checkbox" value="1" checked[draft.is_admin];
                " " (tr.t("users-field-admin"))
            }
            label for="new-role" { (tr.t("users-field-role")) }
            select #new-role name="role" aria-describedby="new-role-hint" {
                @for role in roles {
                    option value=(role.id) selected[role.id == chosen] {
                        @if role.id == DEFAULT_ROLE_ID {
                            (tr.t_with("users-role-default", &[("name", &role.name)]))
                        } @else {
                            (role.name)
                        }
                    }
                }
            }
            p.muted #new-role-hint { (tr.t("users-role-hint")) }
            div { button.primary type="submit" { (tr.t("users-add-submit")) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn notices_come_from_known_outcomes_only() {
        let tr = Tr::new(Lang::En);
        assert_eq!(notice(&tr, None), None);
        assert_eq!(notice(&tr, Some("done=<script>")), None);
        assert_eq!(
            notice(&tr, Some("done=added")),
            Some(tr.t("users-done-added"))
        );
        assert_eq!(
            notice(&tr, Some("x=1&done=admin-revoked")),
            Some(tr.t("users-done-admin-revoked"))
        );
    }
}
