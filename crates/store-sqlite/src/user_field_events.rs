//! The events of user-field definition writes, recorded on the write's own
//! connection (so in its transaction): `ONCRM{ENTITY}USERFIELD{ADD|UPDATE|
//! DELETE|SETENUMVALUES}` with `data` `{"FIELDS": {"ID", "ENTITY_ID",
//! "FIELD_NAME"}}`, and the snapshot of an enumeration's list items that tells
//! whether an update really changed them.

use portico_store::events::{user_field_event_code, user_field_event_entity};
use portico_store::{EventStamp, StoreError, UserFieldChangeKind};
use rusqlite::{Connection, OptionalExtension};

use crate::error::map_err;
use crate::events::{record_event, RaisedEvent};

/// The owner and code of a definition, as its events name it.
pub(crate) struct FieldIdentity {
    /// Definition id.
    pub id: i64,
    /// `CRM_LEAD`, …
    pub entity_id: String,
    /// `UF_CRM_…`.
    pub field_name: String,
}

/// The owner and code of definition `id`, if it exists.
pub(crate) fn identity(conn: &Connection, id: i64) -> Result<Option<FieldIdentity>, StoreError> {
    conn.prepare_cached("SELECT entity_id, field_name FROM crm_userfields WHERE id = ?1")
        .and_then(|mut s| {
            s.query_row([id], |row| {
                Ok(FieldIdentity {
                    id,
                    entity_id: row.get(0)?,
                    field_name: row.get(1)?,
                })
            })
            .optional()
        })
        .map_err(map_err)
}

/// One list item as compared before and after an update: id, value, default
/// flag, sort and external code.
type ItemState = (i64, String, String, i64, String);

/// The list items of definition `id`, by item id.
pub(crate) fn items(conn: &Connection, id: i64) -> Result<Vec<ItemState>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, value, def, sort, xml_id FROM crm_userfield_enums \
             WHERE field_id = ?1 ORDER BY id",
        )
        .map_err(map_err)?;
    let rows = stmt
        .query_map([id], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        })
        .map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}

/// Records the events `changes` of `field` raise, in order, when the write
/// carries a stamp.
pub(crate) fn raise(
    conn: &Connection,
    field: &FieldIdentity,
    changes: &[UserFieldChangeKind],
    stamp: Option<&EventStamp>,
) -> Result<(), StoreError> {
    let (Some(stamp), Some(entity)) = (stamp, user_field_event_entity(&field.entity_id)) else {
        return Ok(());
    };
    for &change in changes {
        let Some(code) = user_field_event_code(&field.entity_id, change) else {
            continue;
        };
        let event = RaisedEvent {
            code: &code,
            entity: &entity,
            entity_id: field.id,
            data: serde_json::json!({ "FIELDS": {
                "ID": field.id,
                "ENTITY_ID": field.entity_id,
                "FIELD_NAME": field.field_name,
            }}),
        };
        record_event(conn, &event, stamp)?;
    }
    Ok(())
}
