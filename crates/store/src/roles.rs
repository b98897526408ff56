//! CRM rights: roles that give a [`Level`] (`none`, `own`, `all`) per CRM entity
//! (`LEAD`, `DEAL`, `CONTACT`, `COMPANY`) and [`Action`] (read, add, update,
//! delete), and the [`RoleStore`] trait.
//!
//! Every user has one role; a user without one has the default role
//! ([`DEFAULT_ROLE_ID`]). Administrators are not limited by their role (the
//! `methods` crate gives them `all`). Every backend seeds the same three roles
//! ([`seeded_roles`]): 1 "Full access" (the default), 2 "Own records",
//! 3 "Read only".

use async_trait::async_trait;

use crate::error::StoreError;

/// The name under which a taken role name is reported as [`StoreError::Conflict`].
pub const ROLE_CONFLICT: &str = "crm_roles_name";

/// The role of users without one of their own: the seeded "Full access".
pub const DEFAULT_ROLE_ID: i64 = 1;

/// The CRM entities a role covers (their `EntityDef::code`), in display order.
pub const CRM_ENTITIES: [&str; 4] = ["LEAD", "DEAL", "CONTACT", "COMPANY"];

/// How much of an entity a role lets its users act on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Nothing.
    #[default]
    None,
    /// Records whose responsible person (`ASSIGNED_BY_ID`) is the user.
    Own,
    /// Every record.
    All,
}

impl Level {
    /// Every level, from least to most.
    pub const ALL: [Level; 3] = [Level::None, Level::Own, Level::All];

    /// The stored and displayed name: `none`, `own`, `all`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Own => "own",
            Level::All => "all",
        }
    }

    /// Parses `none` / `own` / `all` (any case, surrounding spaces ignored).
    pub fn parse(s: &str) -> Option<Level> {
        let s = s.trim();
        Level::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s))
    }
}

/// What a user does to records of an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// `get`, `list`, reading links.
    Read,
    /// `add`.
    Add,
    /// `update`, changing links.
    Update,
    /// `delete`.
    Delete,
}

impl Action {
    /// Every action, in display order.
    pub const ALL: [Action; 4] = [Action::Read, Action::Add, Action::Update, Action::Delete];

    /// The stored name: `READ`, `ADD`, `UPDATE`, `DELETE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Read => "READ",
            Action::Add => "ADD",
            Action::Update => "UPDATE",
            Action::Delete => "DELETE",
        }
    }

    /// Parses a stored name (any case).
    pub fn parse(s: &str) -> Option<Action> {
        let s = s.trim();
        Action::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s))
    }

    fn index(self) -> usize {
        match self {
            Action::Read => 0,
            Action::Add => 1,
            Action::Update => 2,
            Action::Delete => 3,
        }
    }
}

/// The position of an entity code in [`CRM_ENTITIES`] (exact, upper case).
fn entity_index(code: &str) -> Option<usize> {
    CRM_ENTITIES.iter().position(|c| *c == code)
}

/// The canonical code of an entity given in any case (`lead` → `LEAD`).
pub fn entity_code(name: &str) -> Option<&'static str> {
    let name = name.trim();
    CRM_ENTITIES
        .into_iter()
        .find(|c| c.eq_ignore_ascii_case(name))
}

/// A level for every entity of [`CRM_ENTITIES`] and every [`Action`]; entities
/// outside that list have `none`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Levels([[Level; 4]; 4]);

impl Levels {
    /// The same level everywhere.
    pub const fn uniform(level: Level) -> Levels {
        Levels([[level; 4]; 4])
    }

    /// The same four levels (read, add, update, delete) for every entity.
    pub const fn per_action(read: Level, add: Level, update: Level, delete: Level) -> Levels {
        Levels([[read, add, update, delete]; 4])
    }

    /// The level for an entity code (`LEAD`, …) and action; `none` for other codes.
    pub fn get(&self, entity: &str, action: Action) -> Level {
        entity_index(entity).map_or(Level::None, |e| self.0[e][action.index()])
    }

    /// Sets one level; `false` (nothing changed) for an entity outside [`CRM_ENTITIES`].
    pub fn set(&mut self, entity: &str, action: Action, level: Level) -> bool {
        match entity_index(entity) {
            Some(e) => {
                self.0[e][action.index()] = level;
                true
            }
            None => false,
        }
    }

