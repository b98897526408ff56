//! Unit tests of the envelope writers and date helpers.

use super::*;
use crate::error::ErrorCode;
use serde_json::json;

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap()
}

fn plus(hours: i32) -> FixedOffset {
    FixedOffset::east_opt(hours * 3600).unwrap()
}

fn at(secs: u64, micros: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_micros(micros)
}

#[test]
fn time_block_matches_docs_example() {
    let t = TimeBlock::new(
        at(1_721_722_262, 960_948),
        at(1_721_722_262, 985_244),
        Duration::from_micros(1299),
        utc(),
    );
    assert_eq!(t.start, 1_721_722_262.960948);
    assert_eq!(t.finish, 1_721_722_262.985244);
    assert!((t.duration - 0.024296).abs() < 1e-9);
    assert!((t.processing - 0.001299).abs() < 1e-12);
    assert_eq!(t.date_start, "2024-07-23T08:11:02+00:00");
    assert_eq!(t.date_finish, "2024-07-23T08:11:02+00:00");
    let v = serde_json::to_value(&t).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "start",
            "finish",
            "duration",
            "processing",
            "date_start",
            "date_finish",
            "operating_reset_at",
            "operating"
        ]
    );
    // Nothing spent: 0, and the window that starts with this call.
    assert_eq!(v["operating"], json!(0.0));
    assert_eq!(v["operating_reset_at"], json!(1_721_722_262 + 600));
}

#[test]
fn time_block_offset_operating_and_clock_skew() {
    let t = TimeBlock::new(
        at(1_757_424_671, 509_725),
        at(1_757_424_672, 203_906),
        Duration::ZERO,
        plus(3),
    )
    .with_operating(0.5, Some(1_757_425_271));
    assert_eq!(t.date_start, "2025-09-09T16:31:11+03:00");
    assert_eq!(t.date_finish, "2025-09-09T16:31:12+03:00");
    let v = serde_json::to_value(&t).unwrap();
    assert_eq!(v["operating"], json!(0.5));
    assert_eq!(v["operating_reset_at"], json!(1_757_425_271));
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(&keys[6..], ["operating_reset_at", "operating"]);
    // finish before start: duration is clamped, nothing panics.
    let skew = TimeBlock::new(at(10, 0), at(5, 0), Duration::ZERO, utc());
    assert_eq!(skew.duration, 0.0);
    // Before the epoch.
    let old = TimeBlock::new(
        UNIX_EPOCH - Duration::from_millis(1500),
        UNIX_EPOCH,
        Duration::ZERO,
        utc(),
    );
    assert_eq!(old.start, -1.5);
    assert_eq!(old.date_start, "1969-12-31T23:59:58+00:00");
}

#[test]
fn datetime_formatting() {
    assert_eq!(
        format_datetime(1_716_481_105, plus(2)),
        "2024-05-23T18:18:25+02:00"
    );
    assert_eq!(format_datetime(0, utc()), "1970-01-01T00:00:00+00:00");
    let minus = FixedOffset::west_opt(5 * 3600 + 1800).unwrap();
    assert_eq!(format_datetime(0, minus), "1969-12-31T18:30:00-05:30");
    // Out of range: no panic.
    assert_eq!(
        format_datetime(i64::MAX, utc()),
        "1970-01-01T00:00:00+00:00"
    );
    let max = DateTime::<chrono::Utc>::MAX_UTC.timestamp();
    let min = DateTime::<chrono::Utc>::MIN_UTC.timestamp();
    let far_east = FixedOffset::east_opt(86_399).unwrap();
    let far_west = FixedOffset::west_opt(86_399).unwrap();
    for (t, off) in [
        (max, far_east),
        (min, far_west),
        (max, far_west),
        (min, far_east),
    ] {
        assert!(!format_datetime(t, off).is_empty());
        let far = UNIX_EPOCH + Duration::from_secs(u64::MAX / 4);
        let _ = TimeBlock::new(far, UNIX_EPOCH, Duration::MAX, off);
        let _ = parse_datetime("+262142-12-31T23:59:59", off);
        let _ = parse_datetime("31.12.262143 23:59:59", off);
    }
}

#[test]
fn datetime_parsing() {
    let off = plus(2);
    let t = 1_716_481_105; // 2024-05-23T16:18:25Z
    for (s, want) in [
        ("2024-05-23T18:18:25+02:00", Some(t)),
        ("2024-05-23T16:18:25Z", Some(t)),
        ("2024-05-23T16:18:25.123Z", Some(t)),
        ("2024-05-23 18:18:25+02:00", Some(t)),
        ("2024-05-23T19:18:25+0300", Some(t)),
        (" 2024-05-23T18:18:25 ", Some(t)),
        ("2024-05-23 18:18:25", Some(t)),
        ("2024-05-23T18:18", Some(t - 25)),
        ("23.05.2024 18:18:25", Some(t)),
        ("23.05.2024 18:18", Some(t - 25)),
        ("2024-05-23", Some(1_716_415_200)),
        ("23.05.2024", Some(1_716_415_200)),
        ("2024-02-30", None),
        ("2024-05-23T25:00:00", None),
        ("yesterday", None),
        ("", None),
        ("1716481105", None),
    ] {
        assert_eq!(parse_datetime(s, off), want, "{s:?}");
    }
    assert_eq!(parse_datetime("2024-05-23", utc()), Some(1_716_422_400));
    assert_eq!(
        parse_datetime("2024-05-23", off),
        Some(1_716_422_400 - 7200)
    );
}

