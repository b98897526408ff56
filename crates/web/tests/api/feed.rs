//! The live feed over REST (scope `log`): `log.blogpost.add/get/update/delete`
//! and `log.blogcomment.add/delete` with Bitrix24's row shape and its error
//! codes method by method (coded, numeric strings, empty); `USER_ID` for
//! administrators only; who sees a post (`UA`, `U{id}`, `SG{id}`, `DR{id}`
//! with sub-departments, the author); both paging modes. The events are in
//! `feed_events`.

use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};

/// Calls `method` on `hook` expecting success; returns `result`.
pub async fn rest(app: &TestApp, hook: &str, method: &str, body: Value) -> Value {
    let r = app.call_on(hook, method, body).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()["result"].clone()
}

/// The ids `log.blogpost.get` answers on `hook` for `body`, in order.
async fn post_ids(app: &TestApp, hook: &str, body: Value) -> Vec<i64> {
    rest(app, hook, "log.blogpost.get", body)
        .await
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| row["ID"].as_str().and_then(|s| s.parse().ok()).expect("ID"))
        .collect()
}

/// Publishes `text` to `dest` on `hook`; the new post's id.
pub async fn publish(app: &TestApp, hook: &str, text: &str, dest: Value) -> i64 {
    rest(
        app,
        hook,
        "log.blogpost.add",
        json!({"POST_MESSAGE": text, "DEST": dest}),
    )
    .await
    .as_i64()
    .expect("post id")
}

