//! Unit tests of batch parsing, substitution and assembly.

use super::*;
use crate::params::decode_json;
use serde_json::json;

fn from_query(q: &str) -> Result<BatchRequest, ApiError> {
    parse_batch(&Params::new(decode_urlencoded(q.as_bytes()).unwrap()))
}

fn from_json(v: Value) -> Result<BatchRequest, ApiError> {
    parse_batch(&Params::new(decode_json(v.to_string().as_bytes()).unwrap()))
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

#[test]
fn object_form_from_query() {
    let req = from_query(
        "cmd[get_user]=user.current&cmd[get_department]=department.get%3FID%3D%24result%5Bget_user%5D%5BUF_DEPARTMENT%5D%5B0%5D&halt=0",
    )
    .unwrap();
    assert!(!req.halt);
    assert!(!req.keys_are_list);
    assert_eq!(
        req.commands,
        vec![
            BatchCommand {
                key: "get_user".into(),
                method: "user.current".into(),
                params: ParamMap::new(),
            },
            BatchCommand {
                key: "get_department".into(),
                method: "department.get".into(),
                params: obj(json!({"ID": "$result[get_user][UF_DEPARTMENT][0]"})),
            },
        ]
    );
}

#[test]
fn double_encoded_get() {
    let outer =
        decode_urlencoded(b"cmd[0]=crm.lead.add%3Ffields%5BTITLE%5D%3DJohn%2526Martin").unwrap();
    assert_eq!(
        Value::Object(outer.clone()),
        json!({"cmd": ["crm.lead.add?fields[TITLE]=John%26Martin"]})
    );
    let req = parse_batch(&Params::new(outer)).unwrap();
    assert!(req.keys_are_list);
    assert_eq!(req.commands[0].key, "0");
    assert_eq!(req.commands[0].method, "crm.lead.add");
    assert_eq!(
        Value::Object(req.commands[0].params.clone()),
        json!({"fields": {"TITLE": "John&Martin"}})
    );
}

#[test]
fn list_and_json_forms() {
    let req = from_json(json!({
        "halt": 1,
        "cmd": ["crm.lead.list?filter[>ID]=5&select[]=ID&select[]=TITLE", "user.current"]
    }))
    .unwrap();
    assert!(req.halt && req.keys_are_list);
    assert_eq!(req.commands.len(), 2);
    assert_eq!(
        Value::Object(req.commands[0].params.clone()),
        json!({"filter": {">ID": "5"}, "select": ["ID", "TITLE"]})
    );
    assert_eq!(req.commands[1].key, "1");

    // An object keyed exactly 0..n-1 is a list too; other orders are not.
    let req = from_json(json!({"cmd": {"0": "a", "1": "b"}})).unwrap();
    assert!(req.keys_are_list);
    let req = from_json(json!({"cmd": {"1": "a", "0": "b"}})).unwrap();
    assert!(!req.keys_are_list);
    assert_eq!(req.commands[0].key, "1");
    // Case-insensitive outer names.
    let req = from_json(json!({"CMD": {"x": "scope"}, "HALT": "Y"})).unwrap();
    assert!(req.halt);
    assert_eq!(req.commands[0].method, "scope");
}

#[test]
fn method_normalization() {
    let req = from_json(json!({"cmd": {
        "a": "crm.lead.Add.json?fields[TITLE]=x",
        "b": "crm.lead.get/?id=1",
        "c": "user.current.JSON/",
        "d": " profile ",
        "e": "crm.item.batchImport"
    }}))
    .unwrap();
    let methods: Vec<&str> = req.commands.iter().map(|c| c.method.as_str()).collect();
    assert_eq!(
        methods,
        [
            "crm.lead.Add",
            "crm.lead.get",
            "user.current",
            "profile",
            "crm.item.batchImport"
        ]
    );
    assert_eq!(
        Value::Object(req.commands[1].params.clone()),
        json!({"id": "1"})
    );
}

#[test]
fn halt_forms() {
    for (h, want) in [
        (json!(0), false),
        (json!(1), true),
        (json!("0"), false),
        (json!("1"), true),
        (json!(true), true),
        (json!(false), false),
        (json!("true"), true),
        (json!("false"), false),
        (json!("Y"), true),
        (json!("N"), false),
        (json!(2), true),
        (json!("junk"), false),
        (json!(null), false),
    ] {
        let req = from_json(json!({"cmd": {"a": "scope"}, "halt": h})).unwrap();
        assert_eq!(req.halt, want, "{h}");
    }
    assert!(!from_json(json!({"cmd": {"a": "scope"}})).unwrap().halt);
}

#[test]
fn errors() {
    for bad in [
        json!({}),
        json!({"cmd": []}),
        json!({"cmd": {}}),
        json!({"cmd": "user.current"}),
        json!({"cmd": null}),
    ] {
        let e = from_json(bad.clone()).expect_err(&bad.to_string());
        assert_eq!(e.code, ErrorCode::InvalidArgValue);
        assert_eq!(e.description, "Parameter 'cmd' must be a non-empty array");
    }
    let e = from_json(json!({"cmd": {"x": "scope", "bad_key": {"method": "scope"}}})).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgValue);
    assert!(e.description.contains("bad_key"));
    let e = from_json(json!({"cmd": {"empty": "?a=1"}})).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgValue);
    assert!(e.description.contains("empty"));
    let e = from_json(json!({"cmd": {"broken": "crm.lead.add?fields[TITLE=x"}})).unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::InvalidRequest, 400));
    assert!(e.description.contains("broken"), "{}", e.description);

    let fifty: Map<String, Value> = (0..50).map(|i| (format!("k{i}"), json!("scope"))).collect();
    assert_eq!(from_json(json!({"cmd": fifty})).unwrap().commands.len(), 50);
    let many: Vec<Value> = (0..51).map(|_| json!("scope")).collect();
    let e = from_json(json!({"cmd": many})).unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::BatchLengthExceeded, 400));
    let q: String = (0..51).map(|i| format!("cmd[]=scope{i}&")).collect();
    assert_eq!(
        from_query(&q).unwrap_err().code,
        ErrorCode::BatchLengthExceeded
    );
}

