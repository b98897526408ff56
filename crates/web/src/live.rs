//! Live updates to signed-in browsers: `GET /live` is a server-sent event
//! stream of the [`LiveEvent`]s meant for the signed-in user. The updates come
//! from the database, never from this process's memory: one tail per process
//! ([`LiveHub`]) reads the rows committed after the last one it saw — woken by
//! the store after a commit (on PostgreSQL, a commit on any node) and once a
//! second anyway — and hands them to this process's streams. So a writer on one
//! node and a reader on another meet. A stream that falls behind, and a browser
//! that reconnects (`Last-Event-ID`), read what they missed from the database:
//! nothing is lost while the rows are kept ([`LIVE_RETENTION_SECS`]).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use portico_store::live::LIVE_RETENTION_SECS;
use portico_store::{LiveEvent, Store};
use tokio::sync::{broadcast, watch, Notify};

use crate::state::AppState;
use crate::ui::session::Signed;

/// How many updates a stream may fall behind before it reads from the database.
const BUFFER: usize = 4_096;
/// How many rows one read takes.
const PAGE: usize = 500;
/// How often the tail looks even without a wake-up.
const TICK: Duration = Duration::from_secs(1);
/// How often a stream checks that its session still holds, and sends a
/// comment so that proxies keep the connection open.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Streams one user may keep open on one server (tabs, windows, devices);
/// more are refused with 429, so one account cannot take the server's
/// connections.
pub const MAX_STREAMS_PER_USER: usize = 32;
/// How often the tail deletes rows older than the retention.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

/// This process's tail of the live rows and the streams listening to it.
pub struct LiveHub {
    sender: broadcast::Sender<Arc<LiveEvent>>,
    started: OnceLock<()>,
    /// Set when the server shuts down: every stream ends (browsers reconnect
    /// to another node, or to this one once it is back).
    closing: watch::Sender<bool>,
    /// Open streams per user on this server (a bound on this server's
    /// sockets, so it is this process's own count).
    open: Arc<std::sync::Mutex<std::collections::HashMap<i64, usize>>>,
}

/// One open stream of a user, counted until it is dropped.
struct StreamSlot {
    open: Arc<std::sync::Mutex<std::collections::HashMap<i64, usize>>>,
    user_id: i64,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.open.lock() {
            if let Some(count) = open.get_mut(&self.user_id) {
                *count -= 1;
                if *count == 0 {
                    open.remove(&self.user_id);
                }
            }
        }
    }
}

impl Default for LiveHub {
    fn default() -> Self {
        LiveHub {
            sender: broadcast::channel(BUFFER).0,
            started: OnceLock::new(),
            closing: watch::channel(false).0,
            open: Arc::default(),
        }
    }
}

impl LiveHub {
    /// Starts the tail on `store` (once; later calls do nothing). It stops
    /// when the store is gone.
    pub fn start(&self, store: &Arc<dyn Store>) {
        self.started.get_or_init(|| {
            let wake = Arc::new(Notify::new());
            let woken = wake.clone();
            store.on_live(Arc::new(move || woken.notify_one()));
            tokio::spawn(tail(Arc::downgrade(store), self.sender.clone(), wake));
        });
    }

    /// A receiver of every update the tail reads from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<LiveEvent>> {
        self.sender.subscribe()
    }

    /// How many streams listen in this process.
    pub fn listeners(&self) -> usize {
        self.sender.receiver_count()
    }

    /// A slot for one more stream of `user_id`, unless they hold
    /// [`MAX_STREAMS_PER_USER`] already.
    fn take_slot(&self, user_id: i64) -> Option<StreamSlot> {
        let mut open = self.open.lock().ok()?;
        let count = open.entry(user_id).or_insert(0);
        if *count >= MAX_STREAMS_PER_USER {
            return None;
        }
        *count += 1;
        Some(StreamSlot {
            open: self.open.clone(),
            user_id,
        })
    }

    /// Ends every stream, now and from now on (the server is shutting down,
    /// and would otherwise wait for streams that never end).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }
}

/// Reads the committed rows after the last one seen and passes each on, until
/// the store is dropped; prunes old rows now and then.
async fn tail(
    store: Weak<dyn Store>,
    sender: broadcast::Sender<Arc<LiveEvent>>,
    wake: Arc<Notify>,
) {
    let mut cursor = match store.upgrade() {
        Some(store) => store.live_last_id().await.unwrap_or(0),
        None => return,
    };
    let mut last_prune = tokio::time::Instant::now();
    loop {
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(TICK) => {}
        }
        let Some(store) = store.upgrade() else { return };
        loop {
            match store.live_after(cursor, PAGE).await {
                Ok(rows) => {
                    let full = rows.len() == PAGE;
                    for row in rows {
                        cursor = row.id;
                        // No receivers is fine: nobody is connected here.
                        let _ = sender.send(Arc::new(row));
                    }
                    if !full {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read live updates");
                    break;
                }
            }
        }
        if last_prune.elapsed() >= PRUNE_EVERY {
            last_prune = tokio::time::Instant::now();
            let before = unix_now() - LIVE_RETENTION_SECS;
            if let Err(e) = store.prune_live(before).await {
                tracing::warn!(error = %e, "cannot prune live updates");
            }
        }
    }
}

