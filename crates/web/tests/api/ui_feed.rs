//! The Feed page over real HTTP, signed in through the sign-in form: the menu
//! entry, publishing to all employees or to chosen users, workgroups and
//! departments, refusals shown on the page, the text escaped with its line
//! breaks, each user seeing only the posts addressed to them, comments,
//! deleting (author only), CSRF refusals and both languages. Every effect is
//! read back over REST (`log.blogpost.get`) or from the store.

use portico_store::Recipient;
use serde_json::{json, Value};

use crate::common::TestApp;

/// Calls a method on webhook `hook`; returns `result`.
async fn rest(app: &TestApp, hook: &str, method: &str, body: Value) -> Value {
    let r = app.call_on(hook, method, body).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()["result"].clone()
}

/// The post id at the end of a `/feed#post-{id}` redirect.
fn post_in(location: &str) -> i64 {
    location
        .strip_prefix("/feed#post-")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a post: {location}"))
}

#[tokio::test]
async fn posts_are_published_and_commented_through_the_page() {
    let app = TestApp::start().await;
    let log = app.webhook(1, &["log"], None).await;
    let admin = app.sign_in_as(1).await;

    let page = admin.get("/feed").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains("id=\"nav-feed\" href=\"/feed\" aria-current=\"page\""));
    assert!(page.contains("id=\"feed-empty\""));
    assert!(page.contains("src=\"/static/feed.js\""));
    let script = admin.get("/static/feed.js").await;
    assert_eq!(script.status, 200);
    assert!(script.contains("portico:live"));

    let published = admin
        .submit(
            "/feed",
            "/feed",
            &[
                ("title", "Office <news>"),
                ("text", "Line <one>\r\nLine & two"),
                ("to", "all"),
            ],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    let id = post_in(published.location());
    let row = &rest(&app, &log, "log.blogpost.get", json!({"POST_ID": id})).await[0];
    assert_eq!(row["TITLE"], "Office <news>");
    assert_eq!(row["DETAIL_TEXT"], "Line <one>\r\nLine & two");
    assert_eq!(row["HAS_SOCNET_ALL"], "Y");

    let page = admin.get("/feed").await;
    assert!(page.contains(&format!("id=\"post-{id}\"")));
    assert!(page.contains("Office &lt;news&gt;") && !page.contains("<news>"));
    assert!(
        page.contains("Line &lt;one&gt;<br>Line &amp; two"),
        "{}",
        page.body
    );

    // BB-code is shown through the safe renderer; unsafe links stay text.
    let bb = admin
        .submit(
            "/feed",
            "/feed",
            &[
                ("text", "[b]Bold[/b] [url=javascript:alert(1)]trap[/url]"),
                ("to", "all"),
            ],
        )
        .await;
    assert_eq!(bb.status, 303, "{}", bb.body);
    let page = admin.get("/feed").await;
    assert!(page.contains(">Bold</"), "{}", page.body);
    assert!(page.contains("trap") && !page.contains("javascript:"));

    // Refusals come back on the page with what was typed.
    for (fields, message) in [
        (vec![("text", " "), ("to", "all")], "Write a message."),
        (
            vec![("text", "to nobody"), ("to", "chosen")],
            "Choose at least one user",
        ),
    ] {
        let refused = admin.submit("/feed", "/feed", &fields).await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert!(refused.contains("id=\"feed-form-error\""));
        assert!(refused.contains(message), "{}", refused.body);
    }
    let refused = admin
        .submit("/feed", "/feed", &[("text", "kept"), ("to", "chosen")])
        .await;
    assert!(refused.contains(">kept</textarea>"));

    // Comments: added, shown, a duplicate refused on the page.
    let path = format!("/feed/{id}/comments");
    let commented = admin
        .submit("/feed", &path, &[("text", "First <comment>")])
        .await;
    assert_eq!(commented.status, 303, "{}", commented.body);
    assert_eq!(commented.location(), format!("/feed#post-{id}"));
    let page = admin.get("/feed").await;
    assert!(page.contains("First &lt;comment&gt;"));
    assert!(page.contains("1 comment"));
    let again = admin
        .submit("/feed", &path, &[("text", "First <comment>")])
        .await;
    assert_eq!(again.status, 400);
    assert!(again.contains("Duplicate comment"), "{}", again.body);
    let row = &rest(&app, &log, "log.blogpost.get", json!({"POST_ID": id})).await[0];
    assert_eq!(row["NUM_COMMENTS"], "1");
    let missing = admin
        .submit("/feed", "/feed/999999/comments", &[("text", "x")])
        .await;
    assert_eq!(missing.status, 404);

    // Both languages.
    let done = admin
        .submit("/feed", "/settings/language", &[("lang", "pt-BR")])
        .await;
    assert_eq!(done.status, 303);
    let page = admin.get("/feed").await;
    assert!(page.contains(">Publicar<") && page.contains("Todos os funcionários"));
    assert!(page.contains("1 comentário"));
}

