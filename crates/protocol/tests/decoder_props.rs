//! Property tests: the decoders never panic on any input, and PHP-style
//! `http_build_query` output decodes back to the structure it came from.

use portico_protocol::batch::{parse_batch, substitute};
use portico_protocol::filter::{op_for_value, parse_filter_key};
use portico_protocol::params::{decode_json, decode_urlencoded, ParamMap, Params};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// `urlencode` as PHP's `http_build_query` applies it (brackets encoded too).
fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// PHP `http_build_query` for string leaves; with `append`, lists of leaves
/// use `name[]=` instead of explicit indices.
fn build_query(map: &Map<String, Value>, append: bool) -> String {
    fn walk(name: &str, v: &Value, append: bool, out: &mut Vec<String>) {
        match v {
            Value::Array(items) => {
                let leaves = items.iter().all(Value::is_string);
                for (i, item) in items.iter().enumerate() {
                    let sub = if append && leaves {
                        format!("{name}[]")
                    } else {
                        format!("{name}[{i}]")
                    };
                    walk(&sub, item, append, out);
                }
            }
            Value::Object(m) => {
                for (k, item) in m {
                    walk(&format!("{name}[{k}]"), item, append, out);
                }
            }
            Value::String(s) => out.push(format!("{}={}", enc(name), enc(s))),
            other => out.push(format!("{}={}", enc(name), enc(&other.to_string()))),
        }
    }
    let mut out = Vec::new();
    for (k, v) in map {
        walk(k, v, append, &mut out);
    }
    out.join("&")
}

/// Nested keys: never integer-like (so objects stay objects), never containing `]`.
fn nested_key() -> impl Strategy<Value = String> {
    "[a-zA-Z_][^\\]]{0,6}"
}

/// Top-level names: no brackets at all.
fn top_key() -> impl Strategy<Value = String> {
    "[a-zA-Z_.][^\\[\\]]{0,6}"
}

/// Non-empty nested structures with string leaves (what form encoding can carry).
fn tree() -> impl Strategy<Value = Value> {
    any::<String>()
        .prop_map(Value::String)
        .prop_recursive(5, 48, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(Value::Array),
                prop::collection::vec((nested_key(), inner), 1..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
}

fn top_map() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec((top_key(), tree()), 0..5).prop_map(|kv| kv.into_iter().collect())
}

/// Arbitrary JSON, including numbers, booleans and nulls.
fn any_json() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ]
    .prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((".{0,4}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Text rich in the characters the decoders care about.
fn tricky_text() -> impl Strategy<Value = String> {
    "([\\[\\]=&%+?$a-c0-2 ._]|%5B|%5D|%26|%3F|\\$result|_total|_next){0,24}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decoders_never_panic_on_bytes(input in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = decode_json(&input);
        if let Ok(map) = decode_urlencoded(&input) {
            let _ = parse_batch(&Params::new(map));
        }
    }

    #[test]
    fn decoders_never_panic_on_tricky_text(input in tricky_text()) {
        let _ = decode_json(input.as_bytes());
        if let Ok(map) = decode_urlencoded(input.as_bytes()) {
            let _ = parse_batch(&Params::new(map));
        }
    }

    #[test]
    fn parse_batch_never_panics(
        cmd in prop::collection::vec((".{0,6}", tricky_text()), 0..60),
        halt in any_json(),
        as_list in any::<bool>(),
    ) {
        let cmd_value = if as_list {
            Value::Array(cmd.iter().map(|(_, v)| Value::String(v.clone())).collect())
        } else {
            Value::Object(cmd.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
        };
        let mut map = ParamMap::new();
        map.insert("cmd".into(), cmd_value);
        map.insert("halt".into(), halt);
        let _ = parse_batch(&Params::new(map));
    }

    #[test]
    fn parse_batch_never_panics_on_any_json(cmd in any_json(), halt in any_json()) {
        let mut map = ParamMap::new();
        map.insert("cmd".into(), cmd);
        map.insert("HALT".into(), halt);
        let _ = parse_batch(&Params::new(map));
    }

    #[test]
    fn substitute_never_panics(
        params in prop::collection::vec((".{0,4}", tricky_text()), 0..6),
        results in prop::collection::vec(("[a-c0-2]{0,2}", any_json()), 0..4),
    ) {
        let mut params: ParamMap =
            params.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
        let results: Map<String, Value> = results.into_iter().collect();
        substitute(&mut params, &results, &results, &results);
    }

    #[test]
    fn http_build_query_round_trips(map in top_map(), append in any::<bool>()) {
        let query = build_query(&map, append);
        let decoded = decode_urlencoded(query.as_bytes()).map_err(|e| TestCaseError::fail(e.message))?;
        // Compare the serialised text: `Map` equality ignores key order.
        prop_assert_eq!(
            Value::Object(decoded).to_string(),
            Value::Object(map).to_string(),
            "query: {}",
            query
        );
    }

    #[test]
    fn double_encoded_batch_round_trips(
        commands in prop::collection::vec(("[a-z_]{1,6}", "[a-z]{1,5}(\\.[a-z]{1,5}){0,2}", top_map()), 1..5),
    ) {
        let outer: Vec<String> = commands
            .iter()
            .map(|(key, method, params)| {
                let sub = build_query(params, false);
                let text = if sub.is_empty() { method.clone() } else { format!("{method}?{sub}") };
                format!("{}={}", enc(&format!("cmd[{key}]")), enc(&text))
            })
            .collect();
        let query = outer.join("&");
        let decoded = decode_urlencoded(query.as_bytes()).map_err(|e| TestCaseError::fail(e.message))?;
        let req = parse_batch(&Params::new(decoded)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Duplicate keys collapse (last wins, first position), as in PHP.
        let mut want: Map<String, Value> = Map::new();
        for (key, method, params) in &commands {
            want.insert(key.clone(), serde_json::json!([method, params]));
        }
        let got: Map<String, Value> = req
            .commands
            .into_iter()
            .map(|c| (c.key, serde_json::json!([c.method, c.params])))
            .collect();
        prop_assert_eq!(Value::Object(got).to_string(), Value::Object(want).to_string());
    }
}

/// A PHP array tree as Bitrix24 sees it: string leaves, lists (keys 0..n-1) and
/// associative arrays (non-integer keys), never empty (forms cannot carry `[]`).
#[derive(Clone, Debug)]
enum Php {
    Leaf(String),
    List(Vec<Php>),
    Assoc(Vec<(String, Php)>),
}

fn php_tree() -> impl Strategy<Value = Php> {
    "[a-z0-9 ]{0,6}"
        .prop_map(Php::Leaf)
        .prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(Php::List),
                prop::collection::btree_map("[a-z][a-z0-9_]{0,4}", inner, 1..4)
                    .prop_map(|m| Php::Assoc(m.into_iter().collect())),
            ]
        })
}

