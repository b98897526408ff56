//! Shared state of the HTTP layer.

use std::sync::Arc;

use portico_methods::{Clock, Registry};
use portico_store::secrets::SecretBox;
use portico_store::Store;

/// Request limits.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Storage.
    pub store: Arc<dyn Store>,
    /// The method registry.
    pub registry: Arc<Registry>,
    /// Secret hashing (webhook lookup).
    pub secrets: SecretBox,
    /// Clock and portal time zone.
    pub clock: Clock,
    /// Request limits.
    pub limits: Limits,
}
