//! `ATTACH`: the rich attachment of notifications and chat messages. It comes
//! in the full form (`{"ID", "COLOR_TOKEN", "COLOR", "BLOCKS": […]}`), the
//! short form (a bare list of blocks) or either of them as a JSON string.
//! [`parse`] checks it and turns it into one normalized full form to store:
//! each block is an object with one key — `MESSAGE`, `LINK`, `USER`, `GRID`,
//! `IMAGE`, `FILE` or `DELIMITER` — whose required fields are present, whose
//! links are absolute `http(s)` or portal-relative `/…`, and whose numbers
//! are numbers. Keys Bitrix24 does not know are dropped and reported back, so
//! the method can log them. A malformed attachment is `ATTACH_ERROR`, one
//! longer than [`MAX_ATTACH_CHARS`] once serialized is `ATTACH_OVERSIZE`.

use portico_protocol::params::{
    normalize_lists, php_array, php_values, value_as_i64, value_as_string, ParamMap, Params,
};
use portico_protocol::{ApiError, ErrorCode};
use serde_json::{Map, Value};

use crate::context::Ctx;

/// The longest an attachment may be once serialized, in characters.
pub const MAX_ATTACH_CHARS: usize = 60_000;

/// The colour schemes of an attachment and of a grid item.
pub const COLOR_TOKENS: [&str; 4] = ["primary", "secondary", "alert", "base"];

/// A checked attachment.
#[derive(Clone, Debug, PartialEq)]
pub struct Attach {
    /// The normalized full form, as stored.
    pub value: Value,
    /// The keys that were dropped (`BLOCKS.0.LINK.FOO`), to log.
    pub ignored: Vec<String>,
}

/// What a field of a block holds.
#[derive(Clone, Copy)]
enum Kind {
    /// Text, kept as given.
    Text,
    /// An integer.
    Number,
    /// A link: absolute `http(s)` or `/…` (see [`is_safe_link`]).
    Link,
    /// `#RGB` or `#RRGGBB`.
    Color,
    /// One of these words (compared without case, stored as listed).
    OneOf(&'static [&'static str]),
}

/// A field of a block: name, kind, required.
type Field = (&'static str, Kind, bool);

const LINK_FIELDS: &[Field] = &[
    ("LINK", Kind::Link, true),
    ("NAME", Kind::Text, false),
    ("DESC", Kind::Text, false),
    ("HTML", Kind::Text, false),
    ("PREVIEW", Kind::Link, false),
    ("WIDTH", Kind::Number, false),
    ("HEIGHT", Kind::Number, false),
    ("USER_ID", Kind::Number, false),
    ("CHAT_ID", Kind::Number, false),
    ("NETWORK_ID", Kind::Text, false),
];

const USER_FIELDS: &[Field] = &[
    ("NAME", Kind::Text, true),
    ("AVATAR", Kind::Link, false),
    ("LINK", Kind::Link, false),
    ("USER_ID", Kind::Number, false),
    ("CHAT_ID", Kind::Number, false),
    ("BOT_ID", Kind::Number, false),
    ("NETWORK_ID", Kind::Text, false),
    ("AVATAR_TYPE", Kind::OneOf(&["USER", "CHAT", "BOT"]), false),
];

const GRID_FIELDS: &[Field] = &[
    (
        "DISPLAY",
        Kind::OneOf(&["BLOCK", "LINE", "ROW", "TABLE"]),
        true,
    ),
    ("NAME", Kind::Text, false),
    ("VALUE", Kind::Text, false),
    ("WIDTH", Kind::Number, false),
    ("HEIGHT", Kind::Number, false),
    ("COLOR_TOKEN", Kind::OneOf(&COLOR_TOKENS), false),
    ("COLOR", Kind::Color, false),
    ("LINK", Kind::Link, false),
    ("USER_ID", Kind::Number, false),
    ("CHAT_ID", Kind::Number, false),
];

const IMAGE_FIELDS: &[Field] = &[
    ("LINK", Kind::Link, true),
    ("NAME", Kind::Text, false),
    ("PREVIEW", Kind::Link, false),
    ("WIDTH", Kind::Number, false),
    ("HEIGHT", Kind::Number, false),
];

const FILE_FIELDS: &[Field] = &[
    ("LINK", Kind::Link, true),
    ("NAME", Kind::Text, false),
    ("SIZE", Kind::Number, false),
];

const DELIMITER_FIELDS: &[Field] = &[("SIZE", Kind::Number, false), ("COLOR", Kind::Color, false)];

/// Whether `url` is an absolute `http://` or `https://` URL with a host, and
/// nothing a browser could read otherwise (no spaces, control characters or
/// backslashes).
pub fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && plain(url)
}

