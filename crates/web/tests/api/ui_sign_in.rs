//! Signing in and out over HTTP: cookie flags, wrong passwords, the throttle
//! (429 with `Retry-After`), the sign-in form's own CSRF check, local-only `next`,
//! sign-out ending the session, deactivated users, and the language of signed-out pages.

use crate::common::TestApp;
use crate::ui_client::{UiClient, TEST_PASSWORD};

#[tokio::test]
async fn sign_in_sets_a_protected_session_cookie_and_sign_out_ends_it() {
    let app = TestApp::start().await;
    app.set_password(1, TEST_PASSWORD).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = http
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let csrf_cookie = form
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .to_owned();
    assert!(csrf_cookie.starts_with("portico_signin_csrf="));
    let token = csrf_cookie
        .trim_start_matches("portico_signin_csrf=")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let signed = http
        .post(format!("{}/login", app.base))
        .header("cookie", format!("portico_signin_csrf={token}"))
        .form(&[
            ("csrf", token.as_str()),
            ("login", "admin"),
            ("password", TEST_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    let session = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("portico_session="))
        .expect("session cookie")
        .to_owned();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(flag), "{flag} in {session}");
    }
    assert!(!session.contains("Secure"), "plain HTTP: no Secure flag");

    let ui = app.sign_in("admin", TEST_PASSWORD).await;
    let old_session = ui.cookie("portico_session").expect("signed in");
    let page = ui.get("/developer").await;
    assert_eq!(page.status, 200);
    let out = ui.post_form("/logout", &[("csrf", &page.csrf())]).await;
    assert_eq!(out.location(), "/login");
    assert_eq!(ui.cookie("portico_session"), None, "cookie removed");
    // The old token is dead on the server too, not only forgotten by the browser.
    let replay = UiClient::new(&app.base);
    replay.set_cookie("portico_session", Some(&old_session));
    let again = replay.get("/developer").await;
    assert_eq!(again.status, 303);
    assert!(again.location().starts_with("/login"));
}

#[tokio::test]
async fn wrong_passwords_are_refused_then_throttled() {
    let app = TestApp::start().await;
    app.set_password(1, TEST_PASSWORD).await;
    let ui = app.ui();
    let wrong = ui.sign_in("admin", "not the password").await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.contains("id=\"sign-in-error\""));
    assert!(ui.cookie("portico_session").is_none());
    let unknown = ui.sign_in("nobody", "whatever").await;
    assert_eq!(unknown.status, 401, "unknown logins get the same answer");
    assert_eq!(
        wrong.body.replace(&wrong.csrf(), ""),
        unknown
            .body
            .replace(&unknown.csrf(), "")
            .replace("value=\"nobody\"", "value=\"admin\""),
        "no hint whether the login exists"
    );

    for _ in 0..4 {
        assert_eq!(ui.sign_in("admin", "still wrong").await.status, 401);
    }
    let locked = ui.sign_in("admin", TEST_PASSWORD).await;
    assert_eq!(locked.status, 429, "locked even with the right password");
    assert!(locked.contains("id=\"sign-in-error\""));
    assert!(ui.cookie("portico_session").is_none());
    let http = reqwest::Client::new();
    let page = http
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "the form itself still shows");
    let form = ui.get("/login").await;
    let token = form.csrf();
    let cookie = ui.cookie("portico_signin_csrf").expect("sign-in cookie");
    let again = http
        .post(format!("{}/login", app.base))
        .header("cookie", format!("portico_signin_csrf={cookie}"))
        .form(&[
            ("csrf", token.as_str()),
            ("login", "admin"),
            ("password", TEST_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 429);
    let wait: i64 = again
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=900).contains(&wait), "{wait}");

    // Another login from the same address is not locked by admin's failures...
    let bob = app.add_user("bob", false).await;
    app.set_password(bob, TEST_PASSWORD).await;
    assert_eq!(app.ui().sign_in("bob", TEST_PASSWORD).await.status, 303);
    // ...until the address itself has failed 20 times, whatever the logins
    // (a success does not reset the address's count).
    for i in 7..=20 {
        let login = format!("guess{i}");
        assert_eq!(app.ui().sign_in(&login, "x").await.status, 401, "{login}");
    }
    let locked_address = app.ui().sign_in("bob", TEST_PASSWORD).await;
    assert_eq!(locked_address.status, 429, "the address is locked");
}

#[tokio::test]
async fn the_sign_in_form_needs_its_csrf_cookie_and_next_stays_local() {
    let app = TestApp::start().await;
    app.set_password(1, TEST_PASSWORD).await;
    let ui = app.ui();
    let form = ui.get("/login").await;
    let token = form.csrf();
    ui.set_cookie("portico_signin_csrf", None);
    let refused = ui
        .post_form(
            "/login",
            &[
                ("csrf", &token),
                ("login", "admin"),
                ("password", TEST_PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "no csrf cookie");

    let form = ui.get("/login?next=https://evil.example/").await;
    assert!(!form.contains("evil.example"));
    for (next, lands) in [
        ("//evil.example/", "/developer"),
        ("/crm/leads?q=a", "/crm/leads?q=a"),
    ] {
        let ui = app.ui();
        let form = ui.get("/login").await;
        let signed = ui
            .post_form(
                "/login",
                &[
                    ("csrf", &form.csrf()),
                    ("login", "admin"),
                    ("password", TEST_PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(signed.location(), lands, "next={next}");
    }
}

#[tokio::test]
async fn deactivated_users_cannot_sign_in() {
    let app = TestApp::start().await;
    let bob = app.add_user("bob", false).await;
    app.set_password(bob, TEST_PASSWORD).await;
    portico_store::UserStore::set_user_active(&*app.store, bob, false)
        .await
        .unwrap();
    let refused = app.ui().sign_in("bob", TEST_PASSWORD).await;
    assert_eq!(refused.status, 401);
}

#[tokio::test]
async fn signed_out_pages_follow_the_browser_language() {
    let app = TestApp::start().await;
    let http = reqwest::Client::new();
    let pt = http
        .get(format!("{}/login", app.base))
        .header("accept-language", "pt-BR,pt;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(pt.contains("<html lang=\"pt-BR\">") && pt.contains("Entrar no Portico"));
    let en = http
        .get(format!("{}/login", app.base))
        .header("accept-language", "de-DE")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Sign in to Portico"));
    let chosen = http
        .get(format!("{}/login?lang=pt-BR", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(chosen.contains("Entrar no Portico"));

    // A refused attempt keeps the language the form was shown in.
    let ui = app.ui();
    let form = ui.get("/login?lang=pt-BR").await;
    let refused = ui
        .post_form(
            "/login",
            &[
                ("csrf", &form.csrf()),
                ("lang", "pt-BR"),
                ("login", "admin"),
                ("password", "wrong"),
            ],
        )
        .await;
    assert_eq!(refused.status, 401);
    assert!(
        refused.contains("Login ou senha incorretos."),
        "{}",
        refused.body
    );
}
