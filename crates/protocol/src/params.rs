//! Request parameters: PHP `parse_str` decoding of query strings and form
//! bodies, JSON bodies, merging them, and case-tolerant lookup (reference §1.2, §1.3).
//!
//! Differences from PHP, on purpose: `.` and space in top-level names are kept
//! (PHP turns them into `_`), and malformed bracket syntax is an error instead
//! of being silently repaired.

mod builder;
mod coerce;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::fmt;

use serde_json::Value;

use crate::error::{ApiError, ErrorCode};

pub use builder::ParamBuilder;
pub use coerce::{value_as_bool, value_as_f64, value_as_i64, value_as_string};

/// Decoded parameters, top level always a map; insertion order is kept.
pub type ParamMap = serde_json::Map<String, Value>;

/// Maximum bracket nesting below the top-level name (`a[1][2]…[32]`).
pub const MAX_DEPTH: usize = 32;

/// Maximum number of `name=value` pairs one request may carry.
pub const MAX_PAIRS: usize = 50_000;

/// Why parameters could not be decoded; answered as 400 `INVALID_REQUEST`.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    /// Human-readable reason, sent as `error_description`.
    pub message: String,
}

impl DecodeError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        DecodeError {
            message: message.into(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

impl From<DecodeError> for ApiError {
    fn from(e: DecodeError) -> Self {
        ApiError::new(ErrorCode::InvalidRequest, e.message)
    }
}

/// Decodes a query string or `application/x-www-form-urlencoded` body with PHP rules.
///
/// `+` is a space, `%XX` is decoded (invalid UTF-8 replaced), empty pairs are
/// skipped, a pair without `=` has the value `""`; every value is a JSON string.
pub fn decode_urlencoded(input: &[u8]) -> Result<ParamMap, DecodeError> {
    let mut builder = ParamBuilder::new();
    decode_urlencoded_into(&mut builder, input)?;
    Ok(builder.finish())
}

/// Like [`decode_urlencoded`], adding the pairs to an existing builder
/// (e.g. the text fields of a multipart body).
pub fn decode_urlencoded_into(b: &mut ParamBuilder, input: &[u8]) -> Result<(), DecodeError> {
    for (name, value) in form_urlencoded::parse(input) {
        b.insert(&name, Value::String(value.into_owned()))?;
    }
    Ok(())
}

/// Decodes an `application/json` body whose top level must be an object.
///
/// An empty or whitespace-only body (and a leading UTF-8 BOM) is accepted as
/// `{}`. JSON bodies keep their shape: no list normalisation happens here.
pub fn decode_json(input: &[u8]) -> Result<ParamMap, DecodeError> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    if input.iter().all(u8::is_ascii_whitespace) {
        return Ok(ParamMap::new());
    }
    match serde_json::from_slice::<Value>(input) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(DecodeError::new("JSON body must be an object")),
        Err(e) => Err(DecodeError::new(format!("Invalid JSON body: {e}"))),
    }
}

/// Merges top-level parameters: `overlay` (the body) wins over `base` (the query).
///
/// A base key equal to an overlay key ignoring ASCII case is dropped. Kept base
/// keys come first in their order, then the overlay keys in theirs.
pub fn merge(base: ParamMap, overlay: ParamMap) -> ParamMap {
    if base.is_empty() {
        return overlay;
    }
    let shadowed: HashSet<String> = overlay.keys().map(|k| k.to_ascii_lowercase()).collect();
    let mut out: ParamMap = base
        .into_iter()
        .filter(|(k, _)| !shadowed.contains(&k.to_ascii_lowercase()))
        .collect();
    out.extend(overlay);
    out
}

/// Turns every object whose keys are exactly `"0"`, `"1"`, …, `"n-1"` in that
/// order (n ≥ 1) into an array, recursively. For decoded form data and batch
/// sub-queries; JSON bodies are not passed through this.
pub fn normalize_lists(v: Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.into_iter().map(normalize_lists).collect()),
        Value::Object(map) => {
            if is_list_keyed(&map) {
                Value::Array(map.into_iter().map(|(_, v)| normalize_lists(v)).collect())
            } else {
                Value::Object(
                    map.into_iter()
                        .map(|(k, v)| (k, normalize_lists(v)))
                        .collect(),
                )
            }
        }
        other => other,
    }
}

/// Whether `map` is non-empty with keys exactly `"0".."n-1"` in order.
pub(crate) fn is_list_keyed(map: &ParamMap) -> bool {
    !map.is_empty() && map.keys().enumerate().all(|(i, k)| *k == i.to_string())
}

/// At most 100 characters of `s`, for error messages that quote client input.
pub(crate) fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(100).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// The decoded, merged parameters of one call, with case-tolerant lookup.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params(ParamMap);

impl Params {
    /// Wraps a decoded map.
    pub fn new(map: ParamMap) -> Self {
        Params(map)
    }

    /// The underlying map.
    pub fn map(&self) -> &ParamMap {
        &self.0
    }

    /// Unwraps into the underlying map.
    pub fn into_map(self) -> ParamMap {
        self.0
    }

    /// A top-level parameter: the exact key first, then the first key equal ignoring ASCII case.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name).or_else(|| {
            self.0
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
    }
}

impl From<ParamMap> for Params {
    fn from(map: ParamMap) -> Self {
        Params(map)
    }
}
