//! `crm.lead.*`: leads through the shared legacy entity methods, with the lead's
//! own rules — default stage `NEW`, the stage's semantics from the `STATUS`
//! directory (`STATUS_SEMANTIC_ID`, `DATE_CLOSED`), stage-move audit, and
//! `IS_RETURN_CUSTOMER` derived from links.

use portico_protocol::ApiError;
use portico_store::crm::LEAD;
use portico_store::{EntityDef, FieldValue, Record, Semantics};

use crate::context::Ctx;
use crate::crm::entity::{self, CrmEntity, LegacyNames, Noun};
use crate::crm::write::WriteSet;
use crate::registry::Registry;

/// The lead entity.
pub struct Lead;

fn pos(name: &str) -> usize {
    LEAD.index_of(name).expect("field of the lead catalogue")
}

/// Stage semantics from the `STATUS` directory (`SEMANTICS` of the stage
/// written, found by `check_statuses`): `S` success, `F` failure, `P` in
/// progress — also for the default `NEW`, which was not written by the client
/// (a first stage is always in progress).
fn semantic(set: &WriteSet) -> &'static str {
    match set.status(pos("STATUS_ID")).and_then(|s| s.semantics) {
        Some(Semantics::Success) => "S",
        Some(Semantics::Failure) => "F",
        None => "P",
    }
}

/// Sets `STATUS_SEMANTIC_ID`, `DATE_CLOSED` and the stage-move audit for a new stage.
fn apply_stage(ctx: &Ctx, set: &mut WriteSet) {
    let now = FieldValue::Int(ctx.clock.now());
    let sem = semantic(set);
    set.set(pos("STATUS_SEMANTIC_ID"), FieldValue::Text(sem.into()));
    set.set(
        pos("DATE_CLOSED"),
        if sem == "P" {
            FieldValue::Null
        } else {
            now.clone()
        },
    );
    set.set(pos("MOVED_BY_ID"), FieldValue::Int(ctx.caller.user.id));
    set.set(pos("MOVED_TIME"), now);
}

/// `Y` when the lead is linked to a company or to contacts.
fn return_customer(company: Option<&FieldValue>, contacts: bool) -> FieldValue {
    let linked = |v: Option<&FieldValue>| v.is_some_and(|v| !v.is_null());
    FieldValue::Text(
        if linked(company) || contacts {
            "Y"
        } else {
            "N"
        }
        .into(),
    )
}

impl CrmEntity for Lead {
    const DEF: &'static EntityDef = &LEAD;
    const NAMES: LegacyNames = LegacyNames {
        add: "crm.lead.add",
        get: "crm.lead.get",
        list: "crm.lead.list",
        update: "crm.lead.update",
        delete: "crm.lead.delete",
        fields: "crm.lead.fields",
    };
    const NOUN: Noun = Noun {
        en: "lead",
        en_plural: "leads",
        pt: "lead",
        pt_plural: "leads",
        pt_feminine: false,
    };
    const ADD_EXAMPLE: &'static str = r#"{"fields": {"TITLE": "New lead", "NAME": "Ana", "PHONE": [{"VALUE": "+5511999990000", "VALUE_TYPE": "WORK"}]}}"#;
    const LIST_EXAMPLE: &'static str = r#"{"select": ["ID", "TITLE", "PHONE"], "filter": {"STATUS_ID": "NEW"}, "order": {"ID": "ASC"}, "start": 0}"#;
    const UPDATE_EXAMPLE: &'static str = r#"{"id": 1, "fields": {"STATUS_ID": "IN_PROCESS"}}"#;

    fn prepare_add(ctx: &Ctx, set: &mut WriteSet) -> Result<(), ApiError> {
        let user = FieldValue::Int(ctx.caller.user.id);
        let now = FieldValue::Int(ctx.clock.now());
        set.set_default(pos("STATUS_ID"), FieldValue::Text("NEW".into()));
        set.set_default(pos("OPENED"), FieldValue::Text("Y".into()));
        set.set_default(pos("CURRENCY_ID"), FieldValue::Text("USD".into()));
        set.set_default(pos("OPPORTUNITY"), FieldValue::Float(0.0));
        set.set_default(pos("IS_MANUAL_OPPORTUNITY"), FieldValue::Text("N".into()));
        set.set_default(pos("ASSIGNED_BY_ID"), user.clone());
        for f in ["CREATED_BY_ID", "MODIFY_BY_ID", "LAST_ACTIVITY_BY"] {
            set.set(pos(f), user.clone());
        }
        for f in ["DATE_CREATE", "DATE_MODIFY", "LAST_ACTIVITY_TIME"] {
            set.set(pos(f), now.clone());
        }
        apply_stage(ctx, set);
        let contacts = set
            .links_of(pos("CONTACT_IDS"))
            .is_some_and(|ids| !ids.is_empty());
        let rc = return_customer(set.get(pos("COMPANY_ID")), contacts);
        set.set(pos("IS_RETURN_CUSTOMER"), rc);
        Ok(())
    }

    fn prepare_update(ctx: &Ctx, current: &Record, set: &mut WriteSet) -> Result<(), ApiError> {
        set.set(pos("MODIFY_BY_ID"), FieldValue::Int(ctx.caller.user.id));
        set.set(pos("DATE_MODIFY"), FieldValue::Int(ctx.clock.now()));
        let status_pos = pos("STATUS_ID");
        if let Some(new) = set.get(status_pos).cloned() {
            if new.is_null() {
                set.set(status_pos, FieldValue::Text("NEW".into()));
            }
            let new = set
                .get(status_pos)
                .and_then(|v| v.as_str())
                .map(str::to_string);
            if current.values.get(status_pos).and_then(|v| v.as_str()) != new.as_deref() {
                apply_stage(ctx, set);
            }
        }
        let pick = |name: &str| {
            let p = pos(name);
            set.get(p).or_else(|| current.values.get(p)).cloned()
        };
        // CONTACT_ID mirrors the primary linked contact.
        let contacts = match set.links_of(pos("CONTACT_IDS")) {
            Some(ids) => !ids.is_empty(),
            None => current
                .values
                .get(pos("CONTACT_ID"))
                .is_some_and(|v| !v.is_null()),
        };
        let rc = return_customer(pick("COMPANY_ID").as_ref(), contacts);
        set.set(pos("IS_RETURN_CUSTOMER"), rc);
        Ok(())
    }
}

/// Declares `crm.lead.*`.
pub fn register(r: &mut Registry) {
    entity::register_legacy::<Lead>(r);
}
