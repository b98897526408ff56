//! A record in the legacy shape serialised straight to JSON text, for the
//! single-record reads (`crm.{entity}.get`) whose answer is a JSON body: the
//! same bytes as serialising [`super::render_record`]'s map (with the values
//! the caller then sets), without building the map — no key strings, no map
//! hashing, no value strings for stored texts.

use chrono::FixedOffset;
use portico_store::{EntityDef, FieldValue, MultiFieldValue, MultiType, Record};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::Selection;
use crate::crm::user_fields;
use crate::values::LegacyValue;

/// One record as [`super::render_record`] renders it for `selection`, then
/// with each of `overrides` set as the caller's `insert` would set it: in
/// place of a key already there, else after the rest.
pub struct LegacyRecordJson<'a> {
    /// The record's entity.
    pub entity: &'a EntityDef,
    /// The record.
    pub record: &'a Record,
    /// Which fields to write.
    pub selection: &'a Selection,
    /// The portal's time zone, for dates.
    pub offset: FixedOffset,
    /// Keys set after rendering (a `get`'s link id lists), in order.
    pub overrides: &'a [(&'a str, Value)],
}

impl LegacyRecordJson<'_> {
    /// The record as JSON text.
    pub fn to_vec(&self) -> serde_json::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(2048);
        serde_json::to_writer(&mut out, self)?;
        Ok(out)
    }

    /// The override of `name`, marked written.
    fn take_override(&self, name: &str, written: &mut [bool]) -> Option<&Value> {
        let i = self.overrides.iter().position(|(key, _)| *key == name)?;
        written[i] = true;
        Some(&self.overrides[i].1)
    }
}

impl Serialize for LegacyRecordJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut written = vec![false; self.overrides.len()];
        let mut map = s.serialize_map(None)?;
        for &idx in &self.selection.fields {
            let field = &self.entity.fields[idx];
            if let Some(value) = self.take_override(field.name, &mut written) {
                map.serialize_entry(field.name, value)?;
                continue;
            }
            let value = self.record.values.get(idx).unwrap_or(&FieldValue::Null);
            map.serialize_entry(field.name, &LegacyValue::of(field, value, self.offset))?;
        }
        for &kind in &self.selection.multi {
            if !self.record.multi.iter().any(|m| m.kind == kind) {
                continue;
            }
            let name = kind.as_str();
            match self.take_override(name, &mut written) {
                Some(value) => map.serialize_entry(name, value)?,
                None => map.serialize_entry(
                    name,
                    &MultiEntries {
                        kind,
                        all: &self.record.multi,
                    },
                )?,
            }
        }
        for def in &self.selection.uf {
            match self.take_override(&def.field_name, &mut written) {
                Some(value) => map.serialize_entry(&def.field_name, value)?,
                None => map.serialize_entry(
                    &def.field_name,
                    &user_fields::render_value(def, self.record.uf_values(def.id), self.offset),
                )?,
            }
        }
        for ((name, value), done) in self.overrides.iter().zip(written) {
            if !done {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
}

/// A record's multi-field entries of one kind, as
/// `[{"ID","VALUE_TYPE","VALUE","TYPE_ID"}, …]`.
struct MultiEntries<'a> {
    kind: MultiType,
    all: &'a [MultiFieldValue],
}

impl Serialize for MultiEntries<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for entry in self.all.iter().filter(|m| m.kind == self.kind) {
            seq.serialize_element(&MultiEntry(entry))?;
        }
        seq.end()
    }
}

/// One multi-field entry.
struct MultiEntry<'a>(&'a MultiFieldValue);

impl Serialize for MultiEntry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let m = self.0;
        let mut map = s.serialize_map(Some(4))?;
        map.serialize_entry("ID", &format_args!("{}", m.id))?;
        map.serialize_entry("VALUE_TYPE", &m.value_type)?;
        map.serialize_entry("VALUE", &m.value)?;
        map.serialize_entry("TYPE_ID", m.kind.as_str())?;
        map.end()
    }
}
