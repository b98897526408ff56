//! The portal's page shell (top bar, left menu, main area), bare pages for
//! signed-out screens and errors, and the HTML response with its security headers.
//! Every text goes through maud, which escapes it.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use maud::{html, Markup, DOCTYPE};

use super::i18n::{Lang, Tr};
use super::session::{request_lang, Signed};

/// The menu entry a page belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Developer resources.
    Developer,
    /// The chat pages.
    Chat,
    /// The live feed.
    Feed,
    /// The task pages.
    Tasks,
    /// The workgroup pages.
    Workgroups,
    /// A CRM list or record page; the entity's path segment (`leads`, …).
    Crm(&'static str),
    /// Users (administrators).
    Users,
    /// The page of the local application with this id.
    App(i64),
    /// The notifications (the top bar's bell).
    Notifications,
}

/// Portico's content security policy. `external`, when given, is an
/// application's origin the page may send a form to (and be redirected to),
/// and — with `frames` — show in a frame. Portico's own pages are never framed.
fn content_security_policy(external: Option<(&str, bool)>) -> String {
    let (frame_src, form_target) = match external {
        Some((origin, true)) => (format!("frame-src {origin}; "), format!(" {origin}")),
        Some((origin, false)) => (String::new(), format!(" {origin}")),
        None => (String::new(), String::new()),
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; {frame_src}frame-ancestors 'none'; form-action 'self'{form_target}; \
         base-uri 'none'"
    )
}

/// Portico's own policy, made once.
static PORTICO_POLICY: std::sync::LazyLock<HeaderValue> = std::sync::LazyLock::new(|| {
    HeaderValue::from_str(&content_security_policy(None)).expect("the policy is plain ASCII")
});

/// Lets a page send forms to (with `frames`, also frame) the application at
/// `origin` (see [`origin_of`]).
pub fn allow_origin(res: &mut Response, origin: &str, frames: bool) {
    if let Ok(value) = HeaderValue::from_str(&content_security_policy(Some((origin, frames)))) {
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The scheme, host and port of an `http(s)` URL, lower-cased, when its host
/// is plain (letters, digits, `.-:[]`) — safe to put in a policy.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    let plain = !authority.is_empty()
        && authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
    plain.then(|| format!("{scheme}://{authority}"))
}

/// A complete HTML answer: no caching, no framing, no sniffing, scripts and styles
/// only from this origin.
pub fn html(status: StatusCode, markup: Markup) -> Response {
    let mut res = Response::new(Body::from(markup.into_string()));
    *res.status_mut() = status;
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CONTENT_SECURITY_POLICY, PORTICO_POLICY.clone());
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The document around a body: language, title, stylesheet, optional scripts;
/// `live_after` (signed-in pages) is where the page's live stream starts.
fn document(
    lang: Lang,
    title: &str,
    scripts: &[&str],
    live_after: Option<i64>,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Portico" }
                link rel="stylesheet" href="/static/portico.css";
                @for src in scripts {
                    script src=(src) defer {}
                }
            }
            body data-live-after=[live_after] { (body) }
        }
    }
}

/// A page of the portal for a signed-in user.
pub fn page(signed: &Signed, section: Section, title: &str, body: Markup) -> Response {
    page_with_scripts(signed, section, title, &[], body)
}

