//! CRM user fields (`UF_CRM_*`): their definitions (`crm.{entity}.userfield.*`),
//! the items of `enumeration` fields, and the [`UserFieldStore`] trait.
//!
//! A definition belongs to one CRM entity, named by its user-field entity id
//! (`CRM_LEAD`, `CRM_DEAL`, `CRM_CONTACT`, `CRM_COMPANY`; see
//! [`entity_id_of`]). Its values are not stored here: they belong to the
//! records and are written and read with them through
//! [`crate::RecordStore`] ([`crate::RecordWrite::uf`],
//! [`crate::Record::uf`]), filtered with [`crate::Condition::UserField`] and
//! ordered with [`crate::list::OrderKey::UserField`]. A value is a
//! [`FieldValue`] of the field's [`UserType::storage`] class; a multiple field
//! has any number of values per record, in order.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::entity::{EntityDef, StorageType};
use crate::error::StoreError;
use crate::events::EventStamp;
use crate::records::FieldValue;

/// The name under which a taken `(ENTITY_ID, FIELD_NAME)` is reported as
/// [`StoreError::Conflict`].
pub const USER_FIELD_CONFLICT: &str = "crm_userfields_entity_id_field_name";

/// The name under which a taken `XML_ID` among a field's list items is reported
/// as [`StoreError::Conflict`].
pub const ENUM_XML_ID_CONFLICT: &str = "crm_userfield_enums_field_id_xml_id";

/// The user-field entity id of a record type (`CRM_LEAD` for `LEAD`, `USER`
/// for users' profile fields), or `None` for record types without user fields.
pub fn entity_id_of(entity: &EntityDef) -> Option<&'static str> {
    match entity.code {
        "USER" => Some("USER"),
        "LEAD" => Some("CRM_LEAD"),
        "DEAL" => Some("CRM_DEAL"),
        "CONTACT" => Some("CRM_CONTACT"),
        "COMPANY" => Some("CRM_COMPANY"),
        _ => None,
    }
}

/// The `FIELD_NAME` prefix of an owner's user fields: `UF_USR_` for users'
/// profile fields, `UF_CRM_` for CRM records.
pub fn field_name_prefix(entity: &EntityDef) -> &'static str {
    if entity.code == "USER" {
        "UF_USR_"
    } else {
        "UF_CRM_"
    }
}

/// The type of a user field (`USER_TYPE_ID`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserType {
    /// Free text (`string`).
    String,
    /// Whole number (`integer`).
    Integer,
    /// Floating-point number (`double`).
    Double,
    /// Yes/no, stored 0/1 (`boolean`); never multiple.
    Boolean,
    /// Calendar date, stored `YYYY-MM-DD` (`date`).
    Date,
    /// Instant, stored as Unix seconds (`datetime`).
    DateTime,
    /// One of the field's list items, stored as the item id (`enumeration`).
    Enumeration,
    /// A link, stored as text (`url`).
    Url,
    /// An amount with its currency, stored as `100.50|USD` (`money`).
    Money,
    /// A CRM record, stored as `CO_3` (or the bare id when the field allows
    /// one entity type) (`crm`).
    Crm,
    /// A user id (`employee`).
    Employee,
}

impl UserType {
    /// Every type, in the order `crm.*.userfield.add` documents them.
    pub const ALL: [UserType; 11] = [
        UserType::String,
        UserType::Integer,
        UserType::Double,
        UserType::Boolean,
        UserType::Date,
        UserType::DateTime,
        UserType::Enumeration,
        UserType::Url,
        UserType::Money,
        UserType::Crm,
        UserType::Employee,
    ];

    /// The wire and stored `USER_TYPE_ID`.
    pub fn as_str(self) -> &'static str {
        match self {
            UserType::String => "string",
            UserType::Integer => "integer",
            UserType::Double => "double",
            UserType::Boolean => "boolean",
            UserType::Date => "date",
            UserType::DateTime => "datetime",
            UserType::Enumeration => "enumeration",
            UserType::Url => "url",
            UserType::Money => "money",
            UserType::Crm => "crm",
            UserType::Employee => "employee",
        }
    }

    /// Parses a `USER_TYPE_ID` (exact, lower case).
    pub fn parse(s: &str) -> Option<UserType> {
        UserType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The storage class of its values (which [`FieldValue`] variant they are).
    pub fn storage(self) -> StorageType {
        match self {
            UserType::Integer
            | UserType::Boolean
            | UserType::DateTime
            | UserType::Enumeration
            | UserType::Employee => StorageType::Integer,
            UserType::Double => StorageType::Real,
            UserType::String | UserType::Date | UserType::Url | UserType::Money | UserType::Crm => {
                StorageType::Text
            }
        }
    }
}

/// Texts by language id (`en`, `br`, …).
pub type LangMap = BTreeMap<String, String>;

