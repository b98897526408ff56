//! CRM rights over real HTTP: a user whose role gives "own" (the seeded role 2,
//! "Own records") cannot read, list, update or delete another user's leads,
//! deals, contacts and companies through their webhook — not through `batch`,
//! not by filtering on `ID`, not through the link methods or link-list fields —
//! nor give their own record to someone else, while they can do all that on
//! their own records; "Read only" (role 3) reads but does not write; "none"
//! answers `Access denied.` even to lists; administrators see everything
//! whatever their role. Denials are the legacy `400 {"error":"",
//! "error_description":"Access denied."}`.

use portico_store::{Action, Level, Levels, NewRole};
use serde_json::{json, Value};

use crate::common::{assert_error, Reply, TestApp};

/// The four legacy entities and a text field each can be given.
const ENTITIES: [(&str, &str); 4] = [
    ("lead", "TITLE"),
    ("deal", "TITLE"),
    ("contact", "NAME"),
    ("company", "TITLE"),
];

/// The seeded roles.
const OWN_RECORDS: i64 = 2;
const READ_ONLY: i64 = 3;

fn assert_denied(r: &Reply) {
    assert_error(r, 400, "", "Access denied.");
}

/// A user with a role and a `crm` webhook; returns (user id, webhook).
async fn user_with_role(app: &TestApp, login: &str, admin: bool, role: i64) -> (i64, String) {
    let id = app.add_user(login, admin).await;
    assert!(app
        .store
        .set_user_role(id, Some(role))
        .await
        .expect("set role"));
    let hook = app.webhook(id, &["crm", "user"], None).await;
    (id, hook)
}

/// Calls through `hook`, expecting success; returns `result`.
async fn ok_on(app: &TestApp, hook: &str, method: &str, body: Value) -> Value {
    let r = app.call_on(hook, method, body).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()["result"].clone()
}

/// Adds a record through `hook` and returns its id.
async fn add_on(app: &TestApp, hook: &str, entity: &str, fields: Value) -> i64 {
    ok_on(
        app,
        hook,
        &format!("crm.{entity}.add"),
        json!({ "fields": fields }),
    )
    .await
    .as_i64()
    .expect("an id")
}

/// The ids of a list result.
fn ids(result: &Value) -> Vec<i64> {
    result
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| r["ID"].as_str().expect("ID").parse().expect("numeric ID"))
        .collect()
}

