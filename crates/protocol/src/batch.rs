//! The `batch` method's wire format: parsing `cmd`/`halt`, substituting
//! `$result[...]` references between commands and assembling the five result
//! sections (reference §1.7, §5). Running the commands is the caller's job.

use serde_json::{Map, Value};

use crate::envelope::php_map;
use crate::error::{ApiError, ErrorCode};
use crate::params::{
    clip, decode_urlencoded, is_list_keyed, value_as_bool, value_as_i64, ParamMap, Params,
};

#[cfg(test)]
mod tests;

/// Maximum number of commands in one batch.
pub const MAX_COMMANDS: usize = 50;

/// One sub-command of a batch.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchCommand {
    /// The command's key in `cmd` (`"0"`, `"get_user"`), used in every result section.
    pub key: String,
    /// The method name as sent, without `.json` or a trailing `/` (case kept).
    pub method: String,
    /// The decoded sub-query (PHP rules, lists normalised).
    pub params: ParamMap,
}

/// A parsed `batch` call.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchRequest {
    /// The commands in execution order.
    pub commands: Vec<BatchCommand>,
    /// Stop at the first failing command.
    pub halt: bool,
    /// `cmd` was a list (or keyed exactly `"0".."n-1"`): sections come back as lists.
    pub keys_are_list: bool,
}

/// From the outer params (case-insensitive `cmd`, `halt`): `cmd` may be an
/// object or an array (keys `"0".."n-1"`, `keys_are_list = true`; also true when
/// the object keys are exactly `"0".."n-1"`). Each value is a string `method` or
/// `method?query`; the query is decoded with PHP rules, `.json` and a trailing
/// `/` are stripped from the method and its case is kept.
///
/// Errors: missing or empty `cmd` → `INVALID_ARG_VALUE`; a non-string or
/// method-less command → `INVALID_ARG_VALUE` naming the key; more than
/// [`MAX_COMMANDS`] → `ERROR_BATCH_LENGTH_EXCEEDED`; a malformed sub-query →
/// `INVALID_REQUEST` naming the key. `halt` accepts `0`/`1`/`true`/`false`/`Y`/`N`
/// (any other non-zero integer is true), default false.
pub fn parse_batch(params: &Params) -> Result<BatchRequest, ApiError> {
    let (entries, keys_are_list): (Vec<(String, &Value)>, bool) = match params.get("cmd") {
        Some(Value::Array(items)) if !items.is_empty() => (
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            true,
        ),
        Some(Value::Object(map)) if !map.is_empty() => (
            map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            is_list_keyed(map),
        ),
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidArgValue,
                "Parameter 'cmd' must be a non-empty array",
            ))
        }
    };
    if entries.len() > MAX_COMMANDS {
        return Err(ApiError::from_code(ErrorCode::BatchLengthExceeded));
    }
    let commands = entries
        .into_iter()
        .map(|(key, value)| match value {
            Value::String(text) => parse_command(key, text),
            _ => Err(ApiError::new(
                ErrorCode::InvalidArgValue,
                format!("Command '{}' must be a string", clip(&key)),
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let halt = params
        .get("halt")
        .and_then(|v| value_as_bool(v).or_else(|| value_as_i64(v).map(|n| n != 0)))
        .unwrap_or(false);
    Ok(BatchRequest {
        commands,
        halt,
        keys_are_list,
    })
}

fn parse_command(key: String, text: &str) -> Result<BatchCommand, ApiError> {
    let (method, query) = match text.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (text, None),
    };
    let method = normalize_method(method);
    if method.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidArgValue,
            format!("Command '{}' has no method name", clip(&key)),
        ));
    }
    let params = match query {
        Some(q) => decode_urlencoded(q.as_bytes()).map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidRequest,
                format!("Command '{}': {}", clip(&key), e.message),
            )
        })?,
        None => ParamMap::new(),
    };
    Ok(BatchCommand {
        key,
        method: method.to_owned(),
        params,
    })
}

/// `crm.lead.add.json/` → `crm.lead.add`.
fn normalize_method(method: &str) -> &str {
    let m = method.trim().trim_end_matches('/');
    let cut = m.len().saturating_sub(5);
    let m = match m.get(cut..) {
        Some(suffix) if suffix.eq_ignore_ascii_case(".json") => &m[..cut],
        _ => m,
    };
    m.trim_end_matches('/')
}

/// Which section a reference reads.
#[derive(Clone, Copy)]
enum Source {
    Result,
    Total,
    Next,
}

/// One `$result…[key][path]…` occurrence: its byte span and parts.
struct Reference<'a> {
    start: usize,
    end: usize,
    source: Source,
    segments: Vec<&'a str>,
}

