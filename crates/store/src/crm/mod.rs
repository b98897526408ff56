//! CRM record types. Each entity's catalogue lists its standard fields as
//! `crm.{entity}.fields` describes them; columns of its table follow the catalogue.

/// Builds a CRM catalogue's field list. Besides plain `FieldDef` expressions it
/// takes markers for the field groups the entities share, defined once here:
/// `@address` (the legacy address (`ADDRESS` … `ADDRESS_LOC_ADDR_ID`)); `@comm_flags` (`HAS_PHONE`, `HAS_EMAIL`, `HAS_IMOL`); `@origin` (`ORIGINATOR_ID`, `ORIGIN_ID`); `@utm_activity` (the five `UTM_*` fields and `LAST_ACTIVITY_TIME`/`_BY`); `@multi` (the multi-fields `PHONE`, `EMAIL`, `WEB`, `IM`, `LINK`); `@audit` (`ASSIGNED_BY_ID`, `CREATED_BY_ID`, `MODIFY_BY_ID`, `DATE_CREATE`, `DATE_MODIFY`).
/// Every item, markers included, ends with a comma.
macro_rules! crm_fields {
    (@acc [$($done:expr,)*]) => { &[$($done,)*] };
    (@acc [$($done:expr,)*] @address, $($rest:tt)*) => {
        crm_fields!(@acc [$($done,)* $crate::entity::FieldDef::new("ADDRESS", "address", $crate::entity::FieldKind::String, "Address"), $crate::entity::FieldDef::new("ADDRESS_2", "address_2", $crate::entity::FieldKind::String, "Address (line 2)"), $crate::entity::FieldDef::new("ADDRESS_CITY", "address_city", $crate::entity::FieldKind::String, "City"), $crate::entity::FieldDef::new("ADDRESS_POSTAL_CODE", "address_postal_code", $crate::entity::FieldKind::String, "Zip"), $crate::entity::FieldDef::new("ADDRESS_REGION", "address_region", $crate::entity::FieldKind::String, "Region"), $crate::entity::FieldDef::new("ADDRESS_PROVINCE", "address_province", $crate::entity::FieldKind::String, "State / Province"), $crate::entity::FieldDef::new("ADDRESS_COUNTRY", "address_country", $crate::entity::FieldKind::String, "Country"), $crate::entity::FieldDef::new("ADDRESS_COUNTRY_CODE", "address_country_code", $crate::entity::FieldKind::String, "Country code"), $crate::entity::FieldDef::new("ADDRESS_LOC_ADDR_ID", "address_loc_addr_id", $crate::entity::FieldKind::Integer, "Location address ID"),] $($rest)*)
    };
    (@acc [$($done:expr,)*] @comm_flags, $($rest:tt)*) => {
        crm_fields!(@acc [$($done,)* $crate::entity::FieldDef::new("HAS_PHONE", "has_phone", $crate::entity::FieldKind::Char, "Has phone").read_only(), $crate::entity::FieldDef::new("HAS_EMAIL", "has_email", $crate::entity::FieldKind::Char, "Has e-mail").read_only(), $crate::entity::FieldDef::new("HAS_IMOL", "has_imol", $crate::entity::FieldKind::Char, "Has Open Channel").read_only(),] $($rest)*)
    };
    (@acc [$($done:expr,)*] @origin, $($rest:tt)*) => {
        crm_fields!(@acc [$($done,)* $crate::entity::FieldDef::new("ORIGINATOR_ID", "originator_id", $crate::entity::FieldKind::String, "External source"), $crate::entity::FieldDef::new("ORIGIN_ID", "origin_id", $crate::entity::FieldKind::String, "Item ID in data source"),] $($rest)*)
    };
    (@acc [$($done:expr,)*] @utm_activity, $($rest:tt)*) => {
        crm_fields!(@acc [$($done,)* $crate::entity::FieldDef::new("UTM_SOURCE", "utm_source", $crate::entity::FieldKind::String, "Ad system"), $crate::entity::FieldDef::new("UTM_MEDIUM", "utm_medium", $crate::entity::FieldKind::String, "Medium"), $crate::entity::FieldDef::new("UTM_CAMPAIGN", "utm_campaign", $crate::entity::FieldKind::String, "Ad campaign UTM"), $crate::entity::FieldDef::new("UTM_CONTENT", "utm_content", $crate::entity::FieldKind::String, "Campaign contents"), $crate::entity::FieldDef::new("UTM_TERM", "utm_term", $crate::entity::FieldKind::String, "Campaign search term"), $crate::entity::FieldDef::new("LAST_ACTIVITY_TIME", "last_activity_time", $crate::entity::FieldKind::DateTime, "Last activity").read_only(), $crate::entity::FieldDef::new("LAST_ACTIVITY_BY", "last_activity_by", $crate::entity::FieldKind::User, "Last activity by").read_only(),] $($rest)*)
    };
    (@acc [$($done:expr,)*] @multi, $($rest:tt)*) => {
        crm_fields!(@acc [$($done,)* $crate::entity::FieldDef::multi($crate::entity::MultiType::Phone, "PHONE", "Phone"), $crate::entity::FieldDef::multi($crate::entity::MultiType::Email, "EMAIL", "E-mail"), $crate::entity::FieldDef::multi($crate::entity::MultiType::Web, "WEB", "Website"), $crate::entity::FieldDef::multi($crate::entity::MultiType::Im, "IM", "Messenger"), $crate::entity::FieldDef::multi($crate::entity::MultiType::Link, "LINK", "LINK"),] $($rest)*)
    };
    (@acc [$($done:expr,)*] @audit, $($rest:tt)*) => {
        crm_fields!(@acc [$($done,)* $crate::entity::FieldDef::new("ASSIGNED_BY_ID", "assigned_by_id", $crate::entity::FieldKind::User, "Responsible person"), $crate::entity::FieldDef::new("CREATED_BY_ID", "created_by_id", $crate::entity::FieldKind::User, "Created by").read_only(), $crate::entity::FieldDef::new("MODIFY_BY_ID", "modify_by_id", $crate::entity::FieldKind::User, "Modified by").read_only(), $crate::entity::FieldDef::new("DATE_CREATE", "date_create", $crate::entity::FieldKind::DateTime, "Created on").read_only(), $crate::entity::FieldDef::new("DATE_MODIFY", "date_modify", $crate::entity::FieldKind::DateTime, "Modified on").read_only(),] $($rest)*)
    };
    (@acc [$($done:expr,)*] $next:expr, $($rest:tt)*) => {
        crm_fields!(@acc [$($done,)* $next,] $($rest)*)
    };
    ($($items:tt)*) => { crm_fields!(@acc [] $($items)*) };
}

pub mod company;
pub mod contact;
pub mod deal;
pub mod lead;
pub mod stage_history;

pub use company::COMPANY;
pub use contact::CONTACT;
pub use deal::DEAL;
pub use lead::LEAD;

use crate::entity::EntityDef;

/// The CRM entities, in `entityTypeId` order.
pub static ENTITIES: &[&EntityDef] = &[&LEAD, &DEAL, &CONTACT, &COMPANY];

/// The CRM entity with this catalogue code (`DEAL`, `CONTACT`, …).
pub fn by_code(code: &str) -> Option<&'static EntityDef> {
    ENTITIES.iter().copied().find(|e| e.code == code)
}
