//! Stage history (`crm.stagehistory.list`): one row when a lead or a deal is
//! created and one each time its stage (or a deal's pipeline) changes, written
//! by the backend in the record write's own transaction. The two catalogues
//! below describe the rows as the list machinery filters, sorts and renders
//! them; [`tracked`] tells a backend which records keep a history and where
//! their stage is.

use crate::entity::{EntityDef, FieldDef as F, FieldKind as K};

/// Lead stage history (`entityTypeId` 1), table `crm_lead_stage_history`.
pub static LEAD_STAGE_HISTORY: EntityDef = EntityDef {
    code: "LEAD_STAGE_HISTORY",
    table: "crm_lead_stage_history",
    fields: &[
        F::new("ID", "id", K::Integer, "ID").read_only(),
        F::new("TYPE_ID", "type_id", K::Integer, "Type").read_only(),
        F::new("OWNER_ID", "owner_id", K::Integer, "Owner").read_only(),
        F::new("CREATED_TIME", "created_time", K::DateTime, "Created on").read_only(),
        F::new("STATUS_ID", "status_id", K::String, "Stage").read_only(),
        F::new(
            "STATUS_SEMANTIC_ID",
            "status_semantic_id",
            K::String,
            "Stage group",
        )
        .read_only(),
    ],
};

/// Deal stage history (`entityTypeId` 2), table `crm_deal_stage_history`.
pub static DEAL_STAGE_HISTORY: EntityDef = EntityDef {
    code: "DEAL_STAGE_HISTORY",
    table: "crm_deal_stage_history",
    fields: &[
        F::new("ID", "id", K::Integer, "ID").read_only(),
        F::new("TYPE_ID", "type_id", K::Integer, "Type").read_only(),
        F::new("OWNER_ID", "owner_id", K::Integer, "Owner").read_only(),
        F::new("CREATED_TIME", "created_time", K::DateTime, "Created on").read_only(),
        F::new("CATEGORY_ID", "category_id", K::Integer, "Pipeline").read_only(),
        F::new("STAGE_ID", "stage_id", K::String, "Stage").read_only(),
        F::new(
            "STAGE_SEMANTIC_ID",
            "stage_semantic_id",
            K::String,
            "Stage group",
        )
        .read_only(),
    ],
};

/// `TYPE_ID` of a creation row (in a stage that is not final).
pub const TYPE_CREATED: i64 = 1;
/// `TYPE_ID` of a move to an intermediate stage.
pub const TYPE_INTERMEDIATE: i64 = 2;
/// `TYPE_ID` of a move to a final stage (or a creation directly in one).
pub const TYPE_FINAL: i64 = 3;
/// `TYPE_ID` of a pipeline change.
pub const TYPE_CATEGORY: i64 = 5;

/// Where a record type keeps the stage its history follows.
#[derive(Clone, Copy, Debug)]
pub struct Tracked {
    /// The history catalogue.
    pub history: &'static EntityDef,
    /// Column of the stage in the record's table.
    pub stage_column: &'static str,
    /// Column of the stage's semantics (`P`, `S`, `F`).
    pub semantic_column: &'static str,
    /// Column of the pipeline, for deals.
    pub category_column: Option<&'static str>,
}

/// The stage history an entity keeps (leads and deals), by its code.
pub fn tracked(entity_code: &str) -> Option<Tracked> {
    match entity_code {
        "LEAD" => Some(Tracked {
            history: &LEAD_STAGE_HISTORY,
            stage_column: "status_id",
            semantic_column: "status_semantic_id",
            category_column: None,
        }),
        "DEAL" => Some(Tracked {
            history: &DEAL_STAGE_HISTORY,
            stage_column: "stage_id",
            semantic_column: "stage_semantic_id",
            category_column: Some("category_id"),
        }),
        _ => None,
    }
}
