//! A script-only application's whole life against a real `portico serve`
//! (private handlers allowed, two-second access tokens) and a real receiver on
//! a loopback port: `portico app add --install` delivers `ONAPPINSTALL` with
//! the administrator's tokens; the application calls REST with them, binds
//! `ONCRMLEADADD` and gets it with the application variant of `auth`; an
//! expired token answers `expired_token`; refresh tokens renew by GET and by
//! POST form, once each; `portico app remove` delivers `ONAPPUNINSTALL` with
//! only the portal fields and the application token, and the tokens stop
//! working. An offline binding queues a change and `ONOFFLINEEVENT` reaches
//! the application's handler with a refresh token.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

mod common;

use common::receiver::{next, receiver};
use common::{ok, printed, Server};

/// The pairs of a form body, by name.
fn form(body: &str) -> BTreeMap<String, String> {
    form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

/// The names of the `auth[…]` keys of a form, in order of name.
fn auth_keys(pairs: &BTreeMap<String, String>) -> Vec<String> {
    pairs
        .keys()
        .filter_map(|k| k.strip_prefix("auth[")?.strip_suffix(']'))
        .map(str::to_owned)
        .collect()
}

/// A status and a JSON body.
async fn json_of(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, value)
}

#[tokio::test]
async fn a_script_only_application_from_install_to_removal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start_with_env(
        &data,
        &["--allow-private-handlers"],
        &[("PORTICO_OAUTH__ACCESS_TOKEN_TTL", "2")],
    );
    let base = server.base.trim_end_matches('/').to_owned();
    let (url, mut got) = receiver(200).await;
    let added = ok(
        &data,
        &[
            "app",
            "add",
            "--name",
            "Flow",
            "--handler",
            "https://app.example.com/",
            "--install",
            &url,
            "--script-only",
            "--scope",
            "crm",
        ],
    );
    let client_id = printed(&added, "client_id");
    let client_secret = printed(&added, "client_secret");
    let app_id = added
        .lines()
        .find_map(|l| l.strip_prefix("application ")?.strip_suffix(" created"))
        .expect("id")
        .to_owned();

    // ONAPPINSTALL at the installation path, with the administrator's tokens.
    let install = form(&next(&mut got).await.body);
    assert_eq!(install["event"], "ONAPPINSTALL");
    assert_eq!(install["data[VERSION]"], "1");
    assert_eq!(install["data[ACTIVE]"], "Y");
    assert_eq!(install["data[INSTALLED]"], "Y");
    assert_eq!(install["data[LANGUAGE_ID]"], "en");
    assert_eq!(install["auth[scope]"], "crm");
    assert_eq!(install["auth[status]"], "L");
    assert_eq!(install["auth[user_id]"], "1");
    assert_eq!(install["auth[expires_in]"], "2");
    assert_eq!(install["auth[client_endpoint]"], format!("{base}/rest/"));
    let access = install["auth[access_token]"].clone();
    let refresh = install["auth[refresh_token]"].clone();
    let app_token = install["auth[application_token]"].clone();
    assert_eq!(app_token.len(), 32);

    // The application calls REST and binds an event with those tokens.
    let client = reqwest::Client::new();
    let rest = |method: &str, token: &str, body: Value| {
        let mut body = body;
        body["auth"] = json!(token);
        client
            .post(format!("{base}/rest/{method}.json"))
            .json(&body)
            .send()
    };
    let (status, lead) = json_of(
        rest(
            "crm.lead.add",
            &access,
            json!({"fields": {"TITLE": "By the app"}}),
        )
        .await
        .expect("lead"),
    )
    .await;
    assert_eq!(status, 200, "{lead}");
    for event in ["ONCRMLEADADD", "ONAPPUNINSTALL"] {
        let (status, bound) = json_of(
            rest(
                "event.bind",
                &access,
                json!({"event": event, "handler": url}),
            )
            .await
            .expect("bind"),
        )
        .await;
        assert_eq!((status, &bound["result"]), (200, &json!(true)), "{bound}");
    }
    let (status, second) = json_of(
        rest(
            "crm.lead.add",
            &access,
            json!({"fields": {"TITLE": "Watched"}}),
        )
        .await
        .expect("lead"),
    )
    .await;
    assert_eq!(status, 200, "{second}");

    // ONCRMLEADADD with the application variant of auth.
    let event = form(&next(&mut got).await.body);
    assert_eq!(event["event"], "ONCRMLEADADD");
    assert_eq!(event["data[FIELDS][ID]"], second["result"].to_string());
    assert!(event.contains_key("event_handler_id"));
    assert_eq!(
        auth_keys(&event),
        [
            "access_token",
            "application_token",
            "client_endpoint",
            "domain",
            "expires",
            "expires_in",
            "member_id",
            "scope",
            "server_endpoint",
            "status",
            "user_id"
        ]
    );
    assert_eq!(event["auth[application_token]"], app_token);
    assert_eq!(event["auth[user_id]"], "1");
    let (status, profile) = json_of(
        rest("profile", &event["auth[access_token]"], json!({}))
            .await
            .expect("profile"),
    )
    .await;
    assert_eq!(status, 200, "the event's token works: {profile}");

    // After its lifetime the install's token answers expired_token.
    tokio::time::sleep(Duration::from_millis(3_200)).await;
    let (status, expired) = json_of(rest("profile", &access, json!({})).await.expect("call")).await;
    assert_eq!((status, &expired["error"]), (401, &json!("expired_token")));

    // Refresh by GET, then by POST form; a used refresh token is refused.
    let token_url = format!("{base}/oauth/token/");
    let (status, by_get) = json_of(
        client
            .get(format!(
                "{token_url}?grant_type=refresh_token&client_id={client_id}&client_secret={client_secret}&refresh_token={refresh}"
            ))
            .send()
            .await
            .expect("refresh"),
    )
    .await;
    assert_eq!(status, 200, "{by_get}");
    let second_refresh = by_get["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let (status, by_post) = json_of(
        client
            .post(&token_url)
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", &client_id),
                ("client_secret", &client_secret),
                ("refresh_token", &second_refresh),
            ])
            .send()
            .await
            .expect("refresh"),
    )
    .await;
    assert_eq!(status, 200, "{by_post}");
    let latest = by_post["access_token"].as_str().expect("access").to_owned();
    let (status, again) = json_of(
        client
            .get(format!(
                "{token_url}?grant_type=refresh_token&client_id={client_id}&client_secret={client_secret}&refresh_token={refresh}"
            ))
            .send()
            .await
            .expect("refresh"),
    )
    .await;
    assert_eq!((status, &again["error"]), (400, &json!("invalid_grant")));
    let (status, _) = json_of(rest("profile", &latest, json!({})).await.expect("call")).await;
    assert_eq!(status, 200);

    // Removal: ONAPPUNINSTALL with the portal fields and the application token only.
    ok(&data, &["app", "remove", &app_id]);
    let bye = form(&next(&mut got).await.body);
    assert_eq!(bye["event"], "ONAPPUNINSTALL");
    assert_eq!(bye["data[CLEAN]"], "0");
    assert_eq!(bye["data[LANGUAGE_ID]"], "en");
    assert_eq!(
        auth_keys(&bye),
        [
            "application_token",
            "client_endpoint",
            "domain",
            "member_id",
            "server_endpoint"
        ]
    );
    assert_eq!(bye["auth[application_token]"], app_token);
    let (status, gone) = json_of(rest("profile", &latest, json!({})).await.expect("call")).await;
    assert_eq!(
        (status, &gone["error"]),
        (401, &json!("invalid_token")),
        "{gone}"
    );
    server.stop();
}

