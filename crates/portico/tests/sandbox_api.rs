//! The sandbox API of a real `portico sandbox`: a reset returns the whole
//! database — compared table by table, row by row — to the seeded state after
//! writes to every kind of record; snapshots keep a test's own starting point
//! with the same ids; the test clock expires OAuth tokens and refills limits;
//! faults answer as Bitrix24 does and run out; the API is 404 on a normal
//! `serve` and wants the sandbox key.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::Method;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::{json, Value};

use common::receiver::{next, receiver};
use common::sandbox::{sandbox, text, Sandbox};
use common::Server;

/// Every row of every table of the database in `data`, as text, sorted per table.
fn dump(data: &Path) -> Vec<String> {
    let db = Connection::open_with_flags(
        data.join("portico.sqlite3"),
        OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open the database");
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("tables");
    let mut lines = Vec::new();
    for table in tables {
        let mut stmt = db
            .prepare(&format!("SELECT * FROM \"{table}\""))
            .expect("select");
        let width = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |row| {
                let cells: Vec<String> = (0..width)
                    .map(|i| match row.get_ref(i) {
                        Ok(ValueRef::Null) => "NULL".to_owned(),
                        Ok(ValueRef::Integer(n)) => n.to_string(),
                        Ok(ValueRef::Real(x)) => x.to_string(),
                        Ok(ValueRef::Text(t)) => String::from_utf8_lossy(t).into_owned(),
                        Ok(ValueRef::Blob(b)) => format!("{b:?}"),
                        Err(e) => format!("error {e}"),
                    })
                    .collect();
                Ok(format!("{table}: {}", cells.join(" | ")))
            })
            .and_then(|rows| rows.collect())
            .expect("rows");
        rows.sort();
        lines.push(format!("{table}: {} rows", rows.len()));
        lines.extend(rows);
    }
    lines
}

/// An access token for the sandbox's application and user 1, through a
/// sandbox authorization code and the real token endpoint: the token answer.
async fn oauth_tokens(s: &Sandbox) -> Value {
    let (status, code) = s
        .api(
            Method::POST,
            "/sandbox/oauth/code",
            Some(json!({"client_id": text(&s.printed, "client_id")})),
        )
        .await;
    assert_eq!(status, 200, "{code}");
    let tokens: Value = reqwest::Client::new()
        .post(text(&s.printed, "oauth_token_url"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", text(&s.printed, "client_id")),
            ("client_secret", text(&s.printed, "client_secret")),
            ("code", text(&code, "code")),
        ])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("JSON");
    assert!(tokens["access_token"].is_string(), "{tokens}");
    tokens
}

/// A REST call with an application's access token: status and answer.
async fn app_call(s: &Sandbox, token: &str, method: &str, params: Value) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/rest/{method}.json", s.base()))
        .bearer_auth(token)
        .json(&params)
        .send()
        .await
        .expect("REST call");
    (res.status().as_u16(), res.json().await.expect("JSON"))
}

