//! Lenient scalar coercions for parameter values.
//!
//! Form-encoded values are always strings while JSON bodies carry real numbers
//! and booleans; methods read both through these helpers.

use serde_json::Value;

/// An integer from a JSON integer, an integral float or a trimmed decimal string (`"12"`).
pub fn value_as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            let f = n.as_f64()?;
            // [-2^63, 2^63) keeps the cast exact (no saturation).
            let bound = -(i64::MIN as f64);
            (f.fract() == 0.0 && (-bound..bound).contains(&f)).then_some(f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A finite float from a JSON number or a numeric string; NaN and infinities are rejected.
pub fn value_as_f64(v: &Value) -> Option<f64> {
    let f = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => {
            let s = s.trim();
            // Rust also parses "inf"/"nan"; only plain decimal notation is wanted.
            if !s
                .bytes()
                .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
            {
                return None;
            }
            s.parse().ok()?
        }
        _ => return None,
    };
    f.is_finite().then_some(f)
}

/// A boolean from `true`/`false`, `1`/`0`, `"1"`/`"0"`, `"Y"`/`"N"` or
/// `"true"`/`"false"` (strings case-insensitive, trimmed); anything else, `""` included, is `None`.
pub fn value_as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(_) => match value_as_i64(v) {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(s) => {
            let s = s.trim();
            if s == "1" || s.eq_ignore_ascii_case("y") || s.eq_ignore_ascii_case("true") {
                Some(true)
            } else if s == "0" || s.eq_ignore_ascii_case("n") || s.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Text of a scalar: strings as they are, numbers as written, `true` as `"1"` and
/// `false` as `""` (PHP string conversion); `null`, arrays and objects give `None`.
pub fn value_as_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(true) => Some("1".to_owned()),
        Value::Bool(false) => Some(String::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn as_i64() {
        assert_eq!(value_as_i64(&json!(12)), Some(12));
        assert_eq!(value_as_i64(&json!(-7)), Some(-7));
        assert_eq!(value_as_i64(&json!(3.0)), Some(3));
        assert_eq!(value_as_i64(&json!(3.5)), None);
        assert_eq!(value_as_i64(&json!(1e300)), None);
        assert_eq!(value_as_i64(&json!(u64::MAX)), None);
        assert_eq!(value_as_i64(&json!(" 12 ")), Some(12));
        assert_eq!(value_as_i64(&json!("12.5")), None);
        assert_eq!(value_as_i64(&json!("abc")), None);
        assert_eq!(value_as_i64(&json!("")), None);
        assert_eq!(value_as_i64(&json!(true)), None);
        assert_eq!(value_as_i64(&json!(null)), None);
        assert_eq!(value_as_i64(&json!([1])), None);
    }

    #[test]
    fn as_f64() {
        assert_eq!(value_as_f64(&json!(1.5)), Some(1.5));
        assert_eq!(value_as_f64(&json!(2)), Some(2.0));
        assert_eq!(value_as_f64(&json!("15000.00")), Some(15000.0));
        assert_eq!(value_as_f64(&json!(" -1e3 ")), Some(-1000.0));
        for bad in ["NaN", "inf", "-infinity", "", "1,5", "abc", "1e999"] {
            assert_eq!(value_as_f64(&json!(bad)), None, "{bad}");
        }
        assert_eq!(value_as_f64(&json!(null)), None);
    }

    #[test]
    fn as_bool() {
        for t in [
            json!(true),
            json!(1),
            json!(1.0),
            json!("1"),
            json!("Y"),
            json!("y"),
            json!("TRUE"),
            json!("true"),
        ] {
            assert_eq!(value_as_bool(&t), Some(true), "{t}");
        }
        for f in [
            json!(false),
            json!(0),
            json!("0"),
            json!("N"),
            json!("n"),
            json!("False"),
        ] {
            assert_eq!(value_as_bool(&f), Some(false), "{f}");
        }
        for n in [
            json!(""),
            json!("maybe"),
            json!(2),
            json!(null),
            json!([]),
            json!({}),
        ] {
            assert_eq!(value_as_bool(&n), None, "{n}");
        }
    }

    #[test]
    fn as_string() {
        assert_eq!(value_as_string(&json!("a b")).as_deref(), Some("a b"));
        assert_eq!(value_as_string(&json!(12)).as_deref(), Some("12"));
        assert_eq!(value_as_string(&json!(1.5)).as_deref(), Some("1.5"));
        assert_eq!(value_as_string(&json!(true)).as_deref(), Some("1"));
        assert_eq!(value_as_string(&json!(false)).as_deref(), Some(""));
        assert_eq!(value_as_string(&json!(null)), None);
        assert_eq!(value_as_string(&json!([1])), None);
        assert_eq!(value_as_string(&json!({"a": 1})), None);
    }
}
