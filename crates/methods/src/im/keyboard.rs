//! `KEYBOARD` and `MENU` of a message: buttons under it and items of its
//! menu. Each comes as a JSON string, as `{"BUTTONS": […]}` / `{"ITEMS": […]}`
//! or as the bare list (wrapped here); `N` or an empty value removes it. A
//! button has a `TEXT` and one action — `LINK` (absolute `http(s)` or `/…`),
//! `COMMAND` (+`COMMAND_PARAMS`), `ACTION` (`PUT`, `SEND`, `COPY`, `CALL`,
//! `DIALOG`) with `ACTION_VALUE`, or `APP_ID` (+`APP_PARAMS`) — or is a row
//! break `{"TYPE": "NEWLINE"}`; menu items are alike without row breaks and
//! `DIALOG`. Display keys are kept when well-formed, unknown keys dropped
//! (and logged as ignored). A malformed value is `KEYBOARD_ERROR` /
//! `MENU_ERROR`; one longer than [`MAX_EXTRA_CHARS`] once serialized is
//! `KEYBOARD_OVERSIZE` / `MENU_OVERSIZE`.

use portico_protocol::params::{php_array, php_values, value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use serde_json::{json, Map, Value};

use super::attach::{is_hex_color, is_safe_link};
use crate::context::Ctx;

/// The longest a keyboard or a menu may be once serialized, in characters.
pub const MAX_EXTRA_CHARS: usize = 30_000;

/// What a `KEYBOARD` or `MENU` parameter asks of a message.
#[derive(Clone, Debug, PartialEq)]
pub enum Extra {
    /// Not given: left as it is.
    Absent,
    /// `N` or empty: removed.
    Remove,
    /// The normalized value to store.
    Set(Value),
}

/// Which of the two.
#[derive(Clone, Copy)]
struct Kind {
    param: &'static str,
    list_key: &'static str,
    actions: &'static [&'static str],
    rows: bool,
    error: ErrorCode,
    oversize: ErrorCode,
}

const KEYBOARD: Kind = Kind {
    param: "KEYBOARD",
    list_key: "BUTTONS",
    actions: &["PUT", "SEND", "COPY", "CALL", "DIALOG"],
    rows: true,
    error: ErrorCode::KeyboardError,
    oversize: ErrorCode::KeyboardOversize,
};

const MENU: Kind = Kind {
    param: "MENU",
    list_key: "ITEMS",
    actions: &["PUT", "SEND", "COPY", "CALL"],
    rows: false,
    error: ErrorCode::MenuError,
    oversize: ErrorCode::MenuOversize,
};

/// The `KEYBOARD` parameter of a call.
pub fn keyboard(ctx: &Ctx, params: &Params) -> Result<Extra, ApiError> {
    read(ctx, params, KEYBOARD)
}

/// The `MENU` parameter of a call.
pub fn menu(ctx: &Ctx, params: &Params) -> Result<Extra, ApiError> {
    read(ctx, params, MENU)
}

fn read(ctx: &Ctx, params: &Params, kind: Kind) -> Result<Extra, ApiError> {
    let mut ignored = Vec::new();
    let extra = parse(params.get(kind.param), kind, &mut ignored)?;
    for key in ignored {
        ctx.ignored(&format!("{} key", kind.param), &key);
    }
    Ok(extra)
}

/// Reads a `KEYBOARD` or `MENU` value (`None`: absent); the keys dropped go
/// to `ignored`.
fn parse(raw: Option<&Value>, kind: Kind, ignored: &mut Vec<String>) -> Result<Extra, ApiError> {
    let error = || ApiError::from_code(kind.error);
    let parsed;
    let raw = match raw {
        None | Some(Value::Null) => return Ok(Extra::Absent),
        Some(Value::String(text)) => {
            let text = text.trim();
            if text.is_empty() || text.eq_ignore_ascii_case("N") {
                return Ok(Extra::Remove);
            }
            parsed = serde_json::from_str::<Value>(text).map_err(|_| error())?;
            &parsed
        }
        Some(other) => other,
    };
    let map = php_array(raw).ok_or_else(error)?;
    let (list, bot_id) = match map.get(kind.list_key) {
        Some(list) => (list.clone(), map.get("BOT_ID").and_then(value_as_i64)),
        None => (raw.clone(), None),
    };
    let Some(entries) = php_array(&list) else {
        return Err(error());
    };
    if entries.is_empty() {
        return Ok(Extra::Remove);
    }
    let mut out = Vec::new();
    for entry in entries.values() {
        out.push(entry_of(entry, kind, ignored).ok_or_else(error)?);
    }
    let mut value = json!({ kind.list_key: out });
    if let Some(bot) = bot_id.filter(|b| *b > 0) {
        value["BOT_ID"] = json!(bot);
    }
    if value.to_string().chars().count() > MAX_EXTRA_CHARS {
        return Err(ApiError::from_code(kind.oversize));
    }
    Ok(Extra::Set(value))
}

