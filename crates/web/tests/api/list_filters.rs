//! List filters Bitrix24 accepts: OR / AND groups (nested, JSON and PHP form
//! encoding, in `crm.item.list`, counted in `total`, dropped by the legacy
//! `crm.lead.list` as Bitrix24 drops them,
//! AND-ed with the caller's rights, refused past five levels), text equality
//! and `%` in any case and any script, e-mails in any case, and the CRM
//! pages' search through an OR group.

use portico_store::{Level, Levels, NewRole};
use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};
use crate::ui_pages::row;

/// Adds a lead through the administrator's webhook; returns its id.
async fn lead(app: &TestApp, fields: Value) -> i64 {
    app.ok("crm.lead.add", json!({ "fields": fields }))
        .await
        .as_i64()
        .expect("an id")
}

/// Ids of a `crm.lead.list` answer (`result` rows) or a `crm.item.list` one.
fn ids(reply: &Value) -> Vec<i64> {
    let rows = match &reply["result"] {
        Value::Array(rows) => rows.clone(),
        other => other["items"].as_array().cloned().unwrap_or_default(),
    };
    rows.iter()
        .map(|r| {
            let id = if r.get("ID").is_some() {
                &r["ID"]
            } else {
                &r["id"]
            };
            id.as_i64()
                .or_else(|| id.as_str().and_then(|s| s.parse().ok()))
                .expect("an id")
        })
        .collect()
}

/// Four leads: (title, opportunity, status, name, e-mail).
async fn seed(app: &TestApp) -> [i64; 4] {
    let rows = [
        ("Alpha deal", 10, "NEW", "Ana", "Ana@Example.COM"),
        ("Beta", 500, "IN_PROCESS", "Bruno", "bruno@example.com"),
        ("Ёжик в тумане", 20, "JUNK", "Вера", "vera@example.com"),
        ("Água Fria", 700, "NEW", "Zé", "ze@example.com"),
    ];
    let mut out = [0; 4];
    for (i, (title, opportunity, status, name, email)) in rows.into_iter().enumerate() {
        out[i] = lead(
            app,
            json!({"TITLE": title, "OPPORTUNITY": opportunity, "STATUS_ID": status,
                   "NAME": name, "EMAIL": [{"VALUE": email, "VALUE_TYPE": "WORK"}]}),
        )
        .await;
    }
    out
}

