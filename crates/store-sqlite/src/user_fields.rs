//! [`UserFieldStore`] on `crm_userfields` and `crm_userfield_enums`
//! (migration 0005), and the record side of user fields: the values in
//! `crm_uf_values`, written inside the record's own write (see
//! [`crate::records`]) and read with it. Definition reads run inline on a pool
//! connection (an entity has tens of fields), in one read transaction with
//! their list items; every write runs in the writer.

use std::collections::HashMap;

use async_trait::async_trait;
use portico_store::user_fields::{
    entity_id_of, settings_from_text, settings_to_text, EnumChange, EnumItem, Labels, NewEnumItem,
    NewUserField, UserFieldChange, UserFieldWrite, ENUM_XML_ID_CONFLICT, USER_FIELD_CONFLICT,
};
use portico_store::{
    EntityDef, EventStamp, FieldValue, Record, StoreError, UserField, UserFieldChangeKind,
    UserFieldStore, UserType,
};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::map_err;
use crate::user_field_events::{self as events, FieldIdentity};
use crate::value::Bind;
use crate::SqliteStore;

/// The columns [`field_from_row`] reads, in order.
macro_rules! field_columns {
    () => {
        "id, entity_id, field_name, user_type_id, xml_id, sort, multiple, mandatory, \
         show_filter, show_in_list, edit_in_list, is_searchable, settings, labels"
    };
}

/// The columns [`item_from_row`] reads after `field_id`, in order.
macro_rules! item_columns {
    () => {
        "field_id, id, value, def, sort, xml_id"
    };
}

/// `Y` / `N`.
fn yn(b: bool) -> &'static str {
    if b {
        "Y"
    } else {
        "N"
    }
}

/// A definition (without its items) from the columns of `field_columns!`;
/// `None` for a type this build does not know.
fn field_from_row(row: &Row<'_>) -> rusqlite::Result<Option<UserField>> {
    let user_type: String = row.get(3)?;
    let Some(user_type) = UserType::parse(&user_type) else {
        tracing::warn!(user_type, "skipping user field of unknown type");
        return Ok(None);
    };
    let flag = |i: usize| -> rusqlite::Result<bool> { Ok(row.get::<_, String>(i)? == "Y") };
    let settings: String = row.get(12)?;
    let labels: String = row.get(13)?;
    Ok(Some(UserField {
        id: row.get(0)?,
        entity_id: row.get(1)?,
        field_name: row.get(2)?,
        user_type,
        xml_id: row.get(4)?,
        sort: row.get(5)?,
        multiple: flag(6)?,
        mandatory: flag(7)?,
        show_filter: row.get(8)?,
        show_in_list: flag(9)?,
        edit_in_list: flag(10)?,
        is_searchable: flag(11)?,
        settings: settings_from_text(&settings),
        labels: Labels::from_text(&labels),
        items: Vec::new(),
    }))
}

/// `(field_id, item)` from the columns of `item_columns!`.
fn item_from_row(row: &Row<'_>) -> rusqlite::Result<(i64, EnumItem)> {
    let def: String = row.get(3)?;
    Ok((
        row.get(0)?,
        EnumItem {
            id: row.get(1)?,
            value: row.get(2)?,
            def: def == "Y",
            sort: row.get(4)?,
            xml_id: row.get(5)?,
        },
    ))
}

/// Attaches the list items read by `stmt` (bound to `param`) to `fields`.
fn attach_items<P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    param: P,
    fields: &mut [UserField],
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(map_err)?;
    let rows = stmt.query_map(param, item_from_row).map_err(map_err)?;
    let mut by_field: HashMap<i64, Vec<EnumItem>> = HashMap::new();
    for row in rows {
        let (field_id, item) = row.map_err(map_err)?;
        by_field.entry(field_id).or_default().push(item);
    }
    for f in fields {
        f.items = by_field.remove(&f.id).unwrap_or_default();
    }
    Ok(())
}

