//! One message of a dialog as HTML, from its `im.dialog.messages.get` form:
//! the author and time, the text and attachment through `rich_text` (safe by
//! construction), and the keyboard and menu under it. A `COMMAND` button is
//! a form that posts the command as the user's message; a `LINK` button is a
//! link to an `http(s)` address only; `PUT` and `SEND` buttons are filled in
//! or sent by the page's script (their value in a data attribute, never
//! HTML); a `DIALOG` button links to that dialog.

use std::collections::HashMap;

use maud::{html, Markup};
use portico_methods::im::attach::is_web_url;
use portico_methods::im::keyboard::buttons;
use portico_protocol::params::php_values;
use serde_json::Value;

use super::parse_dialog;
use crate::ui::crm::{short_datetime, text_of};
use crate::ui::rich_text;
use crate::ui::session::Signed;

/// What every message of one dialog page shares.
pub struct View<'a> {
    /// The signed-in user.
    pub signed: &'a Signed,
    /// The dialog id (`5`, `chat7`).
    pub dialog: &'a str,
    /// Display names of the authors, by id.
    pub names: &'a HashMap<i64, String>,
    /// Whether the user may write (command buttons are forms then).
    pub can_write: bool,
}

/// A flag of a message's params (`IS_EDITED`, `IS_DELETED`).
fn flag(params: &Value, name: &str) -> bool {
    params.get(name).and_then(Value::as_str) == Some("Y")
}

/// Messages (as the API answers them, newest first) oldest first.
pub fn messages(view: &View<'_>, newest_first: &[Value]) -> Markup {
    html! {
        @for m in newest_first.iter().rev() {
            (message(view, m))
        }
    }
}

/// One message.
pub fn message(view: &View<'_>, m: &Value) -> Markup {
    let tr = &view.signed.tr;
    let id = m.get("id").and_then(Value::as_i64).unwrap_or(0);
    let author = m.get("author_id").and_then(Value::as_i64).unwrap_or(0);
    let params = m.get("params").cloned().unwrap_or(Value::Null);
    let deleted = flag(&params, "IS_DELETED");
    let mut class = String::from("chat-message");
    if author == 0 {
        class.push_str(" chat-system");
    } else if author == view.signed.user.id {
        class.push_str(" chat-own");
    }
    let name = match author {
        0 => tr.t("chat-system"),
        _ => view
            .names
            .get(&author)
            .cloned()
            .unwrap_or_else(|| author.to_string()),
    };
    let text = m.get("text").and_then(Value::as_str).unwrap_or_default();
    html! {
        li class=(class) id={ "message-" (id) } data-id=(id) data-author=(author) {
            div.chat-message-head {
                span.chat-author { (name) }
                " · "
                span.muted.chat-time { (short_datetime(&m.get("date").map(text_of).unwrap_or_default())) }
                @if flag(&params, "IS_EDITED") {
                    " · " span.muted.chat-edited { (tr.t("chat-edited")) }
                }
            }
            @if deleted {
                p.muted.chat-deleted { (tr.t("chat-deleted")) }
            } @else {
                div.chat-text.rich-text { (rich_text::text(text)) }
                @if let Some(attach) = params.get("ATTACH") {
                    div.chat-attach { (rich_text::attach(attach)) }
                }
                @if let Some(keyboard) = params.get("KEYBOARD") {
                    (keyboard_markup(view, id, keyboard))
                }
                @if let Some(menu) = params.get("MENU") {
                    (menu_markup(menu))
                }
            }
        }
    }
}

/// A button's text.
fn button_text(button: &Value) -> String {
    button.get("TEXT").map(text_of).unwrap_or_default()
}

/// The buttons under message `id`.
fn keyboard_markup(view: &View<'_>, id: i64, keyboard: &Value) -> Markup {
    let signed = view.signed;
    html! {
        div.chat-keyboard {
            @for (index, button) in buttons(keyboard).into_iter().enumerate() {
                @let text = button_text(button);
                @let disabled = button.get("DISABLED").and_then(Value::as_str) == Some("Y");
                @if button.get("TYPE").and_then(Value::as_str) == Some("NEWLINE") {
                    div.chat-keyboard-break {}
                } @else if let Some(link) = button.get("LINK").and_then(Value::as_str).filter(|l| is_web_url(l)) {
                    a.button.chat-button href=(link) target="_blank" rel="nofollow noopener noreferrer" { (text) }
                } @else if button.get("COMMAND").is_some() && view.can_write && !disabled {
                    form.inline.chat-command method="post" action={ "/chat/" (view.dialog) "/command" } {
                        input type="hidden" name="csrf" value=(signed.csrf);
                        input type="hidden" name="message" value=(id);
                        input type="hidden" name="button" value=(index);
                        button.chat-button type="submit" { (text) }
                    }
                } @else if let Some(action) = button.get("ACTION").and_then(Value::as_str) {
                    (action_button(action, button, &text, disabled))
                } @else {
                    button.chat-button type="button" disabled { (text) }
                }
            }
        }
    }
}

/// A button of an `ACTION`.
fn action_button(action: &str, button: &Value, text: &str, disabled: bool) -> Markup {
    let value = button.get("ACTION_VALUE").map(text_of).unwrap_or_default();
    html! {
        @match action {
            "PUT" if !disabled => button.chat-button.chat-put type="button" data-command=(value) { (text) },
            "SEND" if !disabled => button.chat-button.chat-send type="button" data-command=(value) { (text) },
            "DIALOG" if parse_dialog(&value).is_some() => {
                a.button.chat-button href={ "/chat/" (parse_dialog(&value).unwrap_or_default()) } { (text) }
            }
            _ => button.chat-button type="button" disabled { (text) },
        }
    }
}

/// The items of a message's menu: links and fill-ins.
fn menu_markup(menu: &Value) -> Markup {
    let items = menu.get("ITEMS").map(php_values).unwrap_or_default();
    html! {
        ul.chat-menu {
            @for item in items {
                @let text = button_text(item);
                li {
                    @if let Some(link) = item.get("LINK").and_then(Value::as_str).filter(|l| is_web_url(l)) {
                        a href=(link) target="_blank" rel="nofollow noopener noreferrer" { (text) }
                    } @else if item.get("ACTION").and_then(Value::as_str) == Some("PUT") {
                        button.link.chat-put type="button" data-command=(item.get("ACTION_VALUE").map(text_of).unwrap_or_default()) { (text) }
                    } @else {
                        span.muted { (text) }
                    }
                }
            }
        }
    }
}
