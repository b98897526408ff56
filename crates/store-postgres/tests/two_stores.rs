//! Two stores on one PostgreSQL database, as two nodes hold them: both start at
//! once (the schema is applied once, under the advisory lock), and what one
//! commits reaches the other's listener within a second — cache invalidations
//! and the delivery worker's wake-up.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portico_store::secrets::{new_webhook_secret, SecretBox};
use portico_store::{
    DeliveryStore, NewOutboundWebhook, NewUser, NewWebhook, OutboundWebhookStore, UserStore,
    WebhookStore,
};
use portico_store_postgres::testing::{fresh_database, test_server_url, TEST_URL_VAR};
use portico_store_postgres::{Change, PgOptions, PgStore};

/// A fresh database's URL; fails without a test server.
async fn database() -> String {
    let server = test_server_url()
        .unwrap_or_else(|| panic!("{TEST_URL_VAR} is not set: start a server with .ci/postgres"));
    fresh_database(&server).await
}

/// Waits up to a second for `done`.
async fn within_a_second(done: impl Fn() -> bool) -> bool {
    for _ in 0..100 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    done()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_start_together_and_hear_each_others_commits() {
    let url = database().await;
    let (a, b) = tokio::join!(
        PgStore::connect(&url, PgOptions::default()),
        PgStore::connect(&url, PgOptions::default())
    );
    let (a, b) = (a.expect("node a"), b.expect("node b"));

    let changes = Arc::new(Mutex::new(Vec::new()));
    let seen = changes.clone();
    b.on_change(Arc::new(move |change| {
        seen.lock().expect("lock").push(change)
    }));
    let wakes = Arc::new(AtomicUsize::new(0));
    let woken = wakes.clone();
    b.on_deliveries_due(Arc::new(move || {
        woken.fetch_add(1, Ordering::SeqCst);
    }));
    // Let the listeners subscribe before the writes.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let admin = a
        .insert_user(NewUser {
            login: "admin".into(),
            name: "Admin".into(),
            last_name: String::new(),
            email: String::new(),
            is_admin: true,
            password_hash: "x".into(),
            date_register: 1_700_000_000,
        })
        .await
        .expect("user");
    let secrets = SecretBox::new(&SecretBox::generate_master());
    let secret = new_webhook_secret();
    let hook = a
        .insert_webhook(NewWebhook {
            user_id: admin,
            name: "n".into(),
            scopes: vec!["crm".into()],
            secret_hash: secrets.lookup_hash(&secret),
            secret_encrypted: secrets.encrypt(&secret),
            expires_at: None,
            created_at: 1_700_000_000,
        })
        .await
        .expect("webhook");
    assert!(
        within_a_second(|| changes.lock().expect("lock").contains(&Change::Auth)).await,
        "node b heard nothing of node a's webhook"
    );
    changes.lock().expect("lock").clear();
    assert!(a.delete_webhook(hook).await.expect("delete"));
    assert!(
        within_a_second(|| changes.lock().expect("lock").contains(&Change::Auth)).await,
        "node b heard nothing of the deletion"
    );
    assert!(
        b.webhook_by_hash(&secrets.lookup_hash(&secret))
            .await
            .expect("lookup")
            .is_none(),
        "node b still finds the deleted webhook"
    );

    // A test event queued on node a wakes node b's delivery worker.
    let outbound = a
        .insert_outbound_webhook(NewOutboundWebhook {
            user_id: admin,
            name: "handler".into(),
            handler_url: "https://handler.example/hook".into(),
            events: vec!["ONCRMLEADADD".into()],
            application_token_sealed: secrets.encrypt("token"),
            signing_secret_sealed: secrets.encrypt("whsec"),
            single_attempt: false,
            created_at: 1_700_000_000,
        })
        .await
        .expect("outbound webhook");
    let before = wakes.load(Ordering::SeqCst);
    let queued = a
        .queue_test_event(outbound, Some(admin), 1_700_000_000)
        .await
        .expect("test event");
    assert!(queued.is_some());
    assert!(
        within_a_second(|| wakes.load(Ordering::SeqCst) > before).await,
        "node b's delivery worker was not woken"
    );
    let claimed = b
        .claim_deliveries(1_700_000_001, 60, 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1, "node b claims what node a queued");
    assert!(
        a.claim_deliveries(1_700_000_001, 60, 10)
            .await
            .expect("claim")
            .is_empty(),
        "a leased delivery is not claimed twice"
    );
}
