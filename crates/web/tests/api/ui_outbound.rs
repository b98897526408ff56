//! Outbound webhooks in the UI over HTTP: creating one with the form (CSRF
//! required), SSRF refusals shown on the form with the input kept, the token
//! and the once-shown signing secret and their regeneration, who may see and
//! touch whose outbound webhook (404 for anyone else), the delivery log's
//! filters, replaying one delivery and every failed one of a range, the test
//! event, and the Integrations list saying why a handler is switched off.

use std::time::{SystemTime, UNIX_EPOCH};

use portico_store::{AttemptRecord, AttemptVerdict, DeliveryQuery, DeliveryState, DisableReason};
use serde_json::json;

use crate::common::TestApp;
use crate::ui_client::{input_value, Page, UiClient};

/// Now, Unix seconds.
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// The id in the page's `action="/developer/outbound/ID"` form.
fn form_id(page: &Page) -> i64 {
    let marker = "action=\"/developer/outbound/";
    let at = page
        .body
        .find(marker)
        .unwrap_or_else(|| panic!("no outbound form: {}", page.body))
        + marker.len();
    let digits: String = page.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().expect("webhook id")
}

/// Submits the new-webhook form with `csrf` (when given); returns the answer.
async fn submit_new(ui: &UiClient, csrf: Option<&str>, url: &str, events: &[&str]) -> Page {
    let mut fields = vec![("name", "Orders <sync>"), ("handler_url", url)];
    if let Some(token) = csrf {
        fields.push(("csrf", token));
    }
    fields.extend(events.iter().map(|e| ("event", *e)));
    fields.push(("single_attempt", "1"));
    fields.push(("action", "save"));
    ui.post_form("/developer/outbound/new", &fields).await
}

/// Creates an outbound webhook through the form; returns its id and the page.
async fn create(ui: &UiClient, url: &str, events: &[&str]) -> (i64, Page) {
    let form = ui.get("/developer/outbound/new").await;
    assert_eq!(form.status, 200, "{}", form.body);
    let done = submit_new(ui, Some(&form.csrf()), url, events).await;
    assert_eq!(done.status, 200, "{}", done.body);
    (form_id(&done), done)
}

/// Claims every due delivery of webhook `hook` and records `verdict_of` for each.
async fn finish_all(app: &TestApp, hook: i64, verdict_of: impl Fn(i64) -> AttemptVerdict) {
    let claimed = app
        .store
        .claim_deliveries(now() + 5, 60, 100)
        .await
        .expect("claim");
    for c in claimed.into_iter().filter(|c| c.webhook.id == hook) {
        let verdict = verdict_of(c.delivery_id);
        let status = if verdict == AttemptVerdict::Delivered {
            200
        } else {
            500
        };
        let recorded = app
            .store
            .record_attempt(AttemptRecord {
                delivery_id: c.delivery_id,
                lease_token: c.lease_token,
                attempt: c.attempt,
                started_at: now(),
                duration_ms: 7,
                status: Some(status),
                response: format!("answer {status}"),
                error: None,
                verdict,
                recorded_at: now(),
            })
            .await
            .expect("record");
        assert!(recorded);
    }
}

/// Delivery ids of webhook `hook`, newest first.
async fn delivery_ids(app: &TestApp, hook: i64) -> Vec<i64> {
    app.store
        .list_deliveries(hook, DeliveryQuery::newest(100))
        .await
        .expect("deliveries")
        .iter()
        .map(|d| d.id)
        .collect()
}

/// Whether the log page lists delivery `id`.
fn lists(page: &Page, id: i64) -> bool {
    page.contains(&format!("class=\"delivery\" data-id=\"{id}\""))
}

