//! `crm.item.*` for leads, deals, contacts and companies: exact camelCase
//! output, typed values and `fm`, the same business logic as the legacy
//! methods (defaults, directories, links, rights), `fm` add / change /
//! delete, a deal's `contactIds`, list paging, filter, order and select, and
//! the coded errors.

use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};

/// `result.item` of a call expected to succeed.
async fn item(app: &TestApp, method: &str, body: Value) -> Value {
    let result = app.ok(method, body).await;
    let keys: Vec<&String> = result.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["item"], "{method} answers {{item}}");
    result["item"].clone()
}

/// Adds an item and returns it.
async fn add(app: &TestApp, entity_type_id: i64, fields: Value) -> Value {
    item(
        app,
        "crm.item.add",
        json!({"entityTypeId": entity_type_id, "fields": fields}),
    )
    .await
}

/// The id of an item.
fn id_of(item: &Value) -> i64 {
    item["id"].as_i64().expect("numeric id")
}

/// The ids of a `crm.item.list` result.
fn ids(result: &Value) -> Vec<i64> {
    result["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}

/// A wire instant that must carry the portal offset (`+00:00` in tests).
fn instant(v: &Value) -> String {
    let s = v.as_str().expect("an instant").to_string();
    assert!(
        s.len() == 25 && s.ends_with("+00:00") && &s[10..11] == "T",
        "{s}"
    );
    s
}

/// `a` with the keys of `b` added (big literals exceed `json!`'s recursion).
fn merged(mut a: Value, b: Value) -> Value {
    if let (Value::Object(a), Value::Object(b)) = (&mut a, b) {
        a.extend(b);
    }
    a
}

/// Today's midnight as dates are written.
fn today_midnight(created: &str) -> String {
    format!("{}T00:00:00+00:00", &created[..10])
}

#[tokio::test]
async fn lead_items_have_exact_camel_case_output() {
    let app = TestApp::start().await;
    let lead = add(
        &app,
        1,
        json!({
            "title": "ACME", "name": "Ana", "lastName": "Souza", "opportunity": 12500,
            "sourceId": "CALL", "birthdate": "1990-02-03", "post": "CTO",
            "unknownField": "ignored", "id": 777, "createdBy": 9, "hasPhone": "N",
            "fm": {
                "n0": {"typeId": "PHONE", "valueType": "WORK", "value": "+5511999990000"},
                "n1": {"typeId": "EMAIL", "valueType": "HOME", "value": "ana@example.com"}
            }
        }),
    )
    .await;
    let id = id_of(&lead);
    assert_ne!(id, 777, "id is read-only");
    let created = instant(&lead["createdTime"]);
    let moved = instant(&lead["movedTime"]);
    let fm = lead["fm"].as_array().expect("fm").clone();
    assert_eq!(fm.len(), 2);
    let (phone_id, email_id) = (id_of(&fm[0]), id_of(&fm[1]));
    let expected = json!({
        "id": id,
        "title": "ACME",
        "honorific": null,
        "name": "Ana",
        "secondName": null,
        "lastName": "Souza",
        "birthdate": "1990-02-03T00:00:00+00:00",
        "companyTitle": null,
        "sourceId": "CALL",
        "sourceDescription": null,
        "stageId": "NEW",
        "statusDescription": null,
        "stageSemanticId": "P",
        "post": "CTO",
        "address": null,
        "address2": null,
        "addressCity": null,
        "addressPostalCode": null,
        "addressRegion": null,
        "addressProvince": null,
        "addressCountry": null,
        "addressCountryCode": null,
        "addressLocAddrId": null,
    });
    let rest = json!({
        "currencyId": "USD",
        "opportunity": 12500,
        "isManualOpportunity": "N",
        "opened": "Y",
        "comments": null,
        "hasPhone": "Y",
        "hasEmail": "Y",
        "hasImol": "N",
        "assignedById": 1,
        "createdBy": 1,
        "updatedBy": 1,
        "movedBy": 1,
        "createdTime": created,
        "updatedTime": created,
        "movedTime": moved,
        "dateClosed": null,
        "companyId": 0,
        "contactId": 0,
        "contactIds": [],
        "isReturnCustomer": "N",
        "originatorId": null,
        "originId": null,
        "utmSource": null,
        "utmMedium": null,
        "utmCampaign": null,
        "utmContent": null,
        "utmTerm": null,
        "lastActivityTime": created,
        "lastActivityBy": 1,
        "fm": [
            {"id": phone_id, "typeId": "PHONE", "valueType": "WORK", "value": "+5511999990000"},
            {"id": email_id, "typeId": "EMAIL", "valueType": "HOME", "value": "ana@example.com"}
        ],
        "entityTypeId": 1
    });
    let expected = merged(expected, rest);
    assert_eq!(lead, expected);
    let got = item(&app, "crm.item.get", json!({"entityTypeId": 1, "id": id})).await;
    assert_eq!(got, expected, "get answers what add answered");

    // The same record through the legacy API.
    let legacy = app.ok("crm.lead.get", json!({"id": id})).await;
    assert_eq!(legacy["STATUS_ID"], "NEW");
    assert_eq!(legacy["OPPORTUNITY"], "12500.00");
    assert_eq!(legacy["PHONE"][0]["ID"], json!(phone_id.to_string()));
    assert_eq!(legacy["EMAIL"][0]["VALUE"], "ana@example.com");

    // A legacy record through crm.item (query string, as SDKs send GETs).
    let legacy_id = app
        .ok(
            "crm.lead.add",
            json!({"fields": {"TITLE": "Old", "STATUS_ID": "JUNK", "OPPORTUNITY": "99.5"}}),
        )
        .await
        .as_i64()
        .expect("id");
    let r = app
        .get(&format!(
            "{}crm.item.get.json?entityTypeId=1&id={legacy_id}",
            app.hook
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let old = &r.json()["result"]["item"];
    assert_eq!(old["title"], "Old");
    assert_eq!(old["stageId"], "JUNK");
    assert_eq!(old["stageSemanticId"], "F");
    assert_eq!(old["opportunity"], json!(99.5));
    instant(&old["dateClosed"]);
    assert_eq!(old["fm"], json!([]), "get always has fm");
}

#[tokio::test]
async fn deal_items_with_contact_ids() {
    let app = TestApp::start().await;
    let c1 = id_of(&add(&app, 3, json!({"name": "Ana"})).await);
    let c2 = id_of(&add(&app, 3, json!({"lastName": "Lima"})).await);
    let co = id_of(&add(&app, 4, json!({"title": "ACME"})).await);
    let deal = add(
        &app,
        2,
        json!({"opportunity": 15000.5, "stageId": "PREPARATION", "companyId": co,
               "contactIds": [c2, c1], "probability": "40", "fm": {"n0": {"typeId": "PHONE", "value": "1"}}}),
    )
    .await;
    let id = id_of(&deal);
    let created = instant(&deal["createdTime"]);
    let moved = instant(&deal["movedTime"]);
    let expected = json!({
        "id": id,
        "title": format!("Deal #{id}"),
        "typeId": "SALE",
        "categoryId": 0,
        "stageId": "PREPARATION",
        "stageSemanticId": "P",
        "isNew": "N",
        "isRecurring": "N",
        "isReturnCustomer": "N",
        "isRepeatedApproach": "N",
        "probability": 40,
        "currencyId": "USD",
        "opportunity": 15000.5,
        "isManualOpportunity": "N",
        "taxValue": 0,
        "companyId": co,
        "contactId": c2,
        "contactIds": [c2, c1],
        "quoteId": null,
        "begindate": today_midnight(&created),
        "closedate": null,
    });
    let rest = json!({
        "opened": "Y",
        "closed": "N",
        "comments": null,
        "assignedById": 1,
        "createdBy": 1,
        "updatedBy": 1,
        "movedBy": 1,
        "createdTime": created,
        "updatedTime": created,
        "movedTime": moved,
        "sourceId": null,
        "sourceDescription": null,
        "leadId": null,
        "additionalInfo": null,
        "locationId": null,
        "originatorId": null,
        "originId": null,
        "utmSource": null,
        "utmMedium": null,
        "utmCampaign": null,
        "utmContent": null,
        "utmTerm": null,
        "lastActivityTime": created,
        "lastActivityBy": 1,
        "entityTypeId": 2
    });
    let expected = merged(expected, rest);
    assert_eq!(deal, expected, "deals have no fm");
    assert_eq!(
        item(&app, "crm.item.get", json!({"entityTypeId": 2, "id": id})).await,
        expected
    );
    // The links are the legacy ones.
    let links = app
        .ok("crm.deal.contact.items.get", json!({"id": id}))
        .await;
    assert_eq!(
        links,
        json!([
            {"CONTACT_ID": c2, "SORT": 10, "ROLE_ID": 0, "IS_PRIMARY": "Y"},
            {"CONTACT_ID": c1, "SORT": 20, "ROLE_ID": 0, "IS_PRIMARY": "N"}
        ])
    );
    let legacy = app.ok("crm.deal.get", json!({"id": id})).await;
    assert_eq!(legacy["CONTACT_ID"], json!(c2.to_string()));
    assert!(legacy.get("CONTACT_IDS").is_none());

    // Links written by the legacy API show in the item.
    app.ok(
        "crm.deal.contact.items.set",
        json!({"id": id, "items": [{"CONTACT_ID": c1}]}),
    )
    .await;
    let got = item(&app, "crm.item.get", json!({"entityTypeId": 2, "id": id})).await;
    assert_eq!(
        (got["contactIds"].clone(), got["contactId"].clone()),
        (json!([c1]), json!(c1))
    );

    // Update: stage semantics, contacts replaced, funnel immutable, audit.
    let updated = item(
        &app,
        "crm.item.update",
        json!({"entityTypeId": 2, "id": id, "fields": {
            "stageId": "WON", "contactIds": [c2], "title": "Won it",
            "closedate": "2024-09-30", "createdTime": "2001-01-01T00:00:00+00:00"
        }}),
    )
    .await;
    assert_eq!(updated["stageId"], "WON");
    assert_eq!(updated["stageSemanticId"], "S");
    assert_eq!(updated["closed"], "Y");
    assert_eq!(updated["categoryId"], 0);
    assert_eq!(updated["contactIds"], json!([c2]));
    assert_eq!(updated["contactId"], json!(c2));
    assert_eq!(updated["closedate"], "2024-09-30T00:00:00+00:00");
    assert_eq!(updated["createdTime"], json!(created), "read-only");
    assert_eq!(updated["title"], "Won it");
    // Clearing the contacts.
    let cleared = item(
        &app,
        "crm.item.update",
        json!({"entityTypeId": 2, "id": id, "fields": {"contactIds": []}}),
    )
    .await;
    assert_eq!(
        (cleared["contactIds"].clone(), cleared["contactId"].clone()),
        (json!([]), json!(0))
    );
}

#[tokio::test]
async fn contact_and_company_items() {
    let app = TestApp::start().await;
    let co1 = add(
        &app,
        4,
        json!({"title": "ACME", "typeId": "CUSTOMER", "industry": "IT", "revenue": 2500000,
               "isMyCompany": "N", "fm": {"n0": {"typeId": "WEB", "valueType": "WORK", "value": "acme.io"}}}),
    )
    .await;
    let co1_id = id_of(&co1);
    assert_eq!(co1["typeId"], "CUSTOMER");
    assert_eq!(co1["industry"], "IT");
    assert_eq!(co1["revenue"], 2500000);
    assert_eq!(co1["contactIds"], json!([]));
    assert_eq!(co1["fm"][0]["typeId"], "WEB");
    assert!(co1.get("companyType").is_none() && co1.get("contactId").is_none());
    let legacy = app.ok("crm.company.get", json!({"id": co1_id})).await;
    assert_eq!(legacy["COMPANY_TYPE"], "CUSTOMER");

    let co2_id = id_of(&add(&app, 4, json!({"title": "Beta"})).await);
    let contact = add(
        &app,
        3,
        json!({"name": "Ana", "lastName": "Souza", "companyIds": [co2_id, co1_id], "typeId": "CLIENT",
               "fm": [{"typeId": "EMAIL", "valueType": "WORK", "value": "ana@acme.io"}]}),
    )
    .await;
    let contact_id = id_of(&contact);
    assert_eq!(contact["companyIds"], json!([co2_id, co1_id]));
    assert_eq!(contact["companyId"], json!(co2_id));
    assert_eq!(contact["export"], "Y");
    assert_eq!(contact["hasEmail"], "Y");
    assert_eq!(contact["fm"][0]["value"], "ana@acme.io");
    let company = item(
        &app,
        "crm.item.get",
        json!({"entityTypeId": 4, "id": co1_id}),
    )
    .await;
    assert_eq!(company["contactIds"], json!([contact_id]));

    // A company's contactIds writes the contact → company links.
    let c2 = id_of(&add(&app, 3, json!({"name": "Bia"})).await);
    let company = item(
        &app,
        "crm.item.update",
        json!({"entityTypeId": 4, "id": co1_id, "fields": {"contactIds": [c2]}}),
    )
    .await;
    assert_eq!(company["contactIds"], json!([c2]));
    let first = item(
        &app,
        "crm.item.get",
        json!({"entityTypeId": 3, "id": contact_id}),
    )
    .await;
    assert_eq!(first["companyIds"], json!([co2_id]));

    // Required fields, coded.
    assert_error(
        &app.call(
            "crm.item.add",
            json!({"entityTypeId": 3, "fields": {"post": "CTO"}}),
        )
        .await,
        400,
        "CRM_FIELD_ERROR_REQUIRED",
        "The field \"name\" or \"lastName\" is required.",
    );
    assert_error(
        &app.call("crm.item.add", json!({"entityTypeId": 4, "fields": {}}))
            .await,
        400,
        "CRM_FIELD_ERROR_REQUIRED",
        "The field \"title\" is required.",
    );
    assert_error(
        &app.call(
            "crm.item.update",
            json!({"entityTypeId": 4, "id": co1_id, "fields": {"title": ""}}),
        )
        .await,
        400,
        "CRM_FIELD_ERROR_REQUIRED",
        "The field \"title\" is required.",
    );
}

#[tokio::test]
async fn fm_entries_are_added_changed_and_deleted() {
    let app = TestApp::start().await;
    let lead = add(
        &app,
        1,
        json!({"title": "FM", "fm": {
            "n0": {"typeId": "PHONE", "valueType": "WORK", "value": "+1 555 0100"},
            "n1": {"typeId": "PHONE", "valueType": "MOBILE", "value": "+1 555 0101"},
            "n2": {"typeId": "EMAIL", "valueType": "WORK", "value": "a@x.io"},
            "n3": {"valueType": "WORK", "value": "no typeId: ignored"}
        }}),
    )
    .await;
    let id = id_of(&lead);
    let fm = lead["fm"].as_array().expect("fm").clone();
    assert_eq!(fm.len(), 3);
    let (work, mobile, email) = (id_of(&fm[0]), id_of(&fm[1]), id_of(&fm[2]));
    let updated = item(
        &app,
        "crm.item.update",
        json!({"entityTypeId": 1, "id": id, "fields": {"fm": {
            work.to_string(): {"typeId": "PHONE", "valueType": "HOME", "value": "+1 555 0199"},
            mobile.to_string(): {"typeId": "PHONE", "value": ""},
            "n0": {"typeId": "IM", "valueType": "TELEGRAM", "value": "@ana"}
        }}}),
    )
    .await;
    let fm = updated["fm"].as_array().expect("fm").clone();
    assert_eq!(fm.len(), 3, "{fm:?}");
    assert_eq!(
        fm[0],
        json!({"id": work, "typeId": "PHONE", "valueType": "HOME", "value": "+1 555 0199"})
    );
    assert_eq!(
        fm[1],
        json!({"id": email, "typeId": "EMAIL", "valueType": "WORK", "value": "a@x.io"}),
        "entries not mentioned stay"
    );
    assert_eq!(fm[2]["typeId"], "IM");
    assert_eq!(fm[2]["value"], "@ana");
    assert_eq!(updated["hasPhone"], "Y");
    // Deleting the last phone clears hasPhone.
    let updated = item(
        &app,
        "crm.item.update",
        json!({"entityTypeId": 1, "id": id, "fields": {"fm": [{"id": work, "typeId": "PHONE", "value": ""}]}}),
    )
    .await;
    assert_eq!(updated["hasPhone"], "N");
    assert_eq!(updated["fm"].as_array().map(Vec::len), Some(2));
    // Bad entries are refused with the field named.
    for bad in [
        json!({"n0": {"typeId": "FAX", "value": "1"}}),
        json!({"n0": {"typeId": "EMAIL", "value": "not an address"}}),
        json!({"n0": {"typeId": "PHONE", "valueType": "SATELLITE", "value": "1"}}),
        json!("a phone"),
    ] {
        assert_error(
            &app.call(
                "crm.item.update",
                json!({"entityTypeId": 1, "id": id, "fields": {"fm": bad}}),
            )
            .await,
            400,
            "CRM_FIELD_ERROR_VALUE_NOT_VALID",
            "Invalid value for field \"fm\"",
        );
    }
}

#[tokio::test]
async fn lists_page_filter_order_and_select() {
    let app = TestApp::start().await;
    let mut made = Vec::new();
    for i in 0..55 {
        let lead = add(
            &app,
            1,
            json!({"title": format!("Lead {i:02}"), "opportunity": i * 100,
                   "stageId": if i % 2 == 0 { "NEW" } else { "IN_PROCESS" },
                   "fm": {"n0": {"typeId": "PHONE", "value": format!("+1{i:03}")}}}),
        )
        .await;
        made.push(id_of(&lead));
    }
    // Page 1: 50 items, total, next; fm comes with the default select (*).
    let r = app.call("crm.item.list", json!({"entityTypeId": 1})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    assert_eq!(body["total"], 55);
    assert_eq!(body["next"], 50);
    let keys: Vec<&String> = body["result"].as_object().expect("object").keys().collect();
    assert_eq!(keys, ["items"]);
    assert_eq!(ids(&body["result"]), made[..50].to_vec());
    let first = &body["result"]["items"][0];
    assert_eq!(first["fm"][0]["value"], "+1000");
    assert_eq!(first["entityTypeId"], 1);
    assert_eq!(
        first,
        &item(
            &app,
            "crm.item.get",
            json!({"entityTypeId": 1, "id": made[0]})
        )
        .await,
        "a listed item is the item"
    );
    // Page 2 has no next; start=-1 does not count.
    let r = app
        .call("crm.item.list", json!({"entityTypeId": 1, "start": 50}))
        .await
        .json();
    assert_eq!((r["total"].clone(), r.get("next")), (json!(55), None));
    assert_eq!(ids(&r["result"]), made[50..].to_vec());
    let r = app
        .call("crm.item.list", json!({"entityTypeId": 1, "start": -1}))
        .await
        .json();
    assert_eq!((r["total"].clone(), r.get("next")), (json!(0), None));
    assert_eq!(ids(&r["result"]).len(), 50);

    // Filter with operators, order, select (an explicit select has no
    // entityTypeId, as in Bitrix24).
    let page = app
        .ok(
            "crm.item.list",
            json!({"entityTypeId": 1, "select": ["id", "title", "opportunity"],
                   "filter": {">=opportunity": 1000, "<opportunity": 2000, "stageId": "NEW"},
                   "order": {"opportunity": "desc"}}),
        )
        .await;
    assert_eq!(
        page,
        json!({"items": [
            {"id": made[18], "title": "Lead 18", "opportunity": 1800},
            {"id": made[16], "title": "Lead 16", "opportunity": 1600},
            {"id": made[14], "title": "Lead 14", "opportunity": 1400},
            {"id": made[12], "title": "Lead 12", "opportunity": 1200},
            {"id": made[10], "title": "Lead 10", "opportunity": 1000}
        ]})
    );
    let page = app
        .ok(
            "crm.item.list",
            json!({"entityTypeId": 1, "select": ["stageSemanticId", "fm"],
                   "filter": {"@id": [made[3], made[4]], "%title": "lead 0"}, "order": {"ID": "DESC"}}),
        )
        .await;
    assert_eq!(
        page["items"][0],
        json!({"id": made[4], "stageSemanticId": "P",
               "fm": [{"id": page["items"][0]["fm"][0]["id"], "typeId": "PHONE", "valueType": "WORK", "value": "+1004"}]})
    );
    assert_eq!(ids(&page), vec![made[4], made[3]]);
    // Nested AND groups are accepted; a date filter on createdTime.
    let page = app
        .ok(
            "crm.item.list",
            json!({"entityTypeId": 1, "select": ["id"],
                   "filter": {"0": {"logic": "AND", "title": "Lead 07"}, ">=createdTime": "2000-01-01T00:00:00+00:00"}}),
        )
        .await;
    assert_eq!(ids(&page), vec![made[7]]);
    // Form-encoded list (as a GET from an SDK).
    let r = app
        .get(&format!(
            "{}crm.item.list.json?entityTypeId=1&filter[%3Eopportunity]=5300&select[]=title",
            app.hook
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json()["result"],
        json!({"items": [{"id": made[54], "title": "Lead 54"}]})
    );
    assert_eq!(r.json()["total"], 1);
    // Empty list.
    let r = app
        .call("crm.item.list", json!({"entityTypeId": 2}))
        .await
        .json();
    assert_eq!(
        (r["result"].clone(), r["total"].clone()),
        (json!({"items": []}), json!(0))
    );
}

#[tokio::test]
async fn delete_answers_an_empty_array() {
    let app = TestApp::start().await;
    for entity_type_id in 1..=4 {
        let fields = match entity_type_id {
            3 => json!({"name": "Gone"}),
            _ => json!({"title": "Gone"}),
        };
        let id = id_of(&add(&app, entity_type_id, fields).await);
        let r = app
            .ok(
                "crm.item.delete",
                json!({"entityTypeId": entity_type_id, "id": id}),
            )
            .await;
        assert_eq!(r, json!([]));
        for method in ["crm.item.get", "crm.item.delete"] {
            assert_error(
                &app.call(method, json!({"entityTypeId": entity_type_id, "id": id}))
                    .await,
                400,
                "NOT_FOUND",
                "Element not found",
            );
        }
        assert_error(
            &app.call(
                "crm.item.update",
                json!({"entityTypeId": entity_type_id, "id": id, "fields": {"title": "x"}}),
            )
            .await,
            400,
            "NOT_FOUND",
            "Element not found",
        );
    }
}

#[tokio::test]
async fn fields_are_described_by_universal_name() {
    let app = TestApp::start().await;
    let lead = app.ok("crm.item.fields", json!({"entityTypeId": 1})).await;
    let fields = lead["fields"].as_object().expect("fields");
    assert_eq!(
        fields["stageId"],
        json!({"type": "crm_status", "isRequired": false, "isReadOnly": false, "isImmutable": false,
               "isMultiple": false, "isDynamic": false, "title": "Stage", "statusType": "STATUS",
               "upperName": "STAGE_ID"})
    );
    assert_eq!(fields["createdBy"]["upperName"], "CREATED_BY");
    assert_eq!(fields["createdBy"]["isReadOnly"], true);
    assert_eq!(fields["opened"]["type"], "boolean");
    assert_eq!(
        fields["companyId"]["settings"],
        json!({"parentEntityTypeId": 4})
    );
    assert_eq!(fields["contactId"]["isDeprecated"], true);
    assert_eq!(fields["contactIds"]["isMultiple"], true);
    assert_eq!(fields["fm"]["type"], "crm_multifield");
    assert_eq!(fields["fm"]["upperName"], "FM");
    assert!(fields.get("PHONE").is_none() && fields.get("STATUS_ID").is_none());
    // Every name an item has is described, and nothing else.
    let id = id_of(&add(&app, 1, json!({"title": "x"})).await);
    let got = item(&app, "crm.item.get", json!({"entityTypeId": 1, "id": id})).await;
    let mut described: Vec<&String> = fields.keys().collect();
    let mut returned: Vec<&String> = got
        .as_object()
        .expect("item")
        .keys()
        .filter(|k| *k != "entityTypeId")
        .collect();
    described.sort();
    returned.sort();
    assert_eq!(described, returned);

    let deal = app
        .ok("crm.item.fields", json!({"entityTypeId": "2"}))
        .await;
    let deal = deal["fields"].as_object().expect("fields");
    assert!(deal.get("fm").is_none());
    assert_eq!(deal["categoryId"]["isImmutable"], true);
    assert_eq!(deal["contactIds"]["type"], "crm_contact");
    let company = app.ok("crm.item.fields", json!({"entityTypeId": 4})).await;
    assert_eq!(company["fields"]["typeId"]["statusType"], "COMPANY_TYPE");
    assert_eq!(company["fields"]["typeId"]["upperName"], "TYPE_ID");
    assert_eq!(company["fields"]["contactIds"]["upperName"], "CONTACT_IDS");
    let contact = app.ok("crm.item.fields", json!({"entityTypeId": 3})).await;
    assert_eq!(contact["fields"]["companyIds"]["isMultiple"], true);
}

#[tokio::test]
async fn errors_are_coded() {
    let app = TestApp::start().await;
    let call = |method: &'static str, body: Value| {
        let app = &app;
        async move { app.call(method, body).await }
    };
    // Entity types.
    for method in [
        "crm.item.add",
        "crm.item.get",
        "crm.item.list",
        "crm.item.update",
        "crm.item.delete",
        "crm.item.fields",
    ] {
        let body = |t: Value| json!({"entityTypeId": t, "id": 1, "fields": {"title": "x"}});
        assert_error(
            &call(method, body(json!(5))).await,
            400,
            "ENTITY_TYPE_NOT_SUPPORTED",
            "Entity type INVOICE is not supported",
        );
        for unknown in [json!(128), json!(0), json!("abc")] {
            assert_error(
                &call(method, body(unknown)).await,
                400,
                "NOT_FOUND",
                "Smart process not found",
            );
        }
        assert_error(
            &call(method, json!({"id": 1, "fields": {}})).await,
            400,
            "INVALID_ARG_VALUE",
            "Could not find value for parameter {entityTypeId}",
        );
    }
    // Ids and fields.
    assert_error(
        &call("crm.item.get", json!({"entityTypeId": 1})).await,
        400,
        "INVALID_ARG_VALUE",
        "Could not find value for parameter {id}",
    );
    for bad in [json!(999), json!(-1), json!("x")] {
        assert_error(
            &call("crm.item.get", json!({"entityTypeId": 2, "id": bad})).await,
            400,
            "NOT_FOUND",
            "Element not found",
        );
    }
    assert_error(
        &call("crm.item.add", json!({"entityTypeId": 1})).await,
        400,
        "INVALID_ARG_VALUE",
        "Could not find value for parameter {fields}",
    );
    assert_error(
        &call(
            "crm.item.add",
            json!({"entityTypeId": 1, "fields": "title"}),
        )
        .await,
        400,
        "INVALID_ARG_VALUE",
        "Parameter 'fields' must be an object",
    );
    // Values: type, directory, links.
    let not_valid = |field: &str| format!("Invalid value for field \"{field}\"");
    for (fields, field) in [
        (json!({"opportunity": "lots"}), "opportunity"),
        (json!({"stageId": "NOPE"}), "stageId"),
        (json!({"sourceId": "NOPE"}), "sourceId"),
        (json!({"assignedById": "me"}), "assignedById"),
        (json!({"birthdate": "someday"}), "birthdate"),
        (json!({"opened": "maybe"}), "opened"),
        (json!({"contactIds": [404]}), "contactIds"),
        (json!({"contactIds": ["x"]}), "contactIds"),
    ] {
        assert_error(
            &call("crm.item.add", json!({"entityTypeId": 1, "fields": fields})).await,
            400,
            "CRM_FIELD_ERROR_VALUE_NOT_VALID",
            &not_valid(field),
        );
    }
    assert_error(
        &call(
            "crm.item.add",
            json!({"entityTypeId": 2, "fields": {"categoryId": -1}}),
        )
        .await,
        400,
        "CRM_FIELD_ERROR_VALUE_NOT_VALID",
        &not_valid("categoryId"),
    );
    assert_error(
        &call(
            "crm.item.add",
            json!({"entityTypeId": 3, "fields": {"name": "A", "companyIds": [77]}}),
        )
        .await,
        400,
        "CRM_FIELD_ERROR_VALUE_NOT_VALID",
        &not_valid("companyIds"),
    );
    let r = app.ok("crm.lead.list", json!({})).await;
    assert_eq!(r, json!([]), "refused writes wrote nothing");
    // Lists.
    let list = |extra: Value| {
        let mut body = json!({"entityTypeId": 1});
        if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
            b.extend(e);
        }
        call("crm.item.list", body)
    };
    assert_error(
        &list(json!({"filter": {"x": 1}})).await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: field 'x' is not allowed in filter",
    );
    assert_error(
        &list(json!({"filter": {"STATUS_ID": "NEW"}})).await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: field 'STATUS_ID' is not allowed in filter",
    );
    assert_error(
        &list(json!({"filter": {"contactIds": 1}})).await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: field 'contactIds' is not allowed in filter",
    );
    assert_error(
        &list(json!({"filter": {">opportunity": "much"}})).await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: field 'opportunity' has invalid value",
    );
    assert_error(
        &list(json!({"order": {"id": "UP"}})).await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid order: allowed sort directions are ASC, DESC. But got 'UP' for field 'id'",
    );
    assert_error(
        &list(json!({"order": {"nope": "ASC"}})).await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid order: field 'nope' is not allowed in order",
    );
    assert_error(
        &list(json!({"start": "first"})).await,
        400,
        "INVALID_ARG_VALUE",
        "Parameter 'start' must be an integer.",
    );
}

#[tokio::test]
async fn rights_apply_to_items() {
    let app = TestApp::start().await;
    // Role 2 ("Own records", seeded): reads, updates and deletes her own
    // records only (adds anything).
    let alice = app.add_user("alice", false).await;
    assert!(app.store.set_user_role(alice, Some(2)).await.expect("role"));
    let hook = app.webhook(alice, &["crm"], None).await;
    let theirs = id_of(&add(&app, 2, json!({"title": "Not hers"})).await);
    let hers = id_of(&add(&app, 2, json!({"title": "Hers", "assignedById": alice})).await);
    let on = |method: &'static str, body: Value| {
        let (app, hook) = (&app, &hook);
        async move { app.call_on(hook, method, body).await }
    };
    for (method, body) in [
        ("crm.item.get", json!({"entityTypeId": 2, "id": theirs})),
        (
            "crm.item.update",
            json!({"entityTypeId": 2, "id": theirs, "fields": {"title": "x"}}),
        ),
        ("crm.item.delete", json!({"entityTypeId": 2, "id": theirs})),
        ("crm.item.get", json!({"entityTypeId": 2, "id": 999})),
        (
            "crm.item.update",
            json!({"entityTypeId": 2, "id": hers, "fields": {"assignedById": 1}}),
        ),
    ] {
        assert_error(
            &on(method, body).await,
            400,
            "ACCESS_DENIED",
            "Access denied.",
        );
    }
    let r = on(
        "crm.item.list",
        json!({"entityTypeId": 2, "filter": {"@id": [theirs, hers]}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(ids(&r.json()["result"]), vec![hers]);
    assert_eq!(r.json()["total"], 1);
    let r = on("crm.item.get", json!({"entityTypeId": 2, "id": hers})).await;
    assert_eq!(r.json()["result"]["item"]["title"], "Hers");
    let r = on(
        "crm.item.update",
        json!({"entityTypeId": 2, "id": hers, "fields": {"title": "Still hers"}}),
    )
    .await;
    assert_eq!(
        r.json()["result"]["item"]["title"],
        "Still hers",
        "{}",
        r.text
    );
    let r = on(
        "crm.item.add",
        json!({"entityTypeId": 2, "fields": {"title": "New"}}),
    )
    .await;
    assert_eq!(
        r.json()["result"]["item"]["assignedById"],
        json!(alice),
        "{}",
        r.text
    );
    // The same through batch.
    let r = app
        .call_on(
            &hook,
            "batch",
            json!({"cmd": {"a": format!("crm.item.get?entityTypeId=2&id={theirs}"),
                           "b": format!("crm.item.get?entityTypeId=2&id={hers}")}}),
        )
        .await
        .json();
    assert_eq!(
        r["result"]["result_error"]["a"],
        json!({"error": "ACCESS_DENIED", "error_description": "Access denied."})
    );
    assert_eq!(r["result"]["result"]["b"]["item"]["id"], json!(hers));
    let deleted = on("crm.item.delete", json!({"entityTypeId": 2, "id": hers})).await;
    assert_eq!(deleted.json()["result"], json!([]), "{}", deleted.text);
}

#[tokio::test]
async fn user_fields_in_items() {
    let app = TestApp::start().await;
    let field = |fields: Value| {
        let app = &app;
        async move {
            app.ok("crm.deal.userfield.add", json!({ "fields": fields }))
                .await
        }
    };
    field(json!({"FIELD_NAME": "BUDGET_NOTE", "USER_TYPE_ID": "string", "LABEL": "Budget note"}))
        .await;
    field(json!({"FIELD_NAME": "1747309879", "USER_TYPE_ID": "double"})).await;
    field(json!({"FIELD_NAME": "TAGS", "USER_TYPE_ID": "string", "MULTIPLE": "Y"})).await;
    field(json!({"FIELD_NAME": "VIP", "USER_TYPE_ID": "boolean"})).await;
    field(json!({"FIELD_NAME": "SIGNED", "USER_TYPE_ID": "date"})).await;

    // Written and read by universal name, typed.
    let deal = add(
        &app,
        2,
        json!({"title": "UF", "ufCrmBudgetNote": "tight", "ufCrm_1747309879": "2.5",
               "ufCrmTags": ["a", "b"], "ufCrmVip": "Y", "UF_CRM_SIGNED": "2024-05-06"}),
    )
    .await;
    let id = id_of(&deal);
    assert_eq!(deal["ufCrmBudgetNote"], "tight");
    assert_eq!(deal["ufCrm_1747309879"], json!(2.5));
    assert_eq!(deal["ufCrmTags"], json!(["a", "b"]));
    assert_eq!(deal["ufCrmVip"], json!(true));
    assert_eq!(deal["ufCrmSigned"], "2024-05-06T00:00:00+00:00");
    assert!(deal.get("UF_CRM_BUDGET_NOTE").is_none());
    // The legacy API sees the same values.
    let legacy = app.ok("crm.deal.get", json!({"id": id})).await;
    assert_eq!(legacy["UF_CRM_BUDGET_NOTE"], "tight");
    assert_eq!(legacy["UF_CRM_TAGS"], json!(["a", "b"]));

    // useOriginalUfNames=Y names them by code.
    let original = item(
        &app,
        "crm.item.get",
        json!({"entityTypeId": 2, "id": id, "useOriginalUfNames": "Y"}),
    )
    .await;
    assert_eq!(original["UF_CRM_BUDGET_NOTE"], "tight");
    assert!(original.get("ufCrmBudgetNote").is_none());
    assert_eq!(original["title"], "UF");

    // A second deal, then filter, order and select on user fields.
    let other = id_of(
        &add(
            &app,
            2,
            json!({"ufCrmBudgetNote": "loose", "ufCrm_1747309879": 9}),
        )
        .await,
    );
    let page = app
        .ok(
            "crm.item.list",
            json!({"entityTypeId": 2, "select": ["id", "ufCrmBudgetNote"],
                   "filter": {"%ufCrmBudgetNote": "oo"}}),
        )
        .await;
    assert_eq!(
        page,
        json!({"items": [{"id": other, "ufCrmBudgetNote": "loose"}]})
    );
    let page = app
        .ok(
            "crm.item.list",
            json!({"entityTypeId": 2, "select": ["id"], "order": {"ufCrm_1747309879": "DESC"}}),
        )
        .await;
    assert_eq!(ids(&page), vec![other, id]);
    let page = app
        .ok(
            "crm.item.list",
            json!({"entityTypeId": 2, "select": ["id"], "filter": {">UF_CRM_1747309879": 3}}),
        )
        .await;
    assert_eq!(ids(&page), vec![other]);
    assert_error(
        &app.call(
            "crm.item.list",
            json!({"entityTypeId": 2, "filter": {">ufCrm_1747309879": "x"}}),
        )
        .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: field 'ufCrm_1747309879' has invalid value",
    );
    assert_error(
        &app.call(
            "crm.item.list",
            json!({"entityTypeId": 2, "order": {"ufCrmTags": "ASC"}}),
        )
        .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid order: field 'ufCrmTags' is not allowed in order",
    );

    // Values are checked, errors name the field.
    assert_error(
        &app.call(
            "crm.item.update",
            json!({"entityTypeId": 2, "id": id, "fields": {"ufCrm_1747309879": "lots"}}),
        )
        .await,
        400,
        "CRM_FIELD_ERROR_VALUE_NOT_VALID",
        "Invalid value for field \"ufCrm_1747309879\"",
    );
    field(json!({"FIELD_NAME": "CODE", "USER_TYPE_ID": "string", "MANDATORY": "Y"})).await;
    assert_error(
        &app.call(
            "crm.item.add",
            json!({"entityTypeId": 2, "fields": {"title": "x"}}),
        )
        .await,
        400,
        "CRM_FIELD_ERROR_REQUIRED",
        "The field \"ufCrmCode\" is required.",
    );
    assert_error(
        &app.call(
            "crm.item.update",
            json!({"entityTypeId": 2, "id": id, "fields": {"ufCrmCode": ""}}),
        )
        .await,
        400,
        "CRM_FIELD_ERROR_REQUIRED",
        "The field \"ufCrmCode\" is required.",
    );
    let updated = item(
        &app,
        "crm.item.update",
        json!({"entityTypeId": 2, "id": id, "fields": {"ufCrmTags": [], "ufCrmVip": "N"}}),
    )
    .await;
    assert_eq!(
        (updated["ufCrmTags"].clone(), updated["ufCrmVip"].clone()),
        (json!([]), json!(false))
    );
    assert_eq!(
        updated["ufCrmBudgetNote"], "tight",
        "user fields not given stay"
    );

    // crm.item.fields describes them with their codes as upperName.
    let fields = app.ok("crm.item.fields", json!({"entityTypeId": 2})).await;
    let note = &fields["fields"]["ufCrmBudgetNote"];
    assert_eq!(note["upperName"], "UF_CRM_BUDGET_NOTE");
    assert_eq!(note["isDynamic"], true);
    assert_eq!(note["type"], "string");
    assert_eq!(fields["fields"]["ufCrmTags"]["isMultiple"], true);
    assert_eq!(fields["fields"]["ufCrmCode"]["isRequired"], true);
    let fields = app
        .ok(
            "crm.item.fields",
            json!({"entityTypeId": 2, "useOriginalUfNames": "Y"}),
        )
        .await;
    assert!(fields["fields"].get("UF_CRM_BUDGET_NOTE").is_some());
}
