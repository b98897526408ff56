//! Applications' event handlers over REST: `event.bind` / `event.unbind` /
//! `event.get` / `events` / `event.test` with an application's token, the
//! refusals of Bitrix24 (webhooks, unknown events, duplicates, private
//! handler addresses, administrators-only uses), and what gets queued: record
//! events only for installed applications, application events only for their
//! own application.

use portico_methods::apps::{create, AppDraft, Credentials};
use portico_store::apps::NewGrant;
use portico_store::secrets::new_oauth_token;
use portico_store::ClaimedDelivery;
use serde_json::{json, Value};

use crate::common::{assert_error, Reply, TestApp};

/// Creates an application with `crm` as the administrator.
pub(crate) async fn new_app(app: &TestApp, script_only: bool) -> Credentials {
    let draft = AppDraft {
        name: "Events".into(),
        handler_url: "https://app.example.com/handler".into(),
        install_url: None,
        script_only,
        menu_texts: vec![("en".into(), "Events".into())],
        scopes: vec!["crm".into()],
    };
    create(app.store.as_ref(), &app.secrets, draft, 1, 1_700_000_000)
        .await
        .expect("create app")
}

/// A fresh access token of application `app_id` for `user_id`.
pub(crate) async fn token(app: &TestApp, app_id: i64, user_id: i64) -> String {
    let token = new_oauth_token();
    app.store
        .insert_grant(NewGrant {
            app_id,
            user_id,
            access_hash: app.secrets.lookup_hash(&token),
            access_expires_at: i64::MAX / 2,
            refresh_hash: app.secrets.lookup_hash(&new_oauth_token()),
            refresh_expires_at: i64::MAX / 2,
            issued_at: 1_700_000_000,
        })
        .await
        .expect("grant");
    token
}

/// Calls `method` with `auth=token` in a JSON body.
pub(crate) async fn call(app: &TestApp, token: &str, method: &str, mut body: Value) -> Reply {
    body["auth"] = json!(token);
    app.call_on(&format!("{}/rest/", app.base), method, body)
        .await
}

/// `result` of a successful call.
pub(crate) async fn ok(app: &TestApp, token: &str, method: &str, body: Value) -> Value {
    let r = call(app, token, method, body).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()["result"].clone()
}

/// `(event code, handler URL, data)` of every due delivery.
pub(crate) async fn queued(app: &TestApp) -> Vec<(String, String, Value)> {
    let claimed: Vec<ClaimedDelivery> = app
        .store
        .claim_deliveries(4_000_000_000, 60, 100)
        .await
        .expect("claim");
    let mut list: Vec<_> = claimed
        .into_iter()
        .map(|c| (c.event.code, c.webhook.handler_url, c.event.data))
        .collect();
    list.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    list
}

