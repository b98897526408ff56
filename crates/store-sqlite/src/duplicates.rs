//! Duplicate search over `crm_multifields` ([`RecordStore::find_by_multifield`]):
//! which records of an entity carry a phone or an e-mail equal, under
//! [`comm_key`], to one of the keys searched.
//!
//! Every entry keeps its key in `value_key` (written with the entry by
//! `portico_comm_key`, the same [`comm_key`] as a SQL function), so the search
//! is a range of the index `crm_multifields_comm_key` (`entity, type_id,
//! value_key, owner_id`) per key searched, for phones and e-mails alike.
//!
//! [`comm_key`]: portico_store::records::comm_key
//! [`RecordStore::find_by_multifield`]: portico_store::RecordStore::find_by_multifield

use std::collections::BTreeSet;

use portico_store::{EntityDef, MultiType, StoreError};
use rusqlite::{params, Connection};

use crate::error::map_err;

/// Owners of entries of one kind of an entity whose key is in the JSON array
/// `?3`. Neither sorted nor distinct in SQL: an `ORDER BY owner_id` would tempt
/// the planner into walking all the entity's entries in the owner index.
pub(crate) const OWNERS_BY_KEY: &str = "SELECT owner_id FROM crm_multifields \
     WHERE entity = ?1 AND type_id = ?2 AND value_key IN (SELECT value FROM json_each(?3))";

/// Ids of records of `entity` with an entry of `kind` whose key is in `keys`.
pub(crate) fn find(
    conn: &Connection,
    entity: &EntityDef,
    kind: MultiType,
    keys: &[String],
) -> Result<Vec<i64>, StoreError> {
    let keys: Vec<String> = keys.iter().filter(|k| !k.is_empty()).cloned().collect();
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(OWNERS_BY_KEY).map_err(map_err)?;
    let owners = stmt
        .query_map(
            params![entity.code, kind.as_str(), json_array(&keys)],
            |row| row.get::<_, i64>(0),
        )
        .map_err(map_err)?;
    let owners: BTreeSet<i64> = owners.collect::<Result<_, _>>().map_err(map_err)?;
    Ok(owners.into_iter().collect())
}

/// A JSON array of strings, for `json_each`.
fn json_array(items: &[String]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in item.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_well_formed() {
        assert_eq!(
            json_array(&["a\"b".into(), "c\\d\n".into()]),
            r#"["a\"b","c\\d\u000a"]"#
        );
        assert_eq!(json_array(&[]), "[]");
    }
}
