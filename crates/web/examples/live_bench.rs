//! Latency of live updates (`bench/live.sh`): signs users in through the sign-in
//! page, opens `--clients` `/live` streams spread over them (as that many browser
//! tabs would), then sends `--notifications` notifications through
//! `im.notify.system.add` on a webhook, one every `1 / --rate` seconds, each to
//! the next user in turn, and measures, for every stream of the recipient, the
//! time from the start of the call until the stream delivered the update.
//! Prints one JSON object: the counts, lost updates and p50/p90/p99/max in ms.
//!
//! ```text
//! cargo run --release -p portico-web --example live_bench -- \
//!   --base http://127.0.0.1:8080 --hook /rest/1/secret/ --users u1,u2 --user-ids 2,3 \
//!   --password pw --clients 1000 --notifications 1000 --rate 100
//! ```

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::mpsc;

/// The same allocator as the `portico` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Command-line settings.
struct Args {
    base: String,
    hook: String,
    users: Vec<String>,
    /// The users' ids, in the order of `users`.
    user_ids: Vec<i64>,
    password: String,
    clients: usize,
    notifications: usize,
    rate: f64,
    /// Other nodes' bases: streams are spread over `base` and these.
    stream_bases: Vec<String>,
}

fn args() -> Args {
    let mut map: HashMap<String, String> = HashMap::new();
    let mut it = std::env::args().skip(1);
    while let Some(key) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{key} needs a value"));
        map.insert(key.trim_start_matches("--").to_owned(), value);
    }
    let get = |k: &str| {
        map.get(k)
            .cloned()
            .unwrap_or_else(|| panic!("--{k} is required"))
    };
    let base = get("base");
    let stream_bases = map
        .get("stream-bases")
        .map(|v| v.split(',').map(str::to_owned).collect())
        .unwrap_or_else(|| vec![base.clone()]);
    Args {
        hook: get("hook"),
        users: get("users").split(',').map(str::to_owned).collect(),
        user_ids: get("user-ids")
            .split(',')
            .map(|v| v.parse().expect("--user-ids"))
            .collect(),
        password: get("password"),
        clients: get("clients").parse().expect("--clients"),
        notifications: get("notifications").parse().expect("--notifications"),
        rate: get("rate").parse().expect("--rate"),
        base,
        stream_bases,
    }
}

/// The value of the first hidden input named `name` in `html`.
fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let v = tag.find("value=\"")? + 7;
    let end = tag[v..].find('"')?;
    Some(tag[v..v + end].replace("&amp;", "&"))
}

/// The value of cookie `name` among a response's `Set-Cookie` headers.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .find_map(|h| {
            let text = h.to_str().ok()?;
            let first = text.split(';').next()?;
            let (k, v) = first.split_once('=')?;
            (k.trim() == name).then(|| v.trim().to_owned())
        })
}

/// Signs `login` in; the session cookie's value.
async fn sign_in(client: &reqwest::Client, base: &str, login: &str, password: &str) -> String {
    loop {
        let form = client
            .get(format!("{base}/login"))
            .send()
            .await
            .expect("GET /login");
        let csrf_cookie = set_cookie(&form, "portico_signin_csrf").expect("sign-in cookie");
        let page = form.text().await.expect("page");
        let token = input_value(&page, "csrf").expect("csrf field");
        let answer = client
            .post(format!("{base}/login"))
            .header("cookie", format!("portico_signin_csrf={csrf_cookie}"))
            .form(&[
                ("csrf", token.as_str()),
                ("login", login),
                ("password", password),
            ])
            .send()
            .await
            .expect("POST /login");
        if answer.status() == 429 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        return set_cookie(&answer, "portico_session")
            .unwrap_or_else(|| panic!("sign-in of {login} failed: {}", answer.status()));
    }
}

/// One arrival: (notification id, when).
type Arrival = (i64, Instant);