#[tokio::test]
async fn posts_are_published_read_changed_and_deleted_as_bitrix24_answers() {
    let app = TestApp::start().await;
    let admin = app.webhook(1, &["log"], None).await;
    let ana = app.add_user("ana", false).await;
    let anas = app.webhook(ana, &["log"], None).await;
    let bob = app.add_user("bob", false).await;
    let bobs = app.webhook(bob, &["log"], None).await;

    let id = rest(
        &app,
        &admin,
        "log.blogpost.add",
        json!({
            "POST_TITLE": "New rules",
            "POST_MESSAGE": "From <Monday> on\nbe on time",
            "DEST": ["UA"],
            "TAGS": "rules, office",
            "IMPORTANT": "Y",
            "IMPORTANT_DATE_END": "2030-01-02T03:04:05+00:00",
            "FILES": [["a.txt", "aGVsbG8="]],
        }),
    )
    .await
    .as_i64()
    .expect("id");
    let got = app
        .call_on(&anas, "log.blogpost.get", json!({"POST_ID": id}))
        .await
        .json();
    assert_eq!(got["total"], 1, "{got}");
    let row = &got["result"][0];
    for (key, want) in [
        ("ID", json!(id.to_string())),
        ("BLOG_ID", json!("1")),
        ("PUBLISH_STATUS", json!("P")),
        ("TITLE", json!("New rules")),
        ("AUTHOR_ID", json!("1")),
        ("ENABLE_COMMENTS", json!("Y")),
        ("NUM_COMMENTS", json!("0")),
        ("CODE", Value::Null),
        ("MICRO", json!("N")),
        ("DETAIL_TEXT", json!("From <Monday> on\nbe on time")),
        ("HAS_SOCNET_ALL", json!("Y")),
        ("HAS_TAGS", json!("Y")),
        ("HAS_IMAGES", json!("N")),
        ("HAS_PROPS", json!("Y")),
        ("HAS_COMMENT_IMAGES", Value::Null),
        ("FILES", json!([])),
        ("TAG", json!(["rules", "office"])),
    ] {
        assert_eq!(row[key], want, "{key} of {row}");
    }
    let tag_ids: Vec<&str> = row["CATEGORY_ID"]
        .as_str()
        .expect("tags")
        .split(',')
        .collect();
    assert_eq!(tag_ids.len(), 2, "{row}");
    assert!(row["DATE_PUBLISH"]
        .as_str()
        .is_some_and(|d| d.ends_with("+00:00")));
    assert_eq!(row["UF_BLOG_POST_IMPRTNT"]["VALUE"], "1");
    assert_eq!(row["UF_BLOG_POST_IMPRTNT"]["ENTITY_VALUE_ID"], json!(id));
    assert_eq!(
        row["UF_IMPRTANT_DATE_END"]["VALUE"],
        "2030-01-02T03:04:05+00:00"
    );
    assert_eq!(row["UF_BLOG_POST_FILE"]["USER_TYPE_ID"], "disk_file");

    // A post without a title is a micro post titled by its text.
    let micro = publish(&app, &anas, "Lunch at noon?", json!("UA")).await;
    let row = &rest(&app, &admin, "log.blogpost.get", json!({"POST_ID": micro})).await[0];
    assert_eq!(
        (&row["MICRO"], &row["TITLE"]),
        (&json!("Y"), &json!("Lunch at noon?"))
    );
    assert_eq!(row["HAS_TAGS"], "N");
    assert!(row.get("TAG").is_none(), "{row}");

    // USER_ID: administrators publish as someone else; anyone else's is ignored.
    let as_ana = rest(
        &app,
        &admin,
        "log.blogpost.add",
        json!({"POST_MESSAGE": "by ana", "USER_ID": ana}),
    )
    .await
    .as_i64()
    .expect("id");
    let row = &rest(&app, &admin, "log.blogpost.get", json!({"POST_ID": as_ana})).await[0];
    assert_eq!(row["AUTHOR_ID"], json!(ana.to_string()));
    let not_as_ana = rest(
        &app,
        &bobs,
        "log.blogpost.add",
        json!({"POST_MESSAGE": "by bob", "USER_ID": ana}),
    )
    .await;
    let row = &rest(
        &app,
        &bobs,
        "log.blogpost.get",
        json!({"POST_ID": not_as_ana}),
    )
    .await[0];
    assert_eq!(row["AUTHOR_ID"], json!(bob.to_string()));

    // log.blogpost.add refusals.
    let add_error = "SONET_CONTROLLER_LIVEFEED_BLOGPOST_ADD_ERROR";
    for body in [json!({"POST_TITLE": "t"}), json!({"POST_MESSAGE": "  "})] {
        let r = app.call_on(&anas, "log.blogpost.add", body).await;
        assert_error(&r, 400, add_error, "Blog post hasn't been added");
    }
    for dest in [json!(["U999999"]), json!(["XX1", "SG999"]), json!("DR999")] {
        let r = app
            .call_on(
                &anas,
                "log.blogpost.add",
                json!({"POST_MESSAGE": "x", "DEST": dest}),
            )
            .await;
        assert_error(&r, 400, add_error, "No destination specified");
    }

    // log.blogpost.update: the author or an administrator only.
    let update_error = "SONET_CONTROLLER_LIVEFEED_BLOGPOST_UPDATE_ERROR";
    for (hook, body, description) in [
        (&anas, json!({"POST_MESSAGE": "x"}), "Wrong post ID"),
        (
            &anas,
            json!({"POST_ID": 999_999, "POST_MESSAGE": "x"}),
            "No post found",
        ),
        (
            &bobs,
            json!({"POST_ID": micro, "POST_MESSAGE": "x"}),
            "No write perms",
        ),
    ] {
        let r = app.call_on(hook, "log.blogpost.update", body).await;
        assert_error(&r, 400, update_error, description);
    }
    let r = app
        .call_on(
            &anas,
            "log.blogpost.update",
            json!({"POST_ID": micro, "DEST": ["UA"]}),
        )
        .await;
    assert_error(&r, 400, "EMPTY_TITLE", "Message title is not specified.");
    let updated = rest(
        &app,
        &anas,
        "log.blogpost.update",
        json!({"POST_ID": micro, "POST_TITLE": "Lunch", "TAGS": ["food"]}),
    )
    .await;
    assert_eq!(updated, json!(micro));
    let row = &rest(&app, &anas, "log.blogpost.get", json!({"POST_ID": micro})).await[0];
    assert_eq!(
        (
            &row["TITLE"],
            &row["MICRO"],
            &row["DETAIL_TEXT"],
            &row["TAG"]
        ),
        (
            &json!("Lunch"),
            &json!("N"),
            &json!("Lunch at noon?"),
            &json!(["food"])
        )
    );
    rest(
        &app,
        &admin,
        "log.blogpost.update",
        json!({"POST_ID": micro, "POST_MESSAGE": "Lunch at one"}),
    )
    .await;
    let row = &rest(&app, &anas, "log.blogpost.get", json!({"POST_ID": micro})).await[0];
    assert_eq!(
        (&row["TITLE"], &row["MICRO"], &row["DETAIL_TEXT"]),
        (&json!("Lunch at one"), &json!("Y"), &json!("Lunch at one"))
    );

    // log.blogpost.delete answers numeric-string codes.
    for body in [
        json!({}),
        json!({"POST_ID": 999_999}),
        json!({"POST_ID": "x"}),
    ] {
        let r = app.call_on(&anas, "log.blogpost.delete", body).await;
        assert_error(&r, 400, "100", "Wrong post ID");
    }
    let r = app
        .call_on(&bobs, "log.blogpost.delete", json!({"POST_ID": micro}))
        .await;
    assert_error(
        &r,
        400,
        "403",
        "You do not have permission to delete this message",
    );
    assert_eq!(
        rest(
            &app,
            &anas,
            "log.blogpost.delete",
            json!({"POST_ID": micro})
        )
        .await,
        json!(true)
    );
    assert_eq!(
        rest(
            &app,
            &admin,
            "log.blogpost.delete",
            json!({"POST_ID": not_as_ana})
        )
        .await,
        json!(true)
    );
    let r = app
        .call_on(&anas, "log.blogpost.delete", json!({"POST_ID": micro}))
        .await;
    assert_error(&r, 400, "100", "Wrong post ID");
    assert_eq!(post_ids(&app, &bobs, json!({})).await, vec![as_ana, id]);

    // The methods need the scope.
    let crm_only = app.webhook(ana, &["crm"], None).await;
    let r = app.call_on(&crm_only, "log.blogpost.get", json!({})).await;
    assert_eq!(r.status, 403, "{}", r.text);
}

