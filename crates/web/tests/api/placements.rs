//! Placements over HTTP: `placement.bind/unbind/get/list` with an
//! application's token (answers and Bitrix24's errors), refused to webhooks
//! (`WRONG_AUTH_TYPE`) and binding refused to non-administrators
//! (`ACCESS_DENIED`); a bound CRM tab shows on the record's page and opens
//! its handler in the application frame with `PLACEMENT` and
//! `PLACEMENT_OPTIONS`; bindings go with their application.

use portico_methods::apps::remove;
use serde_json::json;

use crate::common::{assert_error, TestApp};
use crate::ui_app_pages::{call_app, new_ui_app, token_of, FrameForm};

/// The deal tab bound in these tests.
fn deal_tab() -> serde_json::Value {
    json!({
        "PLACEMENT": "CRM_DEAL_DETAIL_TAB",
        "HANDLER": "https://app.example.com/deal-tab",
        "TITLE": "Invoices",
        "DESCRIPTION": "Invoices of the deal",
        "LANG_ALL": {"br": {"TITLE": "Faturas", "DESCRIPTION": "Faturas do negócio"}}
    })
}

#[tokio::test]
async fn placements_are_bound_listed_and_unbound_by_the_application() {
    let app = TestApp::start().await;
    let creds = new_ui_app(&app, false).await;
    let token = token_of(&app, 1, creds.id).await;

    let (status, list) = call_app(&app, &token, "placement.list", json!({})).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        list["result"],
        json!([
            "CRM_LEAD_DETAIL_TAB",
            "CRM_DEAL_DETAIL_TAB",
            "CRM_CONTACT_DETAIL_TAB",
            "CRM_COMPANY_DETAIL_TAB"
        ])
    );
    let (_, none) = call_app(&app, &token, "placement.list", json!({"SCOPE": "task"})).await;
    assert_eq!(none["result"], json!([]));

    let (status, bound) = call_app(&app, &token, "placement.bind", deal_tab()).await;
    assert_eq!(status, 200, "{bound}");
    assert_eq!(bound["result"], json!(true));
    let (status, again) = call_app(&app, &token, "placement.bind", deal_tab()).await;
    assert_eq!(
        (status, &again["error"], &again["error_description"]),
        (400, &json!("ERROR_CORE"), &json!("Handler already binded"))
    );
    let mut unknown = deal_tab();
    unknown["PLACEMENT"] = json!("TASK_VIEW_TAB");
    let (status, e) = call_app(&app, &token, "placement.bind", unknown).await;
    assert_eq!(
        (status, &e["error"]),
        (400, &json!("ERROR_PLACEMENT_NOT_FOUND")),
        "{e}"
    );
    let (status, e) = call_app(
        &app,
        &token,
        "placement.bind",
        json!({"PLACEMENT": "CRM_LEAD_DETAIL_TAB"}),
    )
    .await;
    assert_eq!(
        (status, &e["error"], &e["error_description"]),
        (
            400,
            &json!("ERROR_ARGUMENT"),
            &json!("Argument 'HANDLER' is null or empty")
        )
    );
    let (status, e) = call_app(
        &app,
        &token,
        "placement.bind",
        json!({"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": "https://elsewhere.example/tab"}),
    )
    .await;
    assert_eq!(
        (status, &e["error"]),
        (400, &json!("ERROR_ARGUMENT")),
        "{e}"
    );

    // An empty PHP array for LANG_ALL arrives as `[]`: no texts.
    let (status, empty) = call_app(
        &app,
        &token,
        "placement.bind",
        json!({"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": "https://app.example.com/lead-tab", "LANG_ALL": []}),
    )
    .await;
    assert_eq!((status, &empty["result"]), (200, &json!(true)), "{empty}");
    let (status, _) = call_app(
        &app,
        &token,
        "placement.unbind",
        json!({"PLACEMENT": "CRM_LEAD_DETAIL_TAB"}),
    )
    .await;
    assert_eq!(status, 200);

    let (status, got) = call_app(&app, &token, "placement.get", json!({})).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(
        got["result"],
        json!([{
            "placement": "CRM_DEAL_DETAIL_TAB",
            "userId": 0,
            "handler": "https://app.example.com/deal-tab",
            "options": [],
            "title": "Invoices",
            "description": "Invoices of the deal",
            "langAll": {"br": {"TITLE": "Faturas", "DESCRIPTION": "Faturas do negócio", "GROUP_NAME": ""}}
        }])
    );

    let (status, gone) = call_app(
        &app,
        &token,
        "placement.unbind",
        json!({"PLACEMENT": "CRM_DEAL_DETAIL_TAB", "HANDLER": "https://app.example.com/deal-tab"}),
    )
    .await;
    assert_eq!(status, 200, "{gone}");
    assert_eq!(gone["result"], json!({"count": 2}));
    let (_, empty) = call_app(&app, &token, "placement.get", json!({})).await;
    assert_eq!(empty["result"], json!([]));
    let (status, e) = call_app(&app, &token, "placement.unbind", json!({})).await;
    assert_eq!(
        (status, &e["error"], &e["error_description"]),
        (
            400,
            &json!("ERROR_ARGUMENT"),
            &json!("Argument 'PLACEMENT' is null or empty")
        )
    );
}

