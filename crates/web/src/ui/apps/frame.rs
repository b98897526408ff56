//! The frame an application is shown in (reference §10.4): a hidden form
//! POSTed into a named `<iframe>` by `/static/app_frame.js`, with `DOMAIN`,
//! `PROTOCOL`, `LANG` and `APP_SID` in the query and the viewing user's fresh
//! tokens (a real grant: they work on `/rest/` and refresh at
//! `/oauth/token/`), the application token, scopes, `member_id`, `status`,
//! `PLACEMENT` and `PLACEMENT_OPTIONS` in the body. The page's CSP lets
//! exactly the frame's origin be framed and posted to; Portico's own pages
//! still refuse to be framed.

use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup};
use portico_store::apps::{App, NewGrant};
use portico_store::secrets::new_oauth_token;

use crate::portal::{domain_of, member_id, rest_endpoint};
use crate::state::AppState;
use crate::ui::developer::public_base;
use crate::ui::i18n::Lang;
use crate::ui::page;
use crate::ui::session::Signed;

/// What a frame opens.
pub struct FrameTarget<'a> {
    /// The application.
    pub app: &'a App,
    /// The URL posted to (the handler, the installer or a placement's handler).
    pub url: &'a str,
    /// `PLACEMENT` (`DEFAULT` for the application's page and installer).
    pub placement: &'a str,
    /// `PLACEMENT_OPTIONS`, JSON text (`{}` when there are none).
    pub options: String,
    /// Whether the frame is the installer: its `installFinish` is reported.
    pub install: bool,
}

/// A frame ready to be put on a page, and the origin the page's CSP allows.
pub struct Frame {
    /// The markup: the hidden form and the iframe.
    pub markup: Markup,
    /// `scheme://host[:port]` of the frame's URL.
    pub origin: String,
}

/// Bitrix24's language id of a UI language (`en`, `br`).
pub fn bitrix_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::PtBr => "br",
    }
}

/// 32 random hex digits.
fn app_sid() -> String {
    (0..16)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

/// `url` with `query` appended (before any fragment).
fn with_query(url: &str, query: &str) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let joiner = if base.contains('?') { '&' } else { '?' };
    match fragment {
        Some(f) => format!("{base}{joiner}{query}#{f}"),
        None => format!("{base}{joiner}{query}"),
    }
}

/// Issues the viewing user's tokens for the application and renders the
/// frame. Fails with a ready error page.
pub async fn render(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    target: FrameTarget<'_>,
) -> Result<Frame, Response> {
    let app = target.app;
    let origin = page::origin_of(target.url)
        .ok_or_else(|| page::internal_error(headers, "application URL is not http(s)"))?;
    let application_token = state
        .secrets
        .decrypt(&app.application_token_sealed)
        .ok_or_else(|| page::internal_error(headers, "application token cannot be unsealed"))?;
    let member = member_id(state.store.as_ref())
        .await
        .map_err(|e| page::internal_error(headers, e))?;
    let now = state.clock.now();
    let (access, refresh) = (new_oauth_token(), new_oauth_token());
    let ttl = state.oauth;
    state
        .store
        .insert_grant(NewGrant {
            app_id: app.id,
            user_id: signed.user.id,
            access_hash: state.secrets.lookup_hash(&access),
            access_expires_at: now + ttl.access_token_ttl,
            refresh_hash: state.secrets.lookup_hash(&refresh),
            refresh_expires_at: now + ttl.refresh_token_ttl,
            issued_at: now,
        })
        .await
        .map_err(|e| page::internal_error(headers, e))?;
    let base = public_base(state, headers);
    let domain = domain_of(&base);
    let protocol = if base.starts_with("https://") {
        "1"
    } else {
        "0"
    };
    let lang = bitrix_lang(signed.tr.lang);
    let sid = app_sid();
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("DOMAIN", &domain)
        .append_pair("PROTOCOL", protocol)
        .append_pair("LANG", lang)
        .append_pair("APP_SID", &sid)
        .finish();
    let action = with_query(target.url, &query);
    let expires = ttl.access_token_ttl.to_string();
    let endpoint = rest_endpoint(&base);
    let scope = app.scopes.join(",");
    let fields: [(&str, &str); 10] = [
        ("AUTH_ID", &access),
        ("AUTH_EXPIRES", &expires),
        ("REFRESH_ID", &refresh),
        ("SERVER_ENDPOINT", &endpoint),
        ("APPLICATION_TOKEN", &application_token),
        ("APPLICATION_SCOPE", &scope),
        ("member_id", &member),
        ("status", "L"),
        ("PLACEMENT", target.placement),
        ("PLACEMENT_OPTIONS", &target.options),
    ];
    // An application served from Portico's own origin would, with its own
    // origin kept, be able to reach out of the sandbox into the portal.
    let same_origin_as_portal = page::origin_of(&base).as_deref() == Some(origin.as_str());
    let sandbox = if same_origin_as_portal {
        "allow-scripts allow-forms allow-popups"
    } else {
        "allow-scripts allow-forms allow-same-origin allow-popups"
    };
    let name = format!("app-frame-{sid}");
    let title = signed.tr.t_with("app-frame-title", &[("name", &app.name)]);
    let markup = html! {
        div.app-frame #app-frame
            data-origin=(origin)
            data-app-sid=(sid)
            data-install=(if target.install { "1" } else { "0" })
            data-domain=(domain)
            data-protocol=(protocol)
            data-admin=(if signed.user.is_admin { "1" } else { "0" })
        {
            form #app-frame-form method="post" action=(action) target=(name) hidden {
                @for (field, value) in &fields {
                    input type="hidden" name=(field) value=(value);
                }
            }
            iframe #app-frame-window name=(name) title=(title) sandbox=(sandbox)
                referrerpolicy="no-referrer" {}
            @if target.install {
                form #app-installed-form method="post" action={ "/apps/" (app.id) "/installed" } hidden {
                    input type="hidden" name="csrf" value=(signed.csrf);
                }
            }
        }
    };
    Ok(Frame { markup, origin })
}

/// The page of a frame: Portico's policy with `origin` allowed as a frame
/// and as a form target.
pub fn allow_frame(mut res: Response, origin: &str) -> Response {
    page::allow_origin(&mut res, origin, true);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_come_from_http_urls_only() {
        assert_eq!(
            page::origin_of("HTTPS://App.Example.com:8443/x?y#z").as_deref(),
            Some("https://app.example.com:8443")
        );
        assert_eq!(page::origin_of("javascript:alert(1)"), None);
        assert_eq!(page::origin_of("https://a b/"), None);
        assert_eq!(page::origin_of("https://x;script-src *"), None);
    }

    #[test]
    fn the_query_goes_before_the_fragment() {
        assert_eq!(with_query("https://a/p", "A=1"), "https://a/p?A=1");
        assert_eq!(with_query("https://a/p?x=1", "A=1"), "https://a/p?x=1&A=1");
        assert_eq!(with_query("https://a/p#f", "A=1"), "https://a/p?A=1#f");
    }
}
