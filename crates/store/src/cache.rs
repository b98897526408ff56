//! Short-lived caches of hot reads that backends keep, so the common request
//! path does fewer database reads: webhook lookups (secret hash → webhook and
//! its user) and the user-field definitions of an entity.
//!
//! A backend clears the matching cache at once after its own committed writes.
//! Changes made by another process on the same database (the `portico`
//! administration commands, another node) are seen within [`TTL`] at the latest
//! (a backend that hears of them sooner clears the cache then). A cache is
//! bounded and emptied when full.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::user_fields::UserField;
use crate::{User, Webhook};

/// How long an entry is trusted.
pub const TTL: Duration = Duration::from_secs(1);

/// Entries kept at most per cache.
const CAPACITY: usize = 10_000;

/// A cache of values read from the database; see the module documentation.
pub struct TtlCache<K, V> {
    entries: Mutex<HashMap<K, (Instant, V)>>,
    generation: AtomicU64,
}

impl<K, V> Default for TtlCache<K, V> {
    fn default() -> Self {
        TtlCache {
            entries: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
        }
    }
}

impl<K: Hash + Eq, V: Clone> TtlCache<K, V> {
    /// The cached value, if still fresh.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let (at, value) = entries.get(key)?;
        (at.elapsed() < TTL).then(|| value.clone())
    }

    /// The generation to pass to [`TtlCache::put`], read before the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps a value read at `generation`, unless a write happened since.
    pub fn put(&self, generation: u64, key: K, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), value));
    }

    /// Forgets everything; called after every committed write the values depend on.
    pub fn invalidate(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }
}

/// Successful webhook lookups by secret hash (unknown secrets are never kept,
/// so they cannot fill memory). Cleared by writes to users and webhooks.
pub type AuthCache = TtlCache<Vec<u8>, (Webhook, User)>;

/// User-field definitions by entity id (`None`: all entities). Cleared by writes
/// to definitions.
pub type UserFieldCache = TtlCache<Option<String>, Vec<UserField>>;
