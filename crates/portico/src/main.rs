//! The `portico` binary: `serve` runs the portal; `user`, `role`, `webhook`,
//! `outbound` and `app` manage accounts, CRM roles, webhooks and local
//! applications from scripts and CI; `check` verifies the database.

mod apps;
mod commands;
mod config;
mod data_dir;
mod limits;
mod migrate;
mod outbound;
mod output;
mod rest_limits;
mod roles;
mod sandbox;
mod serve;
mod setup;
mod tls;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use figment::value::{Dict, Value};

use crate::config::Config;
use crate::output::out;

/// mimalloc: request handling allocates many small short-lived buffers, which
/// glibc's allocator serves markedly slower under concurrency.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Portico: a self-hosted portal with a Bitrix24-compatible REST API.
#[derive(Parser)]
#[command(name = "portico", version, about)]
struct Cli {
    /// Configuration file (default: ./portico.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data folder: database, key file, certificates (default ./portico-data; env PORTICO_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Keep the portal in this PostgreSQL database instead of the data folder's SQLite file
    /// (`postgres://user:password@host:5432/db`; env PORTICO_DATABASE_URL). Several nodes may
    /// share one database; each still needs the portal's key file in its data folder.
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a sandbox for an integration's tests: a temporary portal on a free
    /// loopback port with a webhook and an application whose credentials it prints.
    Sandbox(sandbox::SandboxArgs),
    /// Run the portal.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080; env PORTICO_LISTEN).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// Serve HTTPS (with a generated local CA unless --tls-cert/--tls-key are given).
        #[arg(long)]
        tls: bool,
        /// PEM certificate chain for HTTPS.
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// PEM private key for HTTPS.
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Base URL used in printed webhook URLs.
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
        /// Password of the administrator created on first start. Other users of the
        /// machine can read it in the process list: prefer the environment variable
        /// PORTICO_ADMIN_PASSWORD or --admin-password-file.
        #[arg(long, value_name = "PASSWORD", conflicts_with = "admin_password_file")]
        admin_password: Option<String>,
        /// File whose first line is the password of the administrator created on
        /// first start (env PORTICO_ADMIN_PASSWORD_FILE).
        #[arg(long, value_name = "FILE")]
        admin_password_file: Option<PathBuf>,
        /// Deliver events to handlers on loopback, private, link-local and metadata
        /// addresses too (local development, tests; env PORTICO_ALLOW_PRIVATE_HANDLERS=1).
        #[arg(long)]
        allow_private_handlers: bool,
        #[command(flatten)]
        connections: ConnectionArgs,
        #[command(flatten)]
        rest_limits: rest_limits::LimitArgs,
    },
    /// Copy this data folder's portal (stopped) into an empty PostgreSQL database, ids and
    /// secrets kept, and check the row counts.
    Migrate {
        /// The PostgreSQL database to copy into (`postgres://user:password@host/db`).
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Check the database: SQLite's full integrity check and the foreign keys.
    /// Prints the result; exits non-zero on any problem. May run while the
    /// server runs.
    Check,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage CRM roles (what users may do to leads, deals, contacts, companies).
    #[command(subcommand)]
    Role(RoleCommand),
    /// Manage inbound webhooks.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Manage outbound webhooks (CRM events POSTed to a handler URL).
    #[command(subcommand)]
    Outbound(outbound::OutboundCommand),
    /// Manage local applications (OAuth 2.0 clients created by an administrator).
    #[command(subcommand)]
    App(apps::AppCommand),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user.
    Add {
        /// Login (unique).
        #[arg(long)]
        login: String,
        /// First name.
        #[arg(long)]
        name: Option<String>,
        /// Last name.
        #[arg(long)]
        last_name: Option<String>,
        /// E-mail address.
        #[arg(long)]
        email: Option<String>,
        /// Make the user an administrator.
        #[arg(long)]
        admin: bool,
        /// Password (default: random, printed once).
        #[arg(long)]
        password: Option<String>,
        /// CRM role by name (default: the default role, "Full access"); see `portico role list`.
        #[arg(long, value_name = "NAME")]
        role: Option<String>,
    },
    /// Set a user's password (users invited through `user.add` have none).
    SetPassword {
        /// The user's login (for invited users, their e-mail).
        #[arg(long)]
        login: String,
        /// Password (default: random, printed once).
        #[arg(long)]
        password: Option<String>,
    },
    /// Give a user a CRM role.
    SetRole {
        /// The user's login.
        #[arg(long)]
        login: String,
        /// Role name; see `portico role list`.
        #[arg(long, value_name = "NAME")]
        role: String,
    },
}