/// A page of the portal that also loads `scripts` (paths under `/static/`).
pub fn page_with_scripts(
    signed: &Signed,
    section: Section,
    title: &str,
    scripts: &[&str],
    body: Markup,
) -> Response {
    let tr = &signed.tr;
    let scripts: Vec<&str> = [LIVE_SCRIPT, NOTIFICATIONS_SCRIPT]
        .into_iter()
        .chain(scripts.iter().copied())
        .collect();
    let current = |s: Section| if s == section { Some("page") } else { None };
    let shell = html! {
        a.skip href="#main" { (tr.t("skip-to-content")) }
        header.topbar {
            a.brand href="/" { "Portico" }
            (super::notifications::bell(signed, section == Section::Notifications))
            span.who { (display_name(&signed.user)) }
            form.inline method="post" action="/settings/language" {
                input type="hidden" name="csrf" value=(signed.csrf);
                label.visually-hidden for="lang-select" { (tr.t("language")) }
                select #lang-select name="lang" {
                    @for lang in Lang::ALL {
                        option value=(lang.tag()) selected[lang == tr.lang] { (lang.native_name()) }
                    }
                }
                button type="submit" { (tr.t("language-apply")) }
            }
            form.inline method="post" action="/logout" {
                input type="hidden" name="csrf" value=(signed.csrf);
                button type="submit" { (tr.t("sign-out")) }
            }
        }
        div.frame {
            nav.menu aria-label=(tr.t("nav-main")) {
                ul {
                    li { a href="/developer" aria-current=[current(Section::Developer)] { (tr.t("nav-developer")) } }
                    li { a #nav-chat href="/chat" aria-current=[current(Section::Chat)] { (tr.t("nav-chat")) } }
                    li { a #nav-feed href="/feed" aria-current=[current(Section::Feed)] { (tr.t("nav-feed")) } }
                    li { a #nav-tasks href="/tasks" aria-current=[current(Section::Tasks)] { (tr.t("nav-tasks")) } }
                    li { a #nav-workgroups href="/workgroups" aria-current=[current(Section::Workgroups)] { (tr.t("nav-workgroups")) } }
                    li.group {
                        span { (tr.t("nav-crm")) }
                        ul {
                            @for kind in &super::crm::KINDS {
                                li { a href={ "/crm/" (kind.segment) } aria-current=[current(Section::Crm(kind.segment))] { (tr.t(kind.title_id)) } }
                            }
                        }
                    }
                    @if signed.user.is_admin {
                        li { a href="/users" aria-current=[current(Section::Users)] { (tr.t("nav-users")) } }
                    }
                    @for (id, text) in &signed.apps_menu {
                        li.app { a href={ "/apps/" (id) } aria-current=[current(Section::App(*id))] { (text) } }
                    }
                }
            }
            main #main tabindex="-1" { (body) }
        }
    };
    html(
        StatusCode::OK,
        document(tr.lang, title, &scripts, Some(signed.live_after), shell),
    )
}

/// The script every signed-in page loads: it listens to `/live` and passes each
/// update on as a `portico:live` event of the document.
const LIVE_SCRIPT: &str = "/static/live.js";

/// The script every signed-in page loads: it keeps the bell's count (and the
/// notifications page's list) up to date from the `notify` live updates.
const NOTIFICATIONS_SCRIPT: &str = "/static/notifications.js";

/// A page without the portal's menu (sign-in, errors).
pub fn bare(tr: &Tr, status: StatusCode, title: &str, body: Markup) -> Response {
    let content = html! {
        main #main.bare {
            p.brand { a href="/" { "Portico" } }
            (body)
        }
    };
    html(status, document(tr.lang, title, &[], None, content))
}

/// An error page showing message `id`.
pub fn error_page(tr: &Tr, status: StatusCode, id: &str) -> Response {
    let text = tr.t(id);
    bare(
        tr,
        status,
        &text,
        html! {
            h1 { (text) }
            p { a href="/" { (tr.t("error-back-home")) } }
        },
    )
}

/// A 404 page.
pub fn not_found(tr: &Tr) -> Response {
    error_page(tr, StatusCode::NOT_FOUND, "error-not-found")
}

/// Logs a storage or internal failure and answers a generic 500 page.
pub fn internal_error(headers: &HeaderMap, error: impl std::fmt::Display) -> Response {
    tracing::error!(error = %error, "web page failed");
    let tr = Tr::new(request_lang(headers, None));
    error_page(&tr, StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
}

/// "First Last", or the login when the user has no name.
pub fn display_name(user: &portico_store::User) -> String {
    portico_methods::im::render::full_name(user)
}

/// A Unix instant as `YYYY-MM-DD HH:MM` in UTC, or "—".
pub fn format_instant(at: Option<i64>) -> String {
    at.and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "—".to_owned())
}
