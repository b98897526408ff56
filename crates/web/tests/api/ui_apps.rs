//! Local applications in the UI over HTTP: an administrator creates one with
//! a user interface and one script-only from the form, sees the client_id
//! and the unsealed client_secret, edits, reinstalls and deletes it (with the
//! confirmation page); every form needs the CSRF token; a non-administrator
//! gets 403 on every page and form and sees applications in the Integrations
//! list without any secret; refusals are shown on the form in English and
//! Portuguese.

use crate::common::TestApp;
use crate::ui_client::{Page, UiClient};

/// The fields of a filled form: a server app with a user interface.
fn ui_app_fields<'a>(name: &'a str, handler: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("type", "server"),
        ("handler_url", handler),
        ("install_url", "https://app.example.com/install.php"),
        ("menu_en", "Orders"),
        ("menu_br", "Pedidos"),
        ("scope", "crm"),
        ("scope", "user"),
    ]
}

/// Submits the new-application form with `fields`; returns the answer.
async fn submit_new(ui: &UiClient, fields: &[(&str, &str)]) -> Page {
    ui.submit("/developer/apps/new", "/developer/apps/new", fields)
        .await
}

/// Creates an application through the form; returns its id and its page.
async fn create(ui: &UiClient, fields: &[(&str, &str)]) -> (i64, Page) {
    let done = submit_new(ui, fields).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let location = done.location().to_owned();
    let id: i64 = location
        .trim_start_matches("/developer/apps/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("unexpected redirect {location}"));
    assert_eq!(location, format!("/developer/apps/{id}?done=created"));
    let page = ui.get(&location).await;
    assert_eq!(page.status, 200, "{}", page.body);
    (id, page)
}

#[tokio::test]
async fn an_administrator_creates_applications_and_sees_their_credentials() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;

    let cases = admin.get("/developer").await;
    assert!(
        cases.contains("href=\"/developer/apps/new\""),
        "{}",
        cases.body
    );
    let form = admin.get("/developer/apps/new").await;
    assert_eq!(form.status, 200);
    assert!(form.contains("name=\"type\" value=\"static\" disabled"));
    assert!(form.contains("static applications are not supported yet"));

    let (id, page) = create(
        &admin,
        &ui_app_fields("Orders <sync>", "https://app.example.com/index.php"),
    )
    .await;
    let stored = app.store.app_by_id(id).await.unwrap().expect("stored");
    assert_eq!(stored.name, "Orders <sync>");
    assert_eq!(stored.scopes, ["crm", "user"]);
    assert_eq!(
        stored.menu_texts,
        [
            ("en".to_owned(), "Orders".to_owned()),
            ("br".to_owned(), "Pedidos".to_owned())
        ]
    );
    assert_eq!(stored.installed_at, None, "waits for its installer");
    assert!(page.contains("Orders &lt;sync&gt;"), "escaped name");
    assert!(page.contains("Application ID (client_id)"));
    assert!(page.contains("Application key (client_secret)"));
    let shown_id = attribute_of(&page.body, "app-client-id").expect("client_id shown");
    assert_eq!(shown_id, stored.client_id);
    let secret = attribute_of(&page.body, "app-client-secret").expect("client_secret shown");
    assert_eq!(
        Some(secret.clone()),
        app.secrets.decrypt(&stored.secret_sealed)
    );
    assert_eq!(secret.len(), 50);
    assert!(page.contains("data-copy=\"#app-client-secret\""));
    assert!(page.contains("data-installed=\"false\""));

    let (script_id, script_page) = create(
        &admin,
        &[
            ("name", "Nightly export"),
            ("type", "server"),
            ("handler_url", "https://etl.example.com/"),
            ("install_url", "https://etl.example.com/install"),
            ("script_only", "1"),
            ("menu_en", "ignored"),
            ("scope", "crm"),
        ],
    )
    .await;
    let script = app.store.app_by_id(script_id).await.unwrap().unwrap();
    assert!(script.script_only);
    assert!(script.menu_texts.is_empty(), "{:?}", script.menu_texts);
    assert!(script.installed_at.is_some(), "installed at once");
    assert!(script_page.contains("data-installed=\"true\""));

    let list = admin.get("/developer/integrations").await;
    assert_eq!(list.status, 200);
    assert!(list.contains(&format!("data-app-id=\"{id}\"")));
    assert!(list.contains(&format!("data-app-id=\"{script_id}\"")));
    assert!(list.contains("Local application"));
    assert!(list.contains("(not installed)"));
    assert!(list.contains(&format!("action=\"/developer/apps/{id}/reinstall\"")));
    assert!(list.contains(&format!("href=\"/developer/apps/{id}/delete\"")));
    assert!(!list.contains(&secret), "no secret in the list");
}

