//! One delivery attempt: a signed POST to a handler behind the SSRF guard.
//!
//! [`Sender`] holds one HTTP client (connections to a handler are reused between
//! deliveries) whose name resolver is the SSRF guard: every host name is resolved and every
//! address checked right before connecting, and the connection goes only to the checked
//! addresses, so a DNS answer cannot change between the check and the connect. IP-literal
//! hosts are checked by [`parse_handler_url`] before the request. Redirects are never
//! followed and no proxy from the environment is used; both could route a delivery around
//! the guard.
//!
//! An attempt's request is built once ([`Sender::build`]: URL, every header in the order
//! sent, body) and sent as it is ([`Sender::send_built`]), so what a sandbox captures is
//! exactly what the handler receives.

use std::error::Error as StdError;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HOST, LOCATION,
    RETRY_AFTER, USER_AGENT,
};
use url::Url;

use crate::outcome::{judge_status, parse_retry_after, Outcome, Verdict};
use crate::signing::{
    SigningSecret, HEADER_WEBHOOK_ID, HEADER_WEBHOOK_SIGNATURE, HEADER_WEBHOOK_TIMESTAMP,
};
use crate::ssrf::{parse_handler_url, resolve_name_checked, SsrfError, SsrfPolicy};

/// The `User-Agent` deliveries carry by default.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "Portico/",
    env!("CARGO_PKG_VERSION"),
    " (outbound webhooks)"
);

/// How deliveries are sent.
#[derive(Debug, Clone, PartialEq)]
pub struct SenderConfig {
    /// Longest wait for a TCP (and TLS) connection, name resolution included. Default 5 s.
    pub connect_timeout: Duration,
    /// Longest time for a whole attempt: connecting, sending, and reading the status and
    /// the kept part of the answer. Default 15 s.
    pub timeout: Duration,
    /// How many bytes of the answer's body are read and kept; the rest is never read.
    /// Default 4 KiB.
    pub max_response_bytes: usize,
    /// The `User-Agent` header. Default [`DEFAULT_USER_AGENT`].
    pub user_agent: String,
    /// Which destinations deliveries may reach.
    pub policy: SsrfPolicy,
    /// Whether a `4xx` answer (other than `408`, `410` and `429`) is retried on the schedule
    /// (`true`, the default) or fails the delivery at once. See [`crate::outcome`].
    pub retry_client_errors: bool,
}

impl Default for SenderConfig {
    fn default() -> Self {
        SenderConfig {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            max_response_bytes: 4 * 1024,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            policy: SsrfPolicy::default(),
            retry_client_errors: true,
        }
    }
}

/// One attempt to deliver one event to one handler.
#[derive(Clone)]
pub struct Attempt {
    /// The handler URL, as stored.
    pub url: String,
    /// The delivery's message id, sent as `webhook-id`: the same on every retry and replay
    /// of the delivery, so receivers can drop duplicates.
    pub message_id: String,
    /// Unix seconds when this attempt starts, sent as `webhook-timestamp` and signed; also
    /// the clock against which a `Retry-After` date is read.
    pub timestamp: i64,
    /// The form-encoded body, usually from [`encode_event_body`](crate::encode_event_body).
    pub body: String,
    /// The handler's signing secret; without one no `webhook-signature` is sent.
    pub secret: Option<SigningSecret>,
}

/// One attempt's request, built once by [`Sender::build`]: what [`Sender::send_built`] sends,
/// byte for byte, and what a sandbox captures.
#[derive(Clone, PartialEq, Eq)]
pub struct BuiltRequest {
    /// The handler URL, checked by the SSRF policy's syntax rules.
    pub url: Url,
    /// Every header the handler receives, lower-case names in the order they are sent:
    /// `host`, `content-type`, `user-agent`, `accept`, the Standard Webhooks headers and
    /// `content-length`.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

/// Why a [`Sender`] could not be created.
#[derive(Debug, thiserror::Error)]
#[error("could not set up the HTTP client for deliveries: {0}")]
pub struct SenderError(String);

/// Sends delivery attempts; cheap to share (`Arc`) between worker tasks.
#[derive(Debug)]
pub struct Sender {
    client: reqwest::Client,
    config: SenderConfig,
}

impl Sender {
    /// A sender with its own HTTP client built from `config`.
    pub fn new(config: SenderConfig) -> Result<Self, SenderError> {
        let resolver = CheckedResolver {
            policy: Arc::new(config.policy.clone()),
        };
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .dns_resolver(Arc::new(resolver))
            .build()
            .map_err(|e| SenderError(e.to_string()))?;
        Ok(Sender { client, config })
    }

    /// The configuration this sender was built with.
    pub fn config(&self) -> &SenderConfig {
        &self.config
    }

    /// Makes one attempt and says what came of it. Never panics and never returns an error:
    /// every failure is an [`Outcome`] with a verdict and a reason.
    pub async fn send(&self, attempt: &Attempt) -> Outcome {
        match self.build(attempt) {
            Ok(request) => self.send_built(&request, attempt.timestamp).await,
            Err(e) => failed(Verdict::Fail, e.to_string(), Instant::now()),
        }
    }

