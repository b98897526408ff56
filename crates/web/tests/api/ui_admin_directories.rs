//! The administrators' pipeline, stage and department pages over real HTTP,
//! signed in through the sign-in form: only administrators see and use them,
//! every form needs the CSRF token, each form's effect is read back over REST
//! (`crm.category.list`, `crm.status.list`, `department.get`), and a method's
//! refusal (a pipeline with deals, a stage deals are in) is shown as a page
//! message.

use serde_json::{json, Value};

use crate::common::TestApp;
use crate::ui_client::UiClient;
use crate::ui_pages::row;

/// The pipelines as `(id, name, sort)`, read over REST.
async fn pipelines(app: &TestApp) -> Vec<(i64, String, i64)> {
    let result = app
        .ok("crm.category.list", json!({ "entityTypeId": 2 }))
        .await;
    result["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| {
            (
                c["id"].as_i64().expect("id"),
                c["name"].as_str().expect("name").to_owned(),
                c["sort"].as_i64().expect("sort"),
            )
        })
        .collect()
}

/// The items of `crm.status` directory `entity_id`, read over REST.
async fn statuses(app: &TestApp, entity_id: &str) -> Vec<Value> {
    let result = app
        .ok(
            "crm.status.list",
            json!({ "filter": { "ENTITY_ID": entity_id } }),
        )
        .await;
    result.as_array().expect("items").clone()
}

/// The stage of `entity_id` named `name`.
async fn stage_named(app: &TestApp, entity_id: &str, name: &str) -> Option<Value> {
    statuses(app, entity_id)
        .await
        .into_iter()
        .find(|s| s["NAME"] == name)
}

