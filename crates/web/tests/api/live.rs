//! `GET /live`: a signed-in user's server-sent event stream carries the live
//! rows committed for that user (and no one else's), in order, with their ids;
//! a browser that reconnects with `Last-Event-ID` gets what it missed; without
//! a session there is no stream.

use std::time::Duration;

use portico_store::LivePush;
use serde_json::{json, Value};

use crate::common::TestApp;

/// An open `/live` stream.
pub(crate) struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    pub(crate) async fn open(app: &TestApp, session: &str, last_event_id: Option<i64>) -> Stream {
        Stream::open_at(app, session, "/live", last_event_id).await
    }

    /// A stream opened at `path` (`/live?after=…`).
    pub(crate) async fn open_at(
        app: &TestApp,
        session: &str,
        path: &str,
        last_event_id: Option<i64>,
    ) -> Stream {
        let mut request = app
            .client
            .get(format!("{}{path}", app.base))
            .header("cookie", format!("portico_session={session}"));
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id.to_string());
        }
        let response = request.send().await.expect("GET /live");
        assert_eq!(response.status(), 200);
        let content_type = response.headers()["content-type"].to_str().expect("type");
        assert!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        Stream {
            response,
            buffer: String::new(),
        }
    }

    /// The next event with data: (id, parsed data); panics after 10 s.
    pub(crate) async fn next(&mut self) -> (i64, Value) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|l| l.strip_prefix(name))
                        .map(|v| v.trim().to_owned())
                };
                if let (Some(id), Some(data)) = (field("id:"), field("data:")) {
                    let id = id.parse().expect("numeric id");
                    return (id, serde_json::from_str(&data).expect("JSON data"));
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.response.chunk())
                .await
                .expect("an event within 10 s")
                .expect("stream open")
                .expect("stream not ended");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

async fn push(app: &TestApp, kind: &str, user_ids: Vec<i64>, text: &str) -> i64 {
    app.store
        .push_live(
            LivePush {
                kind: kind.to_owned(),
                user_ids,
                data: json!({ "text": text }),
            },
            1_700_000_000,
        )
        .await
        .expect("push")
}

#[tokio::test]
async fn a_stream_carries_its_users_updates_in_order_and_resumes_after_a_reconnect() {
    let app = TestApp::start().await;
    let other = app.add_user("other.person", false).await;
    let ui = app.sign_in_as(1).await;
    let session = ui.cookie("portico_session").expect("session");

    let mut stream = Stream::open(&app, &session, None).await;
    // Give the stream a moment to subscribe, then write.
    tokio::time::sleep(Duration::from_millis(200)).await;
    push(&app, "notify", vec![other], "not for the admin").await;
    let first = push(&app, "notify", vec![1], "for the admin <b>").await;
    let second = push(&app, "message", vec![other, 1], "for both").await;

    let (id, data) = stream.next().await;
    assert_eq!(id, first);
    assert_eq!(
        data,
        json!({"kind": "notify", "data": {"text": "for the admin <b>"}})
    );
    let (id, data) = stream.next().await;
    assert_eq!(id, second);
    assert_eq!(data["kind"], "message");
    drop(stream);

    // Away for a while: two more rows, one of them for the admin.
    push(&app, "notify", vec![other], "still not for the admin").await;
    let missed = push(&app, "notify", vec![1], "missed").await;
    let mut resumed = Stream::open(&app, &session, Some(second)).await;
    let (id, data) = resumed.next().await;
    assert_eq!(id, missed);
    assert_eq!(data["data"]["text"], "missed");
    // And live again after the catch-up.
    let later = push(&app, "notify", vec![1], "later").await;
    assert_eq!(resumed.next().await.0, later);
}

#[tokio::test]
async fn a_page_s_stream_starts_after_what_the_page_was_rendered_with() {
    let app = TestApp::start().await;
    let ui = app.sign_in_as(1).await;
    let session = ui.cookie("portico_session").expect("session");
    let before = push(&app, "notify", vec![1], "before the page").await;
    let page = ui.get("/developer").await;
    let marker = format!("data-live-after=\"{before}\"");
    assert!(page.contains(&marker), "no {marker} in the page");
    // Committed after the page was read, before its script connected.
    let between = push(&app, "notify", vec![1], "between").await;
    let mut stream = Stream::open_at(&app, &session, &format!("/live?after={before}"), None).await;
    let (id, data) = stream.next().await;
    assert_eq!(id, between);
    assert_eq!(data["data"]["text"], "between");
    // The header a reconnecting browser sends wins over the page's start.
    let later = push(&app, "notify", vec![1], "later").await;
    let mut resumed = Stream::open_at(
        &app,
        &session,
        &format!("/live?after={before}"),
        Some(between),
    )
    .await;
    assert_eq!(resumed.next().await.0, later);
}

#[tokio::test]
async fn a_shutdown_ends_the_streams_instead_of_waiting_for_them() {
    let app = TestApp::start().await;
    let ui = app.sign_in_as(1).await;
    let session = ui.cookie("portico_session").expect("session");
    let mut stream = Stream::open(&app, &session, None).await;
    let restarted = tokio::spawn(app.restart());
    // The stream ends at the shutdown (long before connections would be
    // dropped at the end of the drain, ten seconds later).
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match stream.response.chunk().await {
                Ok(Some(_)) => continue,
                Ok(None) => return true,
                Err(_) => return false,
            }
        }
    })
    .await;
    assert_eq!(ended, Ok(true), "the stream ended cleanly at the shutdown");
    restarted.await.expect("restarted");
}

#[tokio::test]
async fn one_user_may_not_hold_more_than_the_bound_of_streams() {
    let app = TestApp::start().await;
    let other = app.add_user("other.person", false).await;
    let admin = app.sign_in_as(1).await;
    let session = admin.cookie("portico_session").expect("session");
    let mut open = Vec::new();
    for _ in 0..portico_web::live::MAX_STREAMS_PER_USER {
        open.push(Stream::open(&app, &session, None).await);
    }
    let refused = app
        .client
        .get(format!("{}/live", app.base))
        .header("cookie", format!("portico_session={session}"))
        .send()
        .await
        .expect("GET /live");
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "30");
    // Another user is not affected, and the open streams still carry updates.
    let other_ui = app.sign_in_as(other).await;
    let other_session = other_ui.cookie("portico_session").expect("session");
    Stream::open(&app, &other_session, None).await;
    let id = push(&app, "notify", vec![1], "still live").await;
    assert_eq!(open[0].next().await.0, id);
}

#[tokio::test]
async fn without_a_session_there_is_no_stream() {
    let app = TestApp::start().await;
    let answer = app
        .client
        .get(format!("{}/live", app.base))
        .send()
        .await
        .expect("GET /live");
    // To the sign-in page (the client follows the redirect).
    assert_eq!(answer.url().path(), "/login");
    let bogus = app
        .client
        .get(format!("{}/live", app.base))
        .header("cookie", "portico_session=not-a-session")
        .send()
        .await
        .expect("GET /live");
    assert_eq!(bogus.url().path(), "/login");
    let content_type = bogus
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    assert!(!content_type.starts_with("text/event-stream"));
}
