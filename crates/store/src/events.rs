//! Events raised by writes (the transactional outbox): which CRM record,
//! link, user-field and user writes raise which Bitrix24 event code, the
//! stamp a write carries so its event is recorded in the same transaction, and
//! reading recorded events back.

use async_trait::async_trait;

use crate::entity::EntityDef;
use crate::error::StoreError;

/// What a record write did, as far as events are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordChange {
    /// A record was created (`…ADD`).
    Add,
    /// A record was changed (`…UPDATE`).
    Update,
    /// A record was deleted (`…DELETE`).
    Delete,
}

impl RecordChange {
    /// The suffix of the event code (`ADD`, `UPDATE`, `DELETE`).
    pub fn suffix(self) -> &'static str {
        match self {
            RecordChange::Add => "ADD",
            RecordChange::Update => "UPDATE",
            RecordChange::Delete => "DELETE",
        }
    }
}

/// Codes of the entities whose writes raise events (`ONCRM{code}{ADD|UPDATE|DELETE}`).
const EVENT_ENTITIES: [&str; 4] = ["LEAD", "DEAL", "CONTACT", "COMPANY"];

/// Every event code a record write can raise, upper case, entity by entity.
pub fn record_event_codes() -> Vec<String> {
    EVENT_ENTITIES
        .iter()
        .flat_map(|code| {
            [
                RecordChange::Add,
                RecordChange::Update,
                RecordChange::Delete,
            ]
            .map(|change| format!("ONCRM{code}{}", change.suffix()))
        })
        .collect()
}

/// An event an outbound webhook can subscribe to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventKind {
    /// Upper-case code (`ONCRMLEADADD`).
    pub code: String,
    /// The REST scope it belongs to (`crm`, `user`): the group it is listed in.
    pub scope: &'static str,
}

/// A deal moved to another pipeline (`crm.item.update` with `categoryId`).
pub const DEAL_MOVE_TO_CATEGORY: &str = "ONCRMDEALMOVETOCATEGORY";

/// Every event an outbound webhook can subscribe to, grouped by scope:
/// CRM record events, CRM user-field events, currency events, `ONUSERADD`,
/// then the task events and the live feed's.
pub fn event_catalogue() -> Vec<EventKind> {
    let crm = |code: String| EventKind { code, scope: "crm" };
    let records = record_event_codes()
        .into_iter()
        .chain(std::iter::once(DEAL_MOVE_TO_CATEGORY.to_owned()))
        .map(crm);
    let user_fields = EVENT_ENTITIES
        .iter()
        .flat_map(|entity| {
            ["ADD", "UPDATE", "DELETE", "SETENUMVALUES"]
                .map(|change| format!("ONCRM{entity}USERFIELD{change}"))
        })
        .map(crm);
    let users = std::iter::once(EventKind {
        code: USER_ADD_EVENT.to_owned(),
        scope: "user",
    });
    let currencies = crate::currencies::CURRENCY_EVENTS
        .iter()
        .map(|code| crm((*code).to_owned()));
    let tasks = crate::tasks::TASK_EVENTS.iter().map(|code| EventKind {
        code: (*code).to_owned(),
        scope: "task",
    });
    let feed = crate::feed::FEED_EVENTS.iter().map(|code| EventKind {
        code: (*code).to_owned(),
        scope: "log",
    });
    records
        .chain(user_fields)
        .chain(currencies)
        .chain(users)
        .chain(tasks)
        .chain(feed)
        .collect()
}

/// The event code a `change` to a record of `entity` raises (`ONCRMLEADADD`,
/// `ONCRMDEALDELETE`, …); `None` for record types without events (users).
pub fn record_event_code(entity: &EntityDef, change: RecordChange) -> Option<String> {
    EVENT_ENTITIES
        .contains(&entity.code)
        .then(|| format!("ONCRM{}{}", entity.code, change.suffix()))
}

/// What a user-field definition write did, as far as events are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserFieldChangeKind {
    /// A definition was created (`…USERFIELDADD`).
    Add,
    /// A definition was changed (`…USERFIELDUPDATE`).
    Update,
    /// A definition was deleted (`…USERFIELDDELETE`).
    Delete,
    /// The list items of an `enumeration` field changed (`…USERFIELDSETENUMVALUES`).
    SetEnumValues,
}

impl UserFieldChangeKind {
    /// The suffix of the event code (`ADD`, `UPDATE`, `DELETE`, `SETENUMVALUES`).
    pub fn suffix(self) -> &'static str {
        match self {
            UserFieldChangeKind::Add => "ADD",
            UserFieldChangeKind::Update => "UPDATE",
            UserFieldChangeKind::Delete => "DELETE",
            UserFieldChangeKind::SetEnumValues => "SETENUMVALUES",
        }
    }
}

