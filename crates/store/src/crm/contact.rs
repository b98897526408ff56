//! The contact catalogue (`crm.contact.fields`), table `crm_contacts`.
//!
//! `COMPANY_IDS` is a link list (contact → company links); the backend keeps
//! `COMPANY_ID` equal to the primary linked company, and `HAS_PHONE`,
//! `HAS_EMAIL`, `HAS_IMOL` in step with the multi-fields. `PHOTO` (a file) is
//! listed and answered empty, hence read-only: files are not stored. Left out,
//! as `crm.contact.fields` does not list them: `FACE_ID` and the
//! `PARENT_ID_{n}` links of smart processes.

use crate::entity::{EntityDef, FieldDef as F, FieldKind as K};

/// Contacts (`entityTypeId` 3, prefix `C`).
pub static CONTACT: EntityDef = EntityDef {
    code: "CONTACT",
    table: "crm_contacts",
    fields: crm_fields![
        F::new("ID", "id", K::Integer, "ID").read_only(),
        F::new("HONORIFIC", "honorific", K::CrmStatus("HONORIFIC"), "Salutation"),
        F::new("NAME", "name", K::String, "First name"),
        F::new("SECOND_NAME", "second_name", K::String, "Middle name"),
        F::new("LAST_NAME", "last_name", K::String, "Last name"),
        F::new("PHOTO", "photo", K::File, "Photo").read_only(),
        F::new("BIRTHDATE", "birthdate", K::Date, "Date of birth"),
        F::new("TYPE_ID", "type_id", K::CrmStatus("CONTACT_TYPE"), "Contact type"),
        F::new("SOURCE_ID", "source_id", K::CrmStatus("SOURCE"), "Source"),
        F::new("SOURCE_DESCRIPTION", "source_description", K::String, "Source information"),
        F::new("POST", "post", K::String, "Position"),
        F::new("COMMENTS", "comments", K::String, "Comment"),
        @address,
        F::new("OPENED", "opened", K::Char, "Available to everyone"),
        F::new("EXPORT", "export", K::Char, "Included in export"),
        @comm_flags,
        @audit,
        F::new("COMPANY_ID", "company_id", K::CrmCompany, "Company").deprecated(),
        F::links("COMPANY_IDS", "COMPANY", "Companies"),
        F::new("LEAD_ID", "lead_id", K::CrmLead, "Lead").read_only(),
        @origin,
        F::new("ORIGIN_VERSION", "origin_version", K::String, "Original version"),
        @utm_activity,
        @multi,
    ],
};
