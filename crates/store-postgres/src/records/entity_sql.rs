//! Per-entity SQL, derived once from a catalogue and kept for the process (it
//! depends on the static catalogue only, never on data): the point-read
//! statement and its column-to-field mapping, INSERT/UPDATE text for a set of
//! fields, and the statement that keeps `HAS_PHONE`/`HAS_EMAIL`/`HAS_IMOL` in
//! step with the multi-fields. Identifiers come only from the catalogue.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use portico_store::crm::stage_history::tracked;
use portico_store::list::select_fields;
use portico_store::records::MultiFlag;
use portico_store::{EntityDef, FieldValue, Record, StoreError};
use tokio_postgres::Row;

use super::value::read;
use crate::DbResult;

/// The SQL of one entity.
pub(crate) struct EntitySql {
    /// The catalogue.
    pub(crate) entity: &'static EntityDef,
    /// `SELECT id, <select_fields> FROM t WHERE id = $1`.
    pub(crate) select_one: String,
    /// The row with its multi-fields and user-field values folded into arrays
    /// (see [`super::whole`]); `$1` the id, `$2` the entity's code.
    pub(crate) select_whole: String,
    /// `DELETE FROM t WHERE id = $1`.
    pub(crate) delete: String,
    /// `SELECT 1 FROM t WHERE id = $1`.
    pub(crate) exists: String,
    /// Recomputes every flag of record `$2` from entries of entity `$1`; `None`
    /// when the catalogue has no flag fields.
    pub(crate) recompute_flags: Option<String>,
    /// What an insert returns: `id`, then, for entities with a stage history,
    /// the stage columns (see [`super::stage_history::stage_columns`]).
    returning: String,
    /// Field positions of result columns 1.. (column 0 is `id`).
    positions: Vec<usize>,
    /// Position of the `ID` field, if the catalogue has one with a column.
    id_pos: Option<usize>,
    /// Flag fields: position and flag.
    pub(crate) flags: Vec<(usize, MultiFlag)>,
}

/// A double-quoted SQL identifier (a quote inside is doubled).
pub(crate) fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// The derived SQL of every entity used so far, by code and table.
type Derived = RwLock<HashMap<(&'static str, &'static str), Arc<EntitySql>>>;

impl EntitySql {
    /// The SQL of `entity`, derived on first use.
    pub(crate) fn of(entity: &'static EntityDef) -> Arc<EntitySql> {
        static DERIVED: OnceLock<Derived> = OnceLock::new();
        let derived = DERIVED.get_or_init(Default::default);
        let key = (entity.code, entity.table);
        if let Some(sql) = derived.read().ok().and_then(|m| m.get(&key).cloned()) {
            return sql;
        }
        let sql = Arc::new(EntitySql::new(entity));
        if let Ok(mut m) = derived.write() {
            m.insert(key, sql.clone());
        }
        sql
    }

