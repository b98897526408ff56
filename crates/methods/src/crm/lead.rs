//! `crm.lead.*`: leads through the shared legacy entity methods, with the lead's
//! own rules — default stage `NEW`, the stage's semantics (`STATUS_SEMANTIC_ID`,
//! `DATE_CLOSED`), stage-move audit, and `IS_RETURN_CUSTOMER` derived from links.

use portico_store::crm::LEAD;
use portico_store::{EntityDef, FieldValue, Record};

use crate::context::Ctx;
use crate::crm::entity::{self, CrmEntity};
use crate::crm::write::WriteSet;
use crate::handler;
use crate::registry::{MethodSpec, ParamSpec, Registry};

/// The lead entity.
pub struct Lead;

fn pos(name: &str) -> usize {
    LEAD.index_of(name).expect("field of the lead catalogue")
}

/// Stage semantics: `S` success, `F` failure, `P` in progress.
fn semantic(status: Option<&str>) -> &'static str {
    match status {
        Some("CONVERTED") => "S",
        Some("JUNK") => "F",
        _ => "P",
    }
}

/// Sets `STATUS_SEMANTIC_ID`, `DATE_CLOSED` and the stage-move audit for a new stage.
fn apply_stage(ctx: &Ctx, set: &mut WriteSet, status: Option<&str>) {
    let now = FieldValue::Int(ctx.clock.now());
    let sem = semantic(status);
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

/// `Y` when the lead is linked to a company or a contact.
fn return_customer(company: Option<&FieldValue>, contact: Option<&FieldValue>) -> FieldValue {
    let linked = |v: Option<&FieldValue>| v.is_some_and(|v| !v.is_null());
    FieldValue::Text(
        if linked(company) || linked(contact) {
            "Y"
        } else {
            "N"
        }
        .into(),
    )
}

impl CrmEntity for Lead {
    const DEF: &'static EntityDef = &LEAD;

    fn prepare_add(ctx: &Ctx, set: &mut WriteSet) {
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
        let status = set
            .get(pos("STATUS_ID"))
            .and_then(|v| v.as_str())
            .map(str::to_string);
        apply_stage(ctx, set, status.as_deref());
        let rc = return_customer(set.get(pos("COMPANY_ID")), set.get(pos("CONTACT_ID")));
        set.set(pos("IS_RETURN_CUSTOMER"), rc);
    }

    fn prepare_update(ctx: &Ctx, current: &Record, set: &mut WriteSet) {
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
                apply_stage(ctx, set, new.as_deref());
            }
        }
        let pick = |name: &str| {
            let p = pos(name);
            set.get(p).or_else(|| current.values.get(p)).cloned()
        };
        let rc = return_customer(pick("COMPANY_ID").as_ref(), pick("CONTACT_ID").as_ref());
        set.set(pos("IS_RETURN_CUSTOMER"), rc);
    }
}

const ID: ParamSpec = ParamSpec {
    name: "id",
    kind: "integer",
    required: true,
    description: "Lead ID.",
    description_pt: "ID do lead.",
};
const FIELDS: ParamSpec = ParamSpec {
    name: "fields",
    kind: "object",
    required: true,
    description: "Field values: TITLE, NAME, STATUS_ID, OPPORTUNITY, PHONE[] …",
    description_pt: "Valores dos campos: TITLE, NAME, STATUS_ID, OPPORTUNITY, PHONE[] …",
};
const PARAMS: ParamSpec = ParamSpec {
    name: "params",
    kind: "object",
    required: false,
    description: "Options such as REGISTER_SONET_EVENT (Y/N).",
    description_pt: "Opções como REGISTER_SONET_EVENT (Y/N).",
};

/// Declares `crm.lead.*`.
pub fn register(r: &mut Registry) {
    let spec = |name, description, description_pt, params, example, handler| MethodSpec {
        name,
        scope: "crm",
        also_granted_by: &[],
        description,
        description_pt,
        params,
        example,
        batchable: true,
        handler,
    };
    r.add(spec(
        "crm.lead.add",
        "Creates a lead and returns its ID. Multi-fields (PHONE, EMAIL, WEB, IM) take lists of {VALUE, VALUE_TYPE}.",
        "Cria um lead e retorna seu ID. Campos múltiplos (PHONE, EMAIL, WEB, IM) recebem listas de {VALUE, VALUE_TYPE}.",
        &[FIELDS, PARAMS],
        r#"{"fields": {"TITLE": "New lead", "NAME": "Ana", "PHONE": [{"VALUE": "+5511999990000", "VALUE_TYPE": "WORK"}]}}"#,
        handler!(entity::add::<Lead>),
    ));
    r.add(spec(
        "crm.lead.get",
        "Returns a lead by ID with all its fields and multi-fields.",
        "Retorna um lead pelo ID com todos os seus campos e campos múltiplos.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(entity::get::<Lead>),
    ));
    r.add(spec(
        "crm.lead.list",
        "Lists leads, 50 per page, with filter (operators =, !, >, >=, <, <=, @, !@, %, =%, !%, ><), order, select and start.",
        "Lista leads, 50 por página, com filter (operadores =, !, >, >=, <, <=, @, !@, %, =%, !%, ><), order, select e start.",
        &[
            ParamSpec { name: "select", kind: "array", required: false, description: "Fields to return; * for all standard fields; multi-fields by name.", description_pt: "Campos a retornar; * para todos os campos padrão; campos múltiplos pelo nome." },
            ParamSpec { name: "filter", kind: "object", required: false, description: "Conditions, e.g. {\">OPPORTUNITY\": 0, \"STATUS_ID\": \"NEW\"}.", description_pt: "Condições, p. ex. {\">OPPORTUNITY\": 0, \"STATUS_ID\": \"NEW\"}." },
            ParamSpec { name: "order", kind: "object", required: false, description: "Sort, e.g. {\"ID\": \"ASC\"}.", description_pt: "Ordenação, p. ex. {\"ID\": \"ASC\"}." },
            ParamSpec { name: "start", kind: "integer", required: false, description: "Offset; -1 skips counting.", description_pt: "Deslocamento; -1 dispensa a contagem." },
        ],
        r#"{"select": ["ID", "TITLE", "PHONE"], "filter": {"STATUS_ID": "NEW"}, "order": {"ID": "ASC"}, "start": 0}"#,
        handler!(entity::list::<Lead>),
    ));
    r.add(spec(
        "crm.lead.update",
        "Changes the given fields of a lead. Multi-field items with ID change that entry; with ID and an empty VALUE delete it.",
        "Altera os campos informados de um lead. Itens de campo múltiplo com ID alteram essa entrada; com ID e VALUE vazio a removem.",
        &[ID, FIELDS, PARAMS],
        r#"{"id": 1, "fields": {"STATUS_ID": "IN_PROCESS"}}"#,
        handler!(entity::update::<Lead>),
    ));
    r.add(spec(
        "crm.lead.delete",
        "Deletes a lead.",
        "Remove um lead.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(entity::delete::<Lead>),
    ));
    r.add(spec(
        "crm.lead.fields",
        "Describes the lead fields: type, flags and title.",
        "Descreve os campos do lead: tipo, atributos e título.",
        &[],
        r#"{}"#,
        handler!(entity::fields::<Lead>),
    ));
}
