//! A running `portico sandbox --json` and calls to it: its sandbox API with
//! the sandbox key, and REST through its webhook.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use super::BIN;

/// A running sandbox and the JSON it printed.
pub struct Sandbox {
    pub child: Child,
    pub printed: Value,
    pub client: reqwest::Client,
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
        client: reqwest::Client::new(),
    }
}

impl Sandbox {
    /// A printed text field.
    pub fn text(&self, key: &str) -> &str {
        self.printed[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} in {}", self.printed))
    }

    /// The sandbox's data folder.
    pub fn data_dir(&self) -> PathBuf {
        PathBuf::from(self.text("data_dir"))
    }

    /// `METHOD {base}{path}` with the sandbox key and an optional JSON body:
    /// the status and the JSON answer.
    pub async fn api(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.text("base_url")))
            .bearer_auth(self.text("sandbox_key"));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("sandbox API");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
        (status, value)
    }

    /// A REST call through the sandbox's webhook; its `result`.
    pub async fn rest(&self, method: &str, params: Value) -> Value {
        let answer: Value = self
            .client
            .post(format!("{}{method}.json", self.text("webhook_url")))
            .json(&params)
            .send()
            .await
            .expect("REST")
            .json()
            .await
            .expect("JSON");
        assert!(answer.get("result").is_some(), "{method}: {answer}");
        answer["result"].clone()
    }
}
