//! Deal pipelines (`crm.category.*`, `crm.dealcategory.*`) and the
//! [`PipelineStore`] trait. Pipeline 0 is the default one and always exists;
//! its stages are the `DEAL_STAGE` directory. Every other pipeline `n` keeps
//! its stages in the directory `DEAL_STAGE_{n}` (ids `C{n}:NEW`, …), created
//! with it from [`default_stages`] and deleted with it.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::statuses::{NewStatus, DEFAULT_STATUSES};

/// One deal pipeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    /// Pipeline id; 0 is the default pipeline.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Position among pipelines (`SORT`).
    pub sort: i64,
    /// Whether this is the default pipeline (id 0).
    pub is_default: bool,
    /// Creation instant, Unix seconds.
    pub created: i64,
    /// External source (`originatorId`), `""` when none.
    pub originator_id: String,
    /// Id in the external source (`originId`), `""` when none.
    pub origin_id: String,
}

/// What is needed to create a pipeline.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCategory {
    /// Display name.
    pub name: String,
    /// Position.
    pub sort: i64,
    /// Creation instant, Unix seconds.
    pub created: i64,
    /// External source.
    pub originator_id: String,
    /// Id in the external source.
    pub origin_id: String,
}

/// A change to a pipeline; `None` keeps the current value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CategoryChange {
    /// New name.
    pub name: Option<String>,
    /// New position.
    pub sort: Option<i64>,
}

/// What [`PipelineStore::delete_category`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CategoryDeletion {
    /// The pipeline and its stages are gone.
    Deleted,
    /// There is no pipeline with this id.
    NotFound,
    /// Deals are in the pipeline: nothing changed.
    HasDeals,
    /// The default pipeline cannot be deleted: nothing changed.
    Default,
}

/// The stage directory of pipeline `category`: `DEAL_STAGE` for 0,
/// `DEAL_STAGE_{n}` otherwise.
pub fn stage_entity(category: i64) -> String {
    if category > 0 {
        format!("DEAL_STAGE_{category}")
    } else {
        "DEAL_STAGE".to_owned()
    }
}

/// The pipeline whose stage directory is `entity_id` (`DEAL_STAGE` → 0,
/// `DEAL_STAGE_5` → 5); `None` for other directories.
pub fn category_of_entity(entity_id: &str) -> Option<i64> {
    if entity_id == "DEAL_STAGE" {
        return Some(0);
    }
    let n = entity_id.strip_prefix("DEAL_STAGE_")?;
    if n.is_empty() || n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// The prefix of stage ids of pipeline `category` (`C5:`; empty for 0).
pub fn stage_prefix(category: i64) -> String {
    if category > 0 {
        format!("C{category}:")
    } else {
        String::new()
    }
}

/// The stages a new pipeline `category` gets: the eight default deal stages
/// with their names, sorts 10…80, colours and semantics, ids prefixed `C{n}:`;
/// `NEW`, `WON` and `LOSE` are system stages.
pub fn default_stages(category: i64) -> Vec<NewStatus> {
    let entity_id = stage_entity(category);
    let prefix = stage_prefix(category);
    DEFAULT_STATUSES
        .iter()
        .filter(|row| row.0 == "DEAL_STAGE")
        .map(|&(_, code, name, sort, color, semantics)| NewStatus {
            entity_id: entity_id.clone(),
            status_id: format!("{prefix}{code}"),
            name: name.to_owned(),
            name_init: Some(name.to_owned()),
            sort,
            system: matches!(code, "NEW" | "WON" | "LOSE"),
            category_id: Some(category),
            color: color.map(str::to_owned),
            semantics,
        })
        .collect()
}

/// Pipeline storage. Lists come ordered by `SORT`, then id.
#[async_trait]
pub trait PipelineStore: Send + Sync {
    /// Every pipeline, the default one included.
    async fn list_categories(&self) -> Result<Vec<Category>, StoreError>;
    /// The pipeline with this id.
    async fn category(&self, id: i64) -> Result<Option<Category>, StoreError>;
    /// Creates a pipeline with its [`default_stages`], in one transaction, and
    /// returns its id (never 0).
    async fn insert_category(&self, category: NewCategory) -> Result<i64, StoreError>;
    /// Applies a change; `false` when there is no pipeline with this id.
    async fn update_category(&self, id: i64, change: CategoryChange) -> Result<bool, StoreError>;
    /// Deletes a pipeline and its stage directory, in one transaction, unless
    /// it is the default one or deals are in it.
    async fn delete_category(&self, id: i64) -> Result<CategoryDeletion, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_directories_name_their_pipeline() {
        assert_eq!(stage_entity(0), "DEAL_STAGE");
        assert_eq!(stage_entity(7), "DEAL_STAGE_7");
        assert_eq!(category_of_entity("DEAL_STAGE"), Some(0));
        assert_eq!(category_of_entity("DEAL_STAGE_12"), Some(12));
        assert_eq!(category_of_entity("DEAL_STAGE_"), None);
        assert_eq!(category_of_entity("DEAL_STAGE_01"), None);
        assert_eq!(category_of_entity("DEAL_TYPE"), None);
        let stages = default_stages(3);
        assert_eq!(stages.len(), 8);
        assert_eq!(stages[0].status_id, "C3:NEW");
        assert!(stages[0].system && !stages[1].system);
        assert_eq!(
            stages.iter().map(|s| s.sort).collect::<Vec<_>>(),
            [10, 20, 30, 40, 50, 60, 70, 80]
        );
    }
}
