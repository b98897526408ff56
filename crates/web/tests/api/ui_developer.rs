//! Developer resources over HTTP: creating an inbound webhook from a use case
//! with the form, its key working on the REST API, CSRF refusals, escaping of
//! names, who may see and touch whose webhook, an administrator's takeover,
//! key regeneration, expiry, the Integrations list and its saved columns, the
//! builder's method catalogue, and the language setting.
use serde_json::{json, Value};

use crate::common::TestApp;
use crate::ui_client::{input_value, UiClient};

/// Creates a webhook through the form opened from `case`; returns (id, REST base URL).
pub(crate) async fn create_webhook(
    ui: &UiClient,
    app: &TestApp,
    case: &str,
    name: &str,
    scopes: &[&str],
) -> (i64, String) {
    let form = ui
        .get(&format!("/developer/webhooks/new?case={case}"))
        .await;
    assert_eq!(form.status, 200, "{}", form.body);
    let key = input_value(&form.body, "key").expect("the new form carries a key");
    let proof = input_value(&form.body, "key_proof").expect("and the proof of it");
    let csrf = form.csrf();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("case", case),
        ("name", name),
        ("key", key.as_str()),
        ("key_proof", proof.as_str()),
        ("expires", ""),
        ("action", "save"),
    ];
    fields.extend(scopes.iter().map(|s| ("scope", *s)));
    let done = ui.post_form("/developer/webhooks/new", &fields).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let location = done.location().to_owned();
    let id: i64 = location
        .trim_start_matches("/developer/webhooks/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("unexpected redirect {location}"));
    let page = ui.get(&location).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let url = page_hook_url(&page.body).expect("owner sees the webhook URL");
    assert!(
        url.contains(&key),
        "the saved key is the one the form showed"
    );
    assert!(url.starts_with(&app.base), "{url} on {}", app.base);
    (id, url)
}

/// The webhook URL shown in `#webhook-url`.
fn page_hook_url(html: &str) -> Option<String> {
    let at = html.find("id=\"webhook-url\"")?;
    let tag_start = html[..at].rfind("<input")?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let value_at = tag.find(" value=\"")? + 8;
    Some(tag[value_at..value_at + tag[value_at..].find('"')?].to_owned())
}

#[tokio::test]
async fn a_use_case_creates_a_working_webhook() {
    let app = TestApp::start().await;
    let bob_id = app.add_user("bob", false).await;
    let bob = app.sign_in_as(bob_id).await;

    let cases = bob.get("/developer").await;
    assert_eq!(cases.status, 200);
    assert!(cases.contains("href=\"/developer/webhooks/new?case=import-clients\""));
    let form = bob.get("/developer/webhooks/new?case=import-clients").await;
    assert!(
        form.contains("name=\"scope\" value=\"crm\" checked"),
        "import clients presets crm"
    );
    assert!(
        form.contains("data-method=\"crm.contact.add\""),
        "and suggests crm.contact.add"
    );
    assert!(!form.contains("name=\"scope\" value=\"user\" checked"));

    let (id, url) = create_webhook(&bob, &app, "import-clients", "Import", &["crm"]).await;
    let stored = app.store.webhook_by_id(id).await.unwrap().expect("stored");
    assert_eq!(
        (stored.user_id, stored.scopes.clone()),
        (bob_id, vec!["crm".to_owned()])
    );
    assert!(url.starts_with(&format!("{}/rest/{bob_id}/", app.base)));

    let added = app
        .call_on(&url, "crm.contact.add", json!({"fields": {"NAME": "Ana"}}))
        .await;
    assert_eq!(added.status, 200, "{}", added.text);
    assert!(added.json()["result"].as_i64().is_some_and(|id| id > 0));
    let refused = app.call_on(&url, "user.current", json!({})).await;
    assert_eq!(refused.status, 403, "no user scope: {}", refused.text);
    assert_eq!(refused.json()["error"], "insufficient_scope");

    // The call is recorded as the webhook's last use (written in the background).
    let mut used = None;
    for _ in 0..50 {
        used = app
            .store
            .webhook_by_id(id)
            .await
            .unwrap()
            .and_then(|w| w.last_used_at);
        if used.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(used.is_some(), "last use recorded");
    let list = bob.get("/developer/integrations").await;
    assert!(list.contains(&format!("tr data-id=\"{id}\"")));
    assert!(!list.contains("Never"), "last used shown: {}", list.body);
}

#[tokio::test]
async fn webhook_forms_without_a_valid_csrf_token_change_nothing() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let (id, _) = create_webhook(&admin, &app, "add-leads", "Leads", &["crm"]).await;
    let before = app.store.list_webhooks(None).await.unwrap();

    for token in [None, Some("forged-token")] {
        let mut fields = vec![
            ("name", "Forged"),
            ("key", "abcdefghij012345"),
            ("scope", "crm"),
        ];
        if let Some(t) = token {
            fields.push(("csrf", t));
        }
        let create = admin.post_form("/developer/webhooks/new", &fields).await;
        assert_eq!(create.status, 403, "create with csrf {token:?}");
        let save = admin
            .post_form(&format!("/developer/webhooks/{id}"), &fields)
            .await;
        assert_eq!(save.status, 403, "save with csrf {token:?}");
        let delete = admin
            .post_form(&format!("/developer/webhooks/{id}/delete"), &fields)
            .await;
        assert_eq!(delete.status, 403, "delete with csrf {token:?}");
        let columns = admin
            .post_form("/developer/integrations/columns", &fields)
            .await;
        assert_eq!(columns.status, 403);
        let lang = admin
            .post_form("/settings/language", &[("lang", "pt-BR")])
            .await;
        assert_eq!(lang.status, 403);
        let out = admin.post_form("/logout", &fields).await;
        assert_eq!(out.status, 403);
    }
    assert_eq!(app.store.list_webhooks(None).await.unwrap(), before);
    assert_eq!(admin.get("/developer").await.status, 200, "still signed in");

    // Another session's token is not this session's token.
    let other = app.sign_in_as(1).await;
    let foreign_token = other.get("/developer").await.csrf();
    let save = admin
        .post_form(
            &format!("/developer/webhooks/{id}"),
            &[("csrf", &foreign_token), ("name", "x"), ("scope", "crm")],
        )
        .await;
    assert_eq!(save.status, 403);
}

