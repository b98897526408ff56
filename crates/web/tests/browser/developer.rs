//! Developer resources in the browser: a webhook from the "Import clients" use
//! case, the request builder (URL as you type, Execute, the PHP download, code),
//! the new lead on the CRM page, the Integrations columns kept after a reload, the
//! row menu's delete, who sees whose webhook, an administrator's takeover, the
//! Portuguese pages, phone width and the keyboard.
use serde_json::{json, Value};

use crate::harness::Browser;
use crate::{start_app, ADMIN_PASSWORD};

/// The current value of the input matching `css` (a property, not the attribute).
async fn value(b: &Browser, css: &str) -> String {
    let v = b
        .execute(
            "return document.querySelector(arguments[0]).value",
            vec![json!(css)],
        )
        .await;
    v.as_str().unwrap_or_default().to_owned()
}

/// Waits until the request builder has loaded its methods.
async fn builder_ready(b: &Browser) {
    b.wait_for("#builder[data-ready='true']").await;
}

/// Chooses `method` in the builder through its search box and list.
async fn choose_method(b: &Browser, method: &str) {
    b.fill("#method-search", method).await;
    b.wait_for(&format!("#builder-method option[value='{method}']"))
        .await;
    b.select("#builder-method", method).await;
    b.wait_until(&format!("the builder on {method}"), async |b| {
        b.text("#method-name").await == method
    })
    .await;
}

/// Fills row `n` (0-based) of the object parameter `param` with `key` = `val`,
/// adding the row when needed.
async fn fill_row(b: &Browser, param: &str, n: usize, key: &str, val: &str) {
    let rows = format!(".param[data-param='{param}'] .kv");
    while b.count(&rows).await <= n {
        b.click(&format!("button.add-row[data-param='{param}']"))
            .await;
    }
    let row = format!("{rows}:nth-child({})", n + 1);
    b.fill(&format!("{row} .param-key"), key).await;
    b.fill(&format!("{row} .param-value"), val).await;
}

