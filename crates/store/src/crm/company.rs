//! The company catalogue (`crm.company.fields`), table `crm_companies`.
//!
//! `CONTACT_ID` is the list of contacts linked to the company: the contact →
//! company links read from the company's side. The backend keeps `HAS_PHONE`,
//! `HAS_EMAIL`, `HAS_IMOL` in step with the multi-fields. Left out: `LOGO` (a
//! file) and the `PARENT_ID_{n}` links of smart processes.

use crate::entity::{EntityDef, FieldDef as F, FieldKind as K, MultiType};

/// Companies (`entityTypeId` 4, prefix `CO`).
pub static COMPANY: EntityDef = EntityDef {
    code: "COMPANY",
    table: "crm_companies",
    fields: &[
        F::new("ID", "id", K::Integer, "ID").read_only(),
        F::new("TITLE", "title", K::String, "Company name").required(),
        F::new(
            "COMPANY_TYPE",
            "company_type",
            K::CrmStatus("COMPANY_TYPE"),
            "Company type",
        ),
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
        F::new("ADDRESS_LEGAL", "address_legal", K::String, "Legal address"),
        F::new("REG_ADDRESS", "reg_address", K::String, "Legal address"),
        F::new(
            "REG_ADDRESS_2",
            "reg_address_2",
            K::String,
            "Legal address (line 2)",
        ),
        F::new(
            "REG_ADDRESS_CITY",
            "reg_address_city",
            K::String,
            "Legal address city",
        ),
        F::new(
            "REG_ADDRESS_POSTAL_CODE",
            "reg_address_postal_code",
            K::String,
            "Legal address zip",
        ),
        F::new(
            "REG_ADDRESS_REGION",
            "reg_address_region",
            K::String,
            "Legal address region",
        ),
        F::new(
            "REG_ADDRESS_PROVINCE",
            "reg_address_province",
            K::String,
            "Legal address state / province",
        ),
        F::new(
            "REG_ADDRESS_COUNTRY",
            "reg_address_country",
            K::String,
            "Legal address country",
        ),
        F::new(
            "REG_ADDRESS_COUNTRY_CODE",
            "reg_address_country_code",
            K::String,
            "Legal address country code",
        ),
        F::new(
            "REG_ADDRESS_LOC_ADDR_ID",
            "reg_address_loc_addr_id",
            K::Integer,
            "Legal location address ID",
        ),
        F::new(
            "BANKING_DETAILS",
            "banking_details",
            K::String,
            "Payment details",
        ),
        F::new("INDUSTRY", "industry", K::CrmStatus("INDUSTRY"), "Industry"),
        F::new(
            "EMPLOYEES",
            "employees",
            K::CrmStatus("EMPLOYEES"),
            "Employees",
        ),
        F::new("CURRENCY_ID", "currency_id", K::CrmCurrency, "Currency"),
        F::new("REVENUE", "revenue", K::Double, "Annual revenue"),
        F::new("OPENED", "opened", K::Char, "Available to everyone"),
        F::new("COMMENTS", "comments", K::String, "Comment"),
        F::new("HAS_PHONE", "has_phone", K::Char, "Has phone").read_only(),
        F::new("HAS_EMAIL", "has_email", K::Char, "Has e-mail").read_only(),
        F::new("HAS_IMOL", "has_imol", K::Char, "Has Open Channel").read_only(),
        F::new("IS_MY_COMPANY", "is_my_company", K::Char, "My company"),
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
        F::links("CONTACT_ID", "CONTACT", "Contacts"),
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
        F::new(
            "LAST_COMMUNICATION_TIME",
            "last_communication_time",
            K::String,
            "Last communication",
        )
        .read_only(),
        F::multi(MultiType::Phone, "PHONE", "Phone"),
        F::multi(MultiType::Email, "EMAIL", "E-mail"),
        F::multi(MultiType::Web, "WEB", "Website"),
        F::multi(MultiType::Im, "IM", "Messenger"),
        F::multi(MultiType::Link, "LINK", "LINK"),
    ],
};
