//! Events reach their handler: a real `portico serve` (private handlers
//! allowed), an outbound webhook made with `portico outbound add`, a receiver
//! on a loopback port. A lead added over REST arrives as Bitrix24's form body,
//! signed with Standard Webhooks headers that verify with the printed secret;
//! a handler that answers 410 is switched off; a user added over REST arrives
//! as `ONUSERADD` with its fields directly under `data`.

use std::time::Duration;

use portico_delivery::{verify_signature, SigningSecret, DEFAULT_TOLERANCE_SECS};
use serde_json::json;

mod common;

use common::receiver::{next, receiver};
use common::{add_webhook, ok, printed, subscribe_admin, Server};

#[tokio::test]
async fn a_lead_reaches_its_handler_signed_in_bitrix24s_form() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &["--allow-private-handlers"]);
    let (url, mut got) = receiver(200).await;
    let added = ok(
        &data,
        &[
            "outbound",
            "add",
            "--user",
            "admin",
            "--url",
            &url,
            "--allow-private",
            "--event",
            "ONCRMLEADADD,ONCRMLEADUPDATE,ONCRMLEADDELETE",
        ],
    );
    let token = printed(&added, "application token");
    let secret = SigningSecret::parse(&printed(&added, "signing secret")).expect("secret");
    let hook = add_webhook(&data, &["--user", "admin", "--scope", "crm"]);
    let client = reqwest::Client::new();
    let call = |method: &str, body: serde_json::Value| {
        client
            .post(format!("{hook}{method}.json"))
            .json(&body)
            .send()
    };
    let lead = call("crm.lead.add", json!({"fields": {"TITLE": "Signed"}}))
        .await
        .expect("add")
        .json::<serde_json::Value>()
        .await
        .expect("json")["result"]
        .as_i64()
        .expect("id");

    let add = next(&mut got).await;
    assert_eq!(
        add.header("content-type"),
        "application/x-www-form-urlencoded"
    );
    let ts = add
        .body
        .split('&')
        .find_map(|p| p.strip_prefix("ts="))
        .expect("ts");
    let base = server.base.trim_end_matches('/');
    let domain = base.trim_start_matches("http://");
    let enc = |s: &str| -> String { form_urlencoded::byte_serialize(s.as_bytes()).collect() };
    let handler_id = added
        .lines()
        .find_map(|l| {
            l.strip_prefix("outbound webhook ")?
                .strip_suffix(" created")
        })
        .expect("id");
    let member = add
        .body
        .split('&')
        .find_map(|p| p.strip_prefix("auth%5Bmember_id%5D="))
        .expect("member_id");
    assert_eq!(member.len(), 32);
    let want = format!(
        "event=ONCRMLEADADD&event_handler_id={handler_id}&data%5BFIELDS%5D%5BID%5D={lead}&ts={ts}\
         &auth%5Bdomain%5D={}&auth%5Bclient_endpoint%5D={}&auth%5Bserver_endpoint%5D={}\
         &auth%5Bmember_id%5D={member}&auth%5Bapplication_token%5D={token}",
        enc(domain),
        enc(&format!("{base}/rest/")),
        enc(&format!("{base}/rest/")),
    );
    assert_eq!(add.body, want);
    let now = ts.parse::<i64>().unwrap();
    verify_signature(
        &secret,
        add.header("webhook-id"),
        add.header("webhook-timestamp"),
        add.header("webhook-signature"),
        add.body.as_bytes(),
        now,
        DEFAULT_TOLERANCE_SECS,
    )
    .expect("the signature verifies");
    assert!(verify_signature(
        &secret,
        add.header("webhook-id"),
        add.header("webhook-timestamp"),
        add.header("webhook-signature"),
        add.body
            .replace("Signed", "x")
            .replace(&lead.to_string(), "999")
            .as_bytes(),
        now,
        DEFAULT_TOLERANCE_SECS,
    )
    .is_err());

    // An update and a delete follow, each its own event and message id.
    call(
        "crm.lead.update",
        json!({"id": lead, "fields": {"TITLE": "Changed"}}),
    )
    .await
    .expect("update");
    call("crm.lead.delete", json!({"id": lead}))
        .await
        .expect("delete");
    let mut events = Vec::new();
    let mut ids = vec![add.header("webhook-id").to_owned()];
    for _ in 0..2 {
        let r = next(&mut got).await;
        events.push(r.body.split('&').next().unwrap_or_default().to_owned());
        ids.push(r.header("webhook-id").to_owned());
    }
    events.sort();
    assert_eq!(events, ["event=ONCRMLEADDELETE", "event=ONCRMLEADUPDATE"]);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "{ids:?}");
    let log = ok(&data, &["outbound", "log", handler_id]);
    assert_eq!(log.matches("delivered").count(), 3, "{log}");
    server.stop();
}

