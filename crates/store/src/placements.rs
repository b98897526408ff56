//! Application placements (Bitrix24's widgets): an application binds one of
//! its handler URLs to a place in the portal's UI (`CRM_DEAL_DETAIL_TAB`, …)
//! with a title, a description and their translations. The portal shows a
//! bound placement where it belongs and opens the handler in a frame there.
//! Bindings live in the database and go with their application.

use async_trait::async_trait;

use crate::error::StoreError;

/// One placement binding of an application.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    /// Binding id.
    pub id: i64,
    /// The application that bound it.
    pub app_id: i64,
    /// The placement code (`CRM_DEAL_DETAIL_TAB`).
    pub placement: String,
    /// The URL opened in the frame.
    pub handler_url: String,
    /// Title shown where the placement appears ("" for the application's name).
    pub title: String,
    /// Description.
    pub description: String,
    /// Translations as Bitrix24's `LANG_ALL`: a JSON object
    /// `{lang: {"TITLE", "DESCRIPTION", "GROUP_NAME"}}` as text.
    pub lang_all: String,
    /// When it was bound, Unix seconds.
    pub created_at: i64,
}

/// What is needed to bind a placement.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPlacement {
    /// The application.
    pub app_id: i64,
    /// The placement code.
    pub placement: String,
    /// The handler URL.
    pub handler_url: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// `LANG_ALL` as JSON text.
    pub lang_all: String,
    /// Bind instant, Unix seconds.
    pub created_at: i64,
}

/// Placement storage.
#[async_trait]
pub trait PlacementStore: Send + Sync {
    /// Binds a placement and returns the binding's id; the same handler bound
    /// to the same placement by the same application again is
    /// `Conflict("app_placements_app_id_placement_handler_url")`, an unknown application
    /// `Conflict("foreign_key")`.
    async fn insert_placement(&self, placement: NewPlacement) -> Result<i64, StoreError>;
    /// Removes an application's bindings of `placement`: only the one of
    /// `handler_url` when given, else all of them. How many were removed.
    async fn delete_placements(
        &self,
        app_id: i64,
        placement: &str,
        handler_url: Option<&str>,
    ) -> Result<u64, StoreError>;
    /// An application's bindings, by id.
    async fn app_placements(&self, app_id: i64) -> Result<Vec<Placement>, StoreError>;
    /// Every application's bindings of one placement code, by id.
    async fn placements_of(&self, placement: &str) -> Result<Vec<Placement>, StoreError>;
    /// One binding by id.
    async fn placement_by_id(&self, id: i64) -> Result<Option<Placement>, StoreError>;
}
