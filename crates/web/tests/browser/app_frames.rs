//! Applications with a user interface in the browser: an administrator opens a
//! new application, its installer runs in the frame and calls BX24.js's
//! `installFinish` (a `postMessage` to the portal in BX24.js's own format),
//! after which the application's page shows its handler; a CRM deal tab the
//! application binds with `placement.bind` opens the handler in the frame
//! with `PLACEMENT` and `PLACEMENT_OPTIONS`. The application is a real HTTP
//! server on a loopback port.

use portico_methods::apps::{create, AppDraft};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::harness::Browser;
use crate::{start_app, ADMIN_PASSWORD};

/// One request the application received: its path and its form fields.
#[derive(Debug)]
struct Hit {
    path: String,
    form: Vec<(String, String)>,
}

impl Hit {
    fn field(&self, name: &str) -> &str {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// The page the application answers: what it received, and for the
/// installer a script doing what BX24.js's `installFinish()` does.
fn page_for(hit: &Hit) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;")
    };
    let installer = if hit.path.starts_with("/install") {
        // BX24.js: parent.postMessage(command + ':' + JSON params + ':' + callback + ':' + APP_SID, portal).
        "<script>
          var q = new URLSearchParams(location.search);
          var portal = (q.get('PROTOCOL') === '1' ? 'https://' : 'http://') + q.get('DOMAIN');
          setTimeout(function () {
            parent.postMessage('setInstallFinish:{}::' + q.get('APP_SID'), portal);
          }, 300);
        </script>"
    } else {
        ""
    };
    format!(
        "<!doctype html><title>App</title><body style=\"font-family:sans-serif\">\
         <h1 id=\"where\">{}</h1><p>PLACEMENT <b id=\"placement\">{}</b></p>\
         <p>PLACEMENT_OPTIONS <code id=\"options\">{}</code></p><p>AUTH_ID received: {}</p>{installer}",
        esc(&hit.path),
        esc(hit.field("PLACEMENT")),
        esc(hit.field("PLACEMENT_OPTIONS")),
        !hit.field("AUTH_ID").is_empty(),
    )
}

/// The application's server: answers every request with [`page_for`] and
/// sends each [`Hit`] on the channel.
async fn app_server() -> (String, mpsc::UnboundedReceiver<Hit>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut data = Vec::new();
                let mut buf = [0u8; 4096];
                let head_end = loop {
                    if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                        break at + 4;
                    }
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => data.extend_from_slice(&buf[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&data[..head_end]).to_string();
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().ok())?
                    })
                    .unwrap_or(0);
                while data.len() < head_end + length {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => data.extend_from_slice(&buf[..n]),
                    }
                }
                let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let path = target.split('?').next().unwrap_or("/").to_owned();
                let body = &data[head_end..(head_end + length).min(data.len())];
                let hit = Hit {
                    path,
                    form: form_urlencoded::parse(body).into_owned().collect(),
                };
                let page = page_for(&hit);
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = tx.send(hit);
            });
        }
    });
    (base, rx)
}

/// The next request to `path` (earlier ones to other paths skipped).
async fn next_to(rx: &mut mpsc::UnboundedReceiver<Hit>, path: &str) -> Hit {
    let wait = async {
        loop {
            let hit = rx.recv().await.expect("the application server stopped");
            if hit.path == path {
                return hit;
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(15), wait)
        .await
        .unwrap_or_else(|_| panic!("no request to {path}"))
}

#[tokio::test]
async fn an_app_installs_in_its_frame_and_shows_in_a_deal_tab() {
    let app = start_app().await;
    let (app_base, mut hits) = app_server().await;
    let creds = create(
        app.store.as_ref(),
        &app.secrets,
        AppDraft {
            name: "Frame app".into(),
            handler_url: format!("{app_base}/handler"),
            install_url: Some(format!("{app_base}/install")),
            script_only: false,
            menu_texts: vec![
                ("en".into(), "Frame app".into()),
                ("br".into(), "App no quadro".into()),
            ],
            scopes: vec!["crm".into(), "placement".into()],
        },
        1,
        1_700_000_000,
    )
    .await
    .expect("create app");

    let b = Browser::start(&app.base, "app_frames").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;

    // Not installed: the administrator's page runs the installer in the frame,
    // whose installFinish marks the application installed and shows the handler.
    b.goto(&format!("/apps/{}", creds.id)).await;
    assert!(b.exists("#app-installing").await);
    let install = next_to(&mut hits, "/install").await;
    assert_eq!(install.field("PLACEMENT"), "DEFAULT");
    let token = install.field("AUTH_ID").to_owned();
    assert!(!token.is_empty(), "{install:?}");
    b.shot().await;
    let handler = next_to(&mut hits, "/handler").await;
    assert_eq!(handler.field("PLACEMENT"), "DEFAULT");
    b.wait_for_absent("#app-installing").await;
    let installed = app
        .store
        .app_by_id(creds.id)
        .await
        .expect("app")
        .expect("row");
    assert!(
        installed.installed_at.is_some(),
        "installFinish reached the portal"
    );
    b.shot().await;

    // The application binds a deal tab with the token its frame received.
    let bound: Value = app
        .client
        .post(format!("{}/rest/placement.bind.json", app.base))
        .json(&json!({
            "auth": token,
            "PLACEMENT": "CRM_DEAL_DETAIL_TAB",
            "HANDLER": format!("{app_base}/tab"),
            "TITLE": "Frame app tab",
        }))
        .send()
        .await
        .expect("bind")
        .json()
        .await
        .expect("bind JSON");
    assert_eq!(bound["result"], json!(true), "{bound}");
    let deal = app
        .ok("crm.deal.add", json!({"fields": {"TITLE": "Framed deal"}}))
        .await
        .as_i64()
        .expect("deal");
    b.goto(&format!("/crm/deals/{deal}")).await;
    b.click_and_load("a.app-tab[data-placement='CRM_DEAL_DETAIL_TAB']")
        .await;
    let tab = next_to(&mut hits, "/tab").await;
    assert_eq!(tab.field("PLACEMENT"), "CRM_DEAL_DETAIL_TAB");
    let options: Value =
        serde_json::from_str(tab.field("PLACEMENT_OPTIONS")).expect("options JSON");
    assert_eq!(options["ID"], json!(deal.to_string()));
    assert!(!tab.field("AUTH_ID").is_empty());
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    b.shot().await;

    // The menu entry in Portuguese.
    b.select("#lang-select", "pt-BR").await;
    b.click_and_load("header form[action='/settings/language'] button")
        .await;
    b.goto(&format!("/apps/{}", creds.id)).await;
    assert!(
        b.text("nav").await.contains("App no quadro"),
        "{}",
        b.text("nav").await
    );
    next_to(&mut hits, "/handler").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    b.shot().await;
}
