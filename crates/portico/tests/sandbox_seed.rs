//! `portico sandbox --seed`: demo records of the sizes asked for, linked to
//! each other and the same in two sandboxes seeded alike; a JSON fixture whose
//! entries refer to each other by key; fixtures refused with the entry and
//! field at fault, before serving; folders that were seeded before.

mod common;

use std::collections::HashSet;

use serde_json::{json, Value};

use common::sandbox::{refused, sandbox, Sandbox};

/// Calls `method` with a JSON body through the sandbox's webhook: its answer.
async fn rest(sandbox: &Sandbox, method: &str, params: Value) -> Value {
    sandbox.rest(method, params).await.1
}

/// Every row of a classic list method (pages of 50, ordered by id).
async fn all_rows(sandbox: &Sandbox, method: &str, params: Value) -> Vec<Value> {
    let mut rows = Vec::new();
    loop {
        let mut page_params = params.clone();
        page_params["start"] = json!(rows.len());
        page_params["order"] = json!({"ID": "ASC"});
        let page = rest(sandbox, method, page_params).await;
        let result = &page["result"];
        let items = result
            .get("tasks")
            .unwrap_or(result)
            .as_array()
            .unwrap_or_else(|| panic!("{method}: {page}"))
            .clone();
        let done = items.len() < 50;
        rows.extend(items);
        if done {
            return rows;
        }
    }
}

/// The `ID` (or task `id`) of each row, as numbers.
fn ids(rows: &[Value]) -> HashSet<i64> {
    rows.iter()
        .map(|r| {
            let id = r.get("ID").or_else(|| r.get("id")).expect("id");
            id.as_str().expect("string id").parse().expect("number")
        })
        .collect()
}

fn id_of(v: &Value) -> i64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v.as_i64())
        .unwrap_or_else(|| panic!("an id: {v}"))
}

#[tokio::test]
async fn a_demo_seed_makes_linked_records_of_the_sizes_asked_for() {
    let sizes = "departments=3,users=5,companies=4,contacts=12,leads=7,deals=9,tasks=8";
    let s = sandbox(&["--seed", "demo", "--seed-size", sizes], &[]);
    assert_eq!(
        s.printed["seeded"],
        json!({"departments": 3, "users": 5, "companies": 4, "contacts": 12,
               "leads": 7, "deals": 9, "tasks": 8}),
        "{}",
        s.printed
    );
    assert!(
        s.before.iter().any(|l| l
            == "Sandbox seeded: 3 departments, 5 users, 4 companies, 12 contacts, 7 leads, 9 deals, 8 tasks"),
        "{:?}",
        s.before
    );
    for (method, total) in [
        ("crm.lead.list", 7),
        ("crm.deal.list", 9),
        ("crm.contact.list", 12),
        ("crm.company.list", 4),
        ("tasks.task.list", 8),
        ("user.get", 6),
        ("department.get", 4),
    ] {
        let answer = rest(&s, method, json!({})).await;
        assert_eq!(answer["total"], json!(total), "{method}: {answer}");
    }

    let users = ids(&all_rows(&s, "user.get", json!({})).await);
    let departments = ids(&all_rows(&s, "department.get", json!({})).await);
    let companies = ids(&all_rows(&s, "crm.company.list", json!({})).await);
    let contacts = all_rows(&s, "crm.contact.list", json!({})).await;
    let contact_ids = ids(&contacts);
    for user in all_rows(&s, "user.get", json!({})).await {
        for d in user["UF_DEPARTMENT"].as_array().expect("departments") {
            assert!(departments.contains(&id_of(d)), "{user}");
        }
    }
    // Contacts work at seeded companies; deals are on them, and on their contacts.
    assert!(contacts.iter().any(|c| !c["COMPANY_ID"].is_null()));
    for c in &contacts {
        if !c["COMPANY_ID"].is_null() {
            assert!(companies.contains(&id_of(&c["COMPANY_ID"])), "{c}");
        }
        assert!(users.contains(&id_of(&c["ASSIGNED_BY_ID"])), "{c}");
    }
    let deals = all_rows(&s, "crm.deal.list", json!({})).await;
    for deal in &deals {
        assert!(companies.contains(&id_of(&deal["COMPANY_ID"])), "{deal}");
        assert!(users.contains(&id_of(&deal["ASSIGNED_BY_ID"])), "{deal}");
        if !deal["CONTACT_ID"].is_null() {
            assert!(contact_ids.contains(&id_of(&deal["CONTACT_ID"])), "{deal}");
        }
    }
    assert!(deals.iter().any(|d| !d["CONTACT_ID"].is_null()));
    for lead in all_rows(&s, "crm.lead.list", json!({})).await {
        assert!(users.contains(&id_of(&lead["ASSIGNED_BY_ID"])), "{lead}");
    }
    // Tasks are for seeded users and bound to seeded CRM records.
    let deal_ids = ids(&deals);
    let tasks = all_rows(
        &s,
        "tasks.task.list",
        json!({"select": ["ID", "TITLE", "RESPONSIBLE_ID", "UF_CRM_TASK"]}),
    )
    .await;
    for task in &tasks {
        assert!(users.contains(&id_of(&task["responsibleId"])), "{task}");
        let bindings = task["ufCrmTask"].as_array().expect("CRM binding");
        assert_eq!(bindings.len(), 1, "{task}");
    }
    assert!(tasks.iter().any(|t| {
        t["ufCrmTask"][0]
            .as_str()
            .and_then(|b| b.strip_prefix("D_"))
            .is_some_and(|id| deal_ids.contains(&id.parse().expect("deal id")))
    }));

    // A reset returns to the seeded portal, not an empty one.
    rest(&s, "crm.lead.add", json!({"fields": {"TITLE": "extra"}})).await;
    rest(&s, "crm.deal.delete", json!({"id": deals[0]["ID"]})).await;
    assert_eq!(
        rest(&s, "crm.deal.list", json!({})).await["total"],
        json!(8)
    );
    let (status, answer) = s.api(reqwest::Method::POST, "/sandbox/reset", None).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        rest(&s, "crm.lead.list", json!({})).await["total"],
        json!(7)
    );
    assert_eq!(all_rows(&s, "crm.deal.list", json!({})).await, deals);
}

