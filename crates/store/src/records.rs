//! Generic records: typed values of a record's stored fields, its multi-fields, and
//! the [`RecordStore`] trait through which every record type (CRM entities, users)
//! is written and read. Each write is one short transaction in the backend.

use async_trait::async_trait;

use crate::entity::{EntityDef, MultiType};
use crate::error::StoreError;
use crate::list::{ListPage, ListQuery};

/// A typed value as stored. Dates are `Text` (`YYYY-MM-DD`), instants `Int` (Unix
/// seconds), flags `Text` (`Y`/`N`) or `Int` (0/1) as their [`crate::FieldKind`] says.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// No value (SQL NULL).
    Null,
    /// Integer value.
    Int(i64),
    /// Floating-point value.
    Float(f64),
    /// Text value.
    Text(String),
}

impl FieldValue {
    /// The integer inside, if any.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            FieldValue::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The text inside, if any.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            FieldValue::Text(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, FieldValue::Null)
    }
}

/// One stored multi-field entry (a phone, an e-mail, …).
#[derive(Clone, Debug, PartialEq)]
pub struct MultiFieldValue {
    /// Entry id, unique across all records.
    pub id: i64,
    /// Kind (`TYPE_ID`).
    pub kind: MultiType,
    /// `VALUE_TYPE` (`WORK`, `MOBILE`, …).
    pub value_type: String,
    /// The value itself.
    pub value: String,
}

/// A change to a record's multi-fields, as legacy `*.add` / `*.update` express it.
#[derive(Clone, Debug, PartialEq)]
pub enum MultiFieldChange {
    /// Append an entry.
    Add {
        /// Kind of the new entry.
        kind: MultiType,
        /// Its `VALUE_TYPE`.
        value_type: String,
        /// Its value.
        value: String,
    },
    /// Change the entry with this id, if it belongs to the record; `None` keeps the old part.
    Update {
        /// Entry id.
        id: i64,
        /// New `VALUE_TYPE`, if given.
        value_type: Option<String>,
        /// New value.
        value: String,
    },
    /// Remove the entry with this id, if it belongs to the record.
    Delete {
        /// Entry id.
        id: i64,
    },
}

/// A record as read: its id, the values of the entity's fields in catalogue order
/// (`Null` for fields without a column), and its multi-fields when they were asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Primary key.
    pub id: i64,
    /// One value per entry of [`EntityDef::fields`], same order.
    pub values: Vec<FieldValue>,
    /// Multi-field entries ordered by id (empty when not loaded).
    pub multi: Vec<MultiFieldValue>,
}

/// Writes and reads of records of any [`EntityDef`]. Values are addressed by their
/// position in `entity.fields`; positions of fields without a column are refused.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// Inserts a record with the given field values and multi-field additions
    /// (only `Add` changes are meaningful here) and returns its id.
    async fn insert_record(
        &self,
        entity: &'static EntityDef,
        values: Vec<(usize, FieldValue)>,
        multi: Vec<MultiFieldChange>,
    ) -> Result<i64, StoreError>;

    /// Reads one record with its multi-fields; `None` when it does not exist.
    async fn get_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
    ) -> Result<Option<Record>, StoreError>;

    /// Updates the given fields and applies the multi-field changes in one transaction.
    /// Returns `false` when the record does not exist (nothing changed).
    async fn update_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
        values: Vec<(usize, FieldValue)>,
        multi: Vec<MultiFieldChange>,
    ) -> Result<bool, StoreError>;

    /// Deletes a record, its multi-fields and its links in both directions (see
    /// [`crate::links`]), in one transaction. Returns `false` when it did not exist.
    async fn delete_record(&self, entity: &'static EntityDef, id: i64) -> Result<bool, StoreError>;

    /// Runs a list query (filter, order, page) and returns the page and, when
    /// asked for, the total count of matching records.
    async fn list_records(
        &self,
        entity: &'static EntityDef,
        query: &ListQuery,
    ) -> Result<ListPage, StoreError>;
}
