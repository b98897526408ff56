//! `sonet_group.*`: create, get (visibility, filters, order, paging), update
//! and delete by the owner or an administrator, members; and the tasks of a
//! workgroup, seen by its members.

use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};
use crate::logs::leniency_logged;

async fn ok_on(app: &TestApp, hook: &str, method: &str, body: Value) -> Value {
    let r = app.call_on(hook, method, body).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()
}

fn names(v: &Value) -> Vec<String> {
    v["result"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|g| g["NAME"].as_str().expect("name").to_owned())
        .collect()
}

#[tokio::test]
async fn workgroups_and_their_members_as_in_bitrix24() {
    let app = TestApp::start().await;
    let ana = app.add_user("ana", false).await;
    let bob = app.add_user("bob", false).await;
    let admin = app.webhook(1, &["sonet_group", "task"], None).await;
    let ana_hook = app.webhook(ana, &["sonet_group", "task"], None).await;
    let bob_hook = app.webhook(bob, &["sonet_group", "task"], None).await;

    let open = ok_on(
        &app,
        &ana_hook,
        "sonet_group.create",
        json!({"NAME": "Open project", "PROJECT": "Y", "~OWNER_ID": 1, "KEYWORDS": "web"}),
    )
    .await["result"]
        .as_i64()
        .expect("id");
    assert!(leniency_logged(
        "sonet_group.create",
        "parameter",
        "~OWNER_ID"
    ));
    let hidden = ok_on(
        &app,
        &ana_hook,
        "sonet_group.create",
        json!({"NAME": "Hidden team", "VISIBLE": "N", "DESCRIPTION": "secret"}),
    )
    .await["result"]
        .as_i64()
        .expect("id");

    // Ana sees both, newest first; Bob only the visible one; the admin all with IS_ADMIN.
    assert_eq!(
        names(&ok_on(&app, &ana_hook, "sonet_group.get", json!({})).await),
        ["Hidden team", "Open project"]
    );
    assert_eq!(
        names(&ok_on(&app, &bob_hook, "sonet_group.get", json!({})).await),
        ["Open project"]
    );
    assert_eq!(
        names(&ok_on(&app, &admin, "sonet_group.get", json!({})).await),
        ["Open project"]
    );
    let all = ok_on(
        &app,
        &admin,
        "sonet_group.get",
        json!({"IS_ADMIN": "Y", "ORDER": {"NAME": "ASC"}}),
    )
    .await;
    assert_eq!(names(&all), ["Hidden team", "Open project"]);
    assert_eq!(all["total"], json!(2));
    let row = &all["result"][1];
    assert_eq!(row["ID"], json!(open.to_string()));
    assert_eq!(row["OWNER_ID"], json!(ana.to_string()));
    assert_eq!(
        (&row["PROJECT"], &row["VISIBLE"], &row["NUMBER_OF_MEMBERS"]),
        (&json!("Y"), &json!("Y"), &json!("1"))
    );
    assert_eq!(row["DESCRIPTION"], json!(null));
    let found = ok_on(
        &app,
        &ana_hook,
        "sonet_group.get",
        json!({"FILTER": {"%NAME": "pro", "?ODD": 1}}),
    )
    .await;
    assert_eq!(names(&found), ["Open project"]);
    assert!(leniency_logged("sonet_group.get", "FILTER", "?ODD"));
    assert_eq!(
        names(
            &ok_on(
                &app,
                &ana_hook,
                "sonet_group.get",
                json!({"GROUP_ID": hidden})
            )
            .await
        ),
        ["Hidden team"]
    );

    // Changes: the owner and administrators.
    assert_error(
        &app.call_on(
            &bob_hook,
            "sonet_group.update",
            json!({"GROUP_ID": open, "NAME": "Mine"}),
        )
        .await,
        400,
        "ERROR_CORE",
        "User has no permissions to update group",
    );
    assert_eq!(
        ok_on(
            &app,
            &ana_hook,
            "sonet_group.update",
            json!({"GROUP_ID": open, "NAME": "Open project 2"})
        )
        .await["result"],
        json!(open)
    );
    assert_error(
        &app.call_on(&ana_hook, "sonet_group.update", json!({"GROUP_ID": 999}))
            .await,
        400,
        "ERROR_CORE",
        "Socialnetwork group not found",
    );
    assert_error(
        &app.call_on(
            &ana_hook,
            "sonet_group.create",
            json!({"DESCRIPTION": "no name"}),
        )
        .await,
        400,
        "ERROR_CORE",
        "Incorrect input data",
    );

    // Members: administrators add them; anyone who sees the group lists them.
    assert_error(
        &app.call_on(
            &ana_hook,
            "sonet_group.user.add",
            json!({"GROUP_ID": hidden, "USER_ID": bob}),
        )
        .await,
        400,
        "ERROR_CORE",
        "No permissions to add users",
    );
    let added = ok_on(
        &app,
        &admin,
        "sonet_group.user.add",
        json!({"GROUP_ID": hidden, "USER_ID": [bob, 9999]}),
    )
    .await;
    assert_eq!(added["result"], json!([bob.to_string()]));
    let members = ok_on(
        &app,
        &bob_hook,
        "sonet_group.user.get",
        json!({"ID": hidden}),
    )
    .await;
    assert_eq!(
        members["result"],
        json!([{"USER_ID": ana.to_string(), "ROLE": "A"}, {"USER_ID": bob.to_string(), "ROLE": "K"}])
    );

    // A task of the hidden group: its members see it, others do not.
    let carl = app.add_user("carl", false).await;
    let carl_hook = app.webhook(carl, &["task"], None).await;
    let task = ok_on(
        &app,
        &ana_hook,
        "tasks.task.add",
        json!({"fields": {"TITLE": "Group work", "RESPONSIBLE_ID": ana, "GROUP_ID": hidden}}),
    )
    .await["result"]["task"]["id"]
        .clone();
    let seen = ok_on(&app, &bob_hook, "tasks.task.get", json!({"taskId": task})).await;
    assert_eq!(seen["result"]["task"]["title"], json!("Group work"));
    let bobs_list = ok_on(&app, &bob_hook, "tasks.task.list", json!({})).await;
    assert_eq!(
        bobs_list["result"]["tasks"].as_array().map(Vec::len),
        Some(1)
    );
    let carls_list = ok_on(&app, &carl_hook, "tasks.task.list", json!({})).await;
    assert_eq!(
        carls_list["result"]["tasks"].as_array().map(Vec::len),
        Some(0)
    );
    // getaccess counts other users' memberships too.
    let access = ok_on(
        &app,
        &ana_hook,
        "tasks.task.getaccess",
        json!({"taskId": task, "users": [bob, carl]}),
    )
    .await;
    let allowed = &access["result"]["allowedActions"];
    assert_eq!(
        allowed[bob.to_string()]["ADD_FAVORITE"],
        json!(true),
        "{access}"
    );
    assert_eq!(allowed[carl.to_string()]["ADD_FAVORITE"], json!(false));
    assert_eq!(allowed[bob.to_string()]["EDIT"], json!(false));

    assert_error(
        &app.call_on(&bob_hook, "sonet_group.delete", json!({"GROUP_ID": hidden}))
            .await,
        400,
        "ERROR_CORE",
        "User has no permissions to delete group",
    );
    assert_eq!(
        ok_on(
            &app,
            &ana_hook,
            "sonet_group.delete",
            json!({"GROUP_ID": hidden})
        )
        .await["result"],
        json!(true)
    );
    assert_eq!(
        names(&ok_on(&app, &ana_hook, "sonet_group.get", json!({})).await),
        ["Open project 2"]
    );
}
