//! `crm.contact.*`: contacts through the shared legacy entity methods, with the
//! contact's own rules — a first or last name is required, `OPENED` and `EXPORT`
//! default to `Y`, and the audit fields. Its companies (`COMPANY_IDS`, or the
//! legacy single `COMPANY_ID`) are written as links; `get` returns
//! `COMPANY_IDS`, and `COMPANY_ID` is the primary one.

use portico_protocol::ApiError;
use portico_store::crm::CONTACT;
use portico_store::{EntityDef, FieldValue, Record};

use crate::context::Ctx;
use crate::crm::entity::{self, CrmEntity, LegacyNames, Noun};
use crate::crm::write::WriteSet;
use crate::registry::Registry;

/// The contact entity.
pub struct Contact;

fn pos(name: &str) -> usize {
    CONTACT
        .index_of(name)
        .expect("field of the contact catalogue")
}

/// The legacy error of a contact without a name.
const NAME_REQUIRED: &str = "Field 'NAME' or 'LAST_NAME' is required.";

/// Whether a value is non-empty text.
fn filled(v: Option<&FieldValue>) -> bool {
    v.and_then(FieldValue::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

impl CrmEntity for Contact {
    const DEF: &'static EntityDef = &CONTACT;
    const FULL_NAME_FILTER: bool = true;
    const NAMES: LegacyNames = LegacyNames {
        add: "crm.contact.add",
        get: "crm.contact.get",
        list: "crm.contact.list",
        update: "crm.contact.update",
        delete: "crm.contact.delete",
        fields: "crm.contact.fields",
    };
    const NOUN: Noun = Noun {
        en: "contact",
        en_plural: "contacts",
        pt: "contato",
        pt_plural: "contatos",
        pt_feminine: false,
    };
    const ADD_EXAMPLE: &'static str = r#"{"fields": {"NAME": "Ana", "LAST_NAME": "Souza", "COMPANY_IDS": [1], "EMAIL": [{"VALUE": "ana@example.com", "VALUE_TYPE": "WORK"}]}}"#;
    const LIST_EXAMPLE: &'static str = r#"{"select": ["ID", "NAME", "LAST_NAME", "EMAIL"], "filter": {"COMPANY_ID": 1}, "order": {"LAST_NAME": "ASC"}, "start": 0}"#;
    const UPDATE_EXAMPLE: &'static str = r#"{"id": 1, "fields": {"POST": "CTO"}}"#;
    const GET_LINKS: &'static [&'static str] = &["COMPANY_IDS"];

    fn prepare_add(ctx: &Ctx, set: &mut WriteSet) -> Result<(), ApiError> {
        if !filled(set.get(pos("NAME"))) && !filled(set.get(pos("LAST_NAME"))) {
            return Err(ApiError::legacy(NAME_REQUIRED));
        }
        let user = FieldValue::Int(ctx.caller.user.id);
        let now = FieldValue::Int(ctx.clock.now());
        set.set_default(pos("OPENED"), FieldValue::Text("Y".into()));
        set.set_default(pos("EXPORT"), FieldValue::Text("Y".into()));
        set.set_default(pos("ASSIGNED_BY_ID"), user.clone());
        for f in ["CREATED_BY_ID", "MODIFY_BY_ID", "LAST_ACTIVITY_BY"] {
            set.set(pos(f), user.clone());
        }
        for f in ["DATE_CREATE", "DATE_MODIFY", "LAST_ACTIVITY_TIME"] {
            set.set(pos(f), now.clone());
        }
        Ok(())
    }

    fn prepare_update(ctx: &Ctx, current: &Record, set: &mut WriteSet) -> Result<(), ApiError> {
        let after = |name: &str| {
            let p = pos(name);
            set.get(p).or_else(|| current.values.get(p)).cloned()
        };
        if !filled(after("NAME").as_ref()) && !filled(after("LAST_NAME").as_ref()) {
            return Err(ApiError::legacy(NAME_REQUIRED));
        }
        set.set(pos("MODIFY_BY_ID"), FieldValue::Int(ctx.caller.user.id));
        set.set(pos("DATE_MODIFY"), FieldValue::Int(ctx.clock.now()));
        Ok(())
    }
}

/// Declares `crm.contact.*`.
pub fn register(r: &mut Registry) {
    entity::register_legacy::<Contact>(r);
}
