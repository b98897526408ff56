//! CRM user fields (`UF_CRM_*`), reference §7.7: the methods
//! `crm.{lead,deal,contact,company}.userfield.add/get/list/update/delete`
//! (one generic implementation), and the functions every CRM API uses to read
//! and write user-field values by definition — parse ([`parse_write`],
//! [`parse_values`]), check ([`check_references`], [`check_mandatory`]),
//! render ([`render_value`], [`render_into`]), describe ([`describe_into`]),
//! filter ([`filter_condition`]) and order ([`order_key`]). A request loads the
//! definitions once ([`definitions`]) and passes them along.
//!
//! Definitions:
//! - `FIELD_NAME` gets the `UF_CRM_` prefix (`NOTE` → `UF_CRM_NOTE`, `UF_NOTE`
//!   → `UF_CRM_NOTE`), upper-cased; at most 50 characters of `A-Z0-9_`.
//! - `USER_TYPE_ID`: `string`, `integer`, `double`, `boolean`, `date`,
//!   `datetime`, `enumeration` (items in `LIST`), `url`, `money`, `crm`,
//!   `employee`. A boolean field is never multiple (`MULTIPLE=Y` is ignored).
//! - Captions (`EDIT_FORM_LABEL`, `LIST_COLUMN_LABEL`, `LIST_FILTER_LABEL`,
//!   `ERROR_MESSAGE`, `HELP_MESSAGE`) are lang maps that always hold `en` and
//!   `br`; a plain string sets every language; `LABEL` fills the three
//!   `*_LABEL` captions that are not given. On update a given caption replaces
//!   the old one (missing languages become `""`); `SETTINGS` merge.
//! - `SETTINGS` get the type's defaults (as Bitrix24 answers them). A `crm`
//!   field allows the entity types whose key (`LEAD`, `CONTACT`, `COMPANY`,
//!   `DEAL`) is `Y`; with none given it allows all four.
//! - A list item without `XML_ID` gets a 32-hex digest of its `VALUE`.
//! - add/update/delete need an administrator (403 `ACCESS_DENIED`); a field of
//!   another entity is 403 `ACCESS_DENIED` too; a missing id is
//!   `ERROR_NOT_FOUND` `The entity with ID '5' is not found`.
//!
//! Values in the legacy API (`crm.{e}.add/update/get/list`), by type:
//!
//! | type | written as | stored | returned (single) |
//! |---|---|---|---|
//! | string, url | text | text | `"text"` / `null` |
//! | integer, employee | integer | integer | `"5"` / `null` |
//! | double | number | real | `"2.5"` / `null` |
//! | boolean | `Y`/`N`, `1`/`0`, `true`/`false` | 0/1 | `true`/`false` (no value: `false`) |
//! | date | `YYYY-MM-DD` or ISO | `YYYY-MM-DD` | midnight with the portal offset / `""` |
//! | datetime | ISO 8601 | Unix seconds | ISO 8601 with offset / `""` |
//! | enumeration | item `ID` | item id | `"79"` / `null` |
//! | money | `100.5\|USD` or a number (USD) | `100.50\|USD` | `"100.50\|USD"` / `null` |
//! | crm | `CO_3`, `C_5`, `L_1`, `D_2`; bare id when one type is allowed | same (bare when one type) | as stored / `null` |
//!
//! Multiple fields take and return arrays (`[]` when empty). An employee or a
//! CRM record must exist. A mandatory field must have a value on create, and
//! cannot be emptied on update: the legacy error `The required field {label}
//! is missing.` (its English form label, else its code). Values are not given
//! defaults from `SETTINGS.DEFAULT_VALUE`.
//!
//! In `filter`: `=`, `!`, `@`, `!@` for every type; `>`, `>=`, `<`, `<=`,
//! `><` for numbers, dates and employees; `%` (and the other LIKE forms) for
//! string and url only. A multiple field matches when any of its values does.
//! `UF=0` on a boolean also matches records without a value (as they read
//! `false`). `order` takes single-valued fields.
//!
//! Layout: `definition` parses and checks definition attributes,
//! `values` parses and checks values, `render` renders values,
//! descriptors and definitions, `filter` turns values into record-list
//! conditions and sort keys, `handlers` and `list` are the methods.

mod definition;
mod filter;
mod handlers;
mod list;
mod render;
mod values;

pub use filter::{filter_condition, order_key};
pub use render::{describe, describe_into, render_definition, render_into, render_value};
pub use values::{
    check_mandatory, check_references, crm_reference, crm_targets, display_name, parse_value,
    parse_values, parse_write,
};

