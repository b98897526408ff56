//! Unit tests of the parameter decoders.

use super::*;
use serde_json::json;

fn q(s: &str) -> Value {
    Value::Object(decode_urlencoded(s.as_bytes()).expect(s))
}

fn err(s: &str) -> String {
    decode_urlencoded(s.as_bytes()).expect_err(s).message
}

#[test]
fn reference_table() {
    assert_eq!(
        q("fields[TITLE]=My%20company"),
        json!({"fields": {"TITLE": "My company"}})
    );
    assert_eq!(
        q("fields[PHONE][0][VALUE]=112233&fields[PHONE][0][VALUE_TYPE]=WORK"),
        json!({"fields": {"PHONE": [{"VALUE": "112233", "VALUE_TYPE": "WORK"}]}})
    );
    assert_eq!(
        q("select[]=ID&select[]=NAME"),
        json!({"select": ["ID", "NAME"]})
    );
    assert_eq!(
        q("filter[>DATE_CREATE]=2024-01-01"),
        json!({"filter": {">DATE_CREATE": "2024-01-01"}})
    );
    assert_eq!(
        q("filter[@STATUS_ID][]=NEW&filter[@STATUS_ID][]=IN_PROCESS"),
        json!({"filter": {"@STATUS_ID": ["NEW", "IN_PROCESS"]}})
    );
    assert_eq!(q("order[ID]=ASC"), json!({"order": {"ID": "ASC"}}));
    assert_eq!(
        q("cmd[get_user]=user.current"),
        json!({"cmd": {"get_user": "user.current"}})
    );
    assert_eq!(
        q("FILTER[ACTIVE]=true"),
        json!({"FILTER": {"ACTIVE": "true"}})
    );
    // Positional params stay a top-level map (the top level is always a map).
    assert_eq!(
        q("0=123&1[POST_MESSAGE]=test"),
        json!({"0": "123", "1": {"POST_MESSAGE": "test"}})
    );
}

#[test]
fn nesting_and_append() {
    assert_eq!(q("a[b][c][d]=1"), json!({"a": {"b": {"c": {"d": "1"}}}}));
    assert_eq!(
        q("a[][x]=1&a[][x]=2"),
        json!({"a": [{"x": "1"}, {"x": "2"}]})
    );
    // `[]` continues after the largest integer key.
    assert_eq!(q("a[5]=x&a[]=y"), json!({"a": {"5": "x", "6": "y"}}));
    assert_eq!(q("a[k]=x&a[]=y"), json!({"a": {"k": "x", "0": "y"}}));
    assert_eq!(q("a[-3]=x&a[]=y"), json!({"a": {"-3": "x", "0": "y"}}));
    assert_eq!(q("a[1]=x&a[0]=y"), json!({"a": {"1": "x", "0": "y"}}));
    assert_eq!(q("a[0]=x&a[1]=y"), json!({"a": ["x", "y"]}));
    // "01" is a string key, not 1.
    assert_eq!(
        q("a[0]=x&a[01]=y&a[]=z"),
        json!({"a": {"0": "x", "01": "y", "1": "z"}})
    );
    assert_eq!(q("a[][]=1&a[][]=2"), json!({"a": [["1"], ["2"]]}));
}

#[test]
fn mixed_keys_stay_object_in_order() {
    assert_eq!(
        q("cmd[b]=2&cmd[a]=1&cmd[0]=z"),
        json!({"cmd": {"b": "2", "a": "1", "0": "z"}})
    );
    let m = decode_urlencoded(b"cmd[b]=2&cmd[a]=1").unwrap();
    let keys: Vec<&String> = m["cmd"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["b", "a"]);
}

#[test]
fn raw_operators_in_keys() {
    assert_eq!(
        q("filter[>DATE]=1&filter[%TITLE]=x&filter[!ID]=3&filter[<ID]=9&filter[@ID][]=1&filter[!@ID][]=2"),
        json!({"filter": {">DATE": "1", "%TITLE": "x", "!ID": "3", "<ID": "9", "@ID": ["1"], "!@ID": ["2"]}})
    );
    // A raw `=` in a name ends the name (as in PHP), leaving an unclosed bracket.
    assert!(err("filter[>=DATE]=1").contains("missing ']'"));
    // Percent-encoded operators and brackets decode before bracket parsing.
    assert_eq!(
        q("filter%5B%3E%3DDATE%5D=1&filter[%3D%25T]=a%25&filter[!%3D%25T]=b"),
        json!({"filter": {">=DATE": "1", "=%T": "a%", "!=%T": "b"}})
    );
    // Everything up to the first `]` is the key.
    assert_eq!(q("f[[x]=1"), json!({"f": {"[x": "1"}}));
}

