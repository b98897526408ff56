//! Nothing committed is lost when the server dies: `kill -9` a `portico serve`
//! while it delivers under write load, start it again on the same data folder,
//! and every event in the database — in particular every lead whose
//! `crm.lead.add` was answered — reaches the receiver at least once (counted
//! by distinct `webhook-id`).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portico_store::EventStore;
use portico_store_sqlite::{SqliteOptions, SqliteStore};
use serde_json::json;
use tokio::sync::mpsc;

mod common;

use common::receiver::{slow_receiver, Received};
use common::{add_webhook, subscribe_admin, Server};

/// Concurrent REST clients adding leads.
const WRITERS: usize = 8;

/// What the receiver got: message id → how many times, and the lead ids seen.
#[derive(Default)]
struct Tally {
    by_message: HashMap<String, usize>,
    leads: HashSet<i64>,
}

impl Tally {
    fn take(&mut self, got: Received) {
        *self
            .by_message
            .entry(got.header("webhook-id").to_owned())
            .or_default() += 1;
        let lead = got
            .body
            .split('&')
            .find_map(|p| p.strip_prefix("data%5BFIELDS%5D%5BID%5D="))
            .and_then(|id| id.parse().ok())
            .expect("a lead id in the body");
        self.leads.insert(lead);
    }

    /// Takes what arrived until `done` holds or `within` passes.
    async fn until(
        &mut self,
        rx: &mut mpsc::UnboundedReceiver<Received>,
        within: Duration,
        done: impl Fn(&Tally) -> bool,
    ) -> bool {
        let deadline = Instant::now() + within;
        while !done(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, rx.recv()).await {
                Ok(Some(got)) => self.take(got),
                _ => return done(self),
            }
        }
        true
    }
}

/// Message ids of every event recorded in the data folder's database.
async fn recorded_message_ids(data: &std::path::Path) -> HashSet<String> {
    let store = SqliteStore::open(&data.join("portico.sqlite3"), SqliteOptions::default())
        .expect("open the database");
    let mut ids = HashSet::new();
    let mut after = 0;
    loop {
        let page = store.events_after(after, 500).await.expect("events");
        let Some(last) = page.last() else { break };
        after = last.id;
        ids.extend(page.into_iter().map(|e| e.message_id));
    }
    store.close();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_write_load_loses_no_committed_event() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut first = Server::start(&data, &["--allow-private-handlers"]);
    // The pause keeps deliveries in flight when the server dies.
    let (url, mut got) = slow_receiver(200, Duration::from_millis(20)).await;
    subscribe_admin(&data, &url, "ONCRMLEADADD");
    let hook = add_webhook(&data, &["--user", "admin", "--scope", "crm"]);

    let acknowledged = Arc::new(Mutex::new(Vec::<i64>::new()));
    let client = reqwest::Client::new();
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (client, hook, acknowledged) = (client.clone(), hook.clone(), acknowledged.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    let sent = client
                        .post(format!("{hook}crm.lead.add.json"))
                        .json(&json!({"fields": {"TITLE": format!("w{w} #{i}")}}))
                        .timeout(Duration::from_secs(10))
                        .send()
                        .await;
                    let Ok(answer) = sent else { return };
                    let Ok(body) = answer.json::<serde_json::Value>().await else {
                        return;
                    };
                    let id = body["result"].as_i64().expect("a lead id");
                    acknowledged.lock().unwrap().push(id);
                }
            })
        })
        .collect();

    // Kill the server in the middle of it: writes answered, deliveries flowing.
    let mut tally = Tally::default();
    let flowing = tally
        .until(&mut got, Duration::from_secs(30), |t| {
            t.by_message.len() >= 100
        })
        .await;
    assert!(flowing, "deliveries did not start: {}", first.log());
    first.child.kill().expect("kill -9");
    first.child.wait().expect("reap");
    for writer in writers {
        writer.await.expect("writer");
    }
    let acknowledged: HashSet<i64> = acknowledged.lock().unwrap().iter().copied().collect();
    let before_restart = tally.by_message.len();
    assert!(
        acknowledged.len() >= 100,
        "only {} leads",
        acknowledged.len()
    );

    // Start again: the rest arrives, nothing committed is missing.
    let second = Server::start(&data, &["--allow-private-handlers"]);
    let all_leads = tally
        .until(&mut got, Duration::from_secs(60), |t| {
            acknowledged.is_subset(&t.leads)
        })
        .await;
    let missing: Vec<_> = acknowledged.difference(&tally.leads).take(10).collect();
    assert!(
        all_leads,
        "acknowledged leads never delivered: {missing:?}\n{}",
        second.log()
    );
    let recorded = recorded_message_ids(&data).await;
    let every_event = tally
        .until(&mut got, Duration::from_secs(60), |t| {
            recorded.iter().all(|id| t.by_message.contains_key(id))
        })
        .await;
    let lost = recorded
        .iter()
        .filter(|id| !tally.by_message.contains_key(*id))
        .count();
    assert!(
        every_event,
        "{lost} recorded events never delivered\n{}",
        second.log()
    );
    let duplicates: usize = tally.by_message.values().map(|n| n - 1).sum();
    println!(
        "{} leads acknowledged, {} events recorded, {} delivered before the kill, \
         {} distinct after the restart, {} sent twice",
        acknowledged.len(),
        recorded.len(),
        before_restart,
        tally.by_message.len(),
        duplicates
    );
    second.stop();
}