use portico_protocol::ApiError;
use portico_store::user_fields::entity_id_of;
use portico_store::{EntityDef, UserField};

use crate::context::Ctx;
use crate::crm::entity::CrmEntity;
use crate::handler;
use crate::registry::{ParamSpec, Registry};
use crate::values::store_error;
use handlers::{add, delete, get, update};
use list::list;

/// What owns user fields: a CRM entity (`UF_CRM_*`) or users' profiles
/// (`UF_USR_*`); the `userfield` methods serve either.
pub trait UfOwner: Send + Sync + 'static {
    /// Its catalogue.
    const DEF: &'static EntityDef;
}

impl<E: CrmEntity> UfOwner for E {
    const DEF: &'static EntityDef = <E as CrmEntity>::DEF;
}

/// Longest `FIELD_NAME`, prefix included.
pub const MAX_FIELD_NAME_LEN: usize = 50;

/// The languages every caption holds.
pub const LANGUAGES: [&str; 2] = ["en", "br"];

// --- Definitions of a request ----------------------------------------------

/// The user-field definitions of `entity` (by `SORT`, then id, with their list
/// items); none for record types without user fields. Load them once per
/// request and pass them to the functions below.
pub async fn definitions(ctx: &Ctx, entity: &EntityDef) -> Result<Vec<UserField>, ApiError> {
    let Some(entity_id) = entity_id_of(entity) else {
        return Ok(Vec::new());
    };
    ctx.store
        .list_user_fields(Some(entity_id))
        .await
        .map_err(store_error)
}

/// The definition whose `FIELD_NAME` is `name` (any case, spaces trimmed).
pub fn find<'a>(defs: &'a [UserField], name: &str) -> Option<&'a UserField> {
    let name = name.trim();
    defs.iter()
        .find(|d| d.field_name.eq_ignore_ascii_case(name))
}

// --- The userfield methods -----------------------------------------------------

/// The method names of one entity's user fields.
struct Names {
    add: &'static str,
    get: &'static str,
    list: &'static str,
    update: &'static str,
    delete: &'static str,
}

/// The names for an entity code.
fn names(code: &str) -> Names {
    match code {
        "LEAD" => Names {
            add: "crm.lead.userfield.add",
            get: "crm.lead.userfield.get",
            list: "crm.lead.userfield.list",
            update: "crm.lead.userfield.update",
            delete: "crm.lead.userfield.delete",
        },
        "DEAL" => Names {
            add: "crm.deal.userfield.add",
            get: "crm.deal.userfield.get",
            list: "crm.deal.userfield.list",
            update: "crm.deal.userfield.update",
            delete: "crm.deal.userfield.delete",
        },
        "CONTACT" => Names {
            add: "crm.contact.userfield.add",
            get: "crm.contact.userfield.get",
            list: "crm.contact.userfield.list",
            update: "crm.contact.userfield.update",
            delete: "crm.contact.userfield.delete",
        },
        _ => Names {
            add: "crm.company.userfield.add",
            get: "crm.company.userfield.get",
            list: "crm.company.userfield.list",
            update: "crm.company.userfield.update",
            delete: "crm.company.userfield.delete",
        },
    }
}

const ID: ParamSpec = ParamSpec {
    name: "id",
    kind: "integer",
    required: true,
    description: "User field ID (see the list method).",
    description_pt: "ID do campo personalizado (veja o método list).",
};

const ADD_FIELDS: ParamSpec = ParamSpec {
    name: "fields",
    kind: "object",
    required: true,
    description: "FIELD_NAME (UF_CRM_ is prepended; A-Z, 0-9, _; at most 50 characters), USER_TYPE_ID (string, integer, double, boolean, date, datetime, enumeration, url, money, crm, employee), LABEL, EDIT_FORM_LABEL, LIST_COLUMN_LABEL, LIST_FILTER_LABEL, ERROR_MESSAGE, HELP_MESSAGE (a string or {\"en\": …, \"br\": …}), MULTIPLE, MANDATORY, SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE (Y/N), SORT, XML_ID, SETTINGS, LIST (enumeration items: VALUE, SORT, DEF, XML_ID).",
    description_pt: "FIELD_NAME (recebe o prefixo UF_CRM_; A-Z, 0-9, _; no máximo 50 caracteres), USER_TYPE_ID (string, integer, double, boolean, date, datetime, enumeration, url, money, crm, employee), LABEL, EDIT_FORM_LABEL, LIST_COLUMN_LABEL, LIST_FILTER_LABEL, ERROR_MESSAGE, HELP_MESSAGE (um texto ou {\"en\": …, \"br\": …}), MULTIPLE, MANDATORY, SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE (Y/N), SORT, XML_ID, SETTINGS, LIST (itens da lista: VALUE, SORT, DEF, XML_ID).",
};