#[test]
fn scalars_and_maps_replace_each_other() {
    assert_eq!(q("a[b]=1&a=2"), json!({"a": "2"}));
    assert_eq!(q("a=2&a[b]=1"), json!({"a": {"b": "1"}}));
    assert_eq!(q("a[x]=2&a[x][y]=1"), json!({"a": {"x": {"y": "1"}}}));
    assert_eq!(q("a=1&a=2&a=3"), json!({"a": "3"}));
    // Replacing keeps the original position.
    assert_eq!(q("a=1&b=2&a=3"), json!({"a": "3", "b": "2"}));
    let m = decode_urlencoded(b"a=1&b=2&a=3").unwrap();
    assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "b"]);
}

#[test]
fn encoding_details() {
    assert_eq!(q("t=a+b%2Bc"), json!({"t": "a b+c"}));
    assert_eq!(q("a&&b=&c"), json!({"a": "", "b": "", "c": ""}));
    assert_eq!(q(""), json!({}));
    assert_eq!(q("&&&"), json!({}));
    assert_eq!(q("v=a%3Db%26c"), json!({"v": "a=b&c"}));
    assert_eq!(q("v=x=y"), json!({"v": "x=y"}));
    // Names keep `.` and spaces (PHP would turn them into `_`).
    assert_eq!(q("a.b=1&c+d=2"), json!({"a.b": "1", "c d": "2"}));
    // Invalid percent-encoding passes through.
    assert_eq!(q("v=100%&w=%zz"), json!({"v": "100%", "w": "%zz"}));
}

#[test]
fn unicode_round_trip() {
    let text = "Привет, мир 👋 & = % + [ ] # ? / \" ' <b>";
    let encoded: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
    let name: String = form_urlencoded::byte_serialize("поле".as_bytes()).collect();
    assert_eq!(
        q(&format!("fields[{name}]={encoded}&x={encoded}")),
        json!({"fields": {"поле": text}, "x": text})
    );
    assert_eq!(q("v=%F0%9F%98%80"), json!({"v": "😀"}));
}

#[test]
fn malformed_names_are_errors() {
    for bad in [
        "a[b=1",
        "a]=1",
        "a]b=1",
        "a[b]c=1",
        "[a]=1",
        "=1",
        "=",
        "a[b]]=1",
        "a[b][c=1",
        "%5Ba%5D=1",
    ] {
        let msg = err(bad);
        assert!(msg.starts_with("Malformed parameter name"), "{bad}: {msg}");
    }
    let e: ApiError = decode_urlencoded(b"a[b=1").unwrap_err().into();
    assert_eq!((e.code, e.status), (ErrorCode::InvalidRequest, 400));
}

#[test]
fn depth_limit() {
    let ok = format!("a{}=1", "[x]".repeat(MAX_DEPTH));
    assert!(decode_urlencoded(ok.as_bytes()).is_ok());
    let deep = format!("a{}=1", "[x]".repeat(MAX_DEPTH + 1));
    assert!(err(&deep).contains("nested too deeply"));
}

#[test]
fn pair_limit() {
    let ok = "a[]=1&".repeat(MAX_PAIRS);
    let m = decode_urlencoded(ok.as_bytes()).unwrap();
    assert_eq!(m["a"].as_array().map(Vec::len), Some(MAX_PAIRS));
    let too_many = "a=1&".repeat(MAX_PAIRS + 1);
    assert!(err(&too_many).contains("Too many parameters"));
}

#[test]
fn builder_accepts_json_values() {
    let mut b = ParamBuilder::new();
    b.insert("fields[ID]", json!(5)).unwrap();
    b.insert("fields[LIST][]", json!({"x": true})).unwrap();
    decode_urlencoded_into(&mut b, b"fields[NAME]=n").unwrap();
    assert!(b.insert("bad[", json!(1)).is_err());
    assert_eq!(
        Value::Object(b.finish()),
        json!({"fields": {"ID": 5, "LIST": [{"x": true}], "NAME": "n"}})
    );
}

