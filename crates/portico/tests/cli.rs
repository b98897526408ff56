//! The `portico` binary end to end: first start (administrator, private key file,
//! WAL database), `webhook add/list/remove`, `user add`, `user set-password`,
//! calls over the printed URL, request logs without secrets, clean shutdown on
//! SIGTERM, restart on the same data, and HTTPS with the generated CA.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_portico");

/// A running `portico serve` whose output is collected.
struct Server {
    child: Child,
    output: Arc<Mutex<Vec<String>>>,
    base: String,
}

impl Server {
    fn start(data: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .args(extra)
            .env("RUST_LOG", "info")
            .env_remove("PORTICO_LISTEN")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start portico");
        let output = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel::<String>();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let output = output.clone();
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Some(rest) = line.strip_prefix("Portico listening on ") {
                        let _ = tx.send(rest.to_string());
                    }
                    output.lock().unwrap().push(line);
                }
            });
        }
        let base = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("server did not start");
        Server {
            child,
            output,
            base,
        }
    }

    fn log(&self) -> String {
        self.output.lock().unwrap().join("\n")
    }

    /// SIGTERM, then wait for a clean exit.
    fn stop(mut self) -> String {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit status {status}: {}", self.log());
                std::thread::sleep(Duration::from_millis(100));
                return self.log();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        panic!("portico did not stop on SIGTERM: {}", self.log());
    }
}

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
