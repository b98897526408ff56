//! A short-lived cache of webhook lookups (secret hash → webhook and its user), so
//! an authenticated call costs one database read instead of two.
//!
//! Writes to users or webhooks made through this store clear it at once. Changes
//! made by another process on the same file (the `portico` administration
//! commands) are seen within [`TTL`]. Only successful lookups are kept, and the
//! cache is bounded, so unknown secrets cannot fill memory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use portico_store::{User, Webhook};

/// How long an entry is trusted.
pub const TTL: Duration = Duration::from_secs(1);

/// Entries kept at most; the cache is emptied when full.
const CAPACITY: usize = 10_000;

type Entry = (Instant, Webhook, User);

/// The cache; see the module documentation.
#[derive(Default)]
pub struct AuthCache {
    entries: Mutex<HashMap<Vec<u8>, Entry>>,
    generation: AtomicU64,
}

impl AuthCache {
    /// The cached lookup, if still fresh.
    pub fn get(&self, hash: &[u8]) -> Option<(Webhook, User)> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let (at, hook, user) = entries.get(hash)?;
        (at.elapsed() < TTL).then(|| (hook.clone(), user.clone()))
    }

    /// The generation to pass to [`AuthCache::put`], read before the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps a lookup made at `generation`, unless a write happened since.
    pub fn put(&self, generation: u64, hash: &[u8], hook: &Webhook, user: &User) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(hash.to_vec(), (Instant::now(), hook.clone(), user.clone()));
    }

    /// Forgets everything; called after every committed write to users or webhooks.
    pub fn invalidate(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }
}
