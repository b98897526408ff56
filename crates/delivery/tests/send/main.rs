//! One delivery attempt against a real handler on 127.0.0.1: what it receives, and what
//! the sender makes of each kind of answer.

mod receiver;
mod worker;

use std::time::Duration;

use portico_delivery::{
    encode_event_body, verify_signature, Attempt, EventPayload, HandlerAuth, RetrySchedule, Sender,
    SenderConfig, SigningSecret, SsrfPolicy, Verdict, VerifyError, DEFAULT_TOLERANCE_SECS,
};
use receiver::{Receiver, BIG_ANSWER_LEN};
use serde_json::json;

/// The attempt's clock; the receiver's `Retry-After` date is 90 s after it.
const NOW: i64 = 1_700_000_000;
const MESSAGE_ID: &str = "msg_2bQx7t0dKq1";

/// The reference's example (§9.8), as the receiver must get it.
const REFERENCE_BODY: &str = "event=ONCRMDEALUPDATE&event_handler_id=975\
    &data%5BFIELDS%5D%5BID%5D=662&ts=1724140800\
    &auth%5Bdomain%5D=example.bitrix24.com\
    &auth%5Bclient_endpoint%5D=https%3A%2F%2Fexample.bitrix24.com%2Frest%2F\
    &auth%5Bserver_endpoint%5D=https%3A%2F%2Foauth.bitrix.info%2Frest%2F\
    &auth%5Bmember_id%5D=d897063e1ce7c5eb9f04b9751eef5915\
    &auth%5Bapplication_token%5D=jvh9y1ulvt2m6k5or90v9mg8nn32ozas";

fn reference_body() -> String {
    let auth = HandlerAuth {
        domain: "example.bitrix24.com".into(),
        client_endpoint: "https://example.bitrix24.com/rest/".into(),
        server_endpoint: "https://oauth.bitrix.info/rest/".into(),
        member_id: "d897063e1ce7c5eb9f04b9751eef5915".into(),
        application_token: "jvh9y1ulvt2m6k5or90v9mg8nn32ozas".into(),
    };
    let data = json!({"FIELDS": {"ID": "662"}});
    encode_event_body(&EventPayload {
        event: "ONCRMDEALUPDATE",
        handler_id: Some(975),
        data: &data,
        ts: 1724140800,
        auth: &auth,
        app: None,
    })
}

fn attempt(url: String, secret: Option<SigningSecret>) -> Attempt {
    Attempt {
        url,
        message_id: MESSAGE_ID.to_owned(),
        timestamp: NOW,
        body: reference_body(),
        secret,
    }
}

/// A sender that may reach the local receiver.
fn local_sender() -> Sender {
    sender(SenderConfig {
        policy: SsrfPolicy {
            allow_private: true,
            ..SsrfPolicy::default()
        },
        ..SenderConfig::default()
    })
}

fn sender(config: SenderConfig) -> Sender {
    Sender::new(config).unwrap()
}

fn header<'a>(received: &'a receiver::Received, name: &str) -> &'a str {
    received
        .headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn the_built_request_is_exactly_what_the_handler_receives() {
    let receiver = Receiver::start().await;
    let sender = local_sender();
    let signed = attempt(receiver.url("/ok"), Some(SigningSecret::generate()));
    let built = sender.build(&signed).expect("build");
    let outcome = sender.send_built(&built, NOW).await;
    assert_eq!(outcome.verdict, Verdict::Delivered, "{outcome:?}");

    let got = receiver.received();
    let seen: Vec<(String, String)> = got[0]
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        seen, built.headers,
        "every header, in order, and nothing else"
    );
    assert_eq!(got[0].body, built.body.as_bytes());
    let names: Vec<&str> = built.headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "host",
            "content-type",
            "user-agent",
            "accept",
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "content-length"
        ]
    );
    assert_eq!(built.headers[0].1, receiver.addr.to_string());
}

