//! `portico serve`: logging, the data folder (locked for this server, the
//! database checked), the first administrator, TLS, the open-file limit and
//! connection cap, the router, and a clean shutdown on SIGINT or SIGTERM.

use crate::output::out;
use std::sync::Arc;

use anyhow::Context;
use portico_methods::Clock;
use portico_web::{AppState, Limits};
use tokio::net::TcpListener;

use crate::config::{Config, BASE_URL_FILE};
use crate::{data_dir, limits, rest_limits, setup, tls};

fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Listens for SIGINT and SIGTERM from now on (so a signal sent as soon as the
/// server says it listens is not lost); the future resolves when one arrives.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
        let mut terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {},
                _ = terminate.recv() => {},
            }
            tracing::info!("shutting down");
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}

/// Removes expired sign-in sessions, OAuth grants and codes, sign-in attempt
/// counts, REST statistics older than 60 days and, when
/// `event_retention_days` is not 0, finished deliveries and events older than
/// that, now and then every hour.
fn spawn_purge(store: Arc<dyn portico_store::Store>, clock: Clock, event_retention_days: u32) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            match store.purge_expired_sessions(clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions = n, "expired sessions removed"),
                Err(e) => tracing::warn!(error = %e, "cannot remove expired sessions"),
            }
            match store.purge_expired_grants(clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(grants = n, "expired OAuth grants removed"),
                Err(e) => tracing::warn!(error = %e, "cannot remove expired OAuth grants"),
            }
            match store.purge_expired_sign_in_attempts(clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(counts = n, "expired sign-in attempt counts removed"),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot remove expired sign-in attempt counts")
                }
            }
            match store.purge_rest_limits(clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(rows = n, "expired REST limit counters removed"),
                Err(e) => tracing::warn!(error = %e, "cannot remove expired REST limit counters"),
            }
            let first_kept_day = portico_web::stats::day_of(clock.now(), clock.offset)
                - portico_store::rest_stats::REST_STATS_KEPT_DAYS
                + 1;
            match store.purge_rest_stats(first_kept_day).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(rows = n, "old REST statistics removed"),
                Err(e) => tracing::warn!(error = %e, "cannot remove old REST statistics"),
            }
            if event_retention_days > 0 {
                let before = clock.now() - i64::from(event_retention_days) * 86_400;
                match store.prune_outbox(before).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(events = n, "old events and deliveries removed"),
                    Err(e) => tracing::warn!(error = %e, "cannot remove old events"),
                }
            }
        }
    });
}

/// Starts the outbound-event delivery worker; it stops with the server. In a
/// sandbox it captures every attempt and follows the handler modes.
async fn spawn_delivery_worker(
    state: &AppState,
    portal: &setup::Portal,
    base: &str,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    use portico_delivery::{
        Captures, HandlerAuth, RetrySchedule, Sender, SenderConfig, SsrfPolicy, Worker,
        WorkerConfig,
    };
    let portal_auth = HandlerAuth {
        domain: portico_web::portal::domain_of(base),
        client_endpoint: portico_web::portal::rest_endpoint(base),
        server_endpoint: portico_web::portal::rest_endpoint(base),
        member_id: portico_web::portal::member_id(state.store.as_ref()).await?,
        application_token: String::new(),
    };
    let allow_private = portal.config.allow_private_handlers;
    if allow_private {
        tracing::warn!("event handlers on private and loopback addresses are allowed");
    }
    let sender = Sender::new(SenderConfig {
        policy: SsrfPolicy {
            allow_private,
            ..SsrfPolicy::default()
        },
        ..SenderConfig::default()
    })?;
    // On SQLite the data folder's lock makes this the only server on the
    // database: a lease still held belongs to a process that died mid-attempt.
    // Servers sharing a PostgreSQL database let other nodes' leases run out.
    let released = if portal.sqlite.is_some() {
        state.store.release_leases().await?
    } else {
        0
    };
    if released > 0 {
        tracing::info!(
            deliveries = released,
            "deliveries left mid-attempt by a stopped server are sent again"
        );
    }
    let clock = state.clock.clone();
    let worker = Worker::new(
        state.store.clone(),
        portal.secrets.clone(),
        sender,
        WorkerConfig {
            schedule: RetrySchedule {
                delays: portal.config.retry_delays()?,
                ..RetrySchedule::default()
            },
            lease_secs: i64::from(portal.config.delivery_lease_secs),
            access_token_ttl: i64::from(portal.config.oauth.access_token_ttl),
            refresh_token_ttl: i64::from(portal.config.oauth.refresh_token_ttl),
            ..WorkerConfig::new(portal_auth)
        },
        Arc::new(move || clock.now()),
    )
    .with_apps(state.store.clone())
    .with_attempt_observer(portico_web::stats::delivery_observer(state));
    // Only a sandbox captures its deliveries and reads handler modes.
    let worker = if state.sandbox.is_some() {
        worker.with_captures(Captures::new(
            state.store.clone(),
            state.clock.time_source(),
        ))
    } else {
        worker
    };
    tokio::spawn(worker.run(shutdown));
    Ok(())
}

