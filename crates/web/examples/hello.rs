//! Baseline for the benchmarks in `bench/`: the smallest axum 0.8 server on the
//! same runtime as Portico (tokio multi-thread, one worker per core), answering
//! `GET /` with `{"result":"hello"}`, and `GET /bytes/{n}` with a JSON body of about
//! `n` bytes (a baseline for answers as large as Portico's records).
//!
//! ```text
//! cargo run --release -p portico-web --example hello -- 127.0.0.1:8090
//! ```

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
            .route("/bytes/{n}", get(bytes));
        axum::serve(listener, app).await
    })
}