/// The definitions of one entity (or all), with their items.
fn list(conn: &Connection, entity_id: Option<&str>) -> Result<Vec<UserField>, StoreError> {
    let tx = conn.unchecked_transaction().map_err(map_err)?;
    let mut fields = Vec::new();
    {
        let mut stmt = match entity_id {
            Some(_) => tx.prepare_cached(concat!(
                "SELECT ",
                field_columns!(),
                " FROM crm_userfields WHERE entity_id = ?1 ORDER BY sort, id"
            )),
            None => tx.prepare_cached(concat!(
                "SELECT ",
                field_columns!(),
                " FROM crm_userfields ORDER BY sort, id"
            )),
        }
        .map_err(map_err)?;
        let rows = match entity_id {
            Some(e) => stmt.query_map([e], field_from_row),
            None => stmt.query_map([], field_from_row),
        }
        .map_err(map_err)?;
        for row in rows {
            fields.extend(row.map_err(map_err)?);
        }
    }
    if fields.iter().any(|f| f.user_type == UserType::Enumeration) {
        match entity_id {
            Some(e) => attach_items(
                &tx,
                concat!(
                    "SELECT ",
                    item_columns!(),
                    " FROM crm_userfield_enums WHERE field_id IN \
                     (SELECT id FROM crm_userfields WHERE entity_id = ?1) \
                     ORDER BY field_id, sort, id"
                ),
                [e],
                &mut fields,
            )?,
            None => attach_items(
                &tx,
                concat!(
                    "SELECT ",
                    item_columns!(),
                    " FROM crm_userfield_enums ORDER BY field_id, sort, id"
                ),
                [],
                &mut fields,
            )?,
        }
    }
    tx.commit().map_err(map_err)?;
    Ok(fields)
}

/// One definition with its items.
fn by_id(conn: &Connection, id: i64) -> Result<Option<UserField>, StoreError> {
    let tx = conn.unchecked_transaction().map_err(map_err)?;
    let field = tx
        .prepare_cached(concat!(
            "SELECT ",
            field_columns!(),
            " FROM crm_userfields WHERE id = ?1"
        ))
        .and_then(|mut s| s.query_row([id], field_from_row).optional())
        .map_err(map_err)?
        .flatten();
    let Some(field) = field else {
        tx.commit().map_err(map_err)?;
        return Ok(None);
    };
    let mut fields = [field];
    attach_items(
        &tx,
        concat!(
            "SELECT ",
            item_columns!(),
            " FROM crm_userfield_enums WHERE field_id = ?1 ORDER BY sort, id"
        ),
        [id],
        &mut fields,
    )?;
    tx.commit().map_err(map_err)?;
    let [field] = fields;
    Ok(Some(field))
}

/// A write error with the item conflict named.
fn item_conflict(e: rusqlite::Error) -> StoreError {
    match map_err(e) {
        StoreError::Conflict(name) if name.starts_with("crm_userfield_enums") => {
            StoreError::Conflict(ENUM_XML_ID_CONFLICT.to_owned())
        }
        other => other,
    }
}

/// Inserts one list item of `field_id`.
fn insert_item(conn: &Connection, field_id: i64, item: &NewEnumItem) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO crm_userfield_enums (field_id, value, def, sort, xml_id) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut s| {
        s.execute(params![
            field_id,
            item.value,
            yn(item.def),
            item.sort,
            item.xml_id
        ])
    })
    .map_err(item_conflict)?;
    Ok(())
}

/// Inserts a definition and its items, and records its events.
fn insert(
    conn: &Connection,
    f: &NewUserField,
    stamp: Option<&EventStamp>,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO crm_userfields (entity_id, field_name, user_type_id, xml_id, sort, \
         multiple, mandatory, show_filter, show_in_list, edit_in_list, is_searchable, \
         settings, labels) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )
    .and_then(|mut s| {
        s.execute(params![
            f.entity_id,
            f.field_name,
            f.user_type.as_str(),
            f.xml_id,
            f.sort,
            yn(f.multiple),
            yn(f.mandatory),
            f.show_filter,
            yn(f.show_in_list),
            yn(f.edit_in_list),
            yn(f.is_searchable),
            settings_to_text(&f.settings),
            f.labels.to_text(),
        ])
    })
    .map_err(|e| match map_err(e) {
        StoreError::Conflict(_) => StoreError::Conflict(USER_FIELD_CONFLICT.to_owned()),
        other => other,
    })?;
    let id = conn.last_insert_rowid();
    for item in &f.items {
        insert_item(conn, id, item)?;
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
    events::raise(conn, &field, changes, stamp)?;
    Ok(id)
}

