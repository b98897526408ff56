//! The outbound-webhook form: name, handler URL, the events as a checklist
//! grouped by scope (each with its one-line description), the single-attempt
//! switch, on/off for a stored one, and its credentials (the application token
//! for its owner; the signing secret only right after it was made). Also reads
//! a submitted form back, with the reason for a refusal.

use maud::{html, Markup};
use portico_delivery::{parse_handler_url, SsrfError, SsrfPolicy};
use portico_store::events::event_catalogue;
use portico_store::outbound::{normalize_events, DisableReason, Disabled};
use portico_store::User;

use super::form::scope_label;
use super::tabs;
use crate::ui::i18n::Tr;
use crate::ui::page::{display_name, format_instant};
use crate::ui::session::{FormData, Signed};

/// Longest outbound webhook name.
const MAX_NAME_CHARS: usize = 100;

/// Everything the form shows.
#[derive(Clone, Debug)]
pub struct OutboundForm {
    /// The webhook's id; `None` for a new one.
    pub id: Option<i64>,
    /// Display name.
    pub name: String,
    /// Handler URL as typed or stored.
    pub handler_url: String,
    /// Ticked event codes.
    pub events: Vec<String>,
    /// One attempt, no retries.
    pub single_attempt: bool,
    /// Switched on.
    pub active: bool,
    /// Why and since when it is off.
    pub disabled: Option<Disabled>,
    /// Its owner.
    pub owner: User,
    /// The application token, when the viewer is its owner.
    pub token: Option<String>,
    /// The signing secret, only right after it was made.
    pub secret: Option<String>,
    /// A refusal to show.
    pub error: Option<String>,
    /// A notice to show.
    pub notice: Option<String>,
}

/// The settings read from a submitted form.
#[derive(Clone, Debug)]
pub struct Submitted {
    /// Display name.
    pub name: String,
    /// The handler URL as typed.
    pub handler_url: String,
    /// The handler URL as it is stored (normalised), when it was accepted.
    pub checked_url: Option<String>,
    /// Chosen event codes, known ones only.
    pub events: Vec<String>,
    /// One attempt, no retries.
    pub single_attempt: bool,
    /// The on/off box (ticked).
    pub active: bool,
}

/// The message id explaining why the SSRF guard refused a handler URL.
fn refusal(error: &SsrfError) -> &'static str {
    match error {
        SsrfError::Scheme(_) => "outbound-error-scheme",
        SsrfError::Credentials => "outbound-error-credentials",
        SsrfError::ForbiddenAddress { .. } => "outbound-error-private",
        SsrfError::Port(_) => "outbound-error-port",
        SsrfError::BadUrl(_) | SsrfError::Resolve(..) | SsrfError::NoAddress(_) => {
            "outbound-error-url"
        }
    }
}

/// Reads and checks a submitted form against the server's SSRF policy; the
/// second value is the message id of the first problem.
pub fn read_submitted(form: &FormData, allow_private: bool) -> (Submitted, Option<&'static str>) {
    let mut problem = None;
    let name = form.text("name");
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        problem = Some("outbound-error-name");
    }
    let handler_url = form.text("handler_url");
    let policy = SsrfPolicy {
        allow_private,
        ..SsrfPolicy::default()
    };
    let checked_url = match parse_handler_url(&handler_url, &policy) {
        Ok(url) => Some(url.to_string()),
        Err(e) => {
            problem = problem.or(Some(refusal(&e)));
            None
        }
    };
    let known: Vec<String> = event_catalogue().into_iter().map(|e| e.code).collect();
    let given: Vec<String> = form.all("event").into_iter().map(str::to_owned).collect();
    let events = normalize_events(&given);
    if events.is_empty() || events.iter().any(|e| !known.contains(e)) {
        problem = problem.or(Some("outbound-error-events"));
    }
    let events = events.into_iter().filter(|e| known.contains(e)).collect();
    (
        Submitted {
            name,
            handler_url,
            checked_url,
            events,
            single_attempt: form.get("single_attempt").is_some(),
            active: form.get("active").is_some(),
        },
        problem,
    )
}

