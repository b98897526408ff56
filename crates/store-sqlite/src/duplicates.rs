//! Duplicate search over `crm_multifields` ([`RecordStore::find_by_multifield`]):
//! which records of an entity carry a phone or an e-mail equal, under
//! [`comm_key`], to one of the keys searched.
//!
//! E-mails (and other kinds) compare `lower(value)`, the Unicode-aware `lower`
//! every connection installs, with the keys. Phones compare digits only, which
//! SQLite cannot compute: a `LIKE '%1%5%5%…%'` per key (the key's digits in
//! order, anything between) narrows the entries to candidates in SQL, and
//! [`comm_key`] of each candidate decides. Both scan the kind's entries of the
//! entity; there is no index on normalised values.
//!
//! [`RecordStore::find_by_multifield`]: portico_store::RecordStore::find_by_multifield

use std::collections::{BTreeSet, HashSet};

use portico_store::records::comm_key;
use portico_store::{EntityDef, MultiType, StoreError};
use rusqlite::{params, Connection};

use crate::error::map_err;

/// Entries of one kind of an entity whose value matches one of the `LIKE`
/// patterns in the JSON array `?3`.
const PHONE_CANDIDATES: &str = "SELECT owner_id, value FROM crm_multifields \
     WHERE entity = ?1 AND type_id = ?2 \
     AND EXISTS (SELECT 1 FROM json_each(?3) AS p WHERE crm_multifields.value LIKE p.value)";

/// Owners of entries of one kind of an entity whose lower-cased value is in the
/// JSON array `?3`.
const EXACT_OWNERS: &str = "SELECT DISTINCT owner_id FROM crm_multifields \
     WHERE entity = ?1 AND type_id = ?2 \
     AND lower(value) IN (SELECT value FROM json_each(?3))";

/// Ids of records of `entity` with an entry of `kind` whose key is in `keys`.
pub(crate) fn find(
    conn: &Connection,
    entity: &EntityDef,
    kind: MultiType,
    keys: &[String],
) -> Result<Vec<i64>, StoreError> {
    let keys: Vec<&String> = keys.iter().filter(|k| !k.is_empty()).collect();
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut owners = BTreeSet::new();
    if kind == MultiType::Phone {
        let wanted: HashSet<&str> = keys.iter().map(|k| k.as_str()).collect();
        let patterns: Vec<String> = keys.iter().map(|k| digits_pattern(k)).collect();
        let mut stmt = conn.prepare_cached(PHONE_CANDIDATES).map_err(map_err)?;
        let mut rows = stmt
            .query(params![entity.code, kind.as_str(), json_array(&patterns)])
            .map_err(map_err)?;
        while let Some(row) = rows.next().map_err(map_err)? {
            let owner: i64 = row.get(0).map_err(map_err)?;
            let value: String = row.get(1).map_err(map_err)?;
            if comm_key(kind, &value).is_some_and(|k| wanted.contains(k.as_str())) {
                owners.insert(owner);
            }
        }
    } else {
        let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        let mut stmt = conn.prepare_cached(EXACT_OWNERS).map_err(map_err)?;
        let mut rows = stmt
            .query(params![entity.code, kind.as_str(), json_array(&keys)])
            .map_err(map_err)?;
        while let Some(row) = rows.next().map_err(map_err)? {
            owners.insert(row.get::<_, i64>(0).map_err(map_err)?);
        }
    }
    Ok(owners.into_iter().collect())
}

/// `%1%5%5%` for `155`: the digits in order with anything around them. Keys
/// of phones are digits only, so nothing in them is a `LIKE` wildcard.
fn digits_pattern(key: &str) -> String {
    let mut out = String::with_capacity(key.len() * 2 + 1);
    out.push('%');
    for c in key.chars().filter(char::is_ascii_digit) {
        out.push(c);
        out.push('%');
    }
    out
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
    fn patterns_and_json_are_well_formed() {
        assert_eq!(digits_pattern("155"), "%1%5%5%");
        assert_eq!(
            json_array(&["a\"b".into(), "c\\d\n".into()]),
            r#"["a\"b","c\\d\u000a"]"#
        );
        assert_eq!(json_array(&[]), "[]");
    }
}
