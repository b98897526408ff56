//! `department.*`: the seeded top-level department, tree order, filters
//! top-level or inside FILTER, paging, Bitrix24's row types and errors,
//! administrators only for changes, and users filtered by `UF_DEPARTMENT`.

use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};
use crate::logs::leniency_logged;

fn ids(v: &Value) -> Vec<String> {
    v["result"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|d| d["ID"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn the_structure_reads_and_changes_as_in_bitrix24() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["department", "user"], None).await;
    let call = |method: &'static str, body: Value| {
        let hook = hook.clone();
        let app = &app;
        async move { app.call_on(&hook, method, body).await }
    };
    let root = call("department.get", json!({})).await.json();
    assert_eq!(
        root["result"],
        json!([{"ID": "1", "NAME": "Company", "SORT": 500}])
    );
    assert_eq!(root["total"], json!(1));

    let sales = call(
        "department.add",
        json!({"NAME": "Sales", "PARENT": 1, "SORT": 100}),
    )
    .await
    .json()["result"]
        .as_i64()
        .expect("id");
    let east = call(
        "department.add",
        json!({"name": "East", "parent": sales, "UF_HEAD": 1, "HEAD": 1}),
    )
    .await
    .json()["result"]
        .as_i64()
        .expect("id");
    let admin = call(
        "department.add",
        json!({"NAME": "Accounting", "PARENT": 1, "SORT": 200}),
    )
    .await
    .json()["result"]
        .as_i64()
        .expect("id");
    assert!(leniency_logged("department.add", "parameter", "HEAD"));
    let tree = call("department.get", json!({})).await.json();
    assert_eq!(
        ids(&tree),
        [
            "1",
            &sales.to_string(),
            &east.to_string(),
            &admin.to_string()
        ]
    );
    assert_eq!(
        tree["result"][2],
        json!({"ID": east.to_string(), "NAME": "East", "SORT": 500, "PARENT": sales.to_string(), "UF_HEAD": "1"})
    );
    let by_name = call("department.get", json!({"sort": "NAME", "order": "DESC"}))
        .await
        .json();
    assert_eq!(by_name["result"][0]["NAME"], json!("Sales"));
    let below_root = call("department.get", json!({"PARENT": 1})).await.json();
    assert_eq!(ids(&below_root), [sales.to_string(), admin.to_string()]);
    let inside = call("department.get", json!({"FILTER": {"ID": [east, admin]}}))
        .await
        .json();
    assert_eq!(ids(&inside), [east.to_string(), admin.to_string()]);

    assert_error(
        &call("department.add", json!({"NAME": "Second root"})).await,
        400,
        "ERROR_CORE",
        "There can only be one top-level department.",
    );
    assert_error(
        &call("department.add", json!({"PARENT": 1})).await,
        400,
        "ERROR_CORE",
        "Department name not provided.<br>",
    );
    assert_error(
        &call("department.update", json!({"ID": sales, "PARENT": east})).await,
        400,
        "ERROR_CORE",
        "The parent department is not found or lies below this one.",
    );
    assert_error(
        &call("department.update", json!({"ID": 999, "NAME": "x"})).await,
        400,
        "ERROR_CORE",
        "Department not found",
    );
    let moved = call(
        "department.update",
        json!({"ID": east, "PARENT": admin, "NAME": "East desk"}),
    )
    .await;
    assert_eq!(moved.json()["result"], json!(true), "{}", moved.text);
    let tree = call("department.get", json!({})).await.json();
    assert_eq!(
        ids(&tree),
        [
            "1",
            &sales.to_string(),
            &admin.to_string(),
            &east.to_string()
        ]
    );
    assert_eq!(
        call("department.delete", json!({"ID": admin})).await.json()["result"],
        json!(true)
    );
    assert_eq!(
        ids(&call("department.get", json!({})).await.json()),
        ["1", &sales.to_string()]
    );

    // Paging: 50 a page with start, total and next.
    for n in 0..55 {
        call(
            "department.add",
            json!({"NAME": format!("Team {n}"), "PARENT": sales}),
        )
        .await;
    }
    let first = call("department.get", json!({})).await.json();
    assert_eq!(
        (first["total"].clone(), first["next"].clone()),
        (json!(57), json!(50))
    );
    let second = call("department.get", json!({"start": 50})).await.json();
    assert_eq!(second["result"].as_array().map(Vec::len), Some(7));
    assert!(second.get("next").is_none());

    // Users carry UF_DEPARTMENT and are found by it.
    let users = call("user.get", json!({"FILTER": {"UF_DEPARTMENT": 1}}))
        .await
        .json();
    assert_eq!(users["result"][0]["ID"], json!("1"), "{users}");

    // Only administrators change the structure; everyone with the scope reads it.
    let bob = app.add_user("bob", false).await;
    let bobs = app.webhook(bob, &["department"], None).await;
    assert_eq!(
        app.call_on(&bobs, "department.get", json!({})).await.status,
        200
    );
    assert_error(
        &app.call_on(
            &bobs,
            "department.add",
            json!({"NAME": "Mine", "PARENT": 1}),
        )
        .await,
        400,
        "ERROR_CORE",
        "Access denied!",
    );
    let fields = app
        .call_on(&bobs, "department.fields", json!({}))
        .await
        .json();
    assert_eq!(fields["result"]["UF_HEAD"], json!("Manager"));
    // A webhook without the department scope is refused.
    assert_eq!(app.call("department.get", json!({})).await.status, 403);
}

#[tokio::test]
async fn user_search_finds_by_name_position_department_or_anything() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["department", "user"], None).await;
    let ok = |method: &'static str, body: Value| {
        let hook = hook.clone();
        let app = &app;
        async move {
            let r = app.call_on(&hook, method, body).await;
            assert_eq!(r.status, 200, "{method}: {}", r.text);
            r.json()
        }
    };
    let sales = ok("department.add", json!({"NAME": "Sales", "PARENT": 1})).await["result"]
        .as_i64()
        .expect("id");
    let ana = ok(
        "user.add",
        json!({"EMAIL": "ana@example.com", "NAME": "Ana", "LAST_NAME": "Lima",
               "WORK_POSITION": "Account manager", "UF_DEPARTMENT": [sales]}),
    )
    .await["result"]
        .clone();
    ok(
        "user.add",
        json!({"EMAIL": "bruno@example.com", "NAME": "Bruno", "LAST_NAME": "Souza",
               "WORK_POSITION": "Developer"}),
    )
    .await;
    let found = |v: Value| {
        v["result"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|u| u["NAME"].as_str().expect("name").to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        found(ok("user.search", json!({"FILTER": {"FIND": "lima"}})).await),
        ["Ana"]
    );
    assert_eq!(
        found(
            ok(
                "user.search",
                json!({"FILTER": {"WORK_POSITION": "develop"}})
            )
            .await
        ),
        ["Bruno"]
    );
    assert_eq!(
        found(
            ok(
                "user.search",
                json!({"FILTER": {"UF_DEPARTMENT_NAME": "sal"}})
            )
            .await
        ),
        ["Ana"]
    );
    assert!(found(
        ok(
            "user.search",
            json!({"FILTER": {"UF_DEPARTMENT_NAME": "nowhere"}})
        )
        .await
    )
    .is_empty());
    let both = ok(
        "user.search",
        json!({"FILTER": {"FIND": "bruno", "NAME": "Ana"}}),
    )
    .await;
    assert_eq!(found(both), ["Bruno"]);
    assert!(leniency_logged(
        "user.search",
        "FILTER (beside FIND)",
        "NAME"
    ));
    assert!(ana.is_i64());
}
