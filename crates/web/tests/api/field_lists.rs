//! The field lists: `crm.{lead,deal,contact,company}.fields` compared with
//! Bitrix24's field tables (name, type, `statusType` and the isRequired /
//! isReadOnly / isImmutable / isMultiple / isDeprecated flags), and
//! `user.fields` with Bitrix24's list of user fields.
//!
//! Tables: one field a line, `NAME type`, then `+FLAGS` (R read-only,
//! I immutable, M multiple, Q required, D deprecated) and `=statusType` when
//! there are any.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::common::TestApp;

/// `crm.lead.fields` as Bitrix24's documentation shows it.
const LEAD: &str = "
ID integer +R
TITLE string
HONORIFIC crm_status =HONORIFIC
NAME string
SECOND_NAME string
LAST_NAME string
BIRTHDATE date
COMPANY_TITLE string
SOURCE_ID crm_status =SOURCE
SOURCE_DESCRIPTION string
STATUS_ID crm_status =STATUS
STATUS_DESCRIPTION string
STATUS_SEMANTIC_ID string +R
POST string
ADDRESS string
ADDRESS_2 string
ADDRESS_CITY string
ADDRESS_POSTAL_CODE string
ADDRESS_REGION string
ADDRESS_PROVINCE string
ADDRESS_COUNTRY string
ADDRESS_COUNTRY_CODE string
ADDRESS_LOC_ADDR_ID integer
CURRENCY_ID crm_currency
OPPORTUNITY double
IS_MANUAL_OPPORTUNITY char
OPENED char
COMMENTS string
HAS_PHONE char +R
HAS_EMAIL char +R
HAS_IMOL char +R
ASSIGNED_BY_ID user
CREATED_BY_ID user +R
MODIFY_BY_ID user +R
MOVED_BY_ID user +R
DATE_CREATE datetime +R
DATE_MODIFY datetime +R
MOVED_TIME datetime +R
COMPANY_ID crm_company
CONTACT_ID crm_contact +D
CONTACT_IDS crm_contact +M
IS_RETURN_CUSTOMER char +R
DATE_CLOSED datetime +R
ORIGINATOR_ID string
ORIGIN_ID string
UTM_SOURCE string
UTM_MEDIUM string
UTM_CAMPAIGN string
UTM_CONTENT string
UTM_TERM string
LAST_ACTIVITY_TIME datetime +R
LAST_ACTIVITY_BY user +R
PHONE crm_multifield +M
EMAIL crm_multifield +M
WEB crm_multifield +M
IM crm_multifield +M
LINK crm_multifield +M
";

/// `crm.deal.fields` as Bitrix24's documentation shows it, except `LOCATION_ID`:
/// read-only here (Portico has no locations; Bitrix24 lists it writable).
const DEAL: &str = "
ID integer +R
TITLE string
TYPE_ID crm_status =DEAL_TYPE
CATEGORY_ID crm_category +I
STAGE_ID crm_status =DEAL_STAGE
STAGE_SEMANTIC_ID string +R
IS_NEW char +R
IS_RECURRING char
IS_RETURN_CUSTOMER char
IS_REPEATED_APPROACH char
PROBABILITY integer
CURRENCY_ID crm_currency
OPPORTUNITY double
IS_MANUAL_OPPORTUNITY char
TAX_VALUE double
COMPANY_ID crm_company
CONTACT_ID crm_contact +D
CONTACT_IDS crm_contact +M
QUOTE_ID crm_quote +R
BEGINDATE date
CLOSEDATE date
OPENED char
CLOSED char
COMMENTS string
ASSIGNED_BY_ID user
CREATED_BY_ID user +R
MODIFY_BY_ID user +R
MOVED_BY_ID user +R
DATE_CREATE datetime +R
DATE_MODIFY datetime +R
MOVED_TIME datetime +R
SOURCE_ID crm_status =SOURCE
SOURCE_DESCRIPTION string
LEAD_ID crm_lead +R
ADDITIONAL_INFO string
LOCATION_ID location +R
ORIGINATOR_ID string
ORIGIN_ID string
UTM_SOURCE string
UTM_MEDIUM string
UTM_CAMPAIGN string
UTM_CONTENT string
UTM_TERM string
LAST_ACTIVITY_TIME datetime +R
LAST_ACTIVITY_BY user +R
";