#[tokio::test]
async fn the_form_creates_an_outbound_webhook_and_shows_its_secret_once() {
    let app = TestApp::start().await;
    let bob_id = app.add_user("bob", false).await;
    let bob = app.sign_in_as(bob_id).await;

    let cases = bob.get("/developer").await;
    assert!(cases.contains("href=\"/developer/outbound/new\""));
    let form = bob.get("/developer/outbound/new").await;
    assert!(form.contains("ONCRMLEADADD — a lead was added"));
    assert!(form.contains("data-scope=\"user\""));

    // Without the session's CSRF token nothing is created.
    let refused = submit_new(&bob, None, "https://example.com/h", &["ONCRMLEADADD"]).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let wrong = submit_new(
        &bob,
        Some("forged"),
        "https://example.com/h",
        &["ONCRMLEADADD"],
    )
    .await;
    assert_eq!(wrong.status, 403);
    assert!(app
        .store
        .list_outbound_webhooks(None)
        .await
        .expect("list")
        .is_empty());

    let (id, created) = create(
        &bob,
        "https://example.com/h",
        &["ONCRMLEADADD", "ONCRMDEALUPDATE"],
    )
    .await;
    assert!(created.contains("Orders &lt;sync&gt;"), "names are escaped");
    let shown = |page: &Page, id: &str| -> Option<String> {
        let at = page.body.find(&format!("id=\"{id}\""))?;
        let tag_start = page.body[..at].rfind("<input")?;
        let tag = &page.body[tag_start..tag_start + page.body[tag_start..].find('>')?];
        let v = tag.find(" value=\"")? + 8;
        Some(tag[v..v + tag[v..].find('"')?].to_owned())
    };
    let token = shown(&created, "outbound-token").expect("token shown");
    assert!(
        created.contains("src=\"/static/builder.js\""),
        "the script behind the copy buttons"
    );
    let secret = shown(&created, "outbound-secret").expect("secret shown after creation");
    assert!(secret.starts_with("whsec_"));
    let stored = app
        .store
        .outbound_webhook_by_id(id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.user_id, bob_id);
    assert_eq!(stored.handler_url, "https://example.com/h");
    assert_eq!(stored.events, vec!["ONCRMDEALUPDATE", "ONCRMLEADADD"]);
    assert!(stored.single_attempt && stored.active);
    assert_eq!(
        app.secrets.decrypt(&stored.application_token_sealed),
        Some(token.clone())
    );
    assert_eq!(
        app.secrets.decrypt(&stored.signing_secret_sealed),
        Some(secret.clone())
    );

    // The edit page shows the token to its owner, never the secret again.
    let edit = bob.get(&format!("/developer/outbound/{id}")).await;
    assert_eq!(edit.status, 200);
    assert_eq!(shown(&edit, "outbound-token"), Some(token));
    assert!(!edit.contains(&secret));
    assert!(edit.contains("id=\"secret-hidden\""));

    // Saving changes name, URL, events, single attempt and on/off.
    let saved = bob
        .submit(
            &format!("/developer/outbound/{id}"),
            &format!("/developer/outbound/{id}"),
            &[
                ("name", "Renamed"),
                ("handler_url", "https://example.org/new"),
                ("event", "ONUSERADD"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(
        saved.location(),
        format!("/developer/outbound/{id}?done=saved")
    );
    let after = app
        .store
        .outbound_webhook_by_id(id)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(
        (
            after.name.as_str(),
            after.handler_url.as_str(),
            after.events.clone()
        ),
        (
            "Renamed",
            "https://example.org/new",
            vec!["ONUSERADD".to_owned()]
        )
    );
    assert!(!after.single_attempt && !after.active);
    assert_eq!(
        after.disabled.map(|d| d.reason),
        Some(DisableReason::Manual)
    );
}

#[tokio::test]
async fn private_handler_urls_are_refused_unless_the_server_allows_them() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let form = admin.get("/developer/outbound/new").await;
    let refused = submit_new(
        &admin,
        Some(&form.csrf()),
        "http://127.0.0.1:9/hook",
        &["ONCRMLEADADD"],
    )
    .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.contains("id=\"outbound-error\""));
    assert!(refused.contains("does not deliver to loopback, private or link-local addresses"));
    assert_eq!(
        input_value(&refused.body, "handler_url").as_deref(),
        Some("http://127.0.0.1:9/hook"),
        "the input is kept"
    );
    assert_eq!(
        input_value(&refused.body, "name").as_deref(),
        Some("Orders <sync>")
    );
    assert!(refused.contains("value=\"ONCRMLEADADD\" checked"));
    let no_events = submit_new(&admin, Some(&form.csrf()), "https://example.com/", &[]).await;
    assert_eq!(no_events.status, 400);
    assert!(no_events.contains("Choose at least one event"));
    assert!(app
        .store
        .list_outbound_webhooks(None)
        .await
        .expect("list")
        .is_empty());

    // In Portuguese the refusal is Portuguese.
    let set = admin
        .submit("/developer", "/settings/language", &[("lang", "pt-BR")])
        .await;
    assert_eq!(set.status, 303, "{}", set.body);
    let pt = submit_new(
        &admin,
        Some(&form.csrf()),
        "http://10.0.0.1/hook",
        &["ONCRMLEADADD"],
    )
    .await;
    assert_eq!(pt.status, 400);
    assert!(pt.contains("Este servidor não faz entregas"), "{}", pt.body);

    let allowing = TestApp::start_with(|s| s.with_allow_private_handlers(true)).await;
    let admin = allowing.sign_in_as(1).await;
    let (id, _) = create(&admin, "http://127.0.0.1:9/hook", &["ONCRMLEADADD"]).await;
    assert!(allowing
        .store
        .outbound_webhook_by_id(id)
        .await
        .expect("read")
        .is_some());
}

#[tokio::test]
async fn another_user_gets_404_and_cannot_act_on_it() {
    let app = TestApp::start().await;
    let alice_id = app.add_user("alice", false).await;
    let bob_id = app.add_user("bob", false).await;
    let alice = app.sign_in_as(alice_id).await;
    let bob = app.sign_in_as(bob_id).await;
    let (id, _) = create(&alice, "https://example.com/a", &["ONCRMLEADADD"]).await;
    app.ok("crm.lead.add", json!({"fields": {"TITLE": "L"}}))
        .await;
    finish_all(&app, id, |_| AttemptVerdict::GiveUp).await;
    let delivery = delivery_ids(&app, id).await[0];
    let before = app.store.outbound_webhook_by_id(id).await.expect("read");

    for path in ["", "/log", "/delete"] {
        let page = bob.get(&format!("/developer/outbound/{id}{path}")).await;
        assert_eq!(page.status, 404, "GET {path}");
    }
    let missing = bob.get("/developer/outbound/99999/log").await;
    assert_eq!(missing.status, 404);
    let csrf = bob.get("/developer").await.csrf();
    let delivery_text = delivery.to_string();
    for (path, extra) in [
        (
            "",
            vec![
                ("name", "x"),
                ("handler_url", "https://x.example/"),
                ("event", "ONUSERADD"),
            ],
        ),
        ("", vec![("action", "regenerate-token")]),
        ("/enable", vec![]),
        ("/delete", vec![]),
        ("/log/replay", vec![("delivery", delivery_text.as_str())]),
        (
            "/log/replay-failed",
            vec![("from", "2000-01-01T00:00"), ("to", "2100-01-01T00:00")],
        ),
        ("/log/test", vec![]),
    ] {
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend(extra);
        let page = bob
            .post_form(&format!("/developer/outbound/{id}{path}"), &fields)
            .await;
        assert_eq!(page.status, 404, "POST {path}: {}", page.body);
    }
    assert_eq!(
        app.store.outbound_webhook_by_id(id).await.expect("read"),
        before
    );
    let deliveries = app
        .store
        .list_deliveries(id, DeliveryQuery::newest(10))
        .await
        .expect("list");
    assert_eq!(deliveries.len(), 1, "no test event");
    assert_eq!(deliveries[0].state, DeliveryState::Failed, "not replayed");

    // An administrator sees it and its log, but not its token.
    let admin = app.sign_in_as(1).await;
    let edit = admin.get(&format!("/developer/outbound/{id}")).await;
    assert_eq!(edit.status, 200);
    assert!(edit.contains("id=\"token-hidden\""));
    assert!(!edit.contains("id=\"outbound-token\""));
    assert_eq!(
        admin
            .get(&format!("/developer/outbound/{id}/log"))
            .await
            .status,
        200
    );
    let takeover = admin
        .submit(
            &format!("/developer/outbound/{id}"),
            &format!("/developer/outbound/{id}"),
            &[("action", "regenerate-secret")],
        )
        .await;
    assert_eq!(takeover.status, 403, "only the owner regenerates");
}

#[tokio::test]
async fn regenerating_replaces_the_token_and_the_secret() {
    let app = TestApp::start().await;
    let owner = app.sign_in_as(1).await;
    let (id, _) = create(&owner, "https://example.com/r", &["ONCRMLEADADD"]).await;
    let sealed = |app: &TestApp| {
        let store = app.store.clone();
        let secrets = app.secrets.clone();
        async move {
            let w = store
                .outbound_webhook_by_id(id)
                .await
                .expect("read")
                .expect("w");
            (
                secrets.decrypt(&w.application_token_sealed).expect("token"),
                secrets.decrypt(&w.signing_secret_sealed).expect("secret"),
            )
        }
    };
    let (token, secret) = sealed(&app).await;
    let page = format!("/developer/outbound/{id}");
    let done = owner
        .submit(&page, &page, &[("action", "regenerate-token")])
        .await;
    assert_eq!(
        done.location(),
        format!("/developer/outbound/{id}?done=token")
    );
    let (token2, secret2) = sealed(&app).await;
    assert_ne!(token2, token);
    assert_eq!(secret2, secret);
    let shown = owner.get(done.location()).await;
    assert!(shown.contains(&token2) && !shown.contains(&token));

    let again = owner
        .submit(&page, &page, &[("action", "regenerate-secret")])
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    let (token3, secret3) = sealed(&app).await;
    assert_eq!(token3, token2);
    assert_ne!(secret3, secret);
    assert!(
        again.contains(&secret3),
        "the new secret is shown this once"
    );
    assert!(!owner.get(&page).await.contains(&secret3));
}

#[tokio::test]
async fn the_log_filters_replays_and_sends_a_test_event() {
    let app = TestApp::start().await;
    let owner = app.sign_in_as(1).await;
    let (hook, _) = create(
        &owner,
        "https://example.com/log",
        &["ONCRMLEADADD", "ONCRMLEADUPDATE"],
    )
    .await;
    let (other, _) = create(&owner, "https://example.com/other", &["ONCRMLEADADD"]).await;
    let first = app
        .ok("crm.lead.add", json!({"fields": {"TITLE": "A"}}))
        .await;
    app.ok("crm.lead.add", json!({"fields": {"TITLE": "B"}}))
        .await;
    app.ok(
        "crm.lead.update",
        json!({"id": first, "fields": {"TITLE": "A2"}}),
    )
    .await;
    let ids = delivery_ids(&app, hook).await;
    let [update, add2, add1] = ids[..] else {
        panic!("three deliveries expected: {ids:?}");
    };
    finish_all(&app, hook, |d| {
        if d == add1 {
            AttemptVerdict::Delivered
        } else {
            AttemptVerdict::GiveUp
        }
    })
    .await;
    let log = format!("/developer/outbound/{hook}/log");

    let all = owner.get(&log).await;
    assert_eq!(all.status, 200);
    assert!(lists(&all, update) && lists(&all, add2) && lists(&all, add1));
    assert!(
        all.contains("answer 500") && all.contains("answer 200"),
        "attempts shown"
    );
    let failed = owner.get(&format!("{log}?state=failed")).await;
    assert!(lists(&failed, update) && lists(&failed, add2) && !lists(&failed, add1));
    let updates = owner.get(&format!("{log}?event=ONCRMLEADUPDATE")).await;
    assert!(lists(&updates, update) && !lists(&updates, add2) && !lists(&updates, add1));
    let both = owner
        .get(&format!("{log}?state=failed&event=ONCRMLEADADD"))
        .await;
    assert!(lists(&both, add2) && !lists(&both, update) && !lists(&both, add1));

    // Replay one: it is pending again; another webhook's delivery is not found here.
    let replayed = owner
        .submit(
            &log,
            &format!("{log}/replay"),
            &[("delivery", &add2.to_string())],
        )
        .await;
    assert_eq!(replayed.location(), format!("{log}?done=replayed"));
    let pending = app
        .store
        .list_deliveries(
            hook,
            DeliveryQuery {
                state: Some(DeliveryState::Pending),
                ..DeliveryQuery::newest(10)
            },
        )
        .await
        .expect("pending");
    assert_eq!(pending.iter().map(|d| d.id).collect::<Vec<_>>(), vec![add2]);
    let foreign = delivery_ids(&app, other).await[0];
    let not_here = owner
        .submit(
            &log,
            &format!("{log}/replay"),
            &[("delivery", &foreign.to_string())],
        )
        .await;
    assert_eq!(not_here.status, 404);

    // Replay every failed delivery of a range: only the update is still failed.
    let minute = |at: i64| {
        chrono::DateTime::from_timestamp(at, 0)
            .expect("instant")
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let range = owner
        .submit(
            &log,
            &format!("{log}/replay-failed"),
            &[
                ("from", &minute(now() - 3_600)),
                ("to", &minute(now() + 60)),
            ],
        )
        .await;
    assert_eq!(range.location(), format!("{log}?done=range&count=1"));
    assert!(owner
        .get(range.location())
        .await
        .contains("One failed delivery was queued again."));
    let empty = owner
        .submit(
            &log,
            &format!("{log}/replay-failed"),
            &[("from", "2000-01-01T00:00"), ("to", "2000-01-02T00:00")],
        )
        .await;
    assert_eq!(empty.location(), format!("{log}?done=range&count=0"));

    // A test event reaches only this webhook.
    let events_before = app
        .store
        .events_after(0, 1_000)
        .await
        .expect("events")
        .len();
    let test = owner.submit(&log, &format!("{log}/test"), &[]).await;
    assert_eq!(test.location(), format!("{log}?done=test"));
    let events = app.store.events_after(0, 1_000).await.expect("events");
    assert_eq!(events.len(), events_before + 1);
    let event = events.last().expect("test event");
    assert_eq!(event.code, "ONAPPTEST");
    assert_eq!(event.data, json!({"QUERY": {"TEST": "Y"}}));
    let tests = app
        .store
        .list_deliveries(
            hook,
            DeliveryQuery {
                event_code: Some("ONAPPTEST".into()),
                ..DeliveryQuery::newest(10)
            },
        )
        .await
        .expect("tests");
    assert_eq!(tests.len(), 1);
    assert_eq!(tests[0].event_id, event.id);
    let elsewhere = app
        .store
        .list_deliveries(
            other,
            DeliveryQuery {
                event_code: Some("ONAPPTEST".into()),
                ..DeliveryQuery::newest(10)
            },
        )
        .await
        .expect("other");
    assert!(elsewhere.is_empty());
    assert!(lists(
        &owner.get(&format!("{log}?event=ONAPPTEST")).await,
        tests[0].id
    ));
}

#[tokio::test]
async fn integrations_show_why_a_handler_is_off_with_its_log_and_enable() {
    let app = TestApp::start().await;
    let owner = app.sign_in_as(1).await;
    let (id, _) = create(
        &owner,
        "https://example.com/gone",
        &["ONCRMLEADADD", "ONUSERADD"],
    )
    .await;
    app.ok("crm.lead.add", json!({"fields": {"TITLE": "G"}}))
        .await;
    finish_all(&app, id, |_| AttemptVerdict::Disable(DisableReason::Gone)).await;

    let list = owner.get("/developer/integrations").await;
    assert_eq!(list.status, 200);
    assert!(list.contains("ONCRMLEADADD, ONUSERADD"), "events column");
    assert!(
        list.contains("the handler answered 410 Gone"),
        "{}",
        list.body
    );
    assert!(list.contains(&format!("href=\"/developer/outbound/{id}/log\"")));
    assert!(list.contains(&format!("action=\"/developer/outbound/{id}/enable\"")));

    let enabled = owner
        .submit(
            "/developer/integrations",
            &format!("/developer/outbound/{id}/enable"),
            &[],
        )
        .await;
    assert_eq!(
        enabled.location(),
        format!("/developer/outbound/{id}?done=enabled")
    );
    let hook = app
        .store
        .outbound_webhook_by_id(id)
        .await
        .expect("read")
        .expect("w");
    assert!(hook.active);
    assert_eq!(hook.disabled, None);
    let list = owner.get("/developer/integrations").await;
    assert!(!list.contains("410 Gone"));
}