const UPDATE_FIELDS: ParamSpec = ParamSpec {
    name: "fields",
    kind: "object",
    required: true,
    description: "The attributes to change: captions (replaced whole), MANDATORY, SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE, SORT, XML_ID, SETTINGS (merged), LIST (items with ID change, with ID and DEL=Y are removed, without ID are added). FIELD_NAME, USER_TYPE_ID and MULTIPLE do not change.",
    description_pt: "Os atributos a alterar: rótulos (substituídos por inteiro), MANDATORY, SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE, SORT, XML_ID, SETTINGS (mesclados), LIST (itens com ID são alterados, com ID e DEL=Y removidos, sem ID adicionados). FIELD_NAME, USER_TYPE_ID e MULTIPLE não mudam.",
};

const LIST_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "filter",
        kind: "object",
        required: false,
        description: "Exact values of ID, FIELD_NAME, USER_TYPE_ID, XML_ID, SORT, MULTIPLE, MANDATORY, SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE (! negates, a list matches any); LANG (e.g. en) returns captions as texts in that language.",
        description_pt: "Valores exatos de ID, FIELD_NAME, USER_TYPE_ID, XML_ID, SORT, MULTIPLE, MANDATORY, SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE (! nega, uma lista casa com qualquer valor); LANG (p. ex. br) retorna os rótulos como textos nesse idioma.",
    },
    ParamSpec {
        name: "order",
        kind: "object",
        required: false,
        description: "Sort over ID, FIELD_NAME, USER_TYPE_ID, XML_ID, SORT; default {\"SORT\": \"ASC\", \"ID\": \"ASC\"}.",
        description_pt: "Ordenação por ID, FIELD_NAME, USER_TYPE_ID, XML_ID, SORT; padrão {\"SORT\": \"ASC\", \"ID\": \"ASC\"}.",
    },
    ParamSpec {
        name: "start",
        kind: "integer",
        required: false,
        description: "Offset of the page (50 rows); -1 skips counting.",
        description_pt: "Deslocamento da página (50 linhas); -1 dispensa a contagem.",
    },
];

/// The owner of users' profile fields (`UF_USR_*`).
pub struct UserProfiles;

impl UfOwner for UserProfiles {
    const DEF: &'static EntityDef = &portico_store::users::USER;
}

/// Declares `user.userfield.add/list/update/delete` (scope `user.userfield`):
/// users' profile fields, named `UF_USR_*`, with the same definitions,
/// filters and errors as the CRM's user fields; administrators change them.
/// Their values are read and written by `user.get`, `user.add` and `user.update`.
pub fn register_user_profile_fields(r: &mut Registry) {
    let mut s = r.scope("user.userfield", &[]);
    s.method(
        "user.userfield.add",
        "Creates a user profile field (UF_USR_*) and returns its ID. Administrators only.",
        "Cria um campo do perfil de usuário (UF_USR_*) e retorna seu ID. Somente administradores.",
        &[ADD_FIELDS],
        r#"{"fields": {"FIELD_NAME": "SHIRT_SIZE", "USER_TYPE_ID": "string", "LABEL": "Shirt size"}}"#,
        handler!(add::<UserProfiles>),
    );
    s.method(
        "user.userfield.list",
        "Lists the user profile fields, filtered and sorted (SORT, then ID by default); unknown filter keys are ignored.",
        "Lista os campos do perfil de usuário, filtrados e ordenados (por padrão SORT, depois ID); chaves de filtro desconhecidas são ignoradas.",
        LIST_PARAMS,
        r#"{"filter": {"LANG": "en"}, "order": {"SORT": "ASC"}}"#,
        handler!(list::<UserProfiles>),
    );
    s.method(
        "user.userfield.update",
        "Changes a user profile field: captions, flags, SORT, SETTINGS and list items. Administrators only.",
        "Altera um campo do perfil de usuário: rótulos, atributos, SORT, SETTINGS e itens da lista. Somente administradores.",
        &[ID, UPDATE_FIELDS],
        r#"{"id": 1, "fields": {"LABEL": "T-shirt size"}}"#,
        handler!(update::<UserProfiles>),
    );
    s.method(
        "user.userfield.delete",
        "Deletes a user profile field. Administrators only.",
        "Remove um campo do perfil de usuário. Somente administradores.",
        &[ID],
        r#"{"id": 1}"#,
        handler!(delete::<UserProfiles>),
    );
}

