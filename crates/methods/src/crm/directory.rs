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
/// Portico keeps no stage directories of deal funnels other than the default
/// one yet: a stage `C{n}:X` of funnel n that is not in `DEAL_STAGE_{n}` is
/// accepted when `X` is in `DEAL_STAGE`, and recorded as that item under the
/// funnel's directory and code (so its semantics still apply).
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
    let mut found = Vec::new();
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
            None => return Err(unknown(entity.fields[*idx].name, code, &directory)),
        }
    }
    set.statuses.extend(found);
    Ok(())
}

/// The refusal of an unknown directory value.
fn unknown(field: &str, code: &str, directory: &str) -> ApiError {
    ApiError::legacy(format!(
        "Field '{field}' has an unknown value '{code}': it is not in the directory {directory}."
    ))
}

/// The item `code` of `directory`, with the default funnel's stages standing in
/// for those of other funnels (see [`check_statuses`]).
async fn find(ctx: &Ctx, directory: &str, code: &str) -> Result<Option<Status>, ApiError> {
    let found = ctx
        .store
        .find_status(directory, code)
        .await
        .map_err(store_error)?;
    let funnel = directory.strip_prefix("DEAL_STAGE_");
    let (Some(n), None) = (funnel, &found) else {
        return Ok(found);
    };
    let Some(base) = code.strip_prefix(&format!("C{n}:")) else {
        return Ok(None);
    };
    Ok(ctx
        .store
        .find_status("DEAL_STAGE", base)
        .await
        .map_err(store_error)?
        .map(|item| Status {
            entity_id: directory.to_string(),
            status_id: code.to_string(),
            ..item
        }))
}
