//! Shared state of the HTTP layer.

use std::sync::Arc;

use portico_methods::{Caller, Clock, Ctx, Registry};
use portico_store::secrets::SecretBox;
use portico_store::Store;

use crate::client_addr::TrustedProxies;
use crate::limits::RestLimits;
use crate::live::LiveHub;
use crate::sandbox::Sandbox;
use crate::stats::RestStatsRecorder;
use crate::ui::sign_in_limits::PasswordCheckGate;
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
    /// State of the web UI (cookie flags, password-check gate).
    pub ui: Arc<UiState>,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<TrustedProxies>,
    /// When webhooks were last used.
    pub usage: Arc<UsageRecorder>,
    /// REST statistics not yet stored.
    pub stats: Arc<RestStatsRecorder>,
    /// OAuth 2.0 token lifetimes.
    pub oauth: OAuthSettings,
    /// The plan and the REST limits.
    pub rest_limits: Arc<RestLimits>,
    /// Set when the server is a sandbox (`portico sandbox`): the sandbox API.
    pub sandbox: Option<Arc<Sandbox>>,
    /// The live updates of this process's browsers.
    pub live: Arc<LiveHub>,
}

/// Lifetimes of what the OAuth server issues, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OAuthSettings {
    /// Access tokens (Bitrix24: one hour).
    pub access_token_ttl: i64,
    /// Refresh tokens (Bitrix24: 180 days).
    pub refresh_token_ttl: i64,
    /// Authorization codes (Bitrix24: 30 seconds).
    pub code_ttl: i64,
}

impl Default for OAuthSettings {
    fn default() -> Self {
        OAuthSettings {
            access_token_ttl: 3_600,
            refresh_token_ttl: 180 * 86_400,
            code_ttl: 30,
        }
    }
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
            stats: Arc::default(),
            trusted_proxies: Arc::default(),
            oauth: OAuthSettings::default(),
            rest_limits: Arc::default(),
            sandbox: None,
            live: Arc::default(),
        }
    }

    /// The same state serving the sandbox API of `sandbox`.
    pub fn with_sandbox(mut self, sandbox: Sandbox) -> AppState {
        self.sandbox = Some(Arc::new(sandbox));
        self
    }

    /// The context of a top-level method call made by `caller`.
    pub fn ctx(&self, caller: Arc<Caller>) -> Ctx {
        Ctx {
            store: self.store.clone(),
            caller,
            clock: self.clock.clone(),
            registry: self.registry.clone(),
            in_batch: false,
            method: "",
            sub_call_observer: None,
            json_answer: false,
            handler_check: self.handler_check(),
            secrets: self.secrets.clone(),
            plan: self.rest_limits.plan,
            operating: self.rest_limits.operating(),
        }
    }

    /// The check of applications' handler URLs: the SSRF guard's, with the
    /// server's `allow_private_handlers` setting (as outbound webhooks' form).
    fn handler_check(&self) -> portico_methods::context::HandlerCheck {
        let policy = portico_delivery::SsrfPolicy {
            allow_private: self.ui.allow_private_handlers,
            ..portico_delivery::SsrfPolicy::default()
        };
        Arc::new(move |url: &str| {
            portico_delivery::parse_handler_url(url, &policy)
                .map(|u| u.to_string())
                .map_err(|e| e.to_string())
        })
    }

    /// The same state with its UI state changed by `edit` (a copy of the
    /// settings when the UI state is already shared).
    fn edit_ui(mut self, edit: impl FnOnce(&mut UiState)) -> AppState {
        let mut ui = Arc::try_unwrap(self.ui).unwrap_or_else(|shared| UiState {
            secure_cookies: shared.secure_cookies,
            public_url: shared.public_url.clone(),
            allow_private_handlers: shared.allow_private_handlers,
            ..UiState::default()
        });
        edit(&mut ui);
        self.ui = Arc::new(ui);
        self
    }

    /// The same state with the portal's public address (for webhook URLs shown in the UI).
    pub fn with_public_url(self, url: Option<String>) -> AppState {
        self.edit_ui(|ui| ui.public_url = url.map(|u| u.trim_end_matches('/').to_owned()))
    }

    /// The same state accepting outbound-webhook handlers on loopback, private
    /// and link-local addresses when `allow` (the server's
    /// `allow_private_handlers` setting; the delivery worker follows the same one).
    pub fn with_allow_private_handlers(self, allow: bool) -> AppState {
        self.edit_ui(|ui| ui.allow_private_handlers = allow)
    }

    /// The same state with its own password-check gate (sizes other than the
    /// cores').
    pub fn with_password_checks(self, gate: PasswordCheckGate) -> AppState {
        self.edit_ui(|ui| ui.password_checks = gate)
    }

    /// The same state issuing OAuth tokens with these lifetimes.
    pub fn with_oauth(mut self, oauth: OAuthSettings) -> AppState {
        self.oauth = oauth;
        self
    }

    /// The same state with these plan and REST limits.
    pub fn with_rest_limits(mut self, limits: RestLimits) -> AppState {
        self.rest_limits = Arc::new(limits);
        self
    }

    /// The same state believing `X-Forwarded-For` from `proxies`.
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> AppState {
        self.trusted_proxies = Arc::new(proxies);
        self
    }
}