#[tokio::test]
async fn or_groups_in_crm_item_list() {
    let app = TestApp::start().await;
    let [alpha, beta, hedgehog, agua] = seed(&app).await;
    let list = |filter: Value| {
        app.ok(
            "crm.item.list",
            json!({"entityTypeId": 1, "select": ["id"], "order": {"id": "ASC"}, "filter": filter}),
        )
    };
    let page = app
        .call(
            "crm.item.list",
            json!({"entityTypeId": 1, "select": ["id"],
                   "filter": {"0": {"logic": "OR", "0": {">opportunity": 600}, "1": {"stageId": "JUNK"}}}}),
        )
        .await
        .json();
    assert_eq!(ids(&page), [hedgehog, agua]);
    assert_eq!(page["total"], 2, "total counts the OR filter");

    // Nested: (NEW and (opportunity < 15 or title = "água fria")) or stage IN_PROCESS,
    // AND-ed with a top-level condition; a list as a group; any case of "logic".
    let nested = json!({
        ">id": 0,
        "0": {"LOGIC": "or",
              "0": {"stageId": "NEW", "0": {"logic": "OR", "<opportunity": 15, "title": "água fria"}},
              "1": [{"stageId": "IN_PROCESS"}]}
    });
    assert_eq!(
        ids(&json!({ "result": list(nested).await })),
        [alpha, beta, agua]
    );

    // PHP form encoding, as SDKs send a GET.
    let r = app
        .get(&format!(
            "{}crm.item.list.json?entityTypeId=1&select[]=id&filter[0][logic]=OR\
             &filter[0][0][%3Eopportunity]=600&filter[0][1][stageId]=IN_PROCESS",
            app.hook
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(ids(&r.json()), [beta, agua]);
    assert_eq!(r.json()["total"], 2);

    // Unknown fields inside a group are refused as at the top level.
    assert_error(
        &app.call(
            "crm.item.list",
            json!({"entityTypeId": 1, "filter": {"0": {"logic": "OR", "0": {"nope": 1}, "title": "a"}}}),
        )
        .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: field 'nope' is not allowed in filter",
    );
    assert_error(
        &app.call(
            "crm.item.list",
            json!({"entityTypeId": 1, "filter": {"0": {"logic": "XOR", "title": "a"}}}),
        )
        .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: unknown logic 'XOR'; allowed are AND, OR",
    );
    // Five levels are fine, six are refused.
    let nest = |levels: usize| {
        let mut f = json!({"title": "Beta"});
        for _ in 0..levels {
            f = json!({"logic": "OR", "0": f});
        }
        json!({"entityTypeId": 1, "select": ["id"], "filter": f})
    };
    let five = app.ok("crm.item.list", nest(5)).await;
    assert_eq!(ids(&json!({ "result": five })), [beta]);
    assert_error(
        &app.call("crm.item.list", nest(6)).await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: groups nest more than 5 levels deep",
    );
}

/// Bitrix24's legacy lists keep only field keys of a filter: a group is
/// dropped (the answer is not narrowed by it), as an integration will meet on
/// Bitrix24 itself. In `crm.item.list` a group cannot widen the caller's rights.
#[tokio::test]
async fn legacy_lists_drop_groups_and_groups_never_widen_rights() {
    let app = TestApp::start().await;
    let [alpha, beta, hedgehog, agua] = seed(&app).await;
    let or = json!({"0": {"LOGIC": "OR", ">OPPORTUNITY": 600, "STATUS_ID": "JUNK"}, ">ID": 0});
    let page = app
        .call("crm.lead.list", json!({"filter": or, "select": ["ID"]}))
        .await
        .json();
    assert_eq!(ids(&page), [alpha, beta, hedgehog, agua]);
    assert_eq!(page["total"], 4);
    let r = app
        .get(&format!(
            "{}crm.lead.list.json?select[]=ID&filter[0][LOGIC]=OR\
             &filter[0][0][%3COPPORTUNITY]=15&filter[0][1][STATUS_ID]=IN_PROCESS\
             &filter[STATUS_ID]=NEW",
            app.hook
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(ids(&r.json()), [alpha, agua], "only the field key filtered");

    // A user who reads only their own leads: an OR group cannot widen that.
    let role = app
        .store
        .insert_role(NewRole {
            name: "Own".into(),
            levels: Levels::uniform(Level::Own),
        })
        .await
        .expect("role");
    let bob = app.add_user("bob", false).await;
    assert!(app.store.set_user_role(bob, Some(role)).await.expect("set"));
    let bobs = app
        .ok(
            "crm.lead.add",
            json!({"fields": {"TITLE": "Bob's", "OPPORTUNITY": 1, "ASSIGNED_BY_ID": bob}}),
        )
        .await
        .as_i64()
        .expect("id");
    let hook = app.webhook(bob, &["crm"], None).await;
    let wide = json!({"entityTypeId": 1, "select": ["id"],
                      "filter": {"0": {"logic": "OR", ">opportunity": 0, "id": alpha}}});
    let page = app.call_on(&hook, "crm.item.list", wide).await.json();
    assert_eq!(ids(&page), [bobs]);
    assert_eq!(page["total"], 1);
}

#[tokio::test]
async fn text_compares_in_any_case_and_script() {
    let app = TestApp::start().await;
    let [alpha, _, hedgehog, agua] = seed(&app).await;
    let app = &app;
    let find = |filter: Value| async move {
        let page = app
            .call("crm.lead.list", json!({"filter": filter, "select": ["ID"]}))
            .await
            .json();
        (ids(&page), page["total"].clone())
    };
    assert_eq!(
        find(json!({"TITLE": "alpha DEAL"})).await,
        (vec![alpha], json!(1))
    );
    assert_eq!(find(json!({"=TITLE": "ЁЖИК В ТУМАНЕ"})).await.0, [hedgehog]);
    assert_eq!(find(json!({"%TITLE": "ТУМАН"})).await.0, [hedgehog]);
    assert_eq!(find(json!({"%TITLE": "ÁGUA"})).await.0, [agua]);
    assert_eq!(find(json!({"=%TITLE": "água%"})).await.0, [agua]);
    assert_eq!(
        find(json!({"@NAME": ["вера", "ZÉ"]})).await.0,
        [hedgehog, agua]
    );
    assert_eq!(find(json!({"!%TITLE": "A"})).await.0, [hedgehog]);
    assert_eq!(find(json!({"EMAIL": "ana@example.com"})).await.0, [alpha]);
    assert_eq!(find(json!({"EMAIL": "ZE@EXAMPLE.COM"})).await.0, [agua]);
    // Status codes keep their exact comparison.
    assert_eq!(
        find(json!({"STATUS_ID": "junk"})).await.0,
        Vec::<i64>::new()
    );
    // The universal API too.
    let page = app
        .ok(
            "crm.item.list",
            json!({"entityTypeId": 1, "select": ["id"], "filter": {"title": "ÁGUA FRIA"}}),
        )
        .await;
    assert_eq!(ids(&json!({ "result": page })), [agua]);
}

#[tokio::test]
async fn crm_search_matches_name_last_name_or_company() {
    let app = TestApp::start().await;
    let by_title = lead(&app, json!({"TITLE": "Website order"})).await;
    let by_name = lead(&app, json!({"TITLE": "x", "NAME": "Marta"})).await;
    let by_last = lead(&app, json!({"TITLE": "y", "LAST_NAME": "MARTINEZ"})).await;
    let by_company = lead(&app, json!({"TITLE": "z", "COMPANY_TITLE": "Martech Ltd"})).await;
    let other = lead(&app, json!({"TITLE": "Other", "NAME": "Paulo"})).await;
    let contact = app
        .ok(
            "crm.contact.add",
            json!({"fields": {"NAME": "Ольга", "LAST_NAME": "Мартынова"}}),
        )
        .await
        .as_i64()
        .expect("id");
    let admin = app.sign_in_as(1).await;

    let page = admin.get("/crm/leads?q=mart").await;
    assert_eq!(page.status, 200, "{}", page.body);
    for id in [by_name, by_last, by_company] {
        assert!(page.contains(&row(id)), "lead {id} found: {}", page.body);
    }
    assert!(!page.contains(&row(other)) && !page.contains(&row(by_title)));
    assert!(admin
        .get("/crm/leads?q=WEBSITE")
        .await
        .contains(&row(by_title)));

    let contacts = admin.get("/crm/contacts?q=%D0%9C%D0%90%D0%A0%D0%A2").await;
    assert!(contacts.contains(&row(contact)), "{}", contacts.body);
    let full = admin
        .get("/crm/contacts?q=%D0%BE%D0%BB%D1%8C%D0%B3%D0%B0+%D0%BC%D0%B0%D1%80")
        .await;
    assert!(full.contains(&row(contact)), "{}", full.body);
}