/// The answer of `crm.deal.list`, page by page, without the dates Portico
/// stamps when it writes.
async fn deals_without_dates(s: &Sandbox) -> Vec<Value> {
    let mut rows = all_rows(s, "crm.deal.list", json!({"select": ["*"]})).await;
    for row in &mut rows {
        let fields = row.as_object_mut().expect("row");
        fields.retain(|name, _| {
            !name.starts_with("DATE_")
                && !name.ends_with("_TIME")
                && !matches!(name.as_str(), "BEGINDATE" | "CLOSEDATE")
        });
    }
    rows
}

#[tokio::test]
async fn two_sandboxes_seeded_alike_hold_the_same_deals() {
    // Enough deals that many are in flight at once.
    let sizes = "departments=2,users=6,companies=15,contacts=40,leads=0,deals=400,tasks=0";
    let a = sandbox(&["--seed", "demo", "--seed-size", sizes], &[]);
    let b = sandbox(&["--seed", "demo", "--seed-size", sizes], &[]);
    let (deals_a, deals_b) = (deals_without_dates(&a).await, deals_without_dates(&b).await);
    assert_eq!(deals_a.len(), 400);
    assert_eq!(deals_a, deals_b);
    let first = &deals_a[0];
    assert!(
        first["TITLE"].as_str().is_some_and(|t| t.contains(" for ")),
        "{first}"
    );
}

/// Writes `text` as a fixture file in `dir`.
fn fixture(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the fixture");
    path.to_str().expect("UTF-8 path").to_owned()
}

