//! The shared conformance suite against a fresh PostgreSQL database on the test
//! server that `PORTICO_TEST_POSTGRES_URL` names (`.ci/postgres` starts one).
//! `PORTICO_CONFORMANCE_STORIES=users,webhooks` runs only the named stories, in
//! order, for work on one area.

use portico_store_postgres::testing::{fresh_database, test_server_url, TEST_URL_VAR};
use portico_store_postgres::{PgOptions, PgStore};

/// A store on a fresh database; panics (the test fails) without a test server.
async fn fresh() -> PgStore {
    let server = test_server_url().unwrap_or_else(|| {
        panic!("{TEST_URL_VAR} is not set: start a test server with .ci/postgres and export it")
    });
    PgStore::connect(&fresh_database(&server).await, PgOptions::default())
        .await
        .expect("connect")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance() {
    let store = fresh().await;
    match std::env::var("PORTICO_CONFORMANCE_STORIES") {
        Ok(names) if !names.is_empty() => {
            for name in names.split(',') {
                assert!(
                    portico_store::conformance::run_story(&store, name).await,
                    "no story {name}"
                );
            }
        }
        _ => portico_store::conformance::run_all(&store).await,
    }
}
