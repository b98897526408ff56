//! The portal's plan, as Bitrix24 cloud plans: whether REST is available at
//! all, the request-rate numbers of the cloud, and which features
//! `feature.get` reports.

use portico_store::BucketRule;
use serde::{Deserialize, Serialize};

/// A Bitrix24 plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    /// No REST API, no webhooks, no local applications.
    Free,
    /// Basic.
    Basic,
    /// Standard.
    Standard,
    /// Professional.
    Professional,
    /// Enterprise (the default): everything, the higher request rate.
    #[default]
    Enterprise,
}

impl Plan {
    /// Every plan, cheapest first.
    pub const ALL: [Plan; 5] = [
        Plan::Free,
        Plan::Basic,
        Plan::Standard,
        Plan::Professional,
        Plan::Enterprise,
    ];

    /// The plan's name in the configuration.
    pub fn name(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Basic => "basic",
            Plan::Standard => "standard",
            Plan::Professional => "professional",
            Plan::Enterprise => "enterprise",
        }
    }

    /// The plan named `name` (any case).
    pub fn parse(name: &str) -> Option<Plan> {
        Plan::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether the REST API, webhooks and local applications are available.
    pub fn has_rest(self) -> bool {
        self != Plan::Free
    }

    /// The cloud's request-rate bucket: enterprise 250 requests, drained 5 a
    /// second; the other plans 50, drained 2 a second.
    pub fn cloud_bucket(self) -> BucketRule {
        match self {
            Plan::Enterprise => BucketRule {
                burst: 250.0,
                drain_per_sec: 5.0,
            },
            _ => BucketRule {
                burst: 50.0,
                drain_per_sec: 2.0,
            },
        }
    }

    /// Whether `feature.get` reports `code` available: `rest_offline_extended`
    /// on every plan with REST, `rest_auth_connector` from professional up.
    pub fn has_feature(self, code: &str) -> bool {
        match code {
            "rest_offline_extended" => self.has_rest(),
            "rest_auth_connector" => matches!(self, Plan::Professional | Plan::Enterprise),
            _ => false,
        }
    }
}

/// Why REST is refused on a plan without it (the error description Bitrix24 answers).
pub const NO_REST_ON_PLAN: &str = "REST API is available only on commercial plans";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_parse_and_answer_their_numbers_and_features() {
        assert_eq!(Plan::parse(" Professional"), Some(Plan::Professional));
        assert_eq!(Plan::parse("gold"), None);
        assert!(!Plan::Free.has_rest());
        assert_eq!(Plan::Enterprise.cloud_bucket().burst, 250.0);
        assert_eq!(Plan::Basic.cloud_bucket().drain_per_sec, 2.0);
        assert!(Plan::Professional.has_feature("rest_auth_connector"));
        assert!(!Plan::Standard.has_feature("rest_auth_connector"));
        assert!(Plan::Basic.has_feature("rest_offline_extended"));
        assert!(!Plan::Free.has_feature("rest_offline_extended"));
    }
}
