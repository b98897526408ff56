//! The authorization-code flow in a real browser: an application's link to
//! `/oauth/authorize/` asks a signed-out user to sign in first, shows the
//! consent page, and on "Allow" sends the browser to the application's handler
//! (a real HTTP server on a loopback port) with a code that the application
//! exchanges for tokens at `/oauth/token/`.

use portico_methods::apps::{create, AppDraft};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::harness::Browser;
use crate::{start_app, ADMIN_PASSWORD};

/// A tiny application server: answers every request with a page and sends
/// each request line (`GET /path?query HTTP/1.1`) on the channel.
async fn app_server() -> (String, mpsc::UnboundedReceiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&head);
                let line = text.lines().next().unwrap_or_default().to_owned();
                let body = "<!doctype html><title>App</title><h1 id=\"app\">The application got the code</h1>";
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = tx.send(line);
            });
        }
    });
    (base, rx)
}

/// The query parameters of a URL.
fn query_of(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

#[tokio::test]
async fn an_application_is_allowed_in_the_browser_and_exchanges_its_code() {
    let app = start_app().await;
    let (app_base, mut requests) = app_server().await;
    let handler = format!("{app_base}/app/handler");
    let creds = create(
        app.store.as_ref(),
        &app.secrets,
        AppDraft {
            name: "Browser sync".into(),
            handler_url: handler.clone(),
            install_url: None,
            script_only: true,
            menu_texts: Vec::new(),
            scopes: vec!["crm".into(), "user".into()],
        },
        1,
        1_700_000_000,
    )
    .await
    .expect("create app");

    let b = Browser::start(&app.base, "oauth_code_flow").await;
    let authorize = format!(
        "/oauth/authorize/?client_id={}&state=st-42",
        creds.client_id
    );
    b.goto(&authorize).await;
    assert_eq!(b.path().await, "/login", "signed out: sign in first");
    b.fill("input#login", "admin").await;
    b.fill("input#password", ADMIN_PASSWORD).await;
    b.click_and_load("button.primary").await;
    assert_eq!(
        b.path().await,
        "/oauth/authorize/",
        "back to the request after signing in"
    );
    assert_eq!(b.text("#oauth-app").await, "Browser sync");
    assert!(b.text("#oauth-scopes").await.contains("crm"));
    b.shot().await;

    b.click("#oauth-allow").await;
    b.wait_until("the application's handler", async |b| {
        b.url().await.starts_with(&handler)
    })
    .await;
    b.wait_for("#app").await;
    b.shot().await;
    let landed = b.url().await;
    let pairs = query_of(&landed);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{name} missing in {landed}"))
    };
    assert_eq!(get("state"), "st-42");
    assert_eq!(get("scope"), "crm,user");
    let line = requests.recv().await.expect("the handler was called");
    assert!(line.starts_with("GET /app/handler?code="), "{line}");

    // The application exchanges the code and calls the REST API with the token.
    let token: Value = app
        .client
        .get(format!("{}/oauth/token/", app.base))
        .query(&[
            ("grant_type", "authorization_code"),
            ("client_id", creds.client_id.as_str()),
            ("client_secret", creds.client_secret.as_str()),
            ("code", get("code").as_str()),
        ])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token JSON");
    let access = token["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{token}"));
    let profile: Value = app
        .client
        .get(format!("{}/rest/profile.json?auth={access}", app.base))
        .send()
        .await
        .expect("profile")
        .json()
        .await
        .expect("profile JSON");
    assert_eq!(profile["result"]["ID"], json!("1"), "{profile}");

    // The consent page in Portuguese.
    b.goto("/developer").await;
    b.select("#lang-select", "pt-BR").await;
    b.click_and_load("header form[action='/settings/language'] button")
        .await;
    b.goto(&authorize).await;
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("pt-BR"));
    assert_eq!(b.text("#oauth-allow").await, "Permitir");
    b.shot().await;
}
