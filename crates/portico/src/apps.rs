//! Local application subcommands: `app add` (the same checks as the web form;
//! prints the id, `client_id` and `client_secret`), `app list` (never the
//! secret) and `app remove`. They go through the shared operations of
//! `portico_methods::apps` and, like the other administration commands, work
//! on the data folder directly.

use anyhow::{bail, Context};
use chrono::Utc;
use clap::Subcommand;
use portico_methods::apps::{self, AppDraft};
use portico_store::User;

use crate::output::out;
use crate::setup::Portal;

/// `portico app …`.
#[derive(Subcommand)]
pub enum AppCommand {
    /// Create a local application; prints its client_id and client_secret.
    Add(AppAdd),
    /// List local applications (never their secrets).
    List,
    /// Delete a local application and its tokens.
    Remove {
        /// Application id.
        id: i64,
    },
}

/// Options of `portico app add`.
#[derive(clap::Args)]
pub struct AppAdd {
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// Handler path (http or https URL): the application's page and OAuth redirect URI.
    #[arg(long)]
    pub handler: String,
    /// Initial installation path (http or https URL).
    #[arg(long)]
    pub install: Option<String>,
    /// Scopes, comma-separated (e.g. crm,user).
    #[arg(long, value_delimiter = ',')]
    pub scope: Vec<String>,
    /// Script only (no user interface): installed at once, no menu item.
    #[arg(long)]
    pub script_only: bool,
    /// Menu item text in English (required unless --script-only).
    #[arg(long, value_name = "TEXT")]
    pub menu_text: Option<String>,
    /// Login of the administrator who creates it (default: the first administrator).
    #[arg(long, value_name = "LOGIN")]
    pub by: Option<String>,
}

/// Runs one `portico app` subcommand.
pub async fn run(portal: &Portal, cmd: AppCommand) -> anyhow::Result<()> {
    match cmd {
        AppCommand::Add(opts) => app_add(portal, opts).await,
        AppCommand::List => app_list(portal).await,
        AppCommand::Remove { id } => app_remove(portal, id).await,
    }
}

/// The administrator named `login`, else the active administrator with the
/// smallest id.
async fn creator(portal: &Portal, login: Option<&str>) -> anyhow::Result<User> {
    let user = match login {
        Some(login) => crate::commands::user_named(portal, login).await?,
        None => portal
            .store
            .list_users()
            .await?
            .into_iter()
            .filter(|u| u.is_admin && u.active)
            .min_by_key(|u| u.id)
            .context("there is no administrator yet: start `portico serve` once or add one with `portico user add --admin`")?,
    };
    if !user.is_admin || !user.active {
        bail!(
            "'{}' is not an active administrator; only administrators create applications",
            user.login
        );
    }
    Ok(user)
}

/// Creates an application and prints its id, `client_id` and `client_secret`.
pub async fn app_add(portal: &Portal, opts: AppAdd) -> anyhow::Result<()> {
    crate::rest_limits::require_rest(&portal.config, "local applications")?;
    let by = creator(portal, opts.by.as_deref()).await?;
    let menu_texts = match (&opts.menu_text, opts.script_only) {
        (Some(text), false) => vec![("en".to_owned(), text.clone())],
        _ => Vec::new(),
    };
    let registry = portico_methods::registry();
    let draft = AppDraft {
        name: opts.name,
        handler_url: opts.handler,
        install_url: opts.install,
        script_only: opts.script_only,
        menu_texts,
        scopes: opts.scope,
    }
    .checked(&registry.scopes())?;
    let credentials = apps::create(
        portal.store.as_ref(),
        &portal.secrets,
        draft,
        by.id,
        Utc::now().timestamp(),
    )
    .await?;
    out!("application {} created", credentials.id);
    out!("client_id: {}", credentials.client_id);
    out!("client_secret: {}", credentials.client_secret);
    Ok(())
}

/// Lists applications without their secrets.
pub async fn app_list(portal: &Portal) -> anyhow::Result<()> {
    out!(
        "{:<6} {:<30} {:<9} {:<30} scopes",
        "id",
        "client_id",
        "installed",
        "name"
    );
    for app in portal.store.list_apps().await? {
        out!(
            "{:<6} {:<30} {:<9} {:<30} {}",
            app.id,
            app.client_id,
            if app.installed_at.is_some() {
                "yes"
            } else {
                "no"
            },
            app.name,
            app.scopes.join(",")
        );
    }
    Ok(())
}

/// Deletes an application with its tokens.
pub async fn app_remove(portal: &Portal, id: i64) -> anyhow::Result<()> {
    if !apps::remove(portal.store.as_ref(), id, Utc::now().timestamp()).await? {
        bail!("no application with id {id}");
    }
    out!("application {id} removed");
    Ok(())
}