/// Whether `link` may be followed from a page: an absolute `http(s)` URL
/// ([`is_web_url`]) or a path on the portal (`/crm/deal/1/`, never `//host`).
pub fn is_safe_link(link: &str) -> bool {
    match link.strip_prefix('/') {
        Some(rest) => !rest.starts_with('/') && plain(link),
        None => is_web_url(link),
    }
}

/// No whitespace, control characters or backslashes.
fn plain(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
}

/// Whether `color` is `#RGB` or `#RRGGBB`.
pub fn is_hex_color(color: &str) -> bool {
    color.strip_prefix('#').is_some_and(|hex| {
        (hex.len() == 3 || hex.len() == 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn attach_error() -> ApiError {
    ApiError::from_code(ErrorCode::AttachError)
}

/// Reads parameter `name` (`ATTACH`) of a call: `None` when absent, `null` or
/// empty; the keys dropped are logged as ignored.
pub fn from_params(ctx: &Ctx, params: &Params, name: &str) -> Result<Option<Value>, ApiError> {
    let Some(raw) = params.get(name) else {
        return Ok(None);
    };
    let Some(attach) = parse(raw)? else {
        return Ok(None);
    };
    for key in &attach.ignored {
        ctx.ignored(name, key);
    }
    Ok(Some(attach.value))
}

/// Checks and normalizes an `ATTACH` value; `None` for `null` and `""`.
pub fn parse(raw: &Value) -> Result<Option<Attach>, ApiError> {
    let tree = match raw {
        Value::Null => return Ok(None),
        Value::String(text) if text.trim().is_empty() => return Ok(None),
        Value::String(text) => {
            let parsed: Value = serde_json::from_str(text).map_err(|_| attach_error())?;
            normalize_lists(parsed)
        }
        Value::Object(_) | Value::Array(_) => normalize_lists(raw.clone()),
        _ => return Err(attach_error()),
    };
    let mut ignored = Vec::new();
    let mut out = Map::new();
    let blocks = match &tree {
        Value::Array(_) => {
            out.insert("ID".into(), Value::from(1));
            out.insert("COLOR_TOKEN".into(), Value::from("base"));
            &tree
        }
        Value::Object(map) => {
            let blocks = map.get("BLOCKS").ok_or_else(attach_error)?;
            header(map, &mut out, &mut ignored);
            blocks
        }
        _ => return Err(attach_error()),
    };
    if !matches!(blocks, Value::Array(_) | Value::Object(_)) {
        return Err(attach_error());
    }
    let mut normalized = Vec::new();
    for (i, block) in php_values(blocks).into_iter().enumerate() {
        let block = php_array(block).ok_or_else(attach_error)?;
        let before = normalized.len();
        for (key, value) in block.iter() {
            let path = format!("BLOCKS.{i}.{key}");
            match one_block(key, value, &path, &mut ignored)? {
                Some(b) => normalized.push(b),
                None => ignored.push(path),
            }
        }
        if normalized.len() == before {
            return Err(attach_error());
        }
    }
    if normalized.is_empty() {
        return Err(attach_error());
    }
    out.insert("BLOCKS".into(), Value::Array(normalized));
    let value = Value::Object(out);
    if value.to_string().chars().count() > MAX_ATTACH_CHARS {
        return Err(ApiError::from_code(ErrorCode::AttachOversize));
    }
    Ok(Some(Attach { value, ignored }))
}

/// `ID`, `COLOR_TOKEN` and `COLOR` of the full form into `out`.
fn header(map: &ParamMap, out: &mut Map<String, Value>, ignored: &mut Vec<String>) {
    let id = map.get("ID").and_then(value_as_i64).unwrap_or(1);
    out.insert("ID".into(), Value::from(id));
    let token = map
        .get("COLOR_TOKEN")
        .and_then(value_as_string)
        .and_then(|t| one_of(&t, &COLOR_TOKENS))
        .unwrap_or("base");
    out.insert("COLOR_TOKEN".into(), Value::from(token));
    if let Some(color) = map.get("COLOR").and_then(value_as_string) {
        if is_hex_color(color.trim()) {
            out.insert("COLOR".into(), Value::from(color.trim()));
        } else if !color.trim().is_empty() {
            ignored.push("COLOR".into());
        }
    }
    for key in map.keys() {
        if !["ID", "COLOR_TOKEN", "COLOR", "BLOCKS"].contains(&key.as_str()) {
            ignored.push(key.clone());
        }
    }
}

/// The listed word equal to `text` without case.
fn one_of(text: &str, words: &[&'static str]) -> Option<&'static str> {
    words
        .iter()
        .copied()
        .find(|w| w.eq_ignore_ascii_case(text.trim()))
}

/// One block `{key: value}` normalized; `None` for a key that is no block kind.
fn one_block(
    key: &str,
    value: &Value,
    path: &str,
    ignored: &mut Vec<String>,
) -> Result<Option<Value>, ApiError> {
    let normalized = match key {
        "MESSAGE" => {
            let text = value_as_string(value).ok_or_else(attach_error)?;
            if text.trim().is_empty() {
                return Err(attach_error());
            }
            Value::from(text)
        }
        "LINK" => object(value, LINK_FIELDS, path, ignored)?,
        "USER" => object(value, USER_FIELDS, path, ignored)?,
        "DELIMITER" => match value {
            Value::Array(items) if items.is_empty() => Value::Object(Map::new()),
            _ => object(value, DELIMITER_FIELDS, path, ignored)?,
        },
        "GRID" => items(value, GRID_FIELDS, path, ignored)?,
        "IMAGE" => items(value, IMAGE_FIELDS, path, ignored)?,
        "FILE" => items(value, FILE_FIELDS, path, ignored)?,
        _ => return Ok(None),
    };
    Ok(Some(serde_json::json!({ key: normalized })))
}

/// A list of objects of `fields` (a single object is taken as a list of one).
fn items(
    value: &Value,
    fields: &[Field],
    path: &str,
    ignored: &mut Vec<String>,
) -> Result<Value, ApiError> {
    let single = value
        .as_object()
        .is_some_and(|m| fields.iter().any(|(name, _, _)| m.contains_key(*name)));
    let list: Vec<&Value> = match value {
        _ if single => vec![value],
        Value::Array(_) | Value::Object(_) => php_values(value),
        _ => return Err(attach_error()),
    };
    if list.is_empty() {
        return Err(attach_error());
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.into_iter().enumerate() {
        out.push(object(item, fields, &format!("{path}.{i}"), ignored)?);
    }
    Ok(Value::Array(out))
}

/// An object of `fields`: required ones present, links safe, numbers numbers;
/// unknown keys and unreadable optional values dropped.
fn object(
    value: &Value,
    fields: &[Field],
    path: &str,
    ignored: &mut Vec<String>,
) -> Result<Value, ApiError> {
    let map = php_array(value).ok_or_else(attach_error)?;
    let mut out = Map::new();
    for (name, kind, required) in fields {
        let raw = map.get(*name);
        let given = raw
            .and_then(value_as_string)
            .filter(|t| !t.trim().is_empty());
        let Some(text) = given else {
            if *required {
                return Err(attach_error());
            }
            if raw.is_some_and(|v| !v.is_null() && v.as_str().is_none()) {
                ignored.push(format!("{path}.{name}"));
            }
            continue;
        };
        let read = match kind {
            Kind::Text => Some(Value::from(text)),
            Kind::Number => value_as_i64(&Value::from(text.trim())).map(Value::from),
            Kind::Link if is_safe_link(text.trim()) => Some(Value::from(text.trim())),
            Kind::Link => return Err(attach_error()),
            Kind::Color => is_hex_color(text.trim()).then(|| Value::from(text.trim())),
            Kind::OneOf(words) => one_of(&text, words).map(Value::from),
        };
        match read {
            Some(v) => {
                out.insert((*name).to_owned(), v);
            }
            None if *required => return Err(attach_error()),
            None => ignored.push(format!("{path}.{name}")),
        }
    }
    for key in map.keys() {
        if !fields.iter().any(|(name, _, _)| name == key) {
            ignored.push(format!("{path}.{key}"));
        }
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests;
