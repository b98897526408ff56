//! Per-entity SQL, derived once from a catalogue and cached by the store: the
//! point-read statement and its column-to-field mapping, INSERT/UPDATE text for a
//! set of fields, and the statement that keeps `HAS_PHONE`/`HAS_EMAIL`/`HAS_IMOL`
//! in step with the multi-fields. Identifiers come only from the catalogue.

use portico_store::list::select_fields;
use portico_store::records::MultiFlag;
use portico_store::{EntityDef, FieldValue, Record, StoreError};
use rusqlite::Row;

use crate::value::read;

/// The SQL of one entity.
pub(crate) struct EntitySql {
    /// The catalogue.
    pub(crate) entity: &'static EntityDef,
    /// `SELECT id, <select_fields> FROM t WHERE id = ?1`.
    pub(crate) select_one: String,
    /// `DELETE FROM t WHERE id = ?1`.
    pub(crate) delete: String,
    /// `SELECT 1 FROM t WHERE id = ?1`.
    pub(crate) exists: String,
    /// Recomputes every flag of record `?2` from entries of entity `?1`; `None`
    /// when the catalogue has no flag fields.
    pub(crate) recompute_flags: Option<String>,
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

impl EntitySql {
    /// Derives the SQL of `entity`.
    pub(crate) fn new(entity: &'static EntityDef) -> EntitySql {
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
                        "{} = CASE WHEN EXISTS (SELECT 1 FROM crm_multifields WHERE entity = ?1 \
                         AND owner_id = ?2 AND {}) THEN 'Y' ELSE 'N' END",
                        quote(entity.fields[p].column),
                        flag.condition()
                    )
                })
                .collect();
            format!("UPDATE {table} SET {} WHERE \"id\" = ?2", sets.join(", "))
        });
        EntitySql {
            entity,
            select_one: format!(
                "SELECT {} FROM {table} WHERE \"id\" = ?1",
                columns.join(", ")
            ),
            delete: format!("DELETE FROM {table} WHERE \"id\" = ?1"),
            exists: format!("SELECT 1 FROM {table} WHERE \"id\" = ?1"),
            recompute_flags,
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

    /// `INSERT INTO t (cols) VALUES (?1, …)`, or `DEFAULT VALUES` for no columns.
    pub(crate) fn insert_sql(&self, cols: &[(usize, FieldValue)]) -> String {
        let table = quote(self.entity.table);
        if cols.is_empty() {
            return format!("INSERT INTO {table} DEFAULT VALUES");
        }
        let names: Vec<String> = cols
            .iter()
            .map(|(p, _)| quote(self.entity.fields[*p].column))
            .collect();
        let params: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            params.join(", ")
        )
    }

    /// `UPDATE t SET c = ?1, … WHERE id = ?N+1` for a non-empty column list.
    pub(crate) fn update_sql(&self, cols: &[(usize, FieldValue)]) -> String {
        let sets: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, (p, _))| format!("{} = ?{}", quote(self.entity.fields[*p].column), i + 1))
            .collect();
        format!(
            "UPDATE {} SET {} WHERE \"id\" = ?{}",
            quote(self.entity.table),
            sets.join(", "),
            cols.len() + 1
        )
    }

    /// A record from a row of `id, <select_fields>` (multi-fields and user-field
    /// values not loaded).
    pub(crate) fn record(&self, row: &Row<'_>) -> rusqlite::Result<Record> {
        let id: i64 = row.get(0)?;
        let mut values = vec![FieldValue::Null; self.entity.fields.len()];
        if let Some(p) = self.id_pos {
            values[p] = FieldValue::Int(id);
        }
        for (i, &p) in self.positions.iter().enumerate() {
            values[p] = read(row.get_ref(i + 1)?);
        }
        Ok(Record {
            id,
            values,
            multi: Vec::new(),
            uf: Vec::new(),
        })
    }
}
