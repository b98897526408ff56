//! Starting `portico sandbox --json` for a test and talking to its API, and
//! a sandbox expected to refuse to start.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::BIN;

/// A running sandbox and the JSON it printed.
pub struct Sandbox {
    pub child: Child,
    /// The JSON line it printed.
    pub printed: Value,
    /// The standard output lines before the JSON line.
    pub before: Vec<String>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `portico sandbox --json ARGS` with `env` and waits for its JSON line.
pub fn sandbox(args: &[&str], env: &[(&str, &str)]) -> Sandbox {
    let mut child = Command::new(BIN)
        .arg("sandbox")
        .arg("--json")
        .args(args)
        .envs(env.iter().copied())
        .env_remove("PORTICO_DATA_DIR")
        .env_remove("PORTICO_SANDBOX_SEED")
        .env_remove("PORTICO_SANDBOX_SEED_SIZE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the sandbox");
    let stdout = child.stdout.take().expect("stdout");
    // From here on a failed wait still stops the child (on drop).
    let mut started = Sandbox {
        child,
        printed: Value::Null,
        before: Vec::new(),
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    loop {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(60)) else {
            panic!(
                "the sandbox printed no JSON line after {:?}",
                started.before
            );
        };
        if line.starts_with('{') {
            started.printed = serde_json::from_str(&line).expect("one JSON object");
            return started;
        }
        started.before.push(line);
    }
}

/// Runs `portico sandbox ARGS` expecting it to exit with a failure before
/// serving; returns its standard output and error. One still running after
/// a minute is killed and the test fails.
pub fn refused(args: &[&str]) -> String {
    let mut child = Command::new(BIN)
        .arg("sandbox")
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .env_remove("PORTICO_DATA_DIR")
        .env_remove("PORTICO_SANDBOX_SEED")
        .env_remove("PORTICO_SANDBOX_SEED_SIZE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the sandbox");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let out = child.wait_with_output().expect("output");
            let text = String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr);
            assert!(
                !status.success(),
                "portico sandbox {args:?} should fail: {text}"
            );
            return text;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("portico sandbox {args:?} kept running instead of refusing");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

impl Sandbox {
    /// `base_url` as printed.
    pub fn base(&self) -> &str {
        text(&self.printed, "base_url")
    }

    /// A request to the sandbox API at `path` (under the base URL) with the
    /// sandbox key: its status and JSON answer.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = reqwest::Client::new()
            .request(method, format!("{}{path}", self.base()))
            .bearer_auth(text(&self.printed, "sandbox_key"));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let res = request.send().await.expect("sandbox API");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// A REST call through the sandbox's webhook with JSON `params`: its
    /// status and answer.
    pub async fn rest(&self, method: &str, params: Value) -> (u16, Value) {
        let res = reqwest::Client::new()
            .post(format!(
                "{}{method}.json",
                text(&self.printed, "webhook_url")
            ))
            .json(&params)
            .send()
            .await
            .expect("REST call");
        let status = res.status().as_u16();
        (status, res.json().await.expect("JSON answer"))
    }

    /// A REST call that must succeed: its `result`.
    pub async fn ok(&self, method: &str, params: Value) -> Value {
        let (status, answer) = self.rest(method, params).await;
        assert_eq!(status, 200, "{method}: {answer}");
        answer["result"].clone()
    }
}
