//! Application pages: `/apps/{id}` posts the frame form (§10.4) into an
//! iframe — query `DOMAIN`, `PROTOCOL`, `LANG`, `APP_SID`; the viewing user's
//! fresh tokens that work on `/rest/` and refresh at `/oauth/token/` — with a
//! CSP that lets only the application's origin be framed; the left menu's
//! entry; the UI installation flow (installer for administrators, a notice
//! for others, `POST /apps/{id}/installed` with CSRF, administrators only);
//! no page for a script-only application.

use portico_methods::apps::{create, AppDraft, Credentials};
use serde_json::Value;

use crate::common::TestApp;
use crate::ui_client::{input_value, Page};

/// Creates an application with a user interface (installer at
/// `/install` when `installer`), scopes `crm`, `user` and `placement`.
pub async fn new_ui_app(app: &TestApp, installer: bool) -> Credentials {
    let draft = AppDraft {
        name: "Deal tools".into(),
        handler_url: "https://app.example.com/handler?from=portal".into(),
        install_url: installer.then(|| "https://app.example.com/install".into()),
        script_only: false,
        menu_texts: vec![
            ("en".into(), "Deal tools".into()),
            ("br".into(), "Ferramentas".into()),
        ],
        scopes: vec!["crm".into(), "user".into(), "placement".into()],
    };
    create(app.store.as_ref(), &app.secrets, draft, 1, 1_700_000_000)
        .await
        .expect("create app")
}

/// The frame form of a page: its action and its hidden fields.
pub struct FrameForm {
    /// The URL the form posts to (entities decoded).
    pub action: String,
    /// The page, for its fields.
    pub page: Page,
}

impl FrameForm {
    /// Reads the frame form of `page`; panics (with the body) without one.
    pub fn of(page: Page) -> FrameForm {
        assert_eq!(page.status, 200, "{}", page.body);
        let start = page
            .body
            .find(r#"id="app-frame-form""#)
            .unwrap_or_else(|| panic!("no frame form: {}", page.body));
        let rest = &page.body[start..];
        let at = rest.find(r#"action=""#).expect("action") + r#"action=""#.len();
        let action = rest[at..]
            .split('"')
            .next()
            .unwrap_or_default()
            .replace("&amp;", "&");
        FrameForm { action, page }
    }

    /// A hidden field's value.
    pub fn field(&self, name: &str) -> String {
        input_value(&self.page.body, name).unwrap_or_else(|| panic!("no field {name}"))
    }

    /// A query parameter of the action.
    pub fn query(&self, name: &str) -> String {
        let query = self.action.split_once('?').map(|(_, q)| q).unwrap_or("");
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| panic!("no {name} in {}", self.action))
    }
}

/// Calls `method` with an application's access token in a JSON body.
pub async fn call_app(app: &TestApp, token: &str, method: &str, mut body: Value) -> (u16, Value) {
    body["auth"] = Value::String(token.to_owned());
    let resp = app
        .client
        .post(format!("{}/rest/{method}", app.base))
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let json =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, json)
}

/// Opens an application's page as `user_id` and returns its `AUTH_ID`.
pub async fn token_of(app: &TestApp, user_id: i64, app_id: i64) -> String {
    let ui = app.sign_in_as(user_id).await;
    FrameForm::of(ui.get(&format!("/apps/{app_id}")).await).field("AUTH_ID")
}

