//! Local applications and OAuth grants: creation with a unique `client_id`,
//! settings, installation, codes that work once and only before they expire
//! and only for their application, access tokens found by hash with their
//! user, refresh tokens that renew once, and revocation. Runs after the users
//! story (alice is user 1).

use crate::apps::{AppChange, NewApp, NewGrant};
use crate::error::StoreError;
use crate::Store;

/// A new application created by user 1.
fn new_app(client_id: &str) -> NewApp {
    NewApp {
        client_id: client_id.to_owned(),
        name: "Sync".to_owned(),
        handler_url: "https://app.example.com/".to_owned(),
        install_url: Some("https://app.example.com/install".to_owned()),
        script_only: true,
        menu_texts: vec![("en".to_owned(), "Sync".to_owned())],
        scopes: vec!["crm".to_owned(), "user".to_owned()],
        secret_hash: format!("secret {client_id}").into_bytes(),
        secret_sealed: b"sealed secret".to_vec(),
        application_token_sealed: b"sealed token".to_vec(),
        created_by: 1,
        created_at: 1_700_000_000,
    }
}

/// A grant of `app_id` for `user_id` whose tokens are named after `tag`.
fn grant(app_id: i64, user_id: i64, tag: &str, at: i64) -> NewGrant {
    NewGrant {
        app_id,
        user_id,
        access_hash: format!("access {tag}").into_bytes(),
        access_expires_at: at + 3_600,
        refresh_hash: format!("refresh {tag}").into_bytes(),
        refresh_expires_at: at + 86_400,
        issued_at: at,
    }
}

