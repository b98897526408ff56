//! Unit tests of `ATTACH` parsing.

use serde_json::{json, Value};

use super::*;

fn ok(raw: Value) -> Attach {
    parse(&raw)
        .unwrap_or_else(|e| panic!("{raw}: {e}"))
        .expect("an attachment")
}

fn code(raw: Value) -> &'static str {
    parse(&raw).expect_err("refused").code.as_str()
}

#[test]
fn nothing_is_no_attachment() {
    assert_eq!(parse(&Value::Null), Ok(None));
    assert_eq!(parse(&json!("")), Ok(None));
    assert_eq!(parse(&json!("  ")), Ok(None));
}

#[test]
fn the_full_form_keeps_its_header_and_blocks() {
    let a = ok(json!({
        "ID": 7,
        "COLOR_TOKEN": "Primary",
        "COLOR": "#29619b",
        "BLOCKS": [{"MESSAGE": "API in [B]24.0[/B]"}, {"DELIMITER": {"SIZE": "200", "COLOR": "#c8c8c8"}}]
    }));
    assert_eq!(
        a.value,
        json!({
            "ID": 7,
            "COLOR_TOKEN": "primary",
            "COLOR": "#29619b",
            "BLOCKS": [
                {"MESSAGE": "API in [B]24.0[/B]"},
                {"DELIMITER": {"SIZE": 200, "COLOR": "#c8c8c8"}}
            ]
        })
    );
    assert!(a.ignored.is_empty(), "{:?}", a.ignored);
}