/// The captions of a field, each by language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Labels {
    /// `EDIT_FORM_LABEL`.
    pub edit_form: LangMap,
    /// `LIST_COLUMN_LABEL`.
    pub list_column: LangMap,
    /// `LIST_FILTER_LABEL`.
    pub list_filter: LangMap,
    /// `ERROR_MESSAGE`.
    pub error_message: LangMap,
    /// `HELP_MESSAGE`.
    pub help_message: LangMap,
}

impl Labels {
    /// The wire keys of the five captions, in output order.
    pub const KEYS: [&'static str; 5] = [
        "EDIT_FORM_LABEL",
        "LIST_COLUMN_LABEL",
        "LIST_FILTER_LABEL",
        "ERROR_MESSAGE",
        "HELP_MESSAGE",
    ];

    /// The caption with this wire key.
    pub fn get(&self, key: &str) -> Option<&LangMap> {
        Some(match key {
            "EDIT_FORM_LABEL" => &self.edit_form,
            "LIST_COLUMN_LABEL" => &self.list_column,
            "LIST_FILTER_LABEL" => &self.list_filter,
            "ERROR_MESSAGE" => &self.error_message,
            "HELP_MESSAGE" => &self.help_message,
            _ => return None,
        })
    }

    /// The caption with this wire key, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut LangMap> {
        Some(match key {
            "EDIT_FORM_LABEL" => &mut self.edit_form,
            "LIST_COLUMN_LABEL" => &mut self.list_column,
            "LIST_FILTER_LABEL" => &mut self.list_filter,
            "ERROR_MESSAGE" => &mut self.error_message,
            "HELP_MESSAGE" => &mut self.help_message,
            _ => return None,
        })
    }

    /// As one JSON object `{"EDIT_FORM_LABEL": {"en": …}, …}` (how backends store them).
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        for key in Labels::KEYS {
            let map = self.get(key).map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect::<Map<_, _>>()
            });
            out.insert(key.to_string(), Value::Object(map.unwrap_or_default()));
        }
        Value::Object(out)
    }

    /// [`Labels::to_json`] as text, as backends store it.
    pub fn to_text(&self) -> String {
        self.to_json().to_string()
    }

    /// Reads what [`Labels::to_text`] wrote; anything else reads as empty captions.
    pub fn from_text(text: &str) -> Labels {
        serde_json::from_str::<Value>(text)
            .map(|v| Labels::from_json(&v))
            .unwrap_or_default()
    }

    /// Reads what [`Labels::to_json`] wrote; anything else reads as empty captions.
    pub fn from_json(v: &Value) -> Labels {
        let mut labels = Labels::default();
        for key in Labels::KEYS {
            if let (Some(Value::Object(m)), Some(slot)) = (v.get(key), labels.get_mut(key)) {
                for (lang, text) in m {
                    if let Some(t) = text.as_str() {
                        slot.insert(lang.clone(), t.to_string());
                    }
                }
            }
        }
        labels
    }
}

/// Settings as backends store them: JSON text of the object.
pub fn settings_to_text(settings: &Map<String, Value>) -> String {
    Value::Object(settings.clone()).to_string()
}

/// Reads what [`settings_to_text`] wrote; anything but an object reads as empty.
pub fn settings_from_text(text: &str) -> Map<String, Value> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// One item of an `enumeration` field's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumItem {
    /// Item id (`ID`), the value stored in records.
    pub id: i64,
    /// Display value (`VALUE`).
    pub value: String,
    /// Default item (`DEF`).
    pub def: bool,
    /// Position (`SORT`).
    pub sort: i64,
    /// External code (`XML_ID`), unique within the field.
    pub xml_id: String,
}

/// A new list item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEnumItem {
    /// Display value.
    pub value: String,
    /// Default item.
    pub def: bool,
    /// Position.
    pub sort: i64,
    /// External code, unique within the field.
    pub xml_id: String,
}

/// A change to a field's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnumChange {
    /// Append an item.
    Add(NewEnumItem),
    /// Change the item with this id (ignored when it is not the field's);
    /// `None` keeps the current part.
    Update {
        /// Item id.
        id: i64,
        /// New value.
        value: Option<String>,
        /// New default flag.
        def: Option<bool>,
        /// New position.
        sort: Option<i64>,
        /// New external code.
        xml_id: Option<String>,
    },
    /// Remove the item with this id (ignored when it is not the field's), and
    /// the record values that chose it.
    Delete {
        /// Item id.
        id: i64,
    },
}