/// Reads one stream until it ends, passing each `notify` update's id on.
async fn read_stream(mut response: reqwest::Response, arrivals: mpsc::UnboundedSender<Arrival>) {
    let mut buffer = String::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let now = Instant::now();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let Some(data) = block.lines().find_map(|l| l.strip_prefix("data:")) else {
                continue;
            };
            let Ok(update) = serde_json::from_str::<Value>(data.trim()) else {
                continue;
            };
            if update["kind"] != "notify" {
                continue;
            }
            let id = update["data"]["id"]
                .as_i64()
                .or_else(|| update["data"]["notification_id"].as_i64());
            if let Some(id) = id {
                let _ = arrivals.send((id, now));
            }
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() {
    let args = args();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(4)
        .build()
        .expect("client");

    let mut sessions = Vec::new();
    for login in &args.users {
        sessions.push(sign_in(&client, &args.base, login, &args.password).await);
    }
    let user_ids = &args.user_ids;

    // The streams: client i belongs to user i % users.
    let (arrivals_tx, mut arrivals_rx) = mpsc::unbounded_channel();
    let mut streams_per_user = vec![0usize; args.users.len()];
    let stream_client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("stream client");
    let opened = Instant::now();
    for i in 0..args.clients {
        let user = i % args.users.len();
        let base = &args.stream_bases[i % args.stream_bases.len()];
        let response = stream_client
            .get(format!("{base}/live"))
            .header("cookie", format!("portico_session={}", sessions[user]))
            .send()
            .await
            .expect("GET /live");
        assert_eq!(response.status(), 200, "stream {i}");
        streams_per_user[user] += 1;
        tokio::spawn(read_stream(response, arrivals_tx.clone()));
    }
    drop(arrivals_tx);
    let open_secs = opened.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;

    // The notifications, paced.
    let sent: Arc<std::sync::Mutex<HashMap<i64, (Instant, usize)>>> = Arc::default();
    let gap = Duration::from_secs_f64(1.0 / args.rate);
    let started = Instant::now();
    let mut calls = Vec::new();
    for n in 0..args.notifications {
        let due = started + gap * u32::try_from(n).unwrap_or(u32::MAX);
        tokio::time::sleep_until(due.into()).await;
        let user = n % args.users.len();
        let client = client.clone();
        let url = format!("{}{}im.notify.system.add.json", args.base, args.hook);
        let sent = sent.clone();
        let user_id = user_ids[user];
        calls.push(tokio::spawn(async move {
            let t0 = Instant::now();
            let answer: Value = client
                .post(url)
                .json(&json!({"USER_ID": user_id, "MESSAGE": format!("bench {n}")}))
                .send()
                .await
                .expect("im.notify.system.add")
                .json()
                .await
                .expect("JSON");
            let id = answer["result"]
                .as_i64()
                .unwrap_or_else(|| panic!("no id: {answer}"));
            sent.lock().expect("sent").insert(id, (t0, user));
        }));
    }
    for call in calls {
        call.await.expect("call");
    }
    let send_secs = started.elapsed().as_secs_f64();

    // Everything expected, or 5 s of quiet.
    let expected: usize = {
        let sent = sent.lock().expect("sent");
        sent.values().map(|(_, user)| streams_per_user[*user]).sum()
    };
    let mut got: Vec<Arrival> = Vec::with_capacity(expected);
    while got.len() < expected {
        match tokio::time::timeout(Duration::from_secs(5), arrivals_rx.recv()).await {
            Ok(Some(arrival)) => got.push(arrival),
            _ => break,
        }
    }
    let sent = sent.lock().expect("sent");
    let mut latencies: Vec<f64> = got
        .iter()
        .filter_map(|(id, at)| sent.get(id).map(|(t0, _)| (*at - *t0).as_secs_f64() * 1e3))
        .collect();
    latencies.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{}",
        json!({
            "clients": args.clients,
            "users": args.users.len(),
            "notifications": sent.len(),
            "streams_open_s": open_secs,
            "send_s": send_secs,
            "expected": expected,
            "arrived": latencies.len(),
            "lost": expected.saturating_sub(latencies.len()),
            "p50_ms": percentile(&latencies, 50.0),
            "p90_ms": percentile(&latencies, 90.0),
            "p99_ms": percentile(&latencies, 99.0),
            "max_ms": latencies.last().copied().unwrap_or(f64::NAN),
        })
    );
}
