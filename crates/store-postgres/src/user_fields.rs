//! [`UserFieldStore`] on PostgreSQL: the definitions in `crm_userfields` and
//! the list items of enumeration fields in `crm_userfield_enums`. Reads take
//! the definitions and their items in one snapshot; every write runs in one
//! transaction that also records its events ([`events`]) and notifies every
//! node that definitions changed. Nothing is cached here (several nodes share
//! the database): each call reads the tables. The values side lives in
//! [`crate::user_field_values`].

mod events;
mod writes;

use std::collections::HashMap;

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use portico_store::user_fields::{
    settings_from_text, EnumItem, Labels, NewUserField, UserFieldChange,
};
use portico_store::{EventStamp, StoreError, UserField, UserFieldStore, UserType};
use tokio_postgres::Row;

use crate::listen::{Change, CHANGES};
use crate::{notify, transaction, DbResult, PgStore};

/// The columns [`field_from_row`] reads, in order.
macro_rules! field_columns {
    () => {
        "id, entity_id, field_name, user_type_id, xml_id, sort, multiple, mandatory, \
         show_filter, show_in_list, edit_in_list, is_searchable, settings, labels"
    };
}

/// The columns [`item_from_row`] reads, in order: the owning field's id, then
/// the item's.
macro_rules! item_columns {
    () => {
        "field_id, id, value, def, sort, xml_id"
    };
}

/// A definition (without its items) from the columns of `field_columns!`;
/// `None` for a type this build does not know.
fn field_from_row(row: &Row) -> DbResult<Option<UserField>> {
    let user_type: String = row.try_get(3)?;
    let Some(user_type) = UserType::parse(&user_type) else {
        tracing::warn!(user_type, "skipping user field of unknown type");
        return Ok(None);
    };
    let flag = |i: usize| -> DbResult<bool> { Ok(row.try_get::<_, &str>(i)? == "Y") };
    let settings: &str = row.try_get(12)?;
    let labels: &str = row.try_get(13)?;
    Ok(Some(UserField {
        id: row.try_get(0)?,
        entity_id: row.try_get(1)?,
        field_name: row.try_get(2)?,
        user_type,
        xml_id: row.try_get(4)?,
        sort: row.try_get(5)?,
        multiple: flag(6)?,
        mandatory: flag(7)?,
        show_filter: row.try_get(8)?,
        show_in_list: flag(9)?,
        edit_in_list: flag(10)?,
        is_searchable: flag(11)?,
        settings: settings_from_text(settings),
        labels: Labels::from_text(labels),
        items: Vec::new(),
    }))
}

/// `(field_id, item)` from the columns of `item_columns!`.
fn item_from_row(row: &Row) -> DbResult<(i64, EnumItem)> {
    let def: &str = row.try_get(3)?;
    Ok((
        row.try_get(0)?,
        EnumItem {
            id: row.try_get(1)?,
            value: row.try_get(2)?,
            def: def == "Y",
            sort: row.try_get(4)?,
            xml_id: row.try_get(5)?,
        },
    ))
}

/// Gives each of `fields` the items among `rows` (of `item_columns!`) that
/// belong to it, in row order; fields without any get none.
fn attach_items(rows: &[Row], fields: &mut [UserField]) -> DbResult<()> {
    let mut by_field: HashMap<i64, Vec<EnumItem>> = HashMap::new();
    for row in rows {
        let (field_id, item) = item_from_row(row)?;
        by_field.entry(field_id).or_default().push(item);
    }
    for f in fields {
        f.items = by_field.remove(&f.id).unwrap_or_default();
    }
    Ok(())
}

/// The definitions of one entity (or all) by sort, then id, with their items
/// by sort, then id; `conn` should hold one snapshot for both reads.
async fn list(conn: &impl GenericClient, entity_id: Option<&str>) -> DbResult<Vec<UserField>> {
    let statement = conn
        .prepare_cached(concat!(
            "SELECT ",
            field_columns!(),
            " FROM crm_userfields WHERE $1::text IS NULL OR entity_id = $1 ORDER BY sort, id"
        ))
        .await?;
    let mut fields = Vec::new();
    for row in conn.query(&statement, &[&entity_id]).await? {
        fields.extend(field_from_row(&row)?);
    }
    if fields.iter().any(|f| f.user_type == UserType::Enumeration) {
        let statement = conn
            .prepare_cached(concat!(
                "SELECT ",
                item_columns!(),
                " FROM crm_userfield_enums WHERE $1::text IS NULL OR field_id IN \
                 (SELECT id FROM crm_userfields WHERE entity_id = $1) \
                 ORDER BY field_id, sort, id"
            ))
            .await?;
        let rows = conn.query(&statement, &[&entity_id]).await?;
        attach_items(&rows, &mut fields)?;
    }
    Ok(fields)
}

/// One definition with its items; `conn` should hold one snapshot for both
/// reads.
async fn by_id(conn: &impl GenericClient, id: i64) -> DbResult<Option<UserField>> {
    let statement = conn
        .prepare_cached(concat!(
            "SELECT ",
            field_columns!(),
            " FROM crm_userfields WHERE id = $1"
        ))
        .await?;
    let Some(row) = conn.query_opt(&statement, &[&id]).await? else {
        return Ok(None);
    };
    let Some(field) = field_from_row(&row)? else {
        return Ok(None);
    };
    let statement = conn
        .prepare_cached(concat!(
            "SELECT ",
            item_columns!(),
            " FROM crm_userfield_enums WHERE field_id = $1 ORDER BY sort, id"
        ))
        .await?;
    let rows = conn.query(&statement, &[&id]).await?;
    let mut fields = [field];
    attach_items(&rows, &mut fields)?;
    let [field] = fields;
    Ok(Some(field))
}

#[async_trait]
impl UserFieldStore for PgStore {
    async fn list_user_fields(
        &self,
        entity_id: Option<&str>,
    ) -> Result<Vec<UserField>, StoreError> {
        // Read on every CRM call: cached (see `portico_store::cache`).
        let cache = &self.inner.user_field_cache;
        let key = entity_id.map(str::to_owned);
        if let Some(hit) = cache.get(&key) {
            return Ok(hit);
        }
        let generation = cache.generation();
        let fields = transaction!(self, RepeatableRead, |tx| { list(&tx, entity_id).await })?;
        cache.put(generation, key, fields.clone());
        Ok(fields)
    }

    async fn user_field_by_id(&self, id: i64) -> Result<Option<UserField>, StoreError> {
        transaction!(self, RepeatableRead, |tx| { by_id(&tx, id).await })
    }

    async fn insert_user_field(
        &self,
        field: NewUserField,
        event: Option<EventStamp>,
    ) -> Result<i64, StoreError> {
        transaction!(self, |tx| {
            let id = writes::insert(&tx, &field, event.as_ref()).await?;
            notify(&tx, CHANGES, Change::UserFields.payload()).await?;
            Ok(id)
        })
        .inspect(|_| self.forget(Change::UserFields))
    }

    async fn update_user_field(
        &self,
        id: i64,
        change: UserFieldChange,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let found = writes::update(&tx, id, &change, event.as_ref()).await?;
            notify(&tx, CHANGES, Change::UserFields.payload()).await?;
            Ok(found)
        })
        .inspect(|_| self.forget(Change::UserFields))
    }

    async fn delete_user_field(
        &self,
        id: i64,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let found = writes::delete(&tx, id, event.as_ref()).await?;
            notify(&tx, CHANGES, Change::UserFields.payload()).await?;
            Ok(found)
        })
        .inspect(|_| self.forget(Change::UserFields))
    }
}
