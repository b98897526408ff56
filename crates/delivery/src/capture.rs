//! Captured deliveries, in a sandbox only: every attempt's request is recorded
//! in the store exactly as built (URL, headers in order, body — signature and
//! `User-Agent` included) with its status and outcome, whether or not a
//! handler answered. The handler's mode in the store decides the attempt:
//! `deliver` sends it, `capture-only` does not send it and counts it as
//! delivered, `fail` does not send it and fails it as if the handler answered
//! HTTP 500, so the retry schedule runs.
//!
//! A worker without [`Captures`] (a normal `portico serve`) neither reads
//! modes nor records anything.

use std::sync::Arc;
use std::time::Duration;

use portico_store::{ClaimedDelivery, HandlerMode, NewCapture, SandboxDeliveryStore};

use crate::outcome::{judge_status, Outcome, Verdict};
use crate::sender::{Attempt, BuiltRequest, Sender};

/// Reads the time in Unix milliseconds; the sandbox's test clock stands in.
pub type NowMs = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The status a handler in `fail` mode is taken to answer.
const FAIL_STATUS: u16 = 500;

/// Where a sandbox's worker records its attempts and reads handler modes.
pub struct Captures {
    store: Arc<dyn SandboxDeliveryStore>,
    now_ms: NowMs,
}

/// An attempt made under a mode, waiting for its outcome to be recorded.
pub(crate) struct Captured {
    request: BuiltRequest,
    mode: HandlerMode,
    at_ms: i64,
    status: Option<u16>,
}

impl Captures {
    /// Captures kept in `store`, timed by `now_ms`.
    pub fn new(store: Arc<dyn SandboxDeliveryStore>, now_ms: NowMs) -> Captures {
        Captures { store, now_ms }
    }

    /// Makes `attempt` as its handler's mode says: what came of it and, when
    /// a request was built, what to capture once its outcome is known.
    pub(crate) async fn attempt(
        &self,
        sender: &Sender,
        attempt: &Attempt,
    ) -> (Outcome, Option<Captured>) {
        let at_ms = (self.now_ms)();
        let request = match sender.build(attempt) {
            Ok(request) => request,
            Err(refused) => {
                let outcome = Outcome {
                    verdict: Verdict::Fail,
                    status: None,
                    duration: Duration::ZERO,
                    response: Vec::new(),
                    reason: Some(refused.to_string()),
                };
                return (outcome, None);
            }
        };
        let mode = match self.store.handler_mode(&attempt.url).await {
            Ok(mode) => mode,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the sandbox's handler mode; delivering");
                HandlerMode::Deliver
            }
        };
        let outcome = match mode {
            HandlerMode::Deliver => sender.send_built(&request, attempt.timestamp).await,
            HandlerMode::CaptureOnly => Outcome {
                verdict: Verdict::Delivered,
                status: None,
                duration: Duration::ZERO,
                response: Vec::new(),
                reason: None,
            },
            HandlerMode::Fail => {
                let retry_client_errors = sender.config().retry_client_errors;
                let (verdict, _) = judge_status(FAIL_STATUS, None, None, retry_client_errors);
                Outcome {
                    verdict,
                    status: Some(FAIL_STATUS),
                    duration: Duration::ZERO,
                    response: Vec::new(),
                    reason: Some(format!(
                        "not sent: the sandbox fails this handler as if it answered {FAIL_STATUS}"
                    )),
                }
            }
        };
        let status = outcome.status;
        let captured = Captured {
            request,
            mode,
            at_ms,
            status,
        };
        (outcome, Some(captured))
    }

    /// Records a captured attempt of `claimed` that led to `outcome`
    /// (`delivered`, `retry`, `failed`, `disabled`).
    pub(crate) async fn record(
        &self,
        claimed: &ClaimedDelivery,
        captured: Captured,
        outcome: &str,
    ) {
        let capture = NewCapture {
            at_ms: captured.at_ms,
            event: claimed.event.code.clone(),
            handler: claimed.webhook.handler_url.clone(),
            attempt: claimed.attempt,
            delivery_id: claimed.delivery_id,
            mode: captured.mode,
            headers: captured.request.headers,
            body: captured.request.body,
            status: captured.status,
            outcome: outcome.to_owned(),
        };
        if let Err(e) = self.store.record_capture(&capture).await {
            tracing::warn!(
                delivery = claimed.delivery_id,
                error = %e,
                "cannot record a captured delivery"
            );
        }
    }
}
