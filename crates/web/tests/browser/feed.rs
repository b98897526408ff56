//! The Feed in the browser: a post published from the Feed page to a chosen
//! user and a workgroup shows on the page (read back over REST too); a
//! comment is added under it; a post written elsewhere to the signed-in user
//! raises the "new activity" notice without a reload; the page in English,
//! then in Portuguese (screenshots of both).

use serde_json::json;

use crate::harness::Browser;
use crate::{start_app, ADMIN_PASSWORD};

#[tokio::test]
async fn a_post_published_on_the_feed_page_shows_there_with_its_comment() {
    let app = start_app().await;
    let bob = app.add_user("bob", false).await;
    let groups = app.webhook(1, &["sonet_group"], None).await;
    let group = app
        .call_on(&groups, "sonet_group.create", json!({"NAME": "Website"}))
        .await
        .json()["result"]
        .as_i64()
        .expect("group");
    let b = Browser::start(&app.base, "feed").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;

    // Publish from the Feed page, reached through the menu.
    b.goto("/tasks").await;
    b.click_and_load("#nav-feed").await;
    assert_eq!(b.path().await, "/feed");
    assert!(b.exists("#feed-empty").await);
    b.fill("#feed-title-input", "Launch day").await;
    b.fill(
        "#feed-text-input",
        "The new site goes live <today>.\nCake at four.",
    )
    .await;
    b.click("#feed-to-chosen").await;
    b.select("#feed-users", &bob.to_string()).await;
    b.select("#feed-groups", &group.to_string()).await;
    b.shot().await;
    b.click_and_load("#feed-publish").await;
    assert_eq!(b.path().await, "/feed");
    let id = b
        .attr("article.feed-post", "data-id")
        .await
        .expect("post id");
    let card = format!("#post-{id}");
    assert_eq!(
        b.text(&format!("{card} .feed-post-title")).await,
        "Launch day"
    );
    assert_eq!(
        b.text(&format!("{card} .feed-text")).await,
        "The new site goes live <today>.\nCake at four."
    );
    assert_eq!(
        b.text(&format!("{card} .feed-recipients")).await,
        "bob name bob last, Website"
    );

    // Comment it.
    b.fill(&format!("#feed-comment-{id}"), "Looking forward to it")
        .await;
    b.click_and_load(&format!("{card} .feed-comment-form button"))
        .await;
    assert!(b
        .text(&format!("{card} .feed-comments"))
        .await
        .contains("Looking forward to it"));

    let log = app.webhook(1, &["log"], None).await;
    let row = app
        .call_on(&log, "log.blogpost.get", json!({"POST_ID": id}))
        .await
        .json()["result"][0]
        .clone();
    assert_eq!(row["TITLE"], "Launch day");
    assert_eq!(row["NUM_COMMENTS"], "1");
    b.execute(
        &format!("document.querySelector('{card}').scrollIntoView()"),
        vec![],
    )
    .await;
    b.shot().await;

    // A post to this user written elsewhere raises the notice in place.
    assert!(b.exists("#feed-live[hidden]").await);
    let bobs = app.webhook(bob, &["log"], None).await;
    let r = app
        .call_on(
            &bobs,
            "log.blogpost.add",
            json!({"POST_MESSAGE": "Thanks!", "DEST": ["U1"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    b.wait_for("#feed-live:not([hidden])").await;
    b.shot().await;
    b.click_and_load("#feed-live a").await;
    assert_eq!(b.count("article.feed-post").await, 2);

    // The page in Portuguese.
    b.select("#lang-select", "pt-BR").await;
    b.click_and_load("header form[action='/settings/language'] button")
        .await;
    b.goto("/feed").await;
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("pt-BR"));
    assert_eq!(b.text("#feed-publish").await, "Publicar");
    assert_eq!(b.text("#nav-feed").await, "Feed");
    b.shot().await;
    b.execute(
        "document.querySelector('#feed-posts').scrollIntoView()",
        vec![],
    )
    .await;
    b.shot().await;
}
