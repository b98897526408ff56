//! Duplicate search over `crm_multifields` ([`RecordStore::find_by_multifield`]):
//! which records of an entity carry a phone or an e-mail equal, under
//! [`comm_key`], to one of the keys searched.
//!
//! Every entry keeps its key in `value_key` (computed in Rust with the entry,
//! see [`super::multi`]), so the search is a range of the index
//! `crm_multifields_comm_key` (`entity, type_id, value_key, owner_id`) per key
//! searched, for phones and e-mails alike.
//!
//! [`comm_key`]: portico_store::records::comm_key
//! [`RecordStore::find_by_multifield`]: portico_store::RecordStore::find_by_multifield

use std::collections::BTreeSet;

use deadpool_postgres::GenericClient;
use portico_store::{EntityDef, MultiType};

use crate::DbResult;

/// Owners of entries of one kind of an entity whose key is in `$3`. Neither
/// sorted nor distinct in SQL (as on SQLite): an `ORDER BY owner_id` could
/// tempt the planner into walking all the entity's entries in the owner index.
const OWNERS_BY_KEY: &str = "SELECT owner_id FROM crm_multifields \
     WHERE entity = $1 AND type_id = $2 AND value_key = ANY($3)";

/// Ids of records of `entity` with an entry of `kind` whose key is in `keys`,
/// ascending.
pub(crate) async fn find(
    conn: &impl GenericClient,
    entity: &EntityDef,
    kind: MultiType,
    keys: &[String],
) -> DbResult<Vec<i64>> {
    let keys: Vec<&str> = keys
        .iter()
        .map(String::as_str)
        .filter(|k| !k.is_empty())
        .collect();
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let statement = conn.prepare_cached(OWNERS_BY_KEY).await?;
    let mut owners = BTreeSet::new();
    for row in conn
        .query(&statement, &[&entity.code, &kind.as_str(), &keys])
        .await?
    {
        owners.insert(row.try_get::<_, i64>(0)?);
    }
    Ok(owners.into_iter().collect())
}