#[test]
fn the_short_form_and_a_json_string_give_the_full_form() {
    let expected = json!({
        "ID": 1,
        "COLOR_TOKEN": "base",
        "BLOCKS": [{"MESSAGE": "Hi"}]
    });
    assert_eq!(ok(json!([{"MESSAGE": "Hi"}])).value, expected);
    assert_eq!(ok(json!(r#"[{"MESSAGE":"Hi"}]"#)).value, expected);
    assert_eq!(
        ok(json!(r#"{"BLOCKS":[{"MESSAGE":"Hi"}]}"#)).value,
        expected
    );
    // A PHP array keyed 0..n-1 (form encoding) is a list.
    assert_eq!(ok(json!({"0": {"MESSAGE": "Hi"}})).value, expected);
}

#[test]
fn every_block_kind_with_its_fields() {
    let a = ok(json!([
        {"LINK": {"LINK": "https://example.com/a", "NAME": "A", "DESC": "d", "PREVIEW": "/upload/p.png", "WIDTH": "100"}},
        {"USER": {"NAME": "Ann", "AVATAR": "https://example.com/ann.png", "USER_ID": 5, "AVATAR_TYPE": "bot"}},
        {"GRID": [
            {"DISPLAY": "line", "NAME": "Status", "VALUE": "[b]Open[/b]", "WIDTH": 100},
            {"DISPLAY": "BLOCK", "NAME": "Owner", "VALUE": "Ann", "LINK": "/company/personal/user/5/"}
        ]},
        {"IMAGE": [{"LINK": "https://example.com/i.png", "NAME": "i"}]},
        {"FILE": [{"LINK": "https://example.com/f.pdf", "NAME": "f.pdf", "SIZE": "1024"}]},
        {"DELIMITER": {}}
    ]));
    assert_eq!(
        a.value["BLOCKS"],
        json!([
            {"LINK": {"LINK": "https://example.com/a", "NAME": "A", "DESC": "d", "PREVIEW": "/upload/p.png", "WIDTH": 100}},
            {"USER": {"NAME": "Ann", "AVATAR": "https://example.com/ann.png", "USER_ID": 5, "AVATAR_TYPE": "BOT"}},
            {"GRID": [
                {"DISPLAY": "LINE", "NAME": "Status", "VALUE": "[b]Open[/b]", "WIDTH": 100},
                {"DISPLAY": "BLOCK", "NAME": "Owner", "VALUE": "Ann", "LINK": "/company/personal/user/5/"}
            ]},
            {"IMAGE": [{"LINK": "https://example.com/i.png", "NAME": "i"}]},
            {"FILE": [{"LINK": "https://example.com/f.pdf", "NAME": "f.pdf", "SIZE": 1024}]},
            {"DELIMITER": {}}
        ])
    );
}

#[test]
fn unknown_keys_and_unreadable_optional_values_are_dropped_and_reported() {
    let a = ok(json!({
        "BLOCKS": [{"MESSAGE": "x", "RICH": 1}, {"LINK": {"LINK": "/a", "FOO": "y", "WIDTH": "wide"}}],
        "EXTRA": true,
        "COLOR": "red"
    }));
    assert_eq!(
        a.value["BLOCKS"],
        json!([{"MESSAGE": "x"}, {"LINK": {"LINK": "/a"}}])
    );
    let mut ignored = a.ignored.clone();
    ignored.sort();
    assert_eq!(
        ignored,
        [
            "BLOCKS.0.RICH",
            "BLOCKS.1.LINK.FOO",
            "BLOCKS.1.LINK.WIDTH",
            "COLOR",
            "EXTRA"
        ]
    );
}

#[test]
fn malformed_attachments_are_attach_error() {
    for raw in [
        json!("{not json"),
        json!(12),
        json!(true),
        json!("\"text\""),
        json!({"MESSAGE": "no BLOCKS key"}),
        json!({"BLOCKS": "x"}),
        json!({"BLOCKS": []}),
        json!([]),
        json!(["a string block"]),
        json!([{"UNKNOWN": 1}]),
        json!([{"MESSAGE": "  "}]),
        json!([{"MESSAGE": {"nested": 1}}]),
        json!([{"LINK": {"NAME": "no link"}}]),
        json!([{"LINK": "https://example.com"}]),
        json!([{"USER": {"AVATAR": "https://example.com/a.png"}}]),
        json!([{"GRID": [{"NAME": "no display"}]}]),
        json!([{"GRID": [{"DISPLAY": "DIAGONAL"}]}]),
        json!([{"GRID": []}]),
        json!([{"IMAGE": [{"NAME": "no link"}]}]),
        json!([{"FILE": "x"}]),
    ] {
        assert_eq!(code(raw.clone()), "ATTACH_ERROR", "{raw}");
    }
}

#[test]
fn links_must_be_web_or_portal_links() {
    for bad in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>",
        "//evil.example.com/x",
        "/\\evil.example.com",
        "https://",
        "https://exa mple.com",
        "https://example.com\\@evil",
        "ftp://example.com/f",
        "example.com/page",
        "vbscript:x",
    ] {
        assert!(!is_safe_link(bad), "{bad}");
        assert_eq!(
            code(json!([{"LINK": {"LINK": bad}}])),
            "ATTACH_ERROR",
            "{bad}"
        );
        assert_eq!(
            code(json!([{"USER": {"NAME": "A", "AVATAR": bad}}])),
            "ATTACH_ERROR",
            "{bad}"
        );
    }
    for good in [
        "https://example.com",
        "HTTP://example.com/a?b=c#d",
        "/crm/deal/details/1/",
        "/",
    ] {
        assert!(is_safe_link(good), "{good}");
    }
    assert!(is_web_url("https://example.com/x.png"));
    assert!(!is_web_url("/upload/x.png"));
}

#[test]
fn colors_are_hex_only() {
    for good in ["#fff", "#A1B2C3"] {
        assert!(is_hex_color(good), "{good}");
    }
    for bad in [
        "fff",
        "#ffff",
        "#12345g",
        "red",
        "#fff;background:url(x)",
        "",
    ] {
        assert!(!is_hex_color(bad), "{bad}");
    }
}

#[test]
fn oversized_attachments_are_attach_oversize() {
    let text = "x".repeat(MAX_ATTACH_CHARS);
    assert_eq!(code(json!([{ "MESSAGE": text }])), "ATTACH_OVERSIZE");
    // Just under the limit passes: the serialized form counts, in characters.
    let overhead = json!({"ID": 1, "COLOR_TOKEN": "base", "BLOCKS": [{"MESSAGE": ""}]})
        .to_string()
        .chars()
        .count();
    let fits = "é".repeat(MAX_ATTACH_CHARS - overhead);
    assert!(parse(&json!([{ "MESSAGE": fits }])).is_ok());
}
