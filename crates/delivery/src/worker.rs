//! The delivery worker: claims due deliveries from the store with a lease,
//! sends each outside any transaction, then records the attempt and what comes
//! next (done, retry at, given up, handler switched off).
//!
//! It sleeps until the store says a commit made deliveries due
//! ([`DeliveryStore::on_deliveries_due`]) or until the next retry could be
//! due (a short fallback tick), so a new event leaves within milliseconds of its
//! commit. Nothing lives only in memory: a worker that dies mid-attempt loses
//! only its lease, and the delivery is claimed again when the lease runs out —
//! by this process after a restart or by another server on the same database.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use portico_store::secrets::SecretBox;
use portico_store::{
    AppStore, AttemptRecord, AttemptVerdict, ClaimedDelivery, DeliveryStore, DisableReason,
};
use tokio::sync::{Notify, Semaphore};

mod bot_auth;
mod prepare;

use crate::capture::Captures;
use crate::observer::{AttemptObserver, AttemptSeen};
use crate::outcome::Verdict;
use crate::payload::HandlerAuth;
use crate::schedule::RetrySchedule;
use crate::sender::Sender;

/// Reads the time (Unix seconds); the sandbox's test clock can stand in.
pub type Now = Arc<dyn Fn() -> i64 + Send + Sync>;

/// How the worker runs.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// How long a claim holds, seconds; longer than one attempt can take.
    pub lease_secs: i64,
    /// Most deliveries claimed at once.
    pub batch: usize,
    /// Most deliveries sent at the same time.
    pub concurrency: usize,
    /// How long a wake-up waits for more commits before claiming.
    pub gather: Duration,
    /// Longest sleep without a wake-up (retries falling due, other servers'
    /// commits on a backend that cannot signal them).
    pub idle_tick: Duration,
    /// When to try again after a failure.
    pub schedule: RetrySchedule,
    /// The portal's part of every payload's `auth` block (`application_token`
    /// is filled per handler).
    pub portal: HandlerAuth,
    /// Lifetime of the access tokens minted for applications' handlers, seconds.
    pub access_token_ttl: i64,
    /// Lifetime of the refresh tokens minted with them, seconds.
    pub refresh_token_ttl: i64,
}

impl WorkerConfig {
    /// Defaults for a portal whose `auth` block is `portal`.
    pub fn new(portal: HandlerAuth) -> WorkerConfig {
        WorkerConfig {
            lease_secs: 60,
            batch: 64,
            concurrency: 32,
            gather: Duration::from_millis(10),
            idle_tick: Duration::from_secs(1),
            schedule: RetrySchedule::default(),
            portal,
            access_token_ttl: 3_600,
            refresh_token_ttl: 180 * 86_400,
        }
    }
}

/// Claims, sends and records deliveries until shut down.
pub struct Worker {
    store: Arc<dyn DeliveryStore>,
    apps: Option<Arc<dyn AppStore>>,
    secrets: SecretBox,
    sender: Sender,
    config: WorkerConfig,
    now: Now,
    wake: Arc<Notify>,
    observer: Option<AttemptObserver>,
    captures: Option<Captures>,
}

impl Worker {
    /// A worker over `store`, unsealing handler secrets with `secrets`; it
    /// registers its wake-up with the store.
    pub fn new(
        store: Arc<dyn DeliveryStore>,
        secrets: SecretBox,
        sender: Sender,
        config: WorkerConfig,
        now: Now,
    ) -> Worker {
        let wake = Arc::new(Notify::new());
        let notify = wake.clone();
        store.on_deliveries_due(Arc::new(move || notify.notify_one()));
        Worker {
            store,
            apps: None,
            secrets,
            sender,
            config,
            now,
            wake,
            observer: None,
            captures: None,
        }
    }

    /// The same worker telling `observer` of every attempt it makes.
    pub fn with_attempt_observer(mut self, observer: AttemptObserver) -> Worker {
        self.observer = Some(observer);
        self
    }

    /// The same worker capturing every attempt in `captures` and making it
    /// as its handler's mode there says (a sandbox's worker).
    pub fn with_captures(mut self, captures: Captures) -> Worker {
        self.captures = Some(captures);
        self
    }

    /// The same worker delivering to applications' handlers too: their
    /// `auth` block carries the application's token and tokens minted for the
    /// user at send time (grants stored in `apps`). Without it, a delivery to
    /// an application's handler fails.
    pub fn with_apps(mut self, apps: Arc<dyn AppStore>) -> Worker {
        self.apps = Some(apps);
        self
    }

