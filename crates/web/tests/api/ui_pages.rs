//! The CRM pages over real HTTP, signed in through the sign-in form: lists and
//! records read through the REST methods as the signed-in user (escaped,
//! searchable, paged, refused by a role without read rights); signed-out
//! visitors of any page are sent to the sign-in page. The Users page is in
//! `ui_users`.

use portico_store::{Levels, NewRole};
use serde_json::json;

use crate::common::TestApp;
use crate::ui_client::UiClient;

/// Adds a record through the administrator's webhook; returns its id.
async fn add(app: &TestApp, entity: &str, fields: serde_json::Value) -> i64 {
    app.ok(&format!("crm.{entity}.add"), json!({ "fields": fields }))
        .await
        .as_i64()
        .expect("an id")
}

/// `data-id="{id}"`, the mark of a table row.
pub fn row(id: i64) -> String {
    format!("data-id=\"{id}\"")
}

/// A non-administrator `login` with `role`, signed in.
async fn signed_in_with_role(app: &TestApp, login: &str, role: i64) -> (i64, UiClient) {
    let id = app.add_user(login, false).await;
    assert!(app.store.set_user_role(id, Some(role)).await.expect("role"));
    (id, app.sign_in_as(id).await)
}

#[tokio::test]
async fn signed_out_pages_redirect_to_sign_in() {
    let app = TestApp::start().await;
    let ui = app.ui();
    let page = ui.get("/crm/leads?q=a").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), "/login?next=%2Fcrm%2Fleads%3Fq%3Da");
    let page = ui.get("/users").await;
    assert_eq!(page.location(), "/login?next=%2Fusers");
    let page = ui.post_form("/users", &[("login", "x")]).await;
    assert_eq!(page.location(), "/login");
}

#[tokio::test]
async fn lead_list_escapes_searches_and_links_to_the_record() {
    let app = TestApp::start().await;
    let evil = add(&app, "lead", json!({"TITLE": "<script>alert(1)</script>"})).await;
    let other = add(&app, "lead", json!({"TITLE": "Quiet lead"})).await;
    let admin = app.sign_in_as(1).await;

    let list = admin.get("/crm/leads").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.contains("id=\"crm-list\""));
    assert!(list.contains("id=\"crm-search\""));
    assert!(list.contains(&row(evil)) && list.contains(&row(other)));
    assert!(list.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!list.contains("<script>alert"));
    assert!(list.contains(&format!("href=\"/crm/leads/{evil}\"")));
    assert!(
        list.contains("admin name admin last"),
        "the responsible person by name"
    );

    let found = admin.get("/crm/leads?q=%3Cscript").await;
    assert_eq!(found.status, 200);
    assert!(found.contains(&row(evil)));
    assert!(!found.contains(&row(other)));
    assert!(
        found.contains("value=\"&lt;script\""),
        "the search box keeps the text"
    );
    let none = admin.get("/crm/leads?q=nothing-like-this").await;
    assert!(none.contains("id=\"crm-empty\"") && !none.contains(&row(evil)));

    let record = admin.get(&format!("/crm/leads/{evil}")).await;
    assert_eq!(record.status, 200, "{}", record.body);
    assert!(record.contains("class=\"fields\""));
    assert!(
        record.contains("admin name admin last (#1)"),
        "user fields by name"
    );
    assert!(record.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!record.contains("<script>alert"));

    for missing in [
        "/crm/leads/999999",
        "/crm/leads/abc",
        "/crm/leads/0",
        "/crm/tasks",
        "/crm/tasks/1",
    ] {
        assert_eq!(admin.get(missing).await.status, 404, "{missing}");
    }
}

#[tokio::test]
async fn contacts_deals_and_companies_list_and_search() {
    let app = TestApp::start().await;
    let ana = add(
        &app,
        "contact",
        json!({"NAME": "Ana", "LAST_NAME": "Souza",
        "PHONE": [{"VALUE": "+55 11 5555-0000", "VALUE_TYPE": "WORK"}]}),
    )
    .await;
    let bruno = add(
        &app,
        "contact",
        json!({"NAME": "Bruno", "LAST_NAME": "Lima"}),
    )
    .await;
    let deal = add(
        &app,
        "deal",
        json!({"TITLE": "Big deal", "OPPORTUNITY": 1234.5}),
    )
    .await;
    let company = add(&app, "company", json!({"TITLE": "Acme & Co"})).await;
    let admin = app.sign_in_as(1).await;

    let contacts = admin.get("/crm/contacts?q=ana").await;
    assert_eq!(contacts.status, 200, "{}", contacts.body);
    assert!(contacts.contains(&row(ana)) && contacts.contains("Ana Souza"));
    assert!(!contacts.contains(&row(bruno)));
    let both_words = admin.get("/crm/contacts?q=bruno+lim").await;
    assert!(both_words.contains(&row(bruno)) && !both_words.contains(&row(ana)));
    let card = admin.get(&format!("/crm/contacts/{ana}")).await;
    assert!(card.contains("+55 11 5555-0000 (WORK)"), "{}", card.body);

    let deals = admin.get("/crm/deals").await;
    assert!(
        deals.contains(&row(deal)) && deals.contains("1234.5"),
        "{}",
        deals.body
    );
    let companies = admin.get("/crm/companies?q=acme").await;
    assert!(companies.contains(&row(company)) && companies.contains("Acme &amp; Co"));
}