/// A user-field definition.
#[derive(Clone, Debug, PartialEq)]
pub struct UserField {
    /// Definition id (`ID`).
    pub id: i64,
    /// Owner (`ENTITY_ID`): `CRM_LEAD`, `CRM_DEAL`, `CRM_CONTACT`, `CRM_COMPANY`.
    pub entity_id: String,
    /// Code (`FIELD_NAME`), `UF_CRM_…`, unique per entity.
    pub field_name: String,
    /// Type (`USER_TYPE_ID`).
    pub user_type: UserType,
    /// External code (`XML_ID`).
    pub xml_id: Option<String>,
    /// Position (`SORT`).
    pub sort: i64,
    /// Several values per record (`MULTIPLE`).
    pub multiple: bool,
    /// A value is required on create (`MANDATORY`).
    pub mandatory: bool,
    /// Filter display (`SHOW_FILTER`): `N`, `I`, `E` or `S`.
    pub show_filter: String,
    /// `SHOW_IN_LIST`.
    pub show_in_list: bool,
    /// `EDIT_IN_LIST`.
    pub edit_in_list: bool,
    /// `IS_SEARCHABLE`.
    pub is_searchable: bool,
    /// Type-specific settings (`SETTINGS`).
    pub settings: Map<String, Value>,
    /// Captions.
    pub labels: Labels,
    /// List items of an `enumeration` field by `SORT`, then id (empty otherwise).
    pub items: Vec<EnumItem>,
}

impl UserField {
    /// The list item with this id.
    pub fn item(&self, id: i64) -> Option<&EnumItem> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// What is needed to create a definition.
#[derive(Clone, Debug, PartialEq)]
pub struct NewUserField {
    /// Owner entity id (`CRM_DEAL`, …).
    pub entity_id: String,
    /// Code, `UF_CRM_…`.
    pub field_name: String,
    /// Type.
    pub user_type: UserType,
    /// External code.
    pub xml_id: Option<String>,
    /// Position.
    pub sort: i64,
    /// Multiple.
    pub multiple: bool,
    /// Mandatory.
    pub mandatory: bool,
    /// Filter display.
    pub show_filter: String,
    /// `SHOW_IN_LIST`.
    pub show_in_list: bool,
    /// `EDIT_IN_LIST`.
    pub edit_in_list: bool,
    /// `IS_SEARCHABLE`.
    pub is_searchable: bool,
    /// Settings.
    pub settings: Map<String, Value>,
    /// Captions.
    pub labels: Labels,
    /// List items, in order.
    pub items: Vec<NewEnumItem>,
}

/// A change to a definition; `None` keeps the current value. Owner, code, type
/// and `MULTIPLE` never change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserFieldChange {
    /// New external code; `Some(None)` clears it.
    pub xml_id: Option<Option<String>>,
    /// New position.
    pub sort: Option<i64>,
    /// New mandatory flag.
    pub mandatory: Option<bool>,
    /// New filter display.
    pub show_filter: Option<String>,
    /// New `SHOW_IN_LIST`.
    pub show_in_list: Option<bool>,
    /// New `EDIT_IN_LIST`.
    pub edit_in_list: Option<bool>,
    /// New `IS_SEARCHABLE`.
    pub is_searchable: Option<bool>,
    /// New settings (whole).
    pub settings: Option<Map<String, Value>>,
    /// New captions (whole).
    pub labels: Option<Labels>,
    /// Changes to the list items, applied in order.
    pub items: Vec<EnumChange>,
}

/// The values a write sets for one user field of a record: the field's id and
/// its new values in order (empty clears the field). Values replace all the
/// record's current values of that field.
pub type UserFieldWrite = (i64, Vec<FieldValue>);

/// Definition storage. Lists come ordered by `SORT`, then `ID`, each with its
/// list items. A write given an [`EventStamp`] records its events
/// (`ONCRM{ENTITY}USERFIELD{ADD|UPDATE|DELETE}`, entity `{ENTITY}_USERFIELD`,
/// `data` `{"FIELDS": {"ID", "ENTITY_ID", "FIELD_NAME"}}`) in its own
/// transaction; a write that fails or finds nothing records none.
/// `…USERFIELDSETENUMVALUES` follows the `ADD` of a field created with list
/// items, and the `UPDATE` of one whose list items the change really altered
/// (an item added, deleted, or with a value, default flag, sort or `XML_ID`
/// that differs afterwards).
#[async_trait]
pub trait UserFieldStore: Send + Sync {
    /// The definitions of one entity (`CRM_DEAL`, …), or of all when `None`.
    async fn list_user_fields(&self, entity_id: Option<&str>)
        -> Result<Vec<UserField>, StoreError>;
    /// The definition with this id.
    async fn user_field_by_id(&self, id: i64) -> Result<Option<UserField>, StoreError>;
    /// Creates a definition with its list items and returns its id; a taken
    /// `(entity_id, field_name)` is `Conflict(USER_FIELD_CONFLICT)`, a repeated
    /// item `XML_ID` `Conflict(ENUM_XML_ID_CONFLICT)`.
    async fn insert_user_field(
        &self,
        field: NewUserField,
        event: Option<EventStamp>,
    ) -> Result<i64, StoreError>;
    /// Changes a definition and its list items in one transaction; `false`
    /// when it does not exist. A repeated item `XML_ID` is
    /// `Conflict(ENUM_XML_ID_CONFLICT)` and changes nothing.
    async fn update_user_field(
        &self,
        id: i64,
        change: UserFieldChange,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError>;
    /// Deletes a definition, its list items and every record's values of it,
    /// in one transaction; `false` when it did not exist.
    async fn delete_user_field(
        &self,
        id: i64,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError>;
}
