//! Who may see and change a task. A task is seen by its creator, its
//! responsible person, its accomplices and auditors, the members of its
//! workgroup, and administrators. Changes:
//!
//! | action | who |
//! |---|---|
//! | edit fields, delete, approve / disapprove | creator, administrators |
//! | start, pause, defer, complete, renew, time records, checklist | responsible, accomplices, creator, administrators |
//! | delegate | responsible, creator, administrators |
//! | comment, start watching | anyone who sees the task |
//!
//! Status actions are further limited by the task's status ([`allowed`]).
//! Lists are restricted by [`visibility`], so they show only what the caller
//! may see; one task that may not be seen answers like a missing one.

use portico_protocol::filter::FilterOp;
use portico_store::tasks::{decode_list, list_pattern, TASK};
use portico_store::{Condition, FieldValue, Record};

use crate::context::Ctx;
use crate::tasks::render::{int_of, text_of};

/// The things one can do to a task, named as Bitrix24's `getaccess` names them.
pub const ACTIONS: [&str; 27] = [
    "ACCEPT",
    "DECLINE",
    "COMPLETE",
    "APPROVE",
    "DISAPPROVE",
    "START",
    "PAUSE",
    "DELEGATE",
    "REMOVE",
    "EDIT",
    "DEFER",
    "RENEW",
    "CREATE",
    "CHANGE_DEADLINE",
    "CHECKLIST_ADD_ITEMS",
    "ADD_FAVORITE",
    "DELETE_FAVORITE",
    "RATE",
    "EDIT.ORIGINATOR",
    "CHECKLIST.REORDER",
    "ELAPSEDTIME.ADD",
    "DAYPLAN.TIMER.TOGGLE",
    "EDIT.PLAN",
    "CHECKLIST.ADD",
    "FAVORITE.ADD",
    "FAVORITE.DELETE",
    "CHANGE_DIRECTOR",
];

/// A user's part in a task.
#[derive(Clone, Copy, Debug, Default)]
pub struct Roles {
    /// Administrator of the portal.
    pub admin: bool,
    /// Created it.
    pub creator: bool,
    /// Responsible person.
    pub responsible: bool,
    /// One of the accomplices.
    pub accomplice: bool,
    /// One of the auditors.
    pub auditor: bool,
    /// Member of the task's workgroup.
    pub group: bool,
}

impl Roles {
    /// Whether they see the task.
    pub fn reads(self) -> bool {
        self.admin
            || self.creator
            || self.responsible
            || self.accomplice
            || self.auditor
            || self.group
    }

    /// Whether they edit fields, delete, approve.
    pub fn directs(self) -> bool {
        self.admin || self.creator
    }

    /// Whether they work on it (status actions, time, checklist).
    pub fn works(self) -> bool {
        self.directs() || self.responsible || self.accomplice
    }
}

/// The workgroups the caller belongs to (loaded once per request).
pub async fn caller_groups(ctx: &Ctx) -> Result<&[i64], portico_protocol::ApiError> {
    if ctx.caller.groups.get().is_none() {
        let groups = ctx
            .store
            .groups_of_user(ctx.caller.user.id)
            .await
            .map_err(crate::values::store_error)?;
        let _ = ctx.caller.groups.set(groups);
    }
    Ok(ctx.caller.groups.get().map_or(&[][..], Vec::as_slice))
}

/// The part `user_id` (an administrator or not, a member of `groups`) plays in `task`.
pub fn roles_of(user_id: i64, admin: bool, groups: &[i64], task: &Record) -> Roles {
    let field = |name: &str| {
        TASK.index_of(name)
            .and_then(|i| task.values.get(i))
            .unwrap_or(&FieldValue::Null)
    };
    let id = user_id.to_string();
    let in_list = |name: &str| text_of(field(name)).is_some_and(|t| decode_list(t).contains(&id));
    Roles {
        admin,
        creator: int_of(field("CREATED_BY")) == Some(user_id),
        responsible: int_of(field("RESPONSIBLE_ID")) == Some(user_id),
        accomplice: in_list("ACCOMPLICES"),
        auditor: in_list("AUDITORS"),
        group: int_of(field("GROUP_ID"))
            .filter(|g| *g > 0)
            .is_some_and(|g| groups.contains(&g)),
    }
}

