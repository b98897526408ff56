//! Event delivery benchmark (driven by `bench/events.sh`): a handler on a
//! loopback port that counts what it receives, an outbound webhook to it made
//! with `portico outbound add`, then
//!
//! 1. **throughput**: the handler holds every request until told to answer,
//!    while `N` leads are added through `batch` (their deliveries pile up in
//!    the outbox); then it answers, and the rate at which the worker empties
//!    the outbox is measured (deliveries answered per second);
//! 2. **latency**: leads added one per request at a steady rate; for each, the
//!    time from sending `crm.lead.add` to its event reaching the handler.
//!
//! It prints one JSON object with the figures, then `READY` and keeps the
//! handler running (for write-load runs with a subscriber) until its standard
//! input closes, taking commands from it, one per line: `hold` (stop
//! answering), `answer` (answer again) and `count` (print how many deliveries
//! were answered since `READY`).
//!
//! Usage: `event_bench PORTICO_BIN DATA_DIR REST_WEBHOOK_URL EVENTS RATE SECONDS`

use std::collections::HashMap;
use std::io::BufRead;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::Notify;

/// Microseconds since the Unix epoch (comparable across processes).
fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// The handler's shared state.
#[derive(Default)]
struct Handler {
    /// Answer only once this is set.
    open: AtomicBool,
    opened: Notify,
    /// Requests answered.
    answered: AtomicU64,
    /// When the latest answer went out, µs.
    last_answer_us: AtomicU64,
    /// Lead id → when its event arrived, µs.
    arrivals: Mutex<HashMap<i64, u64>>,
}

/// Records the delivery and answers 200, after the gate opens.
async fn handle(State(h): State<Arc<Handler>>, body: Bytes) -> StatusCode {
    let at = now_us();
    let body = String::from_utf8_lossy(&body);
    if let Some(id) = body
        .split('&')
        .find_map(|p| p.strip_prefix("data%5BFIELDS%5D%5BID%5D="))
        .and_then(|id| id.parse::<i64>().ok())
    {
        h.arrivals.lock().unwrap().entry(id).or_insert(at);
    }
    while !h.open.load(Ordering::SeqCst) {
        let wait = h.opened.notified();
        if h.open.load(Ordering::SeqCst) {
            break;
        }
        wait.await;
    }
    h.answered.fetch_add(1, Ordering::SeqCst);
    h.last_answer_us.store(now_us(), Ordering::SeqCst);
    StatusCode::OK
}

/// The value at quantile `q` of sorted `values`.
fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let i = ((values.len() as f64 - 1.0) * q).round() as usize;
    values[i.min(values.len() - 1)]
}

