//! HTTP for Portico: the `/rest/...` endpoint that decodes a request once,
//! authenticates the inbound webhook in its path, dispatches through the method
//! registry and answers the Bitrix24 envelope; plus serving over plain HTTP or TLS
//! with connection timeouts, a connection cap and a clean shutdown.

pub mod auth;
pub mod client_addr;
pub mod decode;
pub mod limits;
pub mod live;
pub mod oauth;
pub mod portal;
pub mod respond;
pub mod rest;
pub mod sandbox;
pub mod server;
pub mod state;
pub mod stats;
pub mod ui;
pub mod usage;

pub use client_addr::{ClientAddr, TrustedProxies};
pub use limits::{LimitMode, RateKey, RestLimits};
pub use server::{serve, ServeOptions, Timeouts, TlsFiles};
pub use state::{AppState, Limits, OAuthSettings};

use axum::routing::any;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;

/// Serves `state`'s router on `listener` until `shutdown`, adding the REST
/// statistics to the store every [`stats::FLUSH_EVERY`] and once more after
/// the last request was answered.
pub async fn serve_app(
    listener: tokio::net::TcpListener,
    state: AppState,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let flusher =
        stats::Flusher::spawn(state.stats.clone(), state.store.clone(), stats::FLUSH_EVERY);
    // Live streams never end by themselves: end them when the shutdown comes,
    // so that draining the connections does not wait for them.
    let live = state.live.clone();
    let shutdown = async move {
        shutdown.await;
        live.close();
    };
    let served = serve(listener, router(state), options, shutdown).await;
    flusher.stop().await;
    served
}

/// The application's router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/rest/{*path}", any(rest::handle))
        .route("/rest", any(rest::handle_root))
        .route("/rest/", any(rest::handle_root))
        .route("/live", axum::routing::get(live::stream))
        .merge(oauth::routes())
        .merge(sandbox::routes())
        .merge(ui::routes())
        .fallback(respond::not_found)
        .layer(CatchPanicLayer::custom(respond::panic_response))
        .layer(axum::middleware::from_fn(respond::rest_headers))
        .with_state(state)
}
