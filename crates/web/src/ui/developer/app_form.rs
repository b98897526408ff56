//! The local-application form: name, type (Server; Static shown but not
//! offered yet), handler path, initial installation path, "Script only (no
//! user interface)", the menu item texts (hidden by the stylesheet and ignored
//! for a script-only application), the permissions as checkboxes, and for a
//! stored application its credentials (`client_id`, the unsealed
//! `client_secret` with copy buttons), its installation state and the
//! reinstall button. Also reads a submitted form into an [`AppDraft`].

use maud::{html, Markup};
use portico_methods::apps::{AppDraft, DraftError};
use portico_store::App;

use super::form::scope_label;
use super::tabs;
use crate::ui::i18n::Tr;
use crate::ui::page::format_instant;
use crate::ui::session::{FormData, Signed};

/// What the page shows of a stored application besides its settings.
#[derive(Clone, Debug)]
pub struct StoredApp {
    /// The application's id.
    pub id: i64,
    /// `local.…`.
    pub client_id: String,
    /// The client secret, unsealed; `None` when it cannot be read.
    pub client_secret: Option<String>,
    /// When its installation finished.
    pub installed_at: Option<i64>,
    /// Its version (raised by each reinstallation).
    pub version: i64,
}

/// Everything the form shows.
#[derive(Clone, Debug, Default)]
pub struct AppForm {
    /// The stored application; `None` for a new one.
    pub stored: Option<StoredApp>,
    /// Display name.
    pub name: String,
    /// Handler path as typed or stored.
    pub handler_url: String,
    /// Installation path as typed or stored ("" for none).
    pub install_url: String,
    /// "Script only (no user interface)".
    pub script_only: bool,
    /// English menu item text.
    pub menu_en: String,
    /// Portuguese menu item text.
    pub menu_br: String,
    /// Ticked scopes.
    pub scopes: Vec<String>,
    /// A refusal to show.
    pub error: Option<String>,
    /// A notice to show.
    pub notice: Option<String>,
}

/// The menu item text of `lang` among `texts`, or "".
fn menu_text(texts: &[(String, String)], lang: &str) -> String {
    texts
        .iter()
        .find(|(l, _)| l == lang)
        .map(|(_, t)| t.clone())
        .unwrap_or_default()
}

impl AppForm {
    /// The form of a stored application with its unsealed `client_secret`.
    pub fn of_stored(app: &App, client_secret: Option<String>) -> AppForm {
        AppForm {
            stored: Some(StoredApp {
                id: app.id,
                client_id: app.client_id.clone(),
                client_secret,
                installed_at: app.installed_at,
                version: app.version,
            }),
            name: app.name.clone(),
            handler_url: app.handler_url.clone(),
            install_url: app.install_url.clone().unwrap_or_default(),
            script_only: app.script_only,
            menu_en: menu_text(&app.menu_texts, "en"),
            menu_br: menu_text(&app.menu_texts, "br"),
            scopes: app.scopes.clone(),
            error: None,
            notice: None,
        }
    }

    /// Takes the settings typed into a submitted form, keeping what is stored.
    pub fn with_typed(self, typed: AppForm) -> AppForm {
        AppForm {
            stored: self.stored,
            error: self.error,
            notice: self.notice,
            ..typed
        }
    }
}

/// Why a submitted form is refused, as a message to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The draft failed its checks.
    Draft(DraftError),
    /// A static application was asked for.
    Static,
}

impl Refusal {
    /// The refusal in the page's language.
    pub fn message(&self, tr: &Tr) -> String {
        match self {
            Refusal::Static => tr.t("app-error-static"),
            Refusal::Draft(DraftError::Name) => tr.t("app-error-name"),
            Refusal::Draft(DraftError::HandlerUrl) => tr.t("app-error-handler"),
            Refusal::Draft(DraftError::InstallUrl) => tr.t("app-error-install"),
            Refusal::Draft(DraftError::MenuText) => tr.t("app-error-menu"),
            Refusal::Draft(DraftError::UnknownScope(scope)) => {
                tr.t_with("app-error-scope", &[("scope", scope)])
            }
        }
    }
}