#[tokio::test]
async fn handler_gets_the_bitrix24_body_signed_with_standard_webhooks() {
    let receiver = Receiver::start().await;
    let secret = SigningSecret::generate();
    let outcome = local_sender()
        .send(&attempt(receiver.url("/ok"), Some(secret.clone())))
        .await;

    assert_eq!(outcome.verdict, Verdict::Delivered, "{outcome:?}");
    assert_eq!(outcome.status, Some(200));
    assert_eq!(outcome.response, b"thanks");
    assert_eq!(outcome.reason, None);

    let got = receiver.received();
    assert_eq!(got.len(), 1);
    let got = &got[0];
    assert_eq!(got.method, "POST");
    assert_eq!(got.path, "/ok");
    assert_eq!(got.body, REFERENCE_BODY.as_bytes());
    assert_eq!(
        header(got, "content-type"),
        "application/x-www-form-urlencoded"
    );
    assert!(header(got, "user-agent").starts_with("Portico/"));
    assert_eq!(header(got, "webhook-id"), MESSAGE_ID);
    assert_eq!(header(got, "webhook-timestamp"), NOW.to_string());

    // A PHP-style decoder reads it as the reference's tree.
    let decoded = portico_protocol::params::decode_urlencoded(&got.body).unwrap();
    assert_eq!(
        serde_json::Value::Object(decoded),
        json!({
            "event": "ONCRMDEALUPDATE",
            "event_handler_id": "975",
            "data": {"FIELDS": {"ID": "662"}},
            "ts": "1724140800",
            "auth": {
                "domain": "example.bitrix24.com",
                "client_endpoint": "https://example.bitrix24.com/rest/",
                "server_endpoint": "https://oauth.bitrix.info/rest/",
                "member_id": "d897063e1ce7c5eb9f04b9751eef5915",
                "application_token": "jvh9y1ulvt2m6k5or90v9mg8nn32ozas"
            }
        })
    );

    // The receiver verifies the signature with the Standard Webhooks algorithm…
    let verify = |body: &[u8]| {
        verify_signature(
            &secret,
            header(got, "webhook-id"),
            header(got, "webhook-timestamp"),
            header(got, "webhook-signature"),
            body,
            NOW + 1,
            DEFAULT_TOLERANCE_SECS,
        )
    };
    assert_eq!(verify(&got.body), Ok(()));
    // …and a tampered body does not verify.
    let tampered = String::from_utf8(got.body.to_vec())
        .unwrap()
        .replace("=662", "=663");
    assert_eq!(
        verify(tampered.as_bytes()),
        Err(VerifyError::NoMatchingSignature)
    );
}

#[tokio::test]
async fn every_attempt_keeps_the_message_id_and_is_signed_for_its_own_time() {
    let receiver = Receiver::start().await;
    let secret = SigningSecret::generate();
    let sender = local_sender();
    let first = attempt(receiver.url("/ok"), Some(secret.clone()));
    let retry = Attempt {
        timestamp: NOW + 300,
        ..first.clone()
    };
    sender.send(&first).await;
    sender.send(&retry).await;

    let got = receiver.received();
    assert_eq!(got.len(), 2);
    for (received, sent_at) in got.iter().zip([NOW, NOW + 300]) {
        assert_eq!(header(received, "webhook-id"), MESSAGE_ID);
        assert_eq!(header(received, "webhook-timestamp"), sent_at.to_string());
        let verified = verify_signature(
            &secret,
            header(received, "webhook-id"),
            header(received, "webhook-timestamp"),
            header(received, "webhook-signature"),
            &received.body,
            sent_at,
            DEFAULT_TOLERANCE_SECS,
        );
        assert_eq!(verified, Ok(()));
    }
    assert_ne!(
        header(&got[0], "webhook-signature"),
        header(&got[1], "webhook-signature")
    );
}

