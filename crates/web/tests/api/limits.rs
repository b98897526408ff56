//! REST limits and plans over HTTP: under `cloud` a burst past the plan's
//! bucket answers 503 `QUERY_LIMIT_EXCEEDED` with `Retry-After` and passes
//! again once the bucket drained, a `batch` counting once; per-integration
//! buckets; the operating limit blocking one method of one integration with
//! 429 `OPERATION_TIME_LIMIT` (in-band inside `batch`) until its basket
//! expires, and `time.operating` on every answer; `off` never limiting nor
//! counting; a `free` plan refusing REST calls and new webhooks, outbound
//! webhooks and applications; `feature.get` following the plan.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use portico_methods::Plan;
use portico_store::BucketRule;
use portico_web::{LimitMode, RateKey, RestLimits};
use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};

/// A clock the test moves: Unix milliseconds.
#[derive(Clone)]
struct TestClock(Arc<AtomicI64>);

impl TestClock {
    fn new() -> TestClock {
        TestClock(Arc::new(AtomicI64::new(1_800_000_000_000)))
    }
    fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
    fn now_secs(&self) -> i64 {
        self.0.load(Ordering::SeqCst) / 1000
    }
}

/// Cloud limits on `plan` with the test clock.
fn cloud(plan: Plan, clock: &TestClock) -> RestLimits {
    let time = clock.0.clone();
    RestLimits {
        mode: LimitMode::Cloud,
        plan,
        now_ms: Arc::new(move || time.load(Ordering::SeqCst)),
        ..RestLimits::default()
    }
}

async fn start(limits: RestLimits) -> TestApp {
    TestApp::start_with(move |state| state.with_rest_limits(limits.clone())).await
}

/// The `Retry-After` header of a call to `method` on `hook`, with its status and body.
async fn call_with_retry_after(
    app: &TestApp,
    hook: &str,
    method: &str,
) -> (u16, Option<String>, Value) {
    let r = app
        .client
        .post(format!("{hook}{method}"))
        .json(&json!({}))
        .send()
        .await
        .expect("call");
    let status = r.status().as_u16();
    let retry = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().expect("ascii").to_owned());
    let body: Value = r.json().await.expect("JSON");
    (status, retry, body)
}

#[tokio::test]
async fn a_burst_past_the_bucket_gets_503_with_retry_after_then_passes_after_the_drain() {
    let clock = TestClock::new();
    let app = start(cloud(Plan::Basic, &clock)).await;
    // The basic plan's bucket: 50 at once, one batch of three commands counting once.
    let batch = app
        .ok(
            "batch",
            json!({"cmd": {"a": "server.time", "b": "server.time", "c": "profile"}}),
        )
        .await;
    assert_eq!(batch["result_error"], json!([]));
    for i in 1..50 {
        let r = app.call("server.time", json!({})).await;
        assert_eq!(r.status, 200, "call {i}: {}", r.text);
    }
    let (status, retry, body) = call_with_retry_after(&app, &app.hook, "server.time").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        body,
        json!({"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"})
    );
    assert_eq!(retry.as_deref(), Some("1"));
    // Another webhook from the same address shares the bucket, as in Bitrix24.
    let other = app.webhook(1, &["crm"], None).await;
    assert_eq!(
        call_with_retry_after(&app, &other, "server.time").await.0,
        503
    );
    // One second drains two requests.
    clock.advance_ms(1_000);
    assert_eq!(app.call("server.time", json!({})).await.status, 200);
    assert_eq!(app.call("server.time", json!({})).await.status, 200);
    assert_eq!(app.call("server.time", json!({})).await.status, 503);
    // After 25 s the bucket is empty again.
    clock.advance_ms(25_000);
    for _ in 0..50 {
        assert_eq!(app.call("server.time", json!({})).await.status, 200);
    }
}

#[tokio::test]
async fn an_enterprise_portal_takes_a_burst_of_250_and_overrides_give_an_integration_its_own_bucket(
) {
    let clock = TestClock::new();
    let mut limits = cloud(Plan::Enterprise, &clock);
    limits.key = RateKey::Integration;
    limits.overrides = HashMap::from([(
        "webhook:1".to_owned(),
        BucketRule {
            burst: 2.0,
            drain_per_sec: 1.0,
        },
    )]);
    let app = start(limits).await;
    assert_eq!(app.call("server.time", json!({})).await.status, 200);
    assert_eq!(app.call("server.time", json!({})).await.status, 200);
    let (status, retry, _) = call_with_retry_after(&app, &app.hook, "server.time").await;
    assert_eq!((status, retry.as_deref()), (503, Some("1")));
    // Another integration has the plan's bucket of its own.
    let other = app.webhook(1, &["crm"], None).await;
    for i in 0..250 {
        let (status, _, body) = call_with_retry_after(&app, &other, "server.time").await;
        assert_eq!(status, 200, "call {i}: {body}");
    }
    assert_eq!(
        call_with_retry_after(&app, &other, "server.time").await.0,
        503
    );
}