    /// Runs until `shutdown` completes; attempts in flight then finish and are recorded.
    ///
    /// Up to `concurrency` attempts run at once, each on its own task: a slot
    /// that frees up is filled by a later claim, so one slow handler holds one
    /// slot, never the deliveries to everyone else. An idle worker claims as
    /// soon as a commit wakes it; a busy one waits until half its slots are
    /// free (at most `gather`), so that one claim fills many of them.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let slots_total = self.config.concurrency.max(1);
        let worker = Arc::new(self);
        let slots = Arc::new(Semaphore::new(slots_total));
        let mut gathered = false;
        tokio::pin!(shutdown);
        loop {
            let idle_slots = slots.available_permits();
            let busy = idle_slots < slots_total;
            if idle_slots == 0 {
                tokio::select! {
                    slot = slots.acquire() => drop(slot),
                    () = &mut shutdown => break,
                }
                continue;
            }
            if busy && idle_slots < slots_total / 2 && !gathered {
                // Wait (at most `gather`) until half the slots are free.
                gathered = true;
                let half = u32::try_from(slots_total / 2).unwrap_or(1);
                tokio::select! {
                    _ = tokio::time::timeout(worker.config.gather, slots.acquire_many(half)) => {}
                    () = &mut shutdown => break,
                }
                continue;
            }
            gathered = false;
            let free = idle_slots.min(worker.config.batch);
            let claimed = match worker
                .store
                .claim_deliveries((worker.now)(), worker.config.lease_secs, free)
                .await
            {
                Ok(claimed) => claimed,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot claim deliveries");
                    Vec::new()
                }
            };
            let full = claimed.len() >= free;
            for delivery in claimed {
                let Ok(slot) = slots.clone().acquire_owned().await else {
                    break;
                };
                let worker = worker.clone();
                tokio::spawn(async move {
                    worker.deliver(delivery).await;
                    drop(slot);
                });
            }
            if full {
                continue;
            }
            tokio::select! {
                () = worker.wake.notified() => {
                    if slots.available_permits() < slots_total {
                        // Busy: gather the commits of the next moment into one claim.
                        tokio::time::sleep(worker.config.gather).await;
                    }
                }
                () = tokio::time::sleep(worker.config.idle_tick) => {}
                () = &mut shutdown => break,
            }
        }
        // Let the attempts in flight finish and be recorded.
        let all = u32::try_from(slots_total).unwrap_or(u32::MAX);
        let _ = slots.acquire_many(all).await;
    }

    /// One attempt of one claimed delivery, recorded whatever happens.
    async fn deliver(&self, claimed: ClaimedDelivery) {
        let started_at = (self.now)();
        let mut captured = None;
        let record = match self.prepare(&claimed, started_at).await {
            Ok(attempt) => {
                let outcome = match &self.captures {
                    Some(captures) => {
                        let (outcome, capture) = captures.attempt(&self.sender, &attempt).await;
                        captured = capture;
                        outcome
                    }
                    None => self.sender.send(&attempt).await,
                };
                let verdict = match outcome.verdict {
                    Verdict::Delivered => AttemptVerdict::Delivered,
                    Verdict::Retry { retry_after } => self.after_failure(&claimed, retry_after),
                    Verdict::DisableHandler => AttemptVerdict::Disable(DisableReason::Gone),
                    Verdict::Fail => AttemptVerdict::GiveUp,
                };
                AttemptRecord {
                    delivery_id: claimed.delivery_id,
                    lease_token: claimed.lease_token.clone(),
                    attempt: claimed.attempt,
                    started_at,
                    duration_ms: u64::try_from(outcome.duration.as_millis()).unwrap_or(u64::MAX),
                    status: outcome.status,
                    response: String::from_utf8_lossy(&outcome.response).into_owned(),
                    error: outcome.reason,
                    verdict,
                    recorded_at: (self.now)(),
                }
            }
            Err(why) => AttemptRecord {
                delivery_id: claimed.delivery_id,
                lease_token: claimed.lease_token.clone(),
                attempt: claimed.attempt,
                started_at,
                duration_ms: 0,
                status: None,
                response: String::new(),
                error: Some(why),
                verdict: AttemptVerdict::GiveUp,
                recorded_at: (self.now)(),
            },
        };
        if let Some(observe) = &self.observer {
            observe(&AttemptSeen {
                handler_id: claimed.webhook.id,
                app_id: claimed.webhook.app_id,
                event: &claimed.event.code,
                delivered: matches!(record.verdict, AttemptVerdict::Delivered),
                duration: Duration::from_millis(record.duration_ms),
                started_at,
            });
        }
        let verdict = record.verdict;
        // Captured before the attempt is recorded: once a delivery shows its
        // attempt, that attempt's capture is there.
        if let (Some(captures), Some(captured)) = (&self.captures, captured) {
            captures.record(&claimed, captured, verdict.outcome()).await;
        }
        match self.store.record_attempt(record).await {
            Ok(true) => tracing::debug!(
                delivery = claimed.delivery_id,
                event = %claimed.event.code,
                outcome = verdict.outcome(),
                "delivery attempt"
            ),
            Ok(false) => tracing::info!(
                delivery = claimed.delivery_id,
                "delivery attempt recorded after its lease was lost"
            ),
            Err(e) => tracing::warn!(
                delivery = claimed.delivery_id,
                error = %e,
                "cannot record a delivery attempt; it will be retried when its lease runs out"
            ),
        }
    }

    /// What follows a failed attempt that may be retried: the next attempt
    /// on the schedule; past its end the handler is switched off as failing.
    /// A handler set to Bitrix24's single attempt is never retried, and never
    /// switched off for failing.
    fn after_failure(
        &self,
        claimed: &ClaimedDelivery,
        retry_after: Option<Duration>,
    ) -> AttemptVerdict {
        if claimed.webhook.single_attempt {
            return AttemptVerdict::GiveUp;
        }
        self.config
            .schedule
            .next_attempt_at(claimed.attempt, (self.now)(), retry_after)
            .map_or(
                AttemptVerdict::Disable(DisableReason::Failing),
                AttemptVerdict::RetryAt,
            )
    }
}