/// The entries of a PHP array with their keys.
fn entries(node: &Php) -> Vec<(String, &Php)> {
    match node {
        Php::Leaf(_) => Vec::new(),
        Php::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, n)| (i.to_string(), n))
            .collect(),
        Php::Assoc(pairs) => pairs.iter().map(|(k, n)| (k.clone(), n)).collect(),
    }
}

/// JSON with every array as an object, or with lists as JSON lists.
fn to_json(node: &Php, lists_as_lists: bool) -> Value {
    match node {
        Php::Leaf(s) => Value::String(s.clone()),
        Php::List(items) if lists_as_lists => {
            Value::Array(items.iter().map(|n| to_json(n, true)).collect())
        }
        other => Value::Object(
            entries(other)
                .into_iter()
                .map(|(k, n)| (k, to_json(n, lists_as_lists)))
                .collect(),
        ),
    }
}

/// Bracketed form pairs, `name[k1][k2]=leaf`.
fn to_form(name: &str, node: &Php, out: &mut Vec<String>) {
    match node {
        Php::Leaf(s) => out.push(format!("{}={}", enc(name), enc(s))),
        other => {
            for (k, n) in entries(other) {
                to_form(&format!("{name}[{k}]"), n, out);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// One PHP array reaches a method in one shape whichever way it was sent:
    /// JSON objects, JSON lists or PHP brackets.
    #[test]
    fn every_encoding_of_a_php_array_decodes_alike(top in php_tree()) {
        let top = match top {
            Php::Leaf(s) => Php::Assoc(vec![("p".into(), Php::Leaf(s))]),
            other => other,
        };
        let as_objects = decode_json(to_json(&top, false).to_string().as_bytes())
            .map_err(|e| TestCaseError::fail(e.message))?;
        let as_lists = decode_json(to_json(&top, true).to_string().as_bytes())
            .map_err(|e| TestCaseError::fail(e.message))?;
        let mut pairs = Vec::new();
        for (k, n) in entries(&top) {
            to_form(&k, n, &mut pairs);
        }
        let as_form = decode_urlencoded(pairs.join("&").as_bytes())
            .map_err(|e| TestCaseError::fail(e.message))?;
        let text = |m: ParamMap| Value::Object(m).to_string();
        prop_assert_eq!(text(as_objects.clone()), text(as_lists));
        prop_assert_eq!(text(as_objects), text(as_form));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Any filter key parses into an operator and a name that is a suffix of
    /// the key, or is a protocol error; never a panic.
    #[test]
    fn filter_keys_parse_or_fail_cleanly(
        key in "([!=<>@%]{0,4})([A-Za-z_0-9.\\[\\] -]|\\PC){0,12}",
        listed in any::<bool>(),
    ) {
        match parse_filter_key(&key) {
            Ok((op, name)) => {
                prop_assert!(key.ends_with(name), "{key:?} -> {name:?}");
                prop_assert!(!name.is_empty());
                let _ = op_for_value(op, listed);
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    /// Decoding never panics on bodies built from the characters the grammar
    /// cares about, with deep or repeated brackets.
    #[test]
    fn bracket_bombs_fail_cleanly(depth in 0usize..80, repeat in 1usize..40, tail in tricky_text()) {
        let key = format!("a{}", "[]".repeat(depth));
        let body = format!("{}&{tail}", vec![format!("{key}=1"); repeat].join("&"));
        let _ = decode_urlencoded(body.as_bytes());
        let json = format!("{{\"a\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
        let _ = decode_json(json.as_bytes());
    }
}