#[tokio::test]
async fn an_offline_queue_notifies_its_application_with_a_refresh_token() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start_with_env(&data, &["--allow-private-handlers"], &[]);
    let base = server.base.trim_end_matches('/').to_owned();
    let (url, mut got) = receiver(200).await;
    ok(
        &data,
        &[
            "app",
            "add",
            "--name",
            "Offline",
            "--handler",
            "https://app.example.com/",
            "--install",
            &url,
            "--script-only",
            "--scope",
            "crm",
        ],
    );
    let install = form(&next(&mut got).await.body);
    assert_eq!(install["event"], "ONAPPINSTALL");
    let access = install["auth[access_token]"].clone();

    let client = reqwest::Client::new();
    let rest = |method: &str, body: Value| {
        let mut body = body;
        body["auth"] = json!(access);
        client
            .post(format!("{base}/rest/{method}.json"))
            .json(&body)
            .send()
    };
    for bind in [
        json!({"event": "ONCRMLEADADD", "event_type": "offline"}),
        json!({"event": "ONOFFLINEEVENT", "handler": url}),
    ] {
        let (status, bound) = json_of(rest("event.bind", bind).await.expect("bind")).await;
        assert_eq!((status, &bound["result"]), (200, &json!(true)), "{bound}");
    }
    let (status, lead) = json_of(
        rest("crm.lead.add", json!({"fields": {"TITLE": "Queued"}}))
            .await
            .expect("lead"),
    )
    .await;
    assert_eq!(status, 200, "{lead}");

    let notice = form(&next(&mut got).await.body);
    assert_eq!(notice["event"], "ONOFFLINEEVENT");
    assert!(!notice.keys().any(|k| k.starts_with("data")), "{notice:?}");
    assert_eq!(notice["auth[refresh_token]"].len(), 32, "{notice:?}");
    assert_eq!(notice["auth[user_id]"], "1");
    let (status, taken) = json_of(
        rest("event.offline.get", json!({}))
            .await
            .expect("offline get"),
    )
    .await;
    assert_eq!(status, 200, "{taken}");
    assert_eq!(taken["result"]["process_id"], Value::Null);
    assert_eq!(taken["result"]["events"][0]["EVENT_NAME"], "ONCRMLEADADD");
    assert_eq!(
        taken["result"]["events"][0]["EVENT_DATA"]["FIELDS"]["ID"],
        lead["result"]
    );
}
