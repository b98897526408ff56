//! REST load statistics: per day, integration and method, how many calls were
//! made, how many were answered with an error and how long they ran. Servers
//! count in memory and add their counts to the store in batches; the store
//! only ever adds (two servers flushing the same key sum up) and forgets days
//! past the kept window.

use async_trait::async_trait;

use crate::error::StoreError;

/// Days the statistics are kept.
pub const REST_STATS_KEPT_DAYS: i64 = 60;

/// What kind of integration made the calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntegrationKind {
    /// An inbound webhook calling the REST API.
    Inbound,
    /// An outbound webhook: the portal calling its handler (one attempt is one call).
    Outbound,
    /// A local application: its REST calls and the deliveries to its handlers.
    App,
}

impl IntegrationKind {
    /// Every kind, in display order.
    pub const ALL: [IntegrationKind; 3] = [
        IntegrationKind::Inbound,
        IntegrationKind::Outbound,
        IntegrationKind::App,
    ];

    /// The stored name: `inbound`, `outbound`, `app`.
    pub fn as_str(self) -> &'static str {
        match self {
            IntegrationKind::Inbound => "inbound",
            IntegrationKind::Outbound => "outbound",
            IntegrationKind::App => "app",
        }
    }

    /// The kind stored as `name`.
    pub fn parse(name: &str) -> Option<IntegrationKind> {
        IntegrationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
    }
}

/// What one statistics row counts: a day, an integration and a method (for
/// outbound deliveries, the event code).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RestStatKey {
    /// Days since 1970-01-01 in the portal's time zone.
    pub day: i64,
    /// The integration's kind.
    pub kind: IntegrationKind,
    /// The integration's id (webhook, outbound webhook or application).
    pub integration_id: i64,
    /// The method name (lower case) or event code.
    pub method: String,
}

/// The counts under one key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RestStatCounts {
    /// Calls made.
    pub calls: u64,
    /// Calls answered with an error.
    pub errors: u64,
    /// Time spent running them, in microseconds.
    pub operating_micros: u64,
}

impl RestStatCounts {
    /// Adds `other` to these counts.
    pub fn add(&mut self, other: RestStatCounts) {
        self.calls = self.calls.saturating_add(other.calls);
        self.errors = self.errors.saturating_add(other.errors);
        self.operating_micros = self.operating_micros.saturating_add(other.operating_micros);
    }
}

/// Storage of REST load statistics.
#[async_trait]
pub trait RestStatsStore: Send + Sync {
    /// Adds each row's counts to what is stored under its key (creating it),
    /// in one transaction.
    async fn add_rest_stats(
        &self,
        rows: &[(RestStatKey, RestStatCounts)],
    ) -> Result<(), StoreError>;
    /// Every row whose day is in `first_day..=last_day` (in no set order).
    async fn rest_stats(
        &self,
        first_day: i64,
        last_day: i64,
    ) -> Result<Vec<(RestStatKey, RestStatCounts)>, StoreError>;
    /// Removes the rows of days before `first_kept_day`; returns how many.
    async fn purge_rest_stats(&self, first_kept_day: i64) -> Result<u64, StoreError>;
}