/// Applies a change and records its events; `false` when the definition does
/// not exist.
fn update(
    conn: &Connection,
    id: i64,
    c: &UserFieldChange,
    stamp: Option<&EventStamp>,
) -> Result<bool, StoreError> {
    let Some(field) = events::identity(conn, id)? else {
        return Ok(false);
    };
    let items_before = match (&stamp, c.items.is_empty()) {
        (Some(_), false) => Some(events::items(conn, id)?),
        _ => None,
    };
    let (set_xml, xml_id) = match &c.xml_id {
        Some(x) => (true, x.clone()),
        None => (false, None),
    };
    let n = conn
        .prepare_cached(
            "UPDATE crm_userfields SET \
             xml_id = CASE WHEN ?1 THEN ?2 ELSE xml_id END, \
             sort = COALESCE(?3, sort), \
             mandatory = COALESCE(?4, mandatory), \
             show_filter = COALESCE(?5, show_filter), \
             show_in_list = COALESCE(?6, show_in_list), \
             edit_in_list = COALESCE(?7, edit_in_list), \
             is_searchable = COALESCE(?8, is_searchable), \
             settings = COALESCE(?9, settings), \
             labels = COALESCE(?10, labels) \
             WHERE id = ?11",
        )
        .and_then(|mut s| {
            s.execute(params![
                set_xml,
                xml_id,
                c.sort,
                c.mandatory.map(yn),
                c.show_filter,
                c.show_in_list.map(yn),
                c.edit_in_list.map(yn),
                c.is_searchable.map(yn),
                c.settings.as_ref().map(settings_to_text),
                c.labels.as_ref().map(Labels::to_text),
                id,
            ])
        })
        .map_err(map_err)?;
    if n == 0 {
        return Ok(false);
    }
    for change in &c.items {
        match change {
            EnumChange::Add(item) => insert_item(conn, id, item)?,
            EnumChange::Update {
                id: item,
                value,
                def,
                sort,
                xml_id,
            } => {
                conn.prepare_cached(
                    "UPDATE crm_userfield_enums SET value = COALESCE(?1, value), \
                     def = COALESCE(?2, def), sort = COALESCE(?3, sort), \
                     xml_id = COALESCE(?4, xml_id) WHERE id = ?5 AND field_id = ?6",
                )
                .and_then(|mut s| s.execute(params![value, def.map(yn), sort, xml_id, item, id]))
                .map_err(item_conflict)?;
            }
            EnumChange::Delete { id: item } => {
                let n = conn
                    .prepare_cached(
                        "DELETE FROM crm_userfield_enums WHERE id = ?1 AND field_id = ?2",
                    )
                    .and_then(|mut s| s.execute([item, &id]))
                    .map_err(map_err)?;
                if n > 0 {
                    conn.prepare_cached(
                        "DELETE FROM crm_uf_values WHERE field_id = ?1 AND value_int = ?2",
                    )
                    .and_then(|mut s| s.execute([id, *item]))
                    .map_err(map_err)?;
                }
            }
        }
    }
    let mut changes = vec![UserFieldChangeKind::Update];
    if let Some(before) = items_before {
        if events::items(conn, id)? != before {
            changes.push(UserFieldChangeKind::SetEnumValues);
        }
    }
    events::raise(conn, &field, &changes, stamp)?;
    Ok(true)
}

