//! The definition writes of [`portico_store::UserFieldStore`], each run inside
//! one transaction: create a definition with its list items, change it and its
//! items, delete it with its items and every record's values, recording the
//! events each raises (see [`super::events`]).

use deadpool_postgres::Transaction;
use portico_store::user_fields::{
    settings_to_text, EnumChange, Labels, NewEnumItem, NewUserField, UserFieldChange,
    ENUM_XML_ID_CONFLICT, USER_FIELD_CONFLICT,
};
use portico_store::{EventStamp, UserFieldChangeKind};

use super::events::{self, FieldIdentity};
use crate::statuses::{conflict_named, yn};
use crate::DbResult;

/// Inserts one list item of `field_id`; a taken `XML_ID` within the field is
/// `Conflict(ENUM_XML_ID_CONFLICT)`.
async fn insert_item(tx: &Transaction<'_>, field_id: i64, item: &NewEnumItem) -> DbResult<()> {
    let statement = tx
        .prepare_cached(
            "INSERT INTO crm_userfield_enums (field_id, value, def, sort, xml_id) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .await?;
    tx.execute(
        &statement,
        &[
            &field_id,
            &item.value,
            &yn(item.def),
            &item.sort,
            &item.xml_id,
        ],
    )
    .await
    .map_err(|e| conflict_named(e, ENUM_XML_ID_CONFLICT))?;
    Ok(())
}

/// Inserts a definition and its items, records its events and returns its id.
pub(super) async fn insert(
    tx: &Transaction<'_>,
    f: &NewUserField,
    stamp: Option<&EventStamp>,
) -> DbResult<i64> {
    let statement = tx
        .prepare_cached(
            "INSERT INTO crm_userfields (entity_id, field_name, user_type_id, xml_id, sort, \
             multiple, mandatory, show_filter, show_in_list, edit_in_list, is_searchable, \
             settings, labels) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             RETURNING id",
        )
        .await?;
    let id: i64 = tx
        .query_one(
            &statement,
            &[
                &f.entity_id,
                &f.field_name,
                &f.user_type.as_str(),
                &f.xml_id,
                &f.sort,
                &yn(f.multiple),
                &yn(f.mandatory),
                &f.show_filter,
                &yn(f.show_in_list),
                &yn(f.edit_in_list),
                &yn(f.is_searchable),
                &settings_to_text(&f.settings),
                &f.labels.to_text(),
            ],
        )
        .await
        .map_err(|e| conflict_named(e, USER_FIELD_CONFLICT))?
        .try_get(0)?;
    for item in &f.items {
        insert_item(tx, id, item).await?;
    }
    let field = FieldIdentity {
        id,
        entity_id: f.entity_id.clone(),
        field_name: f.field_name.clone(),
    };
    let changes: &[UserFieldChangeKind] = if f.items.is_empty() {
        &[UserFieldChangeKind::Add]
    } else {
        &[UserFieldChangeKind::Add, UserFieldChangeKind::SetEnumValues]
    };
    events::raise(tx, &field, changes, stamp).await?;
    Ok(id)
}

/// Applies a change to definition `id` and its items and records its events;
/// `false` when the definition does not exist.
pub(super) async fn update(
    tx: &Transaction<'_>,
    id: i64,
    c: &UserFieldChange,
    stamp: Option<&EventStamp>,
) -> DbResult<bool> {
    let Some(field) = events::identity(tx, id).await? else {
        return Ok(false);
    };
    let items_before = match (&stamp, c.items.is_empty()) {
        (Some(_), false) => Some(events::items(tx, id).await?),
        _ => None,
    };
    let (set_xml, xml_id) = match &c.xml_id {
        Some(x) => (true, x.as_deref()),
        None => (false, None),
    };
    let statement = tx
        .prepare_cached(
            "UPDATE crm_userfields SET \
             xml_id = CASE WHEN $1 THEN $2 ELSE xml_id END, \
             sort = COALESCE($3, sort), \
             mandatory = COALESCE($4, mandatory), \
             show_filter = COALESCE($5, show_filter), \
             show_in_list = COALESCE($6, show_in_list), \
             edit_in_list = COALESCE($7, edit_in_list), \
             is_searchable = COALESCE($8, is_searchable), \
             settings = COALESCE($9, settings), \
             labels = COALESCE($10, labels) \
             WHERE id = $11",
        )
        .await?;
    let updated = tx
        .execute(
            &statement,
            &[
                &set_xml,
                &xml_id,
                &c.sort,
                &c.mandatory.map(yn),
                &c.show_filter,
                &c.show_in_list.map(yn),
                &c.edit_in_list.map(yn),
                &c.is_searchable.map(yn),
                &c.settings.as_ref().map(settings_to_text),
                &c.labels.as_ref().map(Labels::to_text),
                &id,
            ],
        )
        .await?;
    if updated == 0 {
        return Ok(false);
    }
    for change in &c.items {
        apply_item_change(tx, id, change).await?;
    }
    let mut changes = vec![UserFieldChangeKind::Update];
    if let Some(before) = items_before {
        if events::items(tx, id).await? != before {
            changes.push(UserFieldChangeKind::SetEnumValues);
        }
    }
    events::raise(tx, &field, &changes, stamp).await?;
    Ok(true)
}

/// Applies one change to the list items of definition `field_id` (changes to
/// another field's items do nothing); a deleted item takes the record values
/// that chose it.
async fn apply_item_change(
    tx: &Transaction<'_>,
    field_id: i64,
    change: &EnumChange,
) -> DbResult<()> {
    match change {
        EnumChange::Add(item) => insert_item(tx, field_id, item).await,
        EnumChange::Update {
            id,
            value,
            def,
            sort,
            xml_id,
        } => {
            let statement = tx
                .prepare_cached(
                    "UPDATE crm_userfield_enums SET value = COALESCE($1, value), \
                     def = COALESCE($2, def), sort = COALESCE($3, sort), \
                     xml_id = COALESCE($4, xml_id) WHERE id = $5 AND field_id = $6",
                )
                .await?;
            tx.execute(
                &statement,
                &[value, &def.map(yn), sort, xml_id, id, &field_id],
            )
            .await
            .map_err(|e| conflict_named(e, ENUM_XML_ID_CONFLICT))?;
            Ok(())
        }
        EnumChange::Delete { id } => {
            let statement = tx
                .prepare_cached("DELETE FROM crm_userfield_enums WHERE id = $1 AND field_id = $2")
                .await?;
            if tx.execute(&statement, &[id, &field_id]).await? > 0 {
                let statement = tx
                    .prepare_cached(
                        "DELETE FROM crm_uf_values WHERE field_id = $1 AND value_int = $2",
                    )
                    .await?;
                tx.execute(&statement, &[&field_id, id]).await?;
            }
            Ok(())
        }
    }
}

/// Deletes definition `id`, its items and its values, and records its event;
/// `false` when it did not exist.
pub(super) async fn delete(
    tx: &Transaction<'_>,
    id: i64,
    stamp: Option<&EventStamp>,
) -> DbResult<bool> {
    let field = events::identity(tx, id).await?;
    let statement = tx
        .prepare_cached("DELETE FROM crm_userfields WHERE id = $1")
        .await?;
    let deleted = tx.execute(&statement, &[&id]).await?;
    for sql in [
        "DELETE FROM crm_userfield_enums WHERE field_id = $1",
        "DELETE FROM crm_uf_values WHERE field_id = $1",
    ] {
        let statement = tx.prepare_cached(sql).await?;
        tx.execute(&statement, &[&id]).await?;
    }
    if let Some(field) = field {
        events::raise(tx, &field, &[UserFieldChangeKind::Delete], stamp).await?;
    }
    Ok(deleted > 0)
}
