//! The administrators' Users page over real HTTP, signed in through the
//! sign-in form: only administrators see it; adding users (taken logins,
//! refused forms shown again, the chosen CRM role stored and shown, unknown
//! roles refused), deactivation ending sessions, no self-lockout,
//! CSRF on every form.

use crate::common::TestApp;
use crate::ui_client::Page;
use crate::ui_pages::row;

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
    let role = app
        .store
        .user_role(ana.id)
        .await
        .expect("read")
        .expect("role");
    assert_eq!(role.id, portico_store::roles::DEFAULT_ROLE_ID);
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

/// The `<tr>` of user `id` in a users page.
fn user_row(page: &Page, id: i64) -> &str {
    let at = page
        .body
        .find(&row(id))
        .unwrap_or_else(|| panic!("no row {id}: {}", page.body));
    let rest = &page.body[at..];
    &rest[..rest.find("</tr>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn new_users_get_the_chosen_crm_role() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let form = admin.get("/users").await;
    assert!(
        form.contains("<select id=\"new-role\" name=\"role\""),
        "{}",
        form.body
    );
    assert!(form.contains("<option value=\"1\" selected>Full access (default)</option>"));
    assert!(form.contains("<option value=\"3\">Read only</option>"));
    assert!(form.contains("<th scope=\"col\">Role</th>"));
    // The administrator's own row shows their role and that it does not limit them.
    assert!(user_row(&form, 1).contains("Full access"));
    assert!(user_row(&form, 1).contains("Administrator: all rights"));

    let fields = [
        ("login", "rita"),
        ("password", "rita-password-1"),
        ("role", "3"),
    ];
    let done = admin.submit("/users", "/users", &fields).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let rita = app
        .store
        .user_by_login("rita")
        .await
        .expect("read")
        .expect("added");
    let role = app
        .store
        .user_role(rita.id)
        .await
        .expect("read")
        .expect("role");
    assert_eq!((role.id, role.name.as_str()), (3, "Read only"));
    let listed = admin.get(done.location()).await;
    let rita_row = user_row(&listed, rita.id);
    assert!(rita_row.contains("Read only"), "{rita_row}");
    assert!(!rita_row.contains("all rights"));

    for bogus in ["999", "abc", "-2"] {
        let fields = [
            ("login", "ghost"),
            ("password", "ghost-password"),
            ("role", bogus),
        ];
        let refused = admin.submit("/users", "/users", &fields).await;
        assert_eq!(refused.status, 400, "{bogus}: {}", refused.body);
        assert!(refused.contains("Choose one of the listed roles"));
        assert!(
            refused.contains("value=\"ghost\""),
            "the form keeps the login"
        );
        assert!(refused.contains("<option value=\"1\" selected>"));
    }
    assert!(app
        .store
        .user_by_login("ghost")
        .await
        .expect("read")
        .is_none());
    let users = app.store.list_users().await.expect("users");
    assert_eq!(users.len(), 2, "admin and rita only");

    // In Portuguese the column is "Papel".
    let switched = admin
        .post_form(
            "/settings/language",
            &[("csrf", &listed.csrf()), ("lang", "pt-BR")],
        )
        .await;
    assert_eq!(switched.status, 303);
    let pt = admin.get("/users").await;
    assert!(pt.contains("<th scope=\"col\">Papel</th>") && pt.contains("Papel no CRM"));
    assert!(pt.contains("Full access (padrão)"));
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
