//! Generic records: typed values of a record's stored fields, its multi-fields, and
//! the [`RecordStore`] trait through which every record type (CRM entities, users)
//! is written and read. Each write is one short transaction in the backend.

use async_trait::async_trait;

use crate::entity::{EntityDef, MultiType};
use crate::error::StoreError;
use crate::events::EventStamp;
use crate::links::LinkChange;
use crate::list::{ListPage, ListQuery};
use crate::user_fields::UserFieldWrite;

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
/// (`Null` for fields without a column), its multi-fields when they were asked for,
/// and its user-field values (always by `get_record`, by `list_records` when
/// asked for).
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Primary key.
    pub id: i64,
    /// One value per entry of [`EntityDef::fields`], same order.
    pub values: Vec<FieldValue>,
    /// Multi-field entries ordered by id (empty when not loaded).
    pub multi: Vec<MultiFieldValue>,
    /// User-field values by definition id (ascending), each field's values in
    /// order; fields without values are absent (all absent when not loaded).
    pub uf: Vec<(i64, Vec<FieldValue>)>,
}

impl Record {
    /// The record's values of the user field with this definition id (empty
    /// when it has none or they were not loaded).
    pub fn uf_values(&self, field_id: i64) -> &[FieldValue] {
        self.uf
            .binary_search_by_key(&field_id, |(id, _)| *id)
            .map(|i| self.uf[i].1.as_slice())
            .unwrap_or(&[])
    }
}

/// One link list a record write replaces: all the record's links to records of
/// the entity `target` (its code, `CONTACT`, `COMPANY`, …) become `links`, as
/// [`crate::links::replace`] says when the record owns the links in the
/// canonical direction (deal → contacts), or, when they are stored the other
/// way (a company's contacts: contact → company links), as
/// [`crate::links::LinkStore::set_linked_owners`] says from the record's side.
/// Every record named must exist ([`StoreError::NotFound`]); a target the
/// entity has no links to fails with [`StoreError::Other`].
#[derive(Clone, Debug, PartialEq)]
pub struct LinkListWrite {
    /// Code of the entity at the other end of the links.
    pub target: &'static str,
    /// The new list, in order; the first flagged primary (else the first) is
    /// the primary link.
    pub links: Vec<LinkChange>,
}

/// Everything one record write carries, committed together or not at all.
/// Values are addressed by their position in the entity's fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordWrite {
    /// Column values by catalogue position (a position given twice: the last wins).
    pub values: Vec<(usize, FieldValue)>,
    /// Multi-field changes, in order.
    pub multi: Vec<MultiFieldChange>,
    /// User-field values by definition id (see [`crate::user_fields`]).
    pub uf: Vec<UserFieldWrite>,
    /// Link lists to replace, applied after the record's own values (so the
    /// mirror column, such as deal `CONTACT_ID`, follows the primary link).
    pub links: Vec<LinkListWrite>,
    /// Inserts only: fields set to `prefix` followed by the new id when the
    /// write leaves them empty (absent, NULL or blank text) — the deal's
    /// default title `Deal #{id}`.
    pub id_defaults: Vec<(usize, String)>,
    /// When given, the write records the event it raises (see
    /// [`crate::events::record_event_code`]) and that event's deliveries in
    /// its own transaction.
    pub event: Option<EventStamp>,
}

impl RecordWrite {
    /// A write of these values only.
    pub fn values(values: Vec<(usize, FieldValue)>) -> Self {
        RecordWrite {
            values,
            ..RecordWrite::default()
        }
    }

    /// Whether the id default of field `pos` applies: the write leaves the
    /// field absent, NULL or blank text.
    pub fn leaves_empty(&self, pos: usize) -> bool {
        match self.values.iter().rev().find(|(p, _)| *p == pos) {
            None | Some((_, FieldValue::Null)) => true,
            Some((_, FieldValue::Text(t))) => t.trim().is_empty(),
            Some(_) => false,
        }
    }
}