fn results() -> Map<String, Value> {
    obj(json!({
        "get_user": {"ID": "1", "UF_DEPARTMENT": [5, 7], "ACTIVE": true, "LAST": null, "OFF": false},
        "x": [{"ID": "42"}, {"ID": "43"}],
        "count": 3
    }))
}

fn run(params: Value) -> Value {
    let mut p = obj(params);
    let totals = obj(json!({"x": 654}));
    let nexts = obj(json!({"x": 50}));
    substitute(&mut p, &results(), &totals, &nexts);
    Value::Object(p)
}

#[test]
fn exact_references_keep_type() {
    assert_eq!(
        run(json!({
            "dep": "$result[get_user][UF_DEPARTMENT][0]",
            "all": "$result[get_user][UF_DEPARTMENT]",
            "id": "$result[x][0][ID]",
            "second": "$result[x][1][ID]",
            "whole": "$result[count]",
            "flag": "$result[get_user][ACTIVE]",
            "total": "$result_total[x]",
            "next": "$result_next[x]",
            "filter": {"@ID": ["$result[x][0][ID]", "$result[x][1][ID]"]}
        })),
        json!({
            "dep": 5,
            "all": [5, 7],
            "id": "42",
            "second": "43",
            "whole": 3,
            "flag": true,
            "total": 654,
            "next": 50,
            "filter": {"@ID": ["42", "43"]}
        })
    );
}

#[test]
fn embedded_references_become_text() {
    assert_eq!(
        run(json!({
            "t": "User $result[get_user][ID] in $result[get_user][UF_DEPARTMENT][1]!",
            "b": "[$result[get_user][ACTIVE]|$result[get_user][OFF]|$result[get_user][LAST]]",
            "n": "page $result_next[x] of $result_total[x]",
            "arr": "deps: $result[get_user][UF_DEPARTMENT]"
        })),
        json!({
            "t": "User 1 in 7!",
            "b": "[1||]",
            "n": "page 50 of 654",
            "arr": "deps: $result[get_user][UF_DEPARTMENT]"
        })
    );
}

#[test]
fn unresolved_references_stay() {
    let untouched = json!({
        "a": "$result[nope]",
        "b": "$result[x][9][ID]",
        "c": "$result[x][first][ID]",
        "d": "$result[get_user][ID][deeper]",
        "e": "$result_total[get_user]",
        "f": "$result[]",
        "g": "$results[x]",
        "h": "$result[x",
        "i": "text $result[missing] more",
        "j": "plain",
        "k": 5
    });
    assert_eq!(run(untouched.clone()), untouched);
    // A partially resolvable string replaces what it can.
    assert_eq!(
        run(json!({"m": "$result[count]-$result[missing]"})),
        json!({"m": "3-$result[missing]"})
    );
    // Trailing text after a reference keeps the exact form from applying.
    assert_eq!(run(json!({"m": "$result[count][]"})), json!({"m": "3[]"}));
}

#[test]
fn assembled_sections() {
    let empty = Map::new;
    assert_eq!(
        assemble(empty(), empty(), empty(), empty(), empty()),
        json!({"result": [], "result_error": [], "result_total": [], "result_next": [], "result_time": []})
    );
    let v = assemble(
        obj(json!({"0": 1, "1": 2})),
        obj(json!({"get_user": {"error": "insufficient_scope", "error_description": ""}})),
        obj(json!({"1": 654})),
        empty(),
        obj(json!({"0": {}, "1": {}})),
    );
    assert_eq!(
        v,
        json!({
            "result": [1, 2],
            "result_error": {"get_user": {"error": "insufficient_scope", "error_description": ""}},
            "result_total": {"1": 654},
            "result_next": [],
            "result_time": [{}, {}]
        })
    );
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "result",
            "result_error",
            "result_total",
            "result_next",
            "result_time"
        ]
    );
}
