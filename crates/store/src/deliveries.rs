//! The delivery queue: one delivery per (event, subscribed outbound webhook),
//! created in the transaction that raised the event. Workers of any number of
//! processes sharing the database claim due deliveries with a lease, send them
//! outside any transaction, then record the attempt with the lease token they
//! got; a lease that ran out (a worker that died mid-attempt) lets another
//! worker claim the delivery again.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::events::Event;
use crate::outbound::{DisableReason, OutboundWebhook};

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryState {
    /// Waiting for its next attempt (or being attempted under a lease).
    Pending,
    /// A handler answered 2xx.
    Delivered,
    /// Given up: retries exhausted, or the handler is gone (410).
    Failed,
}

impl DeliveryState {
    /// The stored name (`pending`, `delivered`, `failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    /// The state with this stored name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "pending" => Some(DeliveryState::Pending),
            "delivered" => Some(DeliveryState::Delivered),
            "failed" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
}

/// A delivery as the log shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    /// Delivery id.
    pub id: i64,
    /// The event delivered.
    pub event_id: i64,
    /// That event's code (`ONCRMLEADADD`).
    pub event_code: String,
    /// The outbound webhook it goes to.
    pub webhook_id: i64,
    /// Where it stands.
    pub state: DeliveryState,
    /// Attempts claimed so far (an attempt counts from its claim, so a
    /// worker dying mid-attempt still uses one up).
    pub attempts: u32,
    /// When the next attempt is due, Unix seconds; `None` once finished.
    pub next_attempt_at: Option<i64>,
    /// HTTP status of the last answer, if one came.
    pub last_status: Option<u16>,
    /// Creation instant, Unix seconds.
    pub created_at: i64,
    /// When it was delivered or given up, Unix seconds.
    pub finished_at: Option<i64>,
}

/// Which deliveries of one outbound webhook a log lists: newest first, at
/// most `limit`, optionally only one state or one event code, and for paging
/// only those with an id below `before_id`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryQuery {
    /// Only deliveries in this state.
    pub state: Option<DeliveryState>,
    /// Only deliveries of events with this code (upper case).
    pub event_code: Option<String>,
    /// Only deliveries with an id below this one (the next page).
    pub before_id: Option<i64>,
    /// Most deliveries listed.
    pub limit: usize,
}

impl DeliveryQuery {
    /// The newest `limit` deliveries, unfiltered.
    pub fn newest(limit: usize) -> DeliveryQuery {
        DeliveryQuery {
            limit,
            ..DeliveryQuery::default()
        }
    }
}

/// A test event queued for one outbound webhook (see
/// [`DeliveryStore::queue_test_event`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueuedTest {
    /// The `ONAPPTEST` event recorded.
    pub event_id: i64,
    /// Its only delivery.
    pub delivery_id: i64,
}

/// The code of the test event a user sends to one handler.
pub const TEST_EVENT_CODE: &str = "ONAPPTEST";

/// A delivery claimed by a worker: everything needed to send it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimedDelivery {
    /// Delivery id.
    pub delivery_id: i64,
    /// Proof of the claim; [`AttemptRecord::lease_token`] must carry it.
    pub lease_token: String,
    /// Until when the claim holds, Unix seconds.
    pub lease_until: i64,
    /// This attempt's number, from 1.
    pub attempt: u32,
    /// The event to send.
    pub event: Event,
    /// Where to send it (URL, sealed token and signing secret).
    pub webhook: OutboundWebhook,
}

/// What an attempt decided about its delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptVerdict {
    /// Delivered (2xx): done.
    Delivered,
    /// Failed; try again at this instant (Unix seconds).
    RetryAt(i64),
    /// Failed for good (retries exhausted, or a policy that does not retry).
    GiveUp,
    /// Give up and switch the outbound webhook off, for this reason (its
    /// handler answered 410 Gone, or failed through the whole schedule).
    Disable(DisableReason),
}

impl AttemptVerdict {
    /// The outcome name kept in the attempt log (`delivered`, `retry`, `failed`, `disabled`).
    pub fn outcome(self) -> &'static str {
        match self {
            AttemptVerdict::Delivered => "delivered",
            AttemptVerdict::RetryAt(_) => "retry",
            AttemptVerdict::GiveUp => "failed",
            AttemptVerdict::Disable(_) => "disabled",
        }
    }
}

/// One finished attempt, as a worker reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct AttemptRecord {
    /// The delivery attempted.
    pub delivery_id: i64,
    /// The token [`ClaimedDelivery::lease_token`] gave.
    pub lease_token: String,
    /// The attempt's number ([`ClaimedDelivery::attempt`]).
    pub attempt: u32,
    /// When the request started, Unix seconds.
    pub started_at: i64,
    /// How long it took, milliseconds.
    pub duration_ms: u64,
    /// The answer's HTTP status, if one came.
    pub status: Option<u16>,
    /// The first bytes of the answer (kept short by the sender).
    pub response: String,
    /// Why it failed without an answer (timeout, refused address, …).
    pub error: Option<String>,
    /// What happens to the delivery next.
    pub verdict: AttemptVerdict,
    /// Now, Unix seconds (the finish instant of a delivered or failed delivery).
    pub recorded_at: i64,
}

