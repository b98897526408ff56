//! The outbound webhook commands of the `portico` binary: `outbound add`
//! refuses private handler addresses (unless allowed) and unknown events,
//! prints the application token and signing secret once and stores them
//! sealed; `outbound list` never shows them; a CRM change made through a
//! running server becomes a delivery to it, shown by `outbound log` (refused at
//! connect time by a server that does not allow private handlers);
//! a handler switched off by a 410 is switched on again by `outbound enable`;
//! `outbound remove` deletes it. `portico serve` removes events older than
//! `event_retention_days`.

use portico_store::{
    AttemptRecord, AttemptVerdict, DeliveryQuery, DeliveryState, DeliveryStore,
    OutboundWebhookStore,
};
use portico_store_sqlite::{SqliteOptions, SqliteStore};
use serde_json::{json, Value};

mod common;

use common::{fails, ok, printed, Server};

#[tokio::test]
async fn outbound_webhooks_from_the_command_line_receive_crm_changes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &[]);

    let local = "http://127.0.0.1:9/hook";
    let refused = fails(
        &data,
        &[
            "outbound",
            "add",
            "--user",
            "admin",
            "--url",
            local,
            "--event",
            "ONCRMLEADADD",
        ],
    );
    assert!(refused.contains("cannot be used"), "{refused}");
    let metadata = "http://169.254.169.254/latest";
    fails(
        &data,
        &[
            "outbound",
            "add",
            "--user",
            "admin",
            "--url",
            metadata,
            "--event",
            "ONCRMLEADADD",
        ],
    );
    let unknown = fails(
        &data,
        &[
            "outbound",
            "add",
            "--user",
            "admin",
            "--url",
            "https://example.com/h",
            "--event",
            "ONCRMLEADADD,ONSOMETHING",
        ],
    );
    assert!(unknown.contains("unknown event 'ONSOMETHING'"), "{unknown}");

    let added = ok(
        &data,
        &[
            "outbound",
            "add",
            "--user",
            "admin",
            "--url",
            local,
            "--allow-private",
            "--event",
            "onCrmLeadAdd,ONCRMDEALADD",
            "--name",
            "Local receiver",
        ],
    );
    let id: i64 = added
        .lines()
        .find_map(|l| {
            l.strip_prefix("outbound webhook ")?
                .strip_suffix(" created")
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no id in {added}"));
    let token = printed(&added, "application token");
    let secret = printed(&added, "signing secret");
    assert_eq!(token.len(), 32, "{token}");
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    assert!(
        secret.starts_with("whsec_") && secret.len() == 6 + 44,
        "{secret}"
    );

    let list = ok(&data, &["outbound", "list"]);
    assert!(
        list.contains(local) && list.contains("ONCRMDEALADD,ONCRMLEADADD"),
        "{list}"
    );
    assert!(!list.contains(&token) && !list.contains(&secret), "{list}");

    // A lead added through the running server becomes a delivery to it.
    let hook_out = ok(
        &data,
        &["webhook", "add", "--user", "admin", "--scope", "crm"],
    );
    let hook = hook_out.lines().last().expect("url").trim().to_owned();
    let reply: Value = reqwest::Client::new()
        .post(format!("{hook}crm.lead.add.json"))
        .json(&json!({"fields": {"TITLE": "To the receiver"}}))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert!(reply["result"].as_i64().is_some(), "{reply}");
    // The server's worker tries it at once (and refuses the loopback address).
    for _ in 0..100 {
        if ok(&data, &["outbound", "log", &id.to_string()]).contains("failed") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    server.stop();

    let db = data.join("portico.sqlite3");
    let raw = std::fs::read(&db).expect("database");
    let wal = std::fs::read(data.join("portico.sqlite3-wal")).unwrap_or_default();
    for bytes in [&raw, &wal] {
        for plain in [&token, &secret] {
            assert!(
                !bytes.windows(plain.len()).any(|w| w == plain.as_bytes()),
                "a secret is stored in plain text"
            );
        }
    }
    let store = SqliteStore::open(&db, SqliteOptions::default()).expect("open");
    let stored = store
        .outbound_webhook_by_id(id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.name, "Local receiver");
    assert_eq!(stored.events, vec!["ONCRMDEALADD", "ONCRMLEADADD"]);
    let deliveries = store
        .list_deliveries(id, DeliveryQuery::newest(10))
        .await
        .expect("deliveries");
    assert_eq!(deliveries.len(), 1);
    // This server does not allow private handlers: its worker refused to
    // connect to the loopback address and gave the delivery up.
    assert_eq!(deliveries[0].state, DeliveryState::Failed);
    let attempts = store
        .delivery_attempts(deliveries[0].id)
        .await
        .expect("attempts");
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!(attempts[0].status, None);
    assert!(attempts[0].error.is_some(), "{attempts:?}");
    let log = ok(&data, &["outbound", "log", &id.to_string()]);
    assert!(
        log.lines()
            .any(|l| l.starts_with(&deliveries[0].id.to_string())
                && l.contains("ONCRMLEADADD")
                && l.contains("failed")),
        "{log}"
    );

    // Sent again, the handler answers 410 Gone: it is switched off, until enabled again.
    assert!(store
        .redeliver(deliveries[0].id, 0)
        .await
        .expect("redeliver"));
    let claimed = store
        .claim_deliveries(i64::MAX / 2, 30, 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    let gone = AttemptRecord {
        delivery_id: claimed[0].delivery_id,
        lease_token: claimed[0].lease_token.clone(),
        attempt: claimed[0].attempt,
        started_at: 0,
        duration_ms: 3,
        status: Some(410),
        response: String::new(),
        error: None,
        verdict: AttemptVerdict::Disable(portico_store::DisableReason::Gone),
        recorded_at: 0,
    };
    assert!(store.record_attempt(gone).await.expect("record"));
    let active = |store: SqliteStore| async move {
        let hook = store.outbound_webhook_by_id(id).await.expect("read");
        store.close();
        hook.expect("stored").active
    };
    assert!(!active(store).await);
    let log = ok(&data, &["outbound", "log", &id.to_string()]);
    assert!(log.contains("failed") && log.contains("410"), "{log}");
    ok(&data, &["outbound", "enable", &id.to_string()]);
    let reopen = || SqliteStore::open(&db, SqliteOptions::default()).expect("open");
    assert!(active(reopen()).await);
    ok(&data, &["outbound", "disable", &id.to_string()]);
    assert!(!active(reopen()).await);
    fails(&data, &["outbound", "enable", "999999"]);

    ok(&data, &["outbound", "remove", &id.to_string()]);
    let again = fails(&data, &["outbound", "remove", &id.to_string()]);
    assert!(
        again.contains(&format!("no outbound webhook with id {id}")),
        "{again}"
    );
}

#[tokio::test]
async fn serve_removes_events_older_than_the_retention() {
    use portico_store::crm::LEAD;
    use portico_store::{EventStamp, EventStore, RecordStore, RecordWrite};

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["user", "add", "--login", "ana"]);
    // Events are recorded only for a subscriber; removing it leaves them orphaned.
    ok(
        &data,
        &[
            "outbound",
            "add",
            "--user",
            "ana",
            "--url",
            "https://example.com/h",
            "--event",
            "ONCRMLEADADD",
        ],
    );
    let db = data.join("portico.sqlite3");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let store = SqliteStore::open(&db, SqliteOptions::default()).expect("open");
    for at in [now - 3 * 86_400, now - 3_600] {
        let write = RecordWrite {
            event: Some(EventStamp {
                at,
                user_id: None,
                auth_connector: None,
            }),
            ..RecordWrite::default()
        };
        store.insert_record(&LEAD, write).await.expect("lead");
    }
    let events = store.events_after(0, 10).await.expect("events");
    assert_eq!(events.len(), 2);
    store.close();
    ok(&data, &["outbound", "remove", "1"]);

    let server = Server::start_with_env(&data, &[], &[("PORTICO_EVENT_RETENTION_DAYS", "2")]);
    let mut left = Vec::new();
    for _ in 0..100 {
        let store = SqliteStore::open(&db, SqliteOptions::default()).expect("open");
        left = store.events_after(0, 10).await.expect("events");
        store.close();
        if left.len() < 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let log = server.stop();
    assert_eq!(left, vec![events[1].clone()], "{log}");
    assert!(log.contains("old events and deliveries removed"), "{log}");
}
