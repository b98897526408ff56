//! A code or refresh token presented to two nodes at once buys one grant.

use portico_store::apps::{AppStore, NewApp, NewGrant};
use portico_store::users::{NewUser, UserStore};

use crate::testing::{fresh_database, test_server_url, TEST_URL_VAR};
use crate::{PgOptions, PgStore};

/// A test step's outcome.
type TestResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// How many times each node presents the token.
const TRIES: usize = 4;

/// Two stores (nodes) on one fresh database with one application of one
/// user; the application's id and the user's.
async fn two_nodes_with_app() -> TestResult<(PgStore, PgStore, i64, i64)> {
    let server = test_server_url().ok_or(format!("{TEST_URL_VAR} is not set"))?;
    let url = fresh_database(&server).await;
    let first = PgStore::connect(&url, PgOptions::default()).await?;
    let second = PgStore::connect(&url, PgOptions::default()).await?;
    let user = first
        .insert_user(NewUser {
            login: "oauth-user".to_owned(),
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
            client_id: "local.oauth000000000.00000001".to_owned(),
            name: "oauth".to_owned(),
            handler_url: "https://app.example.com/".to_owned(),
            install_url: None,
            script_only: false,
            menu_texts: Vec::new(),
            scopes: Vec::new(),
            secret_hash: b"hash".to_vec(),
            secret_sealed: b"secret".to_vec(),
            application_token_sealed: b"token".to_vec(),
            created_by: user,
            created_at: 0,
        })
        .await?;
    Ok((first, second, app_id, user))
}

/// A grant of `app_id` for `user_id` whose tokens are named after `tag`.
fn grant(app_id: i64, user_id: i64, tag: &str) -> NewGrant {
    NewGrant {
        app_id,
        user_id,
        access_hash: format!("access {tag}").into_bytes(),
        access_expires_at: 2_000,
        refresh_hash: format!("refresh {tag}").into_bytes(),
        refresh_expires_at: 3_000,
        issued_at: 1_000,
    }
}

/// Runs `TRIES` redemptions per node at once; how many succeeded.
async fn redeem_everywhere(
    first: &PgStore,
    second: &PgStore,
    app_id: i64,
    code: bool,
) -> TestResult<usize> {
    let mut tasks = Vec::new();
    for attempt in 0..TRIES * 2 {
        let store = if attempt % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let tag = format!("{}-{attempt}", if code { "code" } else { "refresh" });
        tasks.push(tokio::spawn(async move {
            let make = Box::new(move |user| grant(app_id, user, &tag));
            if code {
                store
                    .redeem_auth_code(b"the code".to_vec(), app_id, 1_000, make)
                    .await
            } else {
                store
                    .redeem_refresh_token(b"refresh first".to_vec(), app_id, 1_000, make)
                    .await
            }
        }));
    }
    let mut renewed = 0;
    for task in tasks {
        if task.await??.is_some() {
            renewed += 1;
        }
    }
    Ok(renewed)
}

/// A code, then a refresh token, each presented by both nodes at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_or_refresh_token_works_once_across_nodes() -> TestResult<()> {
    let (first, second, app_id, user) = two_nodes_with_app().await?;
    first
        .insert_auth_code(b"the code".to_vec(), app_id, user, 1_500)
        .await?;
    assert_eq!(redeem_everywhere(&first, &second, app_id, true).await?, 1);
    first.insert_grant(grant(app_id, user, "first")).await?;
    assert_eq!(redeem_everywhere(&first, &second, app_id, false).await?, 1);
    let client = first
        .client()
        .await
        .map_err(portico_store::StoreError::from)?;
    let grants: i64 = client
        .query_one("SELECT COUNT(*) FROM oauth_grants", &[])
        .await?
        .try_get(0)?;
    assert_eq!(grants, 3, "the code's grant, the first one and its renewal");
    Ok(())
}
