//! CRM directories (`crm.status.*`): the items of the lists that `crm_status`
//! fields take their values from — lead stages (`STATUS`), sources, deal stages
//! and types, contact and company types, industries, employee ranges,
//! salutations — and the [`StatusStore`] trait.
//!
//! Every backend seeds the same defaults (see [`DIRECTORY_TYPES`] for the
//! directories and the backend's migration for the items); seeded items are
//! system items (`SYSTEM = Y`) whose `NAME_INIT` keeps the original name.

use async_trait::async_trait;

use crate::error::StoreError;

/// The name under which a duplicate `(ENTITY_ID, STATUS_ID)` is reported as
/// [`StoreError::Conflict`].
pub const STATUS_CONFLICT: &str = "crm_statuses_entity_status";

/// The final group of a stage: `S` success or `F` failure; in-progress stages
/// have none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Semantics {
    /// `S`: the record was completed successfully.
    Success,
    /// `F`: the record was completed unsuccessfully.
    Failure,
}

impl Semantics {
    /// The wire and stored letter: `S` or `F`.
    pub fn as_str(self) -> &'static str {
        match self {
            Semantics::Success => "S",
            Semantics::Failure => "F",
        }
    }

    /// Parses `S` / `F` (exact, upper case).
    pub fn parse(s: &str) -> Option<Semantics> {
        match s {
            "S" => Some(Semantics::Success),
            "F" => Some(Semantics::Failure),
            _ => None,
        }
    }
}

/// One directory item.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    /// Item id (`ID`).
    pub id: i64,
    /// The directory (`ENTITY_ID`): `STATUS`, `SOURCE`, `DEAL_STAGE`, …
    pub entity_id: String,
    /// The value stored in records (`STATUS_ID`), unique within the directory.
    pub status_id: String,
    /// Display name.
    pub name: String,
    /// Original name of a system item (`NAME_INIT`); `None` for added items.
    pub name_init: Option<String>,
    /// Position in the directory (`SORT`).
    pub sort: i64,
    /// Seeded item (`SYSTEM = Y`): deleting it needs `FORCED`.
    pub system: bool,
    /// Funnel of a deal stage; `None` in the default funnel and other directories.
    pub category_id: Option<i64>,
    /// Kanban colour, `#RRGGBB`.
    pub color: Option<String>,
    /// Final group of a stage; `None` for in-progress stages and non-stage items.
    pub semantics: Option<Semantics>,
}

/// What is needed to create a directory item.
#[derive(Clone, Debug, PartialEq)]
pub struct NewStatus {
    /// The directory.
    pub entity_id: String,
    /// The value, unique within the directory.
    pub status_id: String,
    /// Display name.
    pub name: String,
    /// Original name (system items only).
    pub name_init: Option<String>,
    /// Position.
    pub sort: i64,
    /// System flag.
    pub system: bool,
    /// Funnel of a deal stage.
    pub category_id: Option<i64>,
    /// Colour.
    pub color: Option<String>,
    /// Final group of a stage.
    pub semantics: Option<Semantics>,
}

/// A change to an item's mutable parts; `None` keeps the current value.
/// `ENTITY_ID`, `STATUS_ID`, `SYSTEM`, `NAME_INIT` and `SEMANTICS` never change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatusChange {
    /// New name.
    pub name: Option<String>,
    /// New position.
    pub sort: Option<i64>,
    /// New colour; `Some(None)` clears it.
    pub color: Option<Option<String>>,
}

/// Directory storage. Lists come ordered by `SORT`, then `ID`.
#[async_trait]
pub trait StatusStore: Send + Sync {
    /// The items of one directory, or of all directories when `entity_id` is `None`.
    async fn list_statuses(&self, entity_id: Option<&str>) -> Result<Vec<Status>, StoreError>;
    /// The item with this id.
    async fn status_by_id(&self, id: i64) -> Result<Option<Status>, StoreError>;
    /// The item of `entity_id` whose value is `status_id` (exact match).
    async fn find_status(
        &self,
        entity_id: &str,
        status_id: &str,
    ) -> Result<Option<Status>, StoreError>;
    /// Creates an item and returns its id; a taken `(entity_id, status_id)` is
    /// `StoreError::Conflict(STATUS_CONFLICT)`.
    async fn insert_status(&self, status: NewStatus) -> Result<i64, StoreError>;
    /// Applies a change; `false` when there is no item with this id.
    async fn update_status(&self, id: i64, change: StatusChange) -> Result<bool, StoreError>;
    /// Deletes an item; `false` when there was none with this id.
    async fn delete_status(&self, id: i64) -> Result<bool, StoreError>;
}

/// What `crm.status.entity.types` says about a directory with stages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageInfo {
    /// The first stage (`START_FIELD`).
    pub start: &'static str,
    /// The main success stage (`FINAL_SUCCESS_FIELD`).
    pub success: &'static str,
    /// The main failure stage (`FINAL_UNSUCCESS_FIELD`); other failure stages
    /// are "apology" stages in `EXTRA.SEMANTICS`.
    pub failure: &'static str,
}

