//! Two `portico serve` nodes on one PostgreSQL database (the test server that
//! `PORTICO_TEST_POSTGRES_URL` names; `.ci/postgres` starts one), each with its
//! own data folder holding the portal's key file, called in turn as a load
//! balancer would: every committed event is delivered, none twice within a
//! lease, and a killed node's leased deliveries are sent by the other after
//! the lease; the rate limit is one bucket across the nodes; a session started
//! on one node works on the other, and a webhook deleted through one node's UI
//! is refused by both within a second.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use portico_store::EventStore;
use portico_store_postgres::testing::{fresh_database, test_server_url, TEST_URL_VAR};
use portico_store_postgres::{PgOptions, PgStore};
use serde_json::{json, Value};

mod common;

use common::receiver::slow_receiver;
use common::{ok, Server};

/// The administrator's password on the nodes of these tests.
const ADMIN_PASSWORD: &str = "two nodes, one portal";

/// The lease the nodes take on a delivery in these tests, seconds.
const LEASE_SECS: u64 = 4;

/// A fresh database on the test server; fails without one.
async fn database() -> String {
    let server = test_server_url()
        .unwrap_or_else(|| panic!("{TEST_URL_VAR} is not set: start a server with .ci/postgres"));
    fresh_database(&server).await
}

/// Two nodes on `url`: node A starts first (creating the portal and its key),
/// node B gets a copy of A's key file.
struct Nodes {
    _dir: tempfile::TempDir,
    data_a: PathBuf,
    a: Server,
    b: Server,
}

