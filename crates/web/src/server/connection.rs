//! One client connection: the TLS handshake when serving HTTPS, then HTTP/1.1
//! through hyper. Each request gets the client's address (`ConnectInfo`) and a
//! body deadline; each answer gets `Strict-Transport-Security` under TLS and
//! `Connection: close` after a body timeout. The connection is dropped when its
//! watchdog fires (a phase outlived its timeout, or it was evicted at the cap).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request};
use axum::Router;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::Watcher;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::activity::{Activity, Timeouts, TrackedIo};
use super::body::TimedBody;
use super::table::ConnectionTable;

/// `Strict-Transport-Security` sent on every answer over TLS: one year.
const HSTS: HeaderValue = HeaderValue::from_static("max-age=31536000");

/// What every connection of one server shares.
pub struct Shared {
    /// The application.
    pub app: Router,
    /// The TLS acceptor when serving HTTPS.
    pub tls: Option<TlsAcceptor>,
    /// The per-connection timeouts.
    pub timeouts: Timeouts,
    /// The open connections.
    pub table: Arc<ConnectionTable>,
}

/// Serves one accepted connection until it ends, times out or is evicted; the
/// permit counts it against the connection cap until then.
pub async fn run(
    shared: Arc<Shared>,
    tcp: TcpStream,
    peer: SocketAddr,
    watcher: Watcher,
    _permit: OwnedSemaphorePermit,
) {
    let activity = Arc::new(Activity::new(shared.timeouts));
    let _registration = shared.table.register(activity.clone());
    let io = TrackedIo::new(tcp, activity.clone());
    let work = async {
        match &shared.tls {
            None => serve_http(&shared, io, peer, &activity, watcher, false).await,
            Some(acceptor) => match acceptor.accept(io).await {
                Ok(tls) => serve_http(&shared, tls, peer, &activity, watcher, true).await,
                Err(e) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
            },
        }
    };
    tokio::select! {
        () = work => {}
        () = activity.expired() => {
            tracing::debug!(%peer, "connection closed: timed out waiting for the client, or evicted");
        }
    }
}

async fn serve_http<I>(
    shared: &Shared,
    io: I,
    peer: SocketAddr,
    activity: &Arc<Activity>,
    watcher: Watcher,
    tls: bool,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let app = shared.app.clone();
    let activity = activity.clone();
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        activity.request_started();
        let body_timed_out = Arc::new(AtomicBool::new(false));
        let mut req = req.map(|body| {
            Body::new(TimedBody::new(
                body,
                activity.body_timeout(),
                body_timed_out.clone(),
            ))
        });
        req.extensions_mut().insert(ConnectInfo(peer));
        let call = app.clone().oneshot(req);
        let activity = activity.clone();
        async move {
            let mut res = call.await?;
            let headers = res.headers_mut();
            if tls {
                headers.insert(header::STRICT_TRANSPORT_SECURITY, HSTS);
            }
            if body_timed_out.load(Ordering::Relaxed) {
                headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            Ok::<_, Infallible>(res.map(|inner| AnswerBody { inner, activity }))
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // Header and idle timeouts are the connection's watchdog's: hyper's own
    // header timeout would also run while a keep-alive connection is idle.
    builder.header_read_timeout(None);
    let conn = builder.serve_connection(TokioIo::new(io), service);
    if let Err(e) = watcher.watch(conn).await {
        tracing::debug!(%peer, error = %e, "connection ended with an error");
    }
}

/// An answer's body that tells the connection, once hyper is done with it, that
/// the connection is waiting for the next request.
struct AnswerBody {
    inner: Body,
    activity: Arc<Activity>,
}

impl Drop for AnswerBody {
    fn drop(&mut self) {
        self.activity.response_finished();
    }
}

impl hyper::body::Body for AnswerBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
