//! REST limits and the plan at the door of `/rest/`: a plan without REST
//! refuses every call; under `cloud` limits each request is offered to a
//! leaky bucket (per client address, as Bitrix24, or per integration; one
//! `batch` is one request) kept in the store, and calls run under the
//! operating limit. With limits `off` (as Bitrix24 on-premise) nothing is
//! counted and the store is not touched.

use std::collections::HashMap;
use std::net::IpAddr;

use portico_methods::plan::NO_REST_ON_PLAN;
use portico_methods::{AuthKind, OperatingLimit, Plan, TimeSource};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::{BucketAdmission, BucketRule, Store};

/// Whether limits apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LimitMode {
    /// No limits (the default, as Bitrix24 on-premise).
    #[default]
    Off,
    /// The cloud's limits for the plan.
    Cloud,
}

/// What a request-rate bucket is kept for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RateKey {
    /// The client's address (as Bitrix24): integrations on one machine share it.
    #[default]
    Address,
    /// The integration (webhook or application) that calls.
    Integration,
}

/// The REST limits in force.
#[derive(Clone)]
pub struct RestLimits {
    /// Off or cloud.
    pub mode: LimitMode,
    /// The portal's plan.
    pub plan: Plan,
    /// What a bucket is kept for.
    pub key: RateKey,
    /// Seconds of processing an integration may spend in one method within ten minutes.
    pub operating_budget_secs: f64,
    /// Buckets of their own for integrations named `webhook:ID` or `app:ID`.
    pub overrides: HashMap<String, BucketRule>,
    /// The limits' time source.
    pub now_ms: TimeSource,
}

/// The operating budget of Bitrix24's cloud, in seconds per ten minutes.
pub const DEFAULT_OPERATING_BUDGET_SECS: f64 = 480.0;

impl Default for RestLimits {
    fn default() -> Self {
        RestLimits {
            mode: LimitMode::Off,
            plan: Plan::default(),
            key: RateKey::Address,
            operating_budget_secs: DEFAULT_OPERATING_BUDGET_SECS,
            overrides: HashMap::new(),
            now_ms: portico_methods::operating::system_time(),
        }
    }
}

impl RestLimits {
    /// The refusal of a call on a plan without REST.
    pub fn plan_refusal(&self) -> Option<ApiError> {
        (!self.plan.has_rest()).then(|| ApiError::new(ErrorCode::AccessDenied, NO_REST_ON_PLAN))
    }

    /// The operating limit method calls run under, when limits are on.
    pub fn operating(&self) -> Option<OperatingLimit> {
        (self.mode == LimitMode::Cloud).then(|| OperatingLimit {
            budget_secs: self.operating_budget_secs,
            now_ms: self.now_ms.clone(),
        })
    }

    /// The bucket a request of `integration` from `client` goes to, with its rule.
    fn bucket(&self, integration: &AuthKind, client: Option<IpAddr>) -> (String, BucketRule) {
        let name = integration.to_string();
        if let Some(rule) = self.overrides.get(&name) {
            return (format!("integration:{name}"), *rule);
        }
        let rule = self.plan.cloud_bucket();
        match (self.key, client) {
            (RateKey::Address, Some(ip)) => (format!("address:{ip}"), rule),
            _ => (format!("integration:{name}"), rule),
        }
    }

    /// Offers one request to its bucket under `cloud` limits: `QUERY_LIMIT_EXCEEDED`
    /// with the wait when the bucket is full. A store failure lets the request pass.
    pub async fn admit(
        &self,
        store: &dyn Store,
        integration: &AuthKind,
        client: Option<IpAddr>,
    ) -> Result<(), ApiError> {
        if self.mode != LimitMode::Cloud {
            return Ok(());
        }
        let (key, rule) = self.bucket(integration, client);
        match store.take_from_bucket(&key, rule, (self.now_ms)()).await {
            Ok(BucketAdmission::Admitted) => Ok(()),
            Ok(BucketAdmission::RetryAfter(seconds)) => {
                Err(ApiError::from_code(ErrorCode::QueryLimitExceeded).with_retry_after(seconds))
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot count the request against its rate limit");
                Ok(())
            }
        }
    }
}