    /// Derives the SQL of `entity`.
    fn new(entity: &'static EntityDef) -> EntitySql {
        let table = quote(entity.table);
        let positions: Vec<usize> = select_fields(entity).collect();
        let mut columns = vec![quote("id")];
        columns.extend(positions.iter().map(|&p| quote(entity.fields[p].column)));
        let flags: Vec<(usize, MultiFlag)> = entity
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.is_stored())
            .filter_map(|(i, f)| MultiFlag::of(f.name).map(|flag| (i, flag)))
            .collect();
        let recompute_flags = (!flags.is_empty()).then(|| {
            let sets: Vec<String> = flags
                .iter()
                .map(|&(p, flag)| {
                    format!(
                        "{} = CASE WHEN EXISTS (SELECT 1 FROM crm_multifields WHERE entity = $1 \
                         AND owner_id = $2 AND {}) THEN 'Y' ELSE 'N' END",
                        quote(entity.fields[p].column),
                        flag.condition()
                    )
                })
                .collect();
            format!("UPDATE {table} SET {} WHERE \"id\" = $2", sets.join(", "))
        });
        let returning = match tracked(entity.code) {
            Some(t) => format!("\"id\", {}", super::stage_history::stage_columns(&t)),
            None => "\"id\"".to_owned(),
        };
        EntitySql {
            entity,
            select_one: format!(
                "SELECT {} FROM {table} WHERE \"id\" = $1",
                columns.join(", ")
            ),
            select_whole: super::whole::select_whole(&table, &columns),
            delete: format!("DELETE FROM {table} WHERE \"id\" = $1"),
            exists: format!("SELECT 1 FROM {table} WHERE \"id\" = $1"),
            recompute_flags,
            returning,
            positions,
            id_pos: entity.fields.iter().position(|f| f.column == "id"),
            flags,
        }
    }

    /// Checks and orders written values: every position must be a stored field
    /// (and not `id` unless `allow_id`); a later value for the same field wins;
    /// flag fields are dropped (the store derives them). Returns them in
    /// catalogue order, which keeps statement text stable for the cache.
    pub(crate) fn columns(
        &self,
        values: Vec<(usize, FieldValue)>,
        allow_id: bool,
    ) -> Result<Vec<(usize, FieldValue)>, StoreError> {
        let fields = self.entity.fields;
        let mut slots: Vec<Option<FieldValue>> = vec![None; fields.len()];
        for (pos, v) in values {
            let Some(f) = fields.get(pos).filter(|f| f.is_stored()) else {
                return Err(StoreError::Other(format!(
                    "{}: field position {pos} has no column",
                    self.entity.code
                )));
            };
            if f.column == "id" && !allow_id {
                return Err(StoreError::Other(format!(
                    "{}: the id cannot be changed",
                    self.entity.code
                )));
            }
            if self.flags.iter().any(|&(p, _)| p == pos) {
                continue;
            }
            slots[pos] = Some(v);
        }
        Ok(slots
            .into_iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .collect())
    }

    /// `INSERT INTO t (cols) VALUES ($1, …) RETURNING id`, or `DEFAULT VALUES`
    /// for no columns.
    pub(crate) fn insert_sql(&self, cols: &[(usize, FieldValue)]) -> String {
        let table = quote(self.entity.table);
        if cols.is_empty() {
            return format!(
                "INSERT INTO {table} DEFAULT VALUES RETURNING {}",
                self.returning
            );
        }
        let names: Vec<String> = cols
            .iter()
            .map(|(p, _)| quote(self.entity.fields[*p].column))
            .collect();
        let params: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
        format!(
            "INSERT INTO {table} ({}) VALUES ({}) RETURNING {}",
            names.join(", "),
            params.join(", "),
            self.returning
        )
    }

    /// `UPDATE t SET c = $1, … WHERE id = $N+1` for a non-empty column list.
    pub(crate) fn update_sql(&self, cols: &[(usize, FieldValue)]) -> String {
        let sets: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, (p, _))| format!("{} = ${}", quote(self.entity.fields[*p].column), i + 1))
            .collect();
        format!(
            "UPDATE {} SET {} WHERE \"id\" = ${}",
            quote(self.entity.table),
            sets.join(", "),
            cols.len() + 1
        )
    }

    /// How many columns [`EntitySql::record`] reads (`id` and the fields).
    pub(crate) fn column_count(&self) -> usize {
        1 + self.positions.len()
    }

    /// A record from a row of `id, <select_fields>` (the columns of
    /// [`select_fields`] in its order after `id`; multi-fields and user-field
    /// values not loaded).
    pub(crate) fn record(&self, row: &Row) -> DbResult<Record> {
        let id: i64 = row.try_get(0)?;
        let mut values = vec![FieldValue::Null; self.entity.fields.len()];
        if let Some(p) = self.id_pos {
            values[p] = FieldValue::Int(id);
        }
        for (i, &p) in self.positions.iter().enumerate() {
            values[p] = read(row, i + 1)?;
        }
        Ok(Record {
            id,
            values,
            multi: Vec::new(),
            uf: Vec::new(),
        })
    }
}
