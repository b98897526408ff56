//! `portico sandbox`: a temporary portal with a webhook and an installed
//! application whose credentials a test suite may fix in advance, printed as
//! one JSON line; a folder of an ordinary portal is refused.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

use common::{fails, BIN};

/// A running sandbox and the JSON it printed.
struct Sandbox {
    child: Child,
    printed: Value,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `portico sandbox --json ARGS` with `env` and waits for its JSON line.
fn sandbox(args: &[&str], env: &[(&str, &str)]) -> Sandbox {
    let mut child = Command::new(BIN)
        .arg("sandbox")
        .arg("--json")
        .args(args)
        .envs(env.iter().copied())
        .env_remove("PORTICO_DATA_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the sandbox");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with('{') {
                let _ = tx.send(line);
            }
        }
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the sandbox printed no JSON line");
    Sandbox {
        child,
        printed: serde_json::from_str(&line).expect("one JSON object"),
    }
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

#[tokio::test]
async fn a_sandbox_starts_with_the_credentials_it_was_given() {
    let secret = "S3cretS3cretS3cretS3cretS3cretS3cretS3cretS3cret12";
    let s = sandbox(
        &["--webhook-key", "k3v9x0q2m8a7b1c4"],
        &[
            ("PORTICO_SANDBOX_CLIENT_ID", "local.0123456789abcd.12345678"),
            ("PORTICO_SANDBOX_CLIENT_SECRET", secret),
        ],
    );
    let p = &s.printed;
    let base = text(p, "base_url");
    assert!(base.starts_with("http://127.0.0.1:"), "{p}");
    assert_eq!(
        text(p, "webhook_url"),
        format!("{base}/rest/1/k3v9x0q2m8a7b1c4/")
    );
    assert_eq!(text(p, "client_id"), "local.0123456789abcd.12345678");
    assert_eq!(text(p, "client_secret"), secret);
    assert!(text(p, "admin_password").len() >= 8);

    let client = reqwest::Client::new();
    // The webhook has every scope.
    let scopes: Value = client
        .get(format!("{}scope.json", text(p, "webhook_url")))
        .send()
        .await
        .expect("scope")
        .json()
        .await
        .expect("JSON");
    let scopes = scopes["result"].as_array().expect("scopes").clone();
    for scope in ["crm", "task", "user", "placement"] {
        assert!(scopes.contains(&json!(scope)), "{scope} in {scopes:?}");
    }
    // The application's credentials are known to the OAuth server: a wrong code is
    // `invalid_grant`, a wrong secret `invalid_client`.
    let token = |secret: &str| {
        client
            .post(text(p, "oauth_token_url"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", "local.0123456789abcd.12345678"),
                ("client_secret", secret),
                ("code", "0123456789abcdef0123456789abcdef"),
            ])
            .send()
    };
    let answer: Value = token(secret)
        .await
        .expect("token")
        .json()
        .await
        .expect("JSON");
    assert_eq!(answer["error"], json!("invalid_grant"), "{answer}");
    let answer: Value = token("wrong")
        .await
        .expect("token")
        .json()
        .await
        .expect("JSON");
    assert_eq!(answer["error"], json!("invalid_client"), "{answer}");
}

#[tokio::test]
async fn without_given_credentials_a_sandbox_makes_its_own() {
    let s = sandbox(&[], &[]);
    let p = &s.printed;
    let key = text(p, "webhook_key");
    assert!(
        key.len() == 16 && key.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{p}"
    );
    assert!(text(p, "client_id").starts_with("local."), "{p}");
    assert_eq!(text(p, "client_secret").len(), 50);
    let profile: Value = reqwest::get(format!("{}profile.json", text(p, "webhook_url")))
        .await
        .expect("profile")
        .json()
        .await
        .expect("JSON");
    assert_eq!(profile["result"]["ADMIN"], json!(true), "{profile}");
}

#[test]
fn a_sandbox_refuses_an_ordinary_portal_and_bad_credentials() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    common::ok(
        &data,
        &[
            "user",
            "add",
            "--login",
            "ana",
            "--password",
            "correct horse 1",
        ],
    );
    let refused = fails(&data, &["sandbox"]);
    assert!(refused.contains("not a sandbox"), "{refused}");
    let empty = dir.path().join("empty");
    let bad_key = fails(&empty, &["sandbox", "--webhook-key", "no!"]);
    assert!(bad_key.contains("--webhook-key"), "{bad_key}");
    let half = fails(
        &empty,
        &["sandbox", "--client-id", "local.0123456789abcd.12345678"],
    );
    assert!(half.contains("together"), "{half}");
}