/// Deletes a definition, its items and its values, and records its event.
fn delete(conn: &Connection, id: i64, stamp: Option<&EventStamp>) -> Result<bool, StoreError> {
    let field = events::identity(conn, id)?;
    let n = conn
        .prepare_cached("DELETE FROM crm_userfields WHERE id = ?1")
        .and_then(|mut s| s.execute([id]))
        .map_err(map_err)?;
    for sql in [
        "DELETE FROM crm_userfield_enums WHERE field_id = ?1",
        "DELETE FROM crm_uf_values WHERE field_id = ?1",
    ] {
        conn.prepare_cached(sql)
            .and_then(|mut s| s.execute([id]))
            .map_err(map_err)?;
    }
    if let Some(field) = field {
        events::raise(conn, &field, &[UserFieldChangeKind::Delete], stamp)?;
    }
    Ok(n > 0)
}

/// Replaces record `owner_id`'s values of each field in `uf` (inside the
/// record's write). Values of fields that are not the entity's are dropped;
/// `Null` values are skipped.
pub(crate) fn write_values(
    conn: &Connection,
    entity: &EntityDef,
    owner_id: i64,
    uf: &[UserFieldWrite],
) -> Result<(), StoreError> {
    let Some(entity_id) = entity_id_of(entity) else {
        return Ok(());
    };
    for (field_id, values) in uf {
        let mine = conn
            .prepare_cached("SELECT 1 FROM crm_userfields WHERE id = ?1 AND entity_id = ?2")
            .and_then(|mut s| s.exists(params![field_id, entity_id]))
            .map_err(map_err)?;
        if !mine {
            continue;
        }
        conn.prepare_cached(
            "DELETE FROM crm_uf_values WHERE entity = ?1 AND owner_id = ?2 AND field_id = ?3",
        )
        .and_then(|mut s| s.execute(params![entity.code, owner_id, field_id]))
        .map_err(map_err)?;
        let mut insert = conn
            .prepare_cached(
                "INSERT INTO crm_uf_values (entity, owner_id, field_id, position, \
                 value_int, value_real, value_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(map_err)?;
        for (position, v) in values.iter().enumerate() {
            let null = FieldValue::Null;
            let (int, real, text) = match v {
                FieldValue::Null => continue,
                FieldValue::Int(_) => (v, &null, &null),
                FieldValue::Float(_) => (&null, v, &null),
                FieldValue::Text(_) => (&null, &null, v),
            };
            insert
                .execute(params![
                    entity.code,
                    owner_id,
                    field_id,
                    position as i64,
                    Bind(int),
                    Bind(real),
                    Bind(text)
                ])
                .map_err(map_err)?;
        }
    }
    Ok(())
}

/// Deletes all values of record `owner_id`.
pub(crate) fn delete_values(
    conn: &Connection,
    entity: &EntityDef,
    owner_id: i64,
) -> Result<(), StoreError> {
    if entity_id_of(entity).is_some() {
        conn.prepare_cached("DELETE FROM crm_uf_values WHERE entity = ?1 AND owner_id = ?2")
            .and_then(|mut s| s.execute(params![entity.code, owner_id]))
            .map_err(map_err)?;
    }
    Ok(())
}

/// The value of a row's `value_int, value_real, value_text` starting at `at`.
fn value_at(row: &Row<'_>, at: usize) -> rusqlite::Result<FieldValue> {
    if let Some(i) = row.get::<_, Option<i64>>(at)? {
        return Ok(FieldValue::Int(i));
    }
    if let Some(f) = row.get::<_, Option<f64>>(at + 1)? {
        return Ok(FieldValue::Float(f));
    }
    Ok(row
        .get::<_, Option<String>>(at + 2)?
        .map_or(FieldValue::Null, FieldValue::Text))
}

/// Appends `(field_id, value)` to `uf`, grouping consecutive values of a field.
fn push(uf: &mut Vec<(i64, Vec<FieldValue>)>, field_id: i64, value: FieldValue) {
    match uf.last_mut() {
        Some((f, values)) if *f == field_id => values.push(value),
        _ => uf.push((field_id, vec![value])),
    }
}

/// Loads the values of one record (ordered by field id, then position).
pub(crate) fn load_one(
    conn: &Connection,
    entity: &EntityDef,
    record: &mut Record,
) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT field_id, value_int, value_real, value_text FROM crm_uf_values \
             WHERE entity = ?1 AND owner_id = ?2 ORDER BY field_id, position",
        )
        .map_err(map_err)?;
    let mut rows = stmt
        .query(params![entity.code, record.id])
        .map_err(map_err)?;
    while let Some(row) = rows.next().map_err(map_err)? {
        let field_id: i64 = row.get(0).map_err(map_err)?;
        let value = value_at(row, 1).map_err(map_err)?;
        push(&mut record.uf, field_id, value);
    }
    Ok(())
}

