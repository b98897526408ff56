//! Request parameters: PHP `parse_str` decoding of query strings and form
//! bodies, JSON bodies, merging them, and case-tolerant lookup (reference §1.2, §1.3).
//!
//! Differences from PHP, on purpose: `.` and space in top-level names are kept
//! (PHP turns them into `_`), and malformed bracket syntax is an error instead
//! of being silently repaired.

mod builder;
mod coerce;
mod json;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
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

/// Maximum number of values (objects, lists and leaves) one JSON body may carry.
pub const MAX_ELEMENTS: usize = 100_000;

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

/// Decodes an `application/json` body.
///
/// The top level is an object, or a list read as PHP reads it: `[]` (what
/// PHP's `json_encode([])` sends) is no parameters and `["a"]` is `{"0":"a"}`.
/// An empty or whitespace-only body (and a leading UTF-8 BOM) is no parameters.
/// Nested values take the canonical shape of bracket decoding: an object keyed
/// exactly `"0".."n-1"` is a list and `{}` is `[]` (see [`normalize_lists`]).
/// At most [`MAX_ELEMENTS`] values are decoded.
pub fn decode_json(input: &[u8]) -> Result<ParamMap, DecodeError> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    if input.iter().all(u8::is_ascii_whitespace) {
        return Ok(ParamMap::new());
    }
    match json::parse_bounded(input)? {
        Value::Object(map) => Ok(map),
        Value::Array(items) => Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect()),
        _ => Err(DecodeError::new("JSON body must be an object or a list")),
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

/// The canonical shape of a PHP array tree: every object whose keys are exactly
/// `"0"`, `"1"`, …, `"n-1"` in that order (n ≥ 1) becomes a list and every empty
/// object becomes `[]`, recursively. Bracket decoding and [`decode_json`] already
/// produce this shape; this is for trees built elsewhere.
pub fn normalize_lists(v: Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.into_iter().map(normalize_lists).collect()),
        Value::Object(map) => json::canonical_map(
            map.into_iter()
                .map(|(k, v)| (k, normalize_lists(v)))
                .collect(),
        ),
        other => other,
    }
}

/// A value read as a PHP array (what Bitrix24's `is_array` accepts): an object
/// as it is, a list keyed `"0".."n-1"`; `None` for scalars and `null`.
pub fn php_array(v: &Value) -> Option<Cow<'_, ParamMap>> {
    match v {
        Value::Object(map) => Some(Cow::Borrowed(map)),
        Value::Array(items) => Some(Cow::Owned(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v.clone()))
                .collect(),
        )),
        _ => None,
    }
}

/// The values of a PHP array in order (an object's values, a list's items);
/// a scalar, `null` included, is a one-value list.
pub fn php_values(v: &Value) -> Vec<&Value> {
    match v {
        Value::Object(map) => map.values().collect(),
        Value::Array(items) => items.iter().collect(),
        scalar => vec![scalar],
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

    /// An array parameter found as Bitrix24's CRM resolves it: `name` in any
    /// case (`fields`, `FIELDS`, `Fields`), then the Hungarian `arFields`; a
    /// `null` counts as absent.
    pub fn resolve(&self, name: &str) -> Option<&Value> {
        let found = self.get(name).or_else(|| {
            let hungarian = format!("ar{name}");
            self.get(&hungarian)
        });
        found.filter(|v| !v.is_null())
    }

    /// An array parameter (see [`Params::resolve`]) read as a PHP array: absent,
    /// `null` and `""` are `None`, an object or a list is its map; any other
    /// value is the legacy error `Parameter '{name}' must be array.`.
    pub fn array(&self, name: &str) -> Result<Option<Cow<'_, ParamMap>>, ApiError> {
        match self.resolve(name) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(v) => php_array(v)
                .map(Some)
                .ok_or_else(|| ApiError::legacy(format!("Parameter '{name}' must be array."))),
        }
    }
}

impl From<ParamMap> for Params {
    fn from(map: ParamMap) -> Self {
        Params(map)
    }
}
