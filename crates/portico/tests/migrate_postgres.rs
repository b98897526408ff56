//! `portico migrate --to postgres://…`: a stopped SQLite portal with 100,000
//! leads, webhooks and an application is copied into an empty PostgreSQL
//! database (the test server that `PORTICO_TEST_POSTGRES_URL` names); served
//! from PostgreSQL, the same webhook URLs give the same answers, byte for byte
//! apart from `time`, the application's secret is still accepted, and a second
//! copy into the now non-empty database is refused.

use std::time::Instant;

use portico_store::crm::LEAD;
use portico_store::{FieldValue, RecordStore, RecordWrite};
use portico_store_postgres::testing::{fresh_database, test_server_url, TEST_URL_VAR};
use portico_store_sqlite::{SqliteOptions, SqliteStore};
use serde_json::{json, Value};

mod common;

use common::{add_webhook, fails, ok, printed, Server};

/// Leads in the portal that is copied.
const LEADS: usize = 100_000;

/// Inserts `LEADS` leads straight into the stopped portal's database.
async fn seed_leads(data: &std::path::Path) {
    let store = SqliteStore::open(&data.join("portico.sqlite3"), SqliteOptions::default())
        .expect("open the database");
    let title = LEAD.index_of("TITLE").expect("TITLE");
    let opportunity = LEAD.index_of("OPPORTUNITY").expect("OPPORTUNITY");
    let status = LEAD.index_of("STATUS_ID").expect("STATUS_ID");
    for chunk in 0..LEADS / 1_000 {
        let writes: Vec<_> = (0..1_000)
            .map(|i| {
                let n = chunk * 1_000 + i;
                let store = store.clone();
                tokio::spawn(async move {
                    let values = vec![
                        (title, FieldValue::Text(format!("Lead {n}"))),
                        (opportunity, FieldValue::Float((n % 997) as f64 * 10.5)),
                        (
                            status,
                            FieldValue::Text(if n % 3 == 0 { "NEW" } else { "IN_PROCESS" }.into()),
                        ),
                    ];
                    store
                        .insert_record(&LEAD, RecordWrite::values(values))
                        .await
                })
            })
            .collect();
        for write in writes {
            write.await.expect("task").expect("insert");
        }
    }
    store.close();
}

/// The answer to `GET url` with its `time` block removed, as text.
async fn answer(client: &reqwest::Client, url: &str) -> (u16, String) {
    let r = client.get(url).send().await.expect("answer");
    let status = r.status().as_u16();
    let mut body: Value = r.json().await.expect("JSON");
    body.as_object_mut().map(|o| o.remove("time"));
    (status, body.to_string())
}

/// The OAuth answer to a refresh with the application's credentials and an
/// unknown refresh token: `invalid_grant` when the secret is accepted.
async fn refresh_answer(client: &reqwest::Client, base: &str, id: &str, secret: &str) -> Value {
    client
        .post(format!("{base}/oauth/token/"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", id),
            ("client_secret", secret),
            ("refresh_token", "no-such-token"),
        ])
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_portal_moves_to_postgres_and_its_webhook_urls_keep_answering() {
    let server_url = test_server_url()
        .unwrap_or_else(|| panic!("{TEST_URL_VAR} is not set: start a server with .ci/postgres"));
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    Server::start(&data, &[]).stop();
    let started = Instant::now();
    seed_leads(&data).await;
    println!("seeded {LEADS} leads in {:?}", started.elapsed());
    let hook = add_webhook(&data, &["--user", "admin", "--scope", "crm,user"]);
    let app = ok(
        &data,
        &[
            "app",
            "add",
            "--name",
            "Sync",
            "--handler",
            "https://app.example/handler",
            "--scope",
            "crm",
            "--script-only",
        ],
    );
    let (client_id, client_secret) = (printed(&app, "client_id"), printed(&app, "client_secret"));
    let path = format!("/rest/{}", hook.split("/rest/").nth(1).expect("a REST URL"));
    let client = reqwest::Client::new();
    let queries = [
        "crm.lead.list?start=50000&order%5BID%5D=DESC&filter%5BSTATUS_ID%5D=NEW&select%5B%5D=*",
        "crm.lead.get?id=77777",
        "crm.lead.list?filter%5B%25TITLE%5D=ead%209999&select%5B%5D=ID&select%5B%5D=TITLE",
        "user.current",
    ];

    let sqlite = Server::start(&data, &[]);
    let mut before = Vec::new();
    for query in queries {
        before.push(answer(&client, &format!("{}{path}{query}", sqlite.base)).await);
    }
    let refresh_before = refresh_answer(&client, &sqlite.base, &client_id, &client_secret).await;
    let apps_before = ok(&data, &["app", "list"]);
    sqlite.stop();
    assert!(
        before.iter().all(|(status, _)| *status == 200),
        "{before:?}"
    );

    let url = fresh_database(&server_url).await;
    let started = Instant::now();
    let moved = ok(&data, &["migrate", "--to", &url]);
    println!("migrated in {:?}: {moved}", started.elapsed());
    assert!(moved.contains(&format!("crm_leads: {LEADS}")), "{moved}");
    assert!(moved.contains("every table's row count checked"), "{moved}");

    let postgres = Server::start(&data, &["--database-url", &url]);
    for (query, expected) in queries.iter().zip(&before) {
        let got = answer(&client, &format!("{}{path}{query}", postgres.base)).await;
        assert_eq!(&got, expected, "{query}");
    }
    let refresh_after = refresh_answer(&client, &postgres.base, &client_id, &client_secret).await;
    assert_eq!(refresh_after, refresh_before);
    assert_eq!(
        refresh_after["error"],
        json!("invalid_grant"),
        "{refresh_after}"
    );
    assert_eq!(
        ok(&data, &["--database-url", &url, "app", "list"]),
        apps_before
    );
    // New rows continue after the copied ids.
    let added: Value = client
        .post(format!("{}{path}crm.lead.add.json", postgres.base))
        .json(&json!({"fields": {"TITLE": "after the move"}}))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(added["result"], json!(LEADS + 1), "{added}");
    postgres.stop();

    let refused = fails(&data, &["migrate", "--to", &url]);
    assert!(refused.contains("already holds a portal"), "{refused}");
}
