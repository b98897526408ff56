//! The response envelope: success and error bodies, the `time` block, PHP-style
//! map serialisation, date formatting and the XML transport (reference §3).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ApiError;

mod xml;

pub use xml::to_xml;

/// `Content-Type` of JSON answers (errors included).
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// `Content-Type` of answers to `.xml` calls.
pub const XML_CONTENT_TYPE: &str = "text/xml; charset=utf-8";

/// The `time` object of every success envelope (reference §3.2).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TimeBlock {
    /// Request start, Unix seconds with µs precision.
    pub start: f64,
    /// Request finish, Unix seconds with µs precision.
    pub finish: f64,
    /// `finish - start` in seconds.
    pub duration: f64,
    /// Seconds spent inside the method.
    pub processing: f64,
    /// `start` as ISO 8601 in the portal offset, e.g. `2024-07-23T08:11:02+00:00`.
    pub date_start: String,
    /// `finish` as ISO 8601 in the portal offset.
    pub date_finish: String,
    /// Unix time when the oldest operating-time bucket expires; with nothing
    /// spent (or operating limits off), the end of the window that starts with
    /// this call.
    pub operating_reset_at: i64,
    /// Operating seconds accumulated by this method for this client (`0` when
    /// nothing was spent or operating limits are off).
    pub operating: f64,
}

/// Length of Bitrix24's operating-time window, in seconds (reference §4.2).
pub const OPERATING_WINDOW_SECS: i64 = 600;

impl TimeBlock {
    /// A block for a call that ran from `start` to `finish` (wall clock), of which
    /// `processing` was spent in the method; dates are rendered in `offset`, the
    /// portal time zone. Floats are Unix seconds truncated to whole microseconds.
    pub fn new(
        start: SystemTime,
        finish: SystemTime,
        processing: Duration,
        offset: FixedOffset,
    ) -> Self {
        let start_us = unix_micros(start);
        let finish_us = unix_micros(finish);
        TimeBlock {
            start: start_us as f64 / 1e6,
            finish: finish_us as f64 / 1e6,
            duration: finish_us.saturating_sub(start_us).max(0) as f64 / 1e6,
            processing: processing.as_secs_f64(),
            date_start: format_datetime(start_us.div_euclid(1_000_000), offset),
            date_finish: format_datetime(finish_us.div_euclid(1_000_000), offset),
            operating_reset_at: start_us.div_euclid(1_000_000) + OPERATING_WINDOW_SECS,
            operating: 0.0,
        }
    }

    /// Sets the operating-limit fields `operating` and `operating_reset_at`.
    /// `reset_at` `None` keeps the end of the window that starts with this call.
    pub fn with_operating(mut self, operating: f64, reset_at: Option<i64>) -> Self {
        self.operating = operating;
        if let Some(at) = reset_at {
            self.operating_reset_at = at;
        }
        self
    }
}

/// Largest answer, in bytes of JSON, sent for one call (a whole `batch`
/// included); past it the call answers `RESPONSE_TOO_LARGE`, so no request can
/// make the server hold an unbounded answer in memory.
pub const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// About how long `value` is as JSON, from one walk of the tree without
/// formatting it: exact for structure and keys, numbers counted at their
/// longest (20 bytes) and strings without escapes, so it errs high except on
/// strings that need escaping. For keeping a growing answer under
/// [`MAX_ANSWER_BYTES`]; the written answer is checked exactly.
pub fn json_len_estimate(value: &Value) -> usize {
    match value {
        Value::Null => 4,
        Value::Bool(_) => 5,
        Value::Number(_) => 20,
        Value::String(s) => s.len() + 2,
        Value::Array(items) => items
            .iter()
            .map(|v| json_len_estimate(v) + 1)
            .sum::<usize>()
            .saturating_add(2),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| k.len() + 4 + json_len_estimate(v))
            .sum::<usize>()
            .saturating_add(2),
    }
}

/// Microseconds since the Unix epoch (negative before it), saturating.
fn unix_micros(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_micros()).map_or(i64::MIN, |us| -us),
    }
}