#[tokio::test]
async fn a_webhook_name_is_shown_as_text() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let name = "<script>alert('x')</script>";
    let (id, _) = create_webhook(&admin, &app, "inbound-webhook", name, &[]).await;
    for path in [
        "/developer/integrations".to_owned(),
        format!("/developer/webhooks/{id}"),
        format!("/developer/webhooks/{id}/delete"),
    ] {
        let page = admin.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.contains("<script>alert"), "{path} has raw script");
        assert!(
            page.contains("&lt;script&gt;alert"),
            "{path} shows the name escaped"
        );
    }
}

#[tokio::test]
async fn users_see_and_touch_only_their_own_webhooks() {
    let app = TestApp::start().await;
    let bob_id = app.add_user("bob", false).await;
    let carol_id = app.add_user("carol", false).await;
    let bob = app.sign_in_as(bob_id).await;
    let carol = app.sign_in_as(carol_id).await;
    let (bob_hook, bob_url) = create_webhook(&bob, &app, "add-leads", "Bob's hook", &["crm"]).await;
    let (carol_hook, _) = create_webhook(&carol, &app, "add-leads", "Carol's hook", &["crm"]).await;

    let carol_list = carol.get("/developer/integrations").await;
    assert!(carol_list.contains("Carol&#39;s hook") || carol_list.contains("Carol's hook"));
    assert!(
        !carol_list.contains("Bob"),
        "carol's list holds only her webhook"
    );
    assert!(!carol_list.contains(&format!("data-id=\"{bob_hook}\"")));

    let csrf = carol.get("/developer").await.csrf();
    for path in [
        format!("/developer/webhooks/{bob_hook}"),
        format!("/developer/webhooks/{bob_hook}/delete"),
    ] {
        let page = carol.get(&path).await;
        assert_eq!(page.status, 404, "GET {path}");
        assert!(!page.contains("Bob&#39;s hook") && !page.contains("Bob's hook"));
        let post = carol
            .post_form(
                &path,
                &[("csrf", &csrf), ("name", "mine now"), ("scope", "crm")],
            )
            .await;
        assert_eq!(post.status, 404, "POST {path}");
    }
    let untouched = app
        .store
        .webhook_by_id(bob_hook)
        .await
        .unwrap()
        .expect("still there");
    assert_eq!(
        (untouched.user_id, untouched.name.as_str()),
        (bob_id, "Bob's hook")
    );
    assert_eq!(
        app.call_on(&bob_url, "profile", json!({})).await.status,
        200
    );
    assert_eq!(carol.get("/developer/webhooks/999999").await.status, 404);
    assert_eq!(carol.get("/developer/webhooks/abc").await.status, 404);

    // The administrator sees everyone's, names their creators, and hides their keys.
    let admin = app.sign_in_as(1).await;
    let all = admin.get("/developer/integrations").await;
    for id in [bob_hook, carol_hook] {
        assert!(all.contains(&format!("data-id=\"{id}\"")));
    }
    assert!(all.contains("bob name bob last") && all.contains("carol name carol last"));
    let bob_key = bob_url
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let seen_by_admin = admin.get(&format!("/developer/webhooks/{bob_hook}")).await;
    assert_eq!(seen_by_admin.status, 200);
    assert!(seen_by_admin.contains("id=\"owner-warning\""));
    assert!(
        !seen_by_admin.contains(&bob_key),
        "an administrator never sees another's key"
    );

    // Owners delete their own after confirming.
    let confirm = bob
        .get(&format!("/developer/webhooks/{bob_hook}/delete"))
        .await;
    assert_eq!(confirm.status, 200);
    let deleted = bob
        .post_form(
            &format!("/developer/webhooks/{bob_hook}/delete"),
            &[("csrf", &confirm.csrf())],
        )
        .await;
    assert_eq!(deleted.location(), "/developer/integrations?done=deleted");
    assert_eq!(app.store.webhook_by_id(bob_hook).await.unwrap(), None);
    assert_eq!(
        app.call_on(&bob_url, "profile", json!({})).await.status,
        401
    );
}

