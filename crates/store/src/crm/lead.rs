//! The lead catalogue (`crm.lead.fields`), table `crm_leads`.
//!
//! The backend keeps `HAS_PHONE`, `HAS_EMAIL` and `HAS_IMOL` in step with the
//! record's multi-fields (IMOL: an `IM` entry of value type `IMOL` or `OPENLINE`),
//! and `CONTACT_ID` equal to the primary of the linked contacts (`CONTACT_IDS`).

use crate::entity::{EntityDef, FieldDef as F, FieldKind as K};

/// Leads (`entityTypeId` 1, prefix `L`).
pub static LEAD: EntityDef = EntityDef {
    code: "LEAD",
    table: "crm_leads",
    fields: crm_fields![
        F::new("ID", "id", K::Integer, "ID").read_only(),
        F::new("TITLE", "title", K::String, "Lead Name"),
        F::new("HONORIFIC", "honorific", K::CrmStatus("HONORIFIC"), "Salutation"),
        F::new("NAME", "name", K::String, "First name"),
        F::new("SECOND_NAME", "second_name", K::String, "Middle name"),
        F::new("LAST_NAME", "last_name", K::String, "Last name"),
        F::new("BIRTHDATE", "birthdate", K::Date, "Date of birth"),
        F::new("COMPANY_TITLE", "company_title", K::String, "Company name"),
        F::new("SOURCE_ID", "source_id", K::CrmStatus("SOURCE"), "Source"),
        F::new("SOURCE_DESCRIPTION", "source_description", K::String, "Source information"),
        F::new("STATUS_ID", "status_id", K::CrmStatus("STATUS"), "Stage"),
        F::new("STATUS_DESCRIPTION", "status_description", K::String, "Stage information"),
        F::new("STATUS_SEMANTIC_ID", "status_semantic_id", K::String, "Status details").read_only(),
        F::new("POST", "post", K::String, "Position"),
        @address,
        F::new("CURRENCY_ID", "currency_id", K::CrmCurrency, "Currency"),
        F::new("OPPORTUNITY", "opportunity", K::Double, "Amount"),
        F::new("IS_MANUAL_OPPORTUNITY", "is_manual_opportunity", K::Char, "Manual amount"),
        F::new("OPENED", "opened", K::Char, "Available to everyone"),
        F::new("COMMENTS", "comments", K::String, "Comment"),
        @comm_flags,
        F::new("ASSIGNED_BY_ID", "assigned_by_id", K::User, "Responsible person"),
        F::new("CREATED_BY_ID", "created_by_id", K::User, "Created by").read_only(),
        F::new("MODIFY_BY_ID", "modify_by_id", K::User, "Modified by").read_only(),
        F::new("MOVED_BY_ID", "moved_by_id", K::User, "Stage changed by").read_only(),
        F::new("DATE_CREATE", "date_create", K::DateTime, "Created on").read_only(),
        F::new("DATE_MODIFY", "date_modify", K::DateTime, "Modified on").read_only(),
        F::new("MOVED_TIME", "moved_time", K::DateTime, "Stage changed on").read_only(),
        F::new("DATE_CLOSED", "date_closed", K::DateTime, "Completed on").read_only(),
        F::new("COMPANY_ID", "company_id", K::CrmCompany, "Company"),
        F::new("CONTACT_ID", "contact_id", K::CrmContact, "Contact").deprecated(),
        F::links("CONTACT_IDS", "CONTACT", "Contacts"),
        F::new("IS_RETURN_CUSTOMER", "is_return_customer", K::Char, "Repeat lead").read_only(),
        @origin,
        @utm_activity,
        @multi,
    ],
};
