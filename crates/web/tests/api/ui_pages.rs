//! The CRM and Users pages over real HTTP, signed in through the sign-in form:
//! CRM lists and records read through the REST methods as the signed-in user
//! (escaped, searchable, paged, refused by a role without read rights), and
//! the administrators' Users page (adding users, taken logins, deactivation
//! ending sessions, no self-lockout, CSRF on every form).

use portico_store::{Levels, NewRole, RoleStore, SessionStore, UserStore};
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
fn row(id: i64) -> String {
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
async fn only_administrators_see_and_change_users() {
    let app = TestApp::start().await;
    let bob = app.add_user("bob", false).await;
    let bob_ui = app.sign_in_as(bob).await;
    let page = bob_ui.get("/users").await;
    assert_eq!(page.status, 403);
    assert!(page.contains("Only administrators"));
    // Bob's own valid token does not make him an administrator.
    let token = bob_ui.get("/crm/leads").await.csrf();
    let refused = bob_ui
        .post_form(
            "/users",
            &[
                ("csrf", &token),
                ("login", "mallory"),
                ("password", "long-enough-1"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    let refused = bob_ui
        .post_form("/users/1/admin", &[("csrf", &token), ("admin", "0")])
        .await;
    assert_eq!(refused.status, 403);
    assert!(app
        .store
        .user_by_login("mallory")
        .await
        .expect("read")
        .is_none());
    assert!(
        app.store
            .user_by_id(1)
            .await
            .expect("read")
            .expect("admin")
            .is_admin
    );
}

#[tokio::test]
async fn administrators_add_users_who_can_then_sign_in() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let page = admin.get("/users").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.contains("id=\"users\"") && page.contains("id=\"add-user\"") && page.contains(&row(1))
    );

    let fields = [
        ("login", "ana"),
        ("name", "Ana <b>"),
        ("last_name", "Souza"),
        ("email", "ana@example.com"),
        ("password", "ana-password-1"),
    ];
    let done = admin.submit("/users", "/users", &fields).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/users?done=added");
    let ana = app
        .store
        .user_by_login("ana")
        .await
        .expect("read")
        .expect("added");
    assert!(!ana.is_admin && ana.active);
    let listed = admin.get(done.location()).await;
    assert!(listed.contains("id=\"users-notice\"") && listed.contains(&row(ana.id)));
    assert!(listed.contains("Ana &lt;b&gt; Souza"));
    app.sign_in("ana", "ana-password-1").await;

    let taken = admin.submit("/users", "/users", &fields).await;
    assert_eq!(taken.status, 409);
    assert!(taken.contains("role=\"alert\"") && taken.contains("already taken"));
    let short = admin
        .submit(
            "/users",
            "/users",
            &[("login", "zed"), ("password", "short")],
        )
        .await;
    assert_eq!(short.status, 400);
    assert!(short.contains("at least 8 characters") && short.contains("value=\"zed\""));
    assert!(app
        .store
        .user_by_login("zed")
        .await
        .expect("read")
        .is_none());

    let boss = admin
        .submit(
            "/users",
            "/users",
            &[
                ("login", "boss"),
                ("password", "boss-password"),
                ("is_admin", "1"),
            ],
        )
        .await;
    assert_eq!(boss.status, 303, "{}", boss.body);
    assert!(
        app.store
            .user_by_login("boss")
            .await
            .expect("read")
            .expect("added")
            .is_admin
    );
}

#[tokio::test]
async fn deactivation_ends_sessions_and_admins_cannot_lock_themselves_out() {
    let app = TestApp::start().await;
    let carol = app.add_user("carol", false).await;
    let carol_ui = app.sign_in_as(carol).await;
    assert_eq!(carol_ui.get("/crm/leads").await.status, 200);
    let admin = app.sign_in_as(1).await;

    let action = format!("/users/{carol}/active");
    let done = admin.submit("/users", &action, &[("active", "0")]).await;
    assert_eq!(done.location(), "/users?done=deactivated");
    let after = carol_ui.get("/crm/leads").await;
    assert_eq!(after.status, 303);
    assert_eq!(after.location(), "/login?next=%2Fcrm%2Fleads");
    assert_eq!(
        app.store
            .delete_user_sessions(carol)
            .await
            .expect("sessions"),
        0
    );
    assert_eq!(
        app.ui()
            .sign_in("carol", crate::ui_client::TEST_PASSWORD)
            .await
            .status,
        401
    );

    let done = admin.submit("/users", &action, &[("active", "1")]).await;
    assert_eq!(done.location(), "/users?done=activated");
    app.sign_in("carol", crate::ui_client::TEST_PASSWORD).await;

    let admin_action = format!("/users/{carol}/admin");
    let done = admin
        .submit("/users", &admin_action, &[("admin", "1")])
        .await;
    assert_eq!(done.location(), "/users?done=admin-granted");
    assert!(
        app.store
            .user_by_id(carol)
            .await
            .expect("read")
            .expect("carol")
            .is_admin
    );
    let done = admin
        .submit("/users", &admin_action, &[("admin", "0")])
        .await;
    assert_eq!(done.location(), "/users?done=admin-revoked");

    let own = admin
        .submit("/users", "/users/1/active", &[("active", "0")])
        .await;
    assert_eq!(own.status, 400);
    assert!(own.contains("cannot deactivate your own account"));
    let own = admin
        .submit("/users", "/users/1/admin", &[("admin", "0")])
        .await;
    assert_eq!(own.status, 400);
    assert!(own.contains("cannot revoke your own administrator rights"));
    let me = app.store.user_by_id(1).await.expect("read").expect("admin");
    assert!(me.active && me.is_admin);
    assert_eq!(admin.get("/users").await.status, 200);

    assert_eq!(
        admin
            .submit("/users", "/users/999/active", &[("active", "0")])
            .await
            .status,
        404
    );
    assert_eq!(
        admin
            .submit("/users", &action, &[("active", "maybe")])
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn forms_without_the_session_token_are_refused() {
    let app = TestApp::start().await;
    let dave = app.add_user("dave", false).await;
    let admin = app.sign_in_as(1).await;
    let fields = [("login", "eve"), ("password", "eve-password-1")];
    let missing = admin.post_form("/users", &fields).await;
    assert_eq!(missing.status, 403);
    assert!(missing.contains("expired or did not come from this portal"));
    let mut wrong = vec![("csrf", "not-the-token")];
    wrong.extend_from_slice(&fields);
    assert_eq!(admin.post_form("/users", &wrong).await.status, 403);
    assert!(app
        .store
        .user_by_login("eve")
        .await
        .expect("read")
        .is_none());

    let action = format!("/users/{dave}/active");
    let r = admin
        .post_form(&action, &[("csrf", "nope"), ("active", "0")])
        .await;
    assert_eq!(r.status, 403);
    let r = admin
        .post_form(&format!("/users/{dave}/admin"), &[("admin", "1")])
        .await;
    assert_eq!(r.status, 403);
    let dave = app
        .store
        .user_by_id(dave)
        .await
        .expect("read")
        .expect("dave");
    assert!(dave.active && !dave.is_admin);
    // Another session's token is not this one's.
    let other = app.sign_in_as(1).await;
    let foreign = other.get("/users").await.csrf();
    let r = admin
        .post_form(&action, &[("csrf", &foreign), ("active", "0")])
        .await;
    assert_eq!(r.status, 403);
}
