//! CRM rights: what the calling user may do to records of a CRM entity, from
//! their role ([`portico_store::roles`]) — a [`Level`] (`none`, `own`, `all`)
//! per entity and [`Action`] (read, add, update, delete). Administrators have
//! `all` everywhere. A webhook acts as its creator, so these are the creator's
//! rights; `batch` sub-calls run the same methods with the same caller.
//!
//! "Own" records are those whose responsible person (`ASSIGNED_BY_ID`) is the
//! caller, as Bitrix24's "own" (personal) level means; `CREATED_BY_ID` does not
//! count: a record someone created and handed to a colleague is the
//! colleague's.
//!
//! Denials are Bitrix24's legacy `400 {"error":"","error_description":"Access
//! denied."}` ([`denied`]). A record the caller may not see is denied, not "not
//! found"; with an `own` level a missing id is denied too, so ids of other
//! users' records cannot be probed.
//!
//! Where the checks run:
//! - `crm.{e}.*` and `crm.item.*` write through [`crate::crm::entity`]'s
//!   `create`, `modify`, `remove` and list through `find`, which check add /
//!   update (+ no reassignment away from oneself) / delete / the list
//!   restriction themselves;
//! - reading one record: call [`fetch`] with [`Action::Read`] instead of
//!   loading it directly (`crm.{e}.get` does; **`crm.item.get` must too**);
//! - anything else that reads records by other means (the link methods,
//!   `crm.duplicate.findbycomm`): [`level`] + [`check_record`] per record, or
//!   [`restrict`] on a [`ListQuery`] before running it.
//!
//! The role is loaded once per request and kept in the [`Caller`](crate::Caller).

use std::borrow::Cow;

use portico_protocol::filter::FilterOp;
use portico_protocol::{ApiError, ErrorCode};
use portico_store::roles::CRM_ENTITIES;
use portico_store::{Condition, EntityDef, FieldValue, ListQuery, Record, Role};

pub use portico_store::{Action, Level};

use crate::context::Ctx;
use crate::crm::write::WriteSet;
use crate::values::store_error;

/// The field whose value names a record's owner for the `own` level.
pub const OWNER_FIELD: &str = "ASSIGNED_BY_ID";

/// The text of a denial.
pub const ACCESS_DENIED: &str = "Access denied.";

/// The legacy denial: `400 {"error":"","error_description":"Access denied."}`.
pub fn denied() -> ApiError {
    ApiError::legacy(ACCESS_DENIED)
}

/// Whether an error is the denial of [`denied`] — for `crm.item.*`, which
/// answers its own coded errors, to recognise and re-shape it.
pub fn is_denied(e: &ApiError) -> bool {
    e.code == ErrorCode::Legacy && e.description == ACCESS_DENIED
}

/// The caller's role: loaded from the store on first use in a request and kept
/// in the caller (so `batch` sub-calls share it); `None` when the user no
/// longer exists.
pub async fn role(ctx: &Ctx) -> Result<Option<&Role>, ApiError> {
    if let Some(role) = ctx.caller.crm_role.get() {
        return Ok(role.as_ref());
    }
    let loaded = ctx
        .store
        .user_role(ctx.caller.user.id)
        .await
        .map_err(store_error)?;
    // Another sub-call may have loaded it meanwhile; either value is the same.
    let _ = ctx.caller.crm_role.set(loaded);
    Ok(ctx.caller.crm_role.get().and_then(Option::as_ref))
}

/// The caller's level for `action` on records of `entity` (`LEAD`, `DEAL`,
/// `CONTACT`, `COMPANY`; `crm.item.*` passes the entity of its
/// `entityTypeId`). Administrators: always [`Level::All`]; a caller without a
/// role (deleted meanwhile) and entities outside the role model:
/// [`Level::None`].
pub async fn level(ctx: &Ctx, entity: &EntityDef, action: Action) -> Result<Level, ApiError> {
    if ctx.caller.user.is_admin {
        return Ok(Level::All);
    }
    Ok(role(ctx)
        .await?
        .map_or(Level::None, |r| r.level(entity.code, action)))
}

/// [`level`], with [`Level::None`] refused as [`denied`].
pub async fn require(ctx: &Ctx, entity: &EntityDef, action: Action) -> Result<Level, ApiError> {
    match level(ctx, entity, action).await? {
        Level::None => Err(denied()),
        level => Ok(level),
    }
}

/// Fails with [`denied`] unless the caller may read at least one CRM entity
/// (`crm.status.list` / `get`, as Bitrix24 documents).
pub async fn require_read_any(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.caller.user.is_admin {
        return Ok(());
    }
    let role = role(ctx).await?.ok_or_else(denied)?;
    if CRM_ENTITIES
        .iter()
        .any(|e| role.level(e, Action::Read) != Level::None)
    {
        Ok(())
    } else {
        Err(denied())
    }
}

/// The owner (`ASSIGNED_BY_ID`) of a record of `entity`, if it has one.
fn owner_of(entity: &EntityDef, record: &Record) -> Option<i64> {
    let idx = entity.index_of(OWNER_FIELD)?;
    record.values.get(idx).and_then(FieldValue::as_i64)
}

/// Whether a caller with `level` may act on `record` (of `entity`): `all` on
/// any, `own` when its `ASSIGNED_BY_ID` is `user_id`, `none` on none. Pure:
/// get the level once with [`level`], then call this per record (e.g. for
/// each match of `crm.duplicate.findbycomm`).
pub fn check_record(level: Level, user_id: i64, entity: &EntityDef, record: &Record) -> bool {
    match level {
        Level::All => true,
        Level::Own => owner_of(entity, record) == Some(user_id),
        Level::None => false,
    }
}