/// Adds `n` leads through `batch` (50 per request, 8 requests in flight).
async fn seed(client: &reqwest::Client, hook: &str, n: usize) {
    let batches = n.div_ceil(50);
    let sends = (0..batches).map(|b| {
        let cmd: serde_json::Map<String, Value> = (0..50.min(n - b * 50))
            .map(|i| {
                (
                    format!("a{i}"),
                    json!(format!("crm.lead.add?fields[TITLE]=bench+{b}-{i}")),
                )
            })
            .collect();
        let request = client
            .post(format!("{hook}batch.json"))
            .json(&json!({"halt": 0, "cmd": cmd}));
        async move {
            let answer = request.send().await.expect("batch sent");
            assert!(
                answer.status().is_success(),
                "batch answered {}",
                answer.status()
            );
        }
    });
    futures::StreamExt::for_each_concurrent(futures::stream::iter(sends), 8, |f| f).await;
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, bin, data, hook, events, rate, secs] = &args[..] else {
        eprintln!("usage: event_bench PORTICO_BIN DATA_DIR REST_WEBHOOK_URL EVENTS RATE SECONDS");
        std::process::exit(2);
    };
    let events: usize = events.parse().expect("EVENTS");
    let rate: u64 = rate.parse().expect("RATE");
    let secs: u64 = secs.parse().expect("SECONDS");

    let handler = Arc::new(Handler::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let app = Router::new().fallback(handle).with_state(handler.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let added = std::process::Command::new(bin)
        .args(["outbound", "add", "--data-dir", data, "--user", "admin"])
        .args(["--url", &url, "--allow-private", "--event", "ONCRMLEADADD"])
        .output()
        .expect("portico outbound add");
    assert!(added.status.success(), "{added:?}");
    let client = reqwest::Client::new();

    // 1. Throughput: a full outbox emptied into a handler that answers at once.
    let started = Instant::now();
    seed(&client, hook, events).await;
    let seeded_in = started.elapsed();
    // The worker needs up to a second to see the new webhook; then the first
    // requests wait at the gate while the rest pile up.
    let opened_at = now_us();
    handler.open.store(true, Ordering::SeqCst);
    handler.opened.notify_waiters();
    let deadline = Instant::now() + Duration::from_secs(300);
    while (handler.answered.load(Ordering::SeqCst) as usize) < events {
        assert!(Instant::now() < deadline, "deliveries stalled");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let took_s = (handler.last_answer_us.load(Ordering::SeqCst) - opened_at) as f64 / 1e6;
    let per_second = events as f64 / took_s;

    // 2. Latency at a steady rate, one lead per request.
    handler.arrivals.lock().unwrap().clear();
    let sent: Arc<Mutex<Vec<(i64, u64, u64)>>> = Arc::default();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    let total = rate * secs;
    let pace_started = Instant::now();
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        tick.tick().await;
        let (client, hook, sent) = (client.clone(), hook.clone(), sent.clone());
        tasks.push(tokio::spawn(async move {
            let at = now_us();
            let answer: Value = client
                .post(format!("{hook}crm.lead.add.json"))
                .json(&json!({"fields": {"TITLE": format!("paced {i}")}}))
                .send()
                .await
                .expect("sent")
                .json()
                .await
                .expect("json");
            let id = answer["result"].as_i64().expect("lead id");
            sent.lock().unwrap().push((id, at, now_us()));
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let paced_rate = total as f64 / pace_started.elapsed().as_secs_f64();
    let deadline = Instant::now() + Duration::from_secs(60);
    let sent = sent.lock().unwrap().clone();
    loop {
        let arrived = handler.arrivals.lock().unwrap().len();
        if arrived >= sent.len() || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let arrivals = handler.arrivals.lock().unwrap().clone();
    let mut from_send = Vec::new();
    let mut from_answer = Vec::new();
    for (id, sent_at, answered_at) in &sent {
        if let Some(arrived) = arrivals.get(id) {
            from_send.push((*arrived as f64 - *sent_at as f64) / 1000.0);
            from_answer.push((*arrived as f64 - *answered_at as f64) / 1000.0);
        }
    }
    from_send.sort_by(f64::total_cmp);
    from_answer.sort_by(f64::total_cmp);
    let ms = |v: f64| (v * 100.0).round() / 100.0;
    println!(
        "{}",
        json!({
            "throughput": {
                "events": events,
                "seeded_s": ms(seeded_in.as_secs_f64()),
                "drained_s": ms(took_s),
                "deliveries_per_s": per_second.round(),
            },
            "latency": {
                "target_rate": rate,
                "achieved_rate": paced_rate.round(),
                "events": sent.len(),
                "arrived": from_send.len(),
                "send_to_receipt_ms": {
                    "p50": ms(quantile(&from_send, 0.5)),
                    "p99": ms(quantile(&from_send, 0.99)),
                    "max": ms(quantile(&from_send, 1.0)),
                },
                "answer_to_receipt_ms": {
                    "p50": ms(quantile(&from_answer, 0.5)),
                    "p99": ms(quantile(&from_answer, 0.99)),
                },
            },
        })
    );
    println!("READY");
    let answered_before = handler.answered.load(Ordering::SeqCst);
    let gate = handler.clone();
    let _ = tokio::task::spawn_blocking(move || {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            match line.trim() {
                "hold" => gate.open.store(false, Ordering::SeqCst),
                "answer" => {
                    gate.open.store(true, Ordering::SeqCst);
                    gate.opened.notify_waiters();
                }
                "count" => println!(
                    "{}",
                    json!({"answered_after_ready": gate.answered.load(Ordering::SeqCst) - answered_before})
                ),
                _ => {}
            }
        }
    })
    .await;
    println!(
        "{}",
        json!({"answered_after_ready": handler.answered.load(Ordering::SeqCst) - answered_before})
    );
}
