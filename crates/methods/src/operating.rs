//! The operating limit (Bitrix24 cloud): the seconds of processing each
//! integration spends in each method over a sliding ten-minute window, kept in
//! the store. A call whose integration spent more than the budget in that
//! method is refused with `OPERATION_TIME_LIMIT` until baskets expire; the
//! seconds a call took are added after it ran. `batch` itself is not counted:
//! its sub-calls count against their own methods. Calls from the web UI's
//! session are never limited.

use std::sync::Arc;
use std::time::Instant;

use portico_protocol::params::Params;
use portico_protocol::{ApiError, ErrorCode};
use portico_store::OperatingWindow;

use crate::context::{AuthKind, Ctx};
use crate::dispatch::call;
use crate::registry::MethodOutput;
use crate::values::store_error;

/// Now, in Unix milliseconds: the limits' time source (a test clock in tests).
pub type TimeSource = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The wall clock as a [`TimeSource`].
pub fn system_time() -> TimeSource {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    })
}

/// The operating limit in force.
#[derive(Clone)]
pub struct OperatingLimit {
    /// Seconds of processing an integration may spend in one method within the window.
    pub budget_secs: f64,
    /// The time source of the window.
    pub now_ms: TimeSource,
}

/// What the `time` block reports of a counted call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Operating {
    /// Seconds spent in the window, this call included.
    pub seconds: f64,
    /// When the oldest basket stops counting.
    pub reset_at: Option<i64>,
}

/// The outcome of a call under the operating limit.
pub struct Counted {
    /// The method's outcome.
    pub outcome: Result<MethodOutput, ApiError>,
    /// The operating time, when the call was counted.
    pub operating: Option<Operating>,
}

/// Runs `method` as [`call`] does, under `ctx`'s operating limit when one is set.
pub async fn call_counted(ctx: Ctx, method: &str, params: Params) -> Counted {
    let plain = |outcome| Counted {
        outcome,
        operating: None,
    };
    let (Some(limit), Some(spec)) = (ctx.operating.clone(), ctx.registry.get(method)) else {
        return plain(call(ctx, method, params).await);
    };
    if spec.name == "batch" || ctx.caller.auth == AuthKind::WebSession {
        return plain(call(ctx, method, params).await);
    }
    let key = format!("{}|{}", ctx.caller.auth, spec.name);
    let now = (limit.now_ms)().div_euclid(1000);
    let window = match ctx.store.operating_window(&key, now).await {
        Ok(window) => window,
        Err(e) => return plain(Err(store_error(e))),
    };
    if !window.allows(limit.budget_secs) {
        return Counted {
            outcome: Err(ApiError::from_code(ErrorCode::OperationTimeLimit)
                .with_retry_after(window.wait(limit.budget_secs, now))),
            operating: Some(reported(&window)),
        };
    }
    let started = Instant::now();
    let outcome = call(ctx.clone(), method, params).await;
    let spent = started.elapsed().as_secs_f64();
    let operating = match ctx.store.add_operating(&key, spent, now).await {
        Ok(window) => reported(&window),
        Err(e) => {
            tracing::warn!(error = %e, "cannot record operating time");
            reported(&window)
        }
    };
    Counted {
        outcome,
        operating: Some(operating),
    }
}

fn reported(window: &OperatingWindow) -> Operating {
    Operating {
        seconds: window.seconds(),
        reset_at: window.reset_at(),
    }
}