/// Whether a caller with `level` (for add or update) may write `assigned` as
/// the responsible person: with `own` only themselves.
pub fn may_assign(level: Level, user_id: i64, assigned: &FieldValue) -> bool {
    match level {
        Level::All => true,
        Level::Own => assigned.as_i64() == Some(user_id),
        Level::None => false,
    }
}

/// Fails with [`denied`] when a write (after the entity's defaults, which set
/// `ASSIGNED_BY_ID` to the caller on add) gives the record to someone else
/// while the caller's level is `own`.
pub fn check_assignee(
    ctx: &Ctx,
    level: Level,
    entity: &EntityDef,
    set: &WriteSet,
) -> Result<(), ApiError> {
    let Some(idx) = entity.index_of(OWNER_FIELD) else {
        return Ok(());
    };
    match set.get(idx) {
        Some(v) if !may_assign(level, ctx.caller.user.id, v) => Err(denied()),
        _ => Ok(()),
    }
}

/// The query limited to what a caller with `level` (for read) sees: with
/// `own`, an added condition `ASSIGNED_BY_ID = user_id`, which every filter of
/// the client (on `ID` too) is AND-ed with; otherwise the query unchanged.
/// The caller refuses [`Level::None`] before (see [`require`]).
pub fn restrict<'q>(
    level: Level,
    user_id: i64,
    entity: &EntityDef,
    query: &'q ListQuery,
) -> Result<Cow<'q, ListQuery>, ApiError> {
    match level {
        Level::All => Ok(Cow::Borrowed(query)),
        Level::None => Err(denied()),
        Level::Own => {
            let field = entity.index_of(OWNER_FIELD).ok_or_else(denied)?;
            let mut query = query.clone();
            query.conditions.push(Condition::Field {
                field,
                op: FilterOp::Eq,
                values: vec![FieldValue::Int(user_id)],
            });
            Ok(Cow::Owned(query))
        }
    }
}

/// Reads record `id` of `entity` for `action`: [`denied`] when the caller's
/// level is `none` or the record is not theirs under `own` (also when it does
/// not exist, so ids cannot be probed); `Ok(None)` when it does not exist and
/// the level is `all` — the caller answers its own "not found".
///
/// `crm.{e}.get/update/delete` and the link methods read records through this;
/// `crm.item.get/update/delete` should too:
/// `rights::fetch(&ctx, E::DEF, id, Action::Read).await?.ok_or_else(not_found)`.
pub async fn fetch(
    ctx: &Ctx,
    entity: &'static EntityDef,
    id: i64,
    action: Action,
) -> Result<Option<Record>, ApiError> {
    let level = require(ctx, entity, action).await?;
    let record = ctx
        .store
        .get_record(entity, id)
        .await
        .map_err(store_error)?;
    match record {
        None if level == Level::All => Ok(None),
        Some(r) if check_record(level, ctx.caller.user.id, entity, &r) => Ok(Some(r)),
        _ => Err(denied()),
    }
}

/// Fails with [`denied`] unless the caller may do `action` to `record`.
pub async fn require_record(
    ctx: &Ctx,
    entity: &EntityDef,
    action: Action,
    record: &Record,
) -> Result<(), ApiError> {
    let level = level(ctx, entity, action).await?;
    if check_record(level, ctx.caller.user.id, entity, record) {
        Ok(())
    } else {
        Err(denied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_store::crm::{DEAL, LEAD};

    /// A lead whose responsible person is `owner`.
    fn lead(owner: FieldValue) -> Record {
        let mut values = vec![FieldValue::Null; LEAD.fields.len()];
        values[LEAD.index_of(OWNER_FIELD).unwrap()] = owner;
        Record {
            id: 7,
            values,
            multi: Vec::new(),
            uf: Vec::new(),
        }
    }

    #[test]
    fn own_means_the_responsible_person() {
        let mine = lead(FieldValue::Int(5));
        let theirs = lead(FieldValue::Int(6));
        let nobody = lead(FieldValue::Null);
        for (level, expect) in [
            (Level::All, [true, true, true]),
            (Level::Own, [true, false, false]),
            (Level::None, [false, false, false]),
        ] {
            let got = [&mine, &theirs, &nobody].map(|r| check_record(level, 5, &LEAD, r));
            assert_eq!(got, expect, "{level:?}");
        }
        assert!(may_assign(Level::Own, 5, &FieldValue::Int(5)));
        assert!(!may_assign(Level::Own, 5, &FieldValue::Int(6)));
        assert!(!may_assign(Level::Own, 5, &FieldValue::Null));
        assert!(may_assign(Level::All, 5, &FieldValue::Null));
        assert!(!may_assign(Level::None, 5, &FieldValue::Int(5)));
    }

    #[test]
    fn own_lists_gain_one_condition() {
        let query = ListQuery {
            conditions: Vec::new(),
            order: Vec::new(),
            offset: 0,
            limit: 50,
            count_total: true,
            with_multi: false,
            with_uf: false,
        };
        assert!(matches!(
            restrict(Level::All, 5, &DEAL, &query),
            Ok(Cow::Borrowed(_))
        ));
        assert_eq!(restrict(Level::None, 5, &DEAL, &query), Err(denied()));
        let own = restrict(Level::Own, 5, &DEAL, &query).unwrap();
        assert_eq!(
            own.conditions,
            vec![Condition::Field {
                field: DEAL.index_of(OWNER_FIELD).unwrap(),
                op: FilterOp::Eq,
                values: vec![FieldValue::Int(5)],
            }]
        );
        assert!(is_denied(&denied()));
        assert!(!is_denied(&ApiError::legacy("Not found")));
    }
}
