//! Two nodes taking from one offline queue at once get disjoint rows, and
//! together every row, whether they reserve or delete them.

use std::collections::HashSet;

use portico_store::app_events::AppEventStore;
use portico_store::apps::{AppStore, NewApp};
use portico_store::offline_events::{OfflineEventStore, OfflineField, OfflineQuery, OfflineTake};
use portico_store::users::{NewUser, UserStore};

use crate::testing::{fresh_database, test_server_url, TEST_URL_VAR};
use crate::{PgOptions, PgStore};

/// A test step's outcome.
type TestResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Rows queued for the test.
const ROWS: i64 = 120;

/// Two stores (nodes) on one fresh database with an installed application
/// whose `''` queue holds [`ROWS`] unreserved rows; and the application's id.
async fn two_nodes_with_queue() -> TestResult<(PgStore, PgStore, i64)> {
    let server = test_server_url().ok_or(format!("{TEST_URL_VAR} is not set"))?;
    let url = fresh_database(&server).await;
    let first = PgStore::connect(&url, PgOptions::default()).await?;
    let second = PgStore::connect(&url, PgOptions::default()).await?;
    let admin = first
        .insert_user(NewUser {
            login: "queue-admin".to_owned(),
            name: String::new(),
            last_name: String::new(),
            email: String::new(),
            is_admin: true,
            password_hash: String::new(),
            date_register: 0,
        })
        .await?;
    let app_id = first
        .insert_app(NewApp {
            client_id: "local.queue000000000.00000001".to_owned(),
            name: "queue".to_owned(),
            handler_url: "https://app.example.com/".to_owned(),
            install_url: None,
            script_only: true,
            menu_texts: Vec::new(),
            scopes: Vec::new(),
            secret_hash: b"hash".to_vec(),
            secret_sealed: b"secret".to_vec(),
            application_token_sealed: b"token".to_vec(),
            created_by: admin,
            created_at: 0,
        })
        .await?;
    assert!(first.install_app(app_id, 1, None).await?);
    let client = first
        .client()
        .await
        .map_err(portico_store::StoreError::from)?;
    client
        .execute(
            "INSERT INTO app_offline_events (app_id, event_name, entity, entity_id, message_id, \
             timestamp_x, data) SELECT $1, 'ONCRMLEADUPDATE', 'LEAD', n, md5(n::text), n, '{}' \
             FROM generate_series(1, $2::bigint) AS n",
            &[&app_id, &ROWS],
        )
        .await?;
    Ok((first, second, app_id))
}

/// The whole `''` queue of `app_id`, by id.
fn queue(app_id: i64) -> OfflineQuery {
    OfflineQuery {
        app_id,
        connector: String::new(),
        conditions: Vec::new(),
        order: vec![(OfflineField::Id, false)],
        with_errors: false,
    }
}

/// Takes from `store` in batches of 7 until the queue is empty; the ids taken.
async fn drain(
    store: PgStore,
    app_id: i64,
    node: &'static str,
    reserve: bool,
) -> TestResult<Vec<i64>> {
    let mut taken = Vec::new();
    for batch in 0.. {
        let how = if reserve {
            OfflineTake::Reserve(format!("{node}-{batch}"))
        } else {
            OfflineTake::Delete
        };
        let rows = store.take_offline_events(queue(app_id), 7, how).await?;
        if rows.is_empty() {
            break;
        }
        taken.extend(rows.iter().map(|r| r.id));
    }
    Ok(taken)
}

/// Runs two drains at once (two tasks per node) and checks they split the queue.
async fn check_disjoint(reserve: bool) -> TestResult<()> {
    let (first, second, app_id) = two_nodes_with_queue().await?;
    let tasks = [
        tokio::spawn(drain(first.clone(), app_id, "a", reserve)),
        tokio::spawn(drain(first, app_id, "b", reserve)),
        tokio::spawn(drain(second.clone(), app_id, "c", reserve)),
        tokio::spawn(drain(second, app_id, "d", reserve)),
    ];
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    let distinct: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(distinct.len(), all.len(), "a row was taken twice");
    assert_eq!(i64::try_from(all.len())?, ROWS, "a row was missed");
    Ok(())
}

/// Reserving from both nodes at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_reserve_disjoint_rows() -> TestResult<()> {
    check_disjoint(true).await
}

/// Deleting from both nodes at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_delete_disjoint_rows() -> TestResult<()> {
    check_disjoint(false).await
}
