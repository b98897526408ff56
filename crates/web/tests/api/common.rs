//! A real Portico for tests: a fresh SQLite file in a temp folder (or, with
//! `PORTICO_TEST_BACKEND=postgres`, a fresh database on the PostgreSQL test server
//! that `PORTICO_TEST_POSTGRES_URL` names), the router served on a loopback port,
//! an administrator with a `crm,user` webhook, and helpers that call it over HTTP.
//! [`TestApp::restart`] serves a new router on the same database.

use std::sync::Arc;

use portico_methods::Clock;
use portico_store::secrets::{new_webhook_secret, SecretBox};
use portico_store::{NewUser, NewWebhook, Store};
use portico_store_postgres::{testing, PgOptions, PgStore};
use portico_store_sqlite::{SqliteOptions, SqliteStore};
use portico_web::{AppState, Limits};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Largest body the test server accepts (small, to test the limit).
pub const TEST_BODY_LIMIT: usize = 256 * 1024;

/// Changes the server's state before it serves (e.g. trusted proxies).
pub type Configure = Arc<dyn Fn(AppState) -> AppState + Send + Sync>;

pub struct TestApp {
    pub base: String,
    /// `{base}/rest/1/{secret}/` of the administrator's `crm,user` webhook.
    pub hook: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub secrets: SecretBox,
    configure: Configure,
    /// The PostgreSQL database this app keeps its data in; `None` on SQLite.
    database_url: Option<String>,
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
    dir: tempfile::TempDir,
}

/// A running router on a loopback port.
struct Served {
    base: String,
    store: Arc<dyn Store>,
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
}

/// A fresh database on the PostgreSQL test server when the tests run against
/// PostgreSQL (`PORTICO_TEST_BACKEND=postgres`); `None` for SQLite.
async fn fresh_postgres() -> Option<String> {
    match std::env::var("PORTICO_TEST_BACKEND").as_deref() {
        Ok("postgres") => {
            let server = testing::test_server_url().unwrap_or_else(|| {
                panic!(
                    "PORTICO_TEST_BACKEND=postgres needs {}",
                    testing::TEST_URL_VAR
                )
            });
            Some(testing::fresh_database(&server).await)
        }
        Ok("sqlite") | Err(_) => None,
        Ok(other) => panic!("unknown PORTICO_TEST_BACKEND {other:?} (sqlite or postgres)"),
    }
}

