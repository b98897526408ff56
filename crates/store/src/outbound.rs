//! Outbound webhooks: a handler URL chosen by a user and the event codes it is
//! subscribed to. Each event of a subscribed code becomes one delivery to it
//! (see [`crate::deliveries`]), created in the transaction that raised the
//! event. Its application token (sent as `auth[application_token]`) and its
//! signing secret (Standard Webhooks signature) are kept sealed with the data
//! folder's key: the worker must read them back to sign and send.

use async_trait::async_trait;

use crate::error::StoreError;

/// A stored outbound webhook.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboundWebhook {
    /// Outbound webhook id (`event_handler_id` in the payload).
    pub id: i64,
    /// The user who owns it.
    pub user_id: i64,
    /// Display name.
    pub name: String,
    /// The URL deliveries are POSTed to (checked when saved).
    pub handler_url: String,
    /// Subscribed event codes, upper case, ascending.
    pub events: Vec<String>,
    /// The application token, sealed.
    pub application_token_sealed: Vec<u8>,
    /// The signing secret, sealed.
    pub signing_secret_sealed: Vec<u8>,
    /// Whether deliveries to it are made; a handler answering 410 Gone is
    /// switched off, and its pending deliveries wait until it is on again.
    pub active: bool,
    /// Bitrix24's own behaviour: one attempt per event, no retries.
    pub single_attempt: bool,
    /// Why and since when it is off; `None` while it is on.
    pub disabled: Option<Disabled>,
    /// Creation instant, Unix seconds.
    pub created_at: i64,
    /// The application it is a handler of (see [`crate::app_events`]);
    /// `None` for a user's outbound webhook.
    pub app_id: Option<i64>,
    /// For an application's handler: the user whose tokens its deliveries
    /// carry (`auth_type`); `None`: the user who made the change.
    pub auth_user_id: Option<i64>,
}

/// Why an outbound webhook was switched off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisableReason {
    /// Its handler answered 410 Gone.
    Gone,
    /// A delivery failed through the whole retry schedule.
    Failing,
    /// Its owner or an administrator switched it off.
    Manual,
}

impl DisableReason {
    /// The stored name (`gone`, `failing`, `manual`).
    pub fn as_str(self) -> &'static str {
        match self {
            DisableReason::Gone => "gone",
            DisableReason::Failing => "failing",
            DisableReason::Manual => "manual",
        }
    }

    /// The reason with this stored name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "gone" => Some(DisableReason::Gone),
            "failing" => Some(DisableReason::Failing),
            "manual" => Some(DisableReason::Manual),
            _ => None,
        }
    }
}

/// When and why an outbound webhook was switched off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Disabled {
    /// Why.
    pub reason: DisableReason,
    /// When, Unix seconds.
    pub at: i64,
}

/// What is needed to create an outbound webhook.
#[derive(Clone, Debug, PartialEq)]
pub struct NewOutboundWebhook {
    /// The owner.
    pub user_id: i64,
    /// Display name.
    pub name: String,
    /// Handler URL.
    pub handler_url: String,
    /// Event codes to subscribe to (stored upper case, each once).
    pub events: Vec<String>,
    /// The application token, sealed.
    pub application_token_sealed: Vec<u8>,
    /// The signing secret, sealed.
    pub signing_secret_sealed: Vec<u8>,
    /// One attempt per event, no retries (Bitrix24's behaviour).
    pub single_attempt: bool,
    /// Creation instant, Unix seconds.
    pub created_at: i64,
}

/// A whole new state of an outbound webhook's settings. Deliveries already
/// created keep going to the webhook (to its new URL); new events follow the
/// new subscriptions.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboundWebhookChange {
    /// Display name.
    pub name: String,
    /// Handler URL.
    pub handler_url: String,
    /// Subscribed event codes.
    pub events: Vec<String>,
    /// Whether deliveries are made. Switching it off records
    /// [`DisableReason::Manual`] at `at` (unless it was off already);
    /// switching it on forgets why it was off.
    pub active: bool,
    /// One attempt per event, no retries.
    pub single_attempt: bool,
    /// Instant of the change, Unix seconds.
    pub at: i64,
}

/// Event codes as stored: trimmed, upper case, ascending, each once, blanks dropped.
pub fn normalize_events(events: &[String]) -> Vec<String> {
    let mut codes: Vec<String> = events
        .iter()
        .map(|e| e.trim().to_ascii_uppercase())
        .filter(|e| !e.is_empty())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// Outbound webhook storage.
#[async_trait]
pub trait OutboundWebhookStore: Send + Sync {
    /// Creates an outbound webhook (active) and returns its id; an owner that
    /// does not exist is [`StoreError::Conflict`].
    async fn insert_outbound_webhook(&self, webhook: NewOutboundWebhook)
        -> Result<i64, StoreError>;
    /// One outbound webhook by id.
    async fn outbound_webhook_by_id(&self, id: i64) -> Result<Option<OutboundWebhook>, StoreError>;
    /// Outbound webhooks of one user, or of everyone when `user_id` is `None`,
    /// by id; applications' handlers are not among them (nor found by id).
    async fn list_outbound_webhooks(
        &self,
        user_id: Option<i64>,
    ) -> Result<Vec<OutboundWebhook>, StoreError>;
    /// Replaces an outbound webhook's settings; `false` when there is none with this id.
    async fn update_outbound_webhook(
        &self,
        id: i64,
        change: OutboundWebhookChange,
    ) -> Result<bool, StoreError>;
    /// Replaces the sealed application token and/or signing secret of an
    /// outbound webhook (`None` keeps that one); `false` when there is none
    /// with this id. Deliveries not yet sent carry the new ones.
    async fn replace_outbound_credentials(
        &self,
        id: i64,
        application_token_sealed: Option<Vec<u8>>,
        signing_secret_sealed: Option<Vec<u8>>,
    ) -> Result<bool, StoreError>;
    /// Deletes an outbound webhook with its deliveries and their attempts;
    /// `false` when there was none with this id.
    async fn delete_outbound_webhook(&self, id: i64) -> Result<bool, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_codes_are_stored_upper_case_sorted_and_once() {
        let given = ["onCrmLeadAdd", " ONCRMDEALADD ", "", "ONCRMLEADADD"].map(String::from);
        assert_eq!(
            normalize_events(&given),
            vec!["ONCRMDEALADD".to_owned(), "ONCRMLEADADD".to_owned()]
        );
    }
}
