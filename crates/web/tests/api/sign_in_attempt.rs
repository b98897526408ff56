//! One sign-in attempt as a fresh browser makes it, optionally from a given
//! client address (`X-Forwarded-For`), with its status, `Retry-After`, redirect
//! and whether a session cookie was set.

use crate::common::TestApp;
use crate::ui_client::input_value;

/// The answer to one sign-in attempt.
#[derive(Debug)]
pub struct Attempt {
    pub status: u16,
    pub retry_after: Option<i64>,
    pub location: Option<String>,
    pub signed_in: bool,
    pub body: String,
}

impl Attempt {
    /// Refused because too many password checks were running or waiting.
    pub fn busy(&self) -> bool {
        self.status == 429 && self.retry_after == Some(1)
    }
}

/// One sign-in from a fresh browser: `GET /login` for the form's CSRF cookie and
/// token, then `POST /login` with `fields` url-encoded and `raw_tail`, when
/// given, appended as it is; both carry `X-Forwarded-For: from` when given.
pub async fn sign_in_from(
    app: &TestApp,
    http: &reqwest::Client,
    from: Option<&str>,
    fields: &[(&str, &str)],
    raw_tail: Option<&str>,
) -> Attempt {
    let with_from = |request: reqwest::RequestBuilder| match from {
        Some(address) => request.header("x-forwarded-for", address),
        None => request,
    };
    let form = with_from(http.get(format!("{}/login", app.base)))
        .send()
        .await
        .expect("form");
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("portico_signin_csrf="))
        .and_then(|v| v.split(';').next())
        .expect("sign-in cookie")
        .to_owned();
    let token = input_value(&form.text().await.expect("form body"), "csrf").expect("csrf");
    let mut body = form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &token)
        .extend_pairs(fields)
        .finish();
    if let Some(tail) = raw_tail {
        body.push('&');
        body.push_str(tail);
    }
    let answer = with_from(http.post(format!("{}/login", app.base)))
        .header("cookie", format!("portico_signin_csrf={cookie}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("sign-in");
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let signed_in = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("portico_session="));
    Attempt {
        status: answer.status().as_u16(),
        retry_after: header("retry-after").and_then(|v| v.parse().ok()),
        location: header("location"),
        signed_in,
        body: answer.text().await.expect("body"),
    }
}

/// A client that never follows redirects.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}