/// Serves a router on the PostgreSQL database `database_url`, or without one on
/// the SQLite file in `dir` (created when missing).
async fn serve(
    dir: &tempfile::TempDir,
    database_url: Option<&str>,
    secrets: &SecretBox,
    configure: &Configure,
) -> Served {
    let store: Arc<dyn Store> = match database_url {
        Some(url) => Arc::new(
            PgStore::connect(url, PgOptions::default())
                .await
                .expect("open store"),
        ),
        None => Arc::new(
            SqliteStore::open(
                &dir.path().join("portico.sqlite3"),
                SqliteOptions::default(),
            )
            .expect("open store"),
        ),
    };
    let state = configure(AppState::new(
        store.clone(),
        Arc::new(portico_methods::registry()),
        secrets.clone(),
        Clock::default(),
        Limits {
            max_body_bytes: TEST_BODY_LIMIT,
        },
        false,
    ));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (shutdown, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(portico_web::serve_app(
        listener,
        state,
        portico_web::ServeOptions::default(),
        async {
            let _ = rx.await;
        },
    ));
    Served {
        base,
        store,
        shutdown,
        server,
    }
}

pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

impl TestApp {
    pub async fn start() -> TestApp {
        TestApp::start_with(|state| state).await
    }

    /// [`TestApp::start`] with the server's state changed by `configure`
    /// (again at each [`TestApp::restart`]).
    pub async fn start_with(
        configure: impl Fn(AppState) -> AppState + Send + Sync + 'static,
    ) -> TestApp {
        crate::logs::capture();
        let dir = tempfile::tempdir().expect("temp dir");
        let secrets = SecretBox::new(&SecretBox::generate_master());
        let configure: Configure = Arc::new(configure);
        let database_url = fresh_postgres().await;
        let served = serve(&dir, database_url.as_deref(), &secrets, &configure).await;
        let mut app = TestApp {
            base: served.base,
            hook: String::new(),
            client: reqwest::Client::new(),
            store: served.store,
            secrets,
            configure,
            database_url,
            shutdown: served.shutdown,
            server: served.server,
            dir,
        };
        let admin = app.add_user("admin", true).await;
        assert_eq!(admin, 1);
        app.hook = app.webhook(admin, &["crm", "user"], None).await;
        app
    }

    /// Stops the server, closes the store, and serves a new router (fresh
    /// in-memory state) on the same database file and a new port.
    pub async fn restart(self) -> TestApp {
        let TestApp {
            hook,
            client,
            store,
            secrets,
            configure,
            database_url,
            shutdown,
            server,
            dir,
            ..
        } = self;
        let _ = shutdown.send(());
        tokio::time::timeout(std::time::Duration::from_secs(15), server)
            .await
            .expect("server stopped")
            .expect("server task")
            .expect("server result");
        drop(store);
        let served = serve(&dir, database_url.as_deref(), &secrets, &configure).await;
        let path = hook.splitn(4, '/').nth(3).unwrap_or_default();
        TestApp {
            hook: format!("{}/{path}", served.base),
            base: served.base,
            client,
            store: served.store,
            secrets,
            configure,
            database_url,
            shutdown: served.shutdown,
            server: served.server,
            dir,
        }
    }

    pub async fn add_user(&self, login: &str, admin: bool) -> i64 {
        self.store
            .insert_user(NewUser {
                login: login.into(),
                name: format!("{login} name"),
                last_name: format!("{login} last"),
                email: format!("{login}@example.com"),
                is_admin: admin,
                password_hash: "x".into(),
                date_register: 1_700_000_000,
            })
            .await
            .expect("insert user")
    }

    /// The secret in the path of the administrator's webhook.
    pub fn secret(&self) -> String {
        self.hook
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string()
    }

    /// Creates a webhook and returns its base URL (ending with `/`).
    pub async fn webhook(&self, user_id: i64, scopes: &[&str], expires_at: Option<i64>) -> String {
        let secret = new_webhook_secret();
        self.store
            .insert_webhook(NewWebhook {
                user_id,
                name: "test".into(),
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
                secret_hash: self.secrets.lookup_hash(&secret),
                secret_encrypted: self.secrets.encrypt(&secret),
                expires_at,
                created_at: 1_700_000_000,
            })
            .await
            .expect("insert webhook");
        format!("{}/rest/{user_id}/{secret}/", self.base)
    }

    async fn reply(resp: reqwest::Response) -> Reply {
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        Reply {
            status,
            content_type,
            text: resp.text().await.expect("body"),
        }
    }

    /// POST a JSON body to `{hook}{method}.json`.
    pub async fn call(&self, method: &str, body: Value) -> Reply {
        self.call_on(&self.hook, method, body).await
    }

    /// POST a JSON body to another webhook.
    pub async fn call_on(&self, hook: &str, method: &str, body: Value) -> Reply {
        let resp = self
            .client
            .post(format!("{hook}{method}.json"))
            .json(&body)
            .send()
            .await
            .expect("request");
        Self::reply(resp).await
    }

    /// GET `url` as given.
    pub async fn get(&self, url: &str) -> Reply {
        Self::reply(self.client.get(url).send().await.expect("request")).await
    }

    /// POST raw bytes with a content type.
    pub async fn post_raw(
        &self,
        url: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Reply {
        let resp = self
            .client
            .post(url)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request");
        Self::reply(resp).await
    }

    /// Calls a method expecting success and returns `result`.
    pub async fn ok(&self, method: &str, body: Value) -> Value {
        let r = self.call(method, body).await;
        assert_eq!(r.status, 200, "{method}: {}", r.text);
        r.json()["result"].clone()
    }
}

/// Asserts an error reply exactly.
pub fn assert_error(r: &Reply, status: u16, error: &str, description: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.content_type, "application/json; charset=utf-8");
    assert_eq!(
        r.json(),
        serde_json::json!({"error": error, "error_description": description}),
        "{}",
        r.text
    );
}