/// All references in `s`, in order, not overlapping.
fn find_references(s: &str) -> Vec<Reference<'_>> {
    let mut found: Vec<Reference<'_>> = Vec::new();
    for (start, _) in s.match_indices("$result") {
        if found.last().is_some_and(|r| start < r.end) {
            continue;
        }
        let after = &s[start + "$result".len()..];
        let (source, mut rest) = if let Some(r) = after.strip_prefix("_total") {
            (Source::Total, r)
        } else if let Some(r) = after.strip_prefix("_next") {
            (Source::Next, r)
        } else {
            (Source::Result, after)
        };
        let mut segments = Vec::new();
        while let Some(inner) = rest.strip_prefix('[') {
            match inner.find(']') {
                Some(close) if close > 0 => {
                    segments.push(&inner[..close]);
                    rest = &inner[close + 1..];
                }
                _ => break,
            }
        }
        if !segments.is_empty() {
            found.push(Reference {
                start,
                end: s.len() - rest.len(),
                source,
                segments,
            });
        }
    }
    found
}

/// The sections a reference can read from.
struct Sections<'a> {
    results: &'a Map<String, Value>,
    totals: &'a Map<String, Value>,
    nexts: &'a Map<String, Value>,
}

impl Sections<'_> {
    fn resolve(&self, r: &Reference<'_>) -> Option<&Value> {
        let map = match r.source {
            Source::Result => self.results,
            Source::Total => self.totals,
            Source::Next => self.nexts,
        };
        let (key, path) = r.segments.split_first()?;
        path.iter().try_fold(map.get(*key)?, |v, seg| match v {
            Value::Object(m) => m.get(*seg),
            Value::Array(items) => items.get(seg.parse::<usize>().ok()?),
            _ => None,
        })
    }

    /// The substituted leaf, or `None` when nothing changes.
    fn substitute_str(&self, s: &str) -> Option<Value> {
        if !s.contains("$result") {
            return None;
        }
        let refs = find_references(s);
        if let [only] = refs.as_slice() {
            if only.start == 0 && only.end == s.len() {
                return self.resolve(only).cloned();
            }
        }
        let mut out = String::with_capacity(s.len());
        let mut pos = 0;
        let mut changed = false;
        for r in &refs {
            out.push_str(&s[pos..r.start]);
            match self.resolve(r).and_then(scalar_text) {
                Some(text) => {
                    out.push_str(&text);
                    changed = true;
                }
                None => out.push_str(&s[r.start..r.end]),
            }
            pos = r.end;
        }
        out.push_str(&s[pos..]);
        changed.then_some(Value::String(out))
    }

    fn walk(&self, v: &mut Value) {
        match v {
            Value::String(s) => {
                if let Some(new) = self.substitute_str(s) {
                    *v = new;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.walk(item)),
            Value::Object(map) => map.values_mut().for_each(|item| self.walk(item)),
            _ => {}
        }
    }
}

/// Text of a scalar spliced into longer text (PHP string conversion); `None` for containers.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "" }.to_owned()),
        Value::Null => Some(String::new()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// Replace `$result[key][path]...` references inside every string leaf of
/// `params` (recursively) using the finished results so far (map key → result
/// value). A leaf that is exactly one reference becomes the referenced JSON
/// value itself (keeps arrays/numbers); a reference embedded in longer text is
/// replaced by its scalar text (numbers as written, strings raw, `true` `"1"`,
/// `false` and `null` `""`); unresolvable references, and containers embedded
/// in text, are left unchanged. Path segments index objects by key and arrays
/// by integer. `$result_total[key]` and `$result_next[key]` read `totals` and `nexts`.
pub fn substitute(
    params: &mut ParamMap,
    results: &Map<String, Value>,
    totals: &Map<String, Value>,
    nexts: &Map<String, Value>,
) {
    let sections = Sections {
        results,
        totals,
        nexts,
    };
    params.values_mut().for_each(|v| sections.walk(v));
}

/// Assemble the batch `result` object: `{"result":..,"result_error":..,
/// "result_total":..,"result_next":..,"result_time":..}`; each section goes
/// through [`php_map`] (empty → `[]`, `0..n-1` keys → list).
pub fn assemble(
    result: Map<String, Value>,
    result_error: Map<String, Value>,
    result_total: Map<String, Value>,
    result_next: Map<String, Value>,
    result_time: Map<String, Value>,
) -> Value {
    let mut out = Map::new();
    out.insert("result".into(), php_map(result));
    out.insert("result_error".into(), php_map(result_error));
    out.insert("result_total".into(), php_map(result_total));
    out.insert("result_next".into(), php_map(result_next));
    out.insert("result_time".into(), php_map(result_time));
    Value::Object(out)
}
