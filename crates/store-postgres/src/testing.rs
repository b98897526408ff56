//! Throw-away databases for tests: each test gets a database of its own on the
//! server that `PORTICO_TEST_POSTGRES_URL` names (an account allowed to create
//! databases), so tests run in parallel without seeing each other's rows.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio_postgres::NoTls;

/// The variable naming the test server.
pub const TEST_URL_VAR: &str = "PORTICO_TEST_POSTGRES_URL";

/// The test server's URL from [`TEST_URL_VAR`], or `None` when it is not set.
pub fn test_server_url() -> Option<String> {
    std::env::var(TEST_URL_VAR).ok().filter(|u| !u.is_empty())
}

/// Creates an empty database with a fresh name on the server at `server_url`
/// and returns the URL that reaches it (the same URL with the database name
/// replaced). Panics when the server cannot be reached: a test that asked for
/// PostgreSQL must not pass without it.
pub async fn fresh_database(server_url: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!(
        "portico_test_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let (client, connection) = tokio_postgres::connect(server_url, NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the PostgreSQL test server: {e}"));
    let driver = tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
    drop(client);
    let _ = driver.await;
    with_database(server_url, &name)
}

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}
