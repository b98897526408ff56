//! The contact catalogue (`crm.contact.fields`), table `crm_contacts`.
//!
//! `COMPANY_IDS` is a link list (contact → company links); the backend keeps
//! `COMPANY_ID` equal to the primary linked company, and `HAS_PHONE`,
//! `HAS_EMAIL`, `HAS_IMOL` in step with the multi-fields. Left out: `PHOTO`
//! (a file), `FACE_ID` and the `PARENT_ID_{n}` links of smart processes.

use crate::entity::{EntityDef, FieldDef as F, FieldKind as K, MultiType};

/// Contacts (`entityTypeId` 3, prefix `C`).
pub static CONTACT: EntityDef = EntityDef {
    code: "CONTACT",
    table: "crm_contacts",
    fields: &[
        F::new("ID", "id", K::Integer, "ID").read_only(),
        F::new(
            "HONORIFIC",
            "honorific",
            K::CrmStatus("HONORIFIC"),
            "Salutation",
        ),
        F::new("NAME", "name", K::String, "First name"),
        F::new("SECOND_NAME", "second_name", K::String, "Middle name"),
        F::new("LAST_NAME", "last_name", K::String, "Last name"),
        F::new("BIRTHDATE", "birthdate", K::Date, "Date of birth"),
        F::new(
            "TYPE_ID",
            "type_id",
            K::CrmStatus("CONTACT_TYPE"),
            "Contact type",
        ),
        F::new("SOURCE_ID", "source_id", K::CrmStatus("SOURCE"), "Source"),
        F::new(
            "SOURCE_DESCRIPTION",
            "source_description",
            K::String,
            "Source information",
        ),
        F::new("POST", "post", K::String, "Position"),
        F::new("COMMENTS", "comments", K::String, "Comment"),
        F::new("ADDRESS", "address", K::String, "Address"),
        F::new("ADDRESS_2", "address_2", K::String, "Address (line 2)"),
        F::new("ADDRESS_CITY", "address_city", K::String, "City"),
        F::new(
            "ADDRESS_POSTAL_CODE",
            "address_postal_code",
            K::String,
            "Zip",
        ),
        F::new("ADDRESS_REGION", "address_region", K::String, "Region"),
        F::new(
            "ADDRESS_PROVINCE",
            "address_province",
            K::String,
            "State / Province",
        ),
        F::new("ADDRESS_COUNTRY", "address_country", K::String, "Country"),
        F::new(
            "ADDRESS_COUNTRY_CODE",
            "address_country_code",
            K::String,
            "Country code",
        ),
        F::new(
            "ADDRESS_LOC_ADDR_ID",
            "address_loc_addr_id",
            K::Integer,
            "Location address ID",
        ),
        F::new("OPENED", "opened", K::Char, "Available to everyone"),
        F::new("EXPORT", "export", K::Char, "Included in export"),
        F::new("HAS_PHONE", "has_phone", K::Char, "Has phone").read_only(),
        F::new("HAS_EMAIL", "has_email", K::Char, "Has e-mail").read_only(),
        F::new("HAS_IMOL", "has_imol", K::Char, "Has Open Channel").read_only(),
        F::new(
            "ASSIGNED_BY_ID",
            "assigned_by_id",
            K::User,
            "Responsible person",
        ),
        F::new("CREATED_BY_ID", "created_by_id", K::User, "Created by").read_only(),
        F::new("MODIFY_BY_ID", "modify_by_id", K::User, "Modified by").read_only(),
        F::new("DATE_CREATE", "date_create", K::DateTime, "Created on").read_only(),
        F::new("DATE_MODIFY", "date_modify", K::DateTime, "Modified on").read_only(),
        F::new("COMPANY_ID", "company_id", K::CrmCompany, "Company").deprecated(),
        F::links("COMPANY_IDS", "COMPANY", "Companies"),
        F::new("LEAD_ID", "lead_id", K::CrmLead, "Lead").read_only(),
        F::new(
            "ORIGINATOR_ID",
            "originator_id",
            K::String,
            "External source",
        ),
        F::new(
            "ORIGIN_ID",
            "origin_id",
            K::String,
            "Item ID in data source",
        ),
        F::new(
            "ORIGIN_VERSION",
            "origin_version",
            K::String,
            "Original version",
        ),
        F::new("UTM_SOURCE", "utm_source", K::String, "Ad system"),
        F::new("UTM_MEDIUM", "utm_medium", K::String, "Medium"),
        F::new("UTM_CAMPAIGN", "utm_campaign", K::String, "Ad campaign UTM"),
        F::new("UTM_CONTENT", "utm_content", K::String, "Campaign contents"),
        F::new("UTM_TERM", "utm_term", K::String, "Campaign search term"),
        F::new(
            "LAST_ACTIVITY_TIME",
            "last_activity_time",
            K::DateTime,
            "Last activity",
        )
        .read_only(),
        F::new(
            "LAST_ACTIVITY_BY",
            "last_activity_by",
            K::User,
            "Last activity by",
        )
        .read_only(),
        F::multi(MultiType::Phone, "PHONE", "Phone"),
        F::multi(MultiType::Email, "EMAIL", "E-mail"),
        F::multi(MultiType::Web, "WEB", "Website"),
        F::multi(MultiType::Im, "IM", "Messenger"),
        F::multi(MultiType::Link, "LINK", "LINK"),
    ],
};
