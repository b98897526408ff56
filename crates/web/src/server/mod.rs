//! Serving the router over plain HTTP or HTTPS (rustls) until a shutdown signal,
//! then letting in-flight requests finish. One accept loop for both: a cap on
//! open connections (at the cap the connection that has waited longest for its
//! client is closed, else accepting pauses), back-off on accept errors, and per
//! connection a header, idle and body timeout.

mod accept;
mod activity;
mod body;
mod connection;
mod table;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

pub use activity::Timeouts;
pub use body::{is_body_timeout, BodyTimeout};

use accept::AcceptBackoff;
use connection::Shared;
use table::ConnectionTable;

/// A PEM certificate chain and its private key.
#[derive(Clone)]
pub struct TlsFiles {
    /// Certificate chain, PEM.
    pub cert_pem: Vec<u8>,
    /// Private key, PEM.
    pub key_pem: Vec<u8>,
}

impl std::fmt::Debug for TlsFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsFiles(..)")
    }
}

/// How a server runs: HTTPS or not, its timeouts and its connection cap.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Serve HTTPS with this certificate; plain HTTP when `None`.
    pub tls: Option<TlsFiles>,
    /// The per-connection timeouts.
    pub timeouts: Timeouts,
    /// Most connections open at once.
    pub max_connections: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            tls: None,
            timeouts: Timeouts::default(),
            max_connections: 1024,
        }
    }
}

/// How long in-flight requests get after the shutdown signal.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` completes, then waits (up to ten
/// seconds) for in-flight requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let tls = match &options.tls {
        Some(files) => Some(TlsAcceptor::from(Arc::new(tls_config(files)?))),
        None => None,
    };
    let shared = Arc::new(Shared {
        app,
        tls,
        timeouts: options.timeouts,
        table: Arc::new(ConnectionTable::default()),
    });
    let slots = Arc::new(Semaphore::new(
        options.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let graceful = GracefulShutdown::new();
    let mut backoff = AcceptBackoff::default();
    tokio::pin!(shutdown);
    loop {
        let permit = match slots.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                shared.table.evict_longest_waiting();
                tokio::select! {
                    permit = slots.clone().acquire_owned() => match permit {
                        Ok(permit) => permit,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    let wait = backoff.failed(&e);
                    tokio::select! {
                        () = tokio::time::sleep(wait) => continue,
                        () = &mut shutdown => break,
                    }
                }
            },
            () = &mut shutdown => break,
        };
        backoff.succeeded();
        tokio::spawn(connection::run(
            shared.clone(),
            tcp,
            peer,
            graceful.watcher(),
            permit,
        ));
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("some connections were still open after the drain timeout");
    }
    Ok(())
}

/// A rustls server configuration from PEM files.
pub fn tls_config(files: &TlsFiles) -> std::io::Result<rustls::ServerConfig> {
    let invalid =
        |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let certs = rustls_pemfile::certs(&mut files.cert_pem.as_slice())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| invalid("the TLS certificate file is not valid PEM"))?;
    if certs.is_empty() {
        return Err(invalid("the TLS certificate file holds no certificate"));
    }
    let key = rustls_pemfile::private_key(&mut files.key_pem.as_slice())
        .map_err(|_| invalid("the TLS key file is not valid PEM"))?
        .ok_or_else(|| invalid("the TLS key file holds no private key"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(&e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| invalid(&format!("the TLS certificate and key do not fit: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