/// Now by the wall clock, Unix seconds (retention is wall time, not the
/// sandbox's test clock: rows are written with the portal clock, so a moved
/// clock only keeps them longer or shorter).
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Where a stream starts: `GET /live?after=ID`.
#[derive(Debug, serde::Deserialize)]
pub struct StreamStart {
    /// The last update the page already reflects (its `data-live-after`).
    after: Option<String>,
}

/// `GET /live`: the signed-in user's updates as server-sent events, each
/// `id: <row id>` and `data: {"kind": …, "data": …}`. It starts after
/// `Last-Event-ID` (browsers send it when they reconnect), else after
/// `?after=` (the update the page was rendered after), else now; what the user
/// missed since then comes first.
pub async fn stream(
    State(state): State<AppState>,
    signed: Signed,
    Query(start): Query<StreamStart>,
    headers: HeaderMap,
) -> Response {
    let Some(slot) = state.live.take_slot(signed.user.id) else {
        let mut res = (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many live streams are open for this user.",
        )
            .into_response();
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        return res;
    };
    state.live.start(&state.store);
    let receiver = state.live.subscribe();
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or_else(|| start.after.and_then(|v| v.trim().parse::<i64>().ok()))
        .filter(|id| *id >= 0);
    let last_sent = match resume {
        Some(id) => id,
        None => match state.store.live_last_id().await {
            Ok(id) => id,
            Err(e) => return crate::ui::page::internal_error(&headers, e),
        },
    };
    let listener = Listener {
        _slot: slot,
        closing: state.live.closing.subscribe(),
        store: state.store.clone(),
        user_id: signed.user.id,
        session: signed.token_hash.clone(),
        clock: state.clock.clone(),
        receiver,
        last_sent,
        pending: VecDeque::new(),
        behind: resume.is_some(),
        checked: tokio::time::Instant::now(),
    };
    let mut res = Sse::new(events(listener)).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    res
}

/// One stream's state.
struct Listener {
    /// Counts this stream among its user's until it ends.
    _slot: StreamSlot,
    /// Becomes `true` when the server shuts down.
    closing: watch::Receiver<bool>,
    store: Arc<dyn Store>,
    user_id: i64,
    session: Vec<u8>,
    clock: portico_methods::Clock,
    receiver: broadcast::Receiver<Arc<LiveEvent>>,
    /// The greatest row id already passed (sent or not meant for this user).
    last_sent: i64,
    /// Rows read from the database, to send before anything else.
    pending: VecDeque<Arc<LiveEvent>>,
    /// Whether rows after `last_sent` must be read from the database first.
    behind: bool,
    /// When the session was last found to hold.
    checked: tokio::time::Instant,
}

/// What one step of a stream gives.
enum Step {
    /// An update to send.
    Send(Arc<LiveEvent>),
    /// Nothing came for a while: a heartbeat.
    Quiet,
    /// The stream ends (signed out, the tail is gone).
    End,
}

impl Listener {
    /// Reads the rows after `last_sent` from the database into `pending`.
    async fn catch_up(&mut self) -> bool {
        loop {
            let Ok(rows) = self.store.live_after(self.last_sent, PAGE).await else {
                return false;
            };
            let full = rows.len() == PAGE;
            if let Some(last) = rows.last() {
                self.last_sent = last.id;
            }
            self.pending.extend(
                rows.into_iter()
                    .filter(|r| r.is_for(self.user_id))
                    .map(Arc::new),
            );
            if !full {
                return true;
            }
        }
    }

    /// Whether the stream's session still holds (looked up at most once per
    /// heartbeat).
    async fn signed_in(&mut self) -> bool {
        if self.checked.elapsed() < HEARTBEAT {
            return true;
        }
        self.checked = tokio::time::Instant::now();
        matches!(
            self.store.session_by_hash(&self.session, self.clock.now()).await,
            Ok(Some((_, user))) if user.active && user.id == self.user_id
        )
    }

    async fn next(&mut self) -> Step {
        loop {
            if *self.closing.borrow() {
                return Step::End;
            }
            if self.behind {
                self.behind = false;
                if !self.catch_up().await {
                    return Step::End;
                }
            }
            if let Some(row) = self.pending.pop_front() {
                return Step::Send(row);
            }
            let received = tokio::select! {
                received = tokio::time::timeout(HEARTBEAT, self.receiver.recv()) => received,
                _ = self.closing.changed() => return Step::End,
            };
            match received {
                Err(_) => return Step::Quiet,
                Ok(Ok(row)) => {
                    if row.id <= self.last_sent {
                        continue;
                    }
                    self.last_sent = row.id;
                    if row.is_for(self.user_id) {
                        return Step::Send(row);
                    }
                }
                Ok(Err(broadcast::error::RecvError::Lagged(_))) => self.behind = true,
                Ok(Err(broadcast::error::RecvError::Closed)) => return Step::End,
            }
        }
    }
}

/// The stream of server-sent events of `listener`.
fn events(listener: Listener) -> impl Stream<Item = Result<Event, Infallible>> {
    futures::stream::unfold(listener, |mut listener| async move {
        let step = listener.next().await;
        if matches!(step, Step::End) || !listener.signed_in().await {
            return None;
        }
        let event = match step {
            Step::Send(row) => Event::default()
                .id(row.id.to_string())
                .data(serde_json::json!({"kind": row.kind, "data": row.data}).to_string()),
            Step::Quiet => Event::default().comment(""),
            Step::End => return None,
        };
        Some((Ok(event), listener))
    })
}
