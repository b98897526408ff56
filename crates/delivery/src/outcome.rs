//! What one delivery attempt came to, and how a handler's answer is judged.
//!
//! Policy, following the Standard Webhooks recommendations and Svix:
//!
//! * `2xx` — delivered.
//! * `410 Gone` — the handler asks to be switched off: disable it, stop retrying.
//! * `408`, `429`, `5xx`, timeouts and connection errors — retry on the schedule, honouring
//!   `Retry-After` (seconds or an HTTP date).
//! * `3xx` — a failed attempt ("redirects are not followed"): a redirect could lead a
//!   delivery past the SSRF guard. Retried on the schedule, as the handler may be fixed.
//! * other `4xx` — retried on the schedule as well, like Svix does: handlers written for
//!   Bitrix24 (which never retries) often answer `400`/`404`/`500` by mistake while they are
//!   being deployed or fixed, so dropping the event at once would lose it.
//!   [`SenderConfig::retry_client_errors`](crate::SenderConfig::retry_client_errors) turns
//!   this off, making them permanent failures.
//! * A URL that is malformed or whose destination the SSRF policy refuses fails permanently:
//!   retrying cannot change the answer.

use std::time::{Duration, UNIX_EPOCH};

/// The decision an attempt leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The handler answered `2xx`: the delivery is done.
    Delivered,
    /// The attempt failed in a way that may pass later: try again on the schedule.
    Retry {
        /// The answer's `Retry-After`, as the handler gave it (an HTTP date already in the
        /// past counts as zero); [`RetrySchedule`](crate::RetrySchedule) applies its bounds.
        retry_after: Option<Duration>,
    },
    /// The handler answered `410 Gone`: disable the handler and stop retrying.
    DisableHandler,
    /// The attempt can never succeed (bad URL, destination refused by the SSRF policy, or a
    /// `4xx` when client errors are not retried): stop retrying.
    Fail,
}

/// The result of one attempt, to be recorded in the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// What to do next.
    pub verdict: Verdict,
    /// The handler's HTTP status, if it answered.
    pub status: Option<u16>,
    /// Time from the start of the attempt (name resolution included) to the end of reading
    /// the answer.
    pub duration: Duration,
    /// The first bytes of the answer's body, at most
    /// [`SenderConfig::max_response_bytes`](crate::SenderConfig::max_response_bytes).
    pub response: Vec<u8>,
    /// Why the attempt did not succeed, in words for the delivery log (`None` when
    /// delivered). Never contains the handler URL, which may carry a secret.
    pub reason: Option<String>,
}

impl Outcome {
    /// `true` if the handler accepted the delivery.
    pub fn is_delivered(&self) -> bool {
        self.verdict == Verdict::Delivered
    }
}

/// Judges a handler's HTTP answer: the verdict and, unless delivered, the reason.
///
/// `location` is the answer's `Location` header (quoted in the reason of a `3xx`),
/// `retry_after` its parsed `Retry-After`.
pub(crate) fn judge_status(
    status: u16,
    location: Option<&str>,
    retry_after: Option<Duration>,
    retry_client_errors: bool,
) -> (Verdict, Option<String>) {
    let retry = Verdict::Retry { retry_after };
    match status {
        200..=299 => (Verdict::Delivered, None),
        410 => (
            Verdict::DisableHandler,
            Some("handler answered 410 Gone".to_owned()),
        ),
        300..=399 => {
            let target = location
                .map(|l| format!(" to {}", truncate(l, 200)))
                .unwrap_or_default();
            (
                retry,
                Some(format!(
                    "redirects are not followed (answered {status}{target})"
                )),
            )
        }
        408 | 429 | 500..=599 => (retry, Some(format!("handler answered {status}"))),
        400..=499 if !retry_client_errors => {
            (Verdict::Fail, Some(format!("handler answered {status}")))
        }
        400..=499 => (retry, Some(format!("handler answered {status}"))),
        _ => (retry, Some(format!("unexpected status {status}"))),
    }
}

/// Parses a `Retry-After` value: a number of seconds, or an HTTP date (any of the three
/// formats HTTP allows) read against `now` in Unix seconds, a past date giving zero.
/// Anything else (negative numbers, garbage) is ignored.
pub fn parse_retry_after(value: &str, now: i64) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let at = at.duration_since(UNIX_EPOCH).ok()?.as_secs();
    let now = u64::try_from(now).unwrap_or(0);
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// At most `max` characters of `text`, with `…` if cut.
fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(status: u16) -> Verdict {
        judge_status(status, None, None, true).0
    }

    #[test]
    fn statuses_are_judged_by_the_documented_policy() {
        let retry = Verdict::Retry { retry_after: None };
        for status in [200, 201, 202, 204, 299] {
            assert_eq!(verdict(status), Verdict::Delivered, "{status}");
        }
        for status in [
            301, 302, 307, 308, 400, 401, 404, 408, 429, 500, 502, 503, 504, 102,
        ] {
            assert_eq!(verdict(status), retry, "{status}");
        }
        assert_eq!(verdict(410), Verdict::DisableHandler);
        let strict = |status| judge_status(status, None, None, false).0;
        assert_eq!(strict(404), Verdict::Fail);
        assert_eq!(strict(429), retry);
        assert_eq!(strict(408), retry);
        assert_eq!(strict(410), Verdict::DisableHandler);
    }

    #[test]
    fn redirect_reason_names_the_target() {
        let (_, reason) = judge_status(301, Some("https://example.com/hook"), None, true);
        assert_eq!(
            reason.as_deref(),
            Some("redirects are not followed (answered 301 to https://example.com/hook)")
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = 1_445_412_480; // Wed, 21 Oct 2015 07:28:00 GMT
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:29:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Wednesday, 21-Oct-15 07:30:00 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed Oct 21 07:28:30 2015", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        for bad in ["", "-5", "1.5", "soon", "99999999999999999999999"] {
            let parsed = parse_retry_after(bad, now);
            if bad.starts_with('9') {
                assert_eq!(parsed, Some(Duration::from_secs(u64::MAX)));
            } else {
                assert_eq!(parsed, None, "{bad:?}");
            }
        }
    }

    #[test]
    fn long_locations_are_cut() {
        let long = "x".repeat(500);
        let (_, reason) = judge_status(302, Some(&long), None, true);
        assert!(reason.unwrap().ends_with("x…)"));
    }
}
