//! The live feed's events over HTTP: `ONLIVEFEEDPOSTADD`, `…UPDATE` and
//! `…DELETE` (`data[FIELDS][POST_ID]`, by the writing user) recorded with a
//! delivery for a subscribed outbound webhook and posted to its handler by
//! the delivery worker; comments and refused writes raise nothing; the
//! events are listed under scope `log`.

use std::sync::{Arc, Mutex};

use portico_delivery::{HandlerAuth, Sender, SenderConfig, SsrfPolicy, Worker, WorkerConfig};
use portico_store::feed::FEED_EVENTS;
use portico_store::{DeliveryStore, NewOutboundWebhook};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::common::TestApp;
use crate::feed::{publish, rest};

/// A local event handler that answers 200 and keeps each request it gets.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/handler", listener.local_addr().expect("addr"));
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                loop {
                    let text = String::from_utf8_lossy(&seen).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length = head
                            .lines()
                            .find_map(|l| {
                                let (name, value) = l.split_once(':')?;
                                name.eq_ignore_ascii_case("content-length")
                                    .then(|| value.trim().parse::<usize>().ok())
                                    .flatten()
                            })
                            .unwrap_or(0);
                        if body.len() >= length {
                            kept.lock().expect("lock").push(body.to_owned());
                            break;
                        }
                    }
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                    )
                    .await;
            });
        }
    });
    (url, received)
}

#[tokio::test]
async fn post_writes_are_delivered_to_a_subscribed_outbound_webhook() {
    let app = TestApp::start().await;
    let (url, received) = receiver().await;
    let subscriber = app
        .store
        .insert_outbound_webhook(NewOutboundWebhook {
            user_id: 1,
            name: "feed receiver".into(),
            handler_url: url,
            events: FEED_EVENTS.iter().map(|e| e.to_lowercase()).collect(),
            application_token_sealed: app.secrets.encrypt("feed-token"),
            // Unsigned deliveries: no signing secret.
            signing_secret_sealed: Vec::new(),
            single_attempt: false,
            created_at: 1_700_000_000,
        })
        .await
        .expect("subscriber");
    let ana = app.add_user("ana", false).await;
    let anas = app.webhook(ana, &["log"], None).await;
    let listed = rest(&app, &anas, "events", json!({"SCOPE": "log"})).await;
    assert_eq!(listed, json!(FEED_EVENTS));
    let id = publish(&app, &anas, "first", json!(["UA"])).await;
    rest(
        &app,
        &anas,
        "log.blogpost.update",
        json!({"POST_ID": id, "POST_MESSAGE": "second"}),
    )
    .await;
    rest(
        &app,
        &anas,
        "log.blogcomment.add",
        json!({"POST_ID": id, "TEXT": "no event"}),
    )
    .await;
    rest(&app, &anas, "log.blogpost.delete", json!({"POST_ID": id})).await;
    // A refused write raises nothing.
    let r = app
        .call_on(&anas, "log.blogpost.delete", json!({"POST_ID": id}))
        .await;
    assert_eq!(r.status, 400);

    let events = app.store.events_after(0, 100).await.expect("events");
    let got: Vec<(&str, &str, i64, &Value, Option<i64>)> = events
        .iter()
        .map(|e| {
            (
                e.code.as_str(),
                e.entity.as_str(),
                e.entity_id,
                &e.data,
                e.user_id,
            )
        })
        .collect();
    let data = json!({"FIELDS": {"POST_ID": id}});
    assert_eq!(
        got,
        vec![
            ("ONLIVEFEEDPOSTADD", "BLOG_POST", id, &data, Some(ana)),
            ("ONLIVEFEEDPOSTUPDATE", "BLOG_POST", id, &data, Some(ana)),
            ("ONLIVEFEEDPOSTDELETE", "BLOG_POST", id, &data, Some(ana)),
        ]
    );
    let deliveries = app
        .store
        .list_deliveries(subscriber, portico_store::DeliveryQuery::newest(10))
        .await
        .expect("deliveries");
    assert_eq!(deliveries.len(), 3);

    // The delivery worker posts them to the handler, form-encoded.
    let sender = Sender::new(SenderConfig {
        policy: SsrfPolicy {
            allow_private: true,
            ..SsrfPolicy::default()
        },
        ..SenderConfig::default()
    })
    .expect("sender");
    let auth = HandlerAuth {
        domain: "portal.test".into(),
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
    for _ in 0..200 {
        if received.lock().expect("lock").len() >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    drop(stop);
    let mut bodies = received.lock().expect("lock").clone();
    bodies.sort();
    assert_eq!(bodies.len(), 3, "{bodies:?}");
    for (body, code) in bodies.iter().zip([
        "ONLIVEFEEDPOSTADD",
        "ONLIVEFEEDPOSTDELETE",
        "ONLIVEFEEDPOSTUPDATE",
    ]) {
        assert!(body.starts_with(&format!("event={code}&")), "{body}");
        assert!(
            body.contains(&format!("data%5BFIELDS%5D%5BPOST_ID%5D={id}&")),
            "{body}"
        );
        assert!(
            body.contains("auth%5Bapplication_token%5D=feed-token"),
            "{body}"
        );
    }
}
