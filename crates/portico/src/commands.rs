//! Administrative subcommands for scripts and CI: `user add`,
//! `user set-password`, `webhook add`, `webhook list`, `webhook remove` (the
//! role commands are in `roles`). They
//! work on the data folder directly and may run while `portico serve` is
//! running.

use crate::output::out;
use anyhow::{bail, Context};
use chrono::Utc;
use portico_protocol::envelope::parse_datetime;
use portico_store::secrets::new_webhook_secret;
use portico_store::{EventStamp, NewUser, NewWebhook, StoreError};

use crate::setup::{hash_password, random_password, Portal};

/// The user with this login, or an error naming it.
pub async fn user_named(portal: &Portal, login: &str) -> anyhow::Result<portico_store::User> {
    portal
        .store
        .user_by_login(login)
        .await?
        .with_context(|| format!("no user with login '{login}'"))
}

/// Options of `portico user add`.
pub struct UserAdd {
    /// Login.
    pub login: String,
    /// First name.
    pub name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Administrator flag.
    pub admin: bool,
    /// Password (random when absent, printed once).
    pub password: Option<String>,
    /// CRM role name (the default role when absent).
    pub role: Option<String>,
}

/// Creates a user and prints its id (and generated password).
pub async fn user_add(portal: &Portal, opts: UserAdd) -> anyhow::Result<()> {
    let login = opts.login.trim().to_string();
    if login.is_empty() || login.len() > 50 || login.chars().any(char::is_whitespace) {
        bail!("a login is 1 to 50 characters without spaces");
    }
    let (password, generated) = chosen_password(opts.password)?;
    let role = match &opts.role {
        Some(name) => Some(crate::roles::find_role(portal, name).await?),
        None => None,
    };
    let now = Utc::now().timestamp();
    let added = portico_methods::user::user_added(
        EventStamp {
            at: now,
            user_id: None,
            auth_connector: None,
        },
        portal.config.offset()?,
        portico_methods::user::profile_fields(portal.store.as_ref()).await?,
    );
    let result = portal
        .store
        .insert_user_with_event(
            NewUser {
                login: login.clone(),
                name: opts.name.unwrap_or_else(|| login.clone()),
                last_name: opts.last_name.unwrap_or_default(),
                email: opts.email.unwrap_or_default(),
                is_admin: opts.admin,
                password_hash: hash_password(&password)?,
                date_register: now,
            },
            Some(added),
        )
        .await;
    let id = match result {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => bail!("the login '{login}' is taken"),
        Err(e) => return Err(e.into()),
    };
    if let Some(role) = &role {
        crate::roles::set_role(portal, id, role).await?;
    }
    out!("user {login} created with id {id}");
    if let Some(role) = &role {
        out!("role: {}", role.name);
    }
    if generated {
        out!("password: {password}");
    }
    Ok(())
}

/// The password given (at least 8 characters), or a random one; `true` when
/// generated (it must then be printed).
fn chosen_password(given: Option<String>) -> anyhow::Result<(String, bool)> {
    match given {
        Some(p) if p.len() >= 8 => Ok((p, false)),
        Some(_) => bail!("a password has at least 8 characters"),
        None => Ok((random_password(), true)),
    }
}

/// Sets the password of the user with this login (users invited through
/// `user.add` have none) and prints a generated one.
pub async fn user_set_password(
    portal: &Portal,
    login: &str,
    password: Option<String>,
) -> anyhow::Result<()> {
    let user = crate::commands::user_named(portal, login).await?;
    let (password, generated) = chosen_password(password)?;
    portal
        .store
        .set_user_password(user.id, &hash_password(&password)?)
        .await?;
    out!("password of {login} set");
    if generated {
        out!("password: {password}");
    }
    Ok(())
}

/// Creates an inbound webhook for a user and prints its URL.
pub async fn webhook_add(
    portal: &Portal,
    login: &str,
    scopes: &[String],
    name: Option<String>,
    expires: Option<String>,
    known_scopes: &[&str],
) -> anyhow::Result<()> {
    crate::rest_limits::require_rest(&portal.config, "inbound webhooks")?;
    let user = crate::commands::user_named(portal, login).await?;
    let mut granted: Vec<String> = Vec::new();
    for scope in scopes
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !known_scopes.contains(&scope) {
            bail!(
                "unknown scope '{scope}'; available: {}",
                known_scopes.join(", ")
            );
        }
        if !granted.iter().any(|g| g == scope) {
            granted.push(scope.to_string());
        }
    }
    let expires_at =
        match expires {
            Some(text) => Some(parse_datetime(&text, portal.config.offset()?).with_context(
                || format!("'{text}' is not a date like 2027-01-31 or 2027-01-31T12:00:00+00:00"),
            )?),
            None => None,
        };
    let secret = new_webhook_secret();
    let id = portal
        .store
        .insert_webhook(NewWebhook {
            user_id: user.id,
            name: name.unwrap_or_else(|| "Inbound webhook".into()),
            scopes: granted,
            secret_hash: portal.secrets.lookup_hash(&secret),
            secret_encrypted: portal.secrets.encrypt(&secret),
            expires_at,
            created_at: Utc::now().timestamp(),
        })
        .await?;
    out!("webhook {id} created");
    out!("{}/rest/{}/{}/", portal.config.base_url(), user.id, secret);
    Ok(())
}

/// Lists webhooks (of one user when `login` is given) without their secrets.
pub async fn webhook_list(portal: &Portal, login: Option<&str>) -> anyhow::Result<()> {
    let user_id = match login {
        Some(l) => Some(crate::commands::user_named(portal, l).await?.id),
        None => None,
    };
    out!(
        "{:<6} {:<8} {:<30} {:<24} expires",
        "id",
        "user",
        "name",
        "scopes"
    );
    for w in portal.store.list_webhooks(user_id).await? {
        let expires = w
            .expires_at
            .map(|t| t.to_string())
            .unwrap_or_else(|| "never".into());
        out!(
            "{:<6} {:<8} {:<30} {:<24} {}",
            w.id,
            w.user_id,
            w.name,
            w.scopes.join(","),
            expires
        );
    }
    Ok(())
}

/// Deletes a webhook.
pub async fn webhook_remove(portal: &Portal, id: i64) -> anyhow::Result<()> {
    if !portal.store.delete_webhook(id).await? {
        bail!("no webhook with id {id}");
    }
    out!("webhook {id} removed");
    Ok(())
}
