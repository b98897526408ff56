//! `portico sandbox`: a portal for an integration's test suite. It starts on a
//! fresh temporary data folder (or `--data-dir`, which must be a sandbox's),
//! on a free loopback port unless told otherwise, with an administrator, an
//! inbound webhook with every scope and an installed script-only application
//! whose credentials a CI job can fix in advance (`--webhook-key`,
//! `--client-id`, `--client-secret`, or the `PORTICO_SANDBOX_*` environment),
//! and prints them — as one JSON line with `--json` — before the usual
//! "listening" line. `--seed` fills it with records first ([`seed`]).

mod reset;
mod seed;

use std::path::Path;

use anyhow::{bail, Context};
use chrono::Utc;
use portico_methods::apps::{self, AppDraft, CLIENT_SECRET_LEN};
use portico_store::secrets::{is_webhook_secret_shape, new_webhook_secret};
use portico_store::NewWebhook;

use portico_web::sandbox::Sandbox;

use crate::config::Config;
use crate::output::out;
use crate::{data_dir, serve, setup};

/// A file in a sandbox's data folder that marks it as one.
const MARKER_FILE: &str = "sandbox";

/// Name of the sandbox's webhook and application.
const SANDBOX_NAME: &str = "Sandbox";

/// Options of `portico sandbox`.
#[derive(clap::Args, Debug)]
pub struct SandboxArgs {
    /// Address to listen on (default: a free loopback port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: String,
    /// The webhook's key (16 letters and digits; default: generated).
    #[arg(long, env = "PORTICO_SANDBOX_WEBHOOK_KEY", value_name = "KEY")]
    pub webhook_key: Option<String>,
    /// The application's client_id (default: generated, local.….…).
    #[arg(long, env = "PORTICO_SANDBOX_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,
    /// The application's client_secret (default: generated, 50 characters).
    #[arg(long, env = "PORTICO_SANDBOX_CLIENT_SECRET", value_name = "SECRET")]
    pub client_secret: Option<String>,
    /// The key the sandbox API (`/sandbox/…`) wants as `Authorization: Bearer`
    /// (default: the webhook's key).
    #[arg(long, env = "PORTICO_SANDBOX_KEY", value_name = "KEY")]
    pub sandbox_key: Option<String>,
    /// REST limits: `cloud` (Bitrix24's, the default here) or `off`.
    #[arg(long, value_name = "MODE", default_value = "cloud")]
    pub limits: String,
    /// Serve HTTPS with a generated local certificate authority (printed as
    /// `ca_file`), for clients that only speak HTTPS.
    #[arg(long)]
    pub tls: bool,
    /// Print the credentials as one JSON object (the output line starting with `{`).
    #[arg(long)]
    pub json: bool,
    /// Fill the sandbox before it serves: `demo` (generated records) or the
    /// path of a JSON fixture (see docs/sandbox-fixtures.md).
    #[arg(long, env = "PORTICO_SANDBOX_SEED", value_name = "demo|FILE")]
    pub seed: Option<String>,
    /// Sizes for `--seed demo`, as KIND=N pairs (`leads=100000,deals=500`);
    /// kinds: departments, users, companies, contacts, leads, deals, tasks.
    #[arg(long, env = "PORTICO_SANDBOX_SEED_SIZE", value_name = "KIND=N,…")]
    pub seed_size: Option<String>,
    /// What to do instead of starting a sandbox.
    #[command(subcommand)]
    pub action: Option<SandboxAction>,
}

/// Commands for a running sandbox.
#[derive(clap::Subcommand, Debug)]
pub enum SandboxAction {
    /// Return a running sandbox to its seeded state (`POST /sandbox/reset`).
    Reset(ResetArgs),
}

/// Options of `portico sandbox reset`.
#[derive(clap::Args, Debug)]
pub struct ResetArgs {
    /// The sandbox's address (default: the one recorded in its data folder).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Return to this snapshot instead of the seeded state.
    #[arg(long, value_name = "NAME")]
    pub snapshot: Option<String>,
}