#[tokio::test]
async fn comments_answer_with_an_empty_error_code() {
    let app = TestApp::start().await;
    let admin = app.webhook(1, &["log"], None).await;
    let ana = app.add_user("ana", false).await;
    let anas = app.webhook(ana, &["log"], None).await;
    let bob = app.add_user("bob", false).await;
    let bobs = app.webhook(bob, &["log"], None).await;
    let public = publish(&app, &anas, "Hello all", json!(["UA"])).await;
    let private = publish(&app, &anas, "Hello admin", json!([format!("U{}", 1)])).await;

    let first = rest(
        &app,
        &bobs,
        "log.blogcomment.add",
        json!({"POST_ID": public, "TEXT": "Hi!", "FILES": [["a.txt", "aGk="]]}),
    )
    .await
    .as_i64()
    .expect("comment id");
    for (body, description) in [
        (
            json!({"POST_ID": public, "TEXT": "Hi!"}),
            "Duplicate comment",
        ),
        (json!({"POST_ID": private, "TEXT": "Peek"}), "No post found"),
        (json!({"POST_ID": 999_999, "TEXT": "x"}), "No post found"),
        (json!({"TEXT": "x"}), "No post found"),
        (json!({"POST_ID": public}), "Blog comment hasn't been added"),
    ] {
        let r = app.call_on(&bobs, "log.blogcomment.add", body).await;
        assert_error(&r, 400, "", description);
    }
    // The same text by another author is no duplicate; the administrator
    // comments as ana.
    let second = rest(
        &app,
        &admin,
        "log.blogcomment.add",
        json!({"POST_ID": public, "TEXT": "Hi!", "USER_ID": ana}),
    )
    .await
    .as_i64()
    .expect("comment id");
    let row = &rest(&app, &bobs, "log.blogpost.get", json!({"POST_ID": public})).await[0];
    assert_eq!(row["NUM_COMMENTS"], "2");
    let comments = app.store.feed_comments(&[public]).await.expect("comments");
    let authors: Vec<(i64, i64)> = comments.iter().map(|c| (c.id, c.author_id)).collect();
    assert_eq!(authors, vec![(first, bob), (second, ana)]);

    for (hook, body, description) in [
        (&bobs, json!({"COMMENT_ID": 0}), "Wrong comment ID"),
        (&bobs, json!({"COMMENT_ID": 999_999}), "No comment found"),
        (&bobs, json!({"COMMENT_ID": second}), "No delete perms"),
    ] {
        let r = app.call_on(hook, "log.blogcomment.delete", body).await;
        assert_error(&r, 400, "", description);
    }
    assert_eq!(
        rest(
            &app,
            &bobs,
            "log.blogcomment.delete",
            json!({"COMMENT_ID": first})
        )
        .await,
        json!(true)
    );
    assert_eq!(
        rest(
            &app,
            &admin,
            "log.blogcomment.delete",
            json!({"COMMENT_ID": second})
        )
        .await,
        json!(true)
    );
    let row = &rest(&app, &bobs, "log.blogpost.get", json!({"POST_ID": public})).await[0];
    assert_eq!(row["NUM_COMMENTS"], "0");
}