fn is_hex32(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[tokio::test]
async fn the_app_page_posts_the_frame_form_with_the_viewers_working_tokens() {
    let app = TestApp::start().await;
    let creds = new_ui_app(&app, false).await;
    app.store
        .set_app_installed(creds.id, 1_700_000_001)
        .await
        .expect("installed");
    let bob = app.add_user("bob", false).await;
    let ui = app.sign_in_as(bob).await;
    let page = ui.get(&format!("/apps/{}", creds.id)).await;
    assert!(
        page.contains(&format!(r#"href="/apps/{}""#, creds.id)) && page.contains("Deal tools"),
        "the left menu lists the application"
    );
    assert!(page.contains(r#"<script src="/static/app_frame.js" defer>"#));
    let form = FrameForm::of(page);
    assert!(
        form.action
            .starts_with("https://app.example.com/handler?from=portal&DOMAIN="),
        "{}",
        form.action
    );
    let domain = app.base.trim_start_matches("http://");
    assert_eq!(form.query("DOMAIN"), domain);
    assert_eq!(form.query("PROTOCOL"), "0");
    assert_eq!(form.query("LANG"), "en");
    let sid = form.query("APP_SID");
    assert!(is_hex32(&sid), "{sid}");
    assert_eq!(form.field("AUTH_EXPIRES"), "3600");
    assert_eq!(form.field("SERVER_ENDPOINT"), format!("{}/rest/", app.base));
    let stored = app
        .store
        .app_by_id(creds.id)
        .await
        .expect("read")
        .expect("app");
    let token = app
        .secrets
        .decrypt(&stored.application_token_sealed)
        .expect("unsealed");
    assert_eq!(form.field("APPLICATION_TOKEN"), token);
    assert_eq!(form.field("APPLICATION_SCOPE"), "crm,user,placement");
    assert!(is_hex32(&form.field("member_id")));
    assert_eq!(form.field("status"), "L");
    assert_eq!(form.field("PLACEMENT"), "DEFAULT");
    assert_eq!(form.field("PLACEMENT_OPTIONS"), "{}");
    assert!(form.page.contains(&format!(r#"target="app-frame-{sid}""#)));
    assert!(form.page.contains(&format!(r#"name="app-frame-{sid}""#)));

    // The access token is a real grant acting as the viewer.
    let auth = form.field("AUTH_ID");
    let (status, me) = call_app(&app, &auth, "user.current", serde_json::json!({})).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["result"]["ID"], bob.to_string());
    // The refresh token renews at /oauth/token/.
    let refreshed = app
        .client
        .get(format!(
            "{}/oauth/token/?grant_type=refresh_token&client_id={}&client_secret={}&refresh_token={}",
            app.base,
            creds.client_id,
            creds.client_secret,
            form.field("REFRESH_ID")
        ))
        .send()
        .await
        .expect("refresh");
    assert_eq!(refreshed.status().as_u16(), 200);
    let body: Value = refreshed.json().await.expect("json");
    assert_eq!(body["user_id"], bob);

    // Each render is a new session with new tokens.
    let again = FrameForm::of(ui.get(&format!("/apps/{}", creds.id)).await);
    assert_ne!(again.query("APP_SID"), sid);
    assert_ne!(again.field("AUTH_ID"), auth);

    // In Portuguese: LANG=br and the Portuguese menu text.
    app.store
        .set_user_setting(bob, "lang", "pt-BR")
        .await
        .expect("lang");
    let pt = FrameForm::of(ui.get(&format!("/apps/{}", creds.id)).await);
    assert_eq!(pt.query("LANG"), "br");
    assert!(pt.page.contains("Ferramentas"));
}

#[tokio::test]
async fn the_app_page_may_frame_only_the_apps_origin() {
    let app = TestApp::start().await;
    let creds = new_ui_app(&app, false).await;
    let ui = app.sign_in_as(1).await;
    let page = ui.get(&format!("/apps/{}", creds.id)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.csp.contains("frame-src https://app.example.com;"),
        "{}",
        page.csp
    );
    assert!(page
        .csp
        .contains("form-action 'self' https://app.example.com;"));
    assert!(page.csp.contains("frame-ancestors 'none'"));
    assert!(page.csp.contains("script-src 'self';"));
    assert!(page.contains(r#"sandbox="allow-scripts allow-forms allow-same-origin allow-popups""#));
    // Other pages frame nothing and post nowhere else.
    let other = ui.get("/developer").await;
    assert!(!other.csp.contains("app.example.com"), "{}", other.csp);
    assert!(other.csp.contains("form-action 'self';"));
}

#[tokio::test]
async fn the_installer_runs_for_administrators_until_install_finish_is_reported() {
    let app = TestApp::start().await;
    let creds = new_ui_app(&app, true).await;
    let path = format!("/apps/{}", creds.id);
    let bob = app.add_user("bob", false).await;
    let bob_ui = app.sign_in_as(bob).await;
    let notice = bob_ui.get(&path).await;
    assert_eq!(notice.status, 200);
    assert!(notice.contains(
        "The application is not fully installed yet. Please contact your Bitrix24 administrator to complete the installation."
    ));
    assert!(!notice.contains("app-frame-form"));
    assert!(
        !notice.contains(&format!(r#"href="{path}""#)),
        "no menu entry for others before installation"
    );
    app.store
        .set_user_setting(bob, "lang", "pt-BR")
        .await
        .expect("lang");
    assert!(bob_ui.get(&path).await.contains(
        "O aplicativo ainda não está totalmente instalado. Entre em contato com o administrador do Bitrix24 para concluir a instalação."
    ));

    let admin = app.sign_in_as(1).await;
    let installer = FrameForm::of(admin.get(&path).await);
    assert!(
        installer
            .action
            .starts_with("https://app.example.com/install?DOMAIN="),
        "{}",
        installer.action
    );
    assert_eq!(installer.field("PLACEMENT"), "DEFAULT");
    assert!(installer.page.contains(r#"data-install="1""#));
    let done = format!("{path}/installed");
    assert!(installer.page.contains(&format!(
        r#"id="app-installed-form" method="post" action="{done}""#
    )));

    // Refused without the CSRF token, and for non-administrators.
    let no_csrf = admin.post_form(&done, &[]).await;
    assert_eq!(no_csrf.status, 403);
    let bob_csrf = bob_ui.get("/developer").await.csrf();
    let by_bob = bob_ui.post_form(&done, &[("csrf", &bob_csrf)]).await;
    assert_eq!(by_bob.status, 403);
    let still = app.store.app_by_id(creds.id).await.expect("read");
    assert_eq!(still.expect("app").installed_at, None);

    let finished = admin
        .post_form(&done, &[("csrf", &installer.page.csrf())])
        .await;
    assert_eq!(finished.status, 303, "{}", finished.body);
    assert_eq!(finished.location(), path);
    let installed = app.store.app_by_id(creds.id).await.expect("read");
    assert!(installed.expect("app").installed_at.is_some());
    let handler = FrameForm::of(admin.get(&path).await);
    assert!(handler
        .action
        .starts_with("https://app.example.com/handler?from=portal&"));
    assert!(handler.page.contains(r#"data-install="0""#));
    assert!(!handler.page.contains("app-installed-form"));
    // Now everyone gets the application.
    FrameForm::of(bob_ui.get(&path).await);
}

#[tokio::test]
async fn script_only_and_unknown_apps_have_no_page() {
    let app = TestApp::start().await;
    let draft = AppDraft {
        name: "Sync".into(),
        handler_url: "https://app.example.com/".into(),
        install_url: None,
        script_only: true,
        menu_texts: vec![],
        scopes: vec!["crm".into()],
    };
    let creds = create(app.store.as_ref(), &app.secrets, draft, 1, 1_700_000_000)
        .await
        .expect("create");
    let ui = app.sign_in_as(1).await;
    let page = ui.get(&format!("/apps/{}", creds.id)).await;
    assert_eq!(page.status, 404);
    assert!(!page.contains(&format!(r#"href="/apps/{}""#, creds.id)));
    assert_eq!(ui.get("/apps/999").await.status, 404);
    assert_eq!(ui.get("/apps/x").await.status, 404);
}
