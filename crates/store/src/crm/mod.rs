//! CRM record types. Each entity's catalogue lists its standard fields as
//! `crm.{entity}.fields` describes them; columns of its table follow the catalogue.

pub mod company;
pub mod contact;
pub mod deal;
pub mod lead;

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