/// Sets the departments of `user` over REST.
async fn put_in_departments(app: &TestApp, user: i64, departments: &[i64]) {
    app.ok(
        "user.update",
        json!({"ID": user, "UF_DEPARTMENT": departments}),
    )
    .await;
}

/// Adds a department `name` below `parent` over REST; its id.
async fn department(app: &TestApp, hook: &str, name: &str, parent: i64) -> i64 {
    rest(
        app,
        hook,
        "department.add",
        json!({"NAME": name, "PARENT": parent}),
    )
    .await
    .as_i64()
    .expect("department id")
}

#[tokio::test]
async fn a_post_is_seen_by_its_recipients_and_its_author_only() {
    let app = TestApp::start().await;
    let directory = app.webhook(1, &["department", "sonet_group"], None).await;
    let sales = department(&app, &directory, "Sales", 1).await;
    let east = department(&app, &directory, "Sales east", sales).await;
    let support = department(&app, &directory, "Support", 1).await;
    let mut hooks = Vec::new();
    for login in [
        "author",
        "addressee",
        "member",
        "seller",
        "easterner",
        "outsider",
    ] {
        let id = app.add_user(login, false).await;
        put_in_departments(&app, id, &[support]).await;
        hooks.push((id, app.webhook(id, &["log"], None).await));
    }
    let [(author_id, author), (addressee_id, addressee), (member_id, member), (seller_id, seller), (east_id, easterner), (_, outsider)] =
        hooks.try_into().expect("six users");
    put_in_departments(&app, seller_id, &[sales]).await;
    put_in_departments(&app, east_id, &[support, east]).await;
    let group = rest(
        &app,
        &directory,
        "sonet_group.create",
        json!({"NAME": "Team", "VISIBLE": "N"}),
    )
    .await
    .as_i64()
    .expect("group id");
    rest(
        &app,
        &directory,
        "sonet_group.user.add",
        json!({"GROUP_ID": group, "USER_ID": [member_id, author_id]}),
    )
    .await;
    // A hidden group is no destination for those who cannot see it.
    let r = app
        .call_on(
            &outsider,
            "log.blogpost.add",
            json!({"POST_MESSAGE": "x", "DEST": [format!("SG{group}")]}),
        )
        .await;
    assert_error(
        &r,
        400,
        "SONET_CONTROLLER_LIVEFEED_BLOGPOST_ADD_ERROR",
        "No destination specified",
    );

    let to_all = publish(&app, &author, "all", json!(["UA"])).await;
    let to_one = publish(&app, &author, "one", json!([format!("U{addressee_id}")])).await;
    let to_group = publish(&app, &author, "group", json!([format!("SG{group}")])).await;
    let to_sales = publish(&app, &author, "sales", json!([format!("DR{sales}")])).await;

    for (hook, seen) in [
        (&author, vec![to_sales, to_group, to_one, to_all]),
        (&addressee, vec![to_one, to_all]),
        (&member, vec![to_group, to_all]),
        (&seller, vec![to_sales, to_all]),
        (&easterner, vec![to_sales, to_all]),
        (&outsider, vec![to_all]),
    ] {
        assert_eq!(post_ids(&app, hook, json!({})).await, seen);
    }
    // One post: only where it may be seen; LOG_RIGHTS keeps posts to its codes.
    assert_eq!(
        post_ids(&app, &outsider, json!({"POST_ID": to_one})).await,
        Vec::<i64>::new()
    );
    assert_eq!(
        post_ids(&app, &addressee, json!({"POST_ID": to_one})).await,
        vec![to_one]
    );
    assert_eq!(
        post_ids(
            &app,
            &author,
            json!({"LOG_RIGHTS": [format!("SG{group}"), format!("DR{sales}")]})
        )
        .await,
        vec![to_sales, to_group]
    );
    assert_eq!(
        post_ids(
            &app,
            &author,
            json!({"LOG_RIGHTS": "UA", "POST_ID": to_one})
        )
        .await,
        vec![to_one],
        "POST_ID wins over LOG_RIGHTS"
    );
    assert_eq!(
        post_ids(&app, &easterner, json!({"LOG_DATE_FROM": "2000-01-01T00:00:00+00:00", "LOG_DATE_TO": "2001-01-01T00:00:00+00:00"})).await,
        Vec::<i64>::new()
    );
    // Comments need the post in sight.
    let r = app
        .call_on(
            &outsider,
            "log.blogcomment.add",
            json!({"POST_ID": to_group, "TEXT": "x"}),
        )
        .await;
    assert_error(&r, 400, "", "No post found");
    rest(
        &app,
        &member,
        "log.blogcomment.add",
        json!({"POST_ID": to_group, "TEXT": "ok"}),
    )
    .await;
}