/// Reads a submitted form: the fields as typed (to show again) and the
/// checked draft, or why it is refused. Menu texts of a script-only
/// application are ignored.
pub fn read_submitted(
    form: &FormData,
    known_scopes: &[&str],
) -> (AppForm, Result<AppDraft, Refusal>) {
    let typed = AppForm {
        name: form.text("name"),
        handler_url: form.text("handler_url"),
        install_url: form.text("install_url"),
        script_only: form.get("script_only").is_some(),
        menu_en: form.text("menu_en"),
        menu_br: form.text("menu_br"),
        scopes: form.all("scope").into_iter().map(str::to_owned).collect(),
        ..AppForm::default()
    };
    if form.get("type").is_some_and(|t| t != "server") {
        return (typed, Err(Refusal::Static));
    }
    let menu_texts = if typed.script_only {
        Vec::new()
    } else {
        vec![
            ("en".to_owned(), typed.menu_en.clone()),
            ("br".to_owned(), typed.menu_br.clone()),
        ]
    };
    let draft = AppDraft {
        name: typed.name.clone(),
        handler_url: typed.handler_url.clone(),
        install_url: Some(typed.install_url.clone()),
        script_only: typed.script_only,
        menu_texts,
        scopes: typed.scopes.clone(),
    };
    let checked = draft.checked(known_scopes).map_err(Refusal::Draft);
    (typed, checked)
}

/// The credentials, installation state and reinstall button of a stored application.
fn credentials(signed: &Signed, app: &StoredApp) -> Markup {
    let tr = &signed.tr;
    let version = app.version.to_string();
    html! {
        section.card.stack #app-credentials {
            h2 { (tr.t("app-credentials")) }
            label for="app-client-id" { (tr.t("app-client-id")) }
            div.key-row {
                input #app-client-id type="text" readonly value=(app.client_id);
                button.copy type="button" data-copy="#app-client-id" { (tr.t("action-copy")) }
            }
            label for="app-client-secret" { (tr.t("app-client-secret")) }
            @if let Some(secret) = &app.client_secret {
                div.key-row {
                    input #app-client-secret type="text" readonly value=(secret);
                    button.copy type="button" data-copy="#app-client-secret" { (tr.t("action-copy")) }
                }
                p.warning #app-secret-warning { (tr.t("app-secret-warning")) }
            } @else {
                p.error #app-secret-unavailable { (tr.t("app-secret-unavailable")) }
            }
            @match app.installed_at {
                Some(at) => p #app-installed data-installed="true" {
                    (tr.t_with("app-installed", &[("at", &format_instant(Some(at))), ("version", &version)]))
                },
                None => p.warning #app-installed data-installed="false" {
                    (tr.t_with("app-not-installed", &[("version", &version)]))
                },
            }
            form.row #app-reinstall-form method="post" action={ "/developer/apps/" (app.id) "/reinstall" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                button #app-reinstall type="submit" { (tr.t("action-reinstall")) }
                span.muted { (tr.t("app-reinstall-help")) }
            }
        }
    }
}

/// The type radio: Server, and Static shown but not offered yet.
fn type_choice(tr: &Tr) -> Markup {
    html! {
        fieldset #app-type {
            legend { (tr.t("app-type")) }
            label { input type="radio" name="type" value="server" checked; " " (tr.t("app-type-server")) }
            label {
                input type="radio" name="type" value="static" disabled aria-describedby="app-static-note";
                " " (tr.t("app-type-static")) " "
                span.muted #app-static-note { "(" (tr.t("app-static-note")) ")" }
            }
        }
    }
}

