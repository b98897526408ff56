//! Signing in and out, the sign-in page's languages, and the shell's language
//! switch.

use crate::harness::Browser;
use crate::{start_app, ADMIN_PASSWORD, SHELL_PATH};

/// Whether the browser holds a session cookie.
async fn has_session(b: &Browser) -> bool {
    b.client()
        .get_all_cookies()
        .await
        .expect("cookies")
        .iter()
        .any(|c| c.name() == "portico_session" && !c.value().is_empty())
}

#[tokio::test]
async fn a_wrong_password_shows_the_error() {
    let app = start_app().await;
    let b = Browser::start(&app.base, "sign_in_wrong_password").await;
    b.goto("/login").await;
    assert!(!b.exists("#sign-in-error").await, "no error before trying");
    b.fill("input#login", "admin").await;
    b.fill("input#password", "not the password").await;
    b.click_and_load("button.primary").await;
    assert_eq!(b.path().await, "/login");
    assert_eq!(b.text("p#sign-in-error").await, "Wrong login or password.");
    assert_eq!(
        b.attr("input#login", "value").await.as_deref(),
        Some("admin"),
        "the login is kept"
    );
    assert!(!has_session(&b).await, "no session after a refusal");

    // An unknown login gets the same answer.
    b.fill("input#login", "nobody").await;
    b.fill("input#password", ADMIN_PASSWORD).await;
    b.click_and_load("button.primary").await;
    assert_eq!(b.path().await, "/login");
    assert_eq!(b.text("p#sign-in-error").await, "Wrong login or password.");
    assert!(!has_session(&b).await);
}

#[tokio::test]
async fn the_right_password_signs_in() {
    let app = start_app().await;
    let b = Browser::start(&app.base, "sign_in_right_password").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(b.path_and_query().await, "/developer");
    assert!(has_session(&b).await);

    // The session opens the portal's pages.
    b.goto(SHELL_PATH).await;
    assert_eq!(b.path().await, SHELL_PATH);
    assert_eq!(b.text("header.topbar .who").await, "admin name admin last");
    assert_eq!(b.text("main h1").await, "Leads");
}

#[tokio::test]
async fn signing_in_returns_to_the_page_asked_for() {
    let app = start_app().await;
    let b = Browser::start(&app.base, "sign_in_next").await;
    b.goto(SHELL_PATH).await;
    assert_eq!(b.path_and_query().await, "/login?next=%2Fcrm%2Fleads");
    b.fill("input#login", "admin").await;
    b.fill("input#password", ADMIN_PASSWORD).await;
    b.click_and_load("button.primary").await;
    assert_eq!(b.path_and_query().await, SHELL_PATH);
    b.find("table#crm-list, p#crm-empty").await;
}

#[tokio::test]
async fn the_sign_in_page_speaks_portuguese() {
    let app = start_app().await;
    let b = Browser::start(&app.base, "sign_in_portuguese").await;
    b.goto("/login").await;
    assert_eq!(b.text("h1").await, "Sign in to Portico");
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("en"));

    // The language link at the bottom of the form.
    b.click_and_load(r#"nav.langs a[lang="pt-BR"]"#).await;
    assert_eq!(b.path_and_query().await, "/login?lang=pt-BR");
    assert_eq!(b.text("h1").await, "Entrar no Portico");
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("pt-BR"));
    assert_eq!(b.text("button.primary").await, "Entrar");
    assert_eq!(b.text(r#"label[for="password"]"#).await, "Senha");

    // Straight to the address.
    b.goto("/login").await;
    b.goto("/login?lang=pt-BR").await;
    assert_eq!(b.text("h1").await, "Entrar no Portico");
}

#[tokio::test]
async fn signing_out_returns_to_the_sign_in_page() {
    let app = start_app().await;
    let b = Browser::start(&app.base, "sign_out").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;
    b.goto(SHELL_PATH).await;
    assert_eq!(b.text(r#"form[action="/logout"] button"#).await, "Sign out");
    b.click_and_load(r#"form[action="/logout"] button"#).await;
    assert_eq!(b.path_and_query().await, "/login");
    b.find("input#login").await;
    assert!(!has_session(&b).await, "the session cookie is removed");

    // The portal's pages ask to sign in again.
    b.goto(SHELL_PATH).await;
    assert_eq!(b.path_and_query().await, "/login?next=%2Fcrm%2Fleads");
}

#[tokio::test]
async fn the_language_switch_turns_the_portal_portuguese() {
    let app = start_app().await;
    let b = Browser::start(&app.base, "shell_language").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;
    b.goto(SHELL_PATH).await;
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("en"));
    b.select("select#lang-select", "pt-BR").await;
    b.click_and_load(r#"form[action="/settings/language"] button"#)
        .await;
    assert_eq!(b.path().await, SHELL_PATH, "back to the same page");
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("pt-BR"));
    assert_eq!(b.text(r#"form[action="/logout"] button"#).await, "Sair");

    // The choice is the user's setting: it stays on the next visit.
    b.goto(SHELL_PATH).await;
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("pt-BR"));
}

#[tokio::test]
async fn the_sign_in_page_fits_a_phone() {
    let app = start_app().await;
    let b = Browser::start(&app.base, "sign_in_phone").await;
    b.set_viewport(390, 844).await;
    b.goto("/login").await;
    b.screenshot("sign_in-phone-390").await;
    let width = b
        .execute("return document.documentElement.scrollWidth", vec![])
        .await;
    assert!(
        width.as_i64().is_some_and(|w| w <= 390),
        "the page scrolls sideways: {width}px wide"
    );
    for css in ["input#login", "input#password", "button.primary"] {
        let (x, _, w, _) = b.find(css).await.rectangle().await.expect("rectangle");
        assert!(
            x >= 0.0 && x + w <= 390.0,
            "{css} sticks out of the screen: x {x}, width {w}"
        );
    }
    // And it still signs in.
    b.fill("input#login", "admin").await;
    b.fill("input#password", ADMIN_PASSWORD).await;
    b.click_and_load("button.primary").await;
    assert_eq!(b.path_and_query().await, "/developer");
}
