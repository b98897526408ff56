//! The bad inputs an attacker tried, replayed against a running router: each
//! answers the protocol's JSON error with a 4xx status (never a 5xx, a panic
//! or HTML), and the server keeps serving. Plus a bounded property test of the
//! whole request decoder (query, form, multipart, JSON) with arbitrary bytes.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue};
use proptest::prelude::*;
use serde_json::json;

use crate::common::TestApp;

/// `(what, content type, path after the webhook base, body)`.
fn corpus() -> Vec<(&'static str, &'static str, String, Vec<u8>)> {
    let json = "application/json";
    let form = "application/x-www-form-urlencoded";
    let ids: Vec<String> = (1..=32_766).map(|i| i.to_string()).collect();
    vec![
        ("cut JSON", json, "crm.lead.add.json".into(), b"{\"fields\":{\"TITLE\":".to_vec()),
        ("JSON scalar", json, "crm.lead.add.json".into(), b"42".to_vec()),
        ("invalid UTF-8", json, "crm.lead.add.json".into(), b"{\"fields\":\"\xff\xfe\"}".to_vec()),
        ("deep JSON", json, "crm.lead.list.json".into(), format!("{{\"filter\":{}{}}}", "[".repeat(5000), "]".repeat(5000)).into_bytes()),
        ("deep brackets", form, "crm.lead.list.json".into(), format!("filter{}=1", "[a]".repeat(200)).into_bytes()),
        ("unclosed bracket", form, "crm.lead.add.json".into(), b"fields[TITLE=x".to_vec()),
        ("long TITLE", json, "crm.lead.add.json".into(), json!({"fields": {"TITLE": "x".repeat(20_000)}}).to_string().into_bytes()),
        ("51 phones", json, "crm.lead.add.json".into(), json!({"fields": {"PHONE": vec![json!({"VALUE": "1"}); 51]}}).to_string().into_bytes()),
        ("@ID list", json, "crm.lead.list.json".into(), format!("{{\"filter\":{{\"@ID\":[{}]}}}}", ids.join(",")).into_bytes()),
        ("between one", json, "crm.lead.list.json".into(), br#"{"filter":{"><ID":[1]}}"#.to_vec()),
        ("order injection", json, "crm.item.list.json".into(), br#"{"entityTypeId":1,"order":{"id; DROP TABLE leads":"ASC"}}"#.to_vec()),
        ("bad direction", json, "crm.lead.list.json".into(), br#"{"order":{"ID":"SIDEWAYS"}}"#.to_vec()),
        ("51 commands", json, "batch.json".into(), json!({"cmd": (0..51).map(|i| (format!("c{i}"), json!("server.time"))).collect::<serde_json::Map<_, _>>()}).to_string().into_bytes()),
        ("nested batch", json, "batch.json".into(), br#"{"cmd":{"a":"batch?cmd[b]=server.time"}}"#.to_vec()),
        ("command not a string", json, "batch.json".into(), br#"{"cmd":{"a":{"b":1}}}"#.to_vec()),
        ("broken multipart", "multipart/form-data; boundary=zz", "crm.lead.add.json".into(), b"--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1".to_vec()),
        ("unknown body type", "application/octet-stream", "crm.lead.add.json".into(), vec![0, 1, 2]),
        ("huge id", form, "crm.lead.get.json".into(), b"id=999999999999999999999999".to_vec()),
        ("start not a number", form, "crm.lead.list.json".into(), b"start=abc".to_vec()),
    ]
}

#[tokio::test]
async fn every_bad_input_gets_a_json_error() {
    let app = TestApp::start().await;
    for (what, content_type, path, body) in corpus() {
        let r = app
            .post_raw(&format!("{}{path}", app.hook), content_type, body)
            .await;
        let json = r.json();
        if path == "batch.json" && r.status == 200 {
            // batch answers in-band: the failing command carries the error.
            let errors = json["result"]["result_error"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            assert!(!errors.is_empty(), "{what}: {}", r.text);
            continue;
        }
        assert!(
            (400..500).contains(&r.status),
            "{what}: {} {}",
            r.status,
            r.text
        );
        assert!(json["error"].is_string(), "{what}: {}", r.text);
        assert!(json["error_description"].is_string(), "{what}: {}", r.text);
        assert_eq!(r.content_type, "application/json; charset=utf-8", "{what}");
    }
    assert_eq!(app.call("server.time", json!({})).await.status, 200);
}

/// Runs the decoder on one request, on a fresh single-threaded runtime.
fn decode(query: Option<&str>, content_type: &str, body: Vec<u8>) {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let _ = runtime.block_on(portico_web::decode::decode(
        query,
        &headers,
        Body::from(body),
        64 * 1024,
    ));
}

/// Bytes rich in what multipart and bracket syntax care about.
fn multipart_body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            Just(b"--b\r\n".to_vec()),
            Just(b"Content-Disposition: form-data; name=\"f[a][]\"\r\n\r\n".to_vec()),
            Just(b"Content-Disposition: form-data; name=\"x\"; filename=\"y\"\r\n\r\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"--b--\r\n".to_vec()),
            prop::collection::vec(any::<u8>(), 0..12),
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// No input makes the request decoder panic: it answers parameters or a
    /// protocol error.
    #[test]
    fn the_request_decoder_never_panics(
        query in "([a-z\\[\\]=&%0-9]|%5B|%5D){0,30}",
        kind in 0usize..4,
        body in multipart_body(),
    ) {
        let content_type = ["multipart/form-data; boundary=b", "application/json",
            "application/x-www-form-urlencoded", "multipart/form-data"][kind];
        decode(Some(&query), content_type, body);
    }
}