#[tokio::test]
async fn a_fixture_makes_its_entries_with_their_references() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = fixture(
        dir.path(),
        "portal.json",
        r#"{
          "departments": [
            {"key": "sales", "NAME": "Sales", "PARENT": 1},
            {"key": "north", "NAME": "Sales North", "PARENT": "@sales"}
          ],
          "users": [{"key": "ana", "EMAIL": "ana@example.com", "NAME": "Ana", "UF_DEPARTMENT": ["@north"]}],
          "companies": [{"key": "acme", "TITLE": "Acme Ltd", "ASSIGNED_BY_ID": "@ana"}],
          "contacts": [{"key": "bob", "NAME": "Bob", "COMPANY_ID": "@acme"}],
          "leads": [{"TITLE": "@@home office", "ASSIGNED_BY_ID": "@ana"}],
          "deals": [{"key": "big", "TITLE": "Big deal", "COMPANY_ID": "@acme",
                     "CONTACT_IDS": ["@bob"], "STAGE_ID": "PREPARATION"}],
          "tasks": [{"TITLE": "Call Bob", "RESPONSIBLE_ID": "@ana", "UF_CRM_TASK": ["@big", "@bob"]}]
        }"#,
    );
    let data = dir.path().join("data");
    let data = data.to_str().expect("UTF-8 path");
    let s = sandbox(&["--seed", &file, "--data-dir", data], &[]);
    assert_eq!(
        s.printed["seeded"]["departments"],
        json!(2),
        "{}",
        s.printed
    );
    let departments = all_rows(&s, "department.get", json!({})).await;
    let sales = departments
        .iter()
        .find(|d| d["NAME"] == "Sales")
        .expect("Sales");
    let north = departments
        .iter()
        .find(|d| d["NAME"] == "Sales North")
        .expect("North");
    assert_eq!(north["PARENT"], sales["ID"]);
    let ana = &rest(&s, "user.get", json!({"EMAIL": "ana@example.com"})).await["result"][0];
    assert_eq!(
        id_of(&ana["UF_DEPARTMENT"][0]),
        id_of(&north["ID"]),
        "{ana}"
    );
    let acme = &all_rows(&s, "crm.company.list", json!({})).await[0];
    assert_eq!(acme["ASSIGNED_BY_ID"], ana["ID"]);
    let bob = &all_rows(&s, "crm.contact.list", json!({})).await[0];
    assert_eq!(bob["COMPANY_ID"], acme["ID"]);
    let deal = &all_rows(&s, "crm.deal.list", json!({})).await[0];
    assert_eq!(
        (&deal["COMPANY_ID"], &deal["CONTACT_ID"], &deal["STAGE_ID"]),
        (&acme["ID"], &bob["ID"], &json!("PREPARATION"))
    );
    let lead = &all_rows(&s, "crm.lead.list", json!({})).await[0];
    assert_eq!(lead["TITLE"], json!("@home office"));
    let task = &all_rows(
        &s,
        "tasks.task.list",
        json!({"select": ["ID", "UF_CRM_TASK"]}),
    )
    .await[0];
    let bound = json!([
        format!("D_{}", id_of(&deal["ID"])),
        format!("C_{}", id_of(&bob["ID"]))
    ]);
    assert_eq!(task["ufCrmTask"], bound, "{task}");
    drop(s);
    // The folder holds a seeded portal: seeding it again is refused.
    let again = refused(&["--seed", "demo", "--data-dir", data]);
    assert!(
        again.contains("--seed needs a fresh sandbox folder"),
        "{again}"
    );
}

#[test]
fn bad_fixtures_are_refused_naming_the_entry_and_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let unknown_key = fixture(
        dir.path(),
        "refs.json",
        r#"{"leads": [{"TITLE": "a"}, {"TITLE": "b"}, {"TITLE": "c"},
            {"key": "big-lead", "TITLE": "d", "ASSIGNED_BY_ID": "@nobody"}]}"#,
    );
    let out = refused(&["--seed", &unknown_key]);
    assert!(
        out.contains(r#"leads[3] (key "big-lead"): ASSIGNED_BY_ID: no entry with key "nobody""#),
        "{out}"
    );
    let top = fixture(dir.path(), "top.json", r#"{"contactz": []}"#);
    let out = refused(&["--seed", &top]);
    assert!(
        out.contains(r#"unknown key "contactz" at the top level"#),
        "{out}"
    );
    let malformed = fixture(
        dir.path(),
        "bad.json",
        "{\n  \"leads\": [\n    {\"TITLE\": \"x\",}\n  ]\n}\n",
    );
    let out = refused(&["--seed", &malformed]);
    assert!(
        out.contains("not valid JSON") && out.contains("line 3 column"),
        "{out}"
    );
    let typo = fixture(dir.path(), "typo.json", r#"{"leads": [{"TITEL": "x"}]}"#);
    let out = refused(&["--seed", &typo]);
    assert!(
        out.contains("leads[0]: TITEL: not a field of crm.lead.add"),
        "{out}"
    );

    // A value the method refuses stops seeding half-way; the folder is then
    // refused rather than served with part of its records.
    let stage = fixture(
        dir.path(),
        "stage.json",
        r#"{"deals": [{"TITLE": "fine"}, {"key": "d", "TITLE": "x", "STAGE_ID": "NOPE"}]}"#,
    );
    let data = dir.path().join("data");
    let data = data.to_str().expect("UTF-8 path");
    let out = refused(&["--seed", &stage, "--data-dir", data]);
    assert!(
        out.contains(r#"deals[1] (key "d"): STAGE_ID: crm.deal.add refused it"#),
        "{out}"
    );
    let later = refused(&["--data-dir", data]);
    assert!(later.contains("stopped half-way"), "{later}");
}
