//! Baseline for the benchmarks in `bench/`: the smallest axum 0.8 server on the
//! same runtime as Portico (tokio multi-thread, one worker per core), answering
//! `GET /` with `{"result":"hello"}`, and `GET /bytes/{n}` with a JSON body of about
//! `n` bytes (a baseline for answers as large as Portico's records).
//!
//! It doubles as a fast receiver of outbound events (`bench/nodes.sh`): `POST
//! /events` records the lead id of a delivery (`data[FIELDS][ID]`) and answers 200;
//! `GET /events` answers `{"events": distinct ids, "requests": deliveries,
//! "last_us": time of the latest, µs since the Unix epoch}`; `DELETE /events`
//! forgets them.
//!
//! ```text
//! cargo run --release -p portico-web --example hello -- 127.0.0.1:8090
//! ```

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

/// The same allocator as the `portico` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

async fn hello() -> Json<Value> {
    Json(json!({ "result": "hello" }))
}

async fn bytes(axum::extract::Path(n): axum::extract::Path<usize>) -> Json<Value> {
    Json(json!({ "result": "x".repeat(n.min(1 << 20)) }))
}

/// What `POST /events` received.
#[derive(Default)]
struct Received {
    /// Lead ids of the deliveries.
    ids: HashSet<i64>,
    /// Deliveries (a repeated one counts again).
    requests: u64,
    /// When the latest arrived, µs since the Unix epoch.
    last_us: u64,
}

type Events = Arc<Mutex<Received>>;

/// Records one delivery (a form-encoded Bitrix24 event).
async fn event(State(events): State<Events>, body: Bytes) {
    let at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
    let id = String::from_utf8_lossy(&body)
        .split('&')
        .find_map(|p| p.strip_prefix("data%5BFIELDS%5D%5BID%5D="))
        .and_then(|id| id.parse::<i64>().ok());
    let mut r = events.lock().unwrap_or_else(|e| e.into_inner());
    r.requests += 1;
    r.last_us = r.last_us.max(at);
    if let Some(id) = id {
        r.ids.insert(id);
    }
}

async fn event_count(State(events): State<Events>) -> Json<Value> {
    let r = events.lock().unwrap_or_else(|e| e.into_inner());
    Json(json!({ "events": r.ids.len(), "requests": r.requests, "last_us": r.last_us }))
}

async fn event_reset(State(events): State<Events>) {
    *events.lock().unwrap_or_else(|e| e.into_inner()) = Received::default();
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8090".to_string());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        println!("hello listening on http://{}", listener.local_addr()?);
        let app = Router::new()
            .route("/", get(hello))
            .route("/bytes/{n}", get(bytes))
            .route("/events", get(event_count).post(event).delete(event_reset))
            .with_state(Events::default());
        axum::serve(listener, app).await
    })
}