#[tokio::test]
async fn long_lists_page_by_fifty() {
    let app = TestApp::start().await;
    for n in 0..51 {
        add(&app, "lead", json!({"TITLE": format!("Lead {n}")})).await;
    }
    let admin = app.sign_in_as(1).await;
    let first = admin.get("/crm/leads").await;
    assert_eq!(first.body.matches("data-id=").count(), 50);
    assert!(first.contains("href=\"/crm/leads?start=50\""));
    assert!(!first.contains("id=\"crm-prev\""));
    let second = admin.get("/crm/leads?start=50").await;
    assert_eq!(second.body.matches("data-id=").count(), 1);
    assert!(second.contains("id=\"crm-prev\"") && !second.contains("id=\"crm-next\""));
}

#[tokio::test]
async fn crm_rights_apply_to_the_pages() {
    let app = TestApp::start().await;
    let lead = add(&app, "lead", json!({"TITLE": "Admin's lead"})).await;
    let nothing = app
        .store
        .insert_role(NewRole {
            name: "Nothing".into(),
            levels: Levels::default(),
        })
        .await
        .expect("role");
    let (_, nobody) = signed_in_with_role(&app, "nobody", nothing).await;
    for path in [
        "/crm/leads".to_owned(),
        format!("/crm/leads/{lead}"),
        "/crm/deals".into(),
    ] {
        let page = nobody.get(&path).await;
        assert_eq!(page.status, 403, "{path}: {}", page.body);
        assert!(page.contains("does not allow you to see these records"));
    }

    // "Own records" (seeded role 2): only leads whose responsible person is the user.
    let (owner, own) = signed_in_with_role(&app, "owner", 2).await;
    let mine = add(
        &app,
        "lead",
        json!({"TITLE": "Owner's lead", "ASSIGNED_BY_ID": owner}),
    )
    .await;
    let list = own.get("/crm/leads").await;
    assert_eq!(list.status, 200);
    assert!(list.contains(&row(mine)) && !list.contains(&row(lead)));
    assert_eq!(own.get(&format!("/crm/leads/{lead}")).await.status, 403);
    assert_eq!(own.get(&format!("/crm/leads/{mine}")).await.status, 200);
}

#[tokio::test]
async fn record_pages_label_fields_in_the_users_language() {
    let app = TestApp::start().await;
    let field = app
        .ok(
            "crm.lead.userfield.add",
            json!({"fields": {"FIELD_NAME": "BUDGET", "USER_TYPE_ID": "string",
                "EDIT_FORM_LABEL": {"en": "Budget note"}}}),
        )
        .await;
    assert!(field.as_i64().is_some(), "{field}");
    let lead = add(
        &app,
        "lead",
        json!({"TITLE": "Labelled lead", "ASSIGNED_BY_ID": 1, "UF_CRM_BUDGET": "tight"}),
    )
    .await;
    let admin = app.sign_in_as(1).await;
    let path = format!("/crm/leads/{lead}");

    let en = admin.get(&path).await;
    assert_eq!(en.status, 200, "{}", en.body);
    assert!(en.contains(">Responsible person</dt>") && en.contains(">Lead Name</dt>"));
    assert!(en.contains(">Budget note</dt>"), "{}", en.body);

    let switched = admin
        .post_form(
            "/settings/language",
            &[("csrf", &en.csrf()), ("lang", "pt-BR")],
        )
        .await;
    assert_eq!(switched.status, 303, "{}", switched.body);
    let pt = admin.get(&path).await;
    assert_eq!(pt.status, 200, "{}", pt.body);
    assert!(pt.contains("lang=\"pt-BR\""));
    assert!(pt.contains(">Responsável</dt>"), "{}", pt.body);
    assert!(pt.contains(">Nome do lead</dt>") && pt.contains(">Criado em</dt>"));
    assert!(!pt.contains("Responsible"), "{}", pt.body);
    assert!(!pt.contains("Lead Name"));
    // A user field keeps the label it was given.
    assert!(pt.contains(">Budget note</dt>"));
}
