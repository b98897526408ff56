//! Outbound delivery: everything about POSTing an event to a handler URL except storage.
//!
//! A worker claims a delivery from the store and, with this crate:
//!
//! 1. builds the body Bitrix24 handlers expect with [`encode_event_body`] (reference §9.8);
//! 2. sends one [`Attempt`] with [`Sender::send`], which signs it with Standard Webhooks
//!    headers ([`SigningSecret`]), goes only to addresses the SSRF guard accepts, follows no
//!    redirect and keeps the first bytes of the answer; the [`Outcome`] says whether the
//!    delivery is done, should be retried (and after what `Retry-After`), should disable
//!    the handler or has failed for good;
//! 3. asks the [`RetrySchedule`] when the next attempt is due, if any.
//!
//! The [`Worker`] does this in `portico serve`: it claims deliveries from the
//! store with a lease, sends them and records each attempt; in a sandbox it also
//! records each attempt's request in the store ([`Captures`]).
//!
//! The SSRF guard itself, following svix's approach, refuses every destination that is not
//! a globally routable address unless the operator's [`SsrfPolicy`] allows it:
//! [`parse_handler_url`] when a handler is registered (syntax, scheme, credentials, port,
//! IP-literal hosts) and [`resolve_checked`] right before connecting (DNS resolution, every
//! address checked; the caller connects only to the addresses it returns).

pub mod capture;
pub mod credentials;
pub mod ip;
pub mod observer;
pub mod outcome;
pub mod payload;
pub mod schedule;
pub mod sender;
pub mod signing;
pub mod ssrf;
pub mod worker;

pub use capture::{Captures, NowMs};
pub use credentials::{new_application_token, new_signing_secret};
pub use ip::is_forbidden;
pub use observer::{AttemptObserver, AttemptSeen};
pub use outcome::{parse_retry_after, Outcome, Verdict};
pub use payload::{encode_event_body, AppAuth, EventPayload, HandlerAuth};
pub use schedule::RetrySchedule;
pub use sender::{Attempt, BuiltRequest, Sender, SenderConfig, SenderError, DEFAULT_USER_AGENT};
pub use signing::{
    verify_signature, SecretError, SigningSecret, VerifyError, DEFAULT_TOLERANCE_SECS,
    HEADER_WEBHOOK_ID, HEADER_WEBHOOK_SIGNATURE, HEADER_WEBHOOK_TIMESTAMP,
};
pub use ssrf::{parse_handler_url, resolve_checked, SsrfError, SsrfPolicy};
pub use worker::{Now, Worker, WorkerConfig};
