//! Deal pipelines ("funnels", categories) and stage history: the universal
//! `crm.category.*` ([`category`]), the legacy `crm.dealcategory.*`
//! ([`legacy`]) and `crm.stagehistory.list` ([`history`]). The helpers here
//! are what both pipeline APIs share: loading a pipeline, the rights they
//! need, and the checks of a name and a sort.

pub mod category;
pub mod history;
pub mod legacy;

use portico_protocol::params::{value_as_i64, value_as_string};
use portico_protocol::ApiError;
use portico_store::crm::DEAL;
use portico_store::{Action, Category};
use serde_json::Value;

use crate::context::Ctx;
use crate::crm::rights;
use crate::registry::Registry;
use crate::values::store_error;

/// Longest pipeline name.
pub const MAX_NAME_LEN: usize = 255;

/// Sort of a pipeline created without one.
pub const DEFAULT_SORT: i64 = 500;

/// Declares the pipeline and stage-history methods.
pub fn register(r: &mut Registry) {
    category::register(r);
    legacy::register(r);
    history::register(r);
}

/// The pipeline with this id, if any.
pub async fn find(ctx: &Ctx, id: i64) -> Result<Option<Category>, ApiError> {
    ctx.store.category(id).await.map_err(store_error)
}

/// Whether the caller may read pipelines: read access to deals.
pub async fn may_read(ctx: &Ctx) -> Result<bool, ApiError> {
    Ok(rights::level(ctx, &DEAL, Action::Read).await? != portico_store::Level::None)
}

/// A pipeline name from a value: trimmed text, `None` when absent or blank.
pub fn name_of(value: Option<&Value>) -> Option<String> {
    value
        .and_then(value_as_string)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// A pipeline sort from a value: an integer, negative ones as 0; `None` when
/// absent or not a number.
pub fn sort_of(value: Option<&Value>) -> Option<i64> {
    value.and_then(value_as_i64).map(|s| s.max(0))
}