/// The caller's part in `task`.
pub fn caller_roles(ctx: &Ctx, task: &Record) -> Roles {
    let groups = ctx.caller.groups.get().map_or(&[][..], Vec::as_slice);
    roles_of(ctx.caller.user.id, ctx.caller.user.is_admin, groups, task)
}

/// Whether the caller sees `task`.
pub async fn can_read(ctx: &Ctx, task: &Record) -> Result<bool, portico_protocol::ApiError> {
    caller_groups(ctx).await?;
    Ok(caller_roles(ctx, task).reads())
}

/// Whether someone with `roles` may take `action` (an entry of [`ACTIONS`])
/// on a task in `status`.
pub fn allowed(roles: Roles, action: &str, status: i64) -> bool {
    if !roles.reads() {
        return false;
    }
    let open = matches!(status, 1..=3 | 6);
    match action {
        "EDIT" | "REMOVE" | "EDIT.ORIGINATOR" | "EDIT.PLAN" | "CHANGE_DIRECTOR" => roles.directs(),
        "CHANGE_DEADLINE" => roles.directs(),
        "APPROVE" | "DISAPPROVE" => roles.directs() && status == 4,
        "START" => roles.works() && matches!(status, 1 | 2 | 6),
        "PAUSE" => roles.works() && status == 3,
        "DEFER" => roles.works() && matches!(status, 1..=3),
        "COMPLETE" => roles.works() && open,
        "RENEW" => roles.works() && matches!(status, 4..=7),
        "DELEGATE" => (roles.directs() || roles.responsible) && open,
        "ACCEPT" | "DECLINE" => false,
        "ELAPSEDTIME.ADD"
        | "CHECKLIST_ADD_ITEMS"
        | "CHECKLIST.ADD"
        | "CHECKLIST.REORDER"
        | "DAYPLAN.TIMER.TOGGLE" => roles.works(),
        "RATE" => roles.directs(),
        _ => true,
    }
}

/// The caller may take `action` on `task`.
pub fn may(ctx: &Ctx, task: &Record, action: &str) -> bool {
    let status = TASK
        .index_of("STATUS")
        .and_then(|i| task.values.get(i))
        .and_then(int_of)
        .unwrap_or(2);
    allowed(caller_roles(ctx, task), action, status)
}

/// The list condition of the tasks the caller sees (`None`: all of them).
pub async fn visibility(ctx: &Ctx) -> Result<Option<Condition>, portico_protocol::ApiError> {
    if ctx.caller.user.is_admin {
        return Ok(None);
    }
    let groups = caller_groups(ctx).await?.to_vec();
    let me = ctx.caller.user.id;
    let pos = |name: &str| TASK.index_of(name).expect("task field");
    let is = |name: &str| Condition::Field {
        field: pos(name),
        op: FilterOp::Eq,
        values: vec![FieldValue::Int(me)],
    };
    let listed = |name: &str| Condition::Field {
        field: pos(name),
        op: FilterOp::LikeRaw,
        values: vec![FieldValue::Text(list_pattern(&me.to_string()))],
    };
    let mut any = vec![
        is("CREATED_BY"),
        is("RESPONSIBLE_ID"),
        listed("ACCOMPLICES"),
        listed("AUDITORS"),
    ];
    if !groups.is_empty() {
        any.push(Condition::Field {
            field: pos("GROUP_ID"),
            op: FilterOp::In,
            values: groups.into_iter().map(FieldValue::Int).collect(),
        });
    }
    Ok(Some(Condition::Any(any)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auditors_see_but_do_not_change() {
        let auditor = Roles {
            auditor: true,
            ..Roles::default()
        };
        assert!(auditor.reads());
        assert!(!allowed(auditor, "EDIT", 2));
        assert!(!allowed(auditor, "COMPLETE", 2));
        assert!(allowed(auditor, "ADD_FAVORITE", 2));
        let responsible = Roles {
            responsible: true,
            ..Roles::default()
        };
        assert!(allowed(responsible, "START", 2));
        assert!(!allowed(responsible, "PAUSE", 2));
        assert!(!allowed(responsible, "REMOVE", 2));
        assert!(!allowed(Roles::default(), "ADD_FAVORITE", 2));
    }
}
