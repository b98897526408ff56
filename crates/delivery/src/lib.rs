//! Outbound delivery: the body handlers receive ([`encode_event_body`]), its Standard
//! Webhooks signature ([`SigningSecret`]), when a failed delivery is tried again
//! ([`RetrySchedule`]) and the SSRF guard for handler URLs.
//!
//! Event handlers are URLs chosen by users; Portico POSTs to them from inside the server's
//! network. Following svix's approach, the [`ssrf`] module refuses every destination that is
//! not a globally routable address unless the operator's [`SsrfPolicy`] allows it:
//!
//! 1. [`parse_handler_url`] when a handler is registered (syntax, scheme, credentials, port,
//!    IP-literal hosts);
//! 2. [`resolve_checked`] right before each delivery (DNS resolution, every address checked);
//!    the caller connects only to the addresses it returns.

pub mod ip;
pub mod payload;
pub mod schedule;
pub mod signing;
pub mod ssrf;

pub use ip::is_forbidden;
pub use payload::{encode_event_body, EventPayload, HandlerAuth};
pub use schedule::RetrySchedule;
pub use signing::{
    verify_signature, SecretError, SigningSecret, VerifyError, DEFAULT_TOLERANCE_SECS,
    HEADER_WEBHOOK_ID, HEADER_WEBHOOK_SIGNATURE, HEADER_WEBHOOK_TIMESTAMP,
};
pub use ssrf::{parse_handler_url, resolve_checked, SsrfError, SsrfPolicy};
