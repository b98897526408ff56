//! Captured deliveries in `portico sandbox`, against the real binary and real
//! handlers on loopback: a capture holds byte for byte the body and the
//! headers its handler received (an application's `ONAPPINSTALL` and bound
//! event, an outbound webhook's signed one); a `capture-only` handler gets
//! nothing while its capture is there; a `fail` handler's retries are captured
//! with increasing attempt numbers on the configured schedule, hurried by the
//! test clock; `GET /sandbox/deliveries` long-polls and filters by event,
//! handler and id; it wants the sandbox key and does not exist on a normal
//! `portico serve`.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use common::receiver::{next, receiver};
use common::sandbox::{sandbox, text, Sandbox};
use common::{add_webhook, ok, subscribe_admin, Server};

/// The pairs of a form body, by name.
fn form(body: &str) -> BTreeMap<String, String> {
    form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

/// A capture's headers as (name, value) pairs.
fn headers_of(capture: &Value) -> Vec<(String, String)> {
    capture["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().expect("name").to_owned(),
                pair[1].as_str().expect("value").to_owned(),
            )
        })
        .collect()
}

/// `GET /sandbox/deliveries?{query}` (200 expected): the captures and `next_since`.
async fn deliveries(s: &Sandbox, query: &str) -> (Vec<Value>, i64) {
    let (status, answer) = s
        .api(Method::GET, &format!("/sandbox/deliveries?{query}"), None)
        .await;
    assert_eq!(status, 200, "{answer}");
    let list = answer["deliveries"].as_array().expect("deliveries").clone();
    (list, answer["next_since"].as_i64().expect("next_since"))
}

/// Long-polls `query` until `count` captures have come (10 s at most).
async fn captured(s: &Sandbox, query: &str, count: usize) -> Vec<Value> {
    let mut all = Vec::new();
    let mut since = 0;
    let until = Instant::now() + Duration::from_secs(10);
    while all.len() < count && Instant::now() < until {
        let (found, next_since) = deliveries(s, &format!("{query}&since={since}&wait=2s")).await;
        all.extend(found);
        since = next_since;
    }
    assert_eq!(all.len(), count, "captures of {query}: {all:?}");
    all
}

/// The sandbox's data folder.
fn data_dir(s: &Sandbox) -> PathBuf {
    PathBuf::from(text(&s.printed, "data_dir"))
}

/// Adds an outbound webhook of the sandbox's administrator for `events`.
fn outbound(s: &Sandbox, url: &str, events: &str) {
    ok(
        &data_dir(s),
        &[
            "outbound",
            "add",
            "--user",
            "admin",
            "--url",
            url,
            "--event",
            events,
            "--allow-private",
        ],
    );
}

#[tokio::test]
async fn a_capture_holds_exactly_what_the_handler_received() {
    let s = sandbox(&[], &[]);
    let (url, mut got) = receiver(200).await;
    // An application installed at the receiver gets ONAPPINSTALL with its tokens…
    ok(
        &data_dir(&s),
        &[
            "app",
            "add",
            "--name",
            "Captured",
            "--handler",
            "https://app.example.com/",
            "--install",
            &format!("{url}?install"),
            "--script-only",
            "--scope",
            "crm",
        ],
    );
    let install = next(&mut got).await;
    let access = form(&install.body)["auth[access_token]"].clone();
    // … and binds ONCRMLEADADD to the receiver with them.
    let bound: Value = reqwest::Client::new()
        .post(format!("{}/rest/event.bind.json", s.base()))
        .json(&json!({"auth": access, "event": "ONCRMLEADADD", "handler": format!("{url}?bound")}))
        .send()
        .await
        .expect("bind")
        .json()
        .await
        .expect("JSON");
    assert_eq!(bound["result"], json!(true), "{bound}");
    // An outbound webhook (signed) listens too.
    let signed_url = format!("{url}?signed");
    outbound(&s, &signed_url, "ONCRMLEADADD");

    s.ok("crm.lead.add", json!({"fields": {"TITLE": "Captured"}}))
        .await;
    let received = [install, next(&mut got).await, next(&mut got).await];
    let captures = captured(&s, "limit=100", 3).await;
    for request in &received {
        let capture = captures
            .iter()
            .find(|c| c["body"] == json!(request.body))
            .unwrap_or_else(|| panic!("no capture of {} in {captures:?}", request.body));
        assert_eq!(
            headers_of(capture),
            request.headers,
            "every header as received"
        );
        assert_eq!(capture["status"], json!(200));
        assert_eq!(capture["outcome"], json!("delivered"));
        assert_eq!(capture["mode"], json!("deliver"));
        assert_eq!(capture["attempt"], json!(1));
        assert!(request.header("user-agent").starts_with("Portico/"));
    }
    let events: Vec<&Value> = captures.iter().map(|c| &c["event"]).collect();
    assert_eq!(
        events,
        [
            &json!("ONAPPINSTALL"),
            &json!("ONCRMLEADADD"),
            &json!("ONCRMLEADADD")
        ]
    );
    let by_handler = |handler: &str| {
        captures
            .iter()
            .find(|c| c["handler"] == json!(handler))
            .unwrap_or_else(|| panic!("no capture for {handler}"))
    };
    let signature = |c: &Value| {
        headers_of(c)
            .into_iter()
            .find(|(k, _)| k == "webhook-signature")
    };
    assert!(signature(by_handler(&signed_url)).is_some_and(|(_, v)| v.starts_with("v1,")));
    assert_eq!(signature(by_handler(&format!("{url}?bound"))), None);
}

