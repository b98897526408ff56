//! What a sandbox keeps of the events Portico sends: each attempt's request
//! exactly as built (handler URL, headers in the order sent, body) with what
//! came of it, and a mode per handler URL deciding whether attempts to it are
//! sent, only captured, or failed as if the handler answered HTTP 500.
//!
//! Both live in ordinary tables, so snapshots hold them and a reset returns
//! them to the snapshot's state, and every server sharing the database sees
//! the same captures and modes.

use async_trait::async_trait;

use crate::error::StoreError;

/// What the delivery worker of a sandbox does with the attempts to one handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandlerMode {
    /// Send the request, and capture it with the handler's answer (the default).
    Deliver,
    /// Capture the request without sending it; the attempt counts as delivered.
    CaptureOnly,
    /// Capture the request without sending it; the attempt fails as if the
    /// handler answered HTTP 500, so the retry schedule runs.
    Fail,
}

impl HandlerMode {
    /// Every mode, in the order the API documents them.
    pub const ALL: [HandlerMode; 3] = [
        HandlerMode::Deliver,
        HandlerMode::CaptureOnly,
        HandlerMode::Fail,
    ];

    /// The mode's name on the API and in storage (`deliver`, `capture-only`, `fail`).
    pub fn as_str(self) -> &'static str {
        match self {
            HandlerMode::Deliver => "deliver",
            HandlerMode::CaptureOnly => "capture-only",
            HandlerMode::Fail => "fail",
        }
    }

    /// The mode named `name`, if it is one.
    pub fn parse(name: &str) -> Option<HandlerMode> {
        HandlerMode::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// One captured attempt, as the worker records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCapture {
    /// When the attempt started, Unix milliseconds on Portico's clock.
    pub at_ms: i64,
    /// The event code (`ONCRMLEADADD`).
    pub event: String,
    /// The handler URL, as stored with its binding.
    pub handler: String,
    /// The attempt's number for its delivery (1 for the first).
    pub attempt: u32,
    /// The delivery attempted.
    pub delivery_id: i64,
    /// The handler's mode when the attempt was made.
    pub mode: HandlerMode,
    /// The request's headers, names and values exactly as sent, in order.
    pub headers: Vec<(String, String)>,
    /// The request's body, exactly as sent.
    pub body: String,
    /// The HTTP status the handler answered (500 for a handler in `fail`
    /// mode); `None` when nothing answered or nothing was sent.
    pub status: Option<u16>,
    /// What the attempt led to (`delivered`, `retry`, `failed`, `disabled`).
    pub outcome: String,
}

/// A stored capture: a [`NewCapture`] with its id (increasing with each capture).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capture {
    /// Its id.
    pub id: i64,
    /// What was captured.
    pub capture: NewCapture,
}

/// Which captures to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaptureQuery {
    /// Only those of this event code.
    pub event: Option<String>,
    /// Only those sent to this handler URL.
    pub handler: Option<String>,
    /// Only those with an id above this.
    pub since: i64,
    /// At most this many.
    pub limit: usize,
    /// The newest first (else the oldest first).
    pub newest_first: bool,
}

/// Captured deliveries and handler modes of a sandbox.
#[async_trait]
pub trait SandboxDeliveryStore: Send + Sync {
    /// Sets the mode of `handler`; [`HandlerMode::Deliver`] removes its setting.
    async fn set_handler_mode(&self, handler: &str, mode: HandlerMode) -> Result<(), StoreError>;

    /// The mode of `handler` ([`HandlerMode::Deliver`] unless set otherwise).
    async fn handler_mode(&self, handler: &str) -> Result<HandlerMode, StoreError>;

    /// The handlers whose mode is not [`HandlerMode::Deliver`], by URL.
    async fn handler_modes(&self) -> Result<Vec<(String, HandlerMode)>, StoreError>;

    /// Returns every handler to [`HandlerMode::Deliver`]; how many were set otherwise.
    async fn clear_handler_modes(&self) -> Result<u64, StoreError>;

    /// Records a capture; its id.
    async fn record_capture(&self, capture: &NewCapture) -> Result<i64, StoreError>;

    /// The captures `query` asks for.
    async fn captures(&self, query: &CaptureQuery) -> Result<Vec<Capture>, StoreError>;
}