impl Nodes {
    fn start(url: &str, extra: &[&str]) -> Nodes {
        let dir = tempfile::tempdir().expect("temp dir");
        let (data_a, data_b) = (dir.path().join("a"), dir.path().join("b"));
        let lease = LEASE_SECS.to_string();
        let env = [
            ("PORTICO_DELIVERY_LEASE_SECS", lease.as_str()),
            ("PORTICO_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ];
        let args = [&["--database-url", url, "--allow-private-handlers"], extra].concat();
        let a = Server::start_with_env(&data_a, &args, &env);
        std::fs::create_dir_all(&data_b).expect("data folder b");
        std::fs::copy(data_a.join("secret.key"), data_b.join("secret.key")).expect("copy key");
        let b = Server::start_with_env(&data_b, &args, &env);
        Nodes {
            _dir: dir,
            data_a,
            a,
            b,
        }
    }

    /// Runs a `portico` command on the shared database (from node A's folder).
    fn command(&self, url: &str, args: &[&str]) -> String {
        ok(&self.data_a, &[&["--database-url", url], args].concat())
    }

    /// The id and the `/rest/…/` path of a new webhook of the administrator.
    fn webhook(&self, url: &str, scope: &str) -> (String, String) {
        let printed = self.command(
            url,
            &["webhook", "add", "--user", "admin", "--scope", scope],
        );
        let id = printed
            .lines()
            .find_map(|l| l.strip_prefix("webhook ")?.strip_suffix(" created"))
            .unwrap_or_else(|| panic!("no id in: {printed}"))
            .to_owned();
        let hook = printed.lines().last().expect("the URL line").trim();
        let path = format!("/rest/{}", hook.split("/rest/").nth(1).expect("a REST URL"));
        (id, path)
    }
}

/// Message ids of every event recorded in the database.
async fn recorded_message_ids(url: &str) -> HashSet<String> {
    let store = PgStore::connect(url, PgOptions::default())
        .await
        .expect("connect");
    let mut ids = HashSet::new();
    let mut after = 0;
    loop {
        let page = store.events_after(after, 500).await.expect("events");
        let Some(last) = page.last() else { break };
        after = last.id;
        ids.extend(page.into_iter().map(|e| e.message_id));
    }
    ids
}

/// Adds a lead through `bases[i % 2]`, or through the other node when that one
/// does not answer (as a load balancer does); the lead's id.
async fn add_lead(client: &reqwest::Client, bases: &[String; 2], path: &str, i: usize) -> i64 {
    for base in [&bases[i % 2], &bases[(i + 1) % 2]] {
        let sent = client
            .post(format!("{base}{path}crm.lead.add.json"))
            .json(&json!({"fields": {"TITLE": format!("lead {i}")}}))
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        if let Ok(answer) = sent {
            let body: Value = answer.json().await.expect("JSON");
            return body["result"].as_i64().unwrap_or_else(|| panic!("{body}"));
        }
    }
    panic!("neither node answered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_deliver_every_event_and_take_over_a_killed_nodes_leases() {
    let url = database().await;
    let mut nodes = Nodes::start(&url, &[]);
    // Each delivery stays in flight for a second, so the node killed below
    // holds leased deliveries it never finishes.
    let (handler, mut got) = slow_receiver(200, Duration::from_secs(1)).await;
    nodes.command(
        &url,
        &[
            "webhook",
            "add-outbound",
            "--user",
            "admin",
            "--handler",
            &handler,
            "--allow-private",
            "--events",
            "ONCRMLEADADD",
        ],
    );
    let (_, path) = nodes.webhook(&url, "crm");
    let bases = [nodes.a.base.clone(), nodes.b.base.clone()];
    let client = reqwest::Client::new();

    let mut arrivals: HashMap<String, Vec<Instant>> = HashMap::new();
    for i in 0..120 {
        add_lead(&client, &bases, &path, i).await;
    }
    // Deliveries are flowing from both nodes: kill node A in the middle.
    while arrivals.len() < 30 {
        let r = tokio::time::timeout(Duration::from_secs(30), got.recv())
            .await
            .expect("deliveries flow")
            .expect("receiver");
        arrivals
            .entry(r.header("webhook-id").to_owned())
            .or_default()
            .push(r.at);
    }
    nodes.a.child.kill().expect("kill -9");
    nodes.a.child.wait().expect("reap");
    // More writes through the surviving node.
    for i in 120..160 {
        add_lead(&client, &bases, &path, i).await;
    }

    let recorded = recorded_message_ids(&url).await;
    assert_eq!(recorded.len(), 160, "one event per lead");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !recorded.iter().all(|id| arrivals.contains_key(id)) && Instant::now() < deadline {
        if let Ok(Some(r)) = tokio::time::timeout(Duration::from_secs(1), got.recv()).await {
            arrivals
                .entry(r.header("webhook-id").to_owned())
                .or_default()
                .push(r.at);
        }
    }
    // Whatever is still coming (a redelivery of the killed node's leases).
    while let Ok(Some(r)) =
        tokio::time::timeout(Duration::from_secs(LEASE_SECS + 2), got.recv()).await
    {
        arrivals
            .entry(r.header("webhook-id").to_owned())
            .or_default()
            .push(r.at);
    }
    let lost: Vec<_> = recorded
        .iter()
        .filter(|id| !arrivals.contains_key(*id))
        .collect();
    assert!(
        lost.is_empty(),
        "{} events never delivered\n{}",
        lost.len(),
        nodes.b.log()
    );
    let twice: Vec<Duration> = arrivals
        .values()
        .filter(|times| times.len() > 1)
        .map(|times| times[1] - times[0])
        .collect();
    assert!(
        !twice.is_empty(),
        "the killed node held no lease: nothing was sent again"
    );
    let lease = Duration::from_secs(LEASE_SECS) - Duration::from_millis(500);
    assert!(
        twice.iter().all(|gap| *gap >= lease),
        "sent twice within a lease: {twice:?}"
    );
    println!(
        "{} events delivered, {} again after the killed node's lease ran out (the soonest after {:?})",
        arrivals.len(),
        twice.len(),
        twice.iter().min()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_across_two_nodes_gets_the_single_node_answers() {
    let url = database().await;
    let nodes = Nodes::start(&url, &["--limits", "cloud", "--plan", "basic"]);
    let (_, path) = nodes.webhook(&url, "crm");
    let client = reqwest::Client::new();
    let mut answers = Vec::new();
    for i in 0..60 {
        let base = if i % 2 == 0 {
            &nodes.a.base
        } else {
            &nodes.b.base
        };
        let r = client
            .get(format!("{base}{path}server.time"))
            .send()
            .await
            .expect("answer");
        let status = r.status().as_u16();
        let body: Value = r.json().await.expect("JSON");
        answers.push((status, body));
    }
    let first_refused = answers
        .iter()
        .position(|(status, _)| *status == 503)
        .expect("the burst is limited across the nodes");
    // One bucket of 50 for both nodes (a little drains while the burst runs).
    assert!(
        (50..53).contains(&first_refused),
        "refused after {first_refused} calls"
    );
    assert!(answers[..first_refused].iter().all(|(s, _)| *s == 200));
    let (_, refused) = &answers[first_refused];
    assert_eq!(refused["error"], json!("QUERY_LIMIT_EXCEEDED"), "{refused}");
    let refused_by_both: HashSet<usize> = answers
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| *s == 503)
        .map(|(i, _)| i % 2)
        .collect();
    assert_eq!(
        refused_by_both.len(),
        2,
        "both nodes refuse once the bucket is full"
    );
}

/// The value of cookie `name` among the answer's `Set-Cookie` headers.
fn set_cookie(answer: &reqwest::Response, name: &str) -> String {
    answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie"))
        .to_owned()
}

/// The value of the first hidden `csrf` input of `page`.
fn csrf_of(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a csrf input")
        .to_owned()
}

/// Signs in as the administrator through the web UI at `base`; the session cookie.
async fn sign_in(http: &reqwest::Client, base: &str, password: &str) -> String {
    let form = http
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("form");
    let sign_in_cookie = set_cookie(&form, "portico_signin_csrf");
    let token = csrf_of(&form.text().await.expect("page"));
    let signed = http
        .post(format!("{base}/login"))
        .header("cookie", format!("portico_signin_csrf={sign_in_cookie}"))
        .form(&[
            ("csrf", token.as_str()),
            ("login", "admin"),
            ("password", password),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed.status().as_u16(), 303, "sign-in refused");
    set_cookie(&signed, "portico_session")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_deleted_through_one_node_is_refused_by_the_other_within_a_second() {
    let url = database().await;
    let nodes = Nodes::start(&url, &[]);
    let (id, path) = nodes.webhook(&url, "crm");
    let client = reqwest::Client::new();
    let call = |base: String| {
        let client = client.clone();
        let path = path.clone();
        async move {
            let r = client
                .get(format!("{base}{path}crm.lead.list"))
                .send()
                .await
                .expect("answer");
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.expect("JSON"))
        }
    };
    // Both nodes look the webhook up (and may keep it for a moment).
    assert_eq!(call(nodes.a.base.clone()).await.0, 200);
    assert_eq!(call(nodes.b.base.clone()).await.0, 200);

    // A session started on node B works on node A, which deletes the webhook.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let session = sign_in(&http, &nodes.b.base, ADMIN_PASSWORD).await;
    let cookie = format!("portico_session={session}");
    let page = http
        .get(format!("{}/developer/webhooks/{id}", nodes.a.base))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(
        page.status().as_u16(),
        200,
        "node A does not know node B's session"
    );
    let token = csrf_of(&page.text().await.expect("page"));
    let deleted = http
        .post(format!("{}/developer/webhooks/{id}/delete", nodes.a.base))
        .header("cookie", &cookie)
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status().as_u16(), 303, "the deletion was refused");
    let deleted_at = Instant::now();

    // Node B refuses the webhook within a second, and so does node A.
    for base in [&nodes.b.base, &nodes.a.base] {
        let (status, body) = loop {
            let (status, body) = call(base.clone()).await;
            if status != 200 || deleted_at.elapsed() > Duration::from_secs(2) {
                break (status, body);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(status, 401, "{body}");
        assert!(body["error"].is_string(), "{body}");
    }
    let refused_within = deleted_at.elapsed();
    assert!(
        refused_within < Duration::from_secs(1),
        "refused only after {refused_within:?}"
    );
}
