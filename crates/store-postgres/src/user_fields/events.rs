//! The events of user-field definition writes, recorded in the write's own
//! transaction: `ONCRM{ENTITY}USERFIELD{ADD|UPDATE|DELETE|SETENUMVALUES}` with
//! `data` `{"FIELDS": {"ID", "ENTITY_ID", "FIELD_NAME"}}`, and the snapshot of
//! an enumeration's list items that tells whether an update really changed
//! them.

use deadpool_postgres::{GenericClient, Transaction};
use portico_store::events::{user_field_event_code, user_field_event_entity};
use portico_store::{EventStamp, UserFieldChangeKind};

use crate::events::{record_event, RaisedEvent};
use crate::DbResult;

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
pub(crate) async fn identity(
    conn: &impl GenericClient,
    id: i64,
) -> DbResult<Option<FieldIdentity>> {
    let statement = conn
        .prepare_cached("SELECT entity_id, field_name FROM crm_userfields WHERE id = $1")
        .await?;
    match conn.query_opt(&statement, &[&id]).await? {
        Some(row) => Ok(Some(FieldIdentity {
            id,
            entity_id: row.try_get(0)?,
            field_name: row.try_get(1)?,
        })),
        None => Ok(None),
    }
}

/// One list item as compared before and after an update: id, value, default
/// flag, sort and external code.
pub(crate) type ItemState = (i64, String, String, i64, String);

/// The list items of definition `id`, by item id.
pub(crate) async fn items(conn: &impl GenericClient, id: i64) -> DbResult<Vec<ItemState>> {
    let statement = conn
        .prepare_cached(
            "SELECT id, value, def, sort, xml_id FROM crm_userfield_enums \
             WHERE field_id = $1 ORDER BY id",
        )
        .await?;
    conn.query(&statement, &[&id])
        .await?
        .iter()
        .map(|row| {
            Ok((
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
                row.try_get(4)?,
            ))
        })
        .collect()
}

/// Records the events `changes` of `field` raise, in order, when the write
/// carries a stamp.
pub(crate) async fn raise(
    tx: &Transaction<'_>,
    field: &FieldIdentity,
    changes: &[UserFieldChangeKind],
    stamp: Option<&EventStamp>,
) -> DbResult<()> {
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
        record_event(tx, &event, stamp).await?;
    }
    Ok(())
}
