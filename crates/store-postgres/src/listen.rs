//! The listener: one connection per node that `LISTEN`s on Portico's channels
//! and turns other nodes' (and this node's) committed notifications into calls
//! of the registered callbacks: the delivery worker's wake-up and cache
//! invalidations. When the connection drops it reconnects after a second and
//! reports [`Change::All`], since notifications sent meanwhile are lost.

use std::sync::{Arc, Weak};
use std::time::Duration;

use futures::StreamExt;
use tokio_postgres::{AsyncMessage, NoTls};

use crate::Inner;

/// The channel a transaction that made deliveries due notifies.
pub(crate) const DELIVERIES: &str = "portico_deliveries";
/// The channel a transaction that changed cached data notifies; the payload
/// names the [`Change`].
pub(crate) const CHANGES: &str = "portico_changes";
/// The channel a transaction that added live rows notifies.
pub(crate) const LIVE: &str = "portico_live";

/// What a committed write changed, for caches to forget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Users, webhooks, applications or tokens: whatever authenticates a call.
    Auth,
    /// User-field definitions.
    UserFields,
    /// Web sessions.
    Sessions,
    /// Anything: notifications may have been missed.
    All,
}

impl Change {
    /// The payload sent for this change.
    pub(crate) fn payload(self) -> &'static str {
        match self {
            Change::Auth => "auth",
            Change::UserFields => "user_fields",
            Change::Sessions => "sessions",
            Change::All => "all",
        }
    }

    fn from_payload(payload: &str) -> Change {
        match payload {
            "auth" => Change::Auth,
            "user_fields" => Change::UserFields,
            "sessions" => Change::Sessions,
            _ => Change::All,
        }
    }
}

/// Starts the listener task for the store behind `inner`; it ends when the
/// store is dropped.
pub(crate) fn start(
    config: tokio_postgres::Config,
    inner: Weak<Inner>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut first = true;
        loop {
            if inner.strong_count() == 0 {
                return;
            }
            match listen_once(&config, &inner, first).await {
                Ok(()) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "PostgreSQL listener lost its connection; reconnecting")
                }
            }
            first = false;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
}

/// One connection's life: `LISTEN`, then dispatch until it drops (`Err`, with
/// why) or the store is gone (`Ok`).
async fn listen_once(
    config: &tokio_postgres::Config,
    inner: &Weak<Inner>,
    first: bool,
) -> Result<(), String> {
    let (client, mut connection) = config.connect(NoTls).await.map_err(|e| e.to_string())?;
    let (sender, mut received) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    if sender.send(n).is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "PostgreSQL listener connection failed");
                    break;
                }
            }
        }
    });
    client
        .batch_execute(&format!(
            "LISTEN {DELIVERIES}; LISTEN {CHANGES}; LISTEN {LIVE}"
        ))
        .await
        .map_err(|e| e.to_string())?;
    if !first {
        // Whatever was sent while the listener was away is lost: caches forget
        // everything and the delivery worker looks for due work.
        let Some(inner) = inner.upgrade() else {
            return Ok(());
        };
        changed(&inner, Change::All);
        deliveries_due(&inner);
        live_added(&inner);
    }
    while let Some(notification) = received.recv().await {
        let Some(inner) = inner.upgrade() else {
            driver.abort();
            return Ok(());
        };
        match notification.channel() {
            DELIVERIES => deliveries_due(&inner),
            CHANGES => changed(&inner, Change::from_payload(notification.payload())),
            LIVE => live_added(&inner),
            _ => {}
        }
    }
    drop(client);
    let _ = driver.await;
    Err("the connection closed".to_owned())
}

/// Runs the `deliveries_due` callbacks.
pub(crate) fn deliveries_due(inner: &Arc<Inner>) {
    if let Ok(wakes) = inner.deliveries_due.read() {
        for wake in wakes.iter() {
            wake();
        }
    }
}

/// Runs the live wake-ups.
pub(crate) fn live_added(inner: &Arc<Inner>) {
    if let Ok(wakes) = inner.live_wakes.read() {
        for wake in wakes.iter() {
            wake();
        }
    }
}

/// Clears the caches `change` makes stale and runs the change callbacks.
fn changed(inner: &Arc<Inner>, change: Change) {
    inner.forget(change);
    if let Ok(callbacks) = inner.changed.read() {
        for callback in callbacks.iter() {
            callback(change);
        }
    }
}