/// "ONCRMLEADADD — a lead was added".
pub fn event_label(tr: &Tr, code: &str) -> String {
    match tr.lookup(&format!("event-{code}"), &[]) {
        Some(description) => format!("{code} — {description}"),
        None => code.to_owned(),
    }
}

/// Why a webhook is switched off and since when.
pub fn disabled_note(tr: &Tr, disabled: &Disabled) -> Markup {
    let reason = match disabled.reason {
        DisableReason::Gone => "outbound-disabled-gone",
        DisableReason::Failing => "outbound-disabled-failing",
        DisableReason::Manual => "outbound-disabled-manual",
    };
    html! {
        span.disabled-reason data-reason=(disabled.reason.as_str()) {
            (tr.t(reason)) " "
            (tr.t_with("outbound-disabled-since", &[("at", &format_instant(Some(disabled.at)))]))
        }
    }
}

/// The events checklist, grouped by scope.
fn events_checklist(tr: &Tr, chosen: &[String]) -> Markup {
    let catalogue = event_catalogue();
    let mut scopes: Vec<&str> = catalogue.iter().map(|e| e.scope).collect();
    scopes.dedup();
    html! {
        fieldset #events {
            legend { (tr.t("outbound-events")) }
            @for scope in scopes {
                fieldset.event-group data-scope=(scope) {
                    legend { (scope_label(tr, scope)) }
                    @for kind in catalogue.iter().filter(|e| e.scope == scope) {
                        label.event {
                            input type="checkbox" name="event" value=(kind.code) checked[chosen.contains(&kind.code)];
                            " " (event_label(tr, &kind.code))
                        }
                    }
                }
            }
        }
    }
}

/// The credentials block.
fn credentials(tr: &Tr, form: &OutboundForm, owner: bool) -> Markup {
    html! {
        fieldset.stack #credentials {
            legend { (tr.t("outbound-credentials")) }
            @if let Some(token) = &form.token {
                label for="outbound-token" { (tr.t("outbound-token")) }
                div.key-row {
                    input #outbound-token type="text" readonly value=(token);
                    button.copy type="button" data-copy="#outbound-token" { (tr.t("action-copy")) }
                }
                span.muted { (tr.t("outbound-token-help")) }
            } @else {
                p.muted #token-hidden { (tr.t("outbound-token-hidden")) }
            }
            @if let Some(secret) = &form.secret {
                label for="outbound-secret" { (tr.t("outbound-secret")) }
                div.key-row {
                    input #outbound-secret type="text" readonly value=(secret);
                    button.copy type="button" data-copy="#outbound-secret" { (tr.t("action-copy")) }
                }
                p.warning #secret-once { (tr.t("outbound-secret-once")) }
            } @else if owner {
                p.muted #secret-hidden { (tr.t("outbound-secret-hidden")) }
            }
            @if owner {
                div.row {
                    button #regenerate-token type="submit" name="action" value="regenerate-token" formnovalidate {
                        (tr.t("outbound-regenerate-token"))
                    }
                    button #regenerate-secret type="submit" name="action" value="regenerate-secret" formnovalidate {
                        (tr.t("outbound-regenerate-secret"))
                    }
                }
            }
        }
    }
}