/// `crm.contact.fields` as Bitrix24's documentation shows it, except that `NAME`,
/// `SECOND_NAME` and `LAST_NAME` are not required (a portal setting; the example
/// portal requires them) and `PHOTO` is read-only (files are not stored).
const CONTACT: &str = "
ID integer +R
HONORIFIC crm_status =HONORIFIC
NAME string
SECOND_NAME string
LAST_NAME string
PHOTO file +R
BIRTHDATE date
TYPE_ID crm_status =CONTACT_TYPE
SOURCE_ID crm_status =SOURCE
SOURCE_DESCRIPTION string
POST string
ADDRESS string
ADDRESS_2 string
ADDRESS_CITY string
ADDRESS_POSTAL_CODE string
ADDRESS_REGION string
ADDRESS_PROVINCE string
ADDRESS_COUNTRY string
ADDRESS_COUNTRY_CODE string
ADDRESS_LOC_ADDR_ID integer
COMMENTS string
OPENED char
EXPORT char
HAS_PHONE char +R
HAS_EMAIL char +R
HAS_IMOL char +R
ASSIGNED_BY_ID user
CREATED_BY_ID user +R
MODIFY_BY_ID user +R
DATE_CREATE datetime +R
DATE_MODIFY datetime +R
COMPANY_ID crm_company +D
COMPANY_IDS crm_company +M
LEAD_ID crm_lead +R
ORIGINATOR_ID string
ORIGIN_ID string
ORIGIN_VERSION string
UTM_SOURCE string
UTM_MEDIUM string
UTM_CAMPAIGN string
UTM_CONTENT string
UTM_TERM string
LAST_ACTIVITY_TIME datetime +R
LAST_ACTIVITY_BY user +R
PHONE crm_multifield +M
EMAIL crm_multifield +M
WEB crm_multifield +M
IM crm_multifield +M
LINK crm_multifield +M
";

/// `crm.company.fields` as Bitrix24's documentation shows it, without the example
/// portal's smart-process link and user fields, with `LOGO` read-only (files are
/// not stored) and `LAST_ACTIVITY_*` read-only (as the field reference says;
/// the example lists them writable).
const COMPANY: &str = "
ID integer +R
TITLE string +Q
COMPANY_TYPE crm_status =COMPANY_TYPE
LOGO file +R
ADDRESS string
ADDRESS_2 string
ADDRESS_CITY string
ADDRESS_POSTAL_CODE string
ADDRESS_REGION string
ADDRESS_PROVINCE string
ADDRESS_COUNTRY string
ADDRESS_COUNTRY_CODE string
ADDRESS_LOC_ADDR_ID integer
ADDRESS_LEGAL string
REG_ADDRESS string
REG_ADDRESS_2 string
REG_ADDRESS_CITY string
REG_ADDRESS_POSTAL_CODE string
REG_ADDRESS_REGION string
REG_ADDRESS_PROVINCE string
REG_ADDRESS_COUNTRY string
REG_ADDRESS_COUNTRY_CODE string
REG_ADDRESS_LOC_ADDR_ID integer
BANKING_DETAILS string
INDUSTRY crm_status =INDUSTRY
EMPLOYEES crm_status =EMPLOYEES
CURRENCY_ID crm_currency
REVENUE double
OPENED char
COMMENTS string
HAS_PHONE char +R
HAS_EMAIL char +R
HAS_IMOL char +R
IS_MY_COMPANY char
ASSIGNED_BY_ID user
CREATED_BY_ID user +R
MODIFY_BY_ID user +R
DATE_CREATE datetime +R
DATE_MODIFY datetime +R
CONTACT_ID crm_contact +M
LEAD_ID crm_lead +R
ORIGINATOR_ID string
ORIGIN_ID string
ORIGIN_VERSION string
UTM_SOURCE string
UTM_MEDIUM string
UTM_CAMPAIGN string
UTM_CONTENT string
UTM_TERM string
LAST_ACTIVITY_TIME datetime +R
LAST_ACTIVITY_BY user +R
LAST_COMMUNICATION_TIME string +R
PHONE crm_multifield +M
EMAIL crm_multifield +M
WEB crm_multifield +M
IM crm_multifield +M
LINK crm_multifield +M
";

