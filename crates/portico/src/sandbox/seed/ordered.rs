//! Many writes in flight, ids in order. The store's writer commits writes in
//! the order they are handed to it and gives ids in commit order, and it
//! commits the writes queued meanwhile together (group commit). So calls run
//! concurrently here, but each is started only once the one before it has
//! handed its write over (the store's count of queued writes moved) or has
//! finished: whatever a call awaits before its write (reads, the blocking
//! pool), no later call can overtake it.

use std::future::{poll_fn, Future};
use std::task::Poll;

use futures::stream::{FuturesUnordered, StreamExt};
use portico_protocol::ApiError;

/// Why a record was not made.
#[derive(Debug)]
pub enum Refusal {
    /// The method refused the call.
    Method(ApiError),
    /// The record could not be put together (a message naming the field).
    Input(String),
}

/// The first record (by position) that was not made.
#[derive(Debug)]
pub struct Failure {
    /// Position of the record within its kind.
    pub index: usize,
    /// Why.
    pub refusal: Refusal,
}

/// Runs `count` calls, call `i` made by `start(i, ids)` where `ids` holds
/// the ids answered so far (0 for calls still in flight), each answering the
/// id of the record it wrote. `queued` counts the writes handed to the store.
/// At most `in_flight` calls wait at once (1: each starts after the one
/// before it finished). `done` is told of each finished call. On a failure
/// no further call is started, those in flight are finished, and the failure
/// of the first record (by position) not made is returned.
pub async fn run_in_order<Fut>(
    count: usize,
    in_flight: usize,
    queued: impl Fn() -> u64,
    mut start: impl FnMut(usize, &[i64]) -> Result<Fut, String>,
    done: impl Fn(),
) -> Result<Vec<i64>, Failure>
where
    Fut: Future<Output = Result<i64, ApiError>>,
{
    let mut ids = vec![0i64; count];
    let mut failure: Option<Failure> = None;
    let mut waiting = FuturesUnordered::new();
    for i in 0..count {
        if failure.is_some() {
            break;
        }
        let mut call = match start(i, &ids) {
            Ok(call) => Box::pin(call),
            Err(message) => {
                settle(&mut ids, &mut failure, i, Err(Refusal::Input(message)));
                break;
            }
        };
        let queued_before = queued();
        // This call alone, until it has handed its write over or finished.
        let finished = poll_fn(|cx| match call.as_mut().poll(cx) {
            Poll::Ready(out) => Poll::Ready(Some(out)),
            Poll::Pending if queued() != queued_before => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        })
        .await;
        match finished {
            Some(out) => {
                done();
                settle(&mut ids, &mut failure, i, out.map_err(Refusal::Method));
            }
            None => waiting.push(async move { (i, call.await) }),
        }
        while waiting.len() >= in_flight.max(1) {
            if let Some((j, out)) = waiting.next().await {
                done();
                settle(&mut ids, &mut failure, j, out.map_err(Refusal::Method));
            }
        }
    }
    while let Some((j, out)) = waiting.next().await {
        done();
        settle(&mut ids, &mut failure, j, out.map_err(Refusal::Method));
    }
    if let Some(failure) = failure {
        return Err(failure);
    }
    if let Some(at) = ids.windows(2).position(|w| w[0] >= w[1]) {
        return Err(Failure {
            index: at + 1,
            refusal: Refusal::Input(format!(
                "got id {} after {}: the records were not made in order",
                ids[at + 1],
                ids[at]
            )),
        });
    }
    Ok(ids)
}

/// Notes the outcome of record `index`: its id, or its failure when it is
/// the first (by position) so far.
fn settle(
    ids: &mut [i64],
    failure: &mut Option<Failure>,
    index: usize,
    outcome: Result<i64, Refusal>,
) {
    match outcome {
        Ok(id) => ids[index] = id,
        Err(refusal) => {
            if failure.as_ref().is_none_or(|f| index < f.index) {
                *failure = Some(Failure { index, refusal });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    /// A store stand-in: a FIFO of writes whose position is the id.
    #[derive(Clone, Default)]
    struct Fifo {
        log: Arc<Mutex<Vec<usize>>>,
        queued: Arc<AtomicU64>,
    }

    impl Fifo {
        /// Call `i`: waits `before_ms` (as a read on the blocking pool
        /// would), queues its write, waits for the "commit", answers its id.
        async fn call(self, i: usize, before_ms: u64) -> Result<i64, ApiError> {
            if before_ms > 0 {
                tokio::time::sleep(Duration::from_millis(before_ms)).await;
            }
            let id = {
                let mut log = self.log.lock().expect("log");
                log.push(i);
                self.queued.fetch_add(1, Ordering::SeqCst);
                log.len() as i64
            };
            tokio::time::sleep(Duration::from_millis(2)).await;
            Ok(id)
        }
    }

    #[tokio::test]
    async fn ids_follow_positions_when_calls_wait_before_writing() {
        let fifo = Fifo::default();
        let queued = fifo.queued.clone();
        // Calls wait 0–4 ms before their write: later ones would overtake.
        let ids = run_in_order(
            60,
            16,
            || queued.load(Ordering::SeqCst),
            |i, _| Ok(fifo.clone().call(i, (7 * i as u64 + 3) % 5)),
            || {},
        )
        .await
        .expect("all made");
        assert_eq!(ids, (1..=60).collect::<Vec<i64>>());
        assert_eq!(*fifo.log.lock().expect("log"), (0..60).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn the_first_failure_by_position_is_answered() {
        let fifo = Fifo::default();
        let queued = fifo.queued.clone();
        let failure = run_in_order(
            10,
            4,
            || queued.load(Ordering::SeqCst),
            |i, _| {
                let fifo = fifo.clone();
                Ok(async move {
                    if i == 3 || i == 5 {
                        return Err(ApiError::new(portico_protocol::ErrorCode::ErrorCore, "no"));
                    }
                    fifo.call(i, 0).await
                })
            },
            || {},
        )
        .await
        .expect_err("refused");
        assert_eq!(failure.index, 3);
        assert!(
            fifo.log.lock().expect("log").len() < 10,
            "stops starting calls"
        );
    }
}
