//! Outbound webhook subcommands: `outbound add` (handler URL checked against
//! the SSRF rules, event codes checked against those Portico raises; prints
//! the application token and the signing secret once), `outbound list`
//! (never secrets), `outbound enable` / `outbound disable` (a handler that
//! answered 410 Gone was switched off), `outbound log` (its newest deliveries)
//! and `outbound remove`. Like the other administration
//! commands they work on the data folder directly; a running server delivers
//! to a new outbound webhook from the next CRM change on.

use anyhow::{bail, Context};
use chrono::Utc;
use clap::Subcommand;
use portico_delivery::{new_application_token, new_signing_secret, parse_handler_url, SsrfPolicy};
use portico_store::events::event_catalogue;
use portico_store::outbound::normalize_events;
use portico_store::{DeliveryQuery, NewOutboundWebhook, OutboundWebhookChange};

use crate::output::out;
use crate::setup::Portal;

/// `portico outbound …`.
#[derive(Subcommand)]
pub enum OutboundCommand {
    /// Create an outbound webhook; prints its application token and signing secret once.
    Add(OutboundAdd),
    /// List outbound webhooks (never their secrets).
    List {
        /// Only this user's outbound webhooks.
        #[arg(long)]
        user: Option<String>,
    },
    /// Switch an outbound webhook on (again): its pending deliveries resume.
    Enable {
        /// Outbound webhook id.
        id: i64,
    },
    /// Switch an outbound webhook off: its deliveries wait until it is on again.
    Disable {
        /// Outbound webhook id.
        id: i64,
    },
    /// Show the newest deliveries to an outbound webhook.
    Log {
        /// Outbound webhook id.
        id: i64,
        /// How many deliveries to show.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Delete an outbound webhook and its deliveries.
    Remove {
        /// Outbound webhook id.
        id: i64,
    },
}

/// Runs one `portico outbound` subcommand.
pub async fn run(portal: &Portal, cmd: OutboundCommand) -> anyhow::Result<()> {
    match cmd {
        OutboundCommand::Add(opts) => outbound_add(portal, opts).await,
        OutboundCommand::List { user } => outbound_list(portal, user.as_deref()).await,
        OutboundCommand::Enable { id } => outbound_set_active(portal, id, true).await,
        OutboundCommand::Disable { id } => outbound_set_active(portal, id, false).await,
        OutboundCommand::Log { id, limit } => outbound_log(portal, id, limit).await,
        OutboundCommand::Remove { id } => outbound_remove(portal, id).await,
    }
}

/// Options of `portico outbound add` and `portico webhook add-outbound`.
#[derive(clap::Args)]
pub struct OutboundAdd {
    /// Login of the user who owns it.
    #[arg(long)]
    pub user: String,
    /// Handler URL (http or https) the events are POSTed to.
    #[arg(long = "handler", visible_alias = "url")]
    pub url: String,
    /// Event codes, comma-separated (e.g. ONCRMLEADADD,ONCRMDEALUPDATE).
    #[arg(
        long = "events",
        visible_alias = "event",
        value_delimiter = ',',
        required = true
    )]
    pub events: Vec<String>,
    /// Display name.
    #[arg(long)]
    pub name: Option<String>,
    /// Accept a handler on a loopback, private or link-local address (development).
    #[arg(long)]
    pub allow_private: bool,
    /// Bitrix24's own behaviour: one attempt per event, no retries.
    #[arg(long)]
    pub single_attempt: bool,
}

/// The event codes asked for, each known, upper case, once.
fn chosen_events(given: &[String]) -> anyhow::Result<Vec<String>> {
    let known: Vec<String> = event_catalogue().into_iter().map(|e| e.code).collect();
    let split: Vec<String> = given
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::to_owned)
        .collect();
    let events = normalize_events(&split);
    if events.is_empty() {
        bail!(
            "give at least one event with --event (available: {})",
            known.join(", ")
        );
    }
    if let Some(unknown) = events.iter().find(|e| !known.contains(e)) {
        bail!("unknown event '{unknown}'; available: {}", known.join(", "));
    }
    Ok(events)
}