#[tokio::test]
async fn placements_need_an_application_and_binding_an_administrator() {
    let app = TestApp::start().await;
    let creds = new_ui_app(&app, false).await;
    app.store
        .set_app_installed(creds.id, 1_700_000_001)
        .await
        .expect("installed");
    let hook = app.webhook(1, &["crm", "placement"], None).await;
    for method in [
        "placement.bind",
        "placement.unbind",
        "placement.get",
        "placement.list",
    ] {
        let r = app.call_on(&hook, method, deal_tab()).await;
        assert_error(
            &r,
            403,
            "WRONG_AUTH_TYPE",
            "Current authorization type is denied for this method Application context required",
        );
    }
    let bob = app.add_user("bob", false).await;
    let token = token_of(&app, bob, creds.id).await;
    for method in ["placement.bind", "placement.unbind"] {
        let (status, e) = call_app(&app, &token, method, deal_tab()).await;
        assert_eq!(
            (status, &e["error"], &e["error_description"]),
            (403, &json!("ACCESS_DENIED"), &json!("Access denied!")),
            "{method}"
        );
    }
    let (status, got) = call_app(&app, &token, "placement.get", json!({})).await;
    assert_eq!((status, &got["result"]), (200, &json!([])));
}

#[tokio::test]
async fn a_bound_tab_shows_on_the_record_and_opens_its_handler_in_the_frame() {
    let app = TestApp::start().await;
    let creds = new_ui_app(&app, false).await;
    let token = token_of(&app, 1, creds.id).await;
    let (status, bound) = call_app(&app, &token, "placement.bind", deal_tab()).await;
    assert_eq!(status, 200, "{bound}");
    let deal = app
        .ok("crm.deal.add", json!({"fields": {"TITLE": "Big deal"}}))
        .await;
    let lead = app
        .ok("crm.lead.add", json!({"fields": {"TITLE": "A lead"}}))
        .await;
    let bob = app.add_user("bob", false).await;
    let ui = app.sign_in_as(bob).await;
    let record = ui.get(&format!("/crm/deals/{deal}")).await;
    assert_eq!(record.status, 200, "{}", record.body);
    let placement_id = app.store.app_placements(creds.id).await.expect("read")[0].id;
    let tab = format!("/crm/deals/{deal}/apps/{placement_id}");
    assert!(
        record.contains(&format!(r#"href="{tab}""#)),
        "{}",
        record.body
    );
    assert!(record.contains("Invoices"));
    let lead_page = ui.get(&format!("/crm/leads/{lead}")).await;
    assert_eq!(lead_page.status, 200);
    assert!(!lead_page.contains("record-tabs"), "no tab on leads");
    assert!(record.contains("record-tabs"));

    let opened = ui.get(&tab).await;
    assert!(
        opened.csp.contains("frame-src https://app.example.com;"),
        "{}",
        opened.csp
    );
    let form = FrameForm::of(opened);
    assert!(
        form.action
            .starts_with("https://app.example.com/deal-tab?DOMAIN="),
        "{}",
        form.action
    );
    assert_eq!(form.field("PLACEMENT"), "CRM_DEAL_DETAIL_TAB");
    assert_eq!(
        form.field("PLACEMENT_OPTIONS"),
        format!(r#"{{"ID":"{deal}"}}"#)
    );
    let (status, me) = call_app(&app, &form.field("AUTH_ID"), "user.current", json!({})).await;
    assert_eq!(
        (status, &me["result"]["ID"]),
        (200, &json!(bob.to_string()))
    );
    // The tab belongs to deals: another entity's path does not open it.
    assert_eq!(
        ui.get(&format!("/crm/leads/{lead}/apps/{placement_id}"))
            .await
            .status,
        404
    );
    assert_eq!(
        ui.get(&format!("/crm/deals/999/apps/{placement_id}"))
            .await
            .status,
        404
    );

    // Bindings go with their application.
    assert!(remove(app.store.as_ref(), creds.id, 1_700_000_200)
        .await
        .expect("remove"));
    assert!(!ui
        .get(&format!("/crm/deals/{deal}"))
        .await
        .contains(&format!(r#"href="{tab}""#)));
    assert_eq!(ui.get(&tab).await.status, 404);
}