    /// Every (entity, action, level), entities in [`CRM_ENTITIES`] order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Action, Level)> + '_ {
        CRM_ENTITIES.into_iter().flat_map(move |entity| {
            Action::ALL
                .into_iter()
                .map(move |action| (entity, action, self.get(entity, action)))
        })
    }
}

/// A role with its levels.
#[derive(Clone, Debug, PartialEq)]
pub struct Role {
    /// Role id (the seeded roles are 1, 2, 3).
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Its levels.
    pub levels: Levels,
}

impl Role {
    /// The level this role gives for an entity code and action.
    pub fn level(&self, entity: &str, action: Action) -> Level {
        self.levels.get(entity, action)
    }
}

/// What is needed to create a role.
#[derive(Clone, Debug, PartialEq)]
pub struct NewRole {
    /// Unique name.
    pub name: String,
    /// Its levels.
    pub levels: Levels,
}

/// The roles every backend seeds, in id order (ids 1, 2, 3).
pub fn seeded_roles() -> [Role; 3] {
    use Level::{All, None, Own};
    [
        Role {
            id: 1,
            name: "Full access".into(),
            levels: Levels::uniform(All),
        },
        Role {
            id: 2,
            name: "Own records".into(),
            levels: Levels::per_action(Own, All, Own, Own),
        },
        Role {
            id: 3,
            name: "Read only".into(),
            levels: Levels::per_action(All, None, None, None),
        },
    ]
}

/// Role storage. Lists come ordered by id.
#[async_trait]
pub trait RoleStore: Send + Sync {
    /// Every role with its levels.
    async fn list_roles(&self) -> Result<Vec<Role>, StoreError>;
    /// The role with this id.
    async fn role_by_id(&self, id: i64) -> Result<Option<Role>, StoreError>;
    /// The role with this name (exact match).
    async fn role_by_name(&self, name: &str) -> Result<Option<Role>, StoreError>;
    /// Creates a role with its levels and returns its id; a taken name is
    /// `StoreError::Conflict(ROLE_CONFLICT)`.
    async fn insert_role(&self, role: NewRole) -> Result<i64, StoreError>;
    /// Sets one level of a role; `false` when there is no such role or the
    /// entity is not one of [`CRM_ENTITIES`].
    async fn set_role_level(
        &self,
        role_id: i64,
        entity: &str,
        action: Action,
        level: Level,
    ) -> Result<bool, StoreError>;
    /// Gives a user a role (`None`: the default role); `false` when there is no
    /// such user; an unknown role is `StoreError::NotFound`.
    async fn set_user_role(&self, user_id: i64, role_id: Option<i64>) -> Result<bool, StoreError>;
    /// The role in force for a user: their own, else the default role; `None`
    /// when there is no such user.
    async fn user_role(&self, user_id: i64) -> Result<Option<Role>, StoreError>;
    /// The id of the role in force for every user (their own, else the default
    /// role), by user id: one read for pages that list users with their roles.
    async fn user_role_ids(&self) -> Result<std::collections::HashMap<i64, i64>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_in_any_case() {
        assert_eq!(Level::parse(" OWN "), Some(Level::Own));
        assert_eq!(Level::parse("all"), Some(Level::All));
        assert_eq!(Level::parse("some"), None);
        assert_eq!(Action::parse("delete"), Some(Action::Delete));
        assert_eq!(entity_code("company"), Some("COMPANY"));
        assert_eq!(entity_code("USER"), None);
        assert!(Level::None < Level::Own && Level::Own < Level::All);
    }

    #[test]
    fn levels_are_per_entity_and_action() {
        let mut l = Levels::per_action(Level::Own, Level::All, Level::None, Level::None);
        assert_eq!(l.get("DEAL", Action::Read), Level::Own);
        assert_eq!(l.get("DEAL", Action::Add), Level::All);
        assert_eq!(l.get("USER", Action::Read), Level::None);
        assert!(l.set("LEAD", Action::Update, Level::All));
        assert!(!l.set("USER", Action::Update, Level::All));
        assert_eq!(l.get("LEAD", Action::Update), Level::All);
        assert_eq!(l.get("DEAL", Action::Update), Level::None);
        assert_eq!(l.iter().count(), 16);
        assert_eq!(
            l.iter().next(),
            Some(("LEAD", Action::Read, Level::Own)),
            "LEAD first, READ first"
        );
    }
}