/// The CRM entity code of a user-field entity id (`LEAD` for `CRM_LEAD`).
fn user_field_owner(entity_id: &str) -> Option<&'static str> {
    let code = entity_id.strip_prefix("CRM_")?;
    EVENT_ENTITIES.iter().copied().find(|e| *e == code)
}

/// The event code a `change` to a user field of `entity_id` (`CRM_LEAD`, …)
/// raises (`ONCRMLEADUSERFIELDADD`, …); `None` for other owners.
pub fn user_field_event_code(entity_id: &str, change: UserFieldChangeKind) -> Option<String> {
    user_field_owner(entity_id).map(|e| format!("ONCRM{e}USERFIELD{}", change.suffix()))
}

/// The entity code of a user-field event's row (`LEAD_USERFIELD` for
/// `CRM_LEAD`); `None` for other owners.
pub fn user_field_event_entity(entity_id: &str) -> Option<String> {
    user_field_owner(entity_id).map(|e| format!("{e}_USERFIELD"))
}

/// The event code of a new user.
pub const USER_ADD_EVENT: &str = "ONUSERADD";

/// The entity code of a user event's row.
pub const USER_EVENT_ENTITY: &str = "USER";

/// Asks a record write to record the event it raises, in its own transaction:
/// when and by whom. A write without a stamp raises nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventStamp {
    /// Instant of the change, Unix seconds (the caller's clock).
    pub at: i64,
    /// The user who made the change, when a user did.
    pub user_id: Option<i64>,
    /// The `auth_connector` of the application call that made the change:
    /// offline bindings with this connector do not queue it (loop prevention).
    pub auth_connector: Option<String>,
}

/// A recorded event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Event id, increasing in commit order of one backend.
    pub id: i64,
    /// Upper-case event code (`ONCRMLEADADD`).
    pub code: String,
    /// Stable message id (`msg_` and random hex): the `webhook-id` of every
    /// delivery and retry of this event; unique across databases in practice,
    /// so a receiver's deduplication survives a reset database.
    pub message_id: String,
    /// Code of the entity changed (`LEAD`, …).
    pub entity: String,
    /// Id of the record changed.
    pub entity_id: i64,
    /// The event's `data` as Bitrix24 sends it: `{"FIELDS": {"ID": 5}}`.
    pub data: serde_json::Value,
    /// The user who made the change, if any.
    pub user_id: Option<i64>,
    /// Instant of the change, Unix seconds.
    pub created_at: i64,
}

/// Reading recorded events (they are written only by record writes).
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Up to `limit` events with an id greater than `after_id`, ascending.
    async fn events_after(&self, after_id: i64, limit: usize) -> Result<Vec<Event>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::{COMPANY, CONTACT, DEAL, LEAD};
    use crate::users::USER;

    #[test]
    fn crm_writes_raise_bitrix24_codes_and_users_raise_none() {
        assert_eq!(
            record_event_code(&LEAD, RecordChange::Add).as_deref(),
            Some("ONCRMLEADADD")
        );
        assert_eq!(
            record_event_code(&DEAL, RecordChange::Update).as_deref(),
            Some("ONCRMDEALUPDATE")
        );
        assert_eq!(
            record_event_code(&CONTACT, RecordChange::Delete).as_deref(),
            Some("ONCRMCONTACTDELETE")
        );
        assert_eq!(
            record_event_code(&COMPANY, RecordChange::Add).as_deref(),
            Some("ONCRMCOMPANYADD")
        );
        assert_eq!(record_event_code(&USER, RecordChange::Add), None);
        assert_eq!(
            user_field_event_code("CRM_DEAL", UserFieldChangeKind::SetEnumValues).as_deref(),
            Some("ONCRMDEALUSERFIELDSETENUMVALUES")
        );
        assert_eq!(
            user_field_event_entity("CRM_COMPANY").as_deref(),
            Some("COMPANY_USERFIELD")
        );
        assert_eq!(
            user_field_event_code("USER", UserFieldChangeKind::Add),
            None
        );
        assert_eq!(record_event_codes().len(), 12);
        let catalogue = event_catalogue();
        assert_eq!(catalogue.len(), 12 + 1 + 16 + 3 + 1 + 4 + 3);
        assert!(catalogue
            .iter()
            .any(|e| e.code == "ONCRMDEALUSERFIELDSETENUMVALUES" && e.scope == "crm"));
        assert!(catalogue
            .iter()
            .any(|e| e.code == "ONUSERADD" && e.scope == "user"));
        assert!(catalogue
            .iter()
            .any(|e| e.code == "ONTASKCOMMENTADD" && e.scope == "task"));
        assert_eq!(
            catalogue.last(),
            Some(&EventKind {
                code: "ONLIVEFEEDPOSTDELETE".to_owned(),
                scope: "log"
            })
        );
    }
}