#[tokio::test]
async fn a_handler_that_answers_gone_is_switched_off() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &["--allow-private-handlers"]);
    let (url, mut got) = receiver(410).await;
    // `webhook add-outbound` is the same as `outbound add`.
    let added = ok(
        &data,
        &[
            "webhook",
            "add-outbound",
            "--user",
            "admin",
            "--handler",
            &url,
            "--allow-private",
            "--events",
            "ONCRMDEALADD",
            "--name",
            "Gone handler",
        ],
    );
    let handler_id = added
        .lines()
        .find_map(|l| {
            l.strip_prefix("outbound webhook ")?
                .strip_suffix(" created")
        })
        .expect("id")
        .to_owned();
    let hook = add_webhook(&data, &["--user", "admin", "--scope", "crm"]);
    reqwest::Client::new()
        .post(format!("{hook}crm.deal.add.json"))
        .json(&json!({"fields": {"TITLE": "Gone"}}))
        .send()
        .await
        .expect("add");
    next(&mut got).await;
    let mut log = String::new();
    for _ in 0..50 {
        log = ok(&data, &["outbound", "log", &handler_id]);
        if log.contains("410") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(log.contains("410") && log.contains("failed"), "{log}");
    let list = ok(&data, &["outbound", "list"]);
    let row = list
        .lines()
        .find(|l| l.trim_start().starts_with(&handler_id))
        .unwrap_or_else(|| panic!("no row in {list}"));
    assert!(
        row.split_whitespace().any(|w| w == "no"),
        "switched off: {list}"
    );
    server.stop();
}

#[tokio::test]
async fn a_user_added_over_rest_reaches_its_handler_as_onuseradd() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &["--allow-private-handlers"]);
    let (url, mut got) = receiver(200).await;
    subscribe_admin(&data, &url, "ONUSERADD");
    let hook = ok(
        &data,
        &["webhook", "add", "--user", "admin", "--scope", "user"],
    );
    let hook = hook.lines().last().expect("url").trim().to_owned();
    let added = reqwest::Client::new()
        .post(format!("{hook}user.add.json"))
        .json(&json!({"EMAIL": "ana@example.com", "NAME": "Ana", "LAST_NAME": "Lima"}))
        .send()
        .await
        .expect("user.add")
        .json::<serde_json::Value>()
        .await
        .expect("json");
    let id = added["result"].as_i64().expect("id").to_string();

    let delivery = next(&mut got).await;
    let fields: Vec<(String, String)> = form_urlencoded::parse(delivery.body.as_bytes())
        .into_owned()
        .collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} in {}", delivery.body))
    };
    assert!(
        delivery.body.starts_with("event=ONUSERADD&"),
        "{}",
        delivery.body
    );
    assert_eq!(field("data[ID]"), id);
    assert_eq!(field("data[ACTIVE]"), "Y");
    assert_eq!(field("data[EMAIL]"), "ana@example.com");
    assert_eq!(field("data[NAME]"), "Ana");
    assert_eq!(field("data[LAST_NAME]"), "Lima");
    assert_eq!(field("data[UF_DEPARTMENT][0]"), "1");
    assert!(
        !fields
            .iter()
            .any(|(k, _)| k.starts_with("data[FIELDS]") || k.contains("PASSWORD")),
        "{}",
        delivery.body
    );

    // A user made on the command line raises it too, by nobody.
    let made = ok(&data, &["user", "add", "--login", "carl", "--name", "Carl"]);
    let carl = made
        .split("created with id ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the new user's id")
        .to_owned();
    let delivery = next(&mut got).await;
    let fields: Vec<(String, String)> = form_urlencoded::parse(delivery.body.as_bytes())
        .into_owned()
        .collect();
    assert!(delivery.body.starts_with("event=ONUSERADD&"));
    assert!(
        fields.contains(&("data[ID]".to_owned(), carl)),
        "{}",
        delivery.body
    );
    assert!(fields.contains(&("data[NAME]".to_owned(), "Carl".to_owned())));
    server.stop();
}

