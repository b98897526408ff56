//! What the delivery worker tells an observer of each attempt it makes (the
//! REST statistics count outbound calls from it).

use std::sync::Arc;
use std::time::Duration;

/// One attempt as the REST statistics see it.
#[derive(Clone, Copy, Debug)]
pub struct AttemptSeen<'a> {
    /// The handler (outbound webhook) it went to.
    pub handler_id: i64,
    /// The application owning the handler, if any.
    pub app_id: Option<i64>,
    /// The event code.
    pub event: &'a str,
    /// Whether the handler took it.
    pub delivered: bool,
    /// How long the attempt ran.
    pub duration: Duration,
    /// When it started (Unix seconds).
    pub started_at: i64,
}

/// Told of every attempt once it is made (before it is recorded).
pub type AttemptObserver = Arc<dyn Fn(&AttemptSeen<'_>) + Send + Sync>;
