//! When each inbound webhook was last used, for the Integrations list. Recorded
//! at most once a minute per webhook, off the request's path: the REST call
//! only takes a short lock on an in-memory map.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use portico_store::Store;

/// Seconds between two recordings for the same webhook.
const RECORD_EVERY: i64 = 60;

/// Remembers what was last written per webhook.
#[derive(Debug, Default)]
pub struct UsageRecorder {
    written: Mutex<HashMap<i64, i64>>,
}

impl UsageRecorder {
    /// Notes a use of webhook `id` at `now` (Unix seconds), writing it to the
    /// store in the background when the last write is older than a minute.
    pub fn record(&self, store: &Arc<dyn Store>, id: i64, now: i64) {
        {
            let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            match written.get(&id) {
                Some(at) if now - at < RECORD_EVERY => return,
                _ => {
                    written.insert(id, now);
                }
            }
        }
        let store = store.clone();
        tokio::spawn(async move {
            if let Err(e) = store.touch_webhook(id, now).await {
                tracing::warn!(error = %e, webhook = id, "cannot record webhook use");
            }
        });
    }

    /// Forgets what was written, so the next use of every webhook is written
    /// again (after the database went back to an earlier state).
    pub fn forget(&self) {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}
