//! The handlers of `crm.{e}.userfield.add/get/update/delete` (`list` has its
//! own module), with the administrator check and the loading of one
//! definition of an entity. Each write raises its
//! `ONCRM{ENTITY}USERFIELD…` events in its own transaction (see
//! [`portico_store::UserFieldStore`]).

use std::collections::{BTreeMap, HashSet};

use portico_protocol::params::{value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::user_fields::{
    entity_id_of, field_name_prefix, EnumChange, Labels, NewUserField, UserFieldChange,
};
use portico_store::{UserField, UserType};
use serde_json::Value;

use super::definition::{
    conflict, default_settings, field, field_name, flag, given_labels, list_items, merge_settings,
    new_item, show_filter, sort, text, xml_id_taken,
};
use super::UfOwner;
use super::{render_definition, LANGUAGES};
use crate::context::Ctx;
use crate::crm::write::fields_object;
use crate::registry::MethodOutput;
use crate::values::{param_id, store_error};

/// Definition writes are for administrators.
fn require_admin(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.caller.user.is_admin {
        Ok(())
    } else {
        Err(ApiError::from_code(ErrorCode::AccessDenied))
    }
}

/// The entity id of `E` (`CRM_DEAL`).
fn entity_id<E: UfOwner>() -> Result<&'static str, ApiError> {
    entity_id_of(E::DEF).ok_or_else(ApiError::internal)
}

/// The definition `id` of `E`: `ERROR_NOT_FOUND` when missing, 403 when it
/// belongs to another entity.
async fn load<E: UfOwner>(ctx: &Ctx, id: i64) -> Result<UserField, ApiError> {
    let def = ctx
        .store
        .user_field_by_id(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::ErrorNotFound,
                format!("The entity with ID '{id}' is not found"),
            )
        })?;
    if def.entity_id != entity_id::<E>()? {
        return Err(ApiError::from_code(ErrorCode::AccessDenied));
    }
    Ok(def)
}

/// `crm.{e}.userfield.add`.
pub(super) async fn add<E: UfOwner>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let entity_id = entity_id::<E>()?;
    // As Bitrix24: without a `fields` array the top-level parameters are the fields.
    let fields = match params.resolve("fields") {
        None => params.map().clone(),
        Some(_) => fields_object(&params)?,
    };
    let name = text(&fields, "FIELD_NAME")
        .ok_or_else(|| ApiError::legacy("The 'FIELD_NAME' field is not found."))?;
    let type_id = text(&fields, "USER_TYPE_ID")
        .ok_or_else(|| ApiError::legacy("The 'USER_TYPE_ID' field is not found."))?;
    let name = field_name(&name, field_name_prefix(E::DEF))?;
    let user_type = UserType::parse(&type_id.to_ascii_lowercase())
        .ok_or_else(|| ApiError::new(ErrorCode::ErrorCore, "Invalid custom type specified."))?;
    let mut labels = Labels::default();
    for (key, map) in given_labels(&fields) {
        if let Some(slot) = labels.get_mut(key) {
            *slot = map;
        }
    }
    for key in Labels::KEYS {
        if let Some(slot) = labels.get_mut(key) {
            for lang in LANGUAGES {
                slot.entry(lang.to_string()).or_default();
            }
        }
    }
    let mut items = Vec::new();
    if user_type == UserType::Enumeration {
        let mut seen = HashSet::new();
        for item in list_items(field(&fields, "LIST"))? {
            if let Some(item) = new_item(item)? {
                if !seen.insert(item.xml_id.clone()) {
                    return Err(xml_id_taken(&item.xml_id));
                }
                items.push(item);
            }
        }
    }
    let new = NewUserField {
        entity_id: entity_id.to_string(),
        field_name: name.clone(),
        user_type,
        xml_id: text(&fields, "XML_ID"),
        sort: sort(&fields)?.unwrap_or(100),
        multiple: user_type != UserType::Boolean && flag(&fields, "MULTIPLE").unwrap_or(false),
        mandatory: flag(&fields, "MANDATORY").unwrap_or(false),
        show_filter: text(&fields, "SHOW_FILTER")
            .map_or_else(|| "N".to_string(), |s| show_filter(&s)),
        show_in_list: flag(&fields, "SHOW_IN_LIST").unwrap_or(true),
        edit_in_list: flag(&fields, "EDIT_IN_LIST").unwrap_or(true),
        is_searchable: flag(&fields, "IS_SEARCHABLE").unwrap_or(false),
        settings: merge_settings(
            user_type,
            default_settings(user_type),
            field(&fields, "SETTINGS"),
        )?,
        labels,
        items,
    };
    let id = ctx
        .store
        .insert_user_field(new, Some(ctx.event_stamp()))
        .await
        .map_err(|e| conflict(e, entity_id, &name))?;
    Ok(MethodOutput::value(Value::from(id)))
}