/// A `Y`/`N` value.
fn yes_no(v: &Value) -> Option<String> {
    let text = value_as_string(v)?.trim().to_ascii_uppercase();
    ["Y", "N"].contains(&text.as_str()).then_some(text)
}

/// One of `allowed` (any case), upper-cased.
fn one_of(v: &Value, allowed: &[&str]) -> Option<String> {
    let text = value_as_string(v)?.trim().to_ascii_uppercase();
    allowed.contains(&text.as_str()).then_some(text)
}

/// A button or menu item normalized; `None` when malformed.
fn entry_of(entry: &Value, kind: Kind, ignored: &mut Vec<String>) -> Option<Value> {
    let fields = php_array(entry)?;
    let get = |name: &str| fields.get(name).filter(|v| !v.is_null());
    if kind.rows && get("TYPE").and_then(value_as_string).as_deref() == Some("NEWLINE") {
        return Some(json!({"TYPE": "NEWLINE"}));
    }
    let text = get("TEXT").and_then(value_as_string)?;
    if text.trim().is_empty() {
        return None;
    }
    let mut out = Map::new();
    out.insert("TEXT".into(), json!(text));
    let mut actions = 0;
    if let Some(link) = get("LINK") {
        let link = value_as_string(link).filter(|l| is_safe_link(l))?;
        out.insert("LINK".into(), json!(link));
        actions += 1;
    }
    if let Some(command) = get("COMMAND") {
        let command = value_as_string(command)?;
        let command = command.trim().trim_start_matches('/');
        if command.is_empty() || command.contains(char::is_whitespace) {
            return None;
        }
        out.insert("COMMAND".into(), json!(command));
        actions += 1;
    }
    if let Some(action) = get("ACTION") {
        out.insert("ACTION".into(), json!(one_of(action, kind.actions)?));
        let value = get("ACTION_VALUE").and_then(value_as_string)?;
        out.insert("ACTION_VALUE".into(), json!(value));
        actions += 1;
    }
    if let Some(app) = get("APP_ID") {
        out.insert(
            "APP_ID".into(),
            json!(value_as_i64(app).filter(|a| *a > 0)?),
        );
        actions += 1;
    }
    if actions != 1 {
        return None;
    }
    for (key, value) in fields.iter() {
        if value.is_null() || out.contains_key(key) {
            continue;
        }
        let kept = match key.as_str() {
            "COMMAND_PARAMS" | "APP_PARAMS" => value_as_string(value).map(Value::from),
            "BLOCK" | "DISABLED" if kind.rows => yes_no(value).map(Value::from),
            "CONTEXT" if kind.rows => one_of(value, &["MOBILE", "DESKTOP", "ALL"]).map(Value::from),
            "DISPLAY" if kind.rows => one_of(value, &["LINE", "BLOCK"]).map(Value::from),
            "WIDTH" | "BOT_ID" if kind.rows => {
                value_as_i64(value).filter(|w| *w > 0).map(Value::from)
            }
            "BG_COLOR_TOKEN" if kind.rows => value_as_string(value)
                .map(|t| t.trim().to_ascii_lowercase())
                .filter(|t| ["primary", "secondary", "alert", "base"].contains(&t.as_str()))
                .map(Value::from),
            "BG_COLOR" | "TEXT_COLOR" | "OFF_BG_COLOR" | "OFF_TEXT_COLOR" if kind.rows => {
                value_as_string(value)
                    .filter(|c| is_hex_color(c))
                    .map(Value::from)
            }
            "TYPE" | "ACTION_VALUE" => None,
            _ => {
                ignored.push(key.clone());
                None
            }
        };
        if let Some(kept) = kept {
            out.insert(key.clone(), kept);
        }
    }
    Some(Value::Object(out))
}

/// The text a `COMMAND` button sends as its user's message: `/command params`.
pub fn command_text(button: &Value) -> Option<String> {
    let command = button.get("COMMAND").and_then(Value::as_str)?;
    let params = button
        .get("COMMAND_PARAMS")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim();
    Some(if params.is_empty() {
        format!("/{command}")
    } else {
        format!("/{command} {params}")
    })
}

