//! The deal catalogue (`crm.deal.fields`), table `crm_deals`.
//!
//! `CONTACT_IDS` is a link list (deal → contact links); the backend keeps
//! `CONTACT_ID` equal to the primary linked contact. `QUOTE_ID` and
//! `LOCATION_ID` are listed and answered empty (estimates and locations do not
//! exist here), hence read-only. Left out: the `PARENT_ID_{n}` links of smart
//! processes (they exist only with smart processes).

use crate::entity::{EntityDef, FieldDef as F, FieldKind as K};

/// Deals (`entityTypeId` 2, prefix `D`).
pub static DEAL: EntityDef = EntityDef {
    code: "DEAL",
    table: "crm_deals",
    fields: crm_fields![
        F::new("ID", "id", K::Integer, "ID").read_only(),
        F::new("TITLE", "title", K::String, "Name"),
        F::new("TYPE_ID", "type_id", K::CrmStatus("DEAL_TYPE"), "Type"),
        F::new("CATEGORY_ID", "category_id", K::CrmCategory, "Pipeline").immutable(),
        F::new("STAGE_ID", "stage_id", K::CrmStatus("DEAL_STAGE"), "Deal stage"),
        F::new("STAGE_SEMANTIC_ID", "stage_semantic_id", K::String, "Stage group").read_only(),
        F::new("IS_NEW", "is_new", K::Char, "New deal").read_only(),
        F::new("IS_RECURRING", "is_recurring", K::Char, "Recurring deal"),
        F::new("IS_RETURN_CUSTOMER", "is_return_customer", K::Char, "Repeat deal"),
        F::new("IS_REPEATED_APPROACH", "is_repeated_approach", K::Char, "Repeat inquiry"),
        F::new("PROBABILITY", "probability", K::Integer, "Probability"),
        F::new("CURRENCY_ID", "currency_id", K::CrmCurrency, "Currency"),
        F::new("OPPORTUNITY", "opportunity", K::Double, "Amount"),
        F::new("IS_MANUAL_OPPORTUNITY", "is_manual_opportunity", K::Char, "Manual amount"),
        F::new("TAX_VALUE", "tax_value", K::Double, "Tax rate"),
        F::new("COMPANY_ID", "company_id", K::CrmCompany, "Company"),
        F::new("CONTACT_ID", "contact_id", K::CrmContact, "Contact").deprecated(),
        F::links("CONTACT_IDS", "CONTACT", "Contacts"),
        F::new("QUOTE_ID", "quote_id", K::CrmQuote, "Estimate").read_only(),
        F::new("BEGINDATE", "begindate", K::Date, "Start date"),
        F::new("CLOSEDATE", "closedate", K::Date, "End date"),
        F::new("OPENED", "opened", K::Char, "Available to everyone"),
        F::new("CLOSED", "closed", K::Char, "Closed"),
        F::new("COMMENTS", "comments", K::String, "Comment"),
        F::new("ASSIGNED_BY_ID", "assigned_by_id", K::User, "Responsible person"),
        F::new("CREATED_BY_ID", "created_by_id", K::User, "Created by").read_only(),
        F::new("MODIFY_BY_ID", "modify_by_id", K::User, "Modified by").read_only(),
        F::new("MOVED_BY_ID", "moved_by_id", K::User, "Stage changed by").read_only(),
        F::new("DATE_CREATE", "date_create", K::DateTime, "Created on").read_only(),
        F::new("DATE_MODIFY", "date_modify", K::DateTime, "Modified on").read_only(),
        F::new("MOVED_TIME", "moved_time", K::DateTime, "Stage changed on").read_only(),
        F::new("SOURCE_ID", "source_id", K::CrmStatus("SOURCE"), "Source"),
        F::new("SOURCE_DESCRIPTION", "source_description", K::String, "Source information"),
        F::new("LEAD_ID", "lead_id", K::CrmLead, "Lead").read_only(),
        F::new("ADDITIONAL_INFO", "additional_info", K::String, "Additional information"),
        F::new("LOCATION_ID", "location_id", K::Location, "Location").read_only(),
        @origin,
        @utm_activity,
    ],
};
