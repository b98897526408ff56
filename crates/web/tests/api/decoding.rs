//! Requests in every encoding real clients use: GET query strings with PHP
//! brackets, form bodies, JSON, multipart; method and parameter names in any case;
//! SDK telemetry parameters; exact round trips of awkward text.

use serde_json::{json, Value};

use crate::common::TestApp;

const AWKWARD: &str = "& = % + [ ] # ? / \" ' <b> Привет 🎉";

async fn title_of(app: &TestApp, id: &Value) -> Value {
    app.ok("crm.lead.get", json!({"id": id})).await["TITLE"].clone()
}

#[tokio::test]
async fn query_string_with_brackets() {
    let app = TestApp::start().await;
    let url = format!(
        "{}crm.lead.add.json?fields%5BTITLE%5D=IP+Titov&fields%5BPHONE%5D%5B0%5D%5BVALUE%5D=555888&fields%5BPHONE%5D%5B0%5D%5BVALUE_TYPE%5D=WORK&params%5BREGISTER_SONET_EVENT%5D=Y",
        app.hook
    );
    let r = app.get(&url).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let id = r.json()["result"].clone();
    let lead = app.ok("crm.lead.get", json!({"id": id})).await;
    assert_eq!(lead["TITLE"], "IP Titov");
    assert_eq!(lead["PHONE"][0]["VALUE"], "555888");
    assert_eq!(lead["PHONE"][0]["VALUE_TYPE"], "WORK");
    // Raw brackets and `select[]` appends.
    let list = app
        .get(&format!(
            "{}crm.lead.list?select[]=ID&select[]=TITLE&filter[%TITLE]=Titov",
            app.hook
        ))
        .await
        .json();
    assert_eq!(
        list["result"],
        json!([{"ID": id.to_string(), "TITLE": "IP Titov"}])
    );
}

#[tokio::test]
async fn form_json_and_multipart_bodies() {
    let app = TestApp::start().await;
    let url = format!("{}crm.lead.add.json", app.hook);
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("fields[TITLE]", AWKWARD)
        .append_pair("fields[OPPORTUNITY]", "12.5")
        .finish();
    let r = app
        .post_raw(&url, "application/x-www-form-urlencoded", form)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(title_of(&app, &r.json()["result"]).await, AWKWARD);

    let r = app
        .call(
            "crm.lead.add",
            json!({"fields": {"TITLE": AWKWARD, "OPPORTUNITY": 12.5}}),
        )
        .await;
    let lead = app
        .ok("crm.lead.get", json!({"id": r.json()["result"]}))
        .await;
    assert_eq!(lead["TITLE"], AWKWARD);
    assert_eq!(lead["OPPORTUNITY"], "12.50");

    let part = reqwest::multipart::Form::new()
        .text("fields[TITLE]", AWKWARD)
        .text("fields[EMAIL][0][VALUE]", "a@example.com");
    let resp = app.client.post(&url).multipart(part).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let id = resp.json::<Value>().await.unwrap()["result"].clone();
    let lead = app.ok("crm.lead.get", json!({"id": id})).await;
    assert_eq!(lead["TITLE"], AWKWARD);
    assert_eq!(lead["EMAIL"][0]["VALUE"], "a@example.com");
}

#[tokio::test]
async fn query_and_body_merge_with_body_winning() {
    let app = TestApp::start().await;
    let url = format!(
        "{}crm.lead.add.json?fields[TITLE]=from-query&bx24_request_id=abc&logTag=t",
        app.hook
    );
    let r = app
        .post_raw(
            &url,
            "application/json",
            r#"{"FIELDS":{"TITLE":"from-body"}}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(title_of(&app, &r.json()["result"]).await, "from-body");
}

#[tokio::test]
async fn method_names_in_any_case_and_shape() {
    let app = TestApp::start().await;
    for path in [
        "CRM.LEAD.Add.json",
        "crm.lead.add",
        "crm.lead.add/",
        "crm.lead.add.JSON/",
    ] {
        let r = app
            .post_raw(
                &format!("{}{path}", app.hook),
                "application/json",
                r#"{"fields":{"TITLE":"t"}}"#,
            )
            .await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert!(r.json()["result"].as_i64().unwrap() > 0);
    }
    // A doubled slash between the webhook URL and the method.
    let r = app.get(&format!("{}/server.time", app.hook)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // `ID` and `id`, `FIELDS` and `fields`.
    let id = app
        .ok("crm.lead.add", json!({"FIELDS": {"TITLE": "upper"}}))
        .await;
    assert_eq!(
        app.ok("crm.lead.get", json!({"ID": id})).await["TITLE"],
        "upper"
    );
}

#[tokio::test]
async fn envelope_has_every_time_key() {
    let app = TestApp::start().await;
    let r = app.call("server.time", json!({})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type, "application/json; charset=utf-8");
    let body = r.json();
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["result", "time"]);
    let time = body["time"].as_object().unwrap();
    for k in ["start", "finish", "duration", "processing"] {
        assert!(time[k].is_f64() || time[k].is_u64(), "{k}: {time:?}");
    }
    for k in ["date_start", "date_finish"] {
        let s = time[k].as_str().unwrap();
        assert!(s.ends_with("+00:00") && s.len() == 25, "{s}");
    }
    assert!(time["finish"].as_f64().unwrap() >= time["start"].as_f64().unwrap());
    let now = body["result"].as_str().unwrap();
    assert!(now.len() == 25 && now.ends_with("+00:00"), "{now}");
}
