//! Building HTTP answers: the success envelope and `{"error","error_description"}`
//! errors, as JSON (or XML for `.xml`), always with the protocol's status and
//! content type — never HTML, never a stack trace. Every answer under `/rest`
//! is marked not to be stored by caches nor content-sniffed by browsers.

use std::any::Any;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use portico_methods::MethodOutput;
use portico_protocol::envelope::{
    error_body, success_body, success_body_json, to_xml, TimeBlock, JSON_CONTENT_TYPE,
    MAX_ANSWER_BYTES, XML_CONTENT_TYPE,
};
use portico_protocol::{ApiError, ErrorCode};
use serde_json::{Map, Value};

/// Response transport chosen by the method suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// `.json` or no suffix.
    Json,
    /// `.xml`.
    Xml,
}

fn build(status: u16, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

/// A successful call; an answer over [`MAX_ANSWER_BYTES`] becomes the
/// `RESPONSE_TOO_LARGE` error.
pub fn success(out: &MethodOutput, time: &TimeBlock, transport: Transport) -> Response {
    match transport {
        Transport::Json => {
            let body = match &out.result_json {
                Some(json) => success_body_json(json, out.total, out.next, time),
                None => success_body(&out.result, out.total, out.next, time),
            };
            if body.len() > MAX_ANSWER_BYTES {
                return error(&too_large_answer(), transport);
            }
            build(200, JSON_CONTENT_TYPE, body)
        }
        Transport::Xml => {
            let mut m = Map::new();
            m.insert("result".into(), out.clone().into_value());
            if let Some(next) = out.next {
                m.insert("next".into(), Value::from(next));
            }
            if let Some(total) = out.total {
                m.insert("total".into(), Value::from(total));
            }
            m.insert(
                "time".into(),
                serde_json::to_value(time).unwrap_or(Value::Null),
            );
            let body = to_xml(&Value::Object(m)).into_bytes();
            if body.len() > MAX_ANSWER_BYTES {
                return error(&too_large_answer(), transport);
            }
            build(200, XML_CONTENT_TYPE, body)
        }
    }
}

/// A failed call; a limit refusal carries `Retry-After`.
pub fn error(err: &ApiError, transport: Transport) -> Response {
    let mut res = error_body_response(err, transport);
    if let Some(seconds) = err.retry_after {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    }
    res
}

fn error_body_response(err: &ApiError, transport: Transport) -> Response {
    match transport {
        Transport::Json => build(err.status, JSON_CONTENT_TYPE, error_body(err)),
        Transport::Xml => build(
            err.status,
            XML_CONTENT_TYPE,
            to_xml(&err.to_json()).into_bytes(),
        ),
    }
}

/// Any path that is not served.
pub async fn not_found() -> Response {
    error(
        &ApiError::new(ErrorCode::NotFound, "No such page").with_status(404),
        Transport::Json,
    )
}

/// A handler panicked: a generic JSON 500; the panic itself goes to the log only.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let text = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = text, "request handler panicked");
    error(&ApiError::internal(), Transport::Json)
}

/// The error for an answer over [`MAX_ANSWER_BYTES`].
fn too_large_answer() -> ApiError {
    ApiError::new(
        ErrorCode::ResponseTooLarge,
        format!(
            "The answer would be larger than {} MiB: ask for fewer records or fields",
            MAX_ANSWER_BYTES / (1024 * 1024)
        ),
    )
}

/// Adds `Cache-Control: no-store` and `X-Content-Type-Options: nosniff` to every
/// answer under `/rest` (success, error, panic): answers carry CRM data and are
/// never to be kept by caches, nor read as anything but their content type.
pub async fn rest_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let rest = path == "/rest" || path.starts_with("/rest/");
    let mut res = next.run(req).await;
    if rest {
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
    res
}
