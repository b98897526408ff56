//! `crm.company.*`: companies through the shared legacy entity methods, with
//! the company's own rules — `TITLE` is required, `OPENED` defaults to `Y`,
//! `IS_MY_COMPANY` to `N`, the currency to `USD`, and the audit fields. Its
//! contacts (`CONTACT_ID`, a list) are the contact → company links read from the
//! company's side; writing the list links or unlinks those contacts.

use portico_protocol::ApiError;
use portico_store::crm::COMPANY;
use portico_store::{EntityDef, FieldValue, Record};

use crate::context::Ctx;
use crate::crm::entity::{self, CrmEntity, LegacyNames, Noun};
use crate::crm::write::WriteSet;
use crate::registry::Registry;

/// The company entity.
pub struct Company;

fn pos(name: &str) -> usize {
    COMPANY
        .index_of(name)
        .expect("field of the company catalogue")
}

/// The legacy error of a company without a title.
const TITLE_REQUIRED: &str = "Field 'TITLE' is required.";

/// Whether a value is non-empty text.
fn filled(v: Option<&FieldValue>) -> bool {
    v.and_then(FieldValue::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

impl CrmEntity for Company {
    const DEF: &'static EntityDef = &COMPANY;
    const NAMES: LegacyNames = LegacyNames {
        add: "crm.company.add",
        get: "crm.company.get",
        list: "crm.company.list",
        update: "crm.company.update",
        delete: "crm.company.delete",
        fields: "crm.company.fields",
    };
    const NOUN: Noun = Noun {
        en: "company",
        en_plural: "companies",
        pt: "empresa",
        pt_plural: "empresas",
        pt_feminine: true,
    };
    const ADD_EXAMPLE: &'static str = r#"{"fields": {"TITLE": "ACME Ltda", "COMPANY_TYPE": "CUSTOMER", "INDUSTRY": "IT", "PHONE": [{"VALUE": "+551130000000", "VALUE_TYPE": "WORK"}]}}"#;
    const LIST_EXAMPLE: &'static str = r#"{"select": ["ID", "TITLE", "PHONE"], "filter": {"%TITLE": "acme"}, "order": {"TITLE": "ASC"}, "start": 0}"#;
    const UPDATE_EXAMPLE: &'static str =
        r#"{"id": 1, "fields": {"REVENUE": 2500000, "CONTACT_ID": [1, 2]}}"#;
    const NOT_FOUND: &'static str = "Company is not found";
    const GET_LINKS: &'static [&'static str] = &["CONTACT_ID"];

    fn prepare_add(ctx: &Ctx, set: &mut WriteSet) -> Result<(), ApiError> {
        if !filled(set.get(pos("TITLE"))) {
            return Err(ApiError::legacy(TITLE_REQUIRED));
        }
        let user = FieldValue::Int(ctx.caller.user.id);
        let now = FieldValue::Int(ctx.clock.now());
        set.set_default(pos("OPENED"), FieldValue::Text("Y".into()));
        set.set_default(pos("IS_MY_COMPANY"), FieldValue::Text("N".into()));
        set.set_default(pos("CURRENCY_ID"), FieldValue::Text("USD".into()));
        set.set_default(pos("ASSIGNED_BY_ID"), user.clone());
        for f in ["CREATED_BY_ID", "MODIFY_BY_ID", "LAST_ACTIVITY_BY"] {
            set.set(pos(f), user.clone());
        }
        for f in ["DATE_CREATE", "DATE_MODIFY", "LAST_ACTIVITY_TIME"] {
            set.set(pos(f), now.clone());
        }
        Ok(())
    }

    fn prepare_update(ctx: &Ctx, _current: &Record, set: &mut WriteSet) -> Result<(), ApiError> {
        if set.get(pos("TITLE")).is_some() && !filled(set.get(pos("TITLE"))) {
            return Err(ApiError::legacy(TITLE_REQUIRED));
        }
        set.set(pos("MODIFY_BY_ID"), FieldValue::Int(ctx.caller.user.id));
        set.set(pos("DATE_MODIFY"), FieldValue::Int(ctx.clock.now()));
        Ok(())
    }
}

/// Declares `crm.company.*`.
pub fn register(r: &mut Registry) {
    entity::register_legacy::<Company>(r);
}