#[tokio::test]
async fn own_user_cannot_touch_other_users_records() {
    let app = TestApp::start().await;
    let (alice, alice_hook) = user_with_role(&app, "alice", false, OWN_RECORDS).await;
    let bob = app.add_user("bob", false).await;
    for (entity, field) in ENTITIES {
        // Bob's record (made by the administrator), Alice's own record.
        let theirs = add_on(
            &app,
            &app.hook,
            entity,
            json!({field: "theirs", "ASSIGNED_BY_ID": bob}),
        )
        .await;
        let mine = add_on(&app, &alice_hook, entity, json!({field: "mine"})).await;
        let call = |method: &str, body: Value| {
            let method = format!("crm.{entity}.{method}");
            let hook = alice_hook.clone();
            let app = &app;
            async move { app.call_on(&hook, &method, body).await }
        };

        // get / update / delete of Bob's record: denied, not "not found".
        assert_denied(&call("get", json!({"id": theirs})).await);
        assert_denied(
            &call(
                "update",
                json!({"id": theirs, "fields": {field: "changed"}}),
            )
            .await,
        );
        assert_denied(&call("delete", json!({"id": theirs})).await);
        // An id that does not exist is denied too (ids cannot be probed).
        assert_denied(&call("get", json!({"id": 999_999})).await);
        assert_denied(&call("delete", json!({"id": 999_999})).await);

        // list shows only her records, whatever the filter on ID says.
        let r = ok_on(&app, &alice_hook, &format!("crm.{entity}.list"), json!({})).await;
        assert_eq!(ids(&r), vec![mine], "{entity}");
        for filter in [
            json!({"ID": theirs}),
            json!({"=ID": theirs}),
            json!({">=ID": 1}),
            json!({"@ID": [theirs, mine]}),
            json!({"ASSIGNED_BY_ID": bob}),
            json!({"!ASSIGNED_BY_ID": alice}),
        ] {
            let r = app
                .call_on(
                    &alice_hook,
                    &format!("crm.{entity}.list"),
                    json!({"filter": filter, "select": ["ID"]}),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            let body = r.json();
            let expected = if filter.get("ASSIGNED_BY_ID").is_some()
                || filter.get("!ASSIGNED_BY_ID").is_some()
                || filter.get("ID").is_some()
                || filter.get("=ID").is_some()
            {
                Vec::<i64>::new()
            } else {
                vec![mine]
            };
            assert_eq!(ids(&body["result"]), expected, "{entity} {filter}");
            assert_eq!(body["total"], json!(expected.len()), "{entity} {filter}");
        }
        // The same filter through GET, as CRest builds it.
        let r = app
            .get(&format!(
                "{alice_hook}crm.{entity}.list.json?filter[ID]={theirs}"
            ))
            .await;
        assert_eq!(r.json()["result"], json!([]), "{}", r.text);

        // Bob's record is untouched.
        let admin_view = app
            .ok(&format!("crm.{entity}.get"), json!({"id": theirs}))
            .await;
        assert_eq!(admin_view[field], "theirs");

        // Her own record: everything works.
        let got = ok_on(
            &app,
            &alice_hook,
            &format!("crm.{entity}.get"),
            json!({"id": mine}),
        )
        .await;
        assert_eq!(got[field], "mine");
        assert_eq!(got["ASSIGNED_BY_ID"], json!(alice.to_string()));
        let r = ok_on(
            &app,
            &alice_hook,
            &format!("crm.{entity}.update"),
            json!({"id": mine, "fields": {field: "mine 2"}}),
        )
        .await;
        assert_eq!(r, json!(true));
        let r = ok_on(
            &app,
            &alice_hook,
            &format!("crm.{entity}.delete"),
            json!({"id": mine}),
        )
        .await;
        assert_eq!(r, json!(true));
        // Gone: for her a missing id is denied; the administrator sees "not found".
        assert_denied(&call("get", json!({"id": mine})).await);
        let r = app
            .call(&format!("crm.{entity}.get"), json!({"id": mine}))
            .await;
        assert_eq!(r.status, 400);
        assert!(
            r.json()["error_description"]
                .as_str()
                .unwrap()
                .contains("not found")
                || r.json()["error_description"] == "Not found",
            "{}",
            r.text
        );
    }
}

#[tokio::test]
async fn own_user_is_limited_inside_batch() {
    let app = TestApp::start().await;
    let (alice, alice_hook) = user_with_role(&app, "alice", false, OWN_RECORDS).await;
    let bob = app.add_user("bob", false).await;
    let theirs = add_on(
        &app,
        &app.hook,
        "lead",
        json!({"TITLE": "theirs", "ASSIGNED_BY_ID": bob}),
    )
    .await;
    let theirs_deal = add_on(
        &app,
        &app.hook,
        "deal",
        json!({"TITLE": "theirs", "ASSIGNED_BY_ID": bob}),
    )
    .await;
    let mine = add_on(&app, &alice_hook, "lead", json!({"TITLE": "mine"})).await;
    let out = ok_on(
        &app,
        &alice_hook,
        "batch",
        json!({"halt": 0, "cmd": {
            "get": format!("crm.lead.get?id={theirs}"),
            "list": format!("crm.lead.list?filter[ID]={theirs}&select[]=ID"),
            "all": "crm.lead.list?select[]=ID",
            "update": format!("crm.lead.update?id={theirs}&fields[TITLE]=x"),
            "steal": format!("crm.lead.update?id={mine}&fields[ASSIGNED_BY_ID]={bob}"),
            "delete": format!("crm.lead.delete?id={theirs}"),
            "deal": format!("crm.deal.get?id={theirs_deal}"),
            "deals": "crm.deal.list?select[]=ID",
            "mine": format!("crm.lead.get?id={mine}")
        }}),
    )
    .await;
    let denied = json!({"error": "", "error_description": "Access denied."});
    assert_eq!(
        out["result_error"],
        json!({
            "get": denied,
            "update": denied,
            "steal": denied,
            "delete": denied,
            "deal": denied
        }),
        "{out}"
    );
    assert_eq!(out["result"]["list"], json!([]));
    assert_eq!(out["result"]["all"], json!([{"ID": mine.to_string()}]));
    assert_eq!(out["result"]["deals"], json!([]));
    assert_eq!(out["result"]["mine"]["TITLE"], "mine");
    assert_eq!(out["result_total"]["list"], json!(0));
    // Nothing changed.
    let lead = app.ok("crm.lead.get", json!({"id": theirs})).await;
    assert_eq!(lead["TITLE"], "theirs");
    let lead = app.ok("crm.lead.get", json!({"id": mine})).await;
    assert_eq!(lead["ASSIGNED_BY_ID"], json!(alice.to_string()));
}

#[tokio::test]
async fn own_user_cannot_give_records_away() {
    let app = TestApp::start().await;
    let (alice, alice_hook) = user_with_role(&app, "alice", false, OWN_RECORDS).await;
    let bob = app.add_user("bob", false).await;
    for (entity, field) in ENTITIES {
        let mine = add_on(&app, &alice_hook, entity, json!({field: "mine"})).await;
        let update = format!("crm.{entity}.update");
        for to in [json!(bob), json!(bob.to_string()), json!(""), Value::Null] {
            let r = app
                .call_on(
                    &alice_hook,
                    &update,
                    json!({"id": mine, "fields": {"ASSIGNED_BY_ID": to}}),
                )
                .await;
            assert_denied(&r);
        }
        let got = app
            .ok(&format!("crm.{entity}.get"), json!({"id": mine}))
            .await;
        assert_eq!(got["ASSIGNED_BY_ID"], json!(alice.to_string()), "{entity}");
        // Naming herself is fine.
        let r = ok_on(
            &app,
            &alice_hook,
            &update,
            json!({"id": mine, "fields": {"ASSIGNED_BY_ID": alice, field: "still mine"}}),
        )
        .await;
        assert_eq!(r, json!(true));
    }

    // With "own" for add, a new record must be hers: another user's id is
    // refused, none given makes it hers.
    let own_add = app
        .store
        .insert_role(NewRole {
            name: "Own adds".into(),
            levels: Levels::uniform(Level::Own),
        })
        .await
        .expect("role");
    let (carol, carol_hook) = user_with_role(&app, "carol", false, own_add).await;
    for (entity, field) in ENTITIES {
        let r = app
            .call_on(
                &carol_hook,
                &format!("crm.{entity}.add"),
                json!({"fields": {field: "x", "ASSIGNED_BY_ID": bob}}),
            )
            .await;
        assert_denied(&r);
        let id = add_on(&app, &carol_hook, entity, json!({field: "y"})).await;
        let got = app
            .ok(&format!("crm.{entity}.get"), json!({"id": id}))
            .await;
        assert_eq!(got["ASSIGNED_BY_ID"], json!(carol.to_string()));
        let id = add_on(
            &app,
            &carol_hook,
            entity,
            json!({field: "z", "ASSIGNED_BY_ID": carol}),
        )
        .await;
        assert!(id > 0);
    }
    // Role 2 has "all" for add: Alice may create a lead for Bob (then not see it).
    let for_bob = add_on(
        &app,
        &alice_hook,
        "lead",
        json!({"TITLE": "for Bob", "ASSIGNED_BY_ID": bob}),
    )
    .await;
    assert_denied(
        &app.call_on(&alice_hook, "crm.lead.get", json!({"id": for_bob}))
            .await,
    );
}

#[tokio::test]
async fn own_user_and_the_link_methods() {
    let app = TestApp::start().await;
    let (_alice, alice_hook) = user_with_role(&app, "alice", false, OWN_RECORDS).await;
    let bob = app.add_user("bob", false).await;
    let theirs = |entity: &'static str, field: &'static str| {
        let app = &app;
        async move {
            add_on(
                app,
                &app.hook,
                entity,
                json!({field: "theirs", "ASSIGNED_BY_ID": bob}),
            )
            .await
        }
    };
    let deal_theirs = theirs("deal", "TITLE").await;
    let contact_theirs = theirs("contact", "NAME").await;
    let company_theirs = theirs("company", "TITLE").await;
    let lead_theirs = theirs("lead", "TITLE").await;
    let deal_mine = add_on(&app, &alice_hook, "deal", json!({"TITLE": "mine"})).await;
    let contact_mine = add_on(&app, &alice_hook, "contact", json!({"NAME": "mine"})).await;
    let company_mine = add_on(&app, &alice_hook, "company", json!({"TITLE": "mine"})).await;
    app.ok(
        "crm.deal.contact.items.set",
        json!({"id": deal_theirs, "items": [{"CONTACT_ID": contact_theirs}]}),
    )
    .await;
    let call = |method: &str, body: Value| {
        let (app, hook, method) = (&app, alice_hook.clone(), method.to_string());
        async move { app.call_on(&hook, &method, body).await }
    };

    // Another user's owner: no reading, no changing its links.
    assert_denied(&call("crm.deal.contact.items.get", json!({"id": deal_theirs})).await);
    assert_denied(&call("crm.lead.contact.items.get", json!({"id": lead_theirs})).await);
    assert_denied(
        &call(
            "crm.contact.company.items.get",
            json!({"id": contact_theirs}),
        )
        .await,
    );
    assert_denied(
        &call(
            "crm.company.contact.items.get",
            json!({"id": company_theirs}),
        )
        .await,
    );
    assert_denied(
        &call(
            "crm.deal.contact.items.set",
            json!({"id": deal_theirs, "items": [{"CONTACT_ID": contact_mine}]}),
        )
        .await,
    );
    assert_denied(&call("crm.deal.contact.items.delete", json!({"id": deal_theirs})).await);
    assert_denied(
        &call(
            "crm.deal.contact.add",
            json!({"id": deal_theirs, "fields": {"CONTACT_ID": contact_mine}}),
        )
        .await,
    );
    assert_denied(
        &call(
            "crm.deal.contact.delete",
            json!({"id": deal_theirs, "fields": {"CONTACT_ID": contact_theirs}}),
        )
        .await,
    );
    assert_denied(
        &call(
            "crm.company.contact.add",
            json!({"id": company_theirs, "fields": {"CONTACT_ID": contact_mine}}),
        )
        .await,
    );
    // Her own owner, another user's target: no linking what she may not see.
    assert_denied(
        &call(
            "crm.deal.contact.add",
            json!({"id": deal_mine, "fields": {"CONTACT_ID": contact_theirs}}),
        )
        .await,
    );
    assert_denied(
        &call(
            "crm.deal.contact.items.set",
            json!({"id": deal_mine, "items": [{"CONTACT_ID": contact_mine}, {"CONTACT_ID": contact_theirs}]}),
        )
        .await,
    );
    assert_denied(
        &call(
            "crm.contact.company.add",
            json!({"id": contact_mine, "fields": {"COMPANY_ID": company_theirs}}),
        )
        .await,
    );
    // … nor through the link-list fields of add and update.
    assert_denied(
        &call(
            "crm.deal.add",
            json!({"fields": {"TITLE": "x", "CONTACT_IDS": [contact_theirs]}}),
        )
        .await,
    );
    assert_denied(
        &call(
            "crm.deal.update",
            json!({"id": deal_mine, "fields": {"CONTACT_IDS": [contact_theirs]}}),
        )
        .await,
    );
    assert_denied(
        &call(
            "crm.contact.update",
            json!({"id": contact_mine, "fields": {"COMPANY_IDS": [company_theirs]}}),
        )
        .await,
    );
    // Nothing changed.
    assert_eq!(
        app.ok("crm.deal.contact.items.get", json!({"id": deal_theirs}))
            .await,
        json!([{"CONTACT_ID": contact_theirs, "SORT": 10, "ROLE_ID": 0, "IS_PRIMARY": "Y"}])
    );
    assert_eq!(
        app.ok("crm.deal.contact.items.get", json!({"id": deal_mine}))
            .await,
        json!([])
    );

    // Her own records on both sides: all link methods work.
    let r = call(
        "crm.deal.contact.add",
        json!({"id": deal_mine, "fields": {"CONTACT_ID": contact_mine}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = call("crm.deal.contact.items.get", json!({"id": deal_mine})).await;
    assert_eq!(
        r.json()["result"],
        json!([{"CONTACT_ID": contact_mine, "SORT": 10, "ROLE_ID": 0, "IS_PRIMARY": "Y"}])
    );
    let r = call(
        "crm.contact.update",
        json!({"id": contact_mine, "fields": {"COMPANY_IDS": [company_mine]}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = call("crm.company.contact.items.get", json!({"id": company_mine})).await;
    assert_eq!(r.json()["result"][0]["CONTACT_ID"], json!(contact_mine));
    let r = call("crm.deal.contact.items.delete", json!({"id": deal_mine})).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn read_only_reads_everything_and_writes_nothing() {
    let app = TestApp::start().await;
    let (_reader, hook) = user_with_role(&app, "reader", false, READ_ONLY).await;
    let bob = app.add_user("bob", false).await;
    for (entity, field) in ENTITIES {
        let id = add_on(
            &app,
            &app.hook,
            entity,
            json!({field: "theirs", "ASSIGNED_BY_ID": bob}),
        )
        .await;
        let m = |name: &str| format!("crm.{entity}.{name}");
        let got = ok_on(&app, &hook, &m("get"), json!({"id": id})).await;
        assert_eq!(got[field], "theirs");
        let list = ok_on(&app, &hook, &m("list"), json!({"filter": {"ID": id}})).await;
        assert_eq!(ids(&list), vec![id]);
        // A missing id under "all" is the ordinary not-found error.
        let r = app.call_on(&hook, &m("get"), json!({"id": 999_999})).await;
        assert_eq!(r.status, 400);
        assert_ne!(r.json()["error_description"], "Access denied.");

        assert_denied(
            &app.call_on(&hook, &m("add"), json!({"fields": {field: "new"}}))
                .await,
        );
        assert_denied(
            &app.call_on(
                &hook,
                &m("update"),
                json!({"id": id, "fields": {field: "changed"}}),
            )
            .await,
        );
        assert_denied(&app.call_on(&hook, &m("delete"), json!({"id": id})).await);
        let r = app.call_on(&hook, &m("fields"), json!({})).await;
        assert_eq!(r.status, 200, "fields are not records");
    }
    let deal = add_on(&app, &app.hook, "deal", json!({"TITLE": "d"})).await;
    let contact = add_on(&app, &app.hook, "contact", json!({"NAME": "c"})).await;
    assert_eq!(
        ok_on(
            &app,
            &hook,
            "crm.deal.contact.items.get",
            json!({"id": deal})
        )
        .await,
        json!([])
    );
    assert_denied(
        &app.call_on(
            &hook,
            "crm.deal.contact.add",
            json!({"id": deal, "fields": {"CONTACT_ID": contact}}),
        )
        .await,
    );
    // Directories: readable with read access; writes stay admin-only.
    let statuses = ok_on(
        &app,
        &hook,
        "crm.status.list",
        json!({"filter": {"ENTITY_ID": "STATUS"}}),
    )
    .await;
    assert!(!statuses.as_array().unwrap().is_empty());
    let r = app
        .call_on(
            &hook,
            "crm.status.add",
            json!({"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "X", "NAME": "X"}}),
        )
        .await;
    assert_error(&r, 403, "ACCESS_DENIED", "Access denied.");
}

#[tokio::test]
async fn level_none_denies_even_lists() {
    let app = TestApp::start().await;
    let nothing = app
        .store
        .insert_role(NewRole {
            name: "Nothing".into(),
            levels: Levels::default(),
        })
        .await
        .expect("role");
    let (_u, hook) = user_with_role(&app, "nobody", false, nothing).await;
    let lead = add_on(&app, &app.hook, "lead", json!({"TITLE": "l"})).await;
    for (entity, field) in ENTITIES {
        let m = |name: &str| format!("crm.{entity}.{name}");
        assert_denied(&app.call_on(&hook, &m("list"), json!({})).await);
        assert_denied(&app.call_on(&hook, &m("get"), json!({"id": lead})).await);
        assert_denied(
            &app.call_on(&hook, &m("add"), json!({"fields": {field: "x"}}))
                .await,
        );
        assert_denied(
            &app.call_on(
                &hook,
                &m("update"),
                json!({"id": lead, "fields": {field: "x"}}),
            )
            .await,
        );
        assert_denied(&app.call_on(&hook, &m("delete"), json!({"id": lead})).await);
    }
    for method in [
        "crm.status.list",
        "crm.status.get",
        "crm.status.entity.items",
    ] {
        let r = app
            .call_on(&hook, method, json!({"id": 1, "entityId": "STATUS"}))
            .await;
        assert_denied(&r);
    }
    // In batch too.
    let out = ok_on(
        &app,
        &hook,
        "batch",
        json!({"cmd": {"l": "crm.lead.list", "d": "crm.deal.list?start=-1"}}),
    )
    .await;
    assert_eq!(
        out["result_error"],
        json!({"l": {"error": "", "error_description": "Access denied."},
               "d": {"error": "", "error_description": "Access denied."}})
    );

    // Read on one entity only: that list works, the others do not, and the
    // directories are readable.
    assert!(app
        .store
        .set_role_level(nothing, "DEAL", Action::Read, Level::All)
        .await
        .expect("set level"));
    assert_denied(&app.call_on(&hook, "crm.lead.list", json!({})).await);
    let r = ok_on(&app, &hook, "crm.deal.list", json!({})).await;
    assert_eq!(r, json!([]));
    let r = app
        .call_on(
            &hook,
            "crm.status.list",
            json!({"filter": {"ENTITY_ID": "SOURCE"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn administrators_see_everything_whatever_their_role() {
    let app = TestApp::start().await;
    let (_alice, alice_hook) = user_with_role(&app, "alice", false, OWN_RECORDS).await;
    // An administrator whose role is "Read only" still has all rights.
    let (_boss, boss_hook) = user_with_role(&app, "boss", true, READ_ONLY).await;
    let bob = app.add_user("bob", false).await;
    for (entity, field) in ENTITIES {
        let hers = add_on(&app, &alice_hook, entity, json!({field: "hers"})).await;
        let bobs = add_on(
            &app,
            &boss_hook,
            entity,
            json!({field: "bob's", "ASSIGNED_BY_ID": bob}),
        )
        .await;
        let m = |name: &str| format!("crm.{entity}.{name}");
        for hook in [&app.hook, &boss_hook] {
            let list = ok_on(&app, hook, &m("list"), json!({"order": {"ID": "ASC"}})).await;
            let seen = ids(&list);
            assert!(seen.contains(&hers) && seen.contains(&bobs), "{entity}");
        }
        ok_on(
            &app,
            &boss_hook,
            &m("update"),
            json!({"id": hers, "fields": {"ASSIGNED_BY_ID": bob}}),
        )
        .await;
        // Now Bob's: Alice lost it.
        assert_denied(
            &app.call_on(&alice_hook, &m("get"), json!({"id": hers}))
                .await,
        );
        ok_on(&app, &boss_hook, &m("delete"), json!({"id": bobs})).await;
    }
}

#[tokio::test]
async fn a_changed_role_applies_to_the_next_request() {
    let app = TestApp::start().await;
    let (alice, alice_hook) = user_with_role(&app, "alice", false, OWN_RECORDS).await;
    let bob = app.add_user("bob", false).await;
    let theirs = add_on(
        &app,
        &app.hook,
        "lead",
        json!({"TITLE": "theirs", "ASSIGNED_BY_ID": bob}),
    )
    .await;
    assert_denied(
        &app.call_on(&alice_hook, "crm.lead.get", json!({"id": theirs}))
            .await,
    );
    // Back to the default role ("Full access").
    assert!(app.store.set_user_role(alice, None).await.expect("clear"));
    let got = ok_on(&app, &alice_hook, "crm.lead.get", json!({"id": theirs})).await;
    assert_eq!(got["TITLE"], "theirs");
    // Users without a role have the default one.
    let (_dan, dan_hook) = {
        let id = app.add_user("dan", false).await;
        (id, app.webhook(id, &["crm"], None).await)
    };
    let got = ok_on(&app, &dan_hook, "crm.lead.get", json!({"id": theirs})).await;
    assert_eq!(got["TITLE"], "theirs");
}