#[tokio::test]
async fn without_a_secret_no_signature_is_sent() {
    let receiver = Receiver::start().await;
    let outcome = local_sender()
        .send(&attempt(receiver.url("/ok"), None))
        .await;
    assert_eq!(outcome.verdict, Verdict::Delivered);
    let got = receiver.received();
    assert!(got[0].headers.get("webhook-signature").is_none());
    assert_eq!(header(&got[0], "webhook-id"), MESSAGE_ID);
}

#[tokio::test]
async fn server_error_is_retried() {
    let receiver = Receiver::start().await;
    let outcome = local_sender()
        .send(&attempt(receiver.url("/fail"), None))
        .await;
    assert_eq!(outcome.verdict, Verdict::Retry { retry_after: None });
    assert_eq!(outcome.status, Some(500));
    assert_eq!(outcome.response, b"boom");
    assert_eq!(outcome.reason.as_deref(), Some("handler answered 500"));
}

#[tokio::test]
async fn too_many_requests_is_retried_after_its_retry_after() {
    let receiver = Receiver::start().await;
    let sender = local_sender();
    let schedule = RetrySchedule::default().without_jitter();

    let outcome = sender.send(&attempt(receiver.url("/limited"), None)).await;
    let seven = Some(Duration::from_secs(7));
    assert_eq!(outcome.verdict, Verdict::Retry { retry_after: seven });
    assert_eq!(outcome.status, Some(429));
    // The schedule's first delay is 5 s; the receiver asked for 7.
    assert_eq!(schedule.next_attempt_at(1, NOW, seven), Some(NOW + 7));

    // An HTTP date is read against the attempt's clock.
    let outcome = sender
        .send(&attempt(receiver.url("/unavailable"), None))
        .await;
    let ninety = Some(Duration::from_secs(90));
    assert_eq!(
        outcome.verdict,
        Verdict::Retry {
            retry_after: ninety
        }
    );
    assert_eq!(outcome.status, Some(503));
}

#[tokio::test]
async fn gone_disables_the_handler() {
    let receiver = Receiver::start().await;
    let outcome = local_sender()
        .send(&attempt(receiver.url("/gone"), None))
        .await;
    assert_eq!(outcome.verdict, Verdict::DisableHandler);
    assert_eq!(outcome.status, Some(410));
}

#[tokio::test]
async fn client_errors_are_retried_unless_configured_otherwise() {
    let receiver = Receiver::start().await;
    let url = receiver.url("/bad-request");
    let outcome = local_sender().send(&attempt(url.clone(), None)).await;
    assert_eq!(outcome.verdict, Verdict::Retry { retry_after: None });
    assert_eq!(outcome.status, Some(400));

    let strict = sender(SenderConfig {
        retry_client_errors: false,
        ..local_sender().config().clone()
    });
    let outcome = strict.send(&attempt(url, None)).await;
    assert_eq!(outcome.verdict, Verdict::Fail);
    assert_eq!(outcome.response, b"what?");
}

#[tokio::test]
async fn redirect_is_not_followed() {
    let receiver = Receiver::start().await;
    let outcome = local_sender()
        .send(&attempt(receiver.url("/redirect"), None))
        .await;
    assert_eq!(outcome.verdict, Verdict::Retry { retry_after: None });
    assert_eq!(outcome.status, Some(302));
    let reason = outcome.reason.unwrap();
    assert!(
        reason.starts_with("redirects are not followed (answered 302 to http://127.0.0.1:"),
        "{reason}"
    );
    let paths: Vec<String> = receiver.received().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/redirect"], "the redirect target got nothing");
}

