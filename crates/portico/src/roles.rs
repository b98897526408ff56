//! CRM role subcommands: `role list`, `role add`, `role set`, and the role
//! parts of `user add --role` / `user set-role`. Like the other
//! administration commands they work on the data folder directly; a running
//! server sees a changed role on the user's next request.

use crate::output::out;
use anyhow::bail;
use portico_store::roles::{entity_code, CRM_ENTITIES, DEFAULT_ROLE_ID, ROLE_CONFLICT};
use portico_store::{Action, Level, Levels, NewRole, Role, StoreError};

use crate::setup::Portal;

/// Parses a level flag: `none`, `own` or `all`.
pub fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s).ok_or_else(|| format!("'{s}' is not a level; use none, own or all"))
}

/// Parses an entity flag: `LEAD`, `DEAL`, `CONTACT` or `COMPANY` (any case).
pub fn parse_entity(s: &str) -> Result<&'static str, String> {
    entity_code(s)
        .ok_or_else(|| format!("'{s}' is not a CRM entity; use {}", CRM_ENTITIES.join(", ")))
}

/// The four level flags of `role add` / `role set`; `None` = not given.
#[derive(Clone, Copy, Debug, Default)]
pub struct LevelFlags {
    /// `--read`.
    pub read: Option<Level>,
    /// `--add`.
    pub add: Option<Level>,
    /// `--update`.
    pub update: Option<Level>,
    /// `--delete`.
    pub delete: Option<Level>,
}

impl LevelFlags {
    /// The given flags as (action, level).
    fn given(&self) -> impl Iterator<Item = (Action, Level)> {
        [
            (Action::Read, self.read),
            (Action::Add, self.add),
            (Action::Update, self.update),
            (Action::Delete, self.delete),
        ]
        .into_iter()
        .filter_map(|(a, l)| l.map(|l| (a, l)))
    }
}

/// The entities a command applies to: the one given, else all four.
fn entities(entity: Option<&'static str>) -> Vec<&'static str> {
    entity.map_or_else(|| CRM_ENTITIES.to_vec(), |e| vec![e])
}

/// The role named `name`: an exact match, else the only one matching without
/// regard to case. Unknown names are an error listing the roles.
pub async fn find_role(portal: &Portal, name: &str) -> anyhow::Result<Role> {
    if let Some(role) = portal.store.role_by_name(name).await? {
        return Ok(role);
    }
    let roles = portal.store.list_roles().await?;
    let mut matches = roles
        .iter()
        .filter(|r| r.name.eq_ignore_ascii_case(name.trim()));
    if let (Some(role), None) = (matches.next(), matches.next()) {
        return Ok(role.clone());
    }
    let names: Vec<String> = roles.iter().map(|r| format!("'{}'", r.name)).collect();
    bail!("unknown role '{name}'; roles: {}", names.join(", "))
}

/// Gives a user a role (by login and role name) and says so.
pub async fn user_set_role(portal: &Portal, login: &str, role: &str) -> anyhow::Result<()> {
    let role = find_role(portal, role).await?;
    let user = crate::commands::user_named(portal, login).await?;
    set_role(portal, user.id, &role).await?;
    out!("user {} has the role '{}'", user.login, role.name);
    if user.is_admin {
        out!("(an administrator has full CRM access whatever the role)");
    }
    Ok(())
}

/// Stores a user's role.
pub async fn set_role(portal: &Portal, user_id: i64, role: &Role) -> anyhow::Result<()> {
    if !portal.store.set_user_role(user_id, Some(role.id)).await? {
        bail!("no user with id {user_id}");
    }
    Ok(())
}

/// Prints every role with its levels, one line per entity.
pub async fn role_list(portal: &Portal) -> anyhow::Result<()> {
    let roles = portal.store.list_roles().await?;
    let label = |r: &Role| {
        if r.id == DEFAULT_ROLE_ID {
            format!("{} (default)", r.name)
        } else {
            r.name.clone()
        }
    };
    let width = roles
        .iter()
        .map(|r| label(r).chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    out!(
        "{:<4} {:<width$} {:<8} {:<6} {:<6} {:<6} delete",
        "id",
        "name",
        "entity",
        "read",
        "add",
        "update"
    );
    for role in &roles {
        for (i, entity) in CRM_ENTITIES.into_iter().enumerate() {
            let (id, name) = if i == 0 {
                (role.id.to_string(), label(role))
            } else {
                (String::new(), String::new())
            };
            let l = |a| role.level(entity, a).as_str();
            out!(
                "{:<4} {:<width$} {:<8} {:<6} {:<6} {:<6} {}",
                id,
                name,
                entity,
                l(Action::Read),
                l(Action::Add),
                l(Action::Update),
                l(Action::Delete)
            );
        }
    }
    Ok(())
}

/// Creates a role: the given levels for `entity`, or for all four entities;
/// levels not given (and other entities) are `none`.
pub async fn role_add(
    portal: &Portal,
    name: &str,
    flags: LevelFlags,
    entity: Option<&'static str>,
) -> anyhow::Result<()> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        bail!("a role name is 1 to 100 characters");
    }
    let mut levels = Levels::default();
    for e in entities(entity) {
        for (action, level) in flags.given() {
            levels.set(e, action, level);
        }
    }
    let id = match portal
        .store
        .insert_role(NewRole {
            name: name.to_owned(),
            levels,
        })
        .await
    {
        Ok(id) => id,
        Err(StoreError::Conflict(c)) if c == ROLE_CONFLICT => {
            bail!("a role named '{name}' exists; change it with `portico role set`")
        }
        Err(e) => return Err(e.into()),
    };
    out!("role '{name}' created with id {id}");
    Ok(())
}

/// Changes the given levels of a role, for `entity` or for all four entities.
pub async fn role_set(
    portal: &Portal,
    name: &str,
    flags: LevelFlags,
    entity: Option<&'static str>,
) -> anyhow::Result<()> {
    if flags.given().next().is_none() {
        bail!("give at least one of --read, --add, --update, --delete");
    }
    let role = find_role(portal, name).await?;
    for e in entities(entity) {
        for (action, level) in flags.given() {
            portal
                .store
                .set_role_level(role.id, e, action, level)
                .await?;
        }
    }
    out!("role '{}' changed", role.name);
    Ok(())
}