#[tokio::test]
async fn capture_only_sends_nothing_and_fail_is_retried_on_the_schedule() {
    let s = sandbox(&[], &[("PORTICO_DELIVERY_RETRY_DELAYS", "1m,1m")]);
    let (url, mut got) = receiver(200).await;
    let (quiet, failing) = (format!("{url}?quiet"), format!("{url}?failing"));
    for (handler, mode) in [(&quiet, "capture-only"), (&failing, "fail")] {
        let (status, set) = s
            .api(
                Method::PUT,
                "/sandbox/handlers",
                Some(json!({"handler": handler, "mode": mode})),
            )
            .await;
        assert_eq!((status, &set["mode"]), (200, &json!(mode)), "{set}");
        outbound(&s, handler, "ONCRMLEADADD");
    }
    let (_, listed) = s.api(Method::GET, "/sandbox/handlers", None).await;
    assert_eq!(
        listed["handlers"].as_array().map(Vec::len),
        Some(2),
        "{listed}"
    );

    s.ok("crm.lead.add", json!({"fields": {"TITLE": "Not sent"}}))
        .await;
    let handler = |h: &str| {
        format!(
            "handler={}",
            form_urlencoded::byte_serialize(h.as_bytes()).collect::<String>()
        )
    };
    let kept = captured(&s, &handler(&quiet), 1).await;
    assert_eq!(kept[0]["mode"], json!("capture-only"));
    assert_eq!(kept[0]["status"], Value::Null);
    assert_eq!(kept[0]["outcome"], json!("delivered"));
    assert!(form(kept[0]["body"].as_str().expect("body"))["event"] == "ONCRMLEADADD");

    // The failing handler's attempts: the first at once, each retry when
    // the test clock passes its time (1 min ± 20 %), the last switching it off.
    let mut attempts = captured(&s, &handler(&failing), 1).await;
    for _ in 0..2 {
        let (status, _) = s
            .api(
                Method::POST,
                "/sandbox/clock",
                Some(json!({"advance": "75s"})),
            )
            .await;
        assert_eq!(status, 200);
        let since = attempts.last().expect("one")["id"].as_i64().expect("id");
        let (more, _) =
            deliveries(&s, &format!("{}&since={since}&wait=10s", handler(&failing))).await;
        assert_eq!(more.len(), 1, "{more:?}");
        attempts.extend(more);
    }
    let seen: Vec<(i64, &Value, &Value, &Value)> = attempts
        .iter()
        .map(|c| {
            (
                c["attempt"].as_i64().expect("attempt"),
                &c["status"],
                &c["mode"],
                &c["outcome"],
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (1, &json!(500), &json!("fail"), &json!("retry")),
            (2, &json!(500), &json!("fail"), &json!("retry")),
            (3, &json!(500), &json!("fail"), &json!("disabled")),
        ]
    );
    let at: Vec<i64> = attempts
        .iter()
        .map(|c| c["at"].as_i64().expect("at"))
        .collect();
    assert!(
        at[1] - at[0] >= 75_000 && at[2] - at[1] >= 75_000,
        "Portico's clock: {at:?}"
    );
    // Each attempt is captured with its own request: one delivery, one
    // message id, each signed for its own time.
    let header = |c: &Value, name: &str| {
        headers_of(c)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("no {name} in {c}"))
    };
    for c in &attempts {
        assert_eq!(c["delivery_id"], attempts[0]["delivery_id"]);
        assert_eq!(header(c, "webhook-id"), header(&attempts[0], "webhook-id"));
        let body = form(c["body"].as_str().expect("body"));
        assert_eq!(body["ts"], header(c, "webhook-timestamp"));
    }
    assert!(got.try_recv().is_err(), "neither handler was sent anything");

    let (_, cleared) = s.api(Method::DELETE, "/sandbox/handlers", None).await;
    assert_eq!(cleared["cleared"], json!(2));
}

