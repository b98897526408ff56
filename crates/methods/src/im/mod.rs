//! The `im` scope: notifications and chats. Shared pieces live here for
//! every `im` method: [`attach`] checks and normalizes the `ATTACH`
//! parameter (rich attachments of notifications and messages). Each method
//! family declares its methods in its own module, called from [`register`].

pub mod attach;

use crate::registry::Registry;

/// The scope of every `im` method.
pub const SCOPE: &str = "im";

/// Declares the `im` methods.
pub fn register(r: &mut Registry) {
    let _ = r;
}
