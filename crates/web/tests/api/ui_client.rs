//! A small browser for the web UI in tests: a [`UiClient`] keeps the cookies
//! the server sets (by hand, one value per name), never follows redirects (a
//! [`Page`] shows the `Location` instead), GETs pages and POSTs url-encoded
//! forms. [`TestApp::set_password`] and [`TestApp::sign_in`] give a user a
//! real password and a signed-in client through `GET /login` + `POST /login`.
//!
//! ```ignore
//! let admin = app.sign_in_as(1).await;            // password set, signed in
//! let page = admin.get("/users").await;
//! assert_eq!(page.status, 200);
//! let done = admin.post_form("/users", &[("csrf", &page.csrf()), ("login", "ana")]).await;
//! assert_eq!(done.location(), "/users?done=added");
//! ```

#![allow(dead_code)] // shared by several test modules; not each uses every helper

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::common::TestApp;

/// The password [`TestApp::sign_in_as`] gives users.
pub const TEST_PASSWORD: &str = "correct horse battery";

/// One answer of the UI.
#[derive(Clone, Debug)]
pub struct Page {
    /// HTTP status.
    pub status: u16,
    /// The `Location` header of a redirect, if any.
    pub location: Option<String>,
    /// The `Content-Type` header ("" when absent).
    pub content_type: String,
    /// The `Content-Security-Policy` header ("" when absent).
    pub csp: String,
    /// The body as text.
    pub body: String,
}

impl Page {
    /// The redirect target; panics (with the body) when this is not a redirect.
    pub fn location(&self) -> &str {
        self.location
            .as_deref()
            .unwrap_or_else(|| panic!("not a redirect ({}): {}", self.status, self.body))
    }

    /// The value of the first hidden `csrf` input; panics when there is none.
    pub fn csrf(&self) -> String {
        input_value(&self.body, "csrf")
            .unwrap_or_else(|| panic!("no csrf input ({}): {}", self.status, self.body))
    }

    /// Whether the body contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.body.contains(needle)
    }
}

/// The `value` of the first `<input>` named `name` in `html`, with `&amp;`,
/// `&lt;`, `&gt;`, `&quot;` and `&#39;` decoded.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let wanted = format!("name=\"{name}\"");
    html.split("<input")
        .skip(1)
        .filter_map(|rest| rest.split_once('>').map(|(tag, _)| tag))
        .find(|tag| tag.contains(&wanted))
        .and_then(|tag| attribute(tag, "value"))
}

