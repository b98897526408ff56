//! Local applications: what an administrator fills in (an [`AppDraft`]), the
//! checks it passes, the credentials a new application gets (`client_id` in
//! Bitrix24's `local.` + 14 hex + `.` + 8 digits shape, a 50-character
//! `client_secret` kept sealed and found by its keyed hash, an application
//! token sealed for event deliveries), and the operations the web pages and the
//! command line share: create, change, reinstall, remove. Only administrators
//! call these; the callers check it.

use portico_store::app_events::InstallCallback;
use portico_store::apps::{App, AppChange, NewApp};
use portico_store::secrets::{new_application_token, SecretBox};
use portico_store::{EventStamp, Store, StoreError};
use rand::distributions::{Alphanumeric, DistString};
use rand::Rng;

/// Longest application name, in characters.
pub const MAX_NAME_CHARS: usize = 255;

/// Longest handler or installation URL, in bytes.
pub const MAX_URL_BYTES: usize = 2_048;

/// Longest menu item text, in characters.
pub const MAX_MENU_TEXT_CHARS: usize = 255;

/// Length of a client secret, as Bitrix24's.
pub const CLIENT_SECRET_LEN: usize = 50;

/// What an administrator fills in for a local application.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppDraft {
    /// Display name.
    pub name: String,
    /// The handler path (an `http`/`https` URL).
    pub handler_url: String,
    /// The initial installation path, if any.
    pub install_url: Option<String>,
    /// "Script only (no user interface)".
    pub script_only: bool,
    /// Menu item text by language (`en`, `br`); an app with a user interface
    /// needs the English one.
    pub menu_texts: Vec<(String, String)>,
    /// Granted scopes (known scope codes).
    pub scopes: Vec<String>,
}

/// Why a draft is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DraftError {
    /// No name, or a name too long.
    Name,
    /// The handler path is missing or not an `http`/`https` URL (or too long).
    HandlerUrl,
    /// The installation path is not an `http`/`https` URL (or too long).
    InstallUrl,
    /// An app with a user interface needs its English menu item text; texts
    /// are at most [`MAX_MENU_TEXT_CHARS`].
    MenuText,
    /// A scope that does not exist.
    UnknownScope(String),
}

impl std::fmt::Display for DraftError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DraftError::Name => write!(f, "the name must be 1 to {MAX_NAME_CHARS} characters"),
            DraftError::HandlerUrl => f.write_str("the handler path must be an http or https URL"),
            DraftError::InstallUrl => {
                f.write_str("the installation path must be an http or https URL")
            }
            DraftError::MenuText => f.write_str(
                "an application with a user interface needs a menu item text in English",
            ),
            DraftError::UnknownScope(s) => write!(f, "unknown scope {s}"),
        }
    }
}

impl std::error::Error for DraftError {}

/// Whether `url` is an absolute `http`/`https` URL with a host, of at most
/// [`MAX_URL_BYTES`].
fn is_web_url(url: &str) -> bool {
    if url.len() > MAX_URL_BYTES || url.chars().any(char::is_whitespace) {
        return false;
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.and_then(|r| r.split(['/', '?', '#']).next())
        .is_some_and(|host| !host.is_empty())
}

impl AppDraft {
    /// Trims the texts and checks the draft; `known_scopes` are the scope
    /// codes that exist (see `Registry::scopes`).
    pub fn checked(mut self, known_scopes: &[&str]) -> Result<AppDraft, DraftError> {
        self.name = self.name.trim().to_owned();
        self.handler_url = self.handler_url.trim().to_owned();
        self.install_url = self
            .install_url
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty());
        let chars = self.name.chars().count();
        if chars == 0 || chars > MAX_NAME_CHARS {
            return Err(DraftError::Name);
        }
        if !is_web_url(&self.handler_url) {
            return Err(DraftError::HandlerUrl);
        }
        if self.install_url.as_deref().is_some_and(|u| !is_web_url(u)) {
            return Err(DraftError::InstallUrl);
        }
        self.menu_texts = self
            .menu_texts
            .into_iter()
            .map(|(lang, text)| (lang.trim().to_owned(), text.trim().to_owned()))
            .filter(|(lang, text)| !lang.is_empty() && !text.is_empty())
            .collect();
        if self
            .menu_texts
            .iter()
            .any(|(_, t)| t.chars().count() > MAX_MENU_TEXT_CHARS)
        {
            return Err(DraftError::MenuText);
        }
        if !self.script_only && !self.menu_texts.iter().any(|(lang, _)| lang == "en") {
            return Err(DraftError::MenuText);
        }
        let mut scopes: Vec<String> = Vec::new();
        for scope in &self.scopes {
            let scope = scope.trim();
            if scope.is_empty() || scopes.iter().any(|s| s == scope) {
                continue;
            }
            if !known_scopes.contains(&scope) {
                return Err(DraftError::UnknownScope(scope.to_owned()));
            }
            scopes.push(scope.to_owned());
        }
        self.scopes = scopes;
        Ok(self)
    }
}