/// `crm.{e}.userfield.get`.
pub(super) async fn get<E: UfOwner>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = param_id(&params)?;
    let def = load::<E>(&ctx, id).await?;
    Ok(MethodOutput::value(render_definition(&def, None)))
}

/// `crm.{e}.userfield.update`.
pub(super) async fn update<E: UfOwner>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let id = param_id(&params)?;
    let fields = fields_object(&params)?;
    let current = load::<E>(&ctx, id).await?;
    let mut change = UserFieldChange {
        sort: sort(&fields)?,
        mandatory: flag(&fields, "MANDATORY"),
        show_in_list: flag(&fields, "SHOW_IN_LIST"),
        edit_in_list: flag(&fields, "EDIT_IN_LIST"),
        is_searchable: flag(&fields, "IS_SEARCHABLE"),
        show_filter: field(&fields, "SHOW_FILTER")
            .map(|v| show_filter(&value_as_string(v).unwrap_or_default())),
        xml_id: field(&fields, "XML_ID").map(|_| text(&fields, "XML_ID")),
        ..UserFieldChange::default()
    };
    if field(&fields, "SETTINGS").is_some() {
        change.settings = Some(merge_settings(
            current.user_type,
            current.settings.clone(),
            field(&fields, "SETTINGS"),
        )?);
    }
    let given = given_labels(&fields);
    if !given.is_empty() {
        let mut labels = current.labels.clone();
        for (key, map) in given {
            if let Some(slot) = labels.get_mut(key) {
                *slot = map;
            }
        }
        change.labels = Some(labels);
    }
    if current.user_type == UserType::Enumeration {
        // XML_IDs as they will be, to refuse a clash before writing.
        let mut xml_ids: BTreeMap<i64, String> = current
            .items
            .iter()
            .map(|i| (i.id, i.xml_id.clone()))
            .collect();
        let mut added: HashSet<String> = HashSet::new();
        for item in list_items(field(&fields, "LIST"))? {
            let item_id = field(item, "ID").and_then(value_as_i64).filter(|i| *i > 0);
            match item_id {
                Some(item_id) if current.item(item_id).is_none() => {}
                Some(item_id) if flag(item, "DEL").unwrap_or(false) => {
                    xml_ids.remove(&item_id);
                    change.items.push(EnumChange::Delete { id: item_id });
                }
                Some(item_id) => {
                    let xml_id = text(item, "XML_ID");
                    if let Some(x) = &xml_id {
                        xml_ids.insert(item_id, x.clone());
                    }
                    let sort = match field(item, "SORT") {
                        None | Some(Value::Null) => None,
                        Some(v) => Some(value_as_i64(v).filter(|n| *n >= 0).ok_or_else(|| {
                            ApiError::legacy("Field 'SORT' of a list item must be an integer.")
                        })?),
                    };
                    change.items.push(EnumChange::Update {
                        id: item_id,
                        value: text(item, "VALUE"),
                        def: flag(item, "DEF"),
                        sort,
                        xml_id,
                    });
                }
                None => {
                    if let Some(new) = new_item(item)? {
                        if !added.insert(new.xml_id.clone()) {
                            return Err(xml_id_taken(&new.xml_id));
                        }
                        change.items.push(EnumChange::Add(new));
                    }
                }
            }
        }
        let mut seen: HashSet<&str> = HashSet::new();
        for x in xml_ids
            .values()
            .map(String::as_str)
            .chain(added.iter().map(String::as_str))
        {
            if !seen.insert(x) {
                return Err(xml_id_taken(x));
            }
        }
    }
    let found = ctx
        .store
        .update_user_field(id, change, Some(ctx.event_stamp()))
        .await
        .map_err(|e| conflict(e, &current.entity_id, &current.field_name))?;
    if !found {
        return Err(ApiError::new(
            ErrorCode::ErrorNotFound,
            format!("The entity with ID '{id}' is not found"),
        ));
    }
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `crm.{e}.userfield.delete`: the definition, its items and all its values.
pub(super) async fn delete<E: UfOwner>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let id = param_id(&params)?;
    load::<E>(&ctx, id).await?;
    let deleted = ctx
        .store
        .delete_user_field(id, Some(ctx.event_stamp()))
        .await
        .map_err(store_error)?;
    if !deleted {
        return Err(ApiError::new(
            ErrorCode::ErrorNotFound,
            format!("The entity with ID '{id}' is not found"),
        ));
    }
    Ok(MethodOutput::value(Value::Bool(true)))
}