/// One attempt as the log shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct DeliveryAttempt {
    /// Attempt log id.
    pub id: i64,
    /// The delivery attempted.
    pub delivery_id: i64,
    /// Attempt number, from 1.
    pub attempt: u32,
    /// When the request started, Unix seconds.
    pub started_at: i64,
    /// How long it took, milliseconds.
    pub duration_ms: u64,
    /// The answer's HTTP status, if one came.
    pub status: Option<u16>,
    /// The first bytes of the answer.
    pub response: String,
    /// Why it failed without an answer.
    pub error: Option<String>,
    /// `delivered`, `retry`, `failed` or `disabled` ([`AttemptVerdict::outcome`]).
    pub outcome: String,
}

/// The delivery queue and its log.
#[async_trait]
pub trait DeliveryStore: Send + Sync {
    /// Claims up to `limit` pending deliveries due at `now` (oldest due first)
    /// whose outbound webhook is active and that no live lease holds, for
    /// `lease_secs` seconds (times are whole seconds, so a lease holds through
    /// the second it ends in and is never shorter than promised): each gets a new lease token and its attempt count
    /// goes up by one. Concurrent claimers (other workers, other processes)
    /// never get the same delivery while a lease holds.
    async fn claim_deliveries(
        &self,
        now: i64,
        lease_secs: i64,
        limit: usize,
    ) -> Result<Vec<ClaimedDelivery>, StoreError>;

    /// Releases every lease still held, so the deliveries they hold can be
    /// claimed at once, and returns how many were released. Only for a server
    /// that owns its database alone (an embedded database behind the data
    /// folder's lock), at start: any lease left then belongs to a process that
    /// died mid-attempt, and waiting for it to run out would only delay its
    /// deliveries. Servers sharing a database let leases run out instead.
    async fn release_leases(&self) -> Result<u64, StoreError>;

    /// Logs an attempt and, when the lease token still holds the delivery,
    /// applies its verdict (delivered, retry at, failed; `Disable` also
    /// switches the outbound webhook off, recording why and when) and
    /// releases the lease. Returns
    /// `false` when the lease was lost (the delivery was claimed again after
    /// the lease ran out, or is gone): the attempt is logged when the
    /// delivery still exists, but its state is left to the newer claim.
    async fn record_attempt(&self, attempt: AttemptRecord) -> Result<bool, StoreError>;

    /// Deliveries to an outbound webhook that `query` selects, newest (highest
    /// id) first.
    async fn list_deliveries(
        &self,
        webhook_id: i64,
        query: DeliveryQuery,
    ) -> Result<Vec<Delivery>, StoreError>;

    /// The attempts of a delivery, in order.
    async fn delivery_attempts(&self, delivery_id: i64)
        -> Result<Vec<DeliveryAttempt>, StoreError>;

    /// Sends a finished (delivered or failed) delivery again: pending, due at
    /// `now`, its attempt count back to zero (a whole retry schedule), same
    /// event and so the same message id. `false` when there is no such
    /// delivery or it is still pending.
    async fn redeliver(&self, delivery_id: i64, now: i64) -> Result<bool, StoreError>;

    /// Sends again, as [`DeliveryStore::redeliver`] does, every failed delivery
    /// to outbound webhook `webhook_id` created between `from` and `to` (Unix
    /// seconds, both included), due at `now`; returns how many.
    async fn redeliver_failed(
        &self,
        webhook_id: i64,
        from: i64,
        to: i64,
        now: i64,
    ) -> Result<u64, StoreError>;

    /// Records a [`TEST_EVENT_CODE`] event with `data` `{"QUERY":{"TEST":"Y"}}`
    /// and one pending delivery of it, due at `at`, to outbound webhook
    /// `webhook_id` only (whatever it subscribes to), in one transaction, and
    /// wakes the workers. `None` when there is no such webhook.
    async fn queue_test_event(
        &self,
        webhook_id: i64,
        user_id: Option<i64>,
        at: i64,
    ) -> Result<Option<QueuedTest>, StoreError>;

    /// Forgets what is older than `before` (Unix seconds): finished
    /// deliveries with their attempts, then events left without deliveries;
    /// handler rows of removed applications go once they have no delivery left.
    /// Pending deliveries and their events are kept whatever their age.
    /// Returns how many events were removed.
    async fn prune_outbox(&self, before: i64) -> Result<u64, StoreError>;

    /// Registers `wake`, called after every commit that may have made a
    /// delivery due (a record write that raised an event), on this process's
    /// writes — and, on a backend shared by several servers, on theirs too. A
    /// delivery worker waits on it instead of polling. The default calls nothing.
    fn on_deliveries_due(&self, wake: DeliveriesDue) {
        let _ = wake;
    }
}

/// A callback run after a commit that may have made deliveries due.
pub type DeliveriesDue = std::sync::Arc<dyn Fn() + Send + Sync>;
