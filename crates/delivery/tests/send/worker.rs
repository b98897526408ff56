//! The worker on a real SQLite outbox with an injected clock: a failing
//! handler is tried again exactly when the schedule says (not before), a
//! `Retry-After` moves the next attempt, a delivery failing through the whole
//! schedule switches its handler off as failing, and a handler set to
//! Bitrix24's single attempt gets one attempt and stays on.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use portico_delivery::{
    HandlerAuth, RetrySchedule, Sender, SenderConfig, SsrfPolicy, Worker, WorkerConfig,
};
use portico_store::crm::LEAD;
use portico_store::secrets::SecretBox;
use portico_store::users::NewUser;
use portico_store::DeliveryStore;
use portico_store::{
    DeliveryState, DisableReason, Disabled, EventStamp, NewOutboundWebhook, OutboundWebhookStore,
    RecordStore, RecordWrite, UserStore,
};
use portico_store_sqlite::{SqliteOptions, SqliteStore};

use crate::receiver::Receiver;

/// The clock's start, Unix seconds.
const T0: i64 = 1_800_000_000;

/// A worker over a fresh database, its clock, and the store.
struct Rig {
    store: Arc<SqliteStore>,
    clock: Arc<AtomicI64>,
    secrets: SecretBox,
    owner: i64,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Rig {
    /// Starts a worker with `delays` (no jitter) and a 20 ms idle tick.
    async fn start(delays: &[u64]) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(
            SqliteStore::open(&dir.path().join("outbox.sqlite3"), SqliteOptions::default())
                .unwrap(),
        );
        let owner = store
            .insert_user(NewUser {
                login: "owner".into(),
                name: String::new(),
                last_name: String::new(),
                email: String::new(),
                is_admin: false,
                password_hash: String::new(),
                date_register: T0,
            })
            .await
            .unwrap();
        let clock = Arc::new(AtomicI64::new(T0));
        let secrets = SecretBox::new(&[9; 32]);
        let mut config = WorkerConfig::new(HandlerAuth {
            domain: "portal.test".into(),
            client_endpoint: "https://portal.test/rest/".into(),
            server_endpoint: "https://portal.test/rest/".into(),
            member_id: "m".into(),
            application_token: String::new(),
        });
        config.idle_tick = Duration::from_millis(20);
        config.gather = Duration::from_millis(1);
        config.schedule = RetrySchedule {
            delays: delays.to_vec(),
            ..RetrySchedule::default()
        }
        .without_jitter();
        let sender = Sender::new(SenderConfig {
            policy: SsrfPolicy {
                allow_private: true,
                ..SsrfPolicy::default()
            },
            ..SenderConfig::default()
        })
        .unwrap();
        let now = clock.clone();
        let worker = Worker::new(
            store.clone(),
            secrets.clone(),
            sender,
            config,
            Arc::new(move || now.load(Ordering::SeqCst)),
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(worker.run(async move {
            let _ = stopped.await;
        }));
        Rig {
            store,
            clock,
            secrets,
            owner,
            stop: Some(stop),
            _dir: dir,
        }
    }

    /// Subscribes a handler at `url` to lead additions.
    async fn subscribe(&self, url: &str, single_attempt: bool) -> i64 {
        self.store
            .insert_outbound_webhook(NewOutboundWebhook {
                user_id: self.owner,
                name: "rig".into(),
                handler_url: url.into(),
                events: vec!["ONCRMLEADADD".into()],
                application_token_sealed: self.secrets.encrypt("token"),
                signing_secret_sealed: self
                    .secrets
                    .encrypt("whsec_a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s="),
                single_attempt,
                created_at: T0,
            })
            .await
            .unwrap()
    }

    /// Adds a lead at the clock's time (raising `ONCRMLEADADD`).
    async fn add_lead(&self) {
        let write = RecordWrite {
            event: Some(EventStamp {
                at: self.now(),
                user_id: Some(self.owner),
                auth_connector: None,
            }),
            ..RecordWrite::default()
        };
        self.store.insert_record(&LEAD, write).await.unwrap();
    }

    fn now(&self) -> i64 {
        self.clock.load(Ordering::SeqCst)
    }

    fn set_clock(&self, at: i64) {
        self.clock.store(at, Ordering::SeqCst);
    }

    /// The one delivery to `hook`: (state, attempts, next attempt).
    async fn delivery(&self, hook: i64) -> (DeliveryState, u32, Option<i64>) {
        let list = self
            .store
            .list_deliveries(hook, portico_store::DeliveryQuery::newest(10))
            .await
            .unwrap();
        assert_eq!(list.len(), 1, "{list:?}");
        (list[0].state, list[0].attempts, list[0].next_attempt_at)
    }

    /// Waits until the delivery to `hook` is no longer leased out with its
    /// `attempts`-th attempt: i.e. that attempt is recorded.
    async fn settled(&self, hook: i64, attempts: u32) -> (DeliveryState, u32, Option<i64>) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let log = self
                .store
                .list_deliveries(hook, portico_store::DeliveryQuery::newest(10))
                .await
                .unwrap()
                .first()
                .map(|d| d.id);
            if let Some(id) = log {
                let tries = self.store.delivery_attempts(id).await.unwrap();
                if tries.len() as u32 >= attempts {
                    return self.delivery(hook).await;
                }
            }
            assert!(Instant::now() < deadline, "attempt {attempts} never came");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Long enough for the worker (20 ms tick) to have claimed anything due.
async fn quiet_moment() {
    tokio::time::sleep(Duration::from_millis(250)).await;
}

#[tokio::test]
async fn a_failing_handler_is_retried_on_schedule_then_switched_off() {
    let receiver = Receiver::start().await;
    let rig = Rig::start(&[5, 300, 1_800]).await;
    let hook = rig.subscribe(&receiver.url("/fail"), false).await;
    rig.add_lead().await;

    // Attempt 1 at once; then each retry exactly at its delay, never before.
    let mut at = T0;
    for (attempt, delay) in [(1, 5), (2, 300), (3, 1_800)] {
        let (state, attempts, next) = rig.settled(hook, attempt).await;
        assert_eq!(
            (state, attempts, next),
            (DeliveryState::Pending, attempt, Some(at + delay)),
            "after attempt {attempt}"
        );
        rig.set_clock(at + delay - 1);
        quiet_moment().await;
        assert_eq!(receiver.received().len() as u32, attempt, "early retry");
        at += delay;
        rig.set_clock(at);
    }

    // The fourth attempt is the schedule's last: the handler is switched off.
    let (state, attempts, next) = rig.settled(hook, 4).await;
    assert_eq!((state, attempts, next), (DeliveryState::Failed, 4, None));
    let webhook = rig
        .store
        .outbound_webhook_by_id(hook)
        .await
        .unwrap()
        .unwrap();
    assert!(!webhook.active);
    assert_eq!(
        webhook.disabled,
        Some(Disabled {
            reason: DisableReason::Failing,
            at
        })
    );
    rig.set_clock(at + 100_000);
    quiet_moment().await;
    assert_eq!(receiver.received().len(), 4);
}

#[tokio::test]
async fn retry_after_moves_the_next_attempt() {
    let receiver = Receiver::start().await;
    let rig = Rig::start(&[5, 300]).await;
    // `/limited` answers 429 with `Retry-After: 7`, longer than the first delay.
    let hook = rig.subscribe(&receiver.url("/limited"), false).await;
    rig.add_lead().await;
    let (state, attempts, next) = rig.settled(hook, 1).await;
    assert_eq!(
        (state, attempts, next),
        (DeliveryState::Pending, 1, Some(T0 + 7))
    );
    rig.set_clock(T0 + 6);
    quiet_moment().await;
    assert_eq!(receiver.received().len(), 1);
    rig.set_clock(T0 + 7);
    let (_, attempts, next) = rig.settled(hook, 2).await;
    assert_eq!((attempts, next), (2, Some(T0 + 7 + 300)));
}

#[tokio::test]
async fn a_single_attempt_handler_gets_one_try_and_stays_on() {
    let receiver = Receiver::start().await;
    let rig = Rig::start(&[5, 300]).await;
    let hook = rig.subscribe(&receiver.url("/fail"), true).await;
    rig.add_lead().await;
    let (state, attempts, next) = rig.settled(hook, 1).await;
    assert_eq!((state, attempts, next), (DeliveryState::Failed, 1, None));
    rig.set_clock(T0 + 10_000);
    quiet_moment().await;
    assert_eq!(receiver.received().len(), 1);
    let webhook = rig
        .store
        .outbound_webhook_by_id(hook)
        .await
        .unwrap()
        .unwrap();
    assert!(webhook.active && webhook.disabled.is_none());
}

#[tokio::test]
async fn a_slow_handler_does_not_hold_back_the_others() {
    let receiver = Receiver::start().await;
    let rig = Rig::start(&[5, 300]).await;
    // `/slow` answers after 30 s; the sender gives up after its own timeout.
    rig.subscribe(&receiver.url("/slow"), false).await;
    let fast = rig.subscribe(&receiver.url("/ok"), false).await;
    rig.add_lead().await;
    rig.settled(fast, 1).await;
    // While the slow attempt is still running, a new event reaches the fast handler.
    let started = Instant::now();
    rig.add_lead().await;
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let oks = receiver
            .received()
            .iter()
            .filter(|r| r.path == "/ok")
            .count();
        if oks == 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the second event waited behind the slow handler"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(started.elapsed() < Duration::from_secs(3));
}
