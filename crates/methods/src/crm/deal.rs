//! `crm.deal.*`: deals through the shared legacy entity methods, with the deal's
//! own rules — funnel `CATEGORY_ID` (default 0, immutable), default stage `NEW`
//! (`C{n}:NEW` in funnel n), the stage's semantics (`STAGE_SEMANTIC_ID`, `CLOSED`,
//! `CLOSEDATE` of a final stage, `IS_NEW`), stage-move audit, defaults (`TYPE_ID`
//! `SALE`, `USD`, amount 0, `BEGINDATE` today) and the default title `Deal #{id}`.
//! Its contacts (`CONTACT_IDS`, or the legacy single `CONTACT_ID`) are written as
//! links and, as in Bitrix24, not returned by `get` and `list`.

use portico_protocol::ApiError;
use portico_store::crm::DEAL;
use portico_store::pipelines::stage_prefix;
use portico_store::{EntityDef, FieldValue, Record, Semantics};

use crate::context::Ctx;
use crate::crm::entity::{self, CrmEntity, LegacyNames, Noun};
use crate::crm::write::WriteSet;
use crate::registry::Registry;

/// The deal entity.
pub struct Deal;

fn pos(name: &str) -> usize {
    DEAL.index_of(name).expect("field of the deal catalogue")
}

/// A stage without its funnel prefix (`C2:WON` → `WON`).
fn stage_base(stage: &str) -> &str {
    match stage.split_once(':') {
        Some((prefix, rest))
            if prefix.len() > 1
                && prefix.starts_with('C')
                && prefix[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            rest
        }
        _ => stage,
    }
}

/// The first stage of funnel `category`.
fn default_stage(category: i64) -> String {
    format!("{}NEW", stage_prefix(category))
}

/// Stage semantics: the directory's when the stage written was checked against
/// it, else by name — `WON` success (`S`), `LOSE` and `APOLOGY` failure (`F`),
/// anything else in progress (`P`).
fn semantic(set: &WriteSet, stage: &str) -> &'static str {
    if let Some(item) = set.status(pos("STAGE_ID")) {
        return match item.semantics {
            Some(Semantics::Success) => "S",
            Some(Semantics::Failure) => "F",
            None => "P",
        };
    }
    match stage_base(stage) {
        "WON" => "S",
        "LOSE" | "APOLOGY" => "F",
        _ => "P",
    }
}

