//! Connections one client cannot exhaust, against the real binary: with the
//! open-file limit at 1,024, a client holding ~1,100 half-sent requests (or TLS
//! handshakes) neither locks out a fresh client nor keeps its sockets past the
//! header timeout; idle keep-alive connections close after the idle timeout and
//! stalled bodies after the body timeout; under TLS the sign-in limit counts each
//! client address on its own; HSTS is sent under TLS only; REST answers are marked
//! no-store and nosniff.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{add_webhook, generated_ca, tls_client, Server};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// Sockets the misbehaving client holds: more than the server's 1,024 descriptors.
const HELD: usize = 1100;
/// Slack on top of a configured timeout before a test gives up waiting.
const SLACK: Duration = Duration::from_secs(10);

/// Lets this test process hold more than `HELD` sockets itself.
fn allow_many_sockets() {
    rlimit::increase_nofile_limit(4 * HELD as u64).expect("raise the test's own file limit");
}

/// Opens `count` connections to `addr`, each sending `first_bytes` and then nothing.
async fn hold(addr: &str, count: usize, first_bytes: &[u8]) -> Vec<TcpStream> {
    let mut held = Vec::with_capacity(count);
    for _ in 0..count {
        let mut socket = TcpStream::connect(addr).await.expect("connect");
        socket.write_all(first_bytes).await.expect("send");
        held.push(socket);
    }
    held
}

/// How many of `sockets` the server has not closed yet.
fn still_open(sockets: &[TcpStream]) -> usize {
    sockets
        .iter()
        .filter(|s| {
            matches!(s.try_read(&mut [0u8; 256]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
        })
        .count()
}

/// Waits until the server has closed every stream; panics at `deadline`.
async fn all_closed<S: AsyncRead + Unpin>(streams: &mut [S], deadline: Instant, what: &str) {
    let mut buf = [0u8; 1024];
    for (i, stream) in streams.iter_mut().enumerate() {
        loop {
            match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(_)) => continue,
                Err(_) => panic!("{what} {i} is still open"),
            }
        }
    }
}

/// Reads one HTTP/1.1 answer (head and `Content-Length` body) from `socket`.
async fn read_answer(socket: &mut TcpStream) -> (u16, String, String) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = tokio::time::timeout(SLACK, socket.read(&mut buf))
            .await
            .expect("an answer in time")
            .expect("read");
        assert!(n > 0, "closed before an answer");
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
    let status = head[9..12].parse().expect("status code");
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|v| v.trim().parse().expect("length"))
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = tokio::time::timeout(SLACK, socket.read(&mut buf))
            .await
            .expect("the body in time")
            .expect("read");
        assert!(n > 0, "closed inside the body");
        data.extend_from_slice(&buf[..n]);
    }
    let body = String::from_utf8_lossy(&data[head_end..head_end + length]).to_string();
    (status, head, body)
}

#[tokio::test]
async fn half_requests_on_1100_sockets_neither_lock_out_a_fresh_client_nor_stay() {
    allow_many_sockets();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        &dir.path().join("data"),
        &[],
        &[("PORTICO_HEADER_TIMEOUT_SECS", "2")],
        Some(1024),
    );
    assert!(
        server
            .log()
            .contains("open-file limit 1024: at most 896 connections at once"),
        "{}",
        server.log()
    );
    let mut held = hold(&server.addr(), HELD, b"GET /rest/server.time HT").await;
    let opened = Instant::now();

    let fresh = reqwest::Client::builder().timeout(SLACK).build().unwrap();
    let answer = fresh
        .get(format!("{}/rest/server.time", server.base))
        .send()
        .await
        .expect("a fresh client is served");
    assert_eq!(answer.status(), 401, "no credentials: the REST error");
    assert!(
        still_open(&held) > 0,
        "served while the held sockets were still open"
    );

    all_closed(
        &mut held,
        opened + Duration::from_secs(2) + SLACK,
        "held socket",
    )
    .await;
    let log = server.stop();
    assert!(!log.contains("cannot accept connections"), "{log}");
}

/// A TLS connector that trusts the CA generated into `data`.
fn tls_connector(data: &std::path::Path) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut generated_ca(data).as_slice()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