#[tokio::test]
async fn deliveries_long_poll_and_filter() {
    let s = sandbox(&[], &[]);
    let (url, _got) = receiver(200).await;
    outbound(&s, &url, "ONCRMLEADADD,ONCRMCONTACTADD");

    // Nothing yet: the wait runs out and answers empty.
    let started = Instant::now();
    let (none, next_since) = deliveries(&s, "wait=1s").await;
    assert!(none.is_empty() && next_since == 0, "{none:?}");
    assert!(started.elapsed() >= Duration::from_secs(1));

    // A poll for leads answers when the lead's event arrives, not the contact's.
    let poll = {
        let base = s.base().to_owned();
        let key = text(&s.printed, "sandbox_key").to_owned();
        tokio::spawn(async move {
            reqwest::Client::new()
                .get(format!(
                    "{base}/sandbox/deliveries?event=oncrmleadadd&wait=30s"
                ))
                .bearer_auth(key)
                .send()
                .await
                .expect("poll")
                .json::<Value>()
                .await
                .expect("JSON")
        })
    };
    s.ok("crm.contact.add", json!({"fields": {"NAME": "First"}}))
        .await;
    let contact = captured(&s, "event=ONCRMCONTACTADD", 1).await;
    assert!(
        !poll.is_finished(),
        "a contact does not answer a poll for leads"
    );
    s.ok("crm.lead.add", json!({"fields": {"TITLE": "Second"}}))
        .await;
    let answered = tokio::time::timeout(Duration::from_secs(20), poll)
        .await
        .expect("the poll answers when the lead's event is captured")
        .expect("poll task");
    let leads = answered["deliveries"].as_array().expect("deliveries");
    assert_eq!(leads.len(), 1, "{answered}");
    assert_eq!(leads[0]["event"], json!("ONCRMLEADADD"));
    assert_eq!(answered["next_since"], leads[0]["id"]);

    // Oldest first; `since` and `handler` filter.
    let (all, last) = deliveries(&s, "").await;
    assert_eq!(all.len(), 2);
    assert_eq!(
        (&all[0]["id"], &all[1]["id"]),
        (&contact[0]["id"], &leads[0]["id"])
    );
    assert_eq!(json!(last), leads[0]["id"]);
    let (after, _) = deliveries(&s, &format!("since={}", all[0]["id"])).await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["event"], json!("ONCRMLEADADD"));
    let (elsewhere, _) = deliveries(&s, "handler=http%3A%2F%2F127.0.0.1%3A9%2Fother").await;
    assert!(elsewhere.is_empty());

    // Bad parameters are named; the API wants the sandbox key.
    for (query, named) in [
        ("limit=0", "limit"),
        ("wait=2m", "wait"),
        ("since=x", "since"),
        ("colour=red", "colour"),
    ] {
        let (status, error) = s
            .api(Method::GET, &format!("/sandbox/deliveries?{query}"), None)
            .await;
        assert_eq!(status, 400, "{query}: {error}");
        assert!(
            error["error_description"]
                .as_str()
                .is_some_and(|d| d.contains(named)),
            "{query}: {error}"
        );
    }
    let (status, error) = s
        .api(
            Method::PUT,
            "/sandbox/handlers",
            Some(json!({"handler": url, "mode": "sometimes"})),
        )
        .await;
    assert_eq!(status, 400, "{error}");
    for key in [None, Some("wrong-key-123")] {
        let mut request = reqwest::Client::new().get(format!("{}/sandbox/deliveries", s.base()));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status().as_u16(), 401);
    }
}

#[tokio::test]
async fn a_normal_server_neither_captures_nor_has_the_api() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let server = Server::start(&data, &["--allow-private-handlers"]);
    let client = reqwest::Client::new();
    for path in ["/sandbox/deliveries", "/sandbox/handlers"] {
        let response = client
            .get(format!("{}{path}", server.base))
            .bearer_auth("anything1234")
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
    // Its deliveries go out, and nothing of them is captured.
    let (url, mut got) = receiver(200).await;
    let hook = add_webhook(&data, &["--user", "admin", "--scope", "crm"]);
    subscribe_admin(&data, &url, "ONCRMLEADADD");
    let added: Value = client
        .post(format!("{hook}crm.lead.add.json"))
        .json(&json!({"fields": {"TITLE": "Not captured"}}))
        .send()
        .await
        .expect("lead")
        .json()
        .await
        .expect("JSON");
    assert!(added["result"].is_i64(), "{added}");
    next(&mut got).await;
    let db = rusqlite::Connection::open_with_flags(
        data.join("portico.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("database");
    let count = |sql: &str| db.query_row(sql, [], |r| r.get::<_, i64>(0)).expect(sql);
    let until = Instant::now() + Duration::from_secs(10);
    while count("SELECT count(*) FROM event_deliveries WHERE state = 'delivered'") == 0 {
        assert!(Instant::now() < until, "the delivery was never recorded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(count("SELECT count(*) FROM sandbox_deliveries"), 0);
}
