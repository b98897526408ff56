//! Local applications' OAuth 2.0: the consent page and its code, the token
//! endpoint (GET and POST form; codes and refresh tokens work once; expired
//! access tokens answer `expired_token`), and REST calls with the token in the
//! query, a form, a JSON body or an `Authorization: Bearer` header, limited to
//! the application's scopes and acting as the token's user.

use std::time::Duration;

use portico_methods::apps::{create, AppDraft, Credentials};
use portico_web::OAuthSettings;
use serde_json::{json, Value};

use crate::common::TestApp;

/// Creates an application as the administrator; a script-only one is
/// installed at once.
async fn new_app(app: &TestApp, scopes: &[&str], script_only: bool) -> Credentials {
    let draft = AppDraft {
        name: "Lead sync <beta>".into(),
        handler_url: "https://app.example.com/handler?from=portal".into(),
        install_url: Some("https://app.example.com/install".into()),
        script_only,
        menu_texts: vec![("en".into(), "Lead sync".into())],
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
    };
    create(app.store.as_ref(), &app.secrets, draft, 1, 1_700_000_000)
        .await
        .expect("create app")
}

/// A status and a JSON body.
async fn json_of(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, value)
}

/// The query parameters of a URL.
fn query_of(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// The value of one query parameter.
fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Runs the consent flow as user `user_id` and returns the redirect target.
async fn authorize(app: &TestApp, user_id: i64, creds: &Credentials, state: &str) -> String {
    let ui = app.sign_in_as(user_id).await;
    let page = format!(
        "/oauth/authorize/?client_id={}&state={state}",
        creds.client_id
    );
    let shown = ui.get(&page).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(
        shown.contains("Lead sync &lt;beta&gt;"),
        "the name, escaped"
    );
    let allowed = ui
        .submit(
            &page,
            "/oauth/authorize/",
            &[
                ("client_id", &creds.client_id),
                ("state", state),
                ("decision", "allow"),
            ],
        )
        .await;
    assert_eq!(allowed.status, 303, "{}", allowed.body);
    allowed.location().to_owned()
}

/// Exchanges a code for tokens (GET).
async fn exchange(app: &TestApp, creds: &Credentials, code: &str) -> (u16, Value) {
    let url = format!(
        "{}/oauth/token/?grant_type=authorization_code&client_id={}&client_secret={}&code={code}",
        app.base, creds.client_id, creds.client_secret
    );
    json_of(app.client.get(url).send().await.expect("token")).await
}

/// Redeems a refresh token (POST form, as CRest sends it).
async fn refresh(app: &TestApp, creds: &Credentials, token: &str) -> (u16, Value) {
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", creds.client_id.as_str()),
        ("client_secret", creds.client_secret.as_str()),
        ("refresh_token", token),
    ];
    json_of(
        app.client
            .post(format!("{}/oauth/token/", app.base))
            .form(&form)
            .send()
            .await
            .expect("refresh"),
    )
    .await
}

/// Calls `method` with `auth` in the query.
async fn with_token(app: &TestApp, method: &str, token: &str) -> (u16, Value) {
    let url = format!("{}/rest/{method}.json?auth={token}", app.base);
    json_of(app.client.get(url).send().await.expect("rest")).await
}

