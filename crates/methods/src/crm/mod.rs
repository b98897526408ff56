//! The `crm` scope. Legacy entity methods (`crm.lead.*`) share one implementation
//! in [`entity`], parameterised by a [`CrmEntity`] that adds each entity's own
//! defaults and derived fields; writes of an entity all pass through that one place.

pub mod entity;
pub mod lead;
pub mod write;

pub use entity::CrmEntity;

use crate::registry::Registry;

/// Declares the `crm` methods.
pub fn register(r: &mut Registry) {
    lead::register(r);
}