/// Unix seconds as `2024-05-23T18:18:25+02:00` in `offset`. Times outside
/// chrono's range are rendered as the epoch rather than failing.
pub fn format_datetime(unix_seconds: i64, offset: FixedOffset) -> String {
    use chrono::{Datelike, Timelike};
    // Written digit by digit: this runs for every date of every record
    // answered and twice for each answer's `time`, and a formatting pattern
    // costs more than the date arithmetic itself.
    let t = DateTime::from_timestamp(unix_seconds, 0)
        .unwrap_or(DateTime::UNIX_EPOCH)
        .with_timezone(&offset);
    let off = offset.local_minus_utc();
    let sign = if off < 0 { b'-' } else { b'+' };
    let off = off.unsigned_abs() / 60;
    if !(0..=9999).contains(&t.year()) {
        return format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            char::from(sign),
            off / 60,
            off % 60
        );
    }
    let year = t.year().unsigned_abs();
    let mut b = *b"0000-00-00T00:00:00+00:00";
    let two = |b: &mut [u8], at: usize, n: u32| {
        b[at] = b'0' + (n / 10 % 10) as u8;
        b[at + 1] = b'0' + (n % 10) as u8;
    };
    two(&mut b, 0, year / 100);
    two(&mut b, 2, year % 100);
    two(&mut b, 5, t.month());
    two(&mut b, 8, t.day());
    two(&mut b, 11, t.hour());
    two(&mut b, 14, t.minute());
    two(&mut b, 17, t.second());
    b[19] = sign;
    two(&mut b, 20, off / 60);
    two(&mut b, 23, off % 60);
    std::str::from_utf8(&b).unwrap_or_default().to_owned()
}

/// Parses a date or date-time sent by a client into Unix seconds.
///
/// Accepted: RFC 3339 with an offset or `Z` (also with a space instead of `T`),
/// `YYYY-MM-DDTHH:MM[:SS]`, `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DD` (midnight),
/// `DD.MM.YYYY` and `DD.MM.YYYY HH:MM[:SS]` (portal format). Forms without an
/// offset are read in `offset`. Fractional seconds are accepted and dropped.
pub fn parse_datetime(s: &str, offset: FixedOffset) -> Option<i64> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp());
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Some(dt.timestamp());
        }
    }
    const NAIVE: [&str; 6] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%d.%m.%Y %H:%M:%S",
        "%d.%m.%Y %H:%M",
    ];
    let naive = NAIVE
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(s, fmt).ok())
        .or_else(|| {
            ["%Y-%m-%d", "%d.%m.%Y"]
                .iter()
                .find_map(|fmt| NaiveDate::parse_from_str(s, fmt).ok())
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    naive
        .and_utc()
        .timestamp()
        .checked_sub(i64::from(offset.local_minus_utc()))
}

/// The body answered when an answer cannot be written.
const INTERNAL_ERROR_BODY: &[u8] =
    br#"{"error":"INTERNAL_SERVER_ERROR","error_description":"Internal server error"}"#;

/// Serialises with a fallback, so a body is always produced.
fn to_bytes(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|_| INTERNAL_ERROR_BODY.to_vec())
}

/// The success envelope `{"result":…, "next":…, "total":…, "time":{…}}`;
/// `next` and `total` appear only when `Some`.
pub fn success_body(
    result: &Value,
    total: Option<i64>,
    next: Option<i64>,
    time: &TimeBlock,
) -> Vec<u8> {
    write_success(1024, total, next, time, |out| {
        serde_json::to_writer(out, result)
    })
}

/// [`success_body`] for a result already written as JSON text (`result_json`
/// must be one valid JSON value): the same bytes as [`success_body`] over the
/// parsed value, without building it.
pub fn success_body_json(
    result_json: &[u8],
    total: Option<i64>,
    next: Option<i64>,
    time: &TimeBlock,
) -> Vec<u8> {
    write_success(result_json.len(), total, next, time, |out| {
        out.extend_from_slice(result_json);
        Ok(())
    })
}

/// Writes the success envelope around the result written by `result`, as
/// `serde_json`'s compact form of `{result, next?, total?, time}` would be.
fn write_success(
    result_len: usize,
    total: Option<i64>,
    next: Option<i64>,
    time: &TimeBlock,
    result: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>,
) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::with_capacity(result_len + 320);
    out.extend_from_slice(b"{\"result\":");
    let written = result(&mut out).and_then(|()| {
        if let Some(next) = next {
            write!(out, ",\"next\":{next}").map_err(serde_json::Error::io)?;
        }
        if let Some(total) = total {
            write!(out, ",\"total\":{total}").map_err(serde_json::Error::io)?;
        }
        out.extend_from_slice(b",\"time\":");
        serde_json::to_writer(&mut out, time)
    });
    match written {
        Ok(()) => {
            out.push(b'}');
            out
        }
        Err(_) => INTERNAL_ERROR_BODY.to_vec(),
    }
}

/// The error envelope `{"error":…, "error_description":…}`.
pub fn error_body(err: &ApiError) -> Vec<u8> {
    to_bytes(&err.to_json())
}

/// A map as PHP's `json_encode` would write an array: empty → `[]`, keys
/// exactly `"0".."n-1"` in order → a JSON list, anything else → an object.
/// Only the top level is converted.
pub fn php_map(map: Map<String, Value>) -> Value {
    if map.is_empty() || crate::params::is_list_keyed(&map) {
        Value::Array(map.into_iter().map(|(_, v)| v).collect())
    } else {
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests;
