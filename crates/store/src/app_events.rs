//! Applications' event handlers. An application binds a handler URL to an
//! event code with `event.bind`; each binding is an outbound webhook row that
//! belongs to the application (`app_id`), subscribed to that one code, so it
//! gets the delivery engine (queue, retries, attempt log, SSRF guard). Those
//! rows never appear in users' outbound-webhook lists. A handler of an
//! application that is not installed gets nothing, and the application-only
//! events (`ONAPPINSTALL`, `ONAPPUNINSTALL`, `ONAPPTEST`) go only to the
//! handlers of their own application.
//!
//! Removing an application records `ONAPPUNINSTALL` to its handlers bound to
//! it and detaches those handler rows from it (they keep a copy of the
//! application token and lose their subscriptions), so their deliveries
//! survive the application's removal; detached rows are forgotten with the
//! outbox (see [`crate::DeliveryStore::prune_outbox`]) once nothing of theirs
//! is pending.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::events::EventStamp;
use crate::outbound::OutboundWebhook;

/// Event sent to a script-only application's installation path when it is installed.
pub const APP_INSTALL_EVENT: &str = "ONAPPINSTALL";

/// Event sent to an application's handlers bound to it when it is removed.
pub const APP_UNINSTALL_EVENT: &str = "ONAPPUNINSTALL";

/// The events only an application's own actions raise, for its handlers
/// alone (`ONOFFLINEEVENT`: its offline queue got rows).
pub const APP_ONLY_EVENTS: [&str; 4] = [
    APP_INSTALL_EVENT,
    APP_UNINSTALL_EVENT,
    crate::deliveries::TEST_EVENT_CODE,
    crate::offline_events::OFFLINE_NOTICE_EVENT,
];

/// Entity code of the events an application's lifecycle raises.
pub const APP_EVENT_ENTITY: &str = "APP";

/// A new binding of an application's handler to one event.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAppHandler {
    /// The application.
    pub app_id: i64,
    /// The user who binds it (owner of the row).
    pub user_id: i64,
    /// Upper-case event code.
    pub event: String,
    /// Handler URL (checked when bound).
    pub handler_url: String,
    /// The user whose tokens deliveries carry (`auth_type`); `None`: the user
    /// who made the change.
    pub auth_user_id: Option<i64>,
    /// Creation instant, Unix seconds.
    pub created_at: i64,
}

/// Which of an application's bindings `event.unbind` removes; `None` matches all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppHandlerFilter {
    /// Upper-case event code.
    pub event: Option<String>,
    /// Handler URL, exactly.
    pub handler_url: Option<String>,
    /// `Some(None)`: bindings without `auth_type`; `Some(Some(id))`: of that user.
    pub auth_user_id: Option<Option<i64>>,
    /// Only bindings made by this user.
    pub user_id: Option<i64>,
}

/// The installation path of a script-only application, which gets
/// [`APP_INSTALL_EVENT`] when it is installed.
#[derive(Clone, Debug, PartialEq)]
pub struct InstallCallback {
    /// The installation path.
    pub handler_url: String,
    /// The installing administrator, whose tokens the event carries.
    pub user_id: i64,
    /// The event's `data` (`VERSION`, `ACTIVE`, `INSTALLED`, `LANGUAGE_ID`).
    pub data: serde_json::Value,
}

/// Applications' handlers and their events.
#[async_trait]
pub trait AppEventStore: Send + Sync {
    /// Binds a handler of an application to one event and returns the
    /// binding's id (`event_handler_id`); `None` when the same event, handler
    /// URL and `auth_type` are bound already. An unknown application or user
    /// is [`StoreError::Conflict`].
    async fn bind_app_handler(&self, handler: NewAppHandler) -> Result<Option<i64>, StoreError>;

    /// Removes the bindings of application `app_id` that `filter` selects;
    /// returns how many.
    async fn unbind_app_handlers(
        &self,
        app_id: i64,
        filter: AppHandlerFilter,
    ) -> Result<u64, StoreError>;

    /// The bindings of application `app_id`, by id; each has one event code.
    async fn app_handlers(&self, app_id: i64) -> Result<Vec<OutboundWebhook>, StoreError>;

    /// Records event `code` (upper case) with `data` and one pending delivery
    /// per handler of application `app_id` bound to it, when the application
    /// is installed, in one transaction, and wakes the workers. The event's id;
    /// `None` when no handler of it is bound (nothing is recorded).
    async fn record_app_event(
        &self,
        app_id: i64,
        code: &str,
        data: serde_json::Value,
        stamp: EventStamp,
    ) -> Result<Option<i64>, StoreError>;

    /// Marks application `app_id` installed at `at` (the first instant stays)
    /// and, with a `callback`, creates a handler row of the application for
    /// the installation path (no subscriptions, tokens of the callback's user)
    /// and records [`APP_INSTALL_EVENT`] with one delivery to that row alone,
    /// all in one transaction. `false` when there is no such application.
    async fn install_app(
        &self,
        app_id: i64,
        at: i64,
        callback: Option<InstallCallback>,
    ) -> Result<bool, StoreError>;

    /// Removes application `app_id`: records [`APP_UNINSTALL_EVENT`] with
    /// `data` to its handlers bound to it (when installed), detaches those
    /// rows (they keep the application token, lose their subscriptions),
    /// then deletes the application with its tokens, codes and other
    /// handlers, in one transaction, and wakes the workers. `false` when there
    /// was no such application.
    async fn uninstall_app(
        &self,
        app_id: i64,
        data: serde_json::Value,
        stamp: EventStamp,
    ) -> Result<bool, StoreError>;
}