/// The `value` of the input with id `id`.
fn attribute_of(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let value_at = tag.find(" value=\"")? + " value=\"".len();
    let end = tag[value_at..].find('"')?;
    Some(tag[value_at..value_at + end].to_owned())
}

#[tokio::test]
async fn an_administrator_edits_reinstalls_and_deletes_an_application() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let (id, _) = create(
        &admin,
        &ui_app_fields("Orders", "https://app.example.com/index.php"),
    )
    .await;
    let before = app.store.app_by_id(id).await.unwrap().unwrap();
    let path = format!("/developer/apps/{id}");

    let saved = admin
        .submit(
            &path,
            &path,
            &[
                ("name", "Orders v2"),
                ("type", "server"),
                ("handler_url", "https://app.example.com/v2/"),
                ("install_url", ""),
                ("script_only", "1"),
                ("scope", "task"),
            ],
        )
        .await;
    assert_eq!(saved.location(), format!("{path}?done=saved"));
    let after = app.store.app_by_id(id).await.unwrap().unwrap();
    assert_eq!(after.name, "Orders v2");
    assert_eq!(after.handler_url, "https://app.example.com/v2/");
    assert_eq!(after.install_url, None);
    assert_eq!(after.scopes, ["task"]);
    assert!(after.script_only && after.menu_texts.is_empty());
    assert_eq!(after.client_id, before.client_id, "credentials stay");
    assert_eq!(after.secret_hash, before.secret_hash);
    let page = admin.get(&format!("{path}?done=saved")).await;
    assert!(page.contains("Changes saved."));
    assert!(page.contains("value=\"Orders v2\""));

    let reinstalled = admin.submit(&path, &format!("{path}/reinstall"), &[]).await;
    assert_eq!(reinstalled.location(), format!("{path}?done=reinstalled"));
    let again = app.store.app_by_id(id).await.unwrap().unwrap();
    assert_eq!(again.version, before.version + 1);
    assert!(again.installed_at.is_some(), "script-only: installed again");

    let confirm = admin.get(&format!("{path}/delete")).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.contains("Delete “Orders v2”?"));
    assert!(confirm.contains(&format!("action=\"{path}/delete\"")));
    assert!(
        app.store.app_by_id(id).await.unwrap().is_some(),
        "asked only"
    );
    let deleted = admin
        .submit(&format!("{path}/delete"), &format!("{path}/delete"), &[])
        .await;
    assert_eq!(deleted.location(), "/developer/integrations?done=deleted");
    assert!(app.store.app_by_id(id).await.unwrap().is_none());
    assert_eq!(admin.get(&path).await.status, 404);
}

#[tokio::test]
async fn every_application_form_needs_the_csrf_token() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let (id, _) = create(
        &admin,
        &ui_app_fields("Orders", "https://app.example.com/index.php"),
    )
    .await;
    let before = app.store.app_by_id(id).await.unwrap().unwrap();
    let fields = ui_app_fields("Forged", "https://evil.example.com/");
    let path = format!("/developer/apps/{id}");
    for (action, fields) in [
        ("/developer/apps/new".to_owned(), fields.clone()),
        (path.clone(), fields.clone()),
        (format!("{path}/reinstall"), Vec::new()),
        (format!("{path}/delete"), Vec::new()),
    ] {
        let mut forged = fields.clone();
        forged.push(("csrf", "not-the-token"));
        for attempt in [fields, forged] {
            let refused = admin.post_form(&action, &attempt).await;
            assert_eq!(refused.status, 403, "{action}: {}", refused.body);
        }
    }
    assert_eq!(app.store.list_apps().await.unwrap().len(), 1);
    assert_eq!(app.store.app_by_id(id).await.unwrap(), Some(before));
}