/// `user.fields`: every field Bitrix24 lists, field → caption.
const USER_FIELDS: [&str; 62] = [
    "ID",
    "XML_ID",
    "ACTIVE",
    "NAME",
    "LAST_NAME",
    "SECOND_NAME",
    "TITLE",
    "EMAIL",
    "LAST_LOGIN",
    "DATE_REGISTER",
    "TIME_ZONE",
    "IS_ONLINE",
    "TIMESTAMP_X",
    "LAST_ACTIVITY_DATE",
    "PERSONAL_GENDER",
    "PERSONAL_PROFESSION",
    "PERSONAL_WWW",
    "PERSONAL_BIRTHDAY",
    "PERSONAL_PHOTO",
    "PERSONAL_ICQ",
    "PERSONAL_PHONE",
    "PERSONAL_FAX",
    "PERSONAL_MOBILE",
    "PERSONAL_PAGER",
    "PERSONAL_STREET",
    "PERSONAL_CITY",
    "PERSONAL_STATE",
    "PERSONAL_ZIP",
    "PERSONAL_COUNTRY",
    "PERSONAL_MAILBOX",
    "PERSONAL_NOTES",
    "WORK_PHONE",
    "WORK_COMPANY",
    "WORK_POSITION",
    "WORK_DEPARTMENT",
    "WORK_WWW",
    "WORK_FAX",
    "WORK_PAGER",
    "WORK_STREET",
    "WORK_MAILBOX",
    "WORK_CITY",
    "WORK_STATE",
    "WORK_ZIP",
    "WORK_COUNTRY",
    "WORK_PROFILE",
    "WORK_LOGO",
    "WORK_NOTES",
    "UF_SKYPE_LINK",
    "UF_ZOOM",
    "UF_EMPLOYMENT_DATE",
    "UF_TIMEMAN",
    "UF_DEPARTMENT",
    "UF_INTERESTS",
    "UF_SKILLS",
    "UF_WEB_SITES",
    "UF_XING",
    "UF_LINKEDIN",
    "UF_TWITTER",
    "UF_SKYPE",
    "UF_DISTRICT",
    "UF_PHONE_INNER",
    "USER_TYPE",
];

/// A table as field → descriptor, in the shape `*.fields` answers.
fn expected(table: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for line in table.lines().filter(|l| !l.trim().is_empty()) {
        let mut words = line.split_whitespace();
        let name = words.next().expect("name");
        let kind = words.next().expect("type");
        let mut flags = "";
        let mut status = None;
        for word in words {
            match word.split_at(1) {
                ("+", f) => flags = f,
                ("=", s) => status = Some(s),
                _ => panic!("bad table line {line}"),
            }
        }
        let mut d = json!({
            "type": kind,
            "isRequired": flags.contains('Q'),
            "isReadOnly": flags.contains('R'),
            "isImmutable": flags.contains('I'),
            "isMultiple": flags.contains('M'),
            "isDeprecated": flags.contains('D'),
        });
        if let Some(status) = status {
            d["statusType"] = json!(status);
        }
        out.insert(name.to_owned(), d);
    }
    out
}

/// An answer of `*.fields` reduced to what the tables give.
fn answered(result: &Value) -> BTreeMap<String, Value> {
    let fields = result.as_object().expect("fields object");
    fields
        .iter()
        .map(|(name, d)| {
            let flag = |key: &str| json!(d[key].as_bool().unwrap_or(false));
            let mut out = json!({
                "type": d["type"],
                "isRequired": flag("isRequired"),
                "isReadOnly": flag("isReadOnly"),
                "isImmutable": flag("isImmutable"),
                "isMultiple": flag("isMultiple"),
                "isDeprecated": flag("isDeprecated"),
            });
            if let Some(status) = d.get("statusType") {
                out["statusType"] = status.clone();
            }
            (name.clone(), out)
        })
        .collect()
}

#[tokio::test]
async fn crm_field_lists_are_bitrix24s() {
    let app = TestApp::start().await;
    for (method, table) in [
        ("crm.lead.fields", LEAD),
        ("crm.deal.fields", DEAL),
        ("crm.contact.fields", CONTACT),
        ("crm.company.fields", COMPANY),
    ] {
        let result = app.ok(method, json!({})).await;
        let (want, got) = (expected(table), answered(&result));
        let missing: Vec<&String> = want.keys().filter(|k| !got.contains_key(*k)).collect();
        let extra: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{method}: missing {missing:?}, not in Bitrix24's list {extra:?}"
        );
        for (name, d) in &want {
            assert_eq!(&got[name], d, "{method} {name}");
        }
    }
}

#[tokio::test]
async fn user_fields_list_every_user_field_with_a_caption() {
    let app = TestApp::start().await;
    let result = app.ok("user.fields", json!({})).await;
    let fields = result.as_object().expect("object");
    let mut got: Vec<&str> = fields.keys().map(String::as_str).collect();
    let mut want = USER_FIELDS.to_vec();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
    for (name, caption) in fields {
        assert!(
            caption.as_str().is_some_and(|c| !c.is_empty()),
            "{name}: {caption}"
        );
    }
}