#[tokio::test]
async fn an_administrators_edit_regenerates_the_key_and_takes_ownership() {
    let app = TestApp::start().await;
    let bob_id = app.add_user("bob", false).await;
    let bob = app.sign_in_as(bob_id).await;
    let (hook, bob_url) = create_webhook(&bob, &app, "add-leads", "Bob's", &["crm"]).await;

    let admin = app.sign_in_as(1).await;
    let saved = admin
        .submit(
            &format!("/developer/webhooks/{hook}"),
            &format!("/developer/webhooks/{hook}"),
            &[
                ("name", "Taken over"),
                ("scope", "crm"),
                ("scope", "user"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        saved.location(),
        format!("/developer/webhooks/{hook}?done=regenerated")
    );

    let moved = app.store.webhook_by_id(hook).await.unwrap().expect("kept");
    assert_eq!(moved.user_id, 1, "the administrator owns it now");
    assert_eq!(moved.scopes, vec!["crm".to_owned(), "user".to_owned()]);
    let old = app.call_on(&bob_url, "profile", json!({})).await;
    assert_eq!(old.status, 401, "the old key died at once");
    assert_eq!(old.json()["error"], "INVALID_CREDENTIALS");

    let page = admin
        .get(&format!("/developer/webhooks/{hook}?done=regenerated"))
        .await;
    assert!(!page.contains("id=\"owner-warning\""));
    let new_url = page_hook_url(&page.body).expect("the new owner sees the key");
    assert!(new_url.starts_with(&format!("{}/rest/1/", app.base)));
    let me: Value = app
        .call_on(&new_url, "user.current", json!({}))
        .await
        .json();
    assert_eq!(
        me["result"]["ID"], "1",
        "the webhook now acts as the administrator"
    );

    // Bob no longer sees it.
    assert_eq!(
        bob.get(&format!("/developer/webhooks/{hook}")).await.status,
        404
    );
}

#[tokio::test]
async fn owners_regenerate_keys_and_set_expiry() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let (hook, url) = create_webhook(&admin, &app, "add-leads", "Mine", &["crm"]).await;
    let path = format!("/developer/webhooks/{hook}");

    let regenerated = admin
        .submit(
            &path,
            &path,
            &[("name", "Mine"), ("scope", "crm"), ("action", "regenerate")],
        )
        .await;
    assert_eq!(regenerated.location(), format!("{path}?done=regenerated"));
    assert_eq!(app.call_on(&url, "profile", json!({})).await.status, 401);
    let page = admin.get(&path).await;
    let new_url = page_hook_url(&page.body).expect("new key shown");
    assert_ne!(new_url, url);
    assert_eq!(
        app.call_on(&new_url, "profile", json!({})).await.status,
        200
    );

    let past = admin
        .submit(
            &path,
            &path,
            &[
                ("name", "Mine"),
                ("scope", "crm"),
                ("expires", "2001-01-01"),
            ],
        )
        .await;
    assert_eq!(past.status, 400);
    assert!(past.contains("id=\"webhook-error\""));
    let bogus_scope = admin
        .submit(&path, &path, &[("name", "Mine"), ("scope", "crm'; --")])
        .await;
    assert_eq!(bogus_scope.status, 400);
    let no_name = admin
        .submit(&path, &path, &[("name", "  "), ("scope", "crm")])
        .await;
    assert_eq!(no_name.status, 400);

    let later = admin
        .submit(
            &path,
            &path,
            &[
                ("name", "Mine"),
                ("scope", "crm"),
                ("expires", "2999-12-31"),
            ],
        )
        .await;
    assert_eq!(later.location(), format!("{path}?done=saved"));
    let stored = app.store.webhook_by_id(hook).await.unwrap().unwrap();
    assert!(stored.expires_at.is_some_and(|at| at > 32_000_000_000));
    assert!(admin.get(&path).await.contains("value=\"2999-12-31\""));
    assert_eq!(
        app.call_on(&new_url, "profile", json!({})).await.status,
        200,
        "key kept on save"
    );
}

#[tokio::test]
async fn integration_columns_are_kept_per_user() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    create_webhook(&admin, &app, "add-leads", "One", &["crm"]).await;
    let before = admin.get("/developer/integrations").await;
    for column in [
        "type",
        "creator",
        "permissions",
        "events",
        "created",
        "last_used",
    ] {
        assert!(
            before.contains(&format!("th data-column=\"{column}\"")),
            "{column}"
        );
    }
    let saved = admin
        .submit(
            "/developer/integrations",
            "/developer/integrations/columns",
            &[("column", "creator"), ("column", "last_used")],
        )
        .await;
    assert_eq!(saved.location(), "/developer/integrations");
    let after = admin.get("/developer/integrations").await;
    assert!(after.contains("th data-column=\"creator\""));
    assert!(after.contains("th data-column=\"last_used\""));
    assert!(!after.contains("th data-column=\"type\""));
    assert!(!after.contains("th data-column=\"permissions\""));
    // Another user's choice is their own.
    let bob_id = app.add_user("bob", false).await;
    let bob = app.sign_in_as(bob_id).await;
    create_webhook(&bob, &app, "add-leads", "Bob's", &["crm"]).await;
    assert!(bob
        .get("/developer/integrations")
        .await
        .contains("th data-column=\"type\""));
}