/// Creates an outbound webhook and prints its id, application token and signing secret.
pub async fn outbound_add(portal: &Portal, opts: OutboundAdd) -> anyhow::Result<()> {
    crate::rest_limits::require_rest(&portal.config, "outbound webhooks")?;
    let user = crate::commands::user_named(portal, &opts.user).await?;
    let policy = SsrfPolicy {
        allow_private: opts.allow_private,
        ..SsrfPolicy::default()
    };
    let url = parse_handler_url(opts.url.trim(), &policy)
        .with_context(|| format!("the handler URL '{}' cannot be used", opts.url.trim()))?;
    let events = chosen_events(&opts.events)?;
    let token = new_application_token();
    let secret = new_signing_secret();
    let id = portal
        .store
        .insert_outbound_webhook(NewOutboundWebhook {
            user_id: user.id,
            name: opts.name.unwrap_or_else(|| "Outbound webhook".into()),
            handler_url: url.to_string(),
            events,
            application_token_sealed: portal.secrets.encrypt(&token),
            signing_secret_sealed: portal.secrets.encrypt(&secret),
            single_attempt: opts.single_attempt,
            created_at: Utc::now().timestamp(),
        })
        .await?;
    out!("outbound webhook {id} created");
    out!("application token: {token}");
    out!("signing secret: {secret}");
    Ok(())
}

/// Lists outbound webhooks (of one user when `login` is given) without secrets.
pub async fn outbound_list(portal: &Portal, login: Option<&str>) -> anyhow::Result<()> {
    let user_id = match login {
        Some(l) => Some(crate::commands::user_named(portal, l).await?.id),
        None => None,
    };
    out!(
        "{:<6} {:<8} {:<13} {:<40} events",
        "id",
        "user",
        "active",
        "url"
    );
    for w in portal.store.list_outbound_webhooks(user_id).await? {
        out!(
            "{:<6} {:<8} {:<13} {:<40} {}",
            w.id,
            w.user_id,
            match w.disabled {
                None if w.active => "yes".to_owned(),
                None => "no".to_owned(),
                Some(off) => format!("no ({})", off.reason.as_str()),
            },
            w.handler_url,
            w.events.join(",")
        );
    }
    Ok(())
}

/// Deletes an outbound webhook with its deliveries.
pub async fn outbound_remove(portal: &Portal, id: i64) -> anyhow::Result<()> {
    if !portal.store.delete_outbound_webhook(id).await? {
        bail!("no outbound webhook with id {id}");
    }
    out!("outbound webhook {id} removed");
    Ok(())
}

/// Switches an outbound webhook on or off; pending deliveries wait while it is off.
pub async fn outbound_set_active(portal: &Portal, id: i64, active: bool) -> anyhow::Result<()> {
    let hook = portal
        .store
        .outbound_webhook_by_id(id)
        .await?
        .with_context(|| format!("no outbound webhook with id {id}"))?;
    let change = OutboundWebhookChange {
        name: hook.name,
        handler_url: hook.handler_url,
        events: hook.events,
        active,
        single_attempt: hook.single_attempt,
        at: Utc::now().timestamp(),
    };
    if !portal.store.update_outbound_webhook(id, change).await? {
        bail!("no outbound webhook with id {id}");
    }
    out!(
        "outbound webhook {id} {}",
        if active { "enabled" } else { "disabled" }
    );
    Ok(())
}

/// Prints the newest `limit` deliveries to an outbound webhook.
pub async fn outbound_log(portal: &Portal, id: i64, limit: usize) -> anyhow::Result<()> {
    if portal.store.outbound_webhook_by_id(id).await?.is_none() {
        bail!("no outbound webhook with id {id}");
    }
    out!(
        "{:<8} {:<20} {:<10} {:<8} {:<8} next attempt",
        "id",
        "event",
        "state",
        "attempts",
        "status"
    );
    for d in portal
        .store
        .list_deliveries(id, DeliveryQuery::newest(limit))
        .await?
    {
        let status = d.last_status.map(|s| s.to_string()).unwrap_or_default();
        let next = d
            .next_attempt_at
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map(|t| t.to_rfc3339())
            .unwrap_or_default();
        out!(
            "{:<8} {:<20} {:<10} {:<8} {:<8} {}",
            d.id,
            d.event_code,
            d.state.as_str(),
            d.attempts,
            status,
            next
        );
    }
    Ok(())
}
