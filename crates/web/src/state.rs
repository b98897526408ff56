//! Shared state of the HTTP layer.

use std::sync::Arc;

use portico_methods::{Caller, Clock, Ctx, Registry};
use portico_store::secrets::SecretBox;
use portico_store::Store;

use crate::ui::UiState;
use crate::usage::UsageRecorder;

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
    /// State of the web UI (cookie flags, sign-in throttle).
    pub ui: Arc<UiState>,
    /// When webhooks were last used.
    pub usage: Arc<UsageRecorder>,
}

impl AppState {
    /// State for a server; `secure_cookies` when it speaks HTTPS.
    pub fn new(
        store: Arc<dyn Store>,
        registry: Arc<Registry>,
        secrets: SecretBox,
        clock: Clock,
        limits: Limits,
        secure_cookies: bool,
    ) -> AppState {
        AppState {
            store,
            registry,
            secrets,
            clock,
            limits,
            ui: Arc::new(UiState {
                secure_cookies,
                ..UiState::default()
            }),
            usage: Arc::default(),
        }
    }

    /// The context of a top-level method call made by `caller`.
    pub fn ctx(&self, caller: Arc<Caller>) -> Ctx {
        Ctx {
            store: self.store.clone(),
            caller,
            clock: self.clock,
            registry: self.registry.clone(),
            in_batch: false,
            method: "",
        }
    }

    /// The same state with the portal's public address (for webhook URLs shown in the UI).
    pub fn with_public_url(mut self, url: Option<String>) -> AppState {
        self.ui = Arc::new(UiState {
            secure_cookies: self.ui.secure_cookies,
            public_url: url.map(|u| u.trim_end_matches('/').to_owned()),
            ..UiState::default()
        });
        self
    }
}