#[tokio::test]
async fn non_administrators_get_403_and_never_see_a_secret() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let (id, page) = create(
        &admin,
        &ui_app_fields("Orders", "https://app.example.com/index.php"),
    )
    .await;
    let secret = attribute_of(&page.body, "app-client-secret").expect("secret");
    let before = app.store.app_by_id(id).await.unwrap().unwrap();

    let bob_id = app.add_user("bob", false).await;
    let bob = app.sign_in_as(bob_id).await;
    let cases = bob.get("/developer").await;
    assert!(!cases.contains("/developer/apps/new"), "no card for bob");
    let csrf = cases.csrf();
    let path = format!("/developer/apps/{id}");
    for get in [
        "/developer/apps/new".to_owned(),
        path.clone(),
        format!("{path}/delete"),
        "/developer/apps/999".to_owned(),
    ] {
        let refused = bob.get(&get).await;
        assert_eq!(refused.status, 403, "GET {get}: {}", refused.body);
        assert!(!refused.contains(&secret) && !refused.contains(&before.client_id));
    }
    let mut fields = ui_app_fields("Bob's", "https://bob.example.com/");
    fields.push(("csrf", &csrf));
    for action in [
        "/developer/apps/new".to_owned(),
        path.clone(),
        format!("{path}/reinstall"),
        format!("{path}/delete"),
    ] {
        let refused = bob.post_form(&action, &fields).await;
        assert_eq!(refused.status, 403, "POST {action}: {}", refused.body);
    }
    assert_eq!(app.store.list_apps().await.unwrap().len(), 1);
    assert_eq!(app.store.app_by_id(id).await.unwrap(), Some(before.clone()));

    let list = bob.get("/developer/integrations").await;
    assert_eq!(list.status, 200);
    assert!(list.contains(&format!("data-app-id=\"{id}\"")), "listed");
    assert!(list.contains("Orders") && list.contains("Local application"));
    assert!(list.contains("CRM"), "its permissions");
    assert!(!list.contains(&secret), "never the secret");
    assert!(!list.contains(&before.client_id), "nor the client_id");
    assert!(!list.contains("/developer/apps/"), "no links or menu");
    assert!(!list.contains("(not installed)"));
}

#[tokio::test]
async fn refusals_are_shown_on_the_form_in_both_languages() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let bad_url = ui_app_fields("Orders", "ftp://files.example.com/");
    let refused = submit_new(&admin, &bad_url).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.contains("The handler path must be an http or https URL."));
    assert!(
        refused.contains("value=\"ftp://files.example.com/\""),
        "kept"
    );
    assert!(refused.contains("value=\"Pedidos\""), "kept");

    let mut no_menu = ui_app_fields("Orders", "https://app.example.com/");
    no_menu.retain(|(k, _)| *k != "menu_en");
    let refused = submit_new(&admin, &no_menu).await;
    assert_eq!(refused.status, 400);
    assert!(refused.contains("needs a menu item text in English"));

    let mut unknown = ui_app_fields("Orders", "https://app.example.com/");
    unknown.push(("scope", "telephony"));
    let refused = submit_new(&admin, &unknown).await;
    assert_eq!(refused.status, 400);
    assert!(refused.contains("The permission “telephony” does not exist."));

    let mut static_app = ui_app_fields("Orders", "https://app.example.com/");
    static_app[1] = ("type", "static");
    let refused = submit_new(&admin, &static_app).await;
    assert_eq!(refused.status, 400);
    assert!(refused.contains("Static applications are not supported yet."));
    assert!(app.store.list_apps().await.unwrap().is_empty());

    let (id, _) = create(&admin, &ui_app_fields("Orders", "https://app.example.com/")).await;
    let page = admin.get("/developer").await;
    let switched = admin
        .post_form(
            "/settings/language",
            &[("csrf", &page.csrf()), ("lang", "pt-BR")],
        )
        .await;
    assert_eq!(switched.status, 303);
    let refused = submit_new(&admin, &bad_url).await;
    assert_eq!(refused.status, 400);
    assert!(refused.contains("O caminho do manipulador deve ser uma URL http ou https."));
    let path = format!("/developer/apps/{id}");
    let refused = admin
        .submit(
            &path,
            &path,
            &ui_app_fields(" ", "https://app.example.com/"),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.contains("Informe um nome de até 255 caracteres."));
    assert!(
        refused.contains("ID da aplicação (client_id)"),
        "still its page"
    );
    assert_eq!(
        app.store.app_by_id(id).await.unwrap().unwrap().name,
        "Orders"
    );
}
