//! Request bodies with a deadline: a body not received in full within the body
//! timeout ends with a [`BodyTimeout`] error, which the REST endpoint answers
//! with `408 REQUEST_TIMEOUT`; the connection is then closed.

use std::error::Error;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::time::{Instant, Sleep};

/// The request body was not received within the body timeout.
#[derive(Debug)]
pub struct BodyTimeout;

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body was not received in time")
    }
}

impl Error for BodyTimeout {}

/// Whether `err`, or an error it wraps, is a [`BodyTimeout`].
pub fn is_body_timeout(err: &(dyn Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if e.is::<BodyTimeout>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// A request body that fails with [`BodyTimeout`] once its deadline has passed.
pub struct TimedBody {
    inner: Incoming,
    deadline: Instant,
    /// Armed at the first read that has to wait.
    sleep: Option<Pin<Box<Sleep>>>,
    /// Set when the deadline passed, so the answer can close the connection.
    timed_out: Arc<AtomicBool>,
}

impl TimedBody {
    /// `inner` must arrive in full within `timeout` from now.
    pub fn new(inner: Incoming, timeout: Duration, timed_out: Arc<AtomicBool>) -> Self {
        TimedBody {
            inner,
            deadline: Instant::now() + timeout,
            sleep: None,
            timed_out,
        }
    }
}

impl Body for TimedBody {
    type Data = Bytes;
    type Error = Box<dyn Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        let deadline = self.deadline;
        let sleep = self
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if sleep.as_mut().poll(cx).is_ready() {
            self.timed_out.store(true, Ordering::Relaxed);
            return Poll::Ready(Some(Err(Box::new(BodyTimeout))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_timeout_is_recognised() {
        let through_body = axum::Error::new(axum::Error::new(BodyTimeout));
        assert!(is_body_timeout(&through_body));
        let other = axum::Error::new(std::io::Error::other("reset"));
        assert!(!is_body_timeout(&other));
    }
}