/// The connection flags of `serve`.
#[derive(clap::Args)]
struct ConnectionArgs {
    /// Seconds a client has to send a request head (default 10; env PORTICO_HEADER_TIMEOUT_SECS).
    #[arg(long, value_name = "SECS")]
    header_timeout_secs: Option<u64>,
    /// Seconds an idle keep-alive connection stays open (default 60; env PORTICO_IDLE_TIMEOUT_SECS).
    #[arg(long, value_name = "SECS")]
    idle_timeout_secs: Option<u64>,
    /// Seconds a client has to send a request body (default 30; env PORTICO_BODY_TIMEOUT_SECS).
    #[arg(long, value_name = "SECS")]
    body_timeout_secs: Option<u64>,
    /// Most connections at once (default: from the open-file limit; env PORTICO_MAX_CONNECTIONS).
    #[arg(long, value_name = "N")]
    max_connections: Option<u64>,
}

/// The level flags of `role add` / `role set`.
#[derive(clap::Args)]
struct LevelArgs {
    /// Level for reading records: none, own or all.
    #[arg(long, value_name = "LEVEL", value_parser = roles::parse_level)]
    read: Option<portico_store::Level>,
    /// Level for creating records: none, own (only assigned to oneself) or all.
    #[arg(long, value_name = "LEVEL", value_parser = roles::parse_level)]
    add: Option<portico_store::Level>,
    /// Level for changing records: none, own or all.
    #[arg(long, value_name = "LEVEL", value_parser = roles::parse_level)]
    update: Option<portico_store::Level>,
    /// Level for deleting records: none, own or all.
    #[arg(long, value_name = "LEVEL", value_parser = roles::parse_level)]
    delete: Option<portico_store::Level>,
    /// Only this entity (LEAD, DEAL, CONTACT, COMPANY); default: all four.
    #[arg(long, value_name = "ENTITY", value_parser = roles::parse_entity)]
    entity: Option<&'static str>,
}

impl LevelArgs {
    fn flags(&self) -> roles::LevelFlags {
        roles::LevelFlags {
            read: self.read,
            add: self.add,
            update: self.update,
            delete: self.delete,
        }
    }
}

#[derive(Subcommand)]
enum RoleCommand {
    /// List the roles and their levels.
    List,
    /// Create a role; levels not given are none ("own" = records whose ASSIGNED_BY_ID is the user).
    Add {
        /// Role name (unique).
        name: String,
        #[command(flatten)]
        levels: LevelArgs,
    },
    /// Change the given levels of a role.
    Set {
        /// Role name.
        name: String,
        #[command(flatten)]
        levels: LevelArgs,
    },
}

#[derive(Subcommand)]
enum WebhookCommand {
    /// Create an inbound webhook and print its URL.
    Add {
        /// Login of the user the webhook acts as.
        #[arg(long)]
        user: String,
        /// Scopes, comma-separated (e.g. crm,user).
        #[arg(long, value_delimiter = ',')]
        scope: Vec<String>,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// Expiry date (e.g. 2027-01-31).
        #[arg(long)]
        expires: Option<String>,
    },
    /// Create an outbound webhook (the same as `portico outbound add`); prints its
    /// id, application token and signing secret once.
    AddOutbound(outbound::OutboundAdd),
    /// List webhooks, inbound then outbound (never their secrets).
    List {
        /// Only this user's webhooks.
        #[arg(long)]
        user: Option<String>,
    },
    /// Delete an inbound webhook.
    Remove {
        /// Webhook id.
        id: i64,
    },
}

fn set(dict: &mut Dict, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        dict.insert(key.into(), v);
    }
}

