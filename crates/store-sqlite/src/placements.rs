//! [`PlacementStore`]: the `app_placements` table. The unique index on
//! (application, placement, handler) makes a second bind of one handler a
//! conflict; the foreign key removes bindings with their application.

use async_trait::async_trait;
use portico_store::placements::{NewPlacement, Placement, PlacementStore};
use portico_store::StoreError;
use rusqlite::{params, OptionalExtension, Row};

use crate::error::map_err;
use crate::SqliteStore;

/// The columns [`placement_from_row`] reads, in order.
const COLUMNS: &str =
    "id, app_id, placement, handler_url, title, description, lang_all, created_at";

/// A [`Placement`] from the columns of [`COLUMNS`].
fn placement_from_row(row: &Row<'_>) -> rusqlite::Result<Placement> {
    Ok(Placement {
        id: row.get(0)?,
        app_id: row.get(1)?,
        placement: row.get(2)?,
        handler_url: row.get(3)?,
        title: row.get(4)?,
        description: row.get(5)?,
        lang_all: row.get(6)?,
        created_at: row.get(7)?,
    })
}

impl SqliteStore {
    /// The bindings a `WHERE` clause with one parameter selects, by id.
    fn placements_where(
        &self,
        condition: &str,
        key: rusqlite::types::Value,
    ) -> Result<Vec<Placement>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM app_placements WHERE {condition} ORDER BY id");
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&sql).map_err(map_err)?;
            let rows = stmt
                .query_map([&key], placement_from_row)
                .map_err(map_err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(map_err)
        })
    }
}

#[async_trait]
impl PlacementStore for SqliteStore {
    async fn insert_placement(&self, p: NewPlacement) -> Result<i64, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO app_placements (app_id, placement, handler_url, title, description, \
                 lang_all, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    p.app_id,
                    p.placement,
                    p.handler_url,
                    p.title,
                    p.description,
                    p.lang_all,
                    p.created_at
                ])
            })
            .map_err(map_err)?;
            Ok(conn.last_insert_rowid())
        })
        .await
    }

    async fn delete_placements(
        &self,
        app_id: i64,
        placement: &str,
        handler_url: Option<&str>,
    ) -> Result<u64, StoreError> {
        let placement = placement.to_owned();
        let handler_url = handler_url.map(str::to_owned);
        self.write(move |conn| {
            let n = conn
                .prepare_cached(
                    "DELETE FROM app_placements WHERE app_id = ?1 AND placement = ?2 \
                     AND (?3 IS NULL OR handler_url = ?3)",
                )
                .and_then(|mut s| s.execute(params![app_id, placement, handler_url]))
                .map_err(map_err)?;
            Ok(n as u64)
        })
        .await
    }

    async fn app_placements(&self, app_id: i64) -> Result<Vec<Placement>, StoreError> {
        self.placements_where("app_id = ?1", app_id.into())
    }

    async fn placements_of(&self, placement: &str) -> Result<Vec<Placement>, StoreError> {
        self.placements_where("placement = ?1", placement.to_owned().into())
    }

    async fn placement_by_id(&self, id: i64) -> Result<Option<Placement>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM app_placements WHERE id = ?1");
        self.read(|conn| {
            conn.prepare_cached(&sql)
                .and_then(|mut s| s.query_row([id], placement_from_row).optional())
                .map_err(map_err)
        })
    }
}