#[tokio::test]
async fn each_user_sees_on_the_page_only_the_posts_addressed_to_them() {
    let app = TestApp::start().await;
    let directory = app.webhook(1, &["department", "sonet_group"], None).await;
    let sales = rest(
        &app,
        &directory,
        "department.add",
        json!({"NAME": "Sales", "PARENT": 1}),
    )
    .await
    .as_i64()
    .expect("department");
    let east = rest(
        &app,
        &directory,
        "department.add",
        json!({"NAME": "East", "PARENT": sales}),
    )
    .await
    .as_i64()
    .expect("department");
    let ana = app.add_user("ana", false).await;
    let bob = app.add_user("bob", false).await;
    let carl = app.add_user("carl", false).await;
    let dana = app.add_user("dana", false).await;
    let eve = app.add_user("eve", false).await;
    // Everyone is in the top department unless told otherwise: a post to
    // Sales reaches East below it, not the top above it.
    app.ok("user.update", json!({"ID": dana, "UF_DEPARTMENT": [east]}))
        .await;
    let group = rest(
        &app,
        &directory,
        "sonet_group.create",
        json!({"NAME": "Team", "VISIBLE": "N"}),
    )
    .await
    .as_i64()
    .expect("group");
    rest(
        &app,
        &directory,
        "sonet_group.user.add",
        json!({"GROUP_ID": group, "USER_ID": [carl, ana]}),
    )
    .await;

    let ana_ui = app.sign_in_as(ana).await;
    let form = ana_ui.get("/feed").await;
    assert!(form.contains(&format!(
        "<option value=\"{bob}\">bob name bob last</option>"
    )));
    assert!(form.contains(&format!("<option value=\"{east}\">")));
    let team = format!("<option value=\"{group}\">Team</option>");
    assert!(
        form.contains(&team),
        "members are offered their hidden group"
    );
    let eve_form = app.sign_in_as(eve).await.get("/feed").await;
    assert!(
        !eve_form.contains(&team),
        "a hidden group is not offered to outsiders"
    );
    let bob_text = bob.to_string();
    let group_text = group.to_string();
    let sales_text = sales.to_string();
    let published = ana_ui
        .submit(
            "/feed",
            "/feed",
            &[
                ("text", "For some"),
                ("to", "chosen"),
                ("user", &bob_text),
                ("group", &group_text),
                ("department", &sales_text),
            ],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    let id = post_in(published.location());
    let stored = app.store.feed_post(id).await.expect("read").expect("post");
    assert_eq!(
        stored.recipients,
        [
            Recipient::User(bob),
            Recipient::Group(group),
            Recipient::Department(sales)
        ]
    );
    let marker = format!("id=\"post-{id}\"");
    for (user, sees) in [
        (ana, true),
        (bob, true),
        (carl, true),
        (dana, true),
        (eve, false),
    ] {
        let page = app.sign_in_as(user).await.get("/feed").await;
        assert_eq!(page.status, 200);
        assert_eq!(page.contains(&marker), sees, "user {user}: {}", page.body);
    }
    let page = ana_ui.get("/feed").await;
    assert!(
        page.contains("bob name bob last, Team, Sales"),
        "{}",
        page.body
    );

    // Only the author (or an administrator) deletes; outsiders cannot comment.
    let eve_ui = app.sign_in_as(eve).await;
    let path = format!("/feed/{id}/comments");
    assert_eq!(
        eve_ui
            .submit("/feed", &path, &[("text", "peek")])
            .await
            .status,
        404
    );
    let delete = format!("/feed/{id}/delete");
    let bob_ui = app.sign_in_as(bob).await;
    assert!(!bob_ui
        .get("/feed")
        .await
        .contains(&format!("action=\"{delete}\"")));
    assert_eq!(bob_ui.submit("/feed", &delete, &[]).await.status, 403);
    assert!(ana_ui
        .get("/feed")
        .await
        .contains(&format!("action=\"{delete}\"")));
    let deleted = ana_ui.submit("/feed", &delete, &[]).await;
    assert_eq!(deleted.status, 303);
    assert!(app.store.feed_post(id).await.expect("read").is_none());
}

#[tokio::test]
async fn feed_forms_without_the_csrf_token_are_refused() {
    let app = TestApp::start().await;
    let log = app.webhook(1, &["log"], None).await;
    let id = rest(&app, &log, "log.blogpost.add", json!({"POST_MESSAGE": "x"}))
        .await
        .as_i64()
        .expect("id");
    let ui = app.sign_in_as(1).await;
    for (path, fields) in [
        ("/feed".to_owned(), vec![("text", "y"), ("to", "all")]),
        (format!("/feed/{id}/comments"), vec![("text", "y")]),
        (format!("/feed/{id}/delete"), vec![]),
    ] {
        let mut wrong = vec![("csrf", "not-the-token")];
        wrong.extend_from_slice(&fields);
        assert_eq!(ui.post_form(&path, &wrong).await.status, 403, "{path}");
        assert_eq!(ui.post_form(&path, &fields).await.status, 403, "{path}");
    }
    let posts = rest(&app, &log, "log.blogpost.get", json!({})).await;
    assert_eq!(posts.as_array().map(Vec::len), Some(1));
    assert_eq!(posts[0]["NUM_COMMENTS"], "0");
    let signed_out = app.ui().get("/feed").await;
    assert_eq!(signed_out.status, 303);
}