#[tokio::test]
async fn a_handler_failing_through_a_configured_schedule_is_switched_off() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start_with_env(
        &data,
        &["--allow-private-handlers"],
        &[("PORTICO_DELIVERY_RETRY_DELAYS", "1s,1")],
    );
    let (url, mut got) = receiver(500).await;
    subscribe_admin(&data, &url, "ONCRMLEADADD");
    let hook = add_webhook(&data, &["--user", "admin", "--scope", "crm"]);
    reqwest::Client::new()
        .post(format!("{hook}crm.lead.add.json"))
        .json(&json!({"fields": {"TITLE": "Never taken"}}))
        .send()
        .await
        .expect("add");
    // Three attempts (the first and two retries), the same message each time.
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(next(&mut got).await.header("webhook-id").to_owned());
    }
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let mut listed = String::new();
    for _ in 0..50 {
        listed = ok(&data, &["outbound", "list"]);
        if listed.contains("no (failing)") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(listed.contains("no (failing)"), "{listed}");
    assert!(
        tokio::time::timeout(Duration::from_millis(2_500), got.recv())
            .await
            .is_err(),
        "a fourth attempt came"
    );
    server.stop();
}

#[tokio::test]
async fn task_events_reach_their_handler_in_bitrix24s_form() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &["--allow-private-handlers"]);
    let (url, mut got) = receiver(200).await;
    subscribe_admin(&data, &url, "ONTASKADD,ONTASKUPDATE,ONTASKCOMMENTADD");
    let hook = add_webhook(&data, &["--user", "admin", "--scope", "task"]);
    let client = reqwest::Client::new();
    let call = |method: &str, body: serde_json::Value| {
        client
            .post(format!("{hook}{method}.json"))
            .json(&body)
            .send()
    };
    let added: serde_json::Value = call(
        "tasks.task.add",
        json!({"fields": {"TITLE": "Call the client", "RESPONSIBLE_ID": 1}}),
    )
    .await
    .expect("add")
    .json()
    .await
    .expect("json");
    let task = added["result"]["task"]["id"]
        .as_str()
        .expect("task id")
        .to_owned();
    let fields = |body: &str| -> Vec<(String, String)> {
        form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    };
    let has = |f: &[(String, String)], k: &str, v: &str| {
        f.iter().any(|(key, value)| key == k && value == v)
    };

    let add = next(&mut got).await;
    let f = fields(&add.body);
    assert!(has(&f, "event", "ONTASKADD"), "{}", add.body);
    assert!(has(&f, "data[FIELDS_AFTER][ID]", &task), "{}", add.body);
    assert!(has(&f, "data[FIELDS_BEFORE]", "undefined"), "{}", add.body);

    call(
        "tasks.task.update",
        json!({"taskId": task, "fields": {"TITLE": "Call the client today"}}),
    )
    .await
    .expect("update");
    let update = next(&mut got).await;
    let f = fields(&update.body);
    assert!(has(&f, "event", "ONTASKUPDATE"), "{}", update.body);
    assert!(has(&f, "data[FIELDS_BEFORE][ID]", &task), "{}", update.body);

    call(
        "task.commentitem.add",
        json!([task, {"POST_MESSAGE": "Called, no answer"}]),
    )
    .await
    .expect("comment");
    let comment = next(&mut got).await;
    let f = fields(&comment.body);
    assert!(has(&f, "event", "ONTASKCOMMENTADD"), "{}", comment.body);
    assert!(
        has(&f, "data[FIELDS_AFTER][TASK_ID]", &task),
        "{}",
        comment.body
    );
    server.stop();
}
