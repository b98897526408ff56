//! The browser tests' harness: Debian's headless Chromium driven through
//! chromedriver with `fantoccini`.
//!
//! - One chromedriver process is shared by the tests running at the same time
//!   ([`Driver`]); it starts with the first [`Browser`] and is stopped when the last
//!   one is dropped. Each test has its own WebDriver session, so its own Chromium
//!   with a fresh profile and download folder.
//! - [`Browser`] wraps the session with helpers that take CSS selectors, wait with a
//!   timeout ([`TIMEOUT`]) and panic with a message naming what was awaited, the
//!   page's path and its title.
//! - Every page a test reaches through [`Browser::goto`],
//!   [`Browser::click_and_load`] or [`Browser::sign_in`] is saved as
//!   `target/screenshots/{test}-{nn}-{page}.png`; a failing test also leaves
//!   `{test}-failed.png`. [`Browser::shot`] saves the page as it is now.
//!
//! The binaries are `/usr/bin/chromedriver` and `/usr/bin/chromium` (Debian's
//! `chromium-driver` and `chromium` packages), or the paths in the environment
//! variables `CHROMEDRIVER` and `CHROMIUM`. A missing binary fails the test: the
//! browser tests are never skipped silently.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

/// How long a wait lasts before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// How often a wait checks its condition again.
const POLL: Duration = Duration::from_millis(50);

/// The viewport's size (CSS pixels) unless a test sets another.
pub const WINDOW: (u32, u32) = (1280, 900);

/// What to install when a binary is missing.
const INSTALL_HINT: &str = "apt-get install chromium chromium-driver";

/// A binary from environment variable `var`, else `default`; panics when it does not exist.
fn binary(var: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.is_file(),
        "the browser tests need {} (set {var} to use another path): not found; \
         install it with `{INSTALL_HINT}`",
        path.display()
    );
    path
}

/// The chromedriver binary: `$CHROMEDRIVER`, else `/usr/bin/chromedriver`.
pub fn chromedriver_path() -> PathBuf {
    binary("CHROMEDRIVER", "/usr/bin/chromedriver")
}

/// The Chromium binary: `$CHROMIUM`, else `/usr/bin/chromium`.
pub fn chromium_path() -> PathBuf {
    binary("CHROMIUM", "/usr/bin/chromium")
}

/// The cargo target folder: `$CARGO_TARGET_DIR` (relative to the workspace when
/// relative), else the workspace's `target`.
pub fn target_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => workspace.join(dir),
        None => workspace.join("target"),
    }
}

/// Where screenshots go: `{target}/screenshots`, created when missing.
pub fn screenshot_dir() -> PathBuf {
    let dir = target_dir().join("screenshots");
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// A running chromedriver, shared by the browsers alive at the same time.
/// Dropping the last reference stops it (a later browser starts a new one). A test
/// binary killed outright (SIGKILL) leaves it running.
#[derive(Debug)]
pub struct Driver {
    child: Child,
    port: u16,
}

/// The chromedriver in use, if any browser still holds it.
static DRIVER: Mutex<Weak<Driver>> = Mutex::new(Weak::new());

impl Driver {
    /// The running chromedriver, started when no browser holds one.
    pub fn shared() -> Arc<Driver> {
        let mut slot = DRIVER.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(driver) = slot.upgrade() {
            return driver;
        }
        let driver = Arc::new(Driver::start());
        *slot = Arc::downgrade(&driver);
        driver
    }

    /// Starts chromedriver on a free loopback port and waits until `/status` says
    /// it is ready (a few attempts, in case another process took the port).
    fn start() -> Driver {
        let binary = chromedriver_path();
        // Fail here, naming the browser, rather than later with chromedriver's words.
        chromium_path();
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new(&binary)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!(
                        "cannot start {} ({e}); install it with `{INSTALL_HINT}`",
                        binary.display()
                    )
                });
            let deadline = Instant::now() + TIMEOUT;
            loop {
                if let Ok(Some(status)) = child.try_wait() {
                    last_error = format!("it exited with {status}");
                    break;
                }
                if let Ok((200, body)) = http(port, "GET", "/status") {
                    let ready = serde_json::from_str::<Value>(&body)
                        .map(|v| v["value"]["ready"] == json!(true))
                        .unwrap_or(false);
                    if ready {
                        return Driver { child, port };
                    }
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    last_error = format!("/status did not answer ready within {TIMEOUT:?}");
                    break;
                }
                std::thread::sleep(POLL);
            }
        }
        panic!("cannot start {}: {last_error}", binary.display());
    }

    /// The WebDriver URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = http(self.port, "GET", "/shutdown");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A blocking, bodiless HTTP/1.1 request to chromedriver on `port`; returns the status and