/// A new `client_id`: `local.` + 14 hex digits + `.` + 8 decimal digits (the
/// shape of PHP's `uniqid('', true)` that Bitrix24 uses).
pub fn new_client_id() -> String {
    let mut rng = rand::rngs::OsRng;
    let hex: u64 = rng.gen_range(0..(1u64 << 56));
    let digits: u32 = rng.gen_range(0..100_000_000);
    format!("local.{hex:014x}.{digits:08}")
}

/// A new `client_secret`: 50 letters and digits from the OS CSPRNG.
pub fn new_client_secret() -> String {
    Alphanumeric.sample_string(&mut rand::rngs::OsRng, CLIENT_SECRET_LEN)
}

/// A created application's credentials, shown to the administrator.
#[derive(Clone, Debug, PartialEq)]
pub struct Credentials {
    /// The new application's id.
    pub id: i64,
    /// `local.…`.
    pub client_id: String,
    /// The client secret.
    pub client_secret: String,
}

/// The language of the lifecycle events' `LANGUAGE_ID`.
const EVENT_LANGUAGE: &str = "en";

/// Installs a script-only application at once: with an installation path, it
/// gets `ONAPPINSTALL` there (through the delivery queue, in the installation's
/// transaction) with the tokens of administrator `by`.
async fn install_script_only(
    store: &dyn Store,
    app: &App,
    by: i64,
    now: i64,
) -> Result<(), StoreError> {
    let callback = app.install_url.clone().map(|handler_url| InstallCallback {
        handler_url,
        user_id: by,
        data: serde_json::json!({
            "VERSION": app.version.to_string(),
            "ACTIVE": "Y",
            "INSTALLED": "Y",
            "LANGUAGE_ID": EVENT_LANGUAGE,
        }),
    });
    store.install_app(app.id, now, callback).await.map(|_| ())
}

/// Creates an application from a checked draft for administrator `by` at
/// `now` with new credentials; a script-only application is installed at once.
pub async fn create(
    store: &dyn Store,
    secrets: &SecretBox,
    draft: AppDraft,
    by: i64,
    now: i64,
) -> Result<Credentials, StoreError> {
    create_with(store, secrets, draft, by, now, None).await
}

/// [`create`] with the credentials `given` (`client_id`, `client_secret`)
/// instead of new ones — the sandbox's fixed credentials; a taken
/// `client_id` is then `Conflict("apps_client_id")`.
pub async fn create_with(
    store: &dyn Store,
    secrets: &SecretBox,
    draft: AppDraft,
    by: i64,
    now: i64,
    given: Option<(String, String)>,
) -> Result<Credentials, StoreError> {
    let fixed = given.is_some();
    let (mut client_id, client_secret) =
        given.unwrap_or_else(|| (new_client_id(), new_client_secret()));
    let mut attempts = 0;
    loop {
        let new = NewApp {
            client_id: client_id.clone(),
            name: draft.name.clone(),
            handler_url: draft.handler_url.clone(),
            install_url: draft.install_url.clone(),
            script_only: draft.script_only,
            menu_texts: draft.menu_texts.clone(),
            scopes: draft.scopes.clone(),
            secret_hash: secrets.lookup_hash(&client_secret),
            secret_sealed: secrets.encrypt(&client_secret),
            application_token_sealed: secrets.encrypt(&new_application_token()),
            created_by: by,
            created_at: now,
        };
        match store.insert_app(new).await {
            Ok(id) => {
                if draft.script_only {
                    if let Some(app) = store.app_by_id(id).await? {
                        install_script_only(store, &app, by, now).await?;
                    }
                }
                tracing::info!(target: "portico::apps", app = id, by, "application created");
                return Ok(Credentials {
                    id,
                    client_id,
                    client_secret,
                });
            }
            Err(StoreError::Conflict(_)) if !fixed && attempts < 3 => {
                attempts += 1;
                client_id = new_client_id();
            }
            Err(e) => return Err(e),
        }
    }
}

