//! The `.xml` transport: a JSON envelope rendered as an XML document.

use serde_json::Value;

/// Renders an envelope as `<?xml version="1.0" encoding="utf-8"?><response>…</response>`.
///
/// Bitrix24 documents only trivial XML answers (reference §3.7, §15 #15), so
/// the mapping is ours:
/// - object keys become elements; a key that is not a safe XML name (empty,
///   numeric such as `0`, containing other characters than ASCII letters, digits,
///   `_`, `-`, `.`, or starting with `xml`) becomes `<item key="…">`;
/// - every array element becomes `<item>`;
/// - `null` is an empty element, booleans are `true`/`false`, numbers as in JSON;
/// - text and attribute values escape `& < > " '`; characters XML 1.0 cannot
///   carry (most control characters) are replaced by U+FFFD.
///
/// A non-object `response` becomes the content of `<response>`.
pub fn to_xml(response: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?><response>");
    write_content(&mut out, response);
    out.push_str("</response>");
    out
}

fn write_content(out: &mut String, v: &Value) {
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => escape_into(out, s),
        Value::Array(items) => {
            for item in items {
                out.push_str("<item>");
                write_content(out, item);
                out.push_str("</item>");
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if is_safe_name(key) {
                    out.push('<');
                    out.push_str(key);
                    out.push('>');
                    write_content(out, item);
                    out.push_str("</");
                    out.push_str(key);
                    out.push('>');
                } else {
                    out.push_str("<item key=\"");
                    escape_into(out, key);
                    out.push_str("\">");
                    write_content(out, item);
                    out.push_str("</item>");
                }
            }
        }
    }
}

/// A conservative subset of XML names: `[A-Za-z_][A-Za-z0-9_.-]*`, not `xml…`.
fn is_safe_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    first_ok
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && !name.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("xml"))
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

    #[test]
    fn documented_shape() {
        let v = json!({"result": {"result": {"get_user": {"ID": "1", "NAME": "Klaus"}}}});
        assert_eq!(
            to_xml(&v),
            format!("{HEAD}<response><result><result><get_user><ID>1</ID><NAME>Klaus</NAME></get_user></result></result></response>")
        );
    }

    #[test]
    fn errors_lists_scalars() {
        let v = json!({"error": "NOT_FOUND", "error_description": "a < b & \"c\" 'd' > e"});
        assert_eq!(
            to_xml(&v),
            format!("{HEAD}<response><error>NOT_FOUND</error><error_description>a &lt; b &amp; &quot;c&quot; &apos;d&apos; &gt; e</error_description></response>")
        );
        let v = json!({"result": [1, true, false, null, 2.5, "x"]});
        assert_eq!(
            to_xml(&v),
            format!("{HEAD}<response><result><item>1</item><item>true</item><item>false</item><item></item><item>2.5</item><item>x</item></result></response>")
        );
    }

    #[test]
    fn unsafe_keys_become_items() {
        let v = json!({"r": {"0": "a", "1x": "b", "a b": "c", "<&>": "d", "xmlns": "e", "": "f", "ok_1.x-y": "g", "ключ": "h"}});
        assert_eq!(
            to_xml(&v),
            format!("{HEAD}<response><r><item key=\"0\">a</item><item key=\"1x\">b</item><item key=\"a b\">c</item><item key=\"&lt;&amp;&gt;\">d</item><item key=\"xmlns\">e</item><item key=\"\">f</item><ok_1.x-y>g</ok_1.x-y><item key=\"ключ\">h</item></r></response>")
        );
    }

    #[test]
    fn control_characters_and_non_objects() {
        assert_eq!(
            to_xml(&json!("a\u{1}b\tc")),
            format!("{HEAD}<response>a\u{FFFD}b\tc</response>")
        );
        assert_eq!(to_xml(&json!(null)), format!("{HEAD}<response></response>"));
    }
}