/// the body. For moments without an async runtime (startup, `Drop`). The body is
/// read by its `Content-Length` (chromedriver keeps the connection open even
/// when it answers `Connection: close`), else to the end.
fn http(port: u16, method: &str, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "malformed HTTP reply");
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(bad());
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(bad)?;
    let length = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        (name.trim() == "content-length").then(|| value.trim().parse::<usize>().ok())?
    });
    let mut body = raw.split_off(head_end + 4);
    match length {
        Some(length) => {
            while body.len() < length {
                let n = stream.read(&mut buf)?;
                if n == 0 {
                    return Err(bad());
                }
                body.extend_from_slice(&buf[..n]);
            }
            body.truncate(length);
        }
        None => {
            stream.read_to_end(&mut body)?;
        }
    }
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// A screenshot-friendly name: letters, digits, `-` and `_`; "root" for `/`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    if out.is_empty() {
        "root".to_owned()
    } else {
        out.chars().take(60).collect()
    }
}

/// One test's headless Chromium, pointed at one Portico.
pub struct Browser {
    client: Client,
    session: String,
    base: String,
    test: String,
    shots: AtomicU32,
    downloads: tempfile::TempDir,
    _profile: tempfile::TempDir,
    driver: Arc<Driver>,
}

/// Removes the screenshots an earlier run of test `test` left, so the folder
/// shows only this run's pages.
fn forget_screenshots(test: &str) {
    let prefix = format!("{test}-");
    if let Ok(entries) = std::fs::read_dir(screenshot_dir()) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

impl Browser {
    /// Opens a browser for test `test` (the prefix of its screenshots) against the
    /// Portico at `base` (`http://127.0.0.1:PORT`), with a 1280×900 viewport, English
    /// as the preferred language, and downloads saved to [`Browser::downloads`].
    pub async fn start(base: &str, test: &str) -> Browser {
        forget_screenshots(test);
        let driver = Driver::shared();
        let profile = tempfile::tempdir().expect("temp profile folder");
        let downloads = tempfile::tempdir().expect("temp download folder");
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--lang=en-US".to_owned(),
            format!("--window-size={},{}", WINDOW.0, WINDOW.1),
        ];
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": {
                "binary": chromium_path(),
                "args": args,
                "prefs": {
                    "download.default_directory": downloads.path(),
                    "download.prompt_for_download": false,
                    "download.directory_upgrade": true,
                    "intl.accept_languages": "en-US,en",
                    "credentials_enable_service": false,
                    "profile.password_manager_enabled": false,
                },
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("capabilities are an object")
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| panic!("chromedriver refused a new Chromium session: {e}"));
        let session = client
            .session_id()
            .await
            .expect("session id")
            .expect("a session id");
        let browser = Browser {
            client,
            session,
            base: base.trim_end_matches('/').to_owned(),
            test: slug(test),
            shots: AtomicU32::new(0),
            downloads,
            _profile: profile,
            driver,
        };
        // `--window-size` sizes the window, whose frame takes part of it.
        browser.set_viewport(WINDOW.0, WINDOW.1).await;
        browser
    }

    /// The fantoccini client, for what the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The Portico's base URL (`http://127.0.0.1:PORT`).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The folder where this browser saves downloads.
    pub fn downloads(&self) -> &Path {
        self.downloads.path()
    }

    /// A short description of where the browser is, for panic messages.
    async fn whereabouts(&self) -> String {
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_else(|e| format!("(no URL: {e})"));
        let title = self.client.title().await.unwrap_or_default();
        format!("at {url} (title {title:?})")
    }

    /// Opens `path` (relative to the Portico, e.g. `/login?lang=pt-BR`), waits for
    /// it to load and saves a screenshot.
    pub async fn goto(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        if let Err(e) = self.client.goto(&url).await {
            panic!("cannot open {url}: {e}");
        }
        self.wait_for_load().await;
        self.shot().await;
    }

    /// Waits until the document has finished loading.
    pub async fn wait_for_load(&self) {
        self.wait_until("the page to finish loading", async |b| {
            b.execute("return document.readyState", vec![]).await == json!("complete")
        })
        .await;
    }

    /// The current URL.
    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .unwrap_or_else(|e| panic!("cannot read the current URL: {e}"))
            .to_string()
    }

    /// The current path and query (`/login?lang=pt-BR`).
    pub async fn path_and_query(&self) -> String {
        let url = self.url().await;
        let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        let path = after_scheme.find('/').map_or("/", |at| &after_scheme[at..]);
        path.split('#').next().unwrap_or("/").to_owned()
    }

    /// The current path, without the query (`/login`).
    pub async fn path(&self) -> String {
        let full = self.path_and_query().await;
        full.split('?').next().unwrap_or("/").to_owned()
    }

    /// Waits until the current path (without the query) is `path`.
    pub async fn wait_for_path(&self, path: &str) {
        self.wait_until(&format!("the path to become {path}"), async |b| {
            b.path().await == path
        })
        .await;
    }

    /// Runs a script in the page (`return …` for a value); `arguments[i]` are `args`.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        match self.client.execute(script, args).await {
            Ok(v) => v,
            Err(e) => panic!("script failed {}: {e}\n{script}", self.whereabouts().await),
        }
    }

    /// The element matching `css`, or `None` right now (no waiting).
    pub async fn try_find(&self, css: &str) -> Option<Element> {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => Some(e),
            Err(e) if e.is_no_such_element() => None,
            Err(e) => panic!("cannot look for {css:?} {}: {e}", self.whereabouts().await),
        }
    }

    /// Whether an element matches `css` right now.
    pub async fn exists(&self, css: &str) -> bool {
        self.try_find(css).await.is_some()
    }

    /// How many elements match `css` right now.
    pub async fn count(&self, css: &str) -> usize {
        match self.client.find_all(Locator::Css(css)).await {
            Ok(all) => all.len(),
            Err(e) => panic!("cannot look for {css:?} {}: {e}", self.whereabouts().await),
        }
    }

    /// The element matching `css`, waiting up to [`TIMEOUT`] for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        self.wait_for(css).await
    }

    /// Waits up to [`TIMEOUT`] for an element matching `css` and returns it.
    pub async fn wait_for(&self, css: &str) -> Element {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(element) = self.try_find(css).await {
                return element;
            }
            if Instant::now() > deadline {
                panic!(
                    "no element matches {css:?} after {TIMEOUT:?} {}",
                    self.whereabouts().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits up to [`TIMEOUT`] until no element matches `css`.
    pub async fn wait_for_absent(&self, css: &str) {
        self.wait_until(&format!("{css:?} to disappear"), async |b| {
            !b.exists(css).await
        })
        .await;
    }

    /// Waits up to [`TIMEOUT`] until `condition` holds; `what` names it in the
    /// panic message ("the error to show").
    pub async fn wait_until(&self, what: &str, mut condition: impl AsyncFnMut(&Browser) -> bool) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if condition(self).await {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out after {TIMEOUT:?} waiting for {what} {}",
                    self.whereabouts().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Clicks the element matching `css` (waiting for it), for what changes the
    /// page in place. A click that loads another page (a link, a form's button)
    /// takes [`Browser::click_and_load`], which waits for that page.
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        if let Err(e) = element.click().await {
            panic!("cannot click {css:?} {}: {e}", self.whereabouts().await);
        }
    }

    /// Clicks the element matching `css` (a link, a form's button), waits up to
    /// [`TIMEOUT`] until another document has loaded (even at the same address,
    /// as a refused form is) and saves a screenshot of it.
    pub async fn click_and_load(&self, css: &str) {
        let element = self.find(css).await;
        // A mark on the current document: the next one will not carry it.
        self.execute("window.__porticoOldPage = true", vec![]).await;
        if let Err(e) = element.click().await {
            panic!("cannot click {css:?} {}: {e}", self.whereabouts().await);
        }
        self.wait_until(&format!("a new page after clicking {css:?}"), async |b| {
            // Fails while the documents change over: not loaded yet.
            b.client
                .execute(
                    "return window.__porticoOldPage !== true && document.readyState === 'complete'",
                    vec![],
                )
                .await
                .is_ok_and(|loaded| loaded == json!(true))
        })
        .await;
        self.shot().await;
    }

    /// Replaces the value of the field matching `css` with `text`.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        let typed = async {
            element.clear().await?;
            element.send_keys(text).await
        };
        if let Err(e) = typed.await {
            panic!("cannot type into {css:?} {}: {e}", self.whereabouts().await);
        }
    }

    /// Chooses the option with value `value` in the `<select>` matching `css`.
    pub async fn select(&self, css: &str, value: &str) {
        let element = self.find(css).await;
        if let Err(e) = element.select_by_value(value).await {
            panic!(
                "cannot choose {value:?} in {css:?} {}: {e}",
                self.whereabouts().await
            );
        }
    }

    /// The rendered text of the element matching `css` (waiting for it).
    pub async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        match element.text().await {
            Ok(text) => text,
            Err(e) => panic!(
                "cannot read the text of {css:?} {}: {e}",
                self.whereabouts().await
            ),
        }
    }

    /// Attribute `name` of the element matching `css` (waiting for it).
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let element = self.find(css).await;
        match element.attr(name).await {
            Ok(value) => value,
            Err(e) => panic!(
                "cannot read {name} of {css:?} {}: {e}",
                self.whereabouts().await
            ),
        }
    }

    /// Signs in through the form at `/login` and waits to leave it; panics with the
    /// page's error when the sign-in is refused.
    pub async fn sign_in(&self, login: &str, password: &str) {
        self.goto("/login").await;
        self.fill("input#login", login).await;
        self.fill("input#password", password).await;
        self.click_and_load("button.primary").await;
        if self.path().await == "/login" {
            let error = match self.try_find("#sign-in-error").await {
                Some(e) => e.text().await.unwrap_or_default(),
                None => "(no error shown)".to_owned(),
            };
            panic!("signing in as {login:?} failed: {error}");
        }
    }

    /// Resizes the window so the page's viewport is `width`×`height` CSS pixels.
    pub async fn set_viewport(&self, width: u32, height: u32) {
        let inner = async || {
            let v = self
                .execute("return [window.innerWidth, window.innerHeight]", vec![])
                .await;
            (v[0].as_i64().unwrap_or(0), v[1].as_i64().unwrap_or(0))
        };
        let (mut w, mut h) = (width, height);
        for _ in 0..3 {
            if let Err(e) = self.client.set_window_size(w, h).await {
                panic!("cannot resize the window to {w}×{h}: {e}");
            }
            let (iw, ih) = inner().await;
            if (iw, ih) == (i64::from(width), i64::from(height)) {
                return;
            }
            // The window's frame takes some room: grow the window by what is missing.
            w = (i64::from(w) + i64::from(width) - iw).max(1) as u32;
            h = (i64::from(h) + i64::from(height) - ih).max(1) as u32;
        }
        let (iw, ih) = inner().await;
        panic!("cannot make the viewport {width}×{height}: it is {iw}×{ih}");
    }

    /// Saves a PNG of the viewport as `target/screenshots/{name}.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = match self.client.screenshot().await {
            Ok(png) => png,
            Err(e) => panic!(
                "cannot take screenshot {name} {}: {e}",
                self.whereabouts().await
            ),
        };
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }

    /// Saves a screenshot named after the test, a sequence number and the current
    /// path (`sign_in_works-02-developer.png`) and returns its path.
    pub async fn shot(&self) -> PathBuf {
        let n = self.shots.fetch_add(1, Ordering::Relaxed) + 1;
        let page = slug(&self.path_and_query().await);
        self.screenshot(&format!("{}-{n:02}-{page}", self.test))
            .await
    }

    /// Waits up to [`TIMEOUT`] for a finished download named `file_name` and returns its path.
    pub async fn wait_for_download(&self, file_name: &str) -> PathBuf {
        let path = self.downloads().join(file_name);
        self.wait_until(&format!("the download {file_name}"), async |b| {
            path.is_file()
                && !std::fs::read_dir(b.downloads())
                    .map(|d| {
                        d.flatten()
                            .any(|e| e.file_name().to_string_lossy().ends_with(".crdownload"))
                    })
                    .unwrap_or(false)
        })
        .await;
        path
    }
}

impl Drop for Browser {
    /// Ends the session (quitting its Chromium) over a blocking request, since there
    /// may be no runtime left; a panicking test first saves `{test}-failed.png`.
    fn drop(&mut self) {
        let port = self.driver.port;
        if std::thread::panicking() {
            let reply = http(
                port,
                "GET",
                &format!("/session/{}/screenshot", self.session),
            );
            let png = reply
                .ok()
                .and_then(|(_, body)| serde_json::from_str::<Value>(&body).ok())
                .and_then(|v| v["value"].as_str().and_then(|b| STANDARD.decode(b).ok()));
            if let Some(png) = png {
                let path = screenshot_dir().join(format!("{}-failed.png", self.test));
                if std::fs::write(&path, png).is_ok() {
                    eprintln!("screenshot of the failure: {}", path.display());
                }
            }
        }
        let _ = http(port, "DELETE", &format!("/session/{}", self.session));
    }
}