/// Replaces an application's settings with a checked draft; `false` when
/// there is no such application.
pub async fn change(store: &dyn Store, id: i64, draft: AppDraft) -> Result<bool, StoreError> {
    let changed = store
        .update_app(
            id,
            AppChange {
                name: draft.name,
                handler_url: draft.handler_url,
                install_url: draft.install_url,
                script_only: draft.script_only,
                menu_texts: draft.menu_texts,
                scopes: draft.scopes,
            },
        )
        .await?;
    if changed {
        tracing::info!(target: "portico::apps", app = id, "application changed");
    }
    Ok(changed)
}

/// Reinstalls an application for administrator `by`: its tokens are revoked,
/// its event bindings removed and its version raised; a script-only
/// application is installed again at once (with `ONAPPINSTALL` at its
/// installation path), one with a user interface waits for its installer's
/// `installFinish`. `false` when there is no such application.
pub async fn reinstall(store: &dyn Store, id: i64, by: i64, now: i64) -> Result<bool, StoreError> {
    if !store.reset_app_installation(id).await? {
        return Ok(false);
    }
    if let Some(app) = store.app_by_id(id).await? {
        if app.script_only {
            install_script_only(store, &app, by, now).await?;
        }
    }
    tracing::info!(target: "portico::apps", app = id, "application reinstalled");
    Ok(true)
}

/// Removes an application at `now`: its handlers bound to `ONAPPUNINSTALL`
/// get it (`CLEAN` 0: its data stays), then its tokens are revoked and its
/// handlers removed; `false` when there was none.
pub async fn remove(store: &dyn Store, id: i64, now: i64) -> Result<bool, StoreError> {
    let data = serde_json::json!({ "LANGUAGE_ID": EVENT_LANGUAGE, "CLEAN": 0 });
    let stamp = EventStamp {
        at: now,
        user_id: None,
        auth_connector: None,
    };
    let removed = store.uninstall_app(id, data, stamp).await?;
    if removed {
        tracing::info!(target: "portico::apps", app = id, "application removed");
    }
    Ok(removed)
}

/// An application's client secret, unsealed (for administrators' eyes).
pub fn client_secret(secrets: &SecretBox, app: &App) -> Option<String> {
    secrets.decrypt(&app.secret_sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> AppDraft {
        AppDraft {
            name: " Sync ".into(),
            handler_url: "https://app.example.com/handler".into(),
            install_url: Some("  ".into()),
            script_only: false,
            menu_texts: vec![("en".into(), "Sync".into()), ("br".into(), " ".into())],
            scopes: vec!["crm".into(), "crm".into(), "user".into()],
        }
    }

    #[test]
    fn drafts_are_trimmed_and_checked() {
        let known = ["crm", "user"];
        let ok = draft().checked(&known).expect("valid");
        assert_eq!(ok.name, "Sync");
        assert_eq!(ok.install_url, None);
        assert_eq!(ok.menu_texts, [("en".to_owned(), "Sync".to_owned())]);
        assert_eq!(ok.scopes, ["crm", "user"]);
        let bad = |f: fn(&mut AppDraft)| {
            let mut d = draft();
            f(&mut d);
            d.checked(&known).unwrap_err()
        };
        assert_eq!(bad(|d| d.name = "  ".into()), DraftError::Name);
        assert_eq!(
            bad(|d| d.handler_url = "ftp://x".into()),
            DraftError::HandlerUrl
        );
        assert_eq!(
            bad(|d| d.handler_url = "https:///path".into()),
            DraftError::HandlerUrl
        );
        assert_eq!(
            bad(|d| d.install_url = Some("javascript:alert(1)".into())),
            DraftError::InstallUrl
        );
        assert_eq!(bad(|d| d.menu_texts.clear()), DraftError::MenuText);
        assert_eq!(
            bad(|d| d.scopes.push("telephony".into())),
            DraftError::UnknownScope("telephony".into())
        );
        let mut script = draft();
        script.script_only = true;
        script.menu_texts.clear();
        assert!(
            script.checked(&known).is_ok(),
            "no menu item without a user interface"
        );
    }

    #[test]
    fn credentials_have_bitrix24s_shapes() {
        let id = new_client_id();
        let parts: Vec<&str> = id.split('.').collect();
        assert_eq!(parts.len(), 3, "{id}");
        assert_eq!(parts[0], "local");
        assert!(parts[1].len() == 14 && parts[1].bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(parts[2].len() == 8 && parts[2].bytes().all(|b| b.is_ascii_digit()));
        let secret = new_client_secret();
        assert_eq!(secret.len(), 50);
        assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(new_client_secret(), secret);
        let token = new_application_token();
        assert!(
            token.len() == 32
                && token
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
    }
}
