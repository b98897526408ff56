//! The plan and the REST limits from the configuration: the `serve` flags
//! `--limits` and `--plan`, checking the settings, the web layer's
//! [`RestLimits`], and the command line's refusal to create integrations on a
//! plan without REST.

use std::collections::HashMap;

use anyhow::bail;
use figment::value::{Dict, Value};
use portico_methods::Plan;
use portico_store::BucketRule;
use portico_web::{LimitMode, RateKey, RestLimits};
use serde::{Deserialize, Serialize};

use crate::config::Config;

/// The limit flags of `serve`.
#[derive(clap::Args)]
pub struct LimitArgs {
    /// REST limits: `off` (default, as Bitrix24 on-premise) or `cloud` (the
    /// cloud's request-rate and operating limits of the plan; env PORTICO_LIMITS).
    #[arg(long, value_name = "off|cloud")]
    limits: Option<String>,
    /// The portal's plan: free, basic, standard, professional or enterprise
    /// (default enterprise; env PORTICO_PLAN).
    #[arg(long, value_name = "PLAN")]
    plan: Option<String>,
}

impl LimitArgs {
    /// Adds the flags given to the configuration's overrides.
    pub fn add_to(&self, dict: &mut Dict) {
        for (key, value) in [("limits", &self.limits), ("plan", &self.plan)] {
            if let Some(value) = value {
                dict.insert(key.into(), Value::from(value.clone()));
            }
        }
    }
}

/// A bucket of its own for one integration (`[limits_overrides."webhook:12"]`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct BucketOverride {
    /// Requests passing at once.
    pub burst: f64,
    /// Requests drained per second.
    pub drain_per_sec: f64,
}

/// Checks the limit settings of `config`.
pub fn validate(config: &Config) -> anyhow::Result<()> {
    mode(config)?;
    plan(config)?;
    if !matches!(config.limits_key.as_str(), "address" | "integration") {
        bail!("limits_key must be 'address' or 'integration'");
    }
    if !(config.operating_budget_secs.is_finite() && config.operating_budget_secs >= 0.0) {
        bail!("operating_budget_secs must be a number of seconds, 0 or more");
    }
    for (name, rule) in &config.limits_overrides {
        let named = name.split_once(':').is_some_and(|(kind, id)| {
            matches!(kind, "webhook" | "app") && id.parse::<i64>().is_ok()
        });
        if !named {
            bail!("limits_overrides: '{name}' is not an integration like webhook:12 or app:3");
        }
        if !(rule.burst >= 1.0 && rule.drain_per_sec > 0.0) {
            bail!("limits_overrides.{name}: burst must be at least 1 and drain_per_sec above 0");
        }
    }
    Ok(())
}

fn mode(config: &Config) -> anyhow::Result<LimitMode> {
    match config.limits.as_str() {
        "off" => Ok(LimitMode::Off),
        "cloud" => Ok(LimitMode::Cloud),
        other => bail!("limits must be 'off' or 'cloud', not '{other}'"),
    }
}

/// The configured plan.
pub fn plan(config: &Config) -> anyhow::Result<Plan> {
    Plan::parse(&config.plan).ok_or_else(|| {
        anyhow::anyhow!(
            "plan must be one of free, basic, standard, professional, enterprise, not '{}'",
            config.plan
        )
    })
}

/// The limits the web layer applies.
pub fn rest_limits(config: &Config) -> anyhow::Result<RestLimits> {
    let overrides: HashMap<String, BucketRule> = config
        .limits_overrides
        .iter()
        .map(|(name, rule)| {
            (
                name.clone(),
                BucketRule {
                    burst: rule.burst,
                    drain_per_sec: rule.drain_per_sec,
                },
            )
        })
        .collect();
    Ok(RestLimits {
        mode: mode(config)?,
        plan: plan(config)?,
        key: if config.limits_key == "integration" {
            RateKey::Integration
        } else {
            RateKey::Address
        },
        operating_budget_secs: config.operating_budget_secs,
        overrides,
        ..RestLimits::default()
    })
}

/// Refuses creating `what` (inbound webhooks, …) on a plan without REST.
pub fn require_rest(config: &Config, what: &str) -> anyhow::Result<()> {
    let plan = plan(config)?;
    if !plan.has_rest() {
        bail!(
            "{what} need the REST API, which the '{}' plan does not include: \
             set plan to basic, standard, professional or enterprise",
            plan.name()
        );
    }
    Ok(())
}