#[tokio::test]
async fn over_tls_stalled_handshakes_and_half_requests_are_dropped_and_a_fresh_client_is_served() {
    allow_many_sockets();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start_with(
        &data,
        &["--tls"],
        &[("PORTICO_HEADER_TIMEOUT_SECS", "2")],
        Some(1024),
    );
    // The start of a ClientHello record announcing 512 bytes that never come.
    let mut handshakes = hold(&server.addr(), HELD, &[0x16, 0x03, 0x01, 0x02, 0x00]).await;
    let connector = tls_connector(&data);
    let mut half_requests = Vec::new();
    for _ in 0..3 {
        let tcp = TcpStream::connect(server.addr()).await.unwrap();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let mut tls = connector.connect(name, tcp).await.expect("TLS handshake");
        tls.write_all(b"GET /login HT").await.unwrap();
        tls.flush().await.unwrap();
        half_requests.push(tls);
    }
    let opened = Instant::now();

    let fresh = tls_client(&data);
    for path in ["/rest/server.time", "/login"] {
        let answer =
            tokio::time::timeout(SLACK, fresh.get(format!("{}{path}", server.base)).send())
                .await
                .expect("a fresh HTTPS client is served in time")
                .expect("a fresh HTTPS client is served");
        assert_eq!(
            answer
                .headers()
                .get("strict-transport-security")
                .map(|v| v.to_str().unwrap()),
            Some("max-age=31536000"),
            "{path}"
        );
    }

    let deadline = opened + Duration::from_secs(2) + SLACK;
    all_closed(&mut half_requests, deadline, "half request over TLS").await;
    all_closed(&mut handshakes, deadline, "stalled handshake").await;
    server.stop();
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        &dir.path().join("data"),
        &[],
        &[
            ("PORTICO_HEADER_TIMEOUT_SECS", "1"),
            ("PORTICO_IDLE_TIMEOUT_SECS", "3"),
        ],
        None,
    );
    let mut socket = TcpStream::connect(server.addr()).await.unwrap();
    let request = format!(
        "GET /rest/server.time HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr()
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let (status, _, _) = read_answer(&mut socket).await;
    assert_eq!(status, 401);
    let answered = Instant::now();
    // Kept alive: a second request on the same connection is answered.
    socket.write_all(request.as_bytes()).await.unwrap();
    assert_eq!(read_answer(&mut socket).await.0, 401);
    let idle_from = Instant::now();

    all_closed(
        std::slice::from_mut(&mut socket),
        idle_from + Duration::from_secs(3) + SLACK,
        "idle connection",
    )
    .await;
    assert!(
        idle_from.elapsed() >= Duration::from_millis(2500),
        "closed by the idle timeout (3 s), not the header timeout (1 s), after {:?}",
        answered.elapsed()
    );
    server.stop();
}

#[tokio::test]
async fn a_stalled_body_gets_408_and_the_connection_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start_with(&data, &[], &[("PORTICO_BODY_TIMEOUT_SECS", "1")], None);
    let hook = add_webhook(&data, &["--user", "admin", "--scope", "user"]);
    let path = hook.trim_start_matches(&server.base);
    let mut socket = TcpStream::connect(server.addr()).await.unwrap();
    let request = format!(
        "POST {path}user.current.json HTTP/1.1\r\nHost: {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"a\":",
        server.addr()
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let started = Instant::now();
    let (status, head, body) = read_answer(&mut socket).await;
    assert_eq!(status, 408, "{head}{body}");
    assert!(head.contains("content-type: application/json"), "{head}");
    assert!(head.contains("connection: close"), "{head}");
    let body: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(body["error"], "REQUEST_TIMEOUT", "{body}");
    all_closed(
        std::slice::from_mut(&mut socket),
        started + Duration::from_secs(1) + SLACK,
        "connection after a body timeout",
    )
    .await;
    server.stop();
}

#[tokio::test]
async fn rest_answers_are_not_stored_nor_sniffed_and_plain_http_has_no_hsts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &[]);
    let hook = add_webhook(&data, &["--user", "admin", "--scope", "user"]);
    let client = reqwest::Client::new();
    let wrong_secret = format!("{}/rest/1/0000000000000000/server.time", server.base);
    let unknown_method = format!("{hook}no.such.method");
    for (url, status) in [
        (format!("{hook}server.time"), 200),
        (wrong_secret, 401),
        (unknown_method, 404),
        (format!("{hook}user.current.xml"), 200),
    ] {
        let answer = client.get(&url).send().await.unwrap();
        assert_eq!(answer.status(), status, "{url}");
        let header = |name: &str| {
            answer
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        assert_eq!(
            header("cache-control").as_deref(),
            Some("no-store"),
            "{url}"
        );
        assert_eq!(
            header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{url}"
        );
        assert_eq!(header("strict-transport-security"), None, "{url}");
    }
    let page = client
        .get(format!("{}/login", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers().get("strict-transport-security").is_none());
    server.stop();
}

/// The sign-in form's CSRF token, from a fresh `GET /login`.
async fn sign_in_token(client: &reqwest::Client, base: &str) -> String {
    let form = client.get(format!("{base}/login")).send().await.unwrap();
    form.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("portico_signin_csrf="))
        .and_then(|v| v.split(';').next())
        .expect("sign-in CSRF cookie")
        .to_string()
}

/// Posts the sign-in form (with a fresh CSRF token) as `login`.
async fn sign_in(
    client: &reqwest::Client,
    base: &str,
    login: &str,
    password: &str,
) -> reqwest::Response {
    let token = sign_in_token(client, base).await;
    client
        .post(format!("{base}/login"))
        .header("cookie", format!("portico_signin_csrf={token}"))
        .form(&[
            ("csrf", token.as_str()),
            ("login", login),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn under_tls_the_sign_in_limit_counts_each_client_address() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let password = "correct horse battery";
    let server = Server::start(&data, &["--tls", "--admin-password", password]);
    let client = tls_client(&data);
    let mut statuses = Vec::new();
    for i in 1..=20 {
        let answer = sign_in(&client, &server.base, &format!("guess{i}"), "wrong").await;
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses, [401; 20], "one failure per login");
    let locked = sign_in(&client, &server.base, "admin", password).await;
    assert_eq!(locked.status(), 429, "this address has failed 20 times");
    let retry_after = locked
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    assert!(
        retry_after.is_some_and(|s| (1..=900).contains(&s)),
        "{retry_after:?}"
    );

    // Another client address (still to 127.0.0.1) is counted on its own.
    let elsewhere = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&generated_ca(&data)).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let signed_in = sign_in(&elsewhere, &server.base, "admin", password).await;
    assert_eq!(signed_in.status(), 303, "another address is not locked");
    server.stop();
}
