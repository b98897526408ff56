//! Directory values on CRM writes: every `crm_status` field a write sets
//! (`STATUS_ID`, `SOURCE_ID`, `HONORIFIC`, deal `STAGE_ID`, …) must name an item
//! of its directory (`crm.status.*`). The items found are kept in the
//! [`WriteSet`] so that the entities' synchronous hooks can derive from them
//! (a lead's `STATUS_SEMANTIC_ID` comes from its stage's `SEMANTICS`).

use portico_protocol::ApiError;
use portico_store::{EntityDef, FieldKind, FieldValue, Record, Status};

use crate::context::Ctx;
use crate::crm::write::WriteSet;
use crate::values::store_error;

/// The directory a `crm_status` field of `entity` takes its values from:
/// the field's own, except deal stages outside the default funnel
/// (`CATEGORY_ID` n > 0), whose directory is `DEAL_STAGE_{n}`.
pub fn directory_of(
    entity: &EntityDef,
    directory: &'static str,
    set: &WriteSet,
    current: Option<&Record>,
) -> String {
    if directory != "DEAL_STAGE" {
        return directory.to_string();
    }
    let category = entity.index_of("CATEGORY_ID").and_then(|p| {
        set.get(p)
            .or_else(|| current.and_then(|r| r.values.get(p)))
            .and_then(FieldValue::as_i64)
    });
    match category {
        Some(n) if n > 0 => format!("DEAL_STAGE_{n}"),
        _ => directory.to_string(),
    }
}

/// Checks every directory value the write sets and records the items found in
/// `set` (see [`WriteSet::status`]). Empty values (clearing the field) pass.
/// `current` is the record being updated (`None` on add).
///
/// A deal's pipeline comes first (see [`check_category`]); its stages are the
/// directory `DEAL_STAGE_{n}`. On an update that keeps the pipeline, a
/// `STAGE_ID` that is not one of the pipeline's stages changes nothing (it is
/// dropped, as Bitrix24 does); on add, and on a move to another pipeline, it
/// is refused like any unknown value.
///
/// An unknown value is the legacy 400 `{"error":"","error_description":"Field
/// 'STATUS_ID' has an unknown value 'X': it is not in the directory STATUS."}`
/// (Bitrix24 documents no text for this; the directory named is the one to
/// look in with `crm.status.entity.items`).
pub async fn check_statuses(
    ctx: &Ctx,
    entity: &EntityDef,
    set: &mut WriteSet,
    current: Option<&Record>,
) -> Result<(), ApiError> {
    check_category(ctx, entity, set, current).await?;
    let moving = entity
        .index_of("CATEGORY_ID")
        .is_some_and(|p| set.get(p).is_some());
    let mut found = Vec::new();
    let mut dropped = Vec::new();
    for (idx, value) in &set.values {
        let (FieldKind::CrmStatus(directory), FieldValue::Text(code)) =
            (entity.fields[*idx].kind, value)
        else {
            continue;
        };
        if code.is_empty() {
            continue;
        }
        let directory = directory_of(entity, directory, set, current);
        match find(ctx, &directory, code).await? {
            Some(item) => found.push((*idx, item)),
            None if current.is_some() && !moving && directory.starts_with("DEAL_STAGE") => {
                ctx.ignored("fields", entity.fields[*idx].name);
                dropped.push(*idx);
            }
            None => return Err(unknown(entity.fields[*idx].name, code, &directory)),
        }
    }
    set.values.retain(|(i, _)| !dropped.contains(i));
    set.statuses.extend(found);
    Ok(())
}

/// A deal's `CATEGORY_ID`: on add, a negative or unknown pipeline silently
/// becomes the default one (0), as Bitrix24 does; on update (a move through
/// `crm.item.update`) an unknown pipeline is refused, and the current one
/// means no move.
async fn check_category(
    ctx: &Ctx,
    entity: &EntityDef,
    set: &mut WriteSet,
    current: Option<&Record>,
) -> Result<(), ApiError> {
    let Some(p) = entity.index_of("CATEGORY_ID") else {
        return Ok(());
    };
    let Some(value) = set.get(p).cloned() else {
        return Ok(());
    };
    let id = value.as_i64().unwrap_or(0);
    let exists = id >= 0 && ctx.store.category(id).await.map_err(store_error)?.is_some();
    match current {
        None if !exists => {
            ctx.ignored("fields", "CATEGORY_ID");
            set.set(p, FieldValue::Int(0));
        }
        None => set.set(p, FieldValue::Int(id)),
        Some(_) if !exists => {
            return Err(ApiError::legacy(format!(
                "Field 'CATEGORY_ID' has an unknown value '{id}'."
            )))
        }
        Some(record) => {
            let now = record
                .values
                .get(p)
                .and_then(FieldValue::as_i64)
                .unwrap_or(0);
            if now == id {
                set.values.retain(|(i, _)| *i != p);
            }
        }
    }
    Ok(())
}

/// The refusal of an unknown directory value.
fn unknown(field: &str, code: &str, directory: &str) -> ApiError {
    ApiError::legacy(format!(
        "Field '{field}' has an unknown value '{code}': it is not in the directory {directory}."
    ))
}

/// The item `code` of `directory`.
async fn find(ctx: &Ctx, directory: &str, code: &str) -> Result<Option<Status>, ApiError> {
    ctx.store
        .find_status(directory, code)
        .await
        .map_err(store_error)
}