/// The whole page body; `scopes` are those an application can be given.
pub fn render(signed: &Signed, form: &AppForm, scopes: &[&str]) -> Markup {
    let tr = &signed.tr;
    let action = match &form.stored {
        Some(app) => format!("/developer/apps/{}", app.id),
        None => "/developer/apps/new".to_owned(),
    };
    html! {
        (tabs(tr, None, signed.user.is_admin))
        h1 {
            @if form.stored.is_some() { (tr.t_with("app-edit-title", &[("name", &form.name)])) }
            @else { (tr.t("app-new-title")) }
        }
        @if let Some(notice) = &form.notice { p.notice role="status" #app-notice { (notice) } }
        @if let Some(error) = &form.error { p.error role="alert" #app-error { (error) } }
        @if let Some(app) = &form.stored { (credentials(signed, app)) }
        form.card.stack #app-form method="post" action=(action) {
            input type="hidden" name="csrf" value=(signed.csrf);
            label for="app-name" { (tr.t("app-name")) }
            input #app-name type="text" name="name" required maxlength="255" value=(form.name);
            (type_choice(tr))
            label for="app-handler" { (tr.t("app-handler")) " *" }
            input #app-handler type="url" name="handler_url" required placeholder="https://example.com/index.php"
                value=(form.handler_url) aria-describedby="app-handler-help";
            span.muted #app-handler-help { (tr.t("app-handler-help")) }
            label for="app-install" { (tr.t("app-install")) }
            input #app-install type="url" name="install_url" placeholder="https://example.com/install.php"
                value=(form.install_url) aria-describedby="app-install-help";
            span.muted #app-install-help { (tr.t("app-install-help")) }
            label {
                input #app-script-only type="checkbox" name="script_only" value="1" checked[form.script_only];
                " " (tr.t("app-script-only"))
            }
            fieldset.stack.menu-texts #app-menu-texts {
                legend { (tr.t("app-menu-texts")) }
                label for="app-menu-en" { (tr.t("app-menu-en")) " *" }
                input #app-menu-en type="text" name="menu_en" maxlength="255" value=(form.menu_en);
                label for="app-menu-br" { (tr.t("app-menu-br")) }
                input #app-menu-br type="text" name="menu_br" maxlength="255" value=(form.menu_br);
            }
            fieldset #scopes {
                legend { (tr.t("app-scopes")) }
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
                button.primary #app-save type="submit" { (tr.t("action-save")) }
                a.button href="/developer/integrations" { (tr.t("action-cancel")) }
                @if let Some(app) = &form.stored {
                    a.button.delete-link href={ "/developer/apps/" (app.id) "/delete" } { (tr.t("action-delete")) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    fn form(fields: &[(&str, &str)]) -> FormData {
        FormData(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn script_only_forms_ignore_the_menu_texts() {
        let (_, draft) = read_submitted(
            &form(&[
                ("name", "Sync"),
                ("type", "server"),
                ("handler_url", "https://a.example/h"),
                ("script_only", "1"),
                ("menu_en", "Shown?"),
                ("scope", "crm"),
            ]),
            &["crm"],
        );
        let draft = draft.expect("valid");
        assert!(draft.script_only);
        assert!(draft.menu_texts.is_empty());
        let (typed, refused) = read_submitted(
            &form(&[("name", "Ui"), ("handler_url", "https://a.example/h")]),
            &["crm"],
        );
        assert_eq!(refused, Err(Refusal::Draft(DraftError::MenuText)));
        assert_eq!(typed.name, "Ui");
        let (_, refused) = read_submitted(&form(&[("type", "static")]), &["crm"]);
        assert_eq!(refused, Err(Refusal::Static));
    }

    #[test]
    fn every_refusal_is_translated() {
        for lang in Lang::ALL {
            let tr = Tr::new(lang);
            for refusal in [
                Refusal::Static,
                Refusal::Draft(DraftError::Name),
                Refusal::Draft(DraftError::HandlerUrl),
                Refusal::Draft(DraftError::InstallUrl),
                Refusal::Draft(DraftError::MenuText),
                Refusal::Draft(DraftError::UnknownScope("x".into())),
            ] {
                let text = refusal.message(&tr);
                assert!(!text.starts_with("app-error"), "{lang:?}: {text}");
            }
        }
    }
}