/// The decoded value of attribute `name` inside a tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = format!(" {name}=\"");
    let at = tag.find(&start)? + start.len();
    let end = tag[at..].find('"')?;
    Some(
        tag[at..at + end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}

/// A cookie-keeping client of one test server's UI.
#[derive(Debug)]
pub struct UiClient {
    base: String,
    http: reqwest::Client,
    cookies: Mutex<BTreeMap<String, String>>,
}

impl UiClient {
    /// A client without cookies for the server at `base` (`http://127.0.0.1:port`).
    pub fn new(base: &str) -> UiClient {
        UiClient {
            base: base.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            cookies: Mutex::new(BTreeMap::new()),
        }
    }

    /// The current value of cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().expect("cookies").get(name).cloned()
    }

    /// Sets (or, with `None`, removes) cookie `name` by hand.
    pub fn set_cookie(&self, name: &str, value: Option<&str>) {
        let mut cookies = self.cookies.lock().expect("cookies");
        match value {
            Some(v) => cookies.insert(name.to_owned(), v.to_owned()),
            None => cookies.remove(name),
        };
    }

    /// `GET path` (`/crm/leads?q=a`) with the cookies.
    pub async fn get(&self, path: &str) -> Page {
        let request = self.http.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    /// `POST path` with `fields` url-encoded, as a browser submits a form.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(request).await
    }

    /// GETs `form_page`, then POSTs `fields` to `action` with the page's
    /// `csrf` token added first: submitting a form of that page.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.get(form_page).await.csrf();
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form(action, &all).await
    }

    /// Signs in with `login` and `password` through `GET /login` (for its
    /// `portico_signin_csrf` cookie and hidden `csrf` field) and `POST /login`;
    /// returns the answer to the POST (a 303 on success).
    pub async fn sign_in(&self, login: &str, password: &str) -> Page {
        let form = self.get("/login").await;
        assert_eq!(form.status, 200, "{}", form.body);
        let token = form.csrf();
        self.post_form(
            "/login",
            &[("csrf", &token), ("login", login), ("password", password)],
        )
        .await
    }

    /// Sends a request with the cookies and keeps the cookies of the answer.
    async fn send(&self, request: reqwest::RequestBuilder) -> Page {
        let cookie_header = {
            let cookies = self.cookies.lock().expect("cookies");
            cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let request = if cookie_header.is_empty() {
            request
        } else {
            request.header("cookie", cookie_header)
        };
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header("location");
        let content_type = header("content-type").unwrap_or_default();
        let csp = header("content-security-policy").unwrap_or_default();
        for set in response.headers().get_all("set-cookie") {
            let Ok(set) = set.to_str() else { continue };
            self.keep_cookie(set);
        }
        let body = response.text().await.expect("body");
        Page {
            status,
            location,
            content_type,
            csp,
            body,
        }
    }

    /// Applies one `Set-Cookie` value: an empty value or `Max-Age=0` removes it.
    fn keep_cookie(&self, set_cookie: &str) {
        let mut parts = set_cookie.split(';');
        let Some((name, value)) = parts.next().and_then(|p| p.trim().split_once('=')) else {
            return;
        };
        let expired = parts.any(|attr| attr.trim().eq_ignore_ascii_case("max-age=0"));
        let mut cookies = self.cookies.lock().expect("cookies");
        if expired || value.is_empty() {
            cookies.remove(name);
        } else {
            cookies.insert(name.to_owned(), value.to_owned());
        }
    }
}

impl TestApp {
    /// A client of this server's UI without cookies.
    pub fn ui(&self) -> UiClient {
        UiClient::new(&self.base)
    }

    /// Gives user `user_id` the password `password` (a real argon2id hash).
    pub async fn set_password(&self, user_id: i64, password: &str) {
        let hash = portico_web::ui::password::hash(password).expect("hash");
        assert!(
            self.store
                .set_user_password(user_id, &hash)
                .await
                .expect("set password"),
            "no user {user_id}"
        );
    }

    /// A client signed in as `login` with `password`; panics unless the
    /// sign-in succeeds (a redirect with a session cookie).
    pub async fn sign_in(&self, login: &str, password: &str) -> UiClient {
        let client = self.ui();
        let answer = client.sign_in(login, password).await;
        assert_eq!(answer.status, 303, "sign-in of {login}: {}", answer.body);
        assert!(
            client.cookie("portico_session").is_some(),
            "no session cookie for {login}"
        );
        client
    }

    /// Gives user `user_id` [`TEST_PASSWORD`] and signs them in.
    pub async fn sign_in_as(&self, user_id: i64) -> UiClient {
        let user = self
            .store
            .user_by_id(user_id)
            .await
            .expect("read user")
            .unwrap_or_else(|| panic!("no user {user_id}"));
        self.set_password(user_id, TEST_PASSWORD).await;
        self.sign_in(&user.login, TEST_PASSWORD).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_found_by_name() {
        let html = r#"<form><input type="hidden" name="next" value="/a?b=1&amp;c=&quot;d&quot;">
            <input type="hidden" name="csrf" value="tok-EN_1"></form>"#;
        assert_eq!(input_value(html, "csrf").as_deref(), Some("tok-EN_1"));
        assert_eq!(input_value(html, "next").as_deref(), Some("/a?b=1&c=\"d\""));
        assert_eq!(input_value(html, "other"), None);
    }
}
