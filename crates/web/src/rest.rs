//! The `/rest/...` endpoint: `/rest/{user_id}/{secret}/{method}[.json|.xml][/]`
//! for inbound webhooks, `/rest/{method}[.json|.xml]` with an application's
//! access token (`auth` in the query, a form or JSON body, or `Authorization:
//! Bearer`; `auth` is taken out of the parameters the method sees).
//! The plan → authentication → request-rate limit → parameters → registry
//! dispatch under the operating limit (see [`crate::limits`]) → envelope with
//! `time`; one structured log line per call (method, integration, status,
//! duration), and the call counted in the REST statistics once its integration
//! is known (see [`crate::stats`]).

use std::time::Instant;

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::Method;
use axum::response::Response;
use portico_methods::AuthKind;
use portico_protocol::envelope::TimeBlock;
use portico_protocol::params::Params;
use portico_protocol::{ApiError, ErrorCode};
use tracing::Instrument;

use crate::auth;
use crate::client_addr::ClientAddr;
use crate::decode::decode;
use crate::respond::{self, Transport};
use crate::state::AppState;
use crate::stats;

/// `/rest` and `/rest/` with no method.
pub async fn handle_root(State(state): State<AppState>, req: Request) -> Response {
    handle(State(state), req).await
}

/// Splits `name.json` / `name.xml` into the method and its transport.
fn split_transport(method: &str) -> (&str, Transport) {
    let lower_ends = |suffix: &str| {
        method.len() > suffix.len()
            && method.is_char_boundary(method.len() - suffix.len())
            && method[method.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    if lower_ends(".json") {
        (&method[..method.len() - 5], Transport::Json)
    } else if lower_ends(".xml") {
        (&method[..method.len() - 4], Transport::Xml)
    } else {
        (method, Transport::Json)
    }
}

/// Any request under `/rest/`.
pub async fn handle(State(state): State<AppState>, req: Request) -> Response {
    let started_at = state.clock.system_time();
    let started = Instant::now();
    let (mut parts, body) = req.into_parts();
    let Ok(ClientAddr(client)) = ClientAddr::from_request_parts(&mut parts, &state).await;
    let path = parts.uri.path().to_string();
    let segments: Vec<&str> = path
        .trim_start_matches("/rest")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let (method, transport) = match segments.as_slice() {
        [_, _, m] | [m] => split_transport(m),
        _ => ("", Transport::Json),
    };
    let method = method.to_string();
    // Every line the call logs (leniency warnings, `batch` sub-calls) carries
    // its request id and, once known, the integration that called.
    let span = tracing::info_span!(
        "rest",
        request_id = %RequestId(rand::random()),
        integration = tracing::field::Empty
    );
    let outcome = run(&state, client, &parts, &segments, &method, transport, body)
        .instrument(span.clone())
        .await;
    let duration = started.elapsed();
    let (response, integration) = match outcome {
        Ok((out, processing, operating, integration)) => {
            let mut time = TimeBlock::new(
                started_at,
                state.clock.system_time(),
                processing,
                state.clock.offset,
            );
            if let Some(operating) = operating {
                time = time.with_operating(operating.seconds, operating.reset_at);
            }
            (respond::success(&out, &time, transport), integration)
        }
        Err((err, integration)) => (respond::error(&err, transport), integration),
    };
    span.in_scope(|| {
        tracing::info!(
            target: "portico::rest",
            method = %method,
            integration = %integration,
            status = response.status().as_u16(),
            duration_ms = duration.as_secs_f64() * 1000.0,
            "rest call"
        )
    });
    response
}

/// A request id: 64 random bits, written as 16 hex digits (unique across
/// servers in practice) only when a log line is written.
struct RequestId(u64);

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// The integration's name in the logs, recorded on the request's span.
fn named(auth: &AuthKind) -> String {
    let integration = auth.to_string();
    tracing::Span::current().record("integration", integration.as_str());
    integration
}

type Outcome = Result<
    (
        portico_methods::MethodOutput,
        std::time::Duration,
        Option<portico_methods::Operating>,
        String,
    ),
    (ApiError, String),
>;

/// One call: `parts` is the request's head, `segments` its path under
/// `/rest`, `method` the method named there.
async fn run(
    state: &AppState,
    client: Option<std::net::IpAddr>,
    parts: &axum::http::request::Parts,
    segments: &[&str],
    method: &str,
    transport: Transport,
    body: Body,
) -> Outcome {
    let (http_method, query, headers) = (&parts.method, parts.uri.query(), &parts.headers);
    let anonymous = || "-".to_string();
    if http_method != Method::GET && http_method != Method::POST {
        return Err((
            ApiError::from_code(ErrorCode::HttpMethodNotAllowed),
            anonymous(),
        ));
    }
    if let Some(refusal) = state.rest_limits.plan_refusal() {
        return Err((refusal, anonymous()));
    }
    let (caller, params) = match segments {
        [user_id, secret, _] => {
            let caller = auth::webhook(state, user_id, secret)
                .await
                .map_err(|e| (e, anonymous()))?;
            if let AuthKind::Webhook { id } = caller.auth {
                state.usage.record(&state.store, id, state.clock.now());
            }
            let integration = named(&caller.auth);
            if let Err(e) = admit(state, &caller.auth, client).await {
                return Err((e, integration));
            }
            // The method before the body: an unknown method is 404 whatever the body holds.
            let Some(spec) = state.registry.get(method) else {
                stats::count_refused(state, &caller.auth, None);
                return Err((ApiError::from_code(ErrorCode::MethodNotFound), integration));
            };
            let params = decode(query, headers, body, state.limits.max_body_bytes)
                .await
                .map_err(|e| {
                    stats::count_refused(state, &caller.auth, Some(spec.name));
                    (e, integration)
                })?;
            (caller, params)
        }
        [_] => {
            // An application's call: its token may be in the body, so the body first.
            let params = decode(query, headers, body, state.limits.max_body_bytes)
                .await
                .map_err(|e| (e, anonymous()))?;
            let mut map = params.into_map();
            let in_params = map.remove("auth");
            let token = match (auth::bearer_token(headers), &in_params) {
                (Some(token), _) => token.to_owned(),
                (None, Some(value)) => value.as_str().unwrap_or_default().to_owned(),
                (None, None) => {
                    return Err((ApiError::from_code(ErrorCode::NoAuthFound), anonymous()))
                }
            };
            let connector = map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("auth_connector"))
                .and_then(|(_, v)| v.as_str())
                .map(str::to_owned);
            let caller = auth::access_token(state, &token, connector)
                .await
                .map_err(|e| (e, anonymous()))?;
            let integration = named(&caller.auth);
            if let Err(e) = admit(state, &caller.auth, client).await {
                return Err((e, integration));
            }
            if state.registry.get(method).is_none() {
                stats::count_refused(state, &caller.auth, None);
                return Err((ApiError::from_code(ErrorCode::MethodNotFound), integration));
            }
            (caller, Params::new(map))
        }
        _ => return Err((ApiError::from_code(ErrorCode::MethodNotFound), anonymous())),
    };
    let integration = caller.auth.to_string();
    if let Some((fault, canonical)) = crate::sandbox::intercept(state, method, &integration).await {
        stats::count_refused(state, &caller.auth, canonical);
        return Err((fault, integration));
    }
    let tally = stats::Counted::new(state, &caller.auth, method);
    let mut ctx = state.ctx(caller);
    ctx.json_answer = transport == Transport::Json;
    ctx.sub_call_observer = tally.as_ref().and_then(|c| c.batch_observer(state));
    let processing_started = Instant::now();
    let counted = portico_methods::call_counted(ctx, method, params).await;
    let processing = processing_started.elapsed();
    if let Some(tally) = tally {
        tally.record(state, counted.outcome.is_ok(), processing);
    }
    match counted.outcome {
        Ok(out) => Ok((out, processing, counted.operating, integration)),
        Err(e) => Err((e, integration)),
    }
}

/// The request-rate limit (see [`crate::limits::RestLimits::admit`]).
async fn admit(
    state: &AppState,
    integration: &AuthKind,
    client: Option<std::net::IpAddr>,
) -> Result<(), ApiError> {
    state
        .rest_limits
        .admit(state.store.as_ref(), integration, client)
        .await
}
