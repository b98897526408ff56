//! Decoding a request's parameters once: the query string and the body (JSON,
//! form-urlencoded or multipart), PHP bracket syntax, merged with the body winning.
//! Every failure is a protocol error: 413 for an oversized body, 408 for a body
//! that did not arrive within the body timeout, 415 for an unknown body type, 400
//! for malformed JSON or brackets.

use axum::body::Body;
use axum::http::{header, HeaderMap};
use bytes::Bytes;
use portico_protocol::params::{
    decode_json, decode_urlencoded, merge, ParamBuilder, ParamMap, Params,
};
use portico_protocol::{ApiError, ErrorCode};
use serde_json::Value;

/// Reads the body (at most `max_body` bytes) and decodes query and body into one tree.
pub async fn decode(
    query: Option<&str>,
    headers: &HeaderMap,
    body: Body,
    max_body: usize,
) -> Result<Params, ApiError> {
    let from_query = match query {
        Some(q) if !q.is_empty() => decode_urlencoded(q.as_bytes())?,
        _ => ParamMap::new(),
    };
    let too_large = || ApiError::from_code(ErrorCode::PayloadTooLarge);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body as u64) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, max_body)
        .await
        .map_err(|e| body_error(e, too_large))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Params::new(from_query));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mime = content_type.split(';').next().unwrap_or("").trim();
    let from_body = match mime {
        "application/json" | "text/json" => decode_json(&bytes)?,
        m if m.ends_with("+json") => decode_json(&bytes)?,
        "application/x-www-form-urlencoded" | "" => decode_urlencoded(&bytes)?,
        "multipart/form-data" => decode_multipart(&content_type, bytes).await?,
        _ => {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                format!("Unsupported Content-Type '{mime}': send JSON, form-urlencoded or multipart/form-data"),
            ))
        }
    };
    Ok(Params::new(merge(from_query, from_body)))
}

/// Multipart parts become parameters by their field names (bracket syntax applies);
/// file parts carry their content as text.
async fn decode_multipart(content_type: &str, bytes: Bytes) -> Result<ParamMap, ApiError> {
    let bad = |msg: String| ApiError::new(ErrorCode::InvalidRequest, msg);
    let boundary = multer::parse_boundary(content_type)
        .map_err(|e| bad(format!("Malformed multipart body: {e}")))?;
    let stream = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut builder = ParamBuilder::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(format!("Malformed multipart body: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let data = field
            .bytes()
            .await
            .map_err(|e| bad(format!("Malformed multipart body: {e}")))?;
        let text = String::from_utf8(data.to_vec())
            .map_err(|_| bad(format!("Multipart field '{name}' is not UTF-8 text")))?;
        builder.insert(&name, Value::String(text))?;
    }
    Ok(builder.finish())
}

/// A body that could not be read: over the limit is 413; not received within the
/// body timeout is 408; cut off or malformed chunks is the client's malformed
/// request, 400.
fn body_error(e: axum::Error, too_large: impl Fn() -> ApiError) -> ApiError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return too_large();
        }
        if err.is::<crate::server::BodyTimeout>() {
            return ApiError::from_code(ErrorCode::RequestTimeout);
        }
        source = err.source();
    }
    ApiError::new(
        ErrorCode::InvalidRequest,
        "The request body could not be read (malformed or cut off)",
    )
}