/// The departments as `(ID, NAME, PARENT)`, read over REST.
async fn departments(app: &TestApp) -> Vec<(String, String, String)> {
    let hook = app.webhook(1, &["department"], None).await;
    let reply = app.call_on(&hook, "department.get", json!({})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()["result"]
        .as_array()
        .expect("departments")
        .iter()
        .map(|d| {
            let text = |k: &str| d[k].as_str().unwrap_or("").to_owned();
            (text("ID"), text("NAME"), text("PARENT"))
        })
        .collect()
}

/// Adds a pipeline through the page; returns its id.
async fn add_pipeline(app: &TestApp, admin: &UiClient, name: &str) -> i64 {
    let done = admin
        .submit(
            "/crm/pipelines",
            "/crm/pipelines",
            &[("name", name), ("sort", "300")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/crm/pipelines?done=added");
    pipelines(app)
        .await
        .into_iter()
        .find(|(_, n, _)| n == name)
        .map(|(id, _, _)| id)
        .expect("the pipeline was added")
}

#[tokio::test]
async fn only_administrators_see_and_use_the_directory_pages() {
    let app = TestApp::start().await;
    let bob = app.add_user("bob", false).await;
    let bob_ui = app.sign_in_as(bob).await;
    for path in ["/crm/pipelines", "/crm/pipelines/0", "/users/departments"] {
        let page = bob_ui.get(path).await;
        assert_eq!(page.status, 403, "{path}");
        assert!(page.contains("Only administrators"), "{path}");
    }
    let deals = bob_ui.get("/crm/deals").await;
    assert!(!deals.contains("href=\"/crm/pipelines\""));
    // Bob's own valid token does not make him an administrator.
    let token = deals.csrf();
    let posts: [(&str, &[(&str, &str)]); 6] = [
        ("/crm/pipelines", &[("name", "Bob's")]),
        ("/crm/pipelines/0/update", &[("name", "Renamed")]),
        ("/crm/pipelines/0/stages", &[("name", "Bob stage")]),
        (
            "/users/departments",
            &[("name", "Bob dept"), ("parent", "1")],
        ),
        ("/users/departments/1/update", &[("name", "Bob corp")]),
        ("/users/departments/1/delete", &[]),
    ];
    for (path, fields) in posts {
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        let refused = bob_ui.post_form(path, &all).await;
        assert_eq!(refused.status, 403, "{path}");
    }
    assert_eq!(pipelines(&app).await.len(), 1);
    assert!(stage_named(&app, "DEAL_STAGE", "Bob stage").await.is_none());
    let depts = departments(&app).await;
    assert_eq!(depts.len(), 1);
    assert_ne!(depts[0].1, "Bob corp");
}

#[tokio::test]
async fn every_directory_form_needs_the_csrf_token() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let id = add_pipeline(&app, &admin, "Sales").await;
    let stage = stage_named(&app, &format!("DEAL_STAGE_{id}"), "New")
        .await
        .or(statuses(&app, &format!("DEAL_STAGE_{id}"))
            .await
            .into_iter()
            .next())
        .expect("a stage");
    let stage_id = stage["ID"].as_str().expect("ID").to_owned();
    let paths = [
        "/crm/pipelines".to_owned(),
        format!("/crm/pipelines/{id}/update"),
        format!("/crm/pipelines/{id}/delete"),
        format!("/crm/pipelines/{id}/stages"),
        format!("/crm/pipelines/{id}/stages/{stage_id}/update"),
        format!("/crm/pipelines/{id}/stages/{stage_id}/delete"),
        "/users/departments".to_owned(),
        "/users/departments/1/update".to_owned(),
    ];
    for path in &paths {
        for token in [None, Some("forged")] {
            let mut fields = vec![("name", "Changed"), ("parent", "1")];
            if let Some(token) = token {
                fields.push(("csrf", token));
            }
            let refused = admin.post_form(path, &fields).await;
            assert_eq!(refused.status, 403, "{path} {token:?}");
        }
    }
    let names: Vec<String> = pipelines(&app).await.into_iter().map(|p| p.1).collect();
    assert_eq!(names.len(), 2);
    assert!(!names.contains(&"Changed".to_owned()));
    assert_eq!(
        statuses(&app, &format!("DEAL_STAGE_{id}")).await.len(),
        8,
        "no stage added, renamed or deleted"
    );
    assert!(departments(&app).await.iter().all(|d| d.1 != "Changed"));
}

#[tokio::test]
async fn administrators_add_rename_and_delete_pipelines() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let deals = admin.get("/crm/deals").await;
    assert!(deals.contains("href=\"/crm/pipelines\""), "{}", deals.body);
    let page = admin.get("/crm/pipelines").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains("id=\"pipelines\"") && page.contains("id=\"add-pipeline\""));
    assert!(page.contains(&row(0)));

    let id = add_pipeline(&app, &admin, "Partners <b>").await;
    let page = admin.get("/crm/pipelines?done=added").await;
    assert!(page.contains("Partners &lt;b&gt;") && page.contains(&row(id)));
    assert!(page.contains("id=\"directory-notice\""));

    let done = admin
        .submit(
            "/crm/pipelines",
            &format!("/crm/pipelines/{id}/update"),
            &[("name", "Resellers"), ("sort", "700")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(pipelines(&app)
        .await
        .contains(&(id, "Resellers".to_owned(), 700)));

    let refused = admin
        .submit(
            "/crm/pipelines",
            &format!("/crm/pipelines/{id}/update"),
            &[("name", " ")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.contains("id=\"directory-error\"") && refused.contains("NAME"));
    let refused = admin
        .submit(
            "/crm/pipelines",
            "/crm/pipelines",
            &[("name", "X"), ("sort", "soon")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(pipelines(&app).await.len(), 2);

    // A pipeline with a deal is kept, and the page says why.
    app.ok(
        "crm.deal.add",
        json!({ "fields": { "TITLE": "D", "CATEGORY_ID": id } }),
    )
    .await;
    let refused = admin
        .submit(
            "/crm/pipelines",
            &format!("/crm/pipelines/{id}/delete"),
            &[],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.contains("Deals related to the funnel Resellers found"));
    assert_eq!(pipelines(&app).await.len(), 2);

    let empty = add_pipeline(&app, &admin, "Empty").await;
    let done = admin
        .submit(
            "/crm/pipelines",
            &format!("/crm/pipelines/{empty}/delete"),
            &[],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/crm/pipelines?done=deleted");
    assert!(pipelines(&app).await.iter().all(|p| p.0 != empty));
    assert_eq!(
        admin.get(&format!("/crm/pipelines/{empty}")).await.status,
        404
    );
}

#[tokio::test]
async fn administrators_add_rename_and_delete_stages() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let id = add_pipeline(&app, &admin, "Projects").await;
    let directory = format!("DEAL_STAGE_{id}");
    let page_path = format!("/crm/pipelines/{id}");
    let page = admin.get(&page_path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains("id=\"stages\"") && page.contains("id=\"add-stage\""));
    assert!(page.contains(&format!("C{id}:NEW")));

    let add = format!("/crm/pipelines/{id}/stages");
    let done = admin
        .submit(
            &page_path,
            &add,
            &[("name", "Signed"), ("sort", "250"), ("semantics", "S")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), format!("/crm/pipelines/{id}?done=added"));
    let signed = stage_named(&app, &directory, "Signed")
        .await
        .expect("added");
    assert_eq!(signed["SEMANTICS"], "S");
    assert_eq!(signed["SORT"], "250");
    let code = signed["STATUS_ID"].as_str().expect("code").to_owned();
    assert!(code.starts_with(&format!("C{id}:")), "{code}");
    let done = admin
        .submit(
            &page_path,
            &add,
            &[("name", "Review"), ("code", "REVIEW"), ("semantics", "")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let review = stage_named(&app, &directory, "Review")
        .await
        .expect("added");
    assert_eq!(review["STATUS_ID"], format!("C{id}:REVIEW"));
    assert!(review["SEMANTICS"].is_null());

    let stage_id = signed["ID"].as_str().expect("ID").to_owned();
    let done = admin
        .submit(
            &page_path,
            &format!("/crm/pipelines/{id}/stages/{stage_id}/update"),
            &[("name", "Contract signed"), ("sort", "260")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let renamed = stage_named(&app, &directory, "Contract signed")
        .await
        .expect("renamed");
    assert_eq!(
        (renamed["ID"].as_str(), renamed["SORT"].as_str()),
        (Some(stage_id.as_str()), Some("260"))
    );

    // A stage is changed only through its own pipeline's page.
    let elsewhere = admin
        .submit(
            &page_path,
            &format!("/crm/pipelines/0/stages/{stage_id}/delete"),
            &[],
        )
        .await;
    assert_eq!(elsewhere.status, 404);

    // A stage a deal is in is kept, and the page says why.
    let review_id = review["ID"].as_str().expect("ID").to_owned();
    app.ok(
        "crm.deal.add",
        json!({ "fields": { "TITLE": "D", "CATEGORY_ID": id, "STAGE_ID": format!("C{id}:REVIEW") } }),
    )
    .await;
    let refused = admin
        .submit(
            &page_path,
            &format!("/crm/pipelines/{id}/stages/{review_id}/delete"),
            &[],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.contains("There are active items in this status."));

    let done = admin
        .submit(
            &page_path,
            &format!("/crm/pipelines/{id}/stages/{stage_id}/delete"),
            &[],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(stage_named(&app, &directory, "Contract signed")
        .await
        .is_none());

    // The default pipeline's stages are DEAL_STAGE; an empty code is chosen.
    let done = admin
        .submit(
            "/crm/pipelines/0",
            "/crm/pipelines/0/stages",
            &[("name", "Extra"), ("semantics", "F")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let extra = stage_named(&app, "DEAL_STAGE", "Extra")
        .await
        .expect("added");
    assert_eq!(
        (extra["STATUS_ID"].as_str(), extra["SEMANTICS"].as_str()),
        (Some("UC_1"), Some("F"))
    );
}

#[tokio::test]
async fn administrators_add_rename_move_and_delete_departments() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let users = admin.get("/users").await;
    assert!(users.contains("href=\"/users/departments\""));
    let page = admin.get("/users/departments").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains("id=\"departments\"") && page.contains("id=\"add-department\""));

    let add = |name: &'static str, parent: &'static str| {
        let admin = &admin;
        async move {
            let done = admin
                .submit(
                    "/users/departments",
                    "/users/departments",
                    &[("name", name), ("parent", parent)],
                )
                .await;
            assert_eq!(done.status, 303, "{}", done.body);
            assert_eq!(done.location(), "/users/departments?done=added");
        }
    };
    add("Sales", "1").await;
    add("IT", "1").await;
    let id_of = |all: &[(String, String, String)], name: &str| {
        all.iter()
            .find(|d| d.1 == name)
            .map(|d| d.0.clone())
            .expect(name)
    };
    let all = departments(&app).await;
    let (sales, it) = (id_of(&all, "Sales"), id_of(&all, "IT"));
    let done = admin
        .submit(
            "/users/departments",
            "/users/departments",
            &[("name", "Field"), ("parent", &sales)],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let all = departments(&app).await;
    let field = id_of(&all, "Field");
    assert!(all.contains(&(field.clone(), "Field".to_owned(), sales.clone())));
    let page = admin.get("/users/departments").await;
    assert!(
        page.contains(&format!(
            "data-id=\"{field}\" data-parent=\"{sales}\" data-depth=\"2\""
        )),
        "{}",
        page.body
    );

    let update = format!("/users/departments/{field}/update");
    let done = admin
        .submit("/users/departments", &update, &[("name", "Field sales")])
        .await;
    assert_eq!(done.location(), "/users/departments?done=renamed");
    let done = admin
        .submit("/users/departments", &update, &[("parent", &it)])
        .await;
    assert_eq!(done.location(), "/users/departments?done=moved");
    assert!(departments(&app).await.contains(&(
        field.clone(),
        "Field sales".to_owned(),
        it.clone()
    )));

    // A department cannot move below itself; the page says so.
    let refused = admin
        .submit(
            "/users/departments",
            &format!("/users/departments/{it}/update"),
            &[("parent", &field)],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.contains("id=\"directory-error\"") && refused.contains("lies below this one"));

    let done = admin
        .submit(
            "/users/departments",
            &format!("/users/departments/{it}/delete"),
            &[],
        )
        .await;
    assert_eq!(done.location(), "/users/departments?done=deleted");
    let names: Vec<String> = departments(&app).await.into_iter().map(|d| d.1).collect();
    assert!(names.contains(&"Sales".to_owned()));
    assert!(!names.contains(&"IT".to_owned()) && !names.contains(&"Field sales".to_owned()));
}

#[tokio::test]
async fn administrators_set_a_departments_sort_and_head() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["department"], None).await;
    let bob_id = app.add_user("bob", false).await;
    let admin = app.sign_in_as(1).await;
    let page = admin.get("/users/departments").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains("class=\"inline settings\"") && page.contains("name=\"head\""));
    let bob = bob_id.to_string();
    let path = "/users/departments/1/update";
    let done = admin
        .submit(
            "/users/departments",
            path,
            &[("sort", "30"), ("head", &bob)],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/users/departments?done=settings");
    let dept = department_one(&app, &hook).await;
    assert_eq!(dept["SORT"], 30);
    assert_eq!(dept["UF_HEAD"], bob);
    assert_eq!(dept["NAME"].as_str().map(str::is_empty), Some(false));
    let shown = admin.get("/users/departments").await;
    assert!(
        shown.contains(&format!("<option value=\"{bob_id}\" selected>")),
        "{}",
        shown.body
    );
    assert!(shown.contains("value=\"30\""));

    // No head clears it; a sort that is not a number is refused; no token, no change.
    let cleared = admin
        .submit("/users/departments", path, &[("sort", "30"), ("head", "0")])
        .await;
    assert_eq!(cleared.status, 303, "{}", cleared.body);
    assert!(department_one(&app, &hook)
        .await
        .get("UF_HEAD")
        .is_none_or(|h| h.is_null() || h == ""));
    let bad = admin
        .submit(
            "/users/departments",
            path,
            &[("sort", "soon"), ("head", "0")],
        )
        .await;
    assert_eq!(bad.status, 400);
    let sneaky = admin
        .post_form(path, &[("sort", "99"), ("head", &bob)])
        .await;
    assert_eq!(sneaky.status, 403);
    assert_eq!(department_one(&app, &hook).await["SORT"], 30);

    let bob_ui = app.sign_in_as(bob_id).await;
    let token = bob_ui.get("/tasks").await.csrf();
    let refused = bob_ui
        .post_form(path, &[("csrf", &token), ("sort", "1"), ("head", &bob)])
        .await;
    assert_eq!(refused.status, 403);

    let switched = admin
        .submit(
            "/users/departments",
            "/settings/language",
            &[("lang", "pt-BR")],
        )
        .await;
    assert_eq!(switched.status, 303);
    let pt = admin.get("/users/departments").await;
    assert!(
        pt.contains("Ordem e chefe") && pt.contains("Sem chefe"),
        "{}",
        pt.body
    );
}

/// Department 1 as `department.get` answers it on `hook`.
async fn department_one(app: &TestApp, hook: &str) -> Value {
    let r = app.call_on(hook, "department.get", json!({"ID": 1})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["result"][0].clone()
}
