//! What list queries remember between calls: a query's `total`, and where its
//! pages ended (for keyset continuation, see `portico_store::list::build_seek`).
//! Each entry carries the entity's *list generation* — the number the
//! database's triggers move on every change a list can see (migration
//! `0028_list_generations`) — as read in the read transaction that made it, and
//! is used only by a read transaction that reads the same number: the data is
//! then exactly the data the entry describes, so a remembered `total` or
//! position is never stale past a committed write, whichever server wrote.
//!
//! A snapshot restore (the sandbox's reset) replaces the whole database, after
//! which generations repeat with other data; [`ListCache::begin_restore`] and
//! [`ListCache::end_restore`] bracket it like a sequence lock, so an entry made
//! on one side of a restore is never used on the other.
//!
//! Held in this process's memory and bounded (least recently used entries go
//! first); losing it costs only speed. Several servers sharing one database
//! each keep their own, all checked against the one generation in the database.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use portico_store::list::SortPosition;

/// Remembered totals at most.
const MAX_COUNTS: usize = 4096;
/// Queries whose page ends are remembered, at most.
const MAX_CURSOR_QUERIES: usize = 256;
/// Page ends remembered per query, at most (the least recently used go first).
const MAX_POSITIONS: usize = 1024;

/// Which data an entry describes: the restore epoch and the list generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Version {
    epoch: u64,
    generation: i64,
}

/// Remembered totals and page ends; see the module header.
#[derive(Default)]
pub(crate) struct ListCache {
    inner: Mutex<Inner>,
    /// Moved before and after every restore (odd while one runs).
    epoch: AtomicU64,
}

#[derive(Default)]
struct Inner {
    /// A use counter, for least-recently-used eviction.
    tick: u64,
    /// Count query (SQL and values) → (generation, total, last use).
    counts: HashMap<String, (Version, u64, u64)>,
    /// Page query without its window → where its pages ended.
    cursors: HashMap<String, Cursors>,
}

/// Where the pages of one query ended, on one generation.
struct Cursors {
    generation: Version,
    last_use: u64,
    /// Rows before the position (the offset of the row after it) → the
    /// position of the row at `offset - 1`, and when it was last made or used.
    positions: BTreeMap<u64, (SortPosition, u64)>,
}

impl ListCache {
    /// The restore epoch, read before a read transaction starts; pass it to
    /// [`ListCache::version`] once the transaction has read its generation.
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// The version of the data a read transaction sees, which read the
    /// `generation` after [`ListCache::epoch`] gave `epoch_before`; `None` when a
    /// restore began or ran meanwhile (nothing may be used or remembered).
    pub(crate) fn version(&self, epoch_before: u64, generation: i64) -> Option<Version> {
        let epoch = self.epoch();
        (epoch == epoch_before && epoch.is_multiple_of(2)).then_some(Version { epoch, generation })
    }

    /// Marks the start of a restore that replaces the database.
    pub(crate) fn begin_restore(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.clear();
    }

    /// Marks the end of a restore (call it also when the restore failed).
    pub(crate) fn end_restore(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The remembered total of the count query `key` on `generation`.
    pub(crate) fn total(&self, key: &str, generation: Version) -> Option<u64> {
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        let entry = inner.counts.get_mut(key)?;
        if entry.0 != generation {
            return None;
        }
        entry.2 = tick;
        Some(entry.1)
    }

    /// Remembers the total of the count query `key` on `generation`.
    pub(crate) fn remember_total(&self, key: String, generation: Version, total: u64) {
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        if inner.counts.len() >= MAX_COUNTS && !inner.counts.contains_key(&key) {
            let oldest = inner
                .counts
                .iter()
                .min_by_key(|(_, v)| v.2)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                inner.counts.remove(&k);
            }
        }
        inner.counts.insert(key, (generation, total, tick));
    }

    /// The remembered page end of the query `key` on `generation` nearest
    /// before (or at) `offset`: how many rows come before it, and its position.
    pub(crate) fn position_before(
        &self,
        key: &str,
        generation: Version,
        offset: u64,
    ) -> Option<(u64, SortPosition)> {
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        let cursors = inner.cursors.get_mut(key)?;
        if cursors.generation != generation {
            return None;
        }
        cursors.last_use = tick;
        let (rows, (position, last_use)) = cursors.positions.range_mut(..=offset).next_back()?;
        *last_use = tick;
        Some((*rows, position.clone()))
    }

