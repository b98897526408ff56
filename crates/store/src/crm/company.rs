//! The company catalogue (`crm.company.fields`), table `crm_companies`.
//!
//! `CONTACT_ID` is the list of contacts linked to the company: the contact →
//! company links read from the company's side. The backend keeps `HAS_PHONE`,
//! `HAS_EMAIL`, `HAS_IMOL` in step with the multi-fields. `LOGO` (a file) is
//! listed and answered empty, hence read-only: files are not stored. Left out:
//! the `PARENT_ID_{n}` links of smart processes (they exist only with smart
//! processes).

use crate::entity::{EntityDef, FieldDef as F, FieldKind as K};

/// Companies (`entityTypeId` 4, prefix `CO`).
pub static COMPANY: EntityDef = EntityDef {
    code: "COMPANY",
    table: "crm_companies",
    fields: crm_fields![
        F::new("ID", "id", K::Integer, "ID").read_only(),
        F::new("TITLE", "title", K::String, "Company name").required(),
        F::new("COMPANY_TYPE", "company_type", K::CrmStatus("COMPANY_TYPE"), "Company type"),
        F::new("LOGO", "logo", K::File, "Logo").read_only(),
        @address,
        F::new("ADDRESS_LEGAL", "address_legal", K::String, "Legal address"),
        F::new("REG_ADDRESS", "reg_address", K::String, "Legal address"),
        F::new("REG_ADDRESS_2", "reg_address_2", K::String, "Legal address (line 2)"),
        F::new("REG_ADDRESS_CITY", "reg_address_city", K::String, "Legal address city"),
        F::new("REG_ADDRESS_POSTAL_CODE", "reg_address_postal_code", K::String, "Legal address zip"),
        F::new("REG_ADDRESS_REGION", "reg_address_region", K::String, "Legal address region"),
        F::new("REG_ADDRESS_PROVINCE", "reg_address_province", K::String, "Legal address state / province"),
        F::new("REG_ADDRESS_COUNTRY", "reg_address_country", K::String, "Legal address country"),
        F::new("REG_ADDRESS_COUNTRY_CODE", "reg_address_country_code", K::String, "Legal address country code"),
        F::new("REG_ADDRESS_LOC_ADDR_ID", "reg_address_loc_addr_id", K::Integer, "Legal location address ID"),
        F::new("BANKING_DETAILS", "banking_details", K::String, "Payment details"),
        F::new("INDUSTRY", "industry", K::CrmStatus("INDUSTRY"), "Industry"),
        F::new("EMPLOYEES", "employees", K::CrmStatus("EMPLOYEES"), "Employees"),
        F::new("CURRENCY_ID", "currency_id", K::CrmCurrency, "Currency"),
        F::new("REVENUE", "revenue", K::Double, "Annual revenue"),
        F::new("OPENED", "opened", K::Char, "Available to everyone"),
        F::new("COMMENTS", "comments", K::String, "Comment"),
        @comm_flags,
        F::new("IS_MY_COMPANY", "is_my_company", K::Char, "My company"),
        @audit,
        F::links("CONTACT_ID", "CONTACT", "Contacts"),
        F::new("LEAD_ID", "lead_id", K::CrmLead, "Lead").read_only(),
        @origin,
        F::new("ORIGIN_VERSION", "origin_version", K::String, "Original version"),
        @utm_activity,
        F::new("LAST_COMMUNICATION_TIME", "last_communication_time", K::String, "Last communication").read_only(),
        @multi,
    ],
};