fn overrides(cli: &Cli) -> Dict {
    let mut d = Dict::new();
    let path = |p: &Option<PathBuf>| p.as_ref().map(|p| Value::from(p.display().to_string()));
    set(&mut d, "data_dir", path(&cli.data_dir));
    set(
        &mut d,
        "database_url",
        cli.database_url.clone().map(Value::from),
    );
    if let Command::Serve {
        listen,
        tls,
        tls_cert,
        tls_key,
        public_url,
        admin_password,
        admin_password_file,
        allow_private_handlers,
        connections,
        rest_limits,
    } = &cli.command
    {
        rest_limits.add_to(&mut d);
        set(
            &mut d,
            "allow_private_handlers",
            allow_private_handlers.then_some(Value::from(true)),
        );
        set(&mut d, "listen", listen.clone().map(Value::from));
        set(&mut d, "tls", tls.then_some(Value::from(true)));
        set(&mut d, "tls_cert", path(tls_cert));
        set(&mut d, "tls_key", path(tls_key));
        set(&mut d, "public_url", public_url.clone().map(Value::from));
        set(
            &mut d,
            "admin_password",
            admin_password.clone().map(Value::from),
        );
        set(&mut d, "admin_password_file", path(admin_password_file));
        for (key, value) in [
            ("header_timeout_secs", connections.header_timeout_secs),
            ("idle_timeout_secs", connections.idle_timeout_secs),
            ("body_timeout_secs", connections.body_timeout_secs),
            ("max_connections", connections.max_connections),
        ] {
            set(&mut d, key, value.map(Value::from));
        }
    }
    d
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref(), &overrides(&cli))?;
    match cli.command {
        Command::Serve { .. } => serve::run(config).await,
        Command::Sandbox(args) => {
            let given = cli.data_dir.is_some() || std::env::var_os("PORTICO_DATA_DIR").is_some();
            sandbox::run(config, args, given).await
        }
        Command::Check if config.database_url.is_some() => anyhow::bail!(
            "`portico check` checks the data folder's SQLite file; this portal's database is \
             PostgreSQL, which its own tools check (e.g. the amcheck extension)"
        ),
        Command::Check => data_dir::check(&config.data_dir),
        Command::Migrate { to } => migrate::run(&config, &to).await,
        Command::User(UserCommand::Add {
            login,
            name,
            last_name,
            email,
            admin,
            password,
            role,
        }) => {
            let portal = setup::open(config, setup::DatabaseCheck::None).await?;
            let opts = commands::UserAdd {
                login,
                name,
                last_name,
                email,
                admin,
                password,
                role,
            };
            commands::user_add(&portal, opts).await
        }
        Command::User(UserCommand::SetPassword { login, password }) => {
            let portal = setup::open(config, setup::DatabaseCheck::None).await?;
            commands::user_set_password(&portal, &login, password).await
        }
        Command::User(UserCommand::SetRole { login, role }) => {
            let portal = setup::open(config, setup::DatabaseCheck::None).await?;
            roles::user_set_role(&portal, &login, &role).await
        }
        Command::Role(cmd) => {
            let portal = setup::open(config, setup::DatabaseCheck::None).await?;
            match cmd {
                RoleCommand::List => roles::role_list(&portal).await,
                RoleCommand::Add { name, levels } => {
                    roles::role_add(&portal, &name, levels.flags(), levels.entity).await
                }
                RoleCommand::Set { name, levels } => {
                    roles::role_set(&portal, &name, levels.flags(), levels.entity).await
                }
            }
        }
        Command::Webhook(cmd) => {
            let portal = setup::open(config, setup::DatabaseCheck::None).await?;
            match cmd {
                WebhookCommand::Add {
                    user,
                    scope,
                    name,
                    expires,
                } => {
                    let registry = portico_methods::registry();
                    commands::webhook_add(&portal, &user, &scope, name, expires, &registry.scopes())
                        .await
                }
                WebhookCommand::AddOutbound(opts) => outbound::outbound_add(&portal, opts).await,
                WebhookCommand::List { user } => {
                    commands::webhook_list(&portal, user.as_deref()).await?;
                    out!("outbound:");
                    outbound::outbound_list(&portal, user.as_deref()).await
                }
                WebhookCommand::Remove { id } => commands::webhook_remove(&portal, id).await,
            }
        }
        Command::Outbound(cmd) => {
            let portal = setup::open(config, setup::DatabaseCheck::None).await?;
            outbound::run(&portal, cmd).await
        }
        Command::App(cmd) => {
            let portal = setup::open(config, setup::DatabaseCheck::None).await?;
            apps::run(&portal, cmd).await
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