#[tokio::test]
async fn posts_page_by_offset_with_a_total_or_by_cursor() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["log"], None).await;
    let mut ids = Vec::new();
    for n in 0..53 {
        ids.push(publish(&app, &hook, &format!("post {n}"), json!(["UA"])).await);
    }
    let newest_first: Vec<i64> = ids.iter().rev().copied().collect();
    let first = app
        .call_on(&hook, "log.blogpost.get", json!({}))
        .await
        .json();
    assert_eq!((&first["total"], &first["next"]), (&json!(53), &json!(50)));
    assert_eq!(first["result"].as_array().map(Vec::len), Some(50));
    let second = app
        .call_on(&hook, "log.blogpost.get", json!({"start": 50}))
        .await
        .json();
    assert_eq!(second["total"], 53);
    assert!(second.get("next").is_none(), "{second}");
    let rows: Vec<i64> = second["result"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["ID"].as_str().and_then(|s| s.parse().ok()).expect("ID"))
        .collect();
    assert_eq!(rows, newest_first[50..]);

    // Cursor mode: FIRST_ID forward (wins over LAST_ID), LAST_ID backward, LIMIT.
    assert_eq!(
        post_ids(
            &app,
            &hook,
            json!({"FIRST_ID": ids[10], "LAST_ID": ids[5], "LIMIT": 3})
        )
        .await,
        ids[11..14]
    );
    assert_eq!(
        post_ids(&app, &hook, json!({"LAST_ID": ids[10], "LIMIT": 2})).await,
        vec![ids[9], ids[8]]
    );
    assert_eq!(
        post_ids(&app, &hook, json!({"LIMIT": "x"})).await,
        newest_first[..50]
    );
    let cursor = app
        .call_on(&hook, "log.blogpost.get", json!({"LIMIT": 500}))
        .await
        .json();
    assert_eq!(cursor["result"].as_array().map(Vec::len), Some(53));
    assert!(
        cursor.get("total").is_none() && cursor.get("next").is_none(),
        "{cursor}"
    );
}