/// The whole page body.
pub fn render(signed: &Signed, form: &OutboundForm) -> Markup {
    let tr = &signed.tr;
    let owner = form.owner.id == signed.user.id;
    let action = match form.id {
        Some(id) => format!("/developer/outbound/{id}"),
        None => "/developer/outbound/new".to_owned(),
    };
    html! {
        (tabs(tr, None, signed.user.is_admin))
        h1 {
            @if form.id.is_some() { (tr.t_with("outbound-edit-title", &[("name", &form.name)])) }
            @else { (tr.t("outbound-new-title")) }
        }
        @if let Some(notice) = &form.notice { p.notice role="status" #outbound-notice { (notice) } }
        @if let Some(error) = &form.error { p.error role="alert" #outbound-error { (error) } }
        @if let (Some(id), Some(disabled)) = (form.id, &form.disabled) {
            p.warning #outbound-disabled { (disabled_note(tr, disabled)) }
            (enable_button(signed, id))
        }
        @if !owner {
            p.muted #outbound-owner { (tr.t("col-creator")) ": " (display_name(&form.owner)) }
        }
        @if let Some(id) = form.id {
            p { a #outbound-log-link href={ "/developer/outbound/" (id) "/log" } { (tr.t("outbound-log")) } }
        }
        form.card.stack #outbound-form method="post" action=(action) {
            input type="hidden" name="csrf" value=(signed.csrf);
            label for="outbound-name" { (tr.t("outbound-name")) }
            input #outbound-name type="text" name="name" required maxlength="100" value=(form.name);
            label for="outbound-url" { (tr.t("outbound-url")) }
            input #outbound-url type="url" name="handler_url" required value=(form.handler_url) aria-describedby="outbound-url-help";
            span.muted #outbound-url-help { (tr.t("outbound-url-help")) }
            @if form.id.is_some() { (credentials(tr, form, owner)) }
            (events_checklist(tr, &form.events))
            label {
                input #outbound-single type="checkbox" name="single_attempt" value="1" checked[form.single_attempt];
                " " (tr.t("outbound-single-attempt"))
            }
            @if form.id.is_some() {
                label {
                    input #outbound-active type="checkbox" name="active" value="1" checked[form.active];
                    " " (tr.t("outbound-active"))
                }
            }
            div.row {
                button.primary #outbound-save type="submit" name="action" value="save" { (tr.t("action-save")) }
                a.button href="/developer/integrations" { (tr.t("action-cancel")) }
                @if let Some(id) = form.id {
                    a.button.delete-link href={ "/developer/outbound/" (id) "/delete" } { (tr.t("action-delete")) }
                }
            }
        }
    }
}

/// The "enable" button of a switched-off webhook.
pub fn enable_button(signed: &Signed, id: i64) -> Markup {
    html! {
        form.inline.enable-form method="post" action={ "/developer/outbound/" (id) "/enable" } {
            input type="hidden" name="csrf" value=(signed.csrf);
            button.primary.enable type="submit" { (signed.tr.t("outbound-enable")) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn every_event_has_a_description_in_every_language() {
        for lang in Lang::ALL {
            let tr = Tr::new(lang);
            for kind in event_catalogue() {
                let label = event_label(&tr, &kind.code);
                assert!(label.contains(" — "), "{lang:?}: {label}");
            }
            assert!(event_label(&tr, "ONAPPTEST").contains(" — "));
        }
    }

    #[test]
    fn refused_urls_name_their_reason() {
        let form = |url: &str| {
            FormData(vec![
                ("name".into(), "n".into()),
                ("handler_url".into(), url.into()),
                ("event".into(), "oncrmleadadd".into()),
            ])
        };
        let problem = |url: &str, private| read_submitted(&form(url), private).1;
        assert_eq!(
            problem("http://127.0.0.1:9/h", false),
            Some("outbound-error-private")
        );
        assert_eq!(problem("http://127.0.0.1:9/h", true), None);
        assert_eq!(
            problem("ftp://example.com/", false),
            Some("outbound-error-scheme")
        );
        assert_eq!(
            problem("https://u:p@example.com/", false),
            Some("outbound-error-credentials")
        );
        assert_eq!(problem("not a url", false), Some("outbound-error-url"));
        let (ok, none) = read_submitted(&form("https://example.com/h"), false);
        assert_eq!(none, None);
        assert_eq!(ok.events, vec!["ONCRMLEADADD".to_owned()]);
    }
}