#[tokio::test]
async fn an_application_binds_lists_and_unbinds_its_handlers() {
    let app = TestApp::start().await;
    let creds = new_app(&app, true).await;
    let admin = token(&app, creds.id, 1).await;
    let leads = json!({"event": "onCrmLeadAdd", "handler": "https://app.example.com/leads"});

    assert_eq!(
        ok(&app, &admin, "event.bind", leads.clone()).await,
        json!(true)
    );
    let again = call(&app, &admin, "event.bind", leads.clone()).await;
    assert_error(&again, 400, "ERROR_CORE", "Handler already binded");
    let unknown = call(
        &app,
        &admin,
        "event.bind",
        json!({"event": "ONSOMETHINGELSE", "handler": "https://app.example.com/x"}),
    )
    .await;
    assert_error(&unknown, 400, "ERROR_EVENT_NOT_FOUND", "Event not found");
    let private = call(
        &app,
        &admin,
        "event.bind",
        json!({"event": "ONCRMLEADADD", "handler": "http://127.0.0.1:9/"}),
    )
    .await;
    assert_eq!(private.status, 400, "{}", private.text);
    assert_eq!(private.json()["error"], "ERROR_ARGUMENT");
    ok(
        &app,
        &admin,
        "event.bind",
        json!({"event": "ONAPPTEST", "handler": "https://app.example.com/test", "auth_type": 1}),
    )
    .await;

    assert_eq!(
        ok(&app, &admin, "event.get", json!({})).await,
        json!([
            {"event": "ONCRMLEADADD", "handler": "https://app.example.com/leads", "auth_type": "0", "offline": 0},
            {"event": "ONAPPTEST", "handler": "https://app.example.com/test", "auth_type": "1", "offline": 0},
        ])
    );
    // The Integrations list shows administrators the events the application listens to.
    let ui = app.sign_in_as(1).await;
    let list = ui.get("/developer/integrations").await;
    let row_at = list
        .body
        .find(&format!("data-app-id=\"{}\"", creds.id))
        .expect("the application's row");
    let row = &list.body[row_at..row_at + list.body[row_at..].find("</tr>").expect("row end")];
    assert!(
        row.contains("<td data-column=\"events\">ONAPPTEST, ONCRMLEADADD</td>"),
        "{row}"
    );
    let codes = ok(&app, &admin, "events", json!({})).await;
    let codes: Vec<&str> = codes
        .as_array()
        .expect("list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(codes.contains(&"ONAPPINSTALL") && codes.contains(&"ONCRMDEALUPDATE"));
    assert!(!codes.contains(&"ONTASKADD"), "not of the app's scopes");
    let tasks = ok(&app, &admin, "events", json!({"SCOPE": "task"})).await;
    assert!(tasks
        .as_array()
        .expect("list")
        .contains(&json!("ONTASKADD")));

    assert_eq!(
        ok(
            &app,
            &admin,
            "event.unbind",
            json!({"event": "ONCRMLEADADD", "handler": "https://app.example.com/leads"})
        )
        .await,
        json!({"count": 1})
    );
    assert_eq!(
        ok(
            &app,
            &admin,
            "event.unbind",
            json!({"event": "ONCRMLEADADD"})
        )
        .await,
        json!({"count": 0})
    );
    assert_eq!(
        ok(&app, &admin, "event.get", json!({}))
            .await
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    // A webhook is refused: these methods are for applications.
    for method in ["event.bind", "event.unbind", "event.get", "event.test"] {
        let r = app.call(method, leads.clone()).await;
        assert_error(
            &r,
            403,
            "WRONG_AUTH_TYPE",
            "Current authorization type is denied for this method",
        );
    }
}

#[tokio::test]
async fn a_non_administrator_binds_only_for_themselves_and_sees_only_their_own() {
    let app = TestApp::start().await;
    let bob_id = app.add_user("bob", false).await;
    let creds = new_app(&app, true).await;
    let admin = token(&app, creds.id, 1).await;
    let bob = token(&app, creds.id, bob_id).await;

    let for_admin = call(
        &app,
        &bob,
        "event.bind",
        json!({"event": "ONCRMLEADADD", "handler": "https://app.example.com/h", "auth_type": 1}),
    )
    .await;
    assert_error(
        &for_admin,
        403,
        "ACCESS_DENIED",
        "Access denied! Event binding with AUTH_TYPE requires administrator access rights",
    );
    let offline = call(
        &app,
        &bob,
        "event.bind",
        json!({"event": "ONCRMLEADADD", "event_type": "offline"}),
    )
    .await;
    assert_error(
        &offline,
        403,
        "ACCESS_DENIED",
        "Access denied! Offline events binding requires administrator access rights",
    );
    ok(
        &app,
        &bob,
        "event.bind",
        json!({"event": "ONCRMLEADADD", "handler": "https://app.example.com/bob", "auth_type": bob_id}),
    )
    .await;
    ok(
        &app,
        &admin,
        "event.bind",
        json!({"event": "ONCRMLEADADD", "handler": "https://app.example.com/admin"}),
    )
    .await;

    let bobs = ok(&app, &bob, "event.get", json!({})).await;
    assert_eq!(
        bobs,
        json!([{"event": "ONCRMLEADADD", "handler": "https://app.example.com/bob", "auth_type": bob_id.to_string(), "offline": 0}])
    );
    assert_eq!(
        ok(&app, &admin, "event.get", json!({}))
            .await
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    // Bob's unbind removes only his own binding.
    assert_eq!(
        ok(&app, &bob, "event.unbind", json!({"event": "ONCRMLEADADD"})).await,
        json!({"count": 1})
    );
    assert_eq!(
        ok(&app, &admin, "event.get", json!({}))
            .await
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn record_events_reach_installed_apps_and_app_events_only_their_own_app() {
    let app = TestApp::start().await;
    let installed = new_app(&app, true).await;
    let waiting = new_app(&app, false).await;
    let (a, b) = (
        token(&app, installed.id, 1).await,
        token(&app, waiting.id, 1).await,
    );
    for (tok, host) in [(&a, "a.example.com"), (&b, "b.example.com")] {
        for event in ["ONCRMLEADADD", "ONAPPTEST"] {
            ok(
                &app,
                tok,
                "event.bind",
                json!({"event": event, "handler": format!("https://{host}/{event}")}),
            )
            .await;
        }
    }

    ok(
        &app,
        &a,
        "crm.lead.add",
        json!({"fields": {"TITLE": "From the app"}}),
    )
    .await;
    let lead = queued(&app).await;
    assert_eq!(lead.len(), 1, "{lead:?}");
    assert_eq!(
        (lead[0].0.as_str(), lead[0].1.as_str()),
        ("ONCRMLEADADD", "https://a.example.com/ONCRMLEADADD")
    );

    assert_eq!(
        ok(&app, &a, "event.test", json!({"any": "data"})).await,
        json!(1)
    );
    assert_eq!(
        ok(&app, &b, "event.test", json!({"any": "data"})).await,
        json!(1)
    );
    assert_eq!(
        queued(&app).await,
        [(
            "ONAPPTEST".to_owned(),
            "https://a.example.com/ONAPPTEST".to_owned(),
            json!({"QUERY": {"any": "data"}})
        )],
        "the application not installed gets nothing; the other's test goes to its own handler"
    );

    // Its outbound-webhook pages and lists never show an application's handlers.
    assert!(app
        .store
        .list_outbound_webhooks(None)
        .await
        .expect("list")
        .is_empty());
}
