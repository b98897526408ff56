//! Where calls are counted: a REST call by an integration (and each of its
//! `batch` sub-calls), a call refused before its method ran, and each attempt
//! of the delivery worker.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use portico_methods::{AuthKind, SubCallObserver};
use portico_store::IntegrationKind;

use super::{day_of, UNKNOWN_METHOD};
use crate::state::AppState;

/// The integration an authenticated REST caller counts under (the web UI's
/// own calls are not counted).
pub fn integration_of(auth: &AuthKind) -> Option<(IntegrationKind, i64)> {
    match auth {
        AuthKind::Webhook { id } => Some((IntegrationKind::Inbound, *id)),
        AuthKind::App { id } => Some((IntegrationKind::App, *id)),
        AuthKind::WebSession => None,
    }
}

/// A REST call being counted: its day, integration and method.
pub struct Counted {
    day: i64,
    integration: (IntegrationKind, i64),
    method: &'static str,
}

impl Counted {
    /// The count of a call by `auth` to `method` (any case), unless the
    /// caller is not an integration.
    pub fn new(state: &AppState, auth: &AuthKind, method: &str) -> Option<Counted> {
        let integration = integration_of(auth)?;
        let method = state
            .registry
            .get(method)
            .map_or(UNKNOWN_METHOD, |spec| spec.name);
        Some(Counted {
            day: day_of(state.clock.now(), state.clock.offset),
            integration,
            method,
        })
    }

    /// Counts the call: succeeded when `ok`, having run for `duration`.
    pub fn record(self, state: &AppState, ok: bool, duration: Duration) {
        state.stats.record(
            self.day,
            self.integration,
            Cow::Borrowed(self.method),
            ok,
            duration,
        );
    }

    /// For a `batch` call: what counts each of its sub-calls under the same
    /// day and integration.
    pub fn batch_observer(&self, state: &AppState) -> Option<SubCallObserver> {
        if self.method != "batch" {
            return None;
        }
        let (recorder, day, integration) = (state.stats.clone(), self.day, self.integration);
        Some(Arc::new(move |method, ok, duration| {
            let method = Cow::Borrowed(method.unwrap_or(UNKNOWN_METHOD));
            recorder.record(day, integration, method, ok, duration);
        }))
    }
}

/// Counts a call by `auth` refused before its method ran (an unknown method
/// when `method` is `None`, a body that cannot be read): an error of no
/// operating time.
pub fn count_refused(state: &AppState, auth: &AuthKind, method: Option<&'static str>) {
    if let Some(integration) = integration_of(auth) {
        let day = day_of(state.clock.now(), state.clock.offset);
        let method = Cow::Borrowed(method.unwrap_or(UNKNOWN_METHOD));
        state
            .stats
            .record(day, integration, method, false, Duration::ZERO);
    }
}

/// What counts the delivery worker's attempts: an attempt is a call of the
/// event's code by the outbound webhook (by the application, for an
/// application's handler), an error unless the handler took it.
pub fn delivery_observer(state: &AppState) -> portico_delivery::AttemptObserver {
    let (recorder, offset) = (state.stats.clone(), state.clock.offset);
    Arc::new(move |seen: &portico_delivery::AttemptSeen<'_>| {
        let integration = match seen.app_id {
            Some(app) => (IntegrationKind::App, app),
            None => (IntegrationKind::Outbound, seen.handler_id),
        };
        recorder.record(
            day_of(seen.started_at, offset),
            integration,
            Cow::Owned(seen.event.to_owned()),
            seen.delivered,
            seen.duration,
        );
    })
}