/// The whole authorization-code flow for an installed application.
async fn tokens(app: &TestApp, user_id: i64, creds: &Credentials) -> Value {
    let target = authorize(app, user_id, creds, "s1").await;
    let code = param(&query_of(&target), "code").expect("code").to_owned();
    let (status, body) = exchange(app, creds, &code).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn the_code_flow_issues_tokens_that_call_rest_within_the_apps_scopes() {
    let app = TestApp::start().await;
    let creds = new_app(&app, &["crm", "user"], true).await;

    let target = authorize(&app, 1, &creds, "JJHg s&7").await;
    assert!(
        target.starts_with("https://app.example.com/handler?from=portal&code="),
        "{target}"
    );
    let pairs = query_of(&target);
    assert_eq!(param(&pairs, "state"), Some("JJHg s&7"));
    assert_eq!(param(&pairs, "scope"), Some("crm,user"));
    let host = app.base.trim_start_matches("http://");
    assert_eq!(param(&pairs, "domain"), Some(host));
    assert_eq!(param(&pairs, "server_domain"), Some(host));
    let member = param(&pairs, "member_id").expect("member_id");
    assert!(member.len() == 32 && member.bytes().all(|b| b.is_ascii_hexdigit()));
    let code = param(&pairs, "code").expect("code").to_owned();

    let (status, body) = exchange(&app, &creds, &code).await;
    assert_eq!(status, 200, "{body}");
    for key in ["access_token", "refresh_token"] {
        assert_eq!(body[key].as_str().map(str::len), Some(32), "{key}: {body}");
    }
    assert_eq!(body["expires_in"], json!(3600));
    assert!(body["expires"].as_i64().is_some());
    assert_eq!(body["scope"], json!("crm,user"));
    assert_eq!(body["status"], json!("L"));
    assert_eq!(body["user_id"], json!(1));
    assert_eq!(body["member_id"], json!(member));
    assert_eq!(
        body["client_endpoint"],
        json!(format!("{}/rest/", app.base))
    );
    assert_eq!(
        body["server_endpoint"],
        json!(format!("{}/rest/", app.base))
    );
    let (status, again) = exchange(&app, &creds, &code).await;
    assert_eq!(
        (status, &again["error"]),
        (400, &json!("invalid_grant")),
        "a code works once"
    );
    let token = body["access_token"].as_str().expect("token").to_owned();

    // The token in the query, a JSON body, a form body and a Bearer header.
    let (status, added) = json_of(
        app.client
            .get(format!(
                "{}/rest/crm.lead.add.json?auth={token}&fields[TITLE]=From%20the%20app",
                app.base
            ))
            .send()
            .await
            .expect("add"),
    )
    .await;
    assert_eq!(status, 200, "{added}");
    let lead = added["result"].as_i64().expect("lead id");
    let (status, got) = json_of(
        app.client
            .post(format!("{}/rest/crm.lead.get.json", app.base))
            .json(&json!({"auth": token, "id": lead}))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(
        (status, &got["result"]["TITLE"]),
        (200, &json!("From the app")),
        "{got}"
    );
    assert!(got["result"].get("auth").is_none());
    let (status, updated) = json_of(
        app.client
            .post(format!("{}/rest/crm.lead.update", app.base))
            .form(&[
                ("auth", token.as_str()),
                ("id", &lead.to_string()),
                ("fields[TITLE]", "Renamed"),
            ])
            .send()
            .await
            .expect("update"),
    )
    .await;
    assert_eq!(
        (status, &updated["result"]),
        (200, &json!(true)),
        "{updated}"
    );
    let (status, me) = json_of(
        app.client
            .get(format!("{}/rest/profile", app.base))
            .bearer_auth(&token)
            .send()
            .await
            .expect("profile"),
    )
    .await;
    assert_eq!((status, &me["result"]["ID"]), (200, &json!("1")), "{me}");

    // app.info answers for the application; scopes bound what it may call.
    let (status, info) = with_token(&app, "app.info", &token).await;
    assert_eq!(status, 200, "{info}");
    let info = &info["result"];
    assert_eq!(info["ID"], json!(creds.id));
    assert_eq!(info["CODE"], json!(creds.client_id));
    assert_eq!(
        (&info["STATUS"], &info["INSTALLED"]),
        (&json!("L"), &json!(true))
    );
    let (status, refused) = with_token(&app, "tasks.task.list", &token).await;
    assert_eq!(
        (status, &refused["error"]),
        (403, &json!("insufficient_scope")),
        "{refused}"
    );
    let (status, scopes) = with_token(&app, "scope", &token).await;
    assert_eq!((status, &scopes["result"]), (200, &json!(["crm", "user"])));

    // Wrong or missing tokens.
    let (status, bad) = with_token(&app, "profile", "0123456789abcdef0123456789abcdef").await;
    assert_eq!(
        (status, &bad["error"]),
        (401, &json!("invalid_token")),
        "{bad}"
    );
    let (status, none) = json_of(
        app.client
            .get(format!("{}/rest/profile", app.base))
            .send()
            .await
            .expect("none"),
    )
    .await;
    assert_eq!(
        (status, &none["error"]),
        (401, &json!("NO_AUTH_FOUND")),
        "{none}"
    );
    let (status, unknown) = with_token(&app, "no.such.method", &token).await;
    assert_eq!(
        (status, &unknown["error"]),
        (404, &json!("ERROR_METHOD_NOT_FOUND"))
    );

    // Refresh: once, with the right secret; the new token works.
    let old_refresh = body["refresh_token"].as_str().expect("refresh").to_owned();
    let wrong = Credentials {
        client_secret: "x".repeat(50),
        ..creds.clone()
    };
    let (status, denied) = refresh(&app, &wrong, &old_refresh).await;
    assert_eq!(
        (status, &denied["error"]),
        (401, &json!("invalid_client")),
        "{denied}"
    );
    let (status, renewed) = refresh(&app, &creds, &old_refresh).await;
    assert_eq!(status, 200, "{renewed}");
    assert_eq!(renewed["user_id"], json!(1));
    assert_ne!(renewed["access_token"], body["access_token"]);
    let (status, reused) = refresh(&app, &creds, &old_refresh).await;
    assert_eq!(
        (status, &reused["error"]),
        (400, &json!("invalid_grant")),
        "used once"
    );
    let fresh = renewed["access_token"].as_str().expect("token");
    let (status, _) = with_token(&app, "profile", fresh).await;
    assert_eq!(status, 200);
    let (status, odd) = json_of(
        app.client
            .get(format!(
                "{}/oauth/token/?grant_type=password&client_id={}&client_secret={}",
                app.base, creds.client_id, creds.client_secret
            ))
            .send()
            .await
            .expect("odd"),
    )
    .await;
    assert_eq!((status, &odd["error"]), (400, &json!("invalid_request")));
}

#[tokio::test]
async fn expired_tokens_answer_expired_token_and_are_refreshed() {
    let app = TestApp::start_with(|state| {
        state.with_oauth(OAuthSettings {
            access_token_ttl: 1,
            ..OAuthSettings::default()
        })
    })
    .await;
    let creds = new_app(&app, &["user"], true).await;
    let body = tokens(&app, 1, &creds).await;
    assert_eq!(body["expires_in"], json!(1));
    let token = body["access_token"].as_str().expect("token");
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let (status, expired) = with_token(&app, "profile", token).await;
    assert_eq!(status, 401, "{expired}");
    assert_eq!(
        expired,
        json!({"error": "expired_token", "error_description": "The access token provided has expired."})
    );
    let (status, renewed) = refresh(
        &app,
        &creds,
        body["refresh_token"].as_str().expect("refresh"),
    )
    .await;
    assert_eq!(status, 200, "{renewed}");
    let (status, _) = with_token(
        &app,
        "profile",
        renewed["access_token"].as_str().expect("new"),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn tokens_act_as_their_user_and_stop_with_the_app_or_the_user() {
    let app = TestApp::start().await;
    let creds = new_app(&app, &["user", "crm"], true).await;
    let bob = app.add_user("bob", false).await;
    let body = tokens(&app, bob, &creds).await;
    assert_eq!(body["user_id"], json!(bob));
    let token = body["access_token"].as_str().expect("token").to_owned();
    let (status, me) = with_token(&app, "profile", &token).await;
    assert_eq!(
        (status, &me["result"]["ID"], &me["result"]["ADMIN"]),
        (200, &json!(bob.to_string()), &json!(false))
    );
    // Bob's CRM role (own records only) holds through the app: the
    // administrator's lead is out of his reach, his own is not.
    assert!(app.store.set_user_role(bob, Some(2)).await.expect("role"));
    let theirs = app
        .ok("crm.lead.add", json!({"fields": {"TITLE": "Admin's"}}))
        .await;
    let theirs = theirs.as_i64().expect("lead");
    let (status, denied) = json_of(
        app.client
            .post(format!("{}/rest/crm.lead.get.json", app.base))
            .json(&json!({"auth": token, "id": theirs}))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(
        (status, &denied["error_description"]),
        (400, &json!("Access denied.")),
        "{denied}"
    );
    let (status, mine) = json_of(
        app.client
            .post(format!("{}/rest/crm.lead.add.json", app.base))
            .json(&json!({"auth": token, "fields": {"TITLE": "Bob's"}}))
            .send()
            .await
            .expect("add"),
    )
    .await;
    assert_eq!(status, 200, "{mine}");
    let (status, listed) = with_token(&app, "crm.lead.list", &token).await;
    assert_eq!(status, 200, "{listed}");
    let seen: Vec<&str> = listed["result"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["TITLE"].as_str())
        .collect();
    assert_eq!(seen, ["Bob's"], "{listed}");

    // Bob is no administrator through the app either.
    let (status, refused) = json_of(
        app.client
            .post(format!("{}/rest/user.add", app.base))
            .form(&[("auth", token.as_str()), ("EMAIL", "x@example.com")])
            .send()
            .await
            .expect("user.add"),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error_description"], json!("access_denied"));

    app.store
        .set_user_active(bob, false)
        .await
        .expect("deactivate");
    let (status, off) = with_token(&app, "profile", &token).await;
    assert_eq!(
        (status, &off["error"]),
        (401, &json!("authorization_error")),
        "{off}"
    );
    app.store
        .set_user_active(bob, true)
        .await
        .expect("activate");
    let (status, _) = with_token(&app, "profile", &token).await;
    assert_eq!(status, 200);

    // Reinstalling revokes the tokens; so does removing the application.
    assert!(
        portico_methods::apps::reinstall(app.store.as_ref(), creds.id, 1, 1_700_000_100)
            .await
            .expect("reinstall")
    );
    let (status, gone) = with_token(&app, "profile", &token).await;
    assert_eq!((status, &gone["error"]), (401, &json!("invalid_token")));
    let body = tokens(&app, 1, &creds).await;
    assert!(
        portico_methods::apps::remove(app.store.as_ref(), creds.id, 1_700_000_200)
            .await
            .expect("remove")
    );
    let (status, _) = with_token(&app, "profile", body["access_token"].as_str().expect("t")).await;
    assert_eq!(status, 401);
    assert!(app.store.app_by_id(creds.id).await.expect("get").is_none());
}

#[tokio::test]
async fn the_consent_page_refuses_unknown_uninstalled_and_forged_requests() {
    let app = TestApp::start().await;
    let ui_app = new_app(&app, &["crm"], false).await;
    let ui = app.sign_in_as(1).await;
    let unknown = ui
        .get("/oauth/authorize/?client_id=local.nope&state=x")
        .await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.contains("no application with this client_id"),
        "{}",
        unknown.body
    );
    let waiting = ui
        .get(&format!("/oauth/authorize/?client_id={}", ui_app.client_id))
        .await;
    assert_eq!(waiting.status, 400);
    assert!(waiting.contains("not fully installed"), "{}", waiting.body);

    app.store
        .set_app_installed(ui_app.id, 1_700_000_000)
        .await
        .expect("installed");
    let page = format!("/oauth/authorize/?client_id={}", ui_app.client_id);
    let shown = ui.get(&page).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    let forged = ui
        .post_form(
            "/oauth/authorize/",
            &[
                ("client_id", ui_app.client_id.as_str()),
                ("decision", "allow"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    let refused = ui
        .submit(
            &page,
            "/oauth/authorize/",
            &[("client_id", &ui_app.client_id), ("decision", "deny")],
        )
        .await;
    assert_eq!(refused.status, 200);
    assert!(refused.contains("You did not allow"), "{}", refused.body);
    // Signed out, the page asks to sign in first and comes back.
    let anonymous = app
        .client
        .get(format!("{}{page}", app.base))
        .send()
        .await
        .expect("anonymous");
    assert!(
        anonymous.url().path().starts_with("/login"),
        "{}",
        anonymous.url()
    );
    assert!(
        anonymous
            .url()
            .query()
            .unwrap_or_default()
            .contains("oauth"),
        "{}",
        anonymous.url()
    );
}

/// Calls `method` with `auth` and a JSON body.
async fn post_with_token(app: &TestApp, method: &str, token: &str, body: Value) -> (u16, Value) {
    let mut body = body;
    body["auth"] = json!(token);
    json_of(
        app.client
            .post(format!("{}/rest/{method}.json", app.base))
            .json(&body)
            .send()
            .await
            .expect("rest"),
    )
    .await
}

#[tokio::test]
async fn applications_keep_options_for_themselves_and_for_each_user() {
    let app = TestApp::start().await;
    let creds = new_app(&app, &["user"], true).await;
    let other = new_app(&app, &["user"], true).await;
    let bob = app.add_user("bob", false).await;
    let admin = tokens(&app, 1, &creds).await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    let bobs = tokens(&app, bob, &creds).await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    let others = tokens(&app, 1, &other).await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();

    let (status, none) = post_with_token(&app, "app.option.get", &admin, json!({})).await;
    assert_eq!((status, &none["result"]), (200, &json!([])), "{none}");
    let (status, set) = post_with_token(
        &app,
        "app.option.set",
        &admin,
        json!({"options": {"data": "value", "list": [1, "two"]}}),
    )
    .await;
    assert_eq!((status, &set["result"]), (200, &json!(true)), "{set}");
    // Without `options`, the parameters themselves are the options.
    let (status, _) = post_with_token(&app, "app.option.set", &admin, json!({"data": "new"})).await;
    assert_eq!(status, 200);
    let (_, all) = post_with_token(&app, "app.option.get", &bobs, json!({})).await;
    assert_eq!(
        all["result"],
        json!({"data": "new", "list": [1, "two"]}),
        "{all}"
    );
    let (_, one) = post_with_token(&app, "app.option.get", &bobs, json!({"option": "list"})).await;
    assert_eq!(one["result"], json!([1, "two"]));
    let (_, unset) =
        post_with_token(&app, "app.option.get", &bobs, json!({"option": "nope"})).await;
    assert_eq!(unset["result"], Value::Null);
    let (_, theirs) = post_with_token(&app, "app.option.get", &others, json!({})).await;
    assert_eq!(
        theirs["result"],
        json!([]),
        "another application's options are its own"
    );

    // Only administrators set the application's options; everyone their own.
    let (status, denied) =
        post_with_token(&app, "app.option.set", &bobs, json!({"options": {"x": 1}})).await;
    assert_eq!(status, 403, "{denied}");
    assert_eq!(
        denied,
        json!({"error": "ACCESS_DENIED", "error_description": "Access denied! Administrator authorization required"})
    );
    let (status, _) = post_with_token(
        &app,
        "user.option.set",
        &bobs,
        json!({"options": {"theme": "dark"}}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, mine) = post_with_token(&app, "user.option.get", &bobs, json!({})).await;
    assert_eq!(mine["result"], json!({"theme": "dark"}));
    let (_, admins) =
        post_with_token(&app, "user.option.get", &admin, json!({"option": "theme"})).await;
    assert_eq!(admins["result"], Value::Null, "each user's own");
    let (status, empty) =
        post_with_token(&app, "user.option.set", &bobs, json!({"options": {}})).await;
    assert_eq!(status, 400, "{empty}");
    assert_eq!(empty["error"], json!("ERROR_ARGUMENT"));

    // A webhook has no application context.
    let r = app.call("app.option.get", json!({})).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"error": "ACCESS_DENIED", "error_description": "Access denied! Application context required"})
    );
    // feature.get answers anyone.
    assert_eq!(
        app.ok("feature.get", json!({"CODE": "rest_offline_extended"}))
            .await,
        json!({"value": "Y"})
    );
    assert_eq!(
        app.ok("feature.get", json!({"CODE": "something_else"}))
            .await,
        json!({"value": "N"})
    );
    let r = app.call("feature.get", json!({})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"error": "CODE_EMPTY", "error_description": "CODE can't be empty"})
    );
}
