//! A handler on 127.0.0.1 that records every request it gets and answers by path.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

/// One request as the handler saw it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A running handler and what it has received so far.
#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Received>>>,
}

/// The body `/big` answers with: far more than a sender keeps.
pub const BIG_ANSWER_LEN: usize = 1024 * 1024;

/// Seconds `/slow` waits before answering.
pub const SLOW_SECS: u64 = 30;

impl Receiver {
    /// Starts a handler on a free port of 127.0.0.1.
    pub async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let receiver = Receiver {
            addr,
            log: Arc::default(),
        };
        let app = Router::new().fallback(answer).with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        receiver
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }
}

/// Records the request, then answers according to its path.
async fn answer(State(receiver): State<Receiver>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, usize::MAX).await.unwrap();
    let path = parts.uri.path().to_owned();
    receiver.log.lock().unwrap().push(Received {
        method: parts.method,
        path: path.clone(),
        headers: parts.headers,
        body,
    });
    match path.as_str() {
        "/ok" => (StatusCode::OK, "thanks").into_response(),
        "/fail" => (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
        "/limited" => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "7")],
            "slow down",
        )
            .into_response(),
        // 1_700_000_000 + 90 s.
        "/unavailable" => (
            StatusCode::SERVICE_UNAVAILABLE,
            [("retry-after", "Tue, 14 Nov 2023 22:14:50 GMT")],
        )
            .into_response(),
        "/gone" => StatusCode::GONE.into_response(),
        "/bad-request" => (StatusCode::BAD_REQUEST, "what?").into_response(),
        "/redirect" => {
            let target = receiver.url("/ok");
            (StatusCode::FOUND, [("location", target)]).into_response()
        }
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(SLOW_SECS)).await;
            (StatusCode::OK, "late").into_response()
        }
        "/big" => (StatusCode::OK, Body::from(vec![b'a'; BIG_ANSWER_LEN])).into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}