/// Runs the portal until a shutdown signal.
pub async fn run(config: Config) -> anyhow::Result<()> {
    run_with(config, None, |_| {}).await
}

/// [`run`], calling `announce` with the portal's base URL once it listens
/// (before the "listening" line), so `portico sandbox` can print its
/// credentials with the address it got.
pub async fn run_with(
    config: Config,
    sandbox: Option<portico_web::sandbox::Sandbox>,
    announce: impl FnOnce(&str),
) -> anyhow::Result<()> {
    init_logging(&config.log_format);
    let addr = config.listen_addr()?;
    let offset = config.offset()?;
    let trusted_proxies = config.trusted_proxies()?;
    let limits = Limits {
        max_body_bytes: config.max_body_bytes,
    };
    let timeouts = config.timeouts();
    let max_connections = limits::max_connections(config.max_connections);
    let lock = data_dir::lock(&config.data_dir)?;
    let portal = setup::open(config, setup::DatabaseCheck::Quick).await?;
    let tls = if portal.config.tls {
        Some(tls::prepare(&portal.config)?)
    } else {
        None
    };
    if let Some(password) = setup::ensure_admin(&portal).await? {
        out!("Administrator created: login 'admin', password '{password}' (shown only once)");
    }
    let clock = Clock::new(offset);
    let mut rest_limits = rest_limits::rest_limits(&portal.config)?;
    rest_limits.now_ms = clock.time_source();
    let state = AppState::new(
        portal.dyn_store(),
        Arc::new(portico_methods::registry()),
        portal.secrets.clone(),
        clock,
        limits,
        tls.is_some(),
    )
    .with_public_url(portal.config.public_url.clone())
    .with_allow_private_handlers(portal.config.allow_private_handlers)
    .with_trusted_proxies(trusted_proxies)
    .with_rest_limits(rest_limits)
    .with_oauth(portico_web::OAuthSettings {
        access_token_ttl: i64::from(portal.config.oauth.access_token_ttl),
        refresh_token_ttl: i64::from(portal.config.oauth.refresh_token_ttl),
        ..portico_web::OAuthSettings::default()
    });
    let state = match sandbox {
        Some(sandbox) => {
            // What a reset returns to: the portal as it is now, before any
            // request, with its member_id made (so it survives resets).
            portico_web::portal::member_id(state.store.as_ref()).await?;
            portico_store::SandboxStore::save_snapshot(
                portal.store.as_ref(),
                portico_web::sandbox::SEED_SNAPSHOT,
            )
            .await
            .context("cannot save the sandbox's starting state")?;
            state.with_sandbox(sandbox)
        }
        None => state,
    };
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    if let Some(ca) = tls.as_ref().and_then(|t| t.ca_path.as_ref()) {
        out!(
            "HTTPS certificate authority: {} (trust it in clients)",
            ca.display()
        );
    }
    let scheme = if tls.is_some() { "https" } else { "http" };
    let base = match &portal.config.public_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => format!("{scheme}://{local}"),
    };
    std::fs::write(portal.config.data_dir.join(BASE_URL_FILE), &base)?;
    let shutdown = shutdown_signal()?;
    announce(&base);
    out!("Portico listening on {scheme}://{local}");
    out!("Web UI: {base}/ (sign in as admin)");
    spawn_purge(
        state.store.clone(),
        state.clock.clone(),
        portal.config.event_retention_days,
    );
    spawn_delivery_worker(&state, &portal, &base, shutdown_signal()?).await?;
    tracing::info!(%local, tls = tls.is_some(), "listening");
    let options = portico_web::ServeOptions {
        tls: tls.map(|t| t.files),
        timeouts,
        max_connections,
    };
    portico_web::serve_app(listener, state, options, shutdown).await?;
    drop(portal);
    drop(lock);
    Ok(())
}