/// The file in a sandbox's data folder holding its API key (mode 0600), for
/// `portico sandbox reset`.
const KEY_FILE: &str = "sandbox.key";

/// What the sandbox prints.
struct Prepared {
    admin_password: Option<String>,
    webhook_key: String,
    sandbox_key: String,
    client_id: String,
    client_secret: String,
    seeded: Option<seed::Seeded>,
}

/// Checks fixed credentials before anything is written.
fn check_args(args: &SandboxArgs) -> anyhow::Result<()> {
    if let Some(key) = &args.webhook_key {
        if !is_webhook_secret_shape(key) {
            bail!("--webhook-key must be 8 to 64 letters and digits");
        }
    }
    if let Some(id) = &args.client_id {
        let plain = id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.');
        if !id.starts_with("local.") || !plain {
            bail!("--client-id must look like local.0123456789abcd.12345678");
        }
    }
    if let Some(secret) = &args.client_secret {
        if !(16..=CLIENT_SECRET_LEN).contains(&secret.len())
            || !secret.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            bail!("--client-secret must be 16 to {CLIENT_SECRET_LEN} letters and digits");
        }
    }
    if let Some(key) = &args.sandbox_key {
        if !is_webhook_secret_shape(key) {
            bail!("--sandbox-key must be 8 to 64 letters and digits");
        }
    }
    if args.client_id.is_some() != args.client_secret.is_some() {
        bail!("--client-id and --client-secret are given together");
    }
    Ok(())
}

/// Refuses a data folder that holds a portal that is not a sandbox.
fn check_folder(dir: &Path) -> anyhow::Result<()> {
    if dir.join(data_dir::DATABASE_FILE).exists() && !dir.join(MARKER_FILE).exists() {
        bail!(
            "{} holds a portal that is not a sandbox; give an empty folder or none",
            dir.display()
        );
    }
    data_dir::create_private(dir)?;
    std::fs::write(dir.join(MARKER_FILE), "portico sandbox\n")
        .with_context(|| format!("cannot mark {} as a sandbox", dir.display()))?;
    Ok(())
}

/// Creates (or, in a reused sandbox folder, replaces) the administrator's
/// webhook and the application with the given or new credentials.
async fn prepare(
    config: &Config,
    args: &SandboxArgs,
    plan: Option<&seed::SeedPlan>,
) -> anyhow::Result<Prepared> {
    let lock = data_dir::lock(&config.data_dir)?;
    let portal = setup::open(config.clone(), setup::DatabaseCheck::Quick).await?;
    seed::check_folder(&portal, plan.is_some()).await?;
    let admin_password = setup::ensure_admin(&portal).await?;
    let registry = portico_methods::registry();
    let scopes: Vec<String> = registry.scopes().iter().map(|s| s.to_string()).collect();
    for hook in portal.store.list_webhooks(Some(1)).await? {
        if hook.name == SANDBOX_NAME {
            portal.store.delete_webhook(hook.id).await?;
        }
    }
    let webhook_key = args.webhook_key.clone().unwrap_or_else(new_webhook_secret);
    let now = Utc::now().timestamp();
    let webhook_id = portal
        .store
        .insert_webhook(NewWebhook {
            user_id: 1,
            name: SANDBOX_NAME.into(),
            scopes: scopes.clone(),
            secret_hash: portal.secrets.lookup_hash(&webhook_key),
            secret_encrypted: portal.secrets.encrypt(&webhook_key),
            expires_at: None,
            created_at: now,
        })
        .await
        .context("cannot create the sandbox's webhook (is the key taken?)")?;
    for app in portal.store.list_apps().await? {
        if app.name == SANDBOX_NAME {
            apps::remove(portal.dyn_store().as_ref(), app.id, now).await?;
        }
    }
    let draft = AppDraft {
        name: SANDBOX_NAME.into(),
        handler_url: "http://127.0.0.1/".into(),
        install_url: None,
        script_only: true,
        menu_texts: Vec::new(),
        scopes,
    };
    let given = args.client_id.clone().zip(args.client_secret.clone());
    let credentials = apps::create_with(
        portal.dyn_store().as_ref(),
        &portal.secrets,
        draft,
        1,
        now,
        given,
    )
    .await
    .context("cannot create the sandbox's application")?;
    let seeded = match plan {
        Some(plan) => Some(seed::run(&portal, plan, webhook_id).await?),
        None => None,
    };
    let sandbox_key = args
        .sandbox_key
        .clone()
        .unwrap_or_else(|| webhook_key.clone());
    data_dir::write_private(&config.data_dir.join(KEY_FILE), &sandbox_key)?;
    drop(portal);
    drop(lock);
    Ok(Prepared {
        admin_password,
        sandbox_key,
        webhook_key,
        client_id: credentials.client_id,
        client_secret: credentials.client_secret,
        seeded,
    })
}

