//! The `portico` binary end to end: first start (administrator, private key file,
//! WAL database), `webhook add/list/remove`, `user add`, `user set-password`,
//! calls over the printed URL, request logs without secrets, clean shutdown on
//! SIGTERM, restart on the same data, HTTPS with the generated CA, and
//! `PORTICO_TRUSTED_PROXIES` deciding whose `X-Forwarded-For` the sign-in limits
//! believe.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

mod common;

use common::{Server, BIN};

fn portico(data: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .stdin(Stdio::null())
        .output()
        .expect("run portico");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "portico {args:?} failed: {text}");
    text
}

fn webhook_url(output: &str) -> String {
    output.lines().last().expect("url line").trim().to_string()
}

async fn call(client: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let r = client.post(url).json(&body).send().await.expect("request");
    (r.status().as_u16(), r.json().await.expect("json"))
}

#[tokio::test]
async fn first_start_webhooks_logs_shutdown_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &[]);
    assert!(server
        .log()
        .contains("Administrator created: login 'admin', password '"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("secret.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(data.join("portico.sqlite3-wal").exists(), "WAL mode");

    let out = portico(
        &data,
        &[
            "webhook", "add", "--user", "admin", "--scope", "crm", "--name", "CI",
        ],
    );
    let url = webhook_url(&out);
    let prefix = format!("{}/rest/1/", server.base);
    assert!(url.starts_with(&prefix), "{url} should start with {prefix}");
    let secret = url
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(secret.len(), 16);
    assert!(secret
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));

    let client = reqwest::Client::new();
    let (status, body) = call(
        &client,
        format!("{url}crm.lead.add.json"),
        json!({"fields": {"TITLE": "CLI"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let lead = body["result"].clone();
    let (status, body) = call(&client, format!("{url}user.current"), json!({})).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("insufficient_scope"))
    );

    let list = portico(&data, &["webhook", "list"]);
    assert!(
        list.contains("CI") && list.contains("crm") && !list.contains(&secret),
        "{list}"
    );

    let out = portico(&data, &["user", "add", "--login", "bob", "--name", "Bob"]);
    assert!(
        out.contains("user bob created with id 2") && out.contains("password: "),
        "{out}"
    );
    let out = portico(&data, &["user", "set-password", "--login", "bob"]);
    assert!(
        out.contains("password of bob set") && out.contains("password: "),
        "{out}"
    );
    let unknown = Command::new(BIN)
        .args(["user", "set-password", "--login", "nobody", "--data-dir"])
        .arg(&data)
        .output()
        .expect("run portico");
    assert!(!unknown.status.success());
    let bob = webhook_url(&portico(
        &data,
        &["webhook", "add", "--user", "bob", "--scope", "user"],
    ));
    let (status, body) = call(&client, format!("{bob}user.current"), json!({})).await;
    assert_eq!(
        (status, body["result"]["NAME"].clone()),
        (200, json!("Bob"))
    );

    // Removed by another process: the server's lookup cache trusts an entry for
    // one second at most.
    portico(&data, &["webhook", "remove", "1"]);
    let removed_at = std::time::Instant::now();
    loop {
        let (status, _) = call(&client, format!("{url}crm.lead.get"), json!({"id": lead})).await;
        if status == 401 {
            break;
        }
        assert_eq!(status, 200);
        assert!(
            removed_at.elapsed() < Duration::from_millis(1500),
            "removed webhook still works"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let log = server.stop();
    assert!(
        log.contains("rest call") && log.contains("crm.lead.add") && log.contains("webhook:1"),
        "{log}"
    );
    assert!(!log.contains(&secret), "a secret reached the log");
    assert!(
        !log.contains('\u{1b}'),
        "no terminal colours in a piped log"
    );
    assert!(log.contains("shutting down"));

    // Restart: no new administrator, data kept.
    let server = Server::start(&data, &[]);
    assert!(!server.log().contains("Administrator created"));
    let hook = webhook_url(&portico(
        &data,
        &["webhook", "add", "--user", "admin", "--scope", "crm"],
    ));
    let (status, body) = call(&client, format!("{hook}crm.lead.get"), json!({"id": lead})).await;
    assert_eq!(
        (status, body["result"]["TITLE"].clone()),
        (200, json!("CLI"))
    );
    server.stop();
}

#[tokio::test]
async fn bad_configuration_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["serve", "--listen", "not-an-address", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("listen address 'not-an-address' is not IP:PORT"),
        "{err}"
    );
    let out = Command::new(BIN)
        .args([
            "webhook",
            "add",
            "--user",
            "admin",
            "--scope",
            "crm,nonsense",
            "--data-dir",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no user with login 'admin'") || err.contains("unknown scope 'nonsense'"),
        "{err}"
    );
}

#[tokio::test]
async fn https_with_the_generated_ca() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(
        &data,
        &["--tls", "--admin-password", "correct horse battery"],
    );
    assert!(
        server.base.starts_with("https://127.0.0.1:"),
        "{}",
        server.base
    );
    let ca_path = data.join("tls/ca.pem");
    assert!(server.log().contains("HTTPS certificate authority:"));
    let url = webhook_url(&portico(
        &data,
        &["webhook", "add", "--user", "admin", "--scope", "crm"],
    ));
    assert!(url.starts_with("https://"), "{url}");
    let ca = reqwest::Certificate::from_pem(&std::fs::read(&ca_path).unwrap()).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap();
    let (status, body) = call(
        &client,
        format!("{url}crm.lead.add.json"),
        json!({"fields": {"TITLE": "tls"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // Also by the name `localhost`.
    let by_name = url.replace("127.0.0.1", "localhost");
    let (status, _) = call(&client, format!("{by_name}server.time"), json!({})).await;
    assert_eq!(status, 200);
    // The web UI's cookies are marked Secure behind HTTPS.
    let login = client
        .get(format!("{}/login", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    // A client that does not trust the CA is refused.
    assert!(reqwest::Client::new()
        .get(format!("{url}server.time"))
        .send()
        .await
        .is_err());
    server.stop();
}

/// `portico user add … | head -0`: the reader is gone before the first line;
/// the command still does its work and ends quietly, without a panic.
#[test]
fn a_closed_output_pipe_ends_commands_quietly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    portico(
        &data,
        &["user", "add", "--login", "first", "--name", "First"],
    );
    let mut child = Command::new(BIN)
        .args([
            "user",
            "add",
            "--login",
            "piped",
            "--name",
            "Piped",
            "--data-dir",
        ])
        .arg(&data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run portico");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let (_, listing) = common::run(
        &data,
        &["user", "add", "--login", "piped", "--name", "Again"],
    );
    assert!(
        listing.contains("taken") || listing.contains("exists"),
        "the user was created: {listing}"
    );
}

/// One sign-in through the running server as a browser behind a proxy that
/// reports the client as `from`; returns the status of `POST /login`.
async fn sign_in_from(base: &str, from: &str, password: &str) -> u16 {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = http
        .get(format!("{base}/login"))
        .header("x-forwarded-for", from)
        .send()
        .await
        .unwrap();
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("portico_signin_csrf="))
        .and_then(|v| v.split(';').next())
        .expect("sign-in cookie")
        .to_owned();
    let page = form.text().await.unwrap();
    let token = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf input")
        .to_owned();
    http.post(format!("{base}/login"))
        .header("x-forwarded-for", from)
        .header("cookie", format!("portico_signin_csrf={cookie}"))
        .form(&[
            ("csrf", token.as_str()),
            ("login", "admin"),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn trusted_proxies_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut bad = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env("PORTICO_TRUSTED_PROXIES", "10.0.0.0/8,proxy.example")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let exited = (0..300).find_map(|_| {
        let status = bad.try_wait().unwrap();
        if status.is_none() {
            std::thread::sleep(Duration::from_millis(100));
        }
        status
    });
    let Some(status) = exited else {
        let _ = bad.kill();
        panic!("serve started with an unreadable trusted proxy");
    };
    assert!(!status.success(), "an unreadable proxy is refused");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut bad.stderr.take().unwrap(), &mut err).unwrap();
    assert!(
        err.contains("trusted_proxies: 'proxy.example' is not an IP address or a CIDR block"),
        "{err}"
    );

    let password = "proxied admin password";
    let server = Server::start_with_env(
        &data,
        &["--admin-password", password],
        &[("PORTICO_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")],
    );
    for _ in 0..5 {
        assert_eq!(
            sign_in_from(&server.base, "203.0.113.7", "wrong").await,
            401
        );
    }
    assert_eq!(
        sign_in_from(&server.base, "203.0.113.7", password).await,
        429,
        "the guessing address is locked for this login"
    );
    assert_eq!(
        sign_in_from(&server.base, "198.51.100.9", password).await,
        303,
        "the user behind the same proxy is not"
    );
    server.stop();
}
