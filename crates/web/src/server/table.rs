//! The open connections, so that at the connection cap the one that has waited
//! longest for its client (a stalled request head or an idle keep-alive) can be
//! closed to make room, instead of leaving new clients outside.

use std::sync::{Arc, Mutex};

use super::activity::Activity;

/// How many connections one eviction looks at, at most (from a rotating start,
/// so a very large table is not scanned whole on every accept).
const EVICTION_SCAN: usize = 1024;

#[derive(Default)]
struct Slots {
    slots: Vec<Option<Arc<Activity>>>,
    free: Vec<usize>,
    cursor: usize,
}

/// The open connections.
#[derive(Default)]
pub struct ConnectionTable {
    inner: Mutex<Slots>,
}

/// Removes its connection from the table when dropped.
pub struct Registration {
    table: Arc<ConnectionTable>,
    slot: usize,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut inner = self.table.lock();
        inner.slots[self.slot] = None;
        inner.free.push(self.slot);
    }
}

impl ConnectionTable {
    fn lock(&self) -> std::sync::MutexGuard<'_, Slots> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a connection until the returned registration is dropped.
    pub fn register(self: &Arc<Self>, activity: Arc<Activity>) -> Registration {
        let mut inner = self.lock();
        let slot = match inner.free.pop() {
            Some(slot) => {
                inner.slots[slot] = Some(activity);
                slot
            }
            None => {
                inner.slots.push(Some(activity));
                inner.slots.len() - 1
            }
        };
        Registration {
            table: self.clone(),
            slot,
        }
    }

    /// Evicts the connection that has waited longest for its client among those
    /// looked at; false when every one is handling a request.
    pub fn evict_longest_waiting(&self) -> bool {
        let mut inner = self.lock();
        let len = inner.slots.len();
        if len == 0 {
            return false;
        }
        let start = inner.cursor % len;
        let mut oldest: Option<(tokio::time::Instant, &Arc<Activity>)> = None;
        for i in 0..len.min(EVICTION_SCAN) {
            let Some(activity) = &inner.slots[(start + i) % len] else {
                continue;
            };
            if let Some(since) = activity.waiting_since() {
                if oldest.is_none_or(|(t, _)| since < t) {
                    oldest = Some((since, activity));
                }
            }
        }
        let evicted = match oldest {
            Some((_, activity)) => {
                activity.evict();
                true
            }
            None => false,
        };
        inner.cursor = start + len.min(EVICTION_SCAN);
        evicted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::activity::Timeouts;

    #[tokio::test(start_paused = true)]
    async fn the_longest_waiting_idle_or_head_connection_is_evicted() {
        let table = Arc::new(ConnectionTable::default());
        let busy = Arc::new(Activity::new(Timeouts::default()));
        let _busy = table.register(busy.clone());
        let old = Arc::new(Activity::new(Timeouts::default()));
        let _old = table.register(old.clone());
        tokio::time::advance(std::time::Duration::from_secs(1)).await;
        let young = Arc::new(Activity::new(Timeouts::default()));
        let _young = table.register(young.clone());
        busy.request_started();

        assert!(table.evict_longest_waiting());
        let fired = |a: &Arc<Activity>| {
            let a = a.clone();
            async move {
                tokio::time::timeout(std::time::Duration::ZERO, a.expired())
                    .await
                    .is_ok()
            }
        };
        assert!(fired(&old).await, "the oldest waiting one goes");
        assert!(!fired(&young).await);
        assert!(!fired(&busy).await);

        drop(_old);
        drop(_young);
        assert!(
            !table.evict_longest_waiting(),
            "a connection handling a request is never evicted"
        );
    }
}
