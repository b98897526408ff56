//! What `portico sandbox` keeps in the store: whole-database snapshots that a
//! test suite returns to (the seeded state, or a test's own starting point),
//! and the faults a test arms so that the next matching calls fail as
//! Bitrix24 fails them.
//!
//! A snapshot holds every table, sequence, key, token, queue and counter, so a
//! restore leaves the database exactly as it was when the snapshot was taken,
//! ids included. Faults live in an ordinary table, so they are part of
//! snapshots too (a restore disarms what was armed after the snapshot).

use async_trait::async_trait;

use crate::error::StoreError;

/// A fault armed in the sandbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// Its id.
    pub id: i64,
    /// The method it matches (canonical lower-case name); any when `None`.
    pub method: Option<String>,
    /// The integration it matches (`webhook:3`, `app:2`); any when `None`.
    pub integration: Option<String>,
    /// Matching calls it still answers.
    pub remaining: i64,
    /// The error code answered (`QUERY_LIMIT_EXCEEDED`…); `None` for a delay.
    pub error: Option<String>,
    /// Milliseconds a matching call is held before it runs.
    pub delay_ms: i64,
}

/// A fault to arm: a [`Fault`] without its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFault {
    /// The method it matches; any when `None`.
    pub method: Option<String>,
    /// The integration it matches; any when `None`.
    pub integration: Option<String>,
    /// How many matching calls it answers (at least 1).
    pub times: i64,
    /// The error code answered; `None` for a delay.
    pub error: Option<String>,
    /// Milliseconds a matching call is held.
    pub delay_ms: i64,
}

/// A snapshot's name: 1 to 64 letters, digits, `-`, `_` or `.`, not starting
/// with a dot (names are file names in some backends).
pub fn is_snapshot_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Snapshots and faults of a sandbox.
#[async_trait]
pub trait SandboxStore {
    /// Saves the whole database as snapshot `name` (see [`is_snapshot_name`]),
    /// replacing a snapshot of that name.
    async fn save_snapshot(&self, name: &str) -> Result<(), StoreError>;

    /// Returns the whole database to snapshot `name`; `NotFound` when there is
    /// no such snapshot.
    async fn restore_snapshot(&self, name: &str) -> Result<(), StoreError>;

    /// Arms a fault.
    async fn arm_fault(&self, fault: &NewFault) -> Result<Fault, StoreError>;

    /// The faults still armed, oldest first.
    async fn armed_faults(&self) -> Result<Vec<Fault>, StoreError>;

    /// Disarms every fault; how many were armed.
    async fn clear_faults(&self) -> Result<u64, StoreError>;

    /// Takes one use of the oldest fault matching a call of `method` by
    /// `integration` (a fault used up is removed), atomically: two calls never
    /// take the last use twice.
    async fn take_fault(
        &self,
        method: &str,
        integration: &str,
    ) -> Result<Option<Fault>, StoreError>;
}