#[tokio::test]
async fn the_builder_catalogue_follows_the_registry_and_the_language() {
    let app = TestApp::start().await;
    let anonymous = UiClient::new(&app.base);
    let refused = anonymous.get("/developer/methods.json").await;
    assert_eq!(refused.status, 303);
    assert!(refused.location().starts_with("/login"));

    let admin = app.sign_in_as(1).await;
    let en: Value = serde_json::from_str(&admin.get("/developer/methods.json").await.body).unwrap();
    let add = en
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "crm.lead.add")
        .expect("crm.lead.add listed");
    assert_eq!(add["scope"], "crm");
    assert!(add["params"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "fields" && p["kind"] == "object"));
    let user_get = en
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "user.get")
        .unwrap();
    assert!(user_get["grantedBy"]
        .as_array()
        .unwrap()
        .contains(&json!("user_basic")));

    let page = admin.get("/developer").await;
    let switched = admin
        .post_form(
            "/settings/language",
            &[("csrf", &page.csrf()), ("lang", "pt-BR")],
        )
        .await;
    assert_eq!(switched.status, 303);
    let pt_page = admin.get("/developer").await;
    assert!(pt_page.contains("lang=\"pt-BR\""));
    assert!(pt_page.contains("Recursos para desenvolvedores"));
    assert!(pt_page.contains("Importar clientes"));
    let pt: Value = serde_json::from_str(&admin.get("/developer/methods.json").await.body).unwrap();
    let pt_add = pt
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "crm.lead.add")
        .unwrap();
    assert_ne!(
        pt_add["description"], add["description"],
        "descriptions in Portuguese"
    );
}

#[tokio::test]
async fn a_form_cannot_choose_its_own_key() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let form = admin.get("/developer/webhooks/new").await;
    let real_proof = input_value(&form.body, "key_proof").expect("proof");
    let chosen = "aaaaaaaaaaaaaaaa";
    for proof in ["", "00", real_proof.as_str()] {
        let done = admin
            .post_form(
                "/developer/webhooks/new",
                &[
                    ("csrf", &form.csrf()),
                    ("name", "Chosen key"),
                    ("key", chosen),
                    ("key_proof", proof),
                    ("scope", "crm"),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "saved, with a key of the server's");
    }
    assert_eq!(
        app.store
            .webhook_by_hash(&app.secrets.lookup_hash(chosen))
            .await
            .unwrap(),
        None,
        "the chosen key was not stored"
    );
    let url = format!("{}/rest/1/{chosen}/", app.base);
    assert_eq!(app.call_on(&url, "profile", json!({})).await.status, 401);
}