/// Loads the values of `records` in one query.
pub(crate) fn load_many(
    conn: &Connection,
    entity: &EntityDef,
    records: &mut [Record],
) -> Result<(), StoreError> {
    if records.is_empty() || entity_id_of(entity).is_none() {
        return Ok(());
    }
    let ids: Vec<String> = records.iter().map(|r| r.id.to_string()).collect();
    let json = format!("[{}]", ids.join(","));
    let mut by_owner: HashMap<i64, Vec<(i64, Vec<FieldValue>)>> = HashMap::new();
    let mut stmt = conn
        .prepare_cached(
            "SELECT owner_id, field_id, value_int, value_real, value_text FROM crm_uf_values \
             WHERE entity = ?1 AND owner_id IN (SELECT value FROM json_each(?2)) \
             ORDER BY owner_id, field_id, position",
        )
        .map_err(map_err)?;
    let mut rows = stmt.query(params![entity.code, json]).map_err(map_err)?;
    while let Some(row) = rows.next().map_err(map_err)? {
        let owner: i64 = row.get(0).map_err(map_err)?;
        let field_id: i64 = row.get(1).map_err(map_err)?;
        let value = value_at(row, 2).map_err(map_err)?;
        push(by_owner.entry(owner).or_default(), field_id, value);
    }
    for record in records {
        record.uf = by_owner.remove(&record.id).unwrap_or_default();
    }
    Ok(())
}

#[async_trait]
impl UserFieldStore for SqliteStore {
    async fn list_user_fields(
        &self,
        entity_id: Option<&str>,
    ) -> Result<Vec<UserField>, StoreError> {
        // Read on every CRM call: cached, cleared by the writes below.
        let cache = &self.inner.user_field_cache;
        let key = entity_id.map(str::to_owned);
        if let Some(hit) = cache.get(&key) {
            return Ok(hit);
        }
        let generation = cache.generation();
        let fields = self.read(|conn| list(conn, entity_id))?;
        cache.put(generation, key, fields.clone());
        Ok(fields)
    }

    async fn user_field_by_id(&self, id: i64) -> Result<Option<UserField>, StoreError> {
        self.read(|conn| by_id(conn, id))
    }

    async fn insert_user_field(
        &self,
        field: NewUserField,
        event: Option<EventStamp>,
    ) -> Result<i64, StoreError> {
        let event_raised = event.is_some();
        self.write(move |conn| insert(conn, &field, event.as_ref()))
            .await
            .inspect(|_| self.after_definition_write(event_raised))
    }

    async fn update_user_field(
        &self,
        id: i64,
        change: UserFieldChange,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        let event_raised = event.is_some();
        self.write(move |conn| update(conn, id, &change, event.as_ref()))
            .await
            .inspect(|found| self.after_definition_write(event_raised && *found))
    }

    async fn delete_user_field(
        &self,
        id: i64,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        let event_raised = event.is_some();
        self.write(move |conn| delete(conn, id, event.as_ref()))
            .await
            .inspect(|found| self.after_definition_write(event_raised && *found))
    }
}

impl SqliteStore {
    /// After a committed definition write: the cached definitions are stale,
    /// and the delivery worker is woken when the write `raised` events.
    fn after_definition_write(&self, raised: bool) {
        self.inner.user_field_cache.invalidate();
        if raised {
            self.wake_deliveries();
        }
    }
}