/// The digit-by-digit writer gives what formatting chrono's fields with
/// padded `format!` gives, across offsets, centuries, leap days, years past
/// 9999 and the ends of the range.
#[test]
fn format_datetime_matches_padded_formatting() {
    use chrono::{Datelike, Timelike};
    let offsets = [
        0,
        3600 * 2,
        -(3600 * 5 + 1800),
        3600 * 14,
        -(3600 * 12),
        345 * 60,
    ];
    let mut times = vec![
        0,
        -1,
        951_782_400,
        4_107_542_399,
        253_402_300_799,
        253_402_300_800,
        -62_167_219_200,
        -62_167_219_201,
        i64::MAX,
        i64::MIN,
    ];
    let mut x: i64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..2000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        times.push(x % 20_000_000_000);
    }
    for &secs in &times {
        for &off in &offsets {
            let offset = FixedOffset::east_opt(off).unwrap();
            let t = DateTime::from_timestamp(secs, 0)
                .unwrap_or(DateTime::UNIX_EPOCH)
                .with_timezone(&offset);
            let want = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                if off < 0 { '-' } else { '+' },
                off.unsigned_abs() / 3600,
                off.unsigned_abs() / 60 % 60
            );
            assert_eq!(format_datetime(secs, offset), want, "{secs} {off}");
        }
    }
}

#[test]
fn success_envelope() {
    let time = TimeBlock::new(at(1, 0), at(2, 0), Duration::ZERO, utc());
    let body = success_body(&json!([{"ID": "1"}]), Some(654), Some(50), &time);
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.starts_with(r#"{"result":[{"ID":"1"}],"next":50,"total":654,"time":{"start":1.0,"#),
        "{text}"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["time"]["date_finish"], json!("1970-01-01T00:00:02+00:00"));

    let body = success_body(&json!(true), Some(0), None, &time);
    let v: Value = serde_json::from_slice(&body).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["result", "total", "time"]);

    let body = success_body(&json!(3465), None, None, &time);
    let v: Value = serde_json::from_slice(&body).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["result", "time"]);
}

/// The envelope written by hand is the bytes the derived form wrote before,
/// and a result given as JSON text gives the same bytes as its value.
#[test]
fn success_envelope_as_derived_and_from_json_text() {
    #[derive(serde::Serialize)]
    struct Derived<'a> {
        result: &'a Value,
        #[serde(skip_serializing_if = "Option::is_none")]
        next: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        total: Option<i64>,
        time: &'a TimeBlock,
    }
    let time = TimeBlock::new(at(1, 250), at(2, 0), Duration::from_micros(1234), utc())
        .with_operating(0.5, Some(99));
    let results = [
        json!({"ID": "1", "TITLE": "a \"quoted\" é", "PHONE": [{"ID": "2"}], "N": null}),
        json!([]),
        json!(true),
        json!(-3),
    ];
    for result in &results {
        for (total, next) in [(None, None), (Some(0), None), (Some(654), Some(50))] {
            let derived = serde_json::to_vec(&Derived {
                result,
                next,
                total,
                time: &time,
            })
            .unwrap();
            assert_eq!(success_body(result, total, next, &time), derived);
            let text = serde_json::to_vec(result).unwrap();
            assert_eq!(success_body_json(&text, total, next, &time), derived);
        }
    }
}

#[test]
fn error_envelope() {
    let body = error_body(&ApiError::from_code(ErrorCode::MethodNotFound));
    assert_eq!(
        body,
        br#"{"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!"}"#
    );
    assert_eq!(
        error_body(&ApiError::legacy("Not found")),
        br#"{"error":"","error_description":"Not found"}"#
    );
}

#[test]
fn php_maps() {
    let m = |v: Value| v.as_object().cloned().unwrap();
    assert_eq!(php_map(Map::new()), json!([]));
    assert_eq!(
        php_map(m(json!({"0": "a", "1": {"0": "b"}}))),
        json!(["a", {"0": "b"}])
    );
    assert_eq!(
        php_map(m(json!({"1": "a", "0": "b"}))),
        json!({"1": "a", "0": "b"})
    );
    assert_eq!(php_map(m(json!({"get_user": 1}))), json!({"get_user": 1}));
    assert_eq!(
        php_map(m(json!({"0": "a", "2": "b"}))),
        json!({"0": "a", "2": "b"})
    );
}

#[test]
fn json_length_estimate_is_close_and_high() {
    let v = json!({"ID": "12", "TITLE": "x".repeat(1000), "N": 5, "L": [true, null, {"a": "b"}], "E": []});
    let exact = serde_json::to_string(&v).unwrap().len();
    let estimate = json_len_estimate(&v);
    assert!(
        estimate >= exact && estimate < exact + 64,
        "{estimate} vs {exact}"
    );
}
