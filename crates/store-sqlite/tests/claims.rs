//! Delivery claims across processes: two stores opened on one database file
//! (as two `portico serve` processes sharing it) claim concurrently and never
//! get the same delivery while its lease holds.

use std::collections::HashSet;

use portico_store::crm::LEAD;
use portico_store::{
    DeliveryStore, EventStamp, FieldValue, NewOutboundWebhook, NewUser, OutboundWebhookStore,
    RecordStore, RecordWrite, UserStore,
};
use portico_store_sqlite::{SqliteOptions, SqliteStore};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stores_on_one_file_never_claim_the_same_delivery() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("portico.db");
    let a = SqliteStore::open(&path, SqliteOptions::default()).expect("open a");
    let b = SqliteStore::open(&path, SqliteOptions::default()).expect("open b");
    let owner = a
        .insert_user(NewUser {
            login: "owner".into(),
            name: "O".into(),
            last_name: "W".into(),
            email: String::new(),
            is_admin: false,
            password_hash: "h".into(),
            date_register: 0,
        })
        .await
        .expect("user");
    a.insert_outbound_webhook(NewOutboundWebhook {
        user_id: owner,
        name: "q".into(),
        handler_url: "https://example.com/".into(),
        events: vec!["ONCRMLEADADD".into()],
        application_token_sealed: vec![1],
        signing_secret_sealed: vec![2],
        single_attempt: false,
        created_at: 0,
    })
    .await
    .expect("webhook");
    let title = LEAD.index_of("TITLE").expect("TITLE");
    const LEADS: usize = 60;
    for i in 0..LEADS {
        a.insert_record(
            &LEAD,
            RecordWrite {
                values: vec![(title, FieldValue::Text(format!("lead {i}")))],
                event: Some(EventStamp {
                    at: 100,
                    user_id: Some(owner),
                    auth_connector: None,
                }),
                ..RecordWrite::default()
            },
        )
        .await
        .expect("lead");
    }

    let claimer = |store: SqliteStore| {
        tokio::spawn(async move {
            let mut got = Vec::new();
            // Bounded: a claim that handed out leased rows again would loop forever.
            for _ in 0..LEADS {
                let batch = store.claim_deliveries(200, 60, 4).await.expect("claim");
                if batch.is_empty() {
                    return got;
                }
                got.extend(batch.into_iter().map(|c| c.delivery_id));
            }
            got
        })
    };
    let (from_a, from_b) = tokio::join!(claimer(a.clone()), claimer(b.clone()));
    let (from_a, from_b) = (from_a.expect("a"), from_b.expect("b"));
    let all: Vec<i64> = from_a.iter().chain(&from_b).copied().collect();
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), LEADS, "a: {from_a:?}, b: {from_b:?}");
    assert_eq!(unique.len(), LEADS);
    // Once the leases run out, the other process may take them over.
    assert_eq!(
        b.claim_deliveries(261, 60, 100)
            .await
            .expect("reclaim")
            .len(),
        LEADS
    );
}
