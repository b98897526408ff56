//! The `im` scope: notifications and chats. Shared pieces live here for
//! every `im` method: [`attach`] checks and normalizes the `ATTACH`
//! parameter (rich attachments of notifications and messages). Each method
//! family declares its methods in its own module, called from [`register`].
//!
//! Notifications (`im.notify.*`) in [`notify`].
//!
//! Chats: [`messages`] (`im.message.*` and [`messages::post_message`], the
//! one path of every message), [`history`] (`im.dialog.messages.get`,
//! `im.dialog.read`), [`dialogs`] (`im.dialog.get`, `im.recent.list`,
//! `im.counters.get`), [`chats`] (`im.chat.*`); who may do what and the
//! `DIALOG_ID` grammar in [`dialog`], `KEYBOARD`/`MENU` in [`keyboard`],
//! system messages in [`notices`], answers in [`render`].

pub mod attach;
pub mod chats;
pub mod dialog;
pub mod dialogs;
pub mod history;
pub mod keyboard;
pub mod messages;
pub mod notices;
pub mod notify;
pub mod render;

use crate::registry::Registry;

/// The scope of every `im` method.
pub const SCOPE: &str = "im";

/// Declares the `im` methods.
pub fn register(r: &mut Registry) {
    notify::register(r);
    messages::register(r);
    history::register(r);
    dialogs::register(r);
    chats::register(r);
}
