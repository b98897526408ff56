//! The inbound-webhook form with the request builder inside it: name, key (only
//! for its owner), the warning never to share it, regenerate, expiry, scopes as
//! readable checkboxes, and the builder's skeleton that `/static/builder.js` fills.

use maud::{html, Markup};
use serde_json::json;

use super::tabs;
use crate::ui::i18n::Tr;
use crate::ui::page::display_name;
use crate::ui::session::Signed;
use portico_store::User;

/// Everything the form shows.
#[derive(Clone, Debug)]
pub struct WebhookForm {
    /// The webhook's id; `None` for a new one.
    pub id: Option<i64>,
    /// The use case it was opened from (new webhooks).
    pub case: Option<String>,
    /// Display name.
    pub name: String,
    /// The key, when the viewer may see it (the owner); `None` hides it.
    pub key: Option<String>,
    /// For a new webhook: the server's proof that it proposed `key` to this
    /// session, so a submitted form cannot choose its own key.
    pub key_proof: Option<String>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Expiry date `YYYY-MM-DD`, or "".
    pub expires: String,
    /// The user the webhook acts as.
    pub owner: User,
    /// The method the builder opens with.
    pub method: String,
    /// A validation error to show.
    pub error: Option<String>,
    /// A notice to show (saved, key regenerated).
    pub notice: Option<String>,
}

impl WebhookForm {
    /// Whether an administrator is looking at someone else's webhook.
    pub fn foreign(&self, viewer: &User) -> bool {
        self.owner.id != viewer.id
    }
}

/// The readable name of a scope.
pub fn scope_label(tr: &Tr, scope: &str) -> String {
    let id = format!("scope-{scope}");
    match tr.t(&id) {
        name if name == id => scope.to_owned(),
        name => name,
    }
}

/// The builder's texts for its script, as a JSON object.
fn builder_texts(tr: &Tr) -> String {
    json!({
        "addRow": tr.t("builder-add-row"),
        "remove": tr.t("builder-remove"),
        "key": tr.t("builder-key"),
        "value": tr.t("builder-value"),
        "item": tr.t("builder-item"),
        "required": tr.t("builder-required"),
        "noMethods": tr.t("builder-no-methods"),
        "status": tr.t("builder-status"),
        "time": tr.t("builder-time"),
        "copied": tr.t("action-copied"),
        "saveFirst": tr.t("builder-save-first"),
        "failed": tr.t("builder-failed"),
    })
    .to_string()
}