#[tokio::test]
async fn private_targets_are_refused_before_connecting() {
    let receiver = Receiver::start().await;
    let port = receiver.addr.port();
    let sender = sender(SenderConfig::default());
    let refused = [
        receiver.url("/ok"),
        format!("http://localhost:{port}/ok"),
        format!("http://[::ffff:127.0.0.1]:{port}/ok"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
    ];
    for url in refused {
        let outcome = sender.send(&attempt(url.clone(), None)).await;
        assert_eq!(outcome.verdict, Verdict::Fail, "{url}: {outcome:?}");
        assert_eq!(outcome.status, None, "{url}");
        let reason = outcome.reason.unwrap();
        assert!(reason.contains("non-public address"), "{url}: {reason}");
    }
    assert!(
        receiver.received().is_empty(),
        "nothing reached the handler"
    );
}

#[tokio::test]
async fn allowed_private_targets_are_reached() {
    let receiver = Receiver::start().await;
    let port = receiver.addr.port();
    let by_name = format!("http://localhost:{port}/ok");

    // Every private target allowed: by address and by a name resolving to loopback.
    let sender_all = local_sender();
    for url in [receiver.url("/ok"), by_name.clone()] {
        let outcome = sender_all.send(&attempt(url.clone(), None)).await;
        assert_eq!(outcome.verdict, Verdict::Delivered, "{url}: {outcome:?}");
    }

    // Only the named host allowed.
    let sender_named = sender(SenderConfig {
        policy: SsrfPolicy {
            allowed_hosts: vec!["localhost".into()],
            ..SsrfPolicy::default()
        },
        ..SenderConfig::default()
    });
    let outcome = sender_named.send(&attempt(by_name, None)).await;
    assert_eq!(outcome.verdict, Verdict::Delivered, "{outcome:?}");
    assert_eq!(receiver.received().len(), 3);
}

#[tokio::test]
async fn slow_receiver_times_out() {
    let receiver = Receiver::start().await;
    let sender = sender(SenderConfig {
        timeout: Duration::from_millis(300),
        ..local_sender().config().clone()
    });
    let outcome = sender.send(&attempt(receiver.url("/slow"), None)).await;
    assert_eq!(outcome.verdict, Verdict::Retry { retry_after: None });
    assert_eq!(outcome.status, None);
    assert_eq!(outcome.reason.as_deref(), Some("no answer within 300ms"));
    assert!(outcome.duration < Duration::from_secs(receiver::SLOW_SECS));
}

#[tokio::test]
async fn refused_connection_is_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let outcome = local_sender()
        .send(&attempt(format!("http://{addr}/ok"), None))
        .await;
    assert_eq!(outcome.verdict, Verdict::Retry { retry_after: None });
    assert_eq!(outcome.status, None);
    let reason = outcome.reason.unwrap();
    assert!(reason.starts_with("connection failed: "), "{reason}");
    assert!(
        !reason.contains("127.0.0.1"),
        "no URL in the reason: {reason}"
    );
}

#[tokio::test]
async fn only_the_first_bytes_of_the_answer_are_kept() {
    let receiver = Receiver::start().await;
    let sender = sender(SenderConfig {
        max_response_bytes: 1000,
        ..local_sender().config().clone()
    });
    let outcome = sender.send(&attempt(receiver.url("/big"), None)).await;
    assert_eq!(outcome.verdict, Verdict::Delivered);
    assert_eq!(outcome.response.len(), 1000);
    assert!(outcome.response.len() < BIG_ANSWER_LEN);
}

#[tokio::test]
async fn malformed_urls_and_bad_message_ids_fail_without_a_request() {
    let receiver = Receiver::start().await;
    let sender = local_sender();
    for url in [
        "not a url",
        "ftp://example.com/hook",
        "http://user:pw@127.0.0.1/",
    ] {
        let outcome = sender.send(&attempt(url.to_owned(), None)).await;
        assert_eq!(outcome.verdict, Verdict::Fail, "{url}");
    }
    let bad_id = Attempt {
        message_id: "msg\nInjected: yes".to_owned(),
        ..attempt(receiver.url("/ok"), None)
    };
    assert_eq!(sender.send(&bad_id).await.verdict, Verdict::Fail);
    assert!(receiver.received().is_empty());
}