#[tokio::test]
async fn the_operating_limit_blocks_one_method_of_one_integration_until_its_basket_expires() {
    let clock = TestClock::new();
    let mut limits = cloud(Plan::Enterprise, &clock);
    limits.operating_budget_secs = 0.0; // any time spent is past the budget
    let app = start(limits).await;
    let first = app.call("crm.lead.list", json!({})).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let time = &first.json()["time"];
    assert!(
        time["operating"].as_f64().expect("operating") > 0.0,
        "{time}"
    );
    assert_eq!(
        time["operating_reset_at"],
        json!(clock.now_secs() + 600),
        "{time}"
    );
    // The next call of that method by that webhook is blocked.
    let (status, retry, body) = call_with_retry_after(&app, &app.hook, "crm.lead.list").await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(
        body,
        json!({"error": "OPERATION_TIME_LIMIT", "error_description": "Method is blocked due to operation time limit."})
    );
    assert_eq!(retry.as_deref(), Some("600"));
    // Other methods and other webhooks keep working; a batch itself is not
    // counted, its sub-call of the blocked method gets the error in-band.
    assert_eq!(app.call("crm.deal.list", json!({})).await.status, 200);
    let other = app.webhook(1, &["crm"], None).await;
    assert_eq!(
        app.call_on(&other, "crm.lead.list", json!({})).await.status,
        200
    );
    let batch = app
        .ok(
            "batch",
            json!({"cmd": {"a": "crm.lead.list", "b": "crm.contact.list"}}),
        )
        .await;
    assert_eq!(
        batch["result_error"]["a"]["error"],
        json!("OPERATION_TIME_LIMIT"),
        "{batch}"
    );
    assert!(
        batch["result_time"]["b"]["operating"].as_f64().expect("b") > 0.0,
        "{batch}"
    );
    // Ten minutes later the basket expired and the method works again.
    clock.advance_ms(599_000);
    assert_eq!(app.call("crm.lead.list", json!({})).await.status, 429);
    clock.advance_ms(1_000);
    let freed = app.call("crm.lead.list", json!({})).await;
    assert_eq!(freed.status, 200, "{}", freed.text);
}

#[tokio::test]
async fn time_operating_is_on_every_answer_under_cloud() {
    let clock = TestClock::new();
    let app = start(cloud(Plan::Standard, &clock)).await;
    let r = app.call("server.time", json!({})).await;
    let time = &r.json()["time"];
    assert!(time["operating"].is_number(), "{time}");
    assert!(time["operating_reset_at"].is_i64(), "{time}");
    let out = app.ok("batch", json!({"cmd": {"a": "profile"}})).await;
    assert!(
        out["result_time"]["a"]["operating_reset_at"].is_i64(),
        "{out}"
    );
}

#[tokio::test]
async fn off_never_limits_nor_counts() {
    let app = start(RestLimits {
        plan: Plan::Basic,
        ..RestLimits::default()
    })
    .await;
    for i in 0..120 {
        let r = app.call("crm.lead.list", json!({})).await;
        assert_eq!(r.status, 200, "call {i}: {}", r.text);
        let time = &r.json()["time"];
        assert_eq!(time["operating"], json!(0.0), "{time}");
        assert!(time["operating_reset_at"].is_i64(), "{time}");
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64;
    let window = app
        .store
        .operating_window("webhook:1|crm.lead.list", now)
        .await
        .expect("window");
    assert!(window.baskets.is_empty(), "nothing counted: {window:?}");
}

#[tokio::test]
async fn a_free_plan_refuses_rest_calls_and_new_integrations_in_the_ui() {
    let app = start(RestLimits {
        plan: Plan::Free,
        ..RestLimits::default()
    })
    .await;
    let r = app.call("profile", json!({})).await;
    assert_error(
        &r,
        403,
        "ACCESS_DENIED",
        "REST API is available only on commercial plans",
    );
    let r = app
        .get(&format!("{}/rest/profile?auth=whatever", app.base))
        .await;
    assert_error(
        &r,
        403,
        "ACCESS_DENIED",
        "REST API is available only on commercial plans",
    );
    let ui = app.sign_in_as(1).await;
    let page = ui.get("/developer").await;
    assert_eq!(page.status, 200);
    assert!(page.contains("id=\"plan-no-rest\""), "{}", page.body);
    for path in [
        "/developer/webhooks/new",
        "/developer/outbound/new",
        "/developer/apps/new",
    ] {
        let form = ui.get(path).await;
        assert_eq!(form.status, 403, "{path}: {}", form.body);
        assert!(
            form.contains("(free)") && form.contains("basic"),
            "{path}: {}",
            form.body
        );
        let csrf = page.csrf();
        let post = ui
            .post_form(path, &[("csrf", csrf.as_str()), ("name", "x")])
            .await;
        assert_eq!(post.status, 403, "{path}: {}", post.body);
    }
}

#[tokio::test]
async fn feature_get_follows_the_plan() {
    for (plan, connector) in [
        (Plan::Basic, "N"),
        (Plan::Standard, "N"),
        (Plan::Professional, "Y"),
        (Plan::Enterprise, "Y"),
    ] {
        let app = start(RestLimits {
            plan,
            ..RestLimits::default()
        })
        .await;
        let auth = app
            .ok("feature.get", json!({"CODE": "rest_auth_connector"}))
            .await;
        assert_eq!(auth, json!({"value": connector}), "{plan:?}");
        let offline = app
            .ok("feature.get", json!({"CODE": "rest_offline_extended"}))
            .await;
        assert_eq!(offline, json!({"value": "Y"}), "{plan:?}");
    }
}