    /// Remembers that `rows` rows of the query `key` on `generation` end at
    /// `position`.
    pub(crate) fn remember_position(
        &self,
        key: String,
        generation: Version,
        rows: u64,
        position: SortPosition,
    ) {
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        if inner.cursors.len() >= MAX_CURSOR_QUERIES && !inner.cursors.contains_key(&key) {
            let oldest = inner
                .cursors
                .iter()
                .min_by_key(|(_, c)| c.last_use)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                inner.cursors.remove(&k);
            }
        }
        let cursors = inner.cursors.entry(key).or_insert_with(|| Cursors {
            generation,
            last_use: tick,
            positions: BTreeMap::new(),
        });
        if cursors.generation != generation {
            cursors.generation = generation;
            cursors.positions.clear();
        }
        cursors.last_use = tick;
        cursors.positions.insert(rows, (position, tick));
        if cursors.positions.len() > MAX_POSITIONS {
            // A walk keeps its frontier and a page asked again keeps its
            // start: the position unused the longest goes.
            let oldest = cursors
                .positions
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(rows, _)| *rows);
            if let Some(rows) = oldest {
                cursors.positions.remove(&rows);
            }
        }
    }

    /// Forgets everything.
    fn clear(&self) {
        let mut inner = self.lock();
        inner.counts.clear();
        inner.cursors.clear();
    }
}

#[cfg(test)]
mod tests {
    use portico_store::FieldValue;

    use super::*;

    fn at(id: i64) -> SortPosition {
        SortPosition {
            value: FieldValue::Null,
            id,
        }
    }

    fn v(generation: i64) -> Version {
        Version {
            epoch: 0,
            generation,
        }
    }

    #[test]
    fn entries_serve_only_their_generation() {
        let cache = ListCache::default();
        cache.remember_total("q".into(), v(7), 42);
        assert_eq!(cache.total("q", v(7)), Some(42));
        assert_eq!(cache.total("q", v(8)), None);
        cache.remember_position("p".into(), v(7), 50, at(50));
        cache.remember_position("p".into(), v(7), 100, at(100));
        assert_eq!(cache.position_before("p", v(7), 120), Some((100, at(100))));
        assert_eq!(cache.position_before("p", v(7), 99), Some((50, at(50))));
        assert_eq!(cache.position_before("p", v(7), 49), None);
        assert_eq!(cache.position_before("p", v(8), 120), None);
        // A newer generation replaces the old positions.
        cache.remember_position("p".into(), v(8), 50, at(51));
        assert_eq!(cache.position_before("p", v(8), 120), Some((50, at(51))));
        cache.begin_restore();
        assert_eq!(cache.total("q", v(7)), None);
        assert_eq!(cache.version(0, 7), None, "a restore is running");
        cache.end_restore();
        assert_eq!(cache.version(1, 7), None, "a restore ran meanwhile");
        assert_eq!(
            cache.version(2, 7),
            Some(Version {
                epoch: 2,
                generation: 7
            })
        );
    }

    #[test]
    fn sizes_are_bounded() {
        let cache = ListCache::default();
        for i in 0..(MAX_COUNTS + 10) {
            cache.remember_total(format!("q{i}"), v(1), i as u64);
        }
        assert_eq!(cache.lock().counts.len(), MAX_COUNTS);
        assert_eq!(cache.total("q0", v(1)), None);
        for i in 0..(MAX_POSITIONS as u64 + 5) {
            cache.remember_position("p".into(), v(1), i + 1, at(i as i64));
        }
        assert_eq!(cache.lock().cursors["p"].positions.len(), MAX_POSITIONS);
        // A position made after a long walk (a page asked again) stays, and a
        // used one outlives the others.
        cache.remember_position("p".into(), v(1), 3, at(3));
        assert_eq!(cache.position_before("p", v(1), 3), Some((3, at(3))));
        for i in 0..(MAX_POSITIONS as u64) {
            cache.remember_position("p".into(), v(1), 10_000 + i, at(1));
            if i % 100 == 0 {
                assert!(cache.position_before("p", v(1), 3).is_some());
            }
        }
        assert_eq!(cache.position_before("p", v(1), 3), Some((3, at(3))));
        for i in 0..(MAX_CURSOR_QUERIES + 3) {
            cache.remember_position(format!("c{i}"), v(1), 1, at(1));
        }
        assert_eq!(cache.lock().cursors.len(), MAX_CURSOR_QUERIES);
    }
}
