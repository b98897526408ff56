//! Helpers shared by the end-to-end tests of the `portico` binary: a running
//! `portico serve` whose output is collected (optionally with settings in its
//! environment and a lower open-file limit), one-shot commands, and an HTTPS
//! client trusting the generated CA.

#![allow(dead_code)]

pub mod receiver;
pub mod sandbox;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_portico");

/// A running `portico serve` whose output is collected.
pub struct Server {
    pub child: Child,
    output: Arc<Mutex<Vec<String>>>,
    pub base: String,
}

impl Server {
    pub fn start(data: &Path, extra: &[&str]) -> Server {
        Server::start_with(data, extra, &[], None)
    }

    /// [`Server::start`] with environment variables `env` set.
    pub fn start_with_env(data: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        Server::start_with(data, extra, env, None)
    }

    /// Starts with `env` set and, when given, the open-file limit (soft and hard)
    /// lowered to `open_files`.
    pub fn start_with(
        data: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
        open_files: Option<u64>,
    ) -> Server {
        let mut command = match open_files {
            None => Command::new(BIN),
            Some(n) => {
                let mut c = Command::new("bash");
                c.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                    .arg(BIN);
                c
            }
        };
        let mut child = command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .args(extra)
            .envs(env.iter().copied())
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

    pub fn log(&self) -> String {
        self.output.lock().unwrap().join("\n")
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        self.base
            .split_once("://")
            .map(|(_, addr)| addr.to_string())
            .expect("scheme in the base URL")
    }

    /// SIGTERM, then wait for a clean exit.
    pub fn stop(mut self) -> String {
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

impl Drop for Server {
    /// A test that failed half-way leaves no server behind.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `portico ARGS --data-dir DATA`; returns (success, stdout + stderr).
pub fn run(data: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .stdin(Stdio::null())
        .output()
        .expect("run portico");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// Runs `portico ARGS --data-dir DATA` expecting success; returns its output.
pub fn ok(data: &Path, args: &[&str]) -> String {
    let (success, text) = run(data, args);
    assert!(success, "portico {args:?} failed: {text}");
    text
}

/// Runs `portico ARGS --data-dir DATA` expecting failure; returns its output.
pub fn fails(data: &Path, args: &[&str]) -> String {
    let (success, text) = run(data, args);
    assert!(!success, "portico {args:?} should fail: {text}");
    text
}

/// The value after `label: ` on its line of `output`.
pub fn printed(output: &str, label: &str) -> String {
    output
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{label}: ")))
        .unwrap_or_else(|| panic!("no '{label}' in {output}"))
        .trim()
        .to_owned()
}

/// Runs `portico serve` on `data` expecting it to refuse to start: it must exit
/// with a failure status; returns its output. A server that keeps running is
/// killed and the test fails.
pub fn serve_refused(data: &Path, extra: &[&str]) -> String {
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
    let mut exited = None;
    for _ in 0..300 {
        if let Some(status) = child.try_wait().expect("wait") {
            exited = Some(status);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if exited.is_none() {
        let _ = child.kill();
    }
    let out = child.wait_with_output().expect("output");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    match exited {
        None => panic!("portico serve started instead of refusing: {text}"),
        Some(status) => assert!(!status.success(), "portico serve succeeded: {text}"),
    }
    text
}

/// Subscribes an outbound webhook of `admin` at `url` (a loopback receiver)
/// to `events` (comma-separated); returns what the command printed.
pub fn subscribe_admin(data: &Path, url: &str, events: &str) -> String {
    ok(
        data,
        &[
            "webhook",
            "add-outbound",
            "--user",
            "admin",
            "--handler",
            url,
            "--allow-private",
            "--events",
            events,
        ],
    )
}

/// Creates a webhook with `portico webhook add ARGS` and returns its URL.
pub fn add_webhook(data: &Path, args: &[&str]) -> String {
    let (ok, out) = run(data, &[&["webhook", "add"], args].concat());
    assert!(ok, "portico webhook add failed: {out}");
    out.lines().last().expect("url line").trim().to_string()
}

/// The PEM of the CA generated into the data folder by `serve --tls`.
pub fn generated_ca(data: &Path) -> Vec<u8> {
    std::fs::read(data.join("tls/ca.pem")).expect("generated CA")
}

/// An HTTPS client that trusts the generated CA and follows no redirects.
pub fn tls_client(data: &Path) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(&generated_ca(data)).unwrap();
    reqwest::Client::builder()
        .add_root_certificate(ca)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}
