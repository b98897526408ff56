//! The `crm` scope. Legacy entity methods (`crm.lead.*`, `crm.deal.*`,
//! `crm.contact.*`, `crm.company.*`) share one implementation
//! in [`entity`], parameterised by a [`CrmEntity`] that adds each entity's own
//! defaults and derived fields; writes of an entity all pass through that one place.
//! Links between records (a deal's contacts, a contact's companies) have their
//! own methods in [`links`]. User fields (`UF_CRM_*`): their definitions'
//! methods and the shared reading and writing of their values are in
//! [`user_fields`].

pub mod company;
pub mod contact;
pub mod currency;
pub mod deal;
pub mod directory;
pub mod duplicate;
pub mod entity;
pub mod full_name;
pub mod item;
pub mod lead;
pub mod links;
pub mod pipeline;
pub mod rights;
pub mod status;
pub mod user_fields;
pub mod write;

pub use entity::CrmEntity;

use crate::registry::Registry;

/// Declares the `crm` methods.
pub fn register(r: &mut Registry) {
    lead::register(r);
    deal::register(r);
    contact::register(r);
    company::register(r);
    links::register(r);
    status::register(r);
    currency::register(r);
    user_fields::register(r);
    item::register(r);
    duplicate::register(r);
    pipeline::register(r);
}
