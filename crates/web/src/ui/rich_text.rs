//! Stored message text and attachments as HTML: the BB-code Bitrix24 messages
//! and notifications carry (`[b]`, `[i]`, `[u]`, `[s]`, `[size=N]`,
//! `[color=#hex]`, `[url]`, `[user=ID]`, `[chat=ID]`, `>>` quote lines and
//! dash-delimited quotes, `[code]`, `[br]` and newlines, `[put]`/`[send]` as
//! plain buttons, `[img]` of `http(s)` images) read by [`bbcode`], and a
//! stored `ATTACH` ([`attach`]). Safe by construction: every piece of text
//! goes through maud's escaping, links are only `http(s)://` or `/…`
//! ([`is_safe_link`]), colours only `#hex` (as the `color` attribute of
//! `font`, which the page's style policy allows), sizes clamped to 8–30 and
//! given by class; a tag Portico does not show stays text.

pub mod attach;
pub mod bbcode;

use maud::{html, Markup};
use portico_methods::im::attach::{is_hex_color, is_safe_link, is_web_url};

use bbcode::{Block, Node, Tag};

pub use attach::attach;

/// Smallest and largest `[size=N]`, in pixels.
const SIZES: (i64, i64) = (8, 30);

/// Message text with its BB-code as HTML.
pub fn text(source: &str) -> Markup {
    html! {
        @for block in bbcode::blocks(source) {
            @match block {
                Block::Plain(text) => { (nodes(&bbcode::parse(&text))) }
                Block::Quote(text) => blockquote.rt-quote { (nodes(&bbcode::parse(&text))) }
            }
        }
    }
}

/// Nodes as HTML.
fn nodes(list: &[Node]) -> Markup {
    html! {
        @for node in list {
            @match node {
                Node::Text(text) => (lines(text)),
                Node::Element { tag, arg, children } => (element(*tag, arg, children)),
            }
        }
    }
}

/// Text with its newlines as line breaks.
fn lines(text: &str) -> Markup {
    html! {
        @for (i, line) in text.split('\n').enumerate() {
            @if i > 0 { br; }
            (line)
        }
    }
}

/// A link's attributes: absolute links open apart, without the page as referrer.
fn opens_apart(href: &str) -> bool {
    !href.starts_with('/')
}

/// `<a>` to `href` around `content` when the link is safe; `content` alone otherwise.
pub fn link(href: &str, content: Markup) -> Markup {
    let href = href.trim();
    html! {
        @if is_safe_link(href) {
            @if opens_apart(href) {
                a href=(href) target="_blank" rel="nofollow noopener noreferrer" { (content) }
            } @else {
                a href=(href) { (content) }
            }
        } @else {
            (content)
        }
    }
}

/// The first word of a tag's argument (`5` of `5 REPLACE`).
fn first_word(arg: &str) -> &str {
    arg.split_whitespace().next().unwrap_or("")
}

/// An element as HTML.
fn element(tag: Tag, arg: &str, children: &[Node]) -> Markup {
    let inner = || nodes(children);
    match tag {
        Tag::Bold => html! { b { (inner()) } },
        Tag::Italic => html! { i { (inner()) } },
        Tag::Underline => html! { u { (inner()) } },
        Tag::Strike => html! { s { (inner()) } },
        Tag::Br => html! { br; },
        Tag::Size => match arg.trim().parse::<i64>() {
            Ok(size) => {
                let size = size.clamp(SIZES.0, SIZES.1);
                html! { span class={ "rt-size-" (size) } { (inner()) } }
            }
            Err(_) => inner(),
        },
        Tag::Color if is_hex_color(arg.trim()) => {
            html! { font color=(arg.trim()) { (inner()) } }
        }
        Tag::Color => inner(),
        Tag::Url => {
            let href = if arg.is_empty() {
                bbcode::plain_text(children)
            } else {
                arg.to_owned()
            };
            if children.is_empty() {
                link(&href, html! { (href.trim()) })
            } else {
                link(&href, inner())
            }
        }
        Tag::User | Tag::Chat => {
            let id = first_word(arg);
            let valid = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '|' || c == '_');
            let class = if tag == Tag::User {
                "rt-user"
            } else {
                "rt-chat"
            };
            html! {
                @if valid {
                    span class=(class) data-id=(id) {
                        @if children.is_empty() { "@" (id) } @else { (inner()) }
                    }
                } @else {
                    (inner())
                }
            }
        }
        Tag::Put | Tag::Send => {
            let command = if arg.is_empty() {
                bbcode::plain_text(children)
            } else {
                arg.to_owned()
            };
            let class = if tag == Tag::Put { "rt-put" } else { "rt-send" };
            html! {
                button type="button" class=(class) data-command=(command.trim()) { (inner()) }
            }
        }
        Tag::Img => {
            let url = bbcode::plain_text(children);
            let url = url.trim();
            let size = arg
                .split_whitespace()
                .find_map(|a| a.strip_prefix("size="))
                .filter(|s| ["small", "medium", "large"].contains(s))
                .unwrap_or("medium");
            html! {
                @if is_web_url(url) {
                    a.rt-img href=(url) target="_blank" rel="nofollow noopener noreferrer" {
                        img class={ "rt-img-" (size) } src=(url) alt="";
                    }
                } @else {
                    "[img" @if !arg.is_empty() { " " (arg) } "]" (url) "[/img]"
                }
            }
        }
        Tag::Code => html! {
            pre.rt-code { code { (bbcode::plain_text(children)) } }
        },
    }
}

#[cfg(test)]
mod tests;
