//! A stored `ATTACH` as HTML: its blocks in order — text (with BB-code),
//! links, users, grids of name/value pairs, images, files and delimiters.
//! The value is read defensively (whatever its source): unknown keys and
//! blocks are skipped, links are checked again, the `HTML` of a link block is
//! never shown, images load only from `http(s)` or portal links.

use maud::{html, Markup};
use portico_methods::im::attach::{is_safe_link, COLOR_TOKENS};
use serde_json::Value;

use super::{link, text};

/// A text field of a block (numbers written out), `None` when empty.
fn field<'v>(block: &'v Value, name: &str) -> Option<std::borrow::Cow<'v, str>> {
    match block.get(name)? {
        Value::String(s) if !s.trim().is_empty() => Some(std::borrow::Cow::Borrowed(s)),
        Value::Number(n) => Some(std::borrow::Cow::Owned(n.to_string())),
        _ => None,
    }
}

/// The items of a list block (a single object counts as one item).
fn items(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![value],
        _ => Vec::new(),
    }
}

/// An image from `src` when it is a safe link.
fn image(src: Option<&str>, alt: &str, class: &str) -> Markup {
    html! {
        @if let Some(src) = src.map(str::trim).filter(|s| is_safe_link(s)) {
            img class=(class) src=(src) alt=(alt);
        }
    }
}

/// A byte count as `1.5 KB`.
fn file_size(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut size = bytes.max(0) as f64;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{size:.1} {}", UNITS[unit])
    }
}

/// A stored attachment (the full form, or a bare list of blocks) as HTML.
pub fn attach(value: &Value) -> Markup {
    let blocks: Vec<&Value> = match value {
        Value::Array(_) => items(value),
        Value::Object(map) => map.get("BLOCKS").map(items).unwrap_or_default(),
        _ => Vec::new(),
    };
    let token = value
        .get("COLOR_TOKEN")
        .and_then(Value::as_str)
        .filter(|t| COLOR_TOKENS.contains(t))
        .unwrap_or("base");
    html! {
        div class={ "attach attach-" (token) } {
            @for block in blocks {
                @if let Some(map) = block.as_object() {
                    @for (kind, value) in map {
                        (one_block(kind, value))
                    }
                }
            }
        }
    }
}

/// One block as HTML; nothing for a kind Portico does not show.
fn one_block(kind: &str, value: &Value) -> Markup {
    match kind {
        "MESSAGE" => html! {
            @if let Some(message) = value.as_str() {
                div.attach-message { (text(message)) }
            }
        },
        "LINK" => {
            let href = field(value, "LINK").unwrap_or_default();
            let name = field(value, "NAME").unwrap_or_else(|| href.clone());
            html! {
                div.attach-link {
                    (image(field(value, "PREVIEW").as_deref(), "", "attach-preview"))
                    div.attach-link-name { (link(&href, html! { (name) })) }
                    @if let Some(desc) = field(value, "DESC") {
                        div.attach-desc { (desc) }
                    }
                }
            }
        }
        "USER" => {
            let name = field(value, "NAME").unwrap_or_default();
            html! {
                div.attach-user {
                    (image(field(value, "AVATAR").as_deref(), "", "attach-avatar"))
                    @match field(value, "LINK") {
                        Some(href) => (link(&href, html! { (name) })),
                        None => span { (name) },
                    }
                }
            }
        }
        "GRID" => html! {
            div.attach-grid {
                @for item in items(value) {
                    @let display = field(item, "DISPLAY").unwrap_or_default().to_ascii_lowercase();
                    @let display = if ["block", "line", "row", "table"].contains(&display.as_str()) { display } else { "block".to_owned() };
                    div class={ "attach-grid-item attach-grid-" (display) } {
                        @if let Some(name) = field(item, "NAME") {
                            span.attach-grid-name { (name) }
                        }
                        span.attach-grid-value {
                            @let value = text(&field(item, "VALUE").unwrap_or_default());
                            @match field(item, "LINK") {
                                Some(href) => (link(&href, value)),
                                None => (value),
                            }
                        }
                    }
                }
            }
        },
        "IMAGE" => html! {
            div.attach-images {
                @for item in items(value) {
                    @let href = field(item, "LINK").unwrap_or_default();
                    @let name = field(item, "NAME").unwrap_or_default();
                    @let src = field(item, "PREVIEW").or_else(|| field(item, "LINK"));
                    (link(&href, image(src.as_deref(), &name, "attach-image")))
                }
            }
        },
        "FILE" => html! {
            ul.attach-files {
                @for item in items(value) {
                    @let href = field(item, "LINK").unwrap_or_default();
                    @let name = field(item, "NAME").unwrap_or_else(|| href.clone());
                    li {
                        (link(&href, html! { (name) }))
                        @if let Some(size) = item.get("SIZE").and_then(Value::as_i64) {
                            " " span.attach-file-size { "(" (file_size(size)) ")" }
                        }
                    }
                }
            }
        },
        "DELIMITER" => html! { hr.attach-delimiter; },
        _ => html! {},
    }
}