#[tokio::test]
async fn a_reset_returns_every_table_to_the_seeded_state() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let s = sandbox(&["--data-dir", data.to_str().expect("path")], &[]);
    let seeded = dump(&data);

    // Writes to every kind of record.
    let tokens = oauth_tokens(&s).await;
    let access = text(&tokens, "access_token");
    let (handler, mut received) = receiver(200).await;
    let (status, bound) = app_call(
        &s,
        access,
        "event.bind",
        json!({"event": "ONCRMLEADADD", "handler": handler}),
    )
    .await;
    assert_eq!(status, 200, "{bound}");
    let company = s
        .ok("crm.company.add", json!({"fields": {"TITLE": "Acme"}}))
        .await;
    let contact = s
        .ok(
            "crm.contact.add",
            json!({"fields": {"NAME": "Ana", "COMPANY_ID": company, "PHONE": [{"VALUE": "+5511999990000"}]}}),
        )
        .await;
    s.ok("crm.lead.add", json!({"fields": {"TITLE": "Lead"}}))
        .await;
    let deal = s
        .ok(
            "crm.deal.add",
            json!({"fields": {"TITLE": "Deal", "CONTACT_ID": contact}}),
        )
        .await;
    s.ok(
        "crm.deal.update",
        json!({"id": deal, "fields": {"STAGE_ID": "PREPARATION"}}),
    )
    .await;
    s.ok(
        "crm.lead.userfield.add",
        json!({"fields": {"FIELD_NAME": "SOURCE_CODE", "USER_TYPE_ID": "string"}}),
    )
    .await;
    s.ok(
        "crm.status.add",
        json!({"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "FAIR", "NAME": "Fair"}}),
    )
    .await;
    s.ok(
        "crm.category.add",
        json!({"entityTypeId": 2, "fields": {"name": "Partners"}}),
    )
    .await;
    let department = s
        .ok("department.add", json!({"NAME": "Sales", "PARENT": 1}))
        .await;
    s.ok(
        "user.add",
        json!({"EMAIL": "bia@example.com", "NAME": "Bia", "UF_DEPARTMENT": [department]}),
    )
    .await;
    s.ok("sonet_group.create", json!({"NAME": "Launch"})).await;
    let task = s
        .ok(
            "tasks.task.add",
            json!({"fields": {"TITLE": "Call Ana", "RESPONSIBLE_ID": 1}}),
        )
        .await;
    let task_id = task["task"]["id"].clone();
    s.ok(
        "task.commentitem.add",
        json!([task_id, {"POST_MESSAGE": "Called"}]),
    )
    .await;
    let (status, answer) = app_call(
        &s,
        access,
        "app.option.set",
        json!({"options": {"mode": "test"}}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let (status, _) = s
        .api(
            Method::POST,
            "/sandbox/faults",
            Some(json!({"method": "crm.deal.get", "error": "QUERY_LIMIT_EXCEEDED"})),
        )
        .await;
    assert_eq!(status, 200);
    next(&mut received).await;
    // Let the delivery be marked delivered before comparing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let written = dump(&data);
    assert_ne!(written, seeded, "the writes changed the database");

    let (status, answer) = s.api(Method::POST, "/sandbox/reset", None).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["restored"], json!("seed"));
    let reset = dump(&data);
    let lost: Vec<_> = seeded.iter().filter(|l| !reset.contains(l)).collect();
    let gained: Vec<_> = reset.iter().filter(|l| !seeded.contains(l)).collect();
    assert!(
        lost.is_empty() && gained.is_empty(),
        "lost {lost:#?}, gained {gained:#?}"
    );
    assert_eq!(reset, seeded);

    // Ids start again where the seed left them.
    let lead = s
        .ok("crm.lead.add", json!({"fields": {"TITLE": "Again"}}))
        .await;
    assert_eq!(lead, json!(1));
    let (_, old_token) = app_call(&s, access, "app.info", json!({})).await;
    assert_eq!(old_token["error"], json!("invalid_token"), "{old_token}");
}

#[tokio::test]
async fn snapshots_keep_a_starting_point_with_the_same_ids() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let s = sandbox(&["--data-dir", data.to_str().expect("path")], &[]);
    let first = s
        .ok("crm.lead.add", json!({"fields": {"TITLE": "First"}}))
        .await;
    let (status, saved) = s
        .api(Method::POST, "/sandbox/snapshots/one-lead", None)
        .await;
    assert_eq!(status, 200, "{saved}");
    let second = s
        .ok("crm.lead.add", json!({"fields": {"TITLE": "Second"}}))
        .await;
    assert_eq!((first, second.clone()), (json!(1), json!(2)));

    let (status, _) = s
        .api(Method::POST, "/sandbox/snapshots/one-lead/restore", None)
        .await;
    assert_eq!(status, 200);
    let (_, list) = s
        .rest("crm.lead.list", json!({"select": ["ID", "TITLE"]}))
        .await;
    assert_eq!(list["total"], json!(1), "{list}");
    assert_eq!(list["result"][0]["TITLE"], json!("First"));
    let again = s
        .ok("crm.lead.add", json!({"fields": {"TITLE": "Second again"}}))
        .await;
    assert_eq!(again, second, "the same id as before the restore");

    let (status, missing) = s
        .api(Method::POST, "/sandbox/snapshots/nothing/restore", None)
        .await;
    assert_eq!(status, 404, "{missing}");
    let (status, seed) = s.api(Method::POST, "/sandbox/snapshots/seed", None).await;
    assert_eq!(status, 400, "the seed is not overwritten: {seed}");
    let (status, bad) = s.api(Method::POST, "/sandbox/snapshots/..%2Fx", None).await;
    assert_eq!(status, 400, "{bad}");
    assert!(bad["error_description"].is_string(), "{bad}");

    // The command line resets the running sandbox found in its data folder.
    let out = common::ok(&data, &["sandbox", "reset"]);
    assert!(out.contains("restored to 'seed'"), "{out}");
    let (_, list) = s.rest("crm.lead.list", json!({})).await;
    assert_eq!(list["total"], json!(0), "{list}");
}

#[tokio::test]
async fn the_test_clock_expires_tokens_and_refills_limits() {
    let s = sandbox(&[], &[("PORTICO_PLAN", "standard")]);
    let tokens = oauth_tokens(&s).await;
    let access = text(&tokens, "access_token");
    let (status, _) = app_call(&s, access, "app.info", json!({})).await;
    assert_eq!(status, 200);

    let (status, clock) = s
        .api(
            Method::POST,
            "/sandbox/clock",
            Some(json!({"advance": "3601s"})),
        )
        .await;
    assert_eq!(status, 200, "{clock}");
    assert_eq!(clock["shift_ms"], json!(3_601_000));
    let (status, expired) = app_call(&s, access, "app.info", json!({})).await;
    assert_eq!((status, &expired["error"]), (401, &json!("expired_token")));
    // The REST `time` block and server.time read the same clock.
    let (_, time) = s.rest("server.time", json!({})).await;
    let now = chrono::DateTime::parse_from_rfc3339(time["result"].as_str().expect("time"))
        .expect("RFC 3339");
    assert!(
        (now.timestamp() - clock["now"].as_i64().expect("now")).abs() < 60,
        "{time} vs {clock}"
    );

    let refreshed: Value = reqwest::Client::new()
        .post(text(&s.printed, "oauth_token_url"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", text(&s.printed, "client_id")),
            ("client_secret", text(&s.printed, "client_secret")),
            ("refresh_token", text(&tokens, "refresh_token")),
        ])
        .send()
        .await
        .expect("refresh")
        .json()
        .await
        .expect("JSON");
    // Issued an hour after the shifted clock's "now" (read a moment earlier, so a second may
    // have passed in between).
    let issued_after = refreshed["expires"].as_i64().expect("expires") - 3600;
    let shifted_now = clock["now"].as_i64().expect("now");
    assert!(
        (shifted_now..shifted_now + 60).contains(&issued_after),
        "{refreshed} vs {clock}"
    );
    let (status, _) = app_call(&s, text(&refreshed, "access_token"), "app.info", json!({})).await;
    assert_eq!(status, 200);

    // The cloud limits (the sandbox's default) of a standard plan: a burst of 50, then 503 until
    // the bucket drains, which a clock advance does at once.
    let mut refused = None;
    for _ in 0..60 {
        let (status, answer) = s.rest("server.time", json!({})).await;
        if status != 200 {
            refused = Some((status, answer));
            break;
        }
    }
    let (status, answer) = refused.expect("the burst ends");
    assert_eq!(
        (status, &answer["error"]),
        (503, &json!("QUERY_LIMIT_EXCEEDED"))
    );
    let (status, _) = s
        .api(
            Method::POST,
            "/sandbox/clock",
            Some(json!({"advance": "30s"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, answer) = s.rest("server.time", json!({})).await;
    assert_eq!(status, 200, "{answer}");

    let (status, bad) = s
        .api(
            Method::POST,
            "/sandbox/clock",
            Some(json!({"advance": "soon"})),
        )
        .await;
    assert_eq!(status, 400, "{bad}");
    let (status, set) = s
        .api(
            Method::POST,
            "/sandbox/clock",
            Some(json!({"set": "2030-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(
        (status, set["now"].as_i64().map(|n| n / 60)),
        (200, Some(1_893_456_000 / 60))
    );
}

#[tokio::test]
async fn faults_answer_as_bitrix24_and_run_out() {
    let s = sandbox(&[], &[]);
    let lead = s
        .ok("crm.lead.add", json!({"fields": {"TITLE": "Lead"}}))
        .await;
    let (status, armed) = s
        .api(
            Method::POST,
            "/sandbox/faults",
            Some(json!({"method": "CRM.LEAD.GET", "times": 2, "error": "QUERY_LIMIT_EXCEEDED"})),
        )
        .await;
    assert_eq!(status, 200, "{armed}");
    assert_eq!(armed["fault"]["method"], json!("crm.lead.get"));
    for _ in 0..2 {
        let (status, answer) = s.rest("crm.lead.get", json!({"id": lead})).await;
        assert_eq!(
            (status, answer),
            (
                503,
                json!({"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"})
            )
        );
    }
    let (status, _) = s.rest("crm.lead.get", json!({"id": lead})).await;
    assert_eq!(status, 200, "two uses, then the method runs");

    // An integration's fault leaves other integrations alone.
    let (_, armed) = s
        .api(
            Method::POST,
            "/sandbox/faults",
            Some(json!({"integration": "app:99", "error": "expired_token"})),
        )
        .await;
    assert_eq!(armed["fault"]["integration"], json!("app:99"));
    let (status, _) = s.rest("crm.lead.get", json!({"id": lead})).await;
    assert_eq!(status, 200);
    let (_, listed) = s.api(Method::GET, "/sandbox/faults", None).await;
    assert_eq!(
        listed["faults"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
    let (_, cleared) = s.api(Method::DELETE, "/sandbox/faults", None).await;
    assert_eq!(cleared["cleared"], json!(1));

    // A delay holds the call, then it runs.
    s.api(
        Method::POST,
        "/sandbox/faults",
        Some(json!({"method": "crm.lead.get", "delay_ms": 400})),
    )
    .await;
    let started = Instant::now();
    let (status, _) = s.rest("crm.lead.get", json!({"id": lead})).await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(400));
    s.api(
        Method::POST,
        "/sandbox/faults",
        Some(json!({"error": "INTERNAL_SERVER_ERROR"})),
    )
    .await;
    let (status, answer) = s.rest("profile", json!({})).await;
    assert_eq!(
        (status, &answer["error"]),
        (500, &json!("INTERNAL_SERVER_ERROR"))
    );

    for (body, names) in [
        (
            json!({"method": "crm.nothing", "error": "QUERY_LIMIT_EXCEEDED"}),
            "crm.nothing",
        ),
        (json!({"error": "TEAPOT"}), "TEAPOT"),
        (json!({"method": "crm.lead.get"}), "delay_ms"),
        (
            json!({"error": "QUERY_LIMIT_EXCEEDED", "times": 0}),
            "times",
        ),
        (json!({"error": "QUERY_LIMIT_EXCEEDED", "when": 1}), "when"),
    ] {
        let (status, refused) = s.api(Method::POST, "/sandbox/faults", Some(body)).await;
        assert_eq!(status, 400, "{refused}");
        let why = refused["error_description"].as_str().unwrap_or_default();
        assert!(why.contains(names), "{why}");
    }
}

#[tokio::test]
async fn the_sandbox_api_exists_only_in_a_sandbox_and_wants_its_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(&dir.path().join("data"), &[]);
    for path in ["/sandbox/reset", "/sandbox/clock", "/sandbox/faults"] {
        let res = reqwest::Client::new()
            .post(format!("{}{path}", server.base))
            .bearer_auth("anything")
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 404, "{path}");
        let body: Value = res.json().await.expect("a JSON error");
        assert!(body["error"].is_string(), "{body}");
    }

    let s = sandbox(&["--sandbox-key", "Sandb0xKeyOnly42"], &[]);
    assert_eq!(text(&s.printed, "sandbox_key"), "Sandb0xKeyOnly42");
    let (status, clock) = s.api(Method::GET, "/sandbox/clock", None).await;
    assert_eq!(status, 200, "{clock}");
    for key in [
        None,
        Some(text(&s.printed, "webhook_key")),
        Some("Sandb0xKeyOnly4"),
    ] {
        let mut request = reqwest::Client::new().post(format!("{}/sandbox/reset", s.base()));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let res = request.send().await.expect("request");
        assert_eq!(res.status().as_u16(), 401, "{key:?}");
        let body: Value = res.json().await.expect("a JSON error");
        assert_eq!(body["error"], json!("INVALID_CREDENTIALS"));
    }
}