/// The whole page body; `scopes` are those a webhook can be given (the
/// registry's: `basic` needs none).
pub fn render(signed: &Signed, form: &WebhookForm, base: &str, scopes: &[&str]) -> Markup {
    let tr = &signed.tr;
    let foreign = form.foreign(&signed.user);
    let action = match form.id {
        Some(id) => format!("/developer/webhooks/{id}"),
        None => "/developer/webhooks/new".to_owned(),
    };
    let hook_url = form
        .key
        .as_ref()
        .map(|key| format!("{base}/rest/{}/{key}/", form.owner.id));
    html! {
        (tabs(tr, None, signed.user.is_admin))
        h1 {
            @if form.id.is_some() { (tr.t_with("webhook-edit-title", &[("name", &form.name)])) }
            @else { (tr.t("webhook-new-title")) }
        }
        @if let Some(notice) = &form.notice { p.notice role="status" #webhook-notice { (notice) } }
        @if let Some(error) = &form.error { p.error role="alert" #webhook-error { (error) } }
        @if foreign {
            p.warning #owner-warning role="note" {
                (tr.t_with("webhook-foreign-warning", &[("owner", &display_name(&form.owner))]))
            }
        }
        form.card.stack #webhook-form method="post" action=(action) {
            input type="hidden" name="csrf" value=(signed.csrf);
            @if let Some(case) = &form.case { input type="hidden" name="case" value=(case); }
            label for="webhook-name" { (tr.t("webhook-name")) }
            input #webhook-name type="text" name="name" required maxlength="100" value=(form.name);
            fieldset.stack {
                legend { (tr.t("webhook-key-legend")) }
                @if let (Some(key), Some(url)) = (&form.key, &hook_url) {
                    @if let (None, Some(proof)) = (form.id, &form.key_proof) {
                        input type="hidden" name="key" value=(key);
                        input type="hidden" name="key_proof" value=(proof);
                    }
                    label for="webhook-url" { (tr.t("webhook-url")) }
                    div.key-row {
                        input #webhook-url type="text" readonly value=(url);
                        button.copy type="button" data-copy="#webhook-url" { (tr.t("action-copy")) }
                    }
                    label for="webhook-key" { (tr.t("webhook-key")) }
                    div.key-row {
                        input #webhook-key type="text" readonly value=(key);
                    }
                } @else {
                    p.muted #key-hidden { (tr.t("webhook-key-hidden")) }
                }
                p.warning #key-warning { (tr.t("webhook-key-warning")) }
                div.row {
                    button #regenerate-key type="submit" name="action" value="regenerate" formnovalidate {
                        (tr.t("webhook-regenerate"))
                    }
                }
            }
            label for="webhook-expires" { (tr.t("webhook-expires")) }
            input #webhook-expires type="date" name="expires" value=(form.expires) aria-describedby="expires-help";
            span.muted #expires-help { (tr.t("webhook-expires-help")) }
            fieldset #scopes {
                legend { (tr.t("webhook-scopes")) }
                div.scopes {
                    @for scope in scopes {
                        label {
                            input type="checkbox" name="scope" value=(scope) checked[form.scopes.iter().any(|s| s == scope)];
                            " " (scope_label(tr, scope)) " "
                            code { (scope) }
                        }
                    }
                }
            }
            div.row {
                button.primary #webhook-save type="submit" name="action" value="save" { (tr.t("action-save")) }
                a.button href="/developer/integrations" { (tr.t("action-cancel")) }
            }
        }
        (builder(tr, form, base))
    }
}

/// The request builder's skeleton.
fn builder(tr: &Tr, form: &WebhookForm, base: &str) -> Markup {
    html! {
        section.card #builder
            data-base=(base)
            data-user=(form.owner.id)
            data-key=(form.key.as_deref().unwrap_or(""))
            data-method=(form.method)
            data-i18n=(builder_texts(tr)) {
            h2 { (tr.t("builder-title")) }
            p.muted { (tr.t("builder-intro")) }
            @if form.key.is_none() || form.id.is_none() {
                p.warning #builder-save-first { (tr.t("builder-save-first")) }
            }
            div.builder {
                div.stack {
                    label for="method-search" { (tr.t("builder-method")) }
                    input #method-search type="search" placeholder=(tr.t("builder-search")) autocomplete="off";
                    div.method-list {
                        select #builder-method size="14" aria-label=(tr.t("builder-method")) {}
                    }
                }
                div.stack {
                    h3 #method-name {}
                    p #method-description {}
                    div #builder-params {}
                    label for="builder-url" { (tr.t("builder-url")) }
                    div.url-row {
                        input #builder-url type="text" readonly;
                        button.copy type="button" data-copy="#builder-url" { (tr.t("action-copy")) }
                    }
                    div.row {
                        button.primary #builder-execute type="button" disabled[form.key.is_none() || form.id.is_none()] {
                            (tr.t("builder-execute"))
                        }
                        button #download-php type="button" { (tr.t("builder-download-php")) }
                    }
                    div #response hidden {
                        div.response-meta {
                            span { (tr.t("builder-status")) ": " span #response-status {} }
                            span { (tr.t("builder-time")) ": " span #response-time {} }
                        }
                        pre.code #response-body tabindex="0" {}
                    }
                    h3 { (tr.t("builder-code")) }
                    @for (id, label) in [("code-curl", "curl"), ("code-js", "JavaScript (b24jssdk)"), ("code-python", "Python (b24pysdk)")] {
                        div.row { strong { (label) } button.copy type="button" data-copy={ "#" (id) } { (tr.t("action-copy")) } }
                        pre.code id=(id) tabindex="0" {}
                    }
                }
            }
        }
    }
}