#[test]
fn json_bodies() {
    assert_eq!(decode_json(b"").unwrap(), ParamMap::new());
    assert_eq!(decode_json(b" \r\n\t ").unwrap(), ParamMap::new());
    assert_eq!(decode_json(b"\xEF\xBB\xBF{}").unwrap(), ParamMap::new());
    let m = decode_json(br#"{"fields":{"0":"a","1":"b"},"select":["*","UF_*"],"n":1.5,"e":{}}"#)
        .unwrap();
    // The canonical shape of bracket decoding: "0","1" keyed objects are lists, {} is [].
    assert_eq!(
        Value::Object(m),
        json!({"fields": ["a", "b"], "select": ["*", "UF_*"], "n": 1.5, "e": []})
    );
    // A top-level list is a PHP array: `[]` is no parameters, items are keyed 0..n-1.
    assert_eq!(decode_json(b"[]").unwrap(), ParamMap::new());
    assert_eq!(
        Value::Object(decode_json(br#"[1,{"a":2}]"#).unwrap()),
        json!({"0": 1, "1": {"a": 2}})
    );
    for not_array in [&b"\"x\""[..], b"12", b"null", b"true"] {
        assert_eq!(
            decode_json(not_array).unwrap_err().message,
            "JSON body must be an object or a list"
        );
    }
    let many = format!("[{}]", vec!["[]"; MAX_ELEMENTS].join(","));
    assert!(decode_json(many.as_bytes())
        .unwrap_err()
        .message
        .contains("too many values"));
    let enough = format!("[{}]", vec!["1"; MAX_ELEMENTS - 1].join(","));
    assert_eq!(
        decode_json(enough.as_bytes()).unwrap().len(),
        MAX_ELEMENTS - 1
    );
    let e = decode_json(b"{\"a\":\n1,}").unwrap_err();
    assert!(e.message.contains("line 2 column"), "{}", e.message);
    assert!(decode_json(b"{\"a\":1} x").is_err());
    assert!(decode_json(b"\xff\xfe").is_err());
    let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(decode_json(deep.as_bytes()).is_err());
}

#[test]
fn merge_rules() {
    let base = decode_urlencoded(b"auth=q&ID=1&keep=k&id=2").unwrap();
    let body = decode_json(br#"{"id": 9, "fields": {"A": 1}}"#).unwrap();
    let merged = merge(base, body);
    assert_eq!(
        Value::Object(merged.clone()),
        json!({"auth": "q", "keep": "k", "id": 9, "fields": {"A": 1}})
    );
    assert_eq!(merge(ParamMap::new(), merged.clone()), merged);
    assert_eq!(merge(merged.clone(), ParamMap::new()), merged);
}

#[test]
fn params_lookup() {
    let p = Params::new(decode_urlencoded(b"ID=1&Fields[a]=x&id=2").unwrap());
    assert_eq!(p.get("id"), Some(&json!("2")));
    assert_eq!(p.get("ID"), Some(&json!("1")));
    assert_eq!(p.get("iD"), Some(&json!("1")));
    assert_eq!(p.get("FIELDS"), Some(&json!({"a": "x"})));
    assert_eq!(p.get("missing"), None);
    assert_eq!(p.map().len(), 3);
    assert_eq!(Params::from(p.clone().into_map()), p);
}

#[test]
fn normalize() {
    let v = json!({
        "a": {"0": "x", "1": {"0": 1}},
        "b": {"1": "x", "0": "y"},
        "c": {"0": "x", "2": "y"},
        "d": [{"0": "z"}],
        "e": {},
        "f": {"00": 1}
    });
    assert_eq!(
        normalize_lists(v),
        json!({
            "a": ["x", [1]],
            "b": {"1": "x", "0": "y"},
            "c": {"0": "x", "2": "y"},
            "d": [["z"]],
            "e": [],
            "f": {"00": 1}
        })
    );
    assert_eq!(normalize_lists(json!("s")), json!("s"));
}

#[test]
fn array_parameters_resolve_as_bitrix24_does() {
    let p = Params::new(
        decode_json(
            br#"{"arFields":{"TITLE":"x"},"Filter":[""],"order":"","select":null,"params":5}"#,
        )
        .unwrap(),
    );
    assert_eq!(p.resolve("fields"), Some(&json!({"TITLE": "x"})));
    assert_eq!(
        p.array("fields").unwrap().unwrap().into_owned(),
        json!({"TITLE": "x"}).as_object().unwrap().clone()
    );
    // A list is an array keyed 0..n-1.
    assert_eq!(
        Value::Object(p.array("filter").unwrap().unwrap().into_owned()),
        json!({"0": ""})
    );
    assert!(p.array("order").unwrap().is_none());
    assert!(p.array("select").unwrap().is_none());
    assert!(p.array("missing").unwrap().is_none());
    assert_eq!(
        p.array("params").unwrap_err().description,
        "Parameter 'params' must be array."
    );
    assert_eq!(
        php_values(&json!({"a": 1, "b": 2})),
        vec![&json!(1), &json!(2)]
    );
    assert_eq!(php_values(&json!("x")), vec![&json!("x")]);
    assert_eq!(php_values(&Value::Null), vec![&Value::Null]);
}
