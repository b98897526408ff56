//! Outbound webhooks in the browser: the "Outbound webhook" card opens the
//! form; the new webhook points at a real local HTTP receiver; a lead added
//! through the REST API is delivered by the delivery worker running beside
//! the server; the delivery log shows it delivered; replaying it makes a
//! second attempt appear.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use portico_delivery::{HandlerAuth, Sender, SenderConfig, SsrfPolicy, Worker, WorkerConfig};
use portico_store::DeliveryStore;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::common::TestApp;
use crate::harness::Browser;
use crate::ADMIN_PASSWORD;

/// Reads one HTTP request (headers and a `Content-Length` body) and answers 200.
async fn answer_ok(mut stream: TcpStream) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let body_start = loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
        if let Some(at) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&seen[..body_start]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while seen.len() < body_start + length {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    let _ = stream
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 8\r\nconnection: close\r\n\r\nreceived")
        .await;
}

/// A local handler answering 200 to every request; returns its URL and a
/// count of the requests it received.
async fn receiver() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/handler", listener.local_addr().expect("addr"));
    let received = Arc::new(AtomicUsize::new(0));
    let count = received.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(answer_ok(stream));
        }
    });
    (url, received)
}

/// Starts the delivery worker on the app's store, private handlers allowed;
/// it stops when the returned sender is dropped.
fn start_worker(app: &TestApp) -> tokio::sync::oneshot::Sender<()> {
    let sender = Sender::new(SenderConfig {
        policy: SsrfPolicy {
            allow_private: true,
            ..SsrfPolicy::default()
        },
        ..SenderConfig::default()
    })
    .expect("sender");
    let auth = HandlerAuth {
        domain: app.base.trim_start_matches("http://").to_owned(),
        client_endpoint: format!("{}/rest/", app.base),
        server_endpoint: format!("{}/rest/", app.base),
        member_id: "0".repeat(32),
        application_token: String::new(),
    };
    let worker = Worker::new(
        app.store.clone() as Arc<dyn DeliveryStore>,
        app.secrets.clone(),
        sender,
        WorkerConfig::new(auth),
        Arc::new(|| chrono::Utc::now().timestamp()),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(worker.run(async {
        let _ = stopped.await;
    }));
    stop
}

/// Reloads the page until `css` matches.
async fn reload_until(b: &Browser, css: &str) {
    b.wait_until(css, async |b| {
        b.execute("location.reload()", vec![]).await;
        b.wait_for_load().await;
        b.exists(css).await
    })
    .await;
}

#[tokio::test]
async fn an_outbound_webhook_delivers_a_new_lead_and_replays_it() {
    let app = TestApp::start_with(|s| s.with_allow_private_handlers(true)).await;
    app.set_password(1, ADMIN_PASSWORD).await;
    let _worker = start_worker(&app);
    let (handler, received) = receiver().await;
    let b = Browser::start(&app.base, "dev_outbound").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;

    // The card opens the form; the webhook is saved with its secret shown once.
    b.goto("/developer").await;
    b.click_and_load("#case-outbound").await;
    assert_eq!(b.path().await, "/developer/outbound/new");
    b.fill("#outbound-name", "Lead receiver").await;
    b.fill("#outbound-url", &handler).await;
    b.click("input[name=event][value=ONCRMLEADADD]").await;
    b.shot().await;
    b.click_and_load("#outbound-save").await;
    assert!(b.exists("#outbound-notice").await);
    assert!(b.exists("#outbound-token").await);
    assert!(b.exists("#outbound-secret").await);
    b.click_and_load("#outbound-log-link").await;
    assert!(b.exists("#log-empty").await);

    // A lead added through the REST API reaches the handler.
    app.ok(
        "crm.lead.add",
        json!({"fields": {"TITLE": "From the browser test"}}),
    )
    .await;
    reload_until(&b, "details.delivery[data-state='delivered']").await;
    assert_eq!(received.load(Ordering::SeqCst), 1);
    b.click("details.delivery summary").await;
    assert_eq!(b.count("details.delivery tr.attempt").await, 1);
    assert!(b.text("details.delivery").await.contains("received"));
    b.shot().await;

    // Replayed, it is delivered again: a second attempt is logged.
    b.click_and_load("details.delivery button.replay").await;
    assert!(b.exists("#log-notice").await);
    b.wait_until("the second attempt", async |b| {
        b.execute("location.reload()", vec![]).await;
        b.wait_for_load().await;
        b.count("details.delivery[data-state='delivered'] tr.attempt")
            .await
            == 2
    })
    .await;
    b.click("details.delivery summary").await;
    b.shot().await;
    assert_eq!(received.load(Ordering::SeqCst), 2);
}