#[tokio::test]
async fn import_clients_then_build_execute_and_download_a_request() {
    let app = start_app().await;
    let b = Browser::start(&app.base, "dev_builder").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;

    // The use case opens the form preset with its scope and method.
    b.click_and_load("a.use-case[data-case='import-clients']")
        .await;
    assert_eq!(
        b.path_and_query().await,
        "/developer/webhooks/new?case=import-clients"
    );
    assert!(b.exists("input[name=scope][value=crm]:checked").await);
    assert!(!b.exists("input[name=scope][value=user]:checked").await);
    builder_ready(&b).await;
    assert_eq!(b.text("#method-name").await, "crm.contact.add");
    assert!(b.exists("#builder-execute:disabled").await, "save first");
    let key = value(&b, "#webhook-key").await;
    assert_eq!(key.len(), 16);
    b.click_and_load("#webhook-save").await;
    let path = b.path().await;
    assert!(path.starts_with("/developer/webhooks/"), "{path}");
    assert!(b.exists("#webhook-notice").await);
    assert_eq!(
        value(&b, "#webhook-key").await,
        key,
        "the key shown is the key saved"
    );

    // Build crm.lead.add with two fields and watch the URL follow.
    builder_ready(&b).await;
    choose_method(&b, "crm.lead.add").await;
    let before = value(&b, "#builder-url").await;
    assert_eq!(
        before,
        format!("{}/rest/1/{key}/crm.lead.add.json", app.base)
    );
    fill_row(&b, "fields", 0, "TITLE", "Browser lead").await;
    let one = value(&b, "#builder-url").await;
    assert_eq!(one, format!("{before}?fields[TITLE]=Browser%20lead"));
    fill_row(&b, "fields", 1, "NAME", "Ana").await;
    let two = value(&b, "#builder-url").await;
    assert_eq!(two, format!("{one}&fields[NAME]=Ana"));
    b.shot().await;

    // Execute: status, time block and the new lead's id.
    b.click("#builder-execute").await;
    b.wait_until("the response", async |b| {
        b.text("#response-status").await.starts_with("200")
    })
    .await;
    assert!(
        !b.text("#response-time").await.is_empty(),
        "time block shown"
    );
    let body: Value = serde_json::from_str(&b.text("#response-body").await).expect("JSON shown");
    let lead_id = body["result"].as_i64().expect("the new lead's id");
    assert!(body["time"]["duration"].is_number());
    b.shot().await;

    // Code in the other languages carries the same call.
    let curl = b.text("#code-curl").await;
    assert!(
        curl.contains(&format!("/rest/1/{key}/crm.lead.add.json")),
        "{curl}"
    );
    assert!(
        curl.contains(r#"{"fields":{"TITLE":"Browser lead","NAME":"Ana"}}"#),
        "{curl}"
    );
    assert!(b
        .text("#code-js")
        .await
        .contains("callMethod('crm.lead.add'"));
    assert!(b
        .text("#code-python")
        .await
        .contains("call_method(\"crm.lead.add\""));

    // The PHP example downloads with these parameters.
    b.click("#download-php").await;
    let file = b.wait_for_download("crm.lead.add.php").await;
    let php = std::fs::read_to_string(file).expect("read the download");
    assert!(php.starts_with("<?php"), "{php}");
    assert!(php.contains("CRest::call("), "{php}");
    assert!(php.contains("'crm.lead.add'"), "{php}");
    assert!(php.contains("'TITLE' => 'Browser lead',"), "{php}");
    assert!(php.contains("'NAME' => 'Ana',"), "{php}");
    assert!(php.contains(&format!("/rest/1/{key}/")), "{php}");

    // The lead is on the CRM leads page.
    b.goto("/crm/leads").await;
    let row = format!("table#crm-list tr[data-id='{lead_id}']");
    assert!(b.text(&row).await.contains("Browser lead"));
    b.goto(&format!("/crm/leads/{lead_id}")).await;
    assert!(b.text("main").await.contains("Ana"));
}

#[tokio::test]
async fn columns_are_kept_after_a_reload_and_rows_delete_after_confirmation() {
    let app = start_app().await;
    let url = app.webhook(1, &["crm"], None).await;
    let b = Browser::start(&app.base, "dev_columns").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;
    b.goto("/developer/integrations").await;
    for column in [
        "type",
        "creator",
        "permissions",
        "events",
        "created",
        "last_used",
    ] {
        assert!(
            b.exists(&format!("th[data-column='{column}']")).await,
            "{column}"
        );
    }
    b.click("#column-chooser summary").await;
    b.click("#column-chooser input[value='type']").await;
    b.click("#column-chooser input[value='events']").await;
    b.shot().await;
    b.click_and_load("#columns-save").await;
    b.goto("/developer/integrations").await;
    assert!(!b.exists("th[data-column='type']").await);
    assert!(!b.exists("th[data-column='events']").await);
    assert!(b.exists("th[data-column='creator']").await);
    assert!(b.exists("th[data-column='last_used']").await);

    // ≡ → Delete → confirm.
    let hooks = app.store.list_webhooks(None).await.unwrap();
    let id = hooks.last().expect("the webhook made above").id;
    b.click(&format!("tr[data-id='{id}'] details.row-menu summary"))
        .await;
    b.shot().await;
    b.click_and_load(&format!("tr[data-id='{id}'] a.delete-link"))
        .await;
    b.click_and_load("#confirm-delete").await;
    assert_eq!(
        b.path_and_query().await,
        "/developer/integrations?done=deleted"
    );
    assert!(!b.exists(&format!("tr[data-id='{id}']")).await);
    assert_eq!(app.call_on(&url, "profile", json!({})).await.status, 401);
}

#[tokio::test]
async fn a_user_cannot_see_or_open_another_users_webhook() {
    let app = start_app().await;
    let bob = app.add_user("bob", false).await;
    let carol = app.add_user("carol", false).await;
    app.set_password(carol, ADMIN_PASSWORD).await;
    app.webhook(bob, &["crm"], None).await;
    let bob_hook = app.store.list_webhooks(Some(bob)).await.unwrap()[0].id;
    app.webhook(carol, &["crm"], None).await;
    let carol_hook = app.store.list_webhooks(Some(carol)).await.unwrap()[0].id;

    let b = Browser::start(&app.base, "dev_privacy").await;
    b.sign_in("carol", ADMIN_PASSWORD).await;
    b.goto("/developer/integrations").await;
    assert!(b.exists(&format!("tr[data-id='{carol_hook}']")).await);
    assert!(!b.exists(&format!("tr[data-id='{bob_hook}']")).await);
    assert!(!b.text("main").await.contains("bob name"));
    b.goto(&format!("/developer/webhooks/{bob_hook}")).await;
    assert_eq!(b.text("h1").await, "Page not found.");
    assert!(!b.exists("#webhook-form").await);
}

#[tokio::test]
async fn an_administrators_edit_regenerates_the_key_and_moves_ownership() {
    let app = start_app().await;
    let bob = app.add_user("bob", false).await;
    let bob_url = app.webhook(bob, &["crm"], None).await;
    let bob_key = bob_url
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let hook = app.store.list_webhooks(Some(bob)).await.unwrap()[0].id;

    let b = Browser::start(&app.base, "dev_takeover").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;
    b.goto(&format!("/developer/webhooks/{hook}")).await;
    assert!(b.text("#owner-warning").await.contains("bob name bob last"));
    assert!(
        !b.exists("#webhook-key").await,
        "another user's key stays hidden"
    );
    assert!(!b.text("main").await.contains(&bob_key));
    b.click_and_load("#webhook-save").await;
    assert!(!b.exists("#owner-warning").await);
    let new_key = value(&b, "#webhook-key").await;
    assert_eq!(new_key.len(), 16);
    assert_ne!(new_key, bob_key);
    assert!(value(&b, "#webhook-url")
        .await
        .contains(&format!("/rest/1/{new_key}/")));
    let stored = app.store.webhook_by_id(hook).await.unwrap().unwrap();
    assert_eq!(stored.user_id, 1, "the administrator owns it now");
    assert_eq!(
        app.call_on(&bob_url, "profile", json!({})).await.status,
        401
    );
    let new_url = format!("{}/rest/1/{new_key}/", app.base);
    assert_eq!(
        app.call_on(&new_url, "profile", json!({})).await.status,
        200
    );
}

#[tokio::test]
async fn the_portuguese_pages_render() {
    let app = start_app().await;
    app.call(
        "crm.lead.add",
        json!({"fields": {"TITLE": "Lead em português"}}),
    )
    .await;
    let b = Browser::start(&app.base, "dev_portuguese").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;
    b.select("#lang-select", "pt-BR").await;
    b.click_and_load("header form[action='/settings/language'] button")
        .await;
    let pages = [
        ("/developer", "Casos de uso comuns"),
        ("/developer/integrations", "Integrações"),
        (
            "/developer/webhooks/new?case=import-clients",
            "Construtor de requisições",
        ),
        ("/crm/leads", "Lead em português"),
        ("/crm/deals", "Negócios"),
        ("/users", "Usuários"),
    ];
    for (path, text) in pages {
        b.goto(path).await;
        assert_eq!(
            b.attr("html", "lang").await.as_deref(),
            Some("pt-BR"),
            "{path}"
        );
        assert!(b.text("body").await.contains(text), "{path}: {text}");
        assert!(b
            .text("nav.menu")
            .await
            .contains("Recursos para desenvolvedores"));
    }
    b.goto("/developer/webhooks/new?case=import-clients").await;
    builder_ready(&b).await;
    assert!(
        b.text("#method-description").await.contains("contato"),
        "method descriptions in Portuguese: {}",
        b.text("#method-description").await
    );
    b.shot().await;
}

#[tokio::test]
async fn pages_fit_a_phone_and_work_by_keyboard() {
    let app = start_app().await;
    let b = Browser::start(&app.base, "dev_phone").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;
    b.set_viewport(390, 844).await;
    for path in [
        "/developer",
        "/developer/webhooks/new?case=add-leads",
        "/developer/integrations",
        "/crm/leads",
        "/users",
    ] {
        b.goto(path).await;
        let overflow = b
            .execute(
                "return document.documentElement.scrollWidth - window.innerWidth",
                vec![],
            )
            .await;
        if overflow.as_i64().unwrap_or(1) > 0 {
            let culprits = b
                .execute(
                    "return [...document.querySelectorAll('body *')]\
                       .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)\
                       .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id)",
                    vec![],
                )
                .await;
            panic!("{path} scrolls sideways by {overflow}: {culprits}");
        }
    }

    // Keyboard: the first Tab reaches the skip link, which leads into the page.
    b.set_viewport(1280, 900).await;
    b.goto("/developer").await;
    b.find("body")
        .await
        .send_keys("\u{E004}")
        .await
        .expect("Tab");
    let focused = b
        .execute("return document.activeElement.className", vec![])
        .await;
    assert_eq!(focused, json!("skip"));
    b.find("a.skip")
        .await
        .send_keys("\u{E007}")
        .await
        .expect("Enter");
    b.wait_until("focus in the main area", async |b| {
        b.execute("return document.activeElement.id", vec![]).await == json!("main")
    })
    .await;
    b.shot().await;
}