/// Declares `crm.{e}.userfield.*` of one entity.
pub fn register_entity<E: CrmEntity>(r: &mut Registry) {
    let n = names(E::DEF.code);
    let noun = &E::NOUN;
    let o = if noun.pt_feminine { "as" } else { "os" };
    let mut s = r.scope("crm", &[]);
    s.method(
        n.add,
        format!(
            "Creates a user field (UF_CRM_*) of {} and returns its ID. Administrators only.",
            noun.en_plural
        ),
        format!(
            "Cria um campo personalizado (UF_CRM_*) d{o} {} e retorna seu ID. Somente administradores.",
            noun.pt_plural
        ),
        &[ADD_FIELDS],
        r#"{"fields": {"FIELD_NAME": "PRIORITY", "USER_TYPE_ID": "enumeration", "LABEL": "Priority", "LIST": [{"VALUE": "High", "SORT": 10}, {"VALUE": "Low", "SORT": 20, "DEF": "Y"}]}}"#,
        handler!(add::<E>),
    );
    s.method(
        n.get,
        format!(
            "Returns a user field of {} by ID, with its captions by language and list items.",
            noun.en_plural
        ),
        format!(
            "Retorna um campo personalizado d{o} {} pelo ID, com os rótulos por idioma e os itens da lista.",
            noun.pt_plural
        ),
        &[ID],
        r#"{"id": 1}"#,
        handler!(get::<E>),
    );
    s.method(
        n.list,
        format!(
            "Lists the user fields of {}, filtered and sorted (SORT, then ID by default).",
            noun.en_plural
        ),
        format!(
            "Lista os campos personalizados d{o} {}, filtrados e ordenados (por padrão SORT, depois ID).",
            noun.pt_plural
        ),
        LIST_PARAMS,
        r#"{"filter": {"USER_TYPE_ID": "string", "LANG": "en"}, "order": {"SORT": "ASC"}}"#,
        handler!(list::<E>),
    );
    s.method(
        n.update,
        format!(
            "Changes a user field of {}: captions, flags, SORT, SETTINGS and list items. Administrators only.",
            noun.en_plural
        ),
        format!(
            "Altera um campo personalizado d{o} {}: rótulos, atributos, SORT, SETTINGS e itens da lista. Somente administradores.",
            noun.pt_plural
        ),
        &[ID, UPDATE_FIELDS],
        r#"{"id": 1, "fields": {"MANDATORY": "Y", "EDIT_FORM_LABEL": {"en": "Priority", "br": "Prioridade"}, "LIST": [{"VALUE": "Medium", "SORT": 15}, {"ID": 2, "DEL": "Y"}]}}"#,
        handler!(update::<E>),
    );
    s.method(
        n.delete,
        format!(
            "Deletes a user field of {} with every record's values of it. Administrators only.",
            noun.en_plural
        ),
        format!(
            "Remove um campo personalizado d{o} {} com os valores dele em todos os registros. Somente administradores.",
            noun.pt_plural
        ),
        &[ID],
        r#"{"id": 1}"#,
        handler!(delete::<E>),
    );
}

/// Declares the userfield methods of leads, deals, contacts and companies,
/// and of users' profiles.
pub fn register(r: &mut Registry) {
    register_entity::<crate::crm::lead::Lead>(r);
    register_entity::<crate::crm::deal::Deal>(r);
    register_entity::<crate::crm::contact::Contact>(r);
    register_entity::<crate::crm::company::Company>(r);
    register_user_profile_fields(r);
}

/// What the tests of the submodules share.
#[cfg(test)]
mod test_support {
    use chrono::FixedOffset;
    use portico_store::user_fields::{EnumItem, Labels};
    use portico_store::{UserField, UserType};

    use super::definition::default_settings;

    pub(super) fn def(t: UserType, multiple: bool) -> UserField {
        UserField {
            id: 7,
            entity_id: "CRM_DEAL".into(),
            field_name: "UF_CRM_X".into(),
            user_type: t,
            xml_id: None,
            sort: 100,
            multiple,
            mandatory: false,
            show_filter: "N".into(),
            show_in_list: true,
            edit_in_list: true,
            is_searchable: false,
            settings: default_settings(t),
            labels: Labels::default(),
            items: vec![EnumItem {
                id: 3,
                value: "A".into(),
                def: false,
                sort: 10,
                xml_id: "a".into(),
            }],
        }
    }

    pub(super) fn utc() -> FixedOffset {
        FixedOffset::east_opt(0).expect("offset")
    }
}