/// Today in the portal's offset, `YYYY-MM-DD`.
fn today(ctx: &Ctx) -> String {
    chrono::DateTime::from_timestamp(ctx.clock.now(), 0)
        .map(|d| d.with_timezone(&ctx.clock.offset).date_naive())
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

/// The text of a written value.
fn text(set: &WriteSet, idx: usize) -> Option<String> {
    set.get(idx)
        .and_then(FieldValue::as_str)
        .map(str::to_string)
}

/// Derived fields of a stage that is new to the deal: semantics, `CLOSED`,
/// `IS_NEW`, `CLOSEDATE` (today for a final stage unless written), move audit.
fn apply_stage(ctx: &Ctx, set: &mut WriteSet, stage: &str) {
    let sem = semantic(set, stage);
    set.set(pos("STAGE_SEMANTIC_ID"), FieldValue::Text(sem.into()));
    let closed = if sem == "P" { "N" } else { "Y" };
    set.set(pos("CLOSED"), FieldValue::Text(closed.into()));
    let is_new = if stage_base(stage) == "NEW" { "Y" } else { "N" };
    set.set(pos("IS_NEW"), FieldValue::Text(is_new.into()));
    if sem != "P" {
        set.set_default(pos("CLOSEDATE"), FieldValue::Text(today(ctx)));
    }
    set.set(pos("MOVED_BY_ID"), FieldValue::Int(ctx.caller.user.id));
    set.set(pos("MOVED_TIME"), FieldValue::Int(ctx.clock.now()));
}

impl CrmEntity for Deal {
    const DEF: &'static EntityDef = &DEAL;
    const NAMES: LegacyNames = LegacyNames {
        add: "crm.deal.add",
        get: "crm.deal.get",
        list: "crm.deal.list",
        update: "crm.deal.update",
        delete: "crm.deal.delete",
        fields: "crm.deal.fields",
    };
    const NOUN: Noun = Noun {
        en: "deal",
        en_plural: "deals",
        pt: "negócio",
        pt_plural: "negócios",
        pt_feminine: false,
    };
    const ADD_EXAMPLE: &'static str = r#"{"fields": {"TITLE": "Website redesign", "STAGE_ID": "PREPARATION", "OPPORTUNITY": 15000, "CURRENCY_ID": "USD", "COMPANY_ID": 1, "CONTACT_IDS": [1, 2]}}"#;
    const LIST_EXAMPLE: &'static str = r#"{"select": ["ID", "TITLE", "STAGE_ID", "OPPORTUNITY"], "filter": {">OPPORTUNITY": 1000, "STAGE_SEMANTIC_ID": "P"}, "order": {"ID": "DESC"}, "start": 0}"#;
    const UPDATE_EXAMPLE: &'static str = r#"{"id": 1, "fields": {"STAGE_ID": "WON"}}"#;

    fn prepare_add(ctx: &Ctx, set: &mut WriteSet) -> Result<(), ApiError> {
        let user = FieldValue::Int(ctx.caller.user.id);
        let now = FieldValue::Int(ctx.clock.now());
        // Checked (unknown and negative as 0) by the directory check before.
        let category = set
            .get(pos("CATEGORY_ID"))
            .and_then(FieldValue::as_i64)
            .unwrap_or(0);
        set.set(pos("CATEGORY_ID"), FieldValue::Int(category));
        set.set_default(pos("STAGE_ID"), FieldValue::Text(default_stage(category)));
        set.set_default(pos("TYPE_ID"), FieldValue::Text("SALE".into()));
        set.set_default(pos("CURRENCY_ID"), FieldValue::Text("USD".into()));
        set.set_default(pos("OPPORTUNITY"), FieldValue::Float(0.0));
        set.set_default(pos("IS_MANUAL_OPPORTUNITY"), FieldValue::Text("N".into()));
        set.set_default(pos("TAX_VALUE"), FieldValue::Float(0.0));
        set.set_default(pos("OPENED"), FieldValue::Text("Y".into()));
        for f in ["IS_RECURRING", "IS_RETURN_CUSTOMER", "IS_REPEATED_APPROACH"] {
            set.set_default(pos(f), FieldValue::Text("N".into()));
        }
        set.set_default(pos("BEGINDATE"), FieldValue::Text(today(ctx)));
        set.set_default(pos("ASSIGNED_BY_ID"), user.clone());
        for f in ["CREATED_BY_ID", "MODIFY_BY_ID", "LAST_ACTIVITY_BY"] {
            set.set(pos(f), user.clone());
        }
        for f in ["DATE_CREATE", "DATE_MODIFY", "LAST_ACTIVITY_TIME"] {
            set.set(pos(f), now.clone());
        }
        let stage = text(set, pos("STAGE_ID")).unwrap_or_else(|| default_stage(category));
        apply_stage(ctx, set, &stage);
        Ok(())
    }

    fn prepare_update(ctx: &Ctx, current: &Record, set: &mut WriteSet) -> Result<(), ApiError> {
        set.set(pos("MODIFY_BY_ID"), FieldValue::Int(ctx.caller.user.id));
        set.set(pos("DATE_MODIFY"), FieldValue::Int(ctx.clock.now()));
        let stage_pos = pos("STAGE_ID");
        let current_category = current
            .values
            .get(pos("CATEGORY_ID"))
            .and_then(FieldValue::as_i64)
            .unwrap_or(0);
        let current_stage = current.values.get(stage_pos).and_then(FieldValue::as_str);
        if let Some(category) = set.get(pos("CATEGORY_ID")).and_then(FieldValue::as_i64) {
            // A move to another pipeline (checked by the directory check):
            // without a stage, the one of the same group there.
            if set.get(stage_pos).is_none_or(FieldValue::is_null) {
                let mapped = match current_stage.map(stage_base) {
                    Some("WON") => format!("{}WON", stage_prefix(category)),
                    Some("LOSE" | "APOLOGY") => format!("{}LOSE", stage_prefix(category)),
                    _ => default_stage(category),
                };
                set.set(stage_pos, FieldValue::Text(mapped));
            }
            let stage = text(set, stage_pos).unwrap_or_else(|| default_stage(category));
            apply_stage(ctx, set, &stage);
            return Ok(());
        }
        if set.get(stage_pos).is_some() {
            set.set_default(stage_pos, FieldValue::Text(default_stage(current_category)));
            let stage = text(set, stage_pos).unwrap_or_else(|| default_stage(current_category));
            if current_stage != Some(stage.as_str()) {
                apply_stage(ctx, set, &stage);
            }
        }
        Ok(())
    }

    fn id_defaults() -> Vec<(usize, String)> {
        vec![(pos("TITLE"), "Deal #".to_owned())]
    }
}

/// Declares `crm.deal.*`.
pub fn register(r: &mut Registry) {
    entity::register_legacy::<Deal>(r);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_lose_their_funnel_prefix() {
        assert_eq!(stage_base("C2:WON"), "WON");
        assert_eq!(stage_base("C12:NEW"), "NEW");
        assert_eq!(stage_base("WON"), "WON");
        assert_eq!(stage_base("CX:WON"), "CX:WON");
        assert_eq!(stage_base("C:WON"), "C:WON");
        assert_eq!(default_stage(0), "NEW");
        assert_eq!(default_stage(3), "C3:NEW");
    }

    #[test]
    fn semantics_follow_the_stage_name_without_a_directory_item() {
        let set = WriteSet::default();
        assert_eq!(semantic(&set, "WON"), "S");
        assert_eq!(semantic(&set, "C1:LOSE"), "F");
        assert_eq!(semantic(&set, "APOLOGY"), "F");
        assert_eq!(semantic(&set, "EXECUTING"), "P");
    }
}