/// The story.
pub(super) async fn story(store: &dyn Store) {
    let id = store
        .insert_app(new_app("local.0123456789abcd.12345678"))
        .await
        .expect("insert app");
    match store
        .insert_app(new_app("local.0123456789abcd.12345678"))
        .await
    {
        Err(StoreError::Conflict(name)) => assert_eq!(name, "apps_client_id"),
        other => panic!("a taken client_id is a conflict, got {other:?}"),
    }
    let other = store
        .insert_app(new_app("local.ffffffffffffff.87654321"))
        .await
        .expect("second app");
    let app = store.app_by_id(id).await.expect("get").expect("app");
    assert_eq!(app.scopes, ["crm", "user"]);
    assert_eq!(app.menu_texts, [("en".to_owned(), "Sync".to_owned())]);
    assert_eq!((app.installed_at, app.version), (None, 1));
    assert_eq!(
        store
            .app_by_client_id("local.0123456789abcd.12345678")
            .await
            .expect("by client id"),
        Some(app.clone())
    );
    assert_eq!(
        store
            .app_by_client_id("LOCAL.0123456789ABCD.12345678")
            .await
            .expect("exact"),
        None
    );
    assert!(store
        .update_app(
            id,
            AppChange {
                name: "Sync 2".to_owned(),
                handler_url: "https://app.example.com/v2".to_owned(),
                install_url: None,
                script_only: false,
                menu_texts: vec![("br".to_owned(), "Sincronizar".to_owned())],
                scopes: vec!["crm".to_owned()],
            },
        )
        .await
        .expect("update"));
    let app = store.app_by_id(id).await.expect("get").expect("app");
    assert_eq!(
        (
            app.name.as_str(),
            app.install_url.as_deref(),
            app.script_only
        ),
        ("Sync 2", None, false)
    );
    assert_eq!(app.scopes, ["crm"]);
    assert!(store
        .set_app_installed(id, 1_700_000_100)
        .await
        .expect("installed"));
    assert!(store
        .set_app_installed(id, 1_700_000_200)
        .await
        .expect("again"));
    let app = store.app_by_id(id).await.expect("get").expect("app");
    assert_eq!(
        app.installed_at,
        Some(1_700_000_100),
        "the first instant stays"
    );
    assert_eq!(store.list_apps().await.expect("list").len(), 2);

    // Codes: once, before they expire, for their application only.
    let now = 1_700_001_000;
    for code in ["code a", "code b", "code c"] {
        store
            .insert_auth_code(code.as_bytes().to_vec(), id, 1, now + 30)
            .await
            .expect("code");
    }
    let redeem = |code: &'static str, app: i64, at: i64, tag: &'static str| async move {
        store
            .redeem_auth_code(
                code.as_bytes().to_vec(),
                app,
                at,
                Box::new(move |user| grant(app, user, tag, at)),
            )
            .await
            .expect("redeem code")
    };
    assert_eq!(redeem("code a", id, now, "a").await, Some(1));
    assert_eq!(redeem("code a", id, now, "a2").await, None, "spent");
    assert_eq!(
        redeem("code b", other, now, "b").await,
        None,
        "another application's"
    );
    assert_eq!(
        redeem("code b", id, now, "b2").await,
        None,
        "spent by the foreign try"
    );
    assert_eq!(redeem("code c", id, now + 30, "c").await, None, "expired");
    assert_eq!(redeem("code z", id, now, "z").await, None, "unknown");

    // Access tokens find their application and user, expired or not.
    let found = store
        .grant_by_access_hash(b"access a")
        .await
        .expect("lookup")
        .expect("grant a");
    assert_eq!(
        (found.app.id, found.user.id, found.expires_at),
        (id, 1, now + 3_600)
    );
    assert_eq!(
        store
            .grant_by_access_hash(b"access a2")
            .await
            .expect("lookup"),
        None
    );

    // Refresh tokens renew once; the old access token keeps working until it expires.
    let refresh = |token: &'static str, app: i64, at: i64, tag: &'static str| async move {
        store
            .redeem_refresh_token(
                token.as_bytes().to_vec(),
                app,
                at,
                Box::new(move |user| grant(app, user, tag, at)),
            )
            .await
            .expect("refresh")
    };
    assert_eq!(
        refresh("refresh a", other, now + 10, "x").await,
        None,
        "another application's"
    );
    assert_eq!(refresh("refresh a", id, now + 10, "r1").await, Some(1));
    assert_eq!(
        refresh("refresh a", id, now + 11, "r2").await,
        None,
        "used once"
    );
    assert!(store
        .grant_by_access_hash(b"access a")
        .await
        .expect("lookup")
        .is_some());
    assert!(store
        .grant_by_access_hash(b"access r1")
        .await
        .expect("lookup")
        .is_some());
    assert_eq!(
        store
            .grant_by_access_hash(b"access r2")
            .await
            .expect("lookup"),
        None
    );
    assert_eq!(
        refresh("refresh r1", id, now + 10 + 86_400, "late").await,
        None,
        "expired"
    );

    // Options: the application's own and each user's, replaced by name.
    use serde_json::json;
    store
        .set_app_options(
            id,
            0,
            vec![("b".into(), json!("1")), ("a".into(), json!({"x": [1, 2]}))],
        )
        .await
        .expect("app options");
    store
        .set_app_options(id, 0, vec![("b".into(), json!("2"))])
        .await
        .expect("replace");
    store
        .set_app_options(id, 1, vec![("b".into(), json!("mine"))])
        .await
        .expect("user options");
    assert_eq!(
        store.app_options(id, 0).await.expect("read"),
        vec![
            ("a".to_owned(), json!({"x": [1, 2]})),
            ("b".to_owned(), json!("2"))
        ]
    );
    assert_eq!(
        store.app_options(id, 1).await.expect("read"),
        vec![("b".to_owned(), json!("mine"))]
    );
    assert!(store.app_options(other, 0).await.expect("read").is_empty());

    // Reinstalling revokes the tokens and raises the version; deleting removes all.
    store
        .insert_grant(grant(other, 1, "other", now))
        .await
        .expect("grant of the other app");
    assert!(store.reset_app_installation(id).await.expect("reset"));
    let app = store.app_by_id(id).await.expect("get").expect("app");
    assert_eq!((app.installed_at, app.version), (None, 2));
    assert_eq!(
        store
            .grant_by_access_hash(b"access r1")
            .await
            .expect("lookup"),
        None
    );
    assert!(store
        .grant_by_access_hash(b"access other")
        .await
        .expect("lookup")
        .is_some());
    store.revoke_app_tokens(other).await.expect("revoke");
    assert_eq!(
        store
            .grant_by_access_hash(b"access other")
            .await
            .expect("lookup"),
        None
    );
    assert!(store.delete_app(other).await.expect("delete"));
    assert!(!store.delete_app(other).await.expect("delete again"));
    assert!(store.delete_app(id).await.expect("delete"));
    assert!(store.list_apps().await.expect("list").is_empty());
    assert!(
        store.app_options(id, 0).await.expect("read").is_empty(),
        "options go with the app"
    );
    assert!(!store
        .update_app(
            id,
            AppChange {
                name: String::new(),
                handler_url: String::new(),
                install_url: None,
                script_only: true,
                menu_texts: Vec::new(),
                scopes: Vec::new(),
            }
        )
        .await
        .expect("update gone"));
}