    /// The request of one attempt, exactly as [`Sender::send_built`] sends it: the handler
    /// URL (refused when the SSRF policy refuses it), every header the handler receives,
    /// in order, and the body.
    pub fn build(&self, attempt: &Attempt) -> Result<BuiltRequest, SsrfError> {
        let url = parse_handler_url(&attempt.url, &self.config.policy)?;
        let host = url.host_str().unwrap_or_default();
        let host = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let mut headers = vec![
            (HOST.as_str().to_owned(), host),
            (
                CONTENT_TYPE.as_str().to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            ),
            (
                USER_AGENT.as_str().to_owned(),
                self.config.user_agent.clone(),
            ),
            (ACCEPT.as_str().to_owned(), "*/*".to_owned()),
            (HEADER_WEBHOOK_ID.to_owned(), attempt.message_id.clone()),
            (
                HEADER_WEBHOOK_TIMESTAMP.to_owned(),
                attempt.timestamp.to_string(),
            ),
        ];
        if let Some(secret) = &attempt.secret {
            let signature = secret.sign(
                &attempt.message_id,
                attempt.timestamp,
                attempt.body.as_bytes(),
            );
            headers.push((HEADER_WEBHOOK_SIGNATURE.to_owned(), signature));
        }
        headers.push((
            CONTENT_LENGTH.as_str().to_owned(),
            attempt.body.len().to_string(),
        ));
        Ok(BuiltRequest {
            url,
            headers,
            body: attempt.body.clone(),
        })
    }

    /// Sends a request made by [`Sender::build`] as it is (no header added or changed) and
    /// says what came of it; `now` (Unix seconds) is the clock a `Retry-After` date is read
    /// against. Never panics and never returns an error.
    pub async fn send_built(&self, request: &BuiltRequest, now: i64) -> Outcome {
        let started = Instant::now();
        let host = request.url.host_str().unwrap_or_default().to_owned();
        let mut headers = HeaderMap::with_capacity(request.headers.len());
        for (name, value) in &request.headers {
            match (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                (Ok(name), Ok(value)) => {
                    headers.append(name, value);
                }
                _ => {
                    let reason = format!("the header {name} cannot be sent");
                    return failed(Verdict::Fail, reason, started);
                }
            }
        }
        let sent = self
            .client
            .post(request.url.clone())
            .headers(headers)
            .body(request.body.clone())
            .send()
            .await;
        let outcome = match sent {
            Ok(response) => self.judge_response(response, now, started).await,
            Err(e) => self.judge_error(&e, started),
        };
        tracing::debug!(
            %host,
            status = outcome.status,
            verdict = ?outcome.verdict,
            reason = outcome.reason.as_deref().unwrap_or(""),
            "delivery attempt"
        );
        outcome
    }

    /// Judges an answer and keeps the first bytes of its body.
    async fn judge_response(
        &self,
        mut response: reqwest::Response,
        now: i64,
        started: Instant,
    ) -> Outcome {
        let status = response.status().as_u16();
        let headers = response.headers();
        let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
        let retry_after = header(RETRY_AFTER).and_then(|v| parse_retry_after(v, now));
        let location = header(LOCATION).map(str::to_owned);
        let (verdict, reason) = judge_status(
            status,
            location.as_deref(),
            retry_after,
            self.config.retry_client_errors,
        );

        let limit = self.config.max_response_bytes;
        let mut head = Vec::with_capacity(limit.min(4096));
        while head.len() < limit {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let take = chunk.len().min(limit - head.len());
                    head.extend_from_slice(&chunk[..take]);
                }
                // The status decides; a body cut short only shortens what is kept.
                Ok(None) | Err(_) => break,
            }
        }
        Outcome {
            verdict,
            status: Some(status),
            duration: started.elapsed(),
            response: head,
            reason,
        }
    }

    /// Judges a request that got no answer.
    fn judge_error(&self, error: &reqwest::Error, started: Instant) -> Outcome {
        if let Some(refused) = find_cause::<SsrfError>(error) {
            let verdict = match refused {
                // Name resolution may work on a later try.
                SsrfError::Resolve(..) | SsrfError::NoAddress(_) => {
                    Verdict::Retry { retry_after: None }
                }
                _ => Verdict::Fail,
            };
            return failed(verdict, refused.to_string(), started);
        }
        let cause = innermost_message(error);
        let (verdict, reason) = if error.is_builder() {
            (
                Verdict::Fail,
                format!("request could not be built: {cause}"),
            )
        } else if error.is_timeout() && error.is_connect() {
            (
                Verdict::Retry { retry_after: None },
                format!("could not connect within {:?}", self.config.connect_timeout),
            )
        } else if error.is_timeout() {
            (
                Verdict::Retry { retry_after: None },
                format!("no answer within {:?}", self.config.timeout),
            )
        } else if error.is_connect() {
            (
                Verdict::Retry { retry_after: None },
                format!("connection failed: {cause}"),
            )
        } else {
            (
                Verdict::Retry { retry_after: None },
                format!("request failed: {cause}"),
            )
        };
        failed(verdict, reason, started)
    }
}

/// An outcome without an answer.
fn failed(verdict: Verdict, reason: String, started: Instant) -> Outcome {
    Outcome {
        verdict,
        status: None,
        duration: started.elapsed(),
        response: Vec::new(),
        reason: Some(reason),
    }
}

/// The first error of type `E` in `error`'s chain of causes.
fn find_cause<'a, E: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a E> {
    std::iter::successors(Some(error), |&e| e.source()).find_map(|e| e.downcast_ref::<E>())
}

/// The message of the last cause in `error`'s chain (the operating system's words, without
/// the URL that outer layers add).
fn innermost_message(error: &(dyn StdError + 'static)) -> String {
    std::iter::successors(Some(error), |&e| e.source())
        .last()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

/// The client's name resolver: the SSRF guard's resolution and address check.
struct CheckedResolver {
    policy: Arc<SsrfPolicy>,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        Box::pin(async move {
            let addrs = resolve_name_checked(name.as_str(), &policy).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}