/// A directory Portico keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirectoryType {
    /// Its `ENTITY_ID`.
    pub id: &'static str,
    /// English name (`NAME` in `crm.status.entity.types`).
    pub name: &'static str,
    /// The CRM object type whose stages it holds (`ENTITY_TYPE_ID`): 1 leads, 2 deals.
    pub entity_type_id: Option<i64>,
    /// Stage semantics, for stage directories only.
    pub stages: Option<StageInfo>,
    /// The funnel a deal-stage directory belongs to (`Some(0)`: the default one).
    pub category_id: Option<i64>,
    /// STATUS_ID limit: `Some(n)` allows at most `n` Latin letters, digits, `-`
    /// and `_`; `None` allows up to 50 characters of any kind.
    pub code_limit: Option<usize>,
}

impl DirectoryType {
    /// The directory with this `ENTITY_ID` (exact).
    pub fn get(id: &str) -> Option<&'static DirectoryType> {
        DIRECTORY_TYPES.iter().find(|d| d.id == id)
    }
}

/// Longest `STATUS_ID` of directories without a stricter limit.
pub const MAX_STATUS_ID_LEN: usize = 50;

/// The directories, in the order `crm.status.entity.types` lists them.
pub static DIRECTORY_TYPES: [DirectoryType; 9] = [
    DirectoryType {
        id: "STATUS",
        name: "Lead Stages",
        entity_type_id: Some(1),
        stages: Some(StageInfo {
            start: "NEW",
            success: "CONVERTED",
            failure: "JUNK",
        }),
        category_id: None,
        code_limit: Some(21),
    },
    DirectoryType {
        id: "SOURCE",
        name: "Sources",
        entity_type_id: None,
        stages: None,
        category_id: None,
        code_limit: None,
    },
    DirectoryType {
        id: "CONTACT_TYPE",
        name: "Contact Type",
        entity_type_id: None,
        stages: None,
        category_id: None,
        code_limit: None,
    },
    DirectoryType {
        id: "COMPANY_TYPE",
        name: "Company Type",
        entity_type_id: None,
        stages: None,
        category_id: None,
        code_limit: None,
    },
    DirectoryType {
        id: "EMPLOYEES",
        name: "Number of Employees",
        entity_type_id: None,
        stages: None,
        category_id: None,
        code_limit: None,
    },
    DirectoryType {
        id: "INDUSTRY",
        name: "Industry",
        entity_type_id: None,
        stages: None,
        category_id: None,
        code_limit: None,
    },
    DirectoryType {
        id: "DEAL_TYPE",
        name: "Deal Type",
        entity_type_id: None,
        stages: None,
        category_id: None,
        code_limit: None,
    },
    DirectoryType {
        id: "DEAL_STAGE",
        name: "General Deal Stages",
        entity_type_id: Some(2),
        stages: Some(StageInfo {
            start: "NEW",
            success: "WON",
            failure: "LOSE",
        }),
        category_id: Some(0),
        code_limit: Some(22),
    },
    DirectoryType {
        id: "HONORIFIC",
        name: "Honorifics",
        entity_type_id: None,
        stages: None,
        category_id: None,
        code_limit: None,
    },
];

/// A seeded directory item: `(ENTITY_ID, STATUS_ID, NAME, SORT, COLOR, SEMANTICS)`.
pub type DefaultStatus = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    Option<&'static str>,
    Option<Semantics>,
);