/// Writes and reads of records of any [`EntityDef`]. Values are addressed by their
/// position in `entity.fields`; positions of fields without a column are refused.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// Inserts a record with everything `write` carries (see [`RecordWrite`]):
    /// its field values, multi-field additions (only `Add` changes are
    /// meaningful here), user-field values (see [`crate::user_fields`]), its id
    /// defaults, its link lists and the event `write.event` asks for, in one
    /// transaction, and returns its id.
    /// Values of a user field that is not the entity's (or no longer exists)
    /// are dropped. When any part fails (a link to a missing record:
    /// [`StoreError::NotFound`]; a link list the entity cannot have:
    /// [`StoreError::Other`]) nothing is written.
    async fn insert_record(
        &self,
        entity: &'static EntityDef,
        write: RecordWrite,
    ) -> Result<i64, StoreError>;

    /// Reads one record with its multi-fields and user-field values; `None`
    /// when it does not exist.
    async fn get_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
    ) -> Result<Option<Record>, StoreError>;

    /// Updates the given fields, applies the multi-field changes, replaces the
    /// values of the user fields named in `write.uf` and replaces the link
    /// lists of `write.links`, in one transaction (`write.id_defaults` are for
    /// inserts and ignored here), with the event `write.event` asks for.
    /// Returns `false` when the record does not exist (nothing changed, no
    /// event); when any part fails nothing is changed.
    async fn update_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
        write: RecordWrite,
    ) -> Result<bool, StoreError>;

    /// Deletes a record, its multi-fields, its user-field values and its links
    /// in both directions (see [`crate::links`]), in one transaction, with the
    /// event it raises when `event` is given. Returns `false` when it did not
    /// exist (no event then).
    async fn delete_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError>;

    /// Runs a list query (filter, order, page) and returns the page and, when
    /// asked for, the total count of matching records.
    async fn list_records(
        &self,
        entity: &'static EntityDef,
        query: &ListQuery,
    ) -> Result<ListPage, StoreError>;

    /// Ids of the records of `entity` having a multi-field entry of `kind`
    /// whose [`comm_key`] equals one of `keys` (already keys; duplicate search,
    /// `crm.duplicate.findbycomm`). Ascending, each id once.
    async fn find_by_multifield(
        &self,
        entity: &'static EntityDef,
        kind: MultiType,
        keys: &[String],
    ) -> Result<Vec<i64>, StoreError>;
}

/// A flag field (`HAS_PHONE`, `HAS_EMAIL`, `HAS_IMOL`) whose value the backends
/// derive from the record's multi-fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MultiFlag {
    /// `HAS_PHONE`: any PHONE entry.
    Phone,
    /// `HAS_EMAIL`: any EMAIL entry.
    Email,
    /// `HAS_IMOL`: any IM entry of value type IMOL or OPENLINE.
    Imol,
}

impl MultiFlag {
    /// The flag a field name stands for.
    pub fn of(name: &str) -> Option<MultiFlag> {
        match name {
            "HAS_PHONE" => Some(MultiFlag::Phone),
            "HAS_EMAIL" => Some(MultiFlag::Email),
            "HAS_IMOL" => Some(MultiFlag::Imol),
            _ => None,
        }
    }

    /// Whether an entry of this kind and value type sets the flag.
    pub fn set_by(self, kind: MultiType, value_type: &str) -> bool {
        match self {
            MultiFlag::Phone => kind == MultiType::Phone,
            MultiFlag::Email => kind == MultiType::Email,
            MultiFlag::Imol => kind == MultiType::Im && matches!(value_type, "IMOL" | "OPENLINE"),
        }
    }

    /// The flag's value (`Y`/`N`) for a new record whose entries are the `Add`s
    /// of `changes`.
    pub fn value_on_insert(self, changes: &[MultiFieldChange]) -> FieldValue {
        let set = changes.iter().any(|c| match c {
            MultiFieldChange::Add {
                kind, value_type, ..
            } => self.set_by(*kind, value_type),
            _ => false,
        });
        FieldValue::Text(if set { "Y" } else { "N" }.to_owned())
    }

    /// The SQL condition on `crm_multifields` rows that sets the flag (plain SQL
    /// every backend runs).
    pub fn condition(self) -> &'static str {
        match self {
            MultiFlag::Phone => "type_id = 'PHONE'",
            MultiFlag::Email => "type_id = 'EMAIL'",
            MultiFlag::Imol => "type_id = 'IM' AND value_type IN ('IMOL', 'OPENLINE')",
        }
    }
}

/// What two multi-field values must share to count as the same communication:
/// for phones their digits only (`+1 (555) 888-00-11` and `15558880011`), for
/// other kinds the value without surrounding white space, in lower case (so
/// e-mails match whatever their case). `None` when nothing is left.
pub fn comm_key(kind: MultiType, value: &str) -> Option<String> {
    let key = match kind {
        MultiType::Phone => value.chars().filter(char::is_ascii_digit).collect(),
        _ => value.trim().to_lowercase(),
    };
    (!key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comm_keys_compare_phone_digits_and_other_values_without_case() {
        let phone = |v: &str| comm_key(MultiType::Phone, v);
        assert_eq!(phone("+1 (555) 888-00-11").as_deref(), Some("15558880011"));
        assert_eq!(phone("15558880011"), phone("+1 (555) 888-00-11"));
        assert_eq!(phone("ext. -"), None);
        let email = |v: &str| comm_key(MultiType::Email, v);
        assert_eq!(
            email(" Ana@Example.COM ").as_deref(),
            Some("ana@example.com")
        );
        assert_eq!(email("ÁNA@x.io").as_deref(), Some("ána@x.io"));
        assert_eq!(email("  "), None);
    }
}
