//! Edges of the wire a client can hit on purpose: `HEAD`, malformed and
//! oversized chunked bodies, and user ids written in other forms.

use std::io::{Read, Write};
use std::net::TcpStream;

use crate::common::{assert_error, TestApp};

/// Sends `request` as raw bytes and returns the status line and the body.
fn raw(addr: &str, request: &[u8]) -> (String, String) {
    let mut tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    tcp.write_all(request).expect("write");
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.lines().next().unwrap_or_default().to_string();
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}

fn path_of(app: &TestApp, method: &str) -> String {
    format!("{}{method}.json", app.hook.trim_start_matches(&app.base))
}

#[tokio::test]
async fn head_is_refused_like_other_methods() {
    let app = TestApp::start().await;
    let r = app
        .client
        .head(format!("{}server.time.json", app.hook))
        .send()
        .await
        .expect("HEAD");
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(
        r.headers()["content-type"],
        "application/json; charset=utf-8"
    );
}

#[tokio::test]
async fn chunked_bodies_malformed_or_too_large() {
    let app = TestApp::start().await;
    let path = path_of(&app, "crm.lead.add");
    let host = app.base.trim_start_matches("http://").to_string();
    let (status, body) = tokio::task::spawn_blocking({
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n"
        );
        let host = host.clone();
        move || raw(&host, request.as_bytes())
    })
    .await
    .expect("join");
    assert!(status.contains(" 400 "), "{status}");
    assert!(body.contains("INVALID_REQUEST"), "{body}");
    // Well-formed chunks past the body limit are 413.
    let chunk = "x".repeat(64 * 1024);
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    for _ in 0..5 {
        request.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    request.push_str("0\r\n\r\n");
    let (status, body) = tokio::task::spawn_blocking(move || raw(&host, request.as_bytes()))
        .await
        .expect("join");
    assert!(status.contains(" 413 "), "{status}");
    assert!(body.contains("REQUEST_ENTITY_TOO_LARGE"), "{body}");
    // Nothing was created.
    assert_eq!(
        app.ok("crm.lead.list", serde_json::json!({})).await,
        serde_json::json!([])
    );
}

#[tokio::test]
async fn user_ids_only_in_their_plain_form() {
    let app = TestApp::start().await;
    let secret = app.secret();
    for user in ["01", "+1", "1.0", "%201", "0x1", "00000000000000000001"] {
        let url = format!("{}/rest/{user}/{secret}/server.time.json", app.base);
        let r = app.get(&url).await;
        assert_error(
            &r,
            401,
            "INVALID_CREDENTIALS",
            "Invalid request credentials",
        );
    }
    let r = app
        .get(&format!("{}/rest/1/{secret}/server.time.json", app.base))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}