/// Prints the credentials for `base`, as text or one JSON line.
fn announce(prepared: &Prepared, base: &str, data_dir: &Path, json: bool) {
    let webhook_url = format!("{base}/rest/1/{}/", prepared.webhook_key);
    if json {
        let mut value = serde_json::json!({
            "base_url": base,
            "webhook_url": webhook_url,
            "webhook_key": prepared.webhook_key,
            "client_id": prepared.client_id,
            "client_secret": prepared.client_secret,
            "oauth_token_url": format!("{base}/oauth/token/"),
            "admin_login": "admin",
            "admin_password": prepared.admin_password,
            "sandbox_url": format!("{base}/sandbox/"),
            "sandbox_key": prepared.sandbox_key,
            "data_dir": data_dir,
            "ca_file": base
                .starts_with("https://")
                .then(|| data_dir.join(crate::data_dir::TLS_DIR).join("ca.pem")),
        });
        if let Some(seeded) = &prepared.seeded {
            value["seeded"] = seeded.to_json();
        }
        out!("{value}");
        return;
    }
    out!("Sandbox webhook: {webhook_url}");
    out!("Sandbox application: client_id {}", prepared.client_id);
    out!(
        "Sandbox application: client_secret {}",
        prepared.client_secret
    );
    out!(
        "Sandbox API: {base}/sandbox/ (Authorization: Bearer {})",
        prepared.sandbox_key
    );
    out!("Sandbox data folder: {}", data_dir.display());
    match &prepared.admin_password {
        Some(password) => out!("Sandbox administrator: login 'admin', password '{password}'"),
        None => out!("Sandbox administrator: login 'admin' (password unchanged)"),
    }
}

/// Runs `portico sandbox`: prepares the portal and serves it until stopped.
/// `data_dir_given` tells whether `--data-dir` (or the configuration) named
/// the folder; otherwise a temporary one is made and removed at the end.
pub async fn run(
    mut config: Config,
    args: SandboxArgs,
    data_dir_given: bool,
) -> anyhow::Result<()> {
    if let Some(SandboxAction::Reset(reset_args)) = &args.action {
        return reset::run(&config.data_dir, reset_args).await;
    }
    check_args(&args)?;
    if config.database_url.take().is_some() {
        tracing::info!("the sandbox keeps its temporary portal in SQLite; database_url ignored");
    }
    let plan = seed::SeedPlan::from_args(args.seed.as_deref(), args.seed_size.as_deref())?;
    let temporary = if data_dir_given {
        None
    } else {
        let dir = tempfile::Builder::new()
            .prefix("portico-sandbox-")
            .tempdir()
            .context("cannot create a temporary data folder")?;
        config.data_dir = dir.path().join("data");
        Some(dir)
    };
    config.listen = args.listen.clone();
    config.limits = args.limits.clone();
    config.tls = config.tls || args.tls;
    // A test suite's handlers listen on loopback.
    config.allow_private_handlers = true;
    config.listen_addr()?;
    check_folder(&config.data_dir)?;
    let prepared = prepare(&config, &args, plan.as_ref()).await?;
    let json = args.json;
    let data_dir = config.data_dir.clone();
    let sandbox = Sandbox::new(prepared.sandbox_key.clone());
    serve::run_with(config, Some(sandbox), |base| {
        announce(&prepared, base, &data_dir, json)
    })
    .await?;
    drop(temporary);
    Ok(())
}
