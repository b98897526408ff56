//! CRM record types. Each entity's catalogue lists its standard fields as
//! `crm.{entity}.fields` describes them; columns of its table follow the catalogue.

pub mod lead;

pub use lead::LEAD;