/// The buttons of a stored keyboard, in order (row breaks included).
pub fn buttons(keyboard: &Value) -> Vec<&Value> {
    keyboard.get("BUTTONS").map(php_values).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyboard(raw: Value) -> Result<Extra, ApiError> {
        parse(Some(&raw), KEYBOARD, &mut Vec::new())
    }

    fn menu(raw: Value) -> Result<Extra, ApiError> {
        parse(Some(&raw), MENU, &mut Vec::new())
    }

    #[test]
    fn keyboards_are_wrapped_checked_and_trimmed() {
        let bare = json!([
            {"TEXT": "Help", "COMMAND": "/help", "COMMAND_PARAMS": "all", "BG_COLOR": "#29619b",
             "DISPLAY": "line", "SHINY": "Y"},
            {"TYPE": "NEWLINE"},
            {"TEXT": "Site", "LINK": "https://example.com/x"},
            {"TEXT": "Fill", "ACTION": "put", "ACTION_VALUE": "/help"}
        ]);
        let mut ignored = Vec::new();
        let got = parse(Some(&bare), KEYBOARD, &mut ignored).expect("valid");
        assert_eq!(
            got,
            Extra::Set(json!({"BUTTONS": [
                {"TEXT": "Help", "COMMAND": "help", "COMMAND_PARAMS": "all", "BG_COLOR": "#29619b",
                 "DISPLAY": "LINE"},
                {"TYPE": "NEWLINE"},
                {"TEXT": "Site", "LINK": "https://example.com/x"},
                {"TEXT": "Fill", "ACTION": "PUT", "ACTION_VALUE": "/help"}
            ]}))
        );
        assert_eq!(ignored, ["SHINY"]);
        let text = json!(r#"{"BOT_ID": 7, "BUTTONS": [{"TEXT": "A", "COMMAND": "a"}]}"#);
        assert_eq!(
            keyboard(text).expect("string"),
            Extra::Set(json!({"BOT_ID": 7, "BUTTONS": [{"TEXT": "A", "COMMAND": "a"}]}))
        );
        assert_eq!(keyboard(json!("N")).expect("remove"), Extra::Remove);
        assert_eq!(keyboard(json!("")).expect("remove"), Extra::Remove);
        assert_eq!(keyboard(json!([])).expect("remove"), Extra::Remove);
        assert_eq!(
            parse(None, KEYBOARD, &mut Vec::new()).expect("absent"),
            Extra::Absent
        );
        assert_eq!(
            command_text(&json!({"COMMAND": "page", "COMMAND_PARAMS": " 2 "})).as_deref(),
            Some("/page 2")
        );
    }

    #[test]
    fn malformed_keyboards_and_menus_are_refused() {
        for bad in [
            json!("{not json"),
            json!(5),
            json!([{"COMMAND": "x"}]),
            json!([{"TEXT": "no action"}]),
            json!([{"TEXT": "two", "COMMAND": "a", "LINK": "https://e.com"}]),
            json!([{"TEXT": "js", "LINK": "javascript:alert(1)"}]),
            json!([{"TEXT": "x", "ACTION": "EXPLODE", "ACTION_VALUE": "1"}]),
            json!([{"TEXT": "x", "ACTION": "PUT"}]),
            json!([{"TEXT": "x", "COMMAND": "two words"}]),
            json!(["text"]),
        ] {
            let e = keyboard(bad.clone()).expect_err(&bad.to_string());
            assert_eq!(e.code, ErrorCode::KeyboardError, "{bad}");
        }
        let e = menu(json!([{"TEXT": "x", "ACTION": "DIALOG", "ACTION_VALUE": "chat1"}]))
            .expect_err("no DIALOG in menus");
        assert_eq!(e.code, ErrorCode::MenuError);
        let e = menu(json!([{"TYPE": "NEWLINE"}])).expect_err("no rows in menus");
        assert_eq!(e.code, ErrorCode::MenuError);
        let long = "x".repeat(MAX_EXTRA_CHARS);
        let e = keyboard(json!([{"TEXT": long, "COMMAND": "a"}])).expect_err("oversize");
        assert_eq!(e.code, ErrorCode::KeyboardOversize);
        assert_eq!(
            menu(json!({"ITEMS": [{"TEXT": "Docs", "LINK": "/docs"}]})).expect("menu"),
            Extra::Set(json!({"ITEMS": [{"TEXT": "Docs", "LINK": "/docs"}]}))
        );
    }
}
