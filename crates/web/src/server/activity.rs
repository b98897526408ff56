//! What one connection is doing and until when it may keep doing it: waiting for
//! (or receiving) a request head, handling a request, or idle between requests.
//! The connection's watchdog ([`Activity::expired`]) resolves when the current
//! phase outlives its timeout, or at once when the connection is evicted; the
//! connection task then drops the connection.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

/// The per-connection timeouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// From a connection's accept (or the first byte after an idle spell) until a
    /// whole request head has arrived; under TLS the handshake counts too.
    pub header: Duration,
    /// How long a keep-alive connection may wait for its next request; also how
    /// long one write to a client that does not read may stay blocked.
    pub idle: Duration,
    /// From a request's head until its whole body has arrived.
    pub body: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            body: Duration::from_secs(30),
        }
    }
}

/// The phase a connection is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Waiting for, or receiving, a request head (or the TLS handshake).
    Head,
    /// A request is being handled and answered; the body has its own deadline.
    Busy,
    /// Between requests of a keep-alive connection.
    Idle,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    since: Instant,
    /// When the oldest write still blocked on the client began.
    write_blocked_since: Option<Instant>,
}

/// Shared between a connection's socket, its request service and its watchdog.
#[derive(Debug)]
pub struct Activity {
    timeouts: Timeouts,
    state: Mutex<State>,
    evicted: AtomicBool,
    /// Wakes the watchdog when a deadline moved earlier.
    deadline_moved: Notify,
}

impl Activity {
    /// A connection accepted now: it is waiting for its first request head.
    pub fn new(timeouts: Timeouts) -> Activity {
        Activity {
            timeouts,
            state: Mutex::new(State {
                phase: Phase::Head,
                since: Instant::now(),
                write_blocked_since: None,
            }),
            evicted: AtomicBool::new(false),
            deadline_moved: Notify::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes arrived: after an idle spell, a new request head has begun.
    fn bytes_read(&self) {
        let mut state = self.state();
        if state.phase == Phase::Idle {
            state.phase = Phase::Head;
            state.since = Instant::now();
            drop(state);
            self.deadline_moved.notify_one();
        }
    }

    /// A write could not proceed (the client does not read) or did.
    fn write_blocked(&self, blocked: bool) {
        let mut state = self.state();
        match (blocked, state.write_blocked_since) {
            (true, None) => {
                state.write_blocked_since = Some(Instant::now());
                drop(state);
                self.deadline_moved.notify_one();
            }
            (false, Some(_)) => state.write_blocked_since = None,
            _ => {}
        }
    }

    /// A whole request head arrived; the request is being handled.
    pub fn request_started(&self) {
        let mut state = self.state();
        state.phase = Phase::Busy;
        state.since = Instant::now();
    }

    /// The answer has been handed to the socket; the connection waits for the next request.
    pub fn response_finished(&self) {
        let mut state = self.state();
        if state.phase == Phase::Busy {
            state.phase = Phase::Idle;
            state.since = Instant::now();
            drop(state);
            self.deadline_moved.notify_one();
        }
    }

    /// The timeout applied to request bodies.
    pub fn body_timeout(&self) -> Duration {
        self.timeouts.body
    }

    /// Since when the connection has been waiting for a client, when it is (so it
    /// may be evicted to make room); `None` while a request is handled.
    pub fn waiting_since(&self) -> Option<Instant> {
        if self.evicted.load(Ordering::Relaxed) {
            return None;
        }
        let state = self.state();
        (state.phase != Phase::Busy).then_some(state.since)
    }

    /// Asks the watchdog to close the connection now.
    pub fn evict(&self) {
        self.evicted.store(true, Ordering::Relaxed);
        self.deadline_moved.notify_one();
    }

    fn deadline(&self) -> Option<Instant> {
        if self.evicted.load(Ordering::Relaxed) {
            return Some(Instant::now());
        }
        let state = self.state();
        let phase = match state.phase {
            Phase::Head => Some(state.since + self.timeouts.header),
            Phase::Idle => Some(state.since + self.timeouts.idle),
            Phase::Busy => None,
        };
        let write = state.write_blocked_since.map(|t| t + self.timeouts.idle);
        match (phase, write) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Resolves when the connection has outlived its current phase's timeout or was evicted.
    pub async fn expired(&self) {
        loop {
            match self.deadline() {
                Some(at) if at <= Instant::now() => return,
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = self.deadline_moved.notified() => {}
                    }
                }
                None => self.deadline_moved.notified().await,
            }
        }
    }
}

/// A socket that reports reads and blocked writes to its connection's [`Activity`].
pub struct TrackedIo<T> {
    inner: T,
    activity: std::sync::Arc<Activity>,
    /// Whether the last write could not proceed (reported on a change only).
    write_blocked: bool,
}

impl<T> TrackedIo<T> {
    /// Wraps `inner`.
    pub fn new(inner: T, activity: std::sync::Arc<Activity>) -> Self {
        TrackedIo {
            inner,
            activity,
            write_blocked: false,
        }
    }

    fn after_write<R>(&mut self, polled: &Poll<R>) {
        let blocked = polled.is_pending();
        if blocked != self.write_blocked {
            self.write_blocked = blocked;
            self.activity.write_blocked(blocked);
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for TrackedIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.bytes_read();
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for TrackedIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.after_write(&polled);
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.after_write(&polled);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeouts() -> Timeouts {
        Timeouts {
            header: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            body: Duration::from_secs(30),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn each_phase_has_its_own_deadline() {
        let activity = Activity::new(timeouts());
        let start = Instant::now();
        assert_eq!(activity.deadline(), Some(start + Duration::from_secs(10)));
        activity.request_started();
        assert_eq!(activity.deadline(), None, "no deadline while handling");
        assert_eq!(activity.waiting_since(), None, "busy: not evictable");
        tokio::time::advance(Duration::from_secs(100)).await;
        activity.response_finished();
        let idle_at = Instant::now();
        assert_eq!(activity.deadline(), Some(idle_at + Duration::from_secs(60)));
        tokio::time::advance(Duration::from_secs(5)).await;
        activity.bytes_read();
        assert_eq!(
            activity.deadline(),
            Some(idle_at + Duration::from_secs(15)),
            "a new head has the header timeout from its first byte"
        );
        activity.write_blocked(true);
        assert_eq!(activity.deadline(), Some(idle_at + Duration::from_secs(15)));
        activity.request_started();
        assert_eq!(
            activity.deadline(),
            Some(idle_at + Duration::from_secs(65)),
            "a blocked write is bounded by the idle timeout"
        );
        activity.write_blocked(false);
        assert_eq!(activity.deadline(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn the_watchdog_fires_at_the_deadline_and_on_eviction() {
        let activity = std::sync::Arc::new(Activity::new(timeouts()));
        let started = Instant::now();
        activity.expired().await;
        assert_eq!(started.elapsed(), Duration::from_secs(10));

        let activity = std::sync::Arc::new(Activity::new(timeouts()));
        activity.request_started();
        let watchdog = tokio::spawn({
            let activity = activity.clone();
            async move { activity.expired().await }
        });
        tokio::time::advance(Duration::from_secs(1000)).await;
        assert!(
            !watchdog.is_finished(),
            "busy connections are not timed out"
        );
        activity.evict();
        watchdog.await.unwrap();
    }
}