/// The items every backend seeds, in id order: system items whose `NAME_INIT` is
/// their `NAME`, without funnel. Stage directories (`STATUS`, `DEAL_STAGE`) list
/// in-progress stages first, then the success stage, then failure stages, as
/// Bitrix24 requires of `SORT`. The conformance suite checks a backend's seed
/// against this table.
pub static DEFAULT_STATUSES: &[DefaultStatus] = &[
    ("STATUS", "NEW", "Unassigned", 10, Some("#39A8EF"), None),
    (
        "STATUS",
        "IN_PROCESS",
        "In progress",
        20,
        Some("#2FC6F6"),
        None,
    ),
    (
        "STATUS",
        "PROCESSED",
        "Processed",
        30,
        Some("#55D0E0"),
        None,
    ),
    (
        "STATUS",
        "CONVERTED",
        "Good lead",
        40,
        Some("#7BD500"),
        Some(Semantics::Success),
    ),
    (
        "STATUS",
        "JUNK",
        "Junk lead",
        50,
        Some("#FF5752"),
        Some(Semantics::Failure),
    ),
    ("SOURCE", "CALL", "Call", 10, None, None),
    ("SOURCE", "EMAIL", "E-Mail", 20, None, None),
    ("SOURCE", "WEB", "Website", 30, None, None),
    ("SOURCE", "ADVERTISING", "Advertising", 40, None, None),
    ("SOURCE", "PARTNER", "Existing client", 50, None, None),
    (
        "SOURCE",
        "RECOMMENDATION",
        "By recommendation",
        60,
        None,
        None,
    ),
    ("SOURCE", "TRADE_SHOW", "Show/Exhibition", 70, None, None),
    ("SOURCE", "WEBFORM", "CRM form", 80, None, None),
    ("SOURCE", "CALLBACK", "Callback", 90, None, None),
    ("SOURCE", "RC_GENERATOR", "Sales boost", 100, None, None),
    ("SOURCE", "STORE", "Online store", 110, None, None),
    ("SOURCE", "OTHER", "Other", 120, None, None),
    ("DEAL_STAGE", "NEW", "New", 10, Some("#39A8EF"), None),
    (
        "DEAL_STAGE",
        "PREPARATION",
        "Document preparation",
        20,
        Some("#2FC6F6"),
        None,
    ),
    (
        "DEAL_STAGE",
        "PREPAYMENT_INVOICE",
        "Prepayment invoice",
        30,
        Some("#55D0E0"),
        None,
    ),
    (
        "DEAL_STAGE",
        "EXECUTING",
        "In progress",
        40,
        Some("#47E4C2"),
        None,
    ),
    (
        "DEAL_STAGE",
        "FINAL_INVOICE",
        "Final invoice",
        50,
        Some("#FFA900"),
        None,
    ),
    (
        "DEAL_STAGE",
        "WON",
        "Deal successful",
        60,
        Some("#7BD500"),
        Some(Semantics::Success),
    ),
    (
        "DEAL_STAGE",
        "LOSE",
        "Deal failed",
        70,
        Some("#FF5752"),
        Some(Semantics::Failure),
    ),
    (
        "DEAL_STAGE",
        "APOLOGY",
        "Failure reason analysis",
        80,
        Some("#FF5752"),
        Some(Semantics::Failure),
    ),
    ("DEAL_TYPE", "SALE", "Sales", 10, None, None),
    ("DEAL_TYPE", "COMPLEX", "Integrated sales", 20, None, None),
    ("DEAL_TYPE", "GOODS", "Merchandise sales", 30, None, None),
    ("DEAL_TYPE", "SERVICES", "Service sales", 40, None, None),
    (
        "DEAL_TYPE",
        "SERVICE",
        "After-sales service",
        50,
        None,
        None,
    ),
    ("CONTACT_TYPE", "CLIENT", "Clients", 10, None, None),
    ("CONTACT_TYPE", "SUPPLIER", "Suppliers", 20, None, None),
    ("CONTACT_TYPE", "PARTNER", "Partners", 30, None, None),
    ("CONTACT_TYPE", "OTHER", "Other", 40, None, None),
    ("COMPANY_TYPE", "CUSTOMER", "Client", 10, None, None),
    ("COMPANY_TYPE", "SUPPLIER", "Supplier", 20, None, None),
    ("COMPANY_TYPE", "COMPETITOR", "Competitor", 30, None, None),
    ("COMPANY_TYPE", "PARTNER", "Partner", 40, None, None),
    ("COMPANY_TYPE", "OTHER", "Other", 50, None, None),
    ("INDUSTRY", "IT", "Information technology", 10, None, None),
    ("INDUSTRY", "TELECOM", "Telecommunication", 20, None, None),
    ("INDUSTRY", "MANUFACTURING", "Manufacturing", 30, None, None),
    ("INDUSTRY", "BANKING", "Banking services", 40, None, None),
    ("INDUSTRY", "CONSULTING", "Consulting", 50, None, None),
    ("INDUSTRY", "FINANCE", "Finance", 60, None, None),
    ("INDUSTRY", "GOVERNMENT", "Government", 70, None, None),
    ("INDUSTRY", "DELIVERY", "Delivery", 80, None, None),
    ("INDUSTRY", "ENTERTAINMENT", "Entertainment", 90, None, None),
    ("INDUSTRY", "NOTPROFIT", "Non-profit", 100, None, None),
    ("INDUSTRY", "OTHER", "Other", 110, None, None),
    ("EMPLOYEES", "EMPLOYEES_1", "fewer than 50", 10, None, None),
    ("EMPLOYEES", "EMPLOYEES_2", "50-250", 20, None, None),
    ("EMPLOYEES", "EMPLOYEES_3", "250-500", 30, None, None),
    ("EMPLOYEES", "EMPLOYEES_4", "over 500", 40, None, None),
    ("HONORIFIC", "HNR_EN_1", "Mr.", 10, None, None),
    ("HONORIFIC", "HNR_EN_2", "Mrs.", 20, None, None),
    ("HONORIFIC", "HNR_EN_3", "Ms.", 30, None, None),
    ("HONORIFIC", "HNR_EN_4", "Dr.", 40, None, None),
];
