//! What a method sees: the store, the calling user with the scopes of the
//! integration that called, the clock and the registry (for `batch`).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::FixedOffset;
use portico_store::{EventStamp, Role, Store, User};

use crate::operating::OperatingLimit;
use crate::plan::Plan;
use crate::registry::Registry;

/// How the caller authenticated.
#[derive(Clone, Debug, PartialEq)]
pub enum AuthKind {
    /// An inbound webhook with this id.
    Webhook {
        /// Webhook id.
        id: i64,
    },
    /// The signed-in user of the web UI (CRM pages read through the same methods).
    WebSession,
    /// A local application, with an OAuth access token of one of its users.
    App {
        /// Application id.
        id: i64,
    },
}

impl std::fmt::Display for AuthKind {
    /// `webhook:12`, `app:3` or `web`, as the logs name integrations.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthKind::Webhook { id } => write!(f, "webhook:{id}"),
            AuthKind::WebSession => f.write_str("web"),
            AuthKind::App { id } => write!(f, "app:{id}"),
        }
    }
}

/// The user a call runs as and what the integration lets it do.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The user (a webhook's creator).
    pub user: User,
    /// Scopes granted to the integration.
    pub scopes: Vec<String>,
    /// The integration that called.
    pub auth: AuthKind,
    /// The user's CRM role, loaded on first use by [`crate::crm::rights`] and
    /// kept for the rest of the request (`batch` sub-calls share it); `None`
    /// inside when the user no longer exists.
    pub crm_role: OnceLock<Option<Role>>,
    /// The workgroups the user belongs to, loaded on first use by the task
    /// rights and kept for the rest of the request.
    pub groups: OnceLock<Vec<i64>>,
    /// The `auth_connector` an application's call carries: its writes are
    /// not queued for the offline bindings of that connector.
    pub auth_connector: Option<String>,
}

impl Caller {
    /// A caller whose CRM role is not loaded yet.
    pub fn new(user: User, scopes: Vec<String>, auth: AuthKind) -> Caller {
        Caller {
            user,
            scopes,
            auth,
            crm_role: OnceLock::new(),
            groups: OnceLock::new(),
            auth_connector: None,
        }
    }

    /// The same caller with the `auth_connector` of its call (empty: none).
    pub fn with_auth_connector(mut self, connector: Option<String>) -> Caller {
        self.auth_connector = connector.filter(|c| !c.trim().is_empty());
        self
    }
}

/// Portico's clock: the wall clock moved by a shift (zero except in a
/// sandbox, whose test clock advances or sets it), and the portal's time zone
/// offset. Everything that reads time — expiry, limits, retry schedules,
/// statistics days — reads it here, so one shift moves all of them.
#[derive(Clone, Debug)]
pub struct Clock {
    /// Offset used when writing dates (`+00:00` by default).
    pub offset: FixedOffset,
    /// Milliseconds added to the wall clock, shared by every copy.
    shift_ms: Arc<AtomicI64>,
}

impl Clock {
    /// A clock in the given offset.
    pub fn new(offset: FixedOffset) -> Self {
        Clock {
            offset,
            shift_ms: Arc::default(),
        }
    }

    /// Now, in Unix seconds.
    pub fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Now, in Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        wall.saturating_add(self.shift_ms())
    }

    /// Now, as a [`SystemTime`].
    pub fn system_time(&self) -> SystemTime {
        let shift = self.shift_ms();
        let magnitude = std::time::Duration::from_millis(shift.unsigned_abs());
        if shift >= 0 {
            SystemTime::now() + magnitude
        } else {
            SystemTime::now()
                .checked_sub(magnitude)
                .unwrap_or(UNIX_EPOCH)
        }
    }

    /// How far this clock is moved from the wall clock, in milliseconds.
    pub fn shift_ms(&self) -> i64 {
        self.shift_ms.load(Ordering::Relaxed)
    }

    /// Moves this clock (and every copy of it) to `shift_ms` from the wall clock.
    pub fn set_shift_ms(&self, shift_ms: i64) {
        self.shift_ms.store(shift_ms, Ordering::Relaxed);
    }

    /// This clock as a millisecond [`crate::operating::TimeSource`].
    pub fn time_source(&self) -> crate::operating::TimeSource {
        let clock = self.clone();
        Arc::new(move || clock.now_ms())
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new(FixedOffset::east_opt(0).expect("zero offset is valid"))
    }
}

/// Checks an event handler URL before it is saved (the SSRF guard's checks
/// of syntax, scheme, port and address literals, with the server's policy):
/// the URL to store, or why it is refused.
pub type HandlerCheck = Arc<dyn Fn(&str) -> Result<String, String> + Send + Sync>;

/// Told of each `batch` sub-call once it is answered: the method's canonical
/// name (`None` for a method that does not exist), whether it succeeded, and
/// how long it ran.
pub type SubCallObserver =
    Arc<dyn Fn(Option<&'static str>, bool, std::time::Duration) + Send + Sync>;

/// The context of one method call.
#[derive(Clone)]
pub struct Ctx {
    /// Storage.
    pub store: Arc<dyn Store>,
    /// Who calls.
    pub caller: Arc<Caller>,
    /// Clock and time zone.
    pub clock: Clock,
    /// The registry, for `batch`, `methods` and `method.get`.
    pub registry: Arc<Registry>,
    /// Set inside `batch` sub-calls (nested `batch` is refused).
    pub in_batch: bool,
    /// The canonical name of the method being run (set by [`crate::call`]).
    pub method: &'static str,
    /// How `event.bind` checks handler URLs.
    pub handler_check: HandlerCheck,
    /// The portal's secret box: keyed hashes and sealing (bot tokens).
    pub secrets: portico_store::secrets::SecretBox,
    /// The portal's plan.
    pub plan: Plan,
    /// The operating limit, when limits are on.
    pub operating: Option<OperatingLimit>,
    /// Told of each `batch` sub-call (the REST statistics), when set.
    pub sub_call_observer: Option<SubCallObserver>,
    /// The call's result goes straight into a JSON answer body (a REST call
    /// over `.json`, not a `batch` sub-call nor a page): a method may then
    /// answer with its result already written as JSON
    /// ([`crate::MethodOutput::json`]).
    pub json_answer: bool,
}

impl Ctx {
    /// Notes input Bitrix24 accepts and ignores (see [`crate::leniency`]).
    pub fn ignored(&self, what: &str, key: &str) {
        crate::leniency::ignored(&self.caller.auth.to_string(), self.method, what, key);
    }

    /// The stamp of the events a write by this call raises: now, by the caller.
    pub fn event_stamp(&self) -> EventStamp {
        EventStamp {
            at: self.clock.now(),
            user_id: Some(self.caller.user.id),
            auth_connector: self.caller.auth_connector.clone(),
        }
    }
}
