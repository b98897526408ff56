//! The body Bitrix24 POSTs to an event handler, byte for byte (reference §9.8).
//!
//! The handler request is `application/x-www-form-urlencoded` with PHP bracket syntax, the
//! way PHP's `http_build_query` writes it: `event`, `event_handler_id`, `data[…]`, `ts`, then
//! `auth[…]`, in that order. Handlers written for Bitrix24 (CRest's `$_REQUEST['data']`,
//! b24phpsdk's event parsers) read it unchanged.

use std::fmt::Write as _;

use serde_json::Value;

/// The `auth` block of an outbound-webhook delivery: what Bitrix24 sends when no user token
/// is attached (reference §9.8, "Outbound webhook" column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerAuth {
    /// The portal's host name, e.g. `example.bitrix24.com`.
    pub domain: String,
    /// The portal's REST base URL, e.g. `https://example.bitrix24.com/rest/`.
    pub client_endpoint: String,
    /// The OAuth server's REST URL (Bitrix24 sends `https://oauth.bitrix.info/rest/`).
    pub server_endpoint: String,
    /// The portal's identifier, 32 lower-case hex digits.
    pub member_id: String,
    /// The handler's application token, which handlers compare to verify the origin (§9.9).
    pub application_token: String,
}

/// What an application's handler gets besides the portal's part of `auth`
/// (reference §9.8, "App delivery" column): tokens of the user the event is
/// delivered for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppAuth {
    /// A new access token.
    pub access_token: String,
    /// When it expires, Unix seconds.
    pub expires: i64,
    /// Its lifetime, seconds.
    pub expires_in: i64,
    /// The application's scopes, comma-separated.
    pub scope: String,
    /// The application's status (`L`: local).
    pub status: String,
    /// The user the tokens act as.
    pub user_id: i64,
    /// A refresh token (only `ONAPPINSTALL` and `ONOFFLINEEVENT` carry one).
    pub refresh_token: Option<String>,
}

/// One event as a handler receives it.
#[derive(Debug, Clone, Copy)]
pub struct EventPayload<'a> {
    /// The event code; sent upper-case (`ONCRMLEADADD`) whatever case it is given in.
    pub event: &'a str,
    /// The handler's id, sent as `event_handler_id`; `None` leaves the key out, as Bitrix24
    /// does for some system events.
    pub handler_id: Option<i64>,
    /// The event's `data` tree, usually `{"FIELDS": {"ID": …}}`; encoded in its key order.
    pub data: &'a Value,
    /// Unix seconds when the delivery is sent (Bitrix24: when its queue sent it).
    pub ts: i64,
    /// The `auth` block.
    pub auth: &'a HandlerAuth,
    /// An application's tokens, for an application's handler acting for a user.
    pub app: Option<&'a AppAuth>,
}

/// Builds the form-encoded body of a handler request (reference §9.8).
///
/// Keys come in the reference's order: `event`, `event_handler_id`, `data[…]`, `ts`,
/// `auth[domain]`, `auth[client_endpoint]`, `auth[server_endpoint]`, `auth[member_id]`,
/// `auth[application_token]`. Names and values are percent-encoded like PHP's `urlencode`:
/// ASCII letters, digits and `-_.` stay, a space becomes `+`, every other byte is `%XX` in
/// upper-case hex — so `data[FIELDS][ID]` is written `data%5BFIELDS%5D%5BID%5D`.
///
/// The `data` tree is flattened as `http_build_query` flattens a PHP array: objects by key,
/// lists by index (`data[FIELDS][PHONE][0][VALUE]`), `true`/`false` as `1`/`0`, numbers in
/// decimal (a float without a fraction as an integer); `null` and empty objects or lists
/// produce nothing. A `data` that is not an object or list is sent as `data=<value>`.
///
/// ```
/// use portico_delivery::{encode_event_body, EventPayload, HandlerAuth};
///
/// let auth = HandlerAuth {
///     domain: "portal.example".into(),
///     client_endpoint: "https://portal.example/rest/".into(),
///     server_endpoint: "https://oauth.bitrix.info/rest/".into(),
///     member_id: "0123456789abcdef0123456789abcdef".into(),
///     application_token: "token".into(),
/// };
/// let data = serde_json::json!({"FIELDS": {"ID": "7"}});
/// let body = encode_event_body(&EventPayload {
///     event: "OnCrmLeadAdd",
///     handler_id: Some(3),
///     data: &data,
///     ts: 1_700_000_000,
///     auth: &auth,
///     app: None,
/// });
/// assert!(body.starts_with("event=ONCRMLEADADD&event_handler_id=3&data%5BFIELDS%5D%5BID%5D=7&ts="));
/// ```
pub fn encode_event_body(payload: &EventPayload<'_>) -> String {
    let mut form = Form::default();
    form.pair("event", &payload.event.to_ascii_uppercase());
    if let Some(id) = payload.handler_id {
        form.pair("event_handler_id", &id.to_string());
    }
    form.value("data", payload.data);
    form.pair("ts", &payload.ts.to_string());
    let auth = payload.auth;
    if let Some(app) = payload.app {
        write_app_auth(&mut form, auth, app);
        return form.body;
    }
    for (key, value) in [
        ("domain", &auth.domain),
        ("client_endpoint", &auth.client_endpoint),
        ("server_endpoint", &auth.server_endpoint),
        ("member_id", &auth.member_id),
        ("application_token", &auth.application_token),
    ] {
        form.pair(&format!("auth[{key}]"), value);
    }
    form.body
}

/// The application variant of `auth`, in the order of the reference's example
/// (§14.5): tokens, scope, portal fields, status, user, refresh token, then
/// the application token.
fn write_app_auth(form: &mut Form, auth: &HandlerAuth, app: &AppAuth) {
    let expires = app.expires.to_string();
    let expires_in = app.expires_in.to_string();
    let user_id = app.user_id.to_string();
    let mut pairs: Vec<(&str, &str)> = vec![
        ("access_token", &app.access_token),
        ("expires", &expires),
        ("expires_in", &expires_in),
        ("scope", &app.scope),
        ("domain", &auth.domain),
        ("server_endpoint", &auth.server_endpoint),
        ("status", &app.status),
        ("client_endpoint", &auth.client_endpoint),
        ("member_id", &auth.member_id),
        ("user_id", &user_id),
    ];
    if let Some(refresh) = &app.refresh_token {
        pairs.push(("refresh_token", refresh));
    }
    pairs.push(("application_token", &auth.application_token));
    for (key, value) in pairs {
        form.pair(&format!("auth[{key}]"), value);
    }
}

/// A form body being written pair by pair.
#[derive(Default)]
struct Form {
    body: String,
}

impl Form {
    /// Appends `name=value`, both percent-encoded.
    fn pair(&mut self, name: &str, value: &str) {
        if !self.body.is_empty() {
            self.body.push('&');
        }
        php_urlencode(name, &mut self.body);
        self.body.push('=');
        php_urlencode(value, &mut self.body);
    }

    /// Appends the pairs of a value tree under `name`, as `http_build_query` does.
    fn value(&mut self, name: &str, value: &Value) {
        match value {
            Value::Null => {}
            Value::Bool(b) => self.pair(name, if *b { "1" } else { "0" }),
            Value::Number(n) => self.pair(name, &number_text(n)),
            Value::String(s) => self.pair(name, s),
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.value(&format!("{name}[{index}]"), item);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    self.value(&format!("{name}[{key}]"), item);
                }
            }
        }
    }
}

/// A JSON number as PHP prints it in a query string: integers as they are, floats without a
/// fraction as integers (`12500.0` → `12500`), other floats in their shortest form.
fn number_text(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Some(f) => f.to_string(),
        None => n.to_string(),
    }
}

/// Percent-encodes `text` like PHP's `urlencode` (RFC 1738 form: space as `+`).
fn php_urlencode(text: &str, out: &mut String) {
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(byte as char),
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn reference_auth() -> HandlerAuth {
        HandlerAuth {
            domain: "example.bitrix24.com".into(),
            client_endpoint: "https://example.bitrix24.com/rest/".into(),
            server_endpoint: "https://oauth.bitrix.info/rest/".into(),
            member_id: "d897063e1ce7c5eb9f04b9751eef5915".into(),
            application_token: "jvh9y1ulvt2m6k5or90v9mg8nn32ozas".into(),
        }
    }

    /// Undoes the percent-encoding of the few bytes the reference's example writes in clear.
    fn readable(body: &str) -> String {
        body.replace("%5B", "[")
            .replace("%5D", "]")
            .replace("%3A", ":")
            .replace("%2F", "/")
    }

    #[test]
    fn reference_example_is_reproduced_byte_for_byte() {
        let auth = reference_auth();
        let data = json!({"FIELDS": {"ID": "662"}});
        let body = encode_event_body(&EventPayload {
            event: "ONCRMDEALUPDATE",
            handler_id: Some(975),
            data: &data,
            ts: 1724140800,
            auth: &auth,
            app: None,
        });

        // Reference §9.8, with its line breaks joined and its "actual bytes" note applied.
        let expected = "event=ONCRMDEALUPDATE\
            &event_handler_id=975\
            &data%5BFIELDS%5D%5BID%5D=662\
            &ts=1724140800\
            &auth%5Bdomain%5D=example.bitrix24.com\
            &auth%5Bclient_endpoint%5D=https%3A%2F%2Fexample.bitrix24.com%2Frest%2F\
            &auth%5Bserver_endpoint%5D=https%3A%2F%2Foauth.bitrix.info%2Frest%2F\
            &auth%5Bmember_id%5D=d897063e1ce7c5eb9f04b9751eef5915\
            &auth%5Bapplication_token%5D=jvh9y1ulvt2m6k5or90v9mg8nn32ozas";
        assert_eq!(body, expected);

        // The example as the reference prints it, one pair a line.
        let reference_lines = [
            "event=ONCRMDEALUPDATE",
            "&event_handler_id=975",
            "&data[FIELDS][ID]=662",
            "&ts=1724140800",
            "&auth[domain]=example.bitrix24.com",
            "&auth[client_endpoint]=https://example.bitrix24.com/rest/",
            "&auth[server_endpoint]=https://oauth.bitrix.info/rest/",
            "&auth[member_id]=d897063e1ce7c5eb9f04b9751eef5915",
            "&auth[application_token]=jvh9y1ulvt2m6k5or90v9mg8nn32ozas",
        ];
        assert_eq!(readable(&body), reference_lines.concat());
    }

    #[test]
    fn application_auth_follows_the_reference_example() {
        let auth = HandlerAuth {
            domain: "some-domain.bitrix24.com".into(),
            client_endpoint: "https://some-domain.bitrix24.com/rest/".into(),
            server_endpoint: "https://oauth.bitrix.info/rest/".into(),
            member_id: "a223c6b3710f85df22e9377d6c4f7553".into(),
            application_token: "51856fefc120afa4b628cc82d3935cce".into(),
        };
        let app = AppAuth {
            access_token: "s6p6eclrvim6da22ft9ch94ekreb52lv".into(),
            expires: 1742810775,
            expires_in: 3600,
            scope: "crm".into(),
            status: "L".into(),
            user_id: 1,
            refresh_token: None,
        };
        let data = json!({"FIELDS": {"ID": "1000983"}});
        let body = encode_event_body(&EventPayload {
            event: "ONCRMLEADADD",
            handler_id: Some(707),
            data: &data,
            ts: 1742807175,
            auth: &auth,
            app: Some(&app),
        });
        // Reference §14.5, byte for byte.
        assert_eq!(
            body,
            "event=ONCRMLEADADD&event_handler_id=707&data%5BFIELDS%5D%5BID%5D=1000983&ts=1742807175&auth%5Baccess_token%5D=s6p6eclrvim6da22ft9ch94ekreb52lv&auth%5Bexpires%5D=1742810775&auth%5Bexpires_in%5D=3600&auth%5Bscope%5D=crm&auth%5Bdomain%5D=some-domain.bitrix24.com&auth%5Bserver_endpoint%5D=https%3A%2F%2Foauth.bitrix.info%2Frest%2F&auth%5Bstatus%5D=L&auth%5Bclient_endpoint%5D=https%3A%2F%2Fsome-domain.bitrix24.com%2Frest%2F&auth%5Bmember_id%5D=a223c6b3710f85df22e9377d6c4f7553&auth%5Buser_id%5D=1&auth%5Bapplication_token%5D=51856fefc120afa4b628cc82d3935cce"
        );
    }

    #[test]
    fn event_code_is_sent_upper_case_and_handler_id_may_be_absent() {
        let auth = reference_auth();
        let data = json!({"VERSION": "1"});
        let body = encode_event_body(&EventPayload {
            event: "OnAppInstall",
            handler_id: None,
            data: &data,
            ts: 5,
            auth: &auth,
            app: None,
        });
        assert!(body.starts_with("event=ONAPPINSTALL&data%5BVERSION%5D=1&ts=5&auth"));
    }

    #[test]
    fn data_tree_is_flattened_like_http_build_query() {
        let auth = reference_auth();
        let data = json!({
            "FIELDS": {
                "TITLE": "Ana & Bob ~ 50%",
                "PHONE": [{"VALUE": "+55 11", "VALUE_TYPE": "WORK"}],
                "OPENED": true,
                "CLOSED": false,
                "SUM": 12500.0,
                "RATE": 0.25,
                "COUNT": 3,
                "NOTHING": null,
                "EMPTY": {},
                "NONE": [],
                "NAME": "Жанна"
            }
        });
        let body = encode_event_body(&EventPayload {
            event: "ONCRMLEADADD",
            handler_id: Some(1),
            data: &data,
            ts: 1,
            auth: &auth,
            app: None,
        });
        let data_part: Vec<&str> = body
            .split('&')
            .filter(|pair| pair.starts_with("data"))
            .collect();
        assert_eq!(
            data_part,
            [
                "data%5BFIELDS%5D%5BTITLE%5D=Ana+%26+Bob+%7E+50%25",
                "data%5BFIELDS%5D%5BPHONE%5D%5B0%5D%5BVALUE%5D=%2B55+11",
                "data%5BFIELDS%5D%5BPHONE%5D%5B0%5D%5BVALUE_TYPE%5D=WORK",
                "data%5BFIELDS%5D%5BOPENED%5D=1",
                "data%5BFIELDS%5D%5BCLOSED%5D=0",
                "data%5BFIELDS%5D%5BSUM%5D=12500",
                "data%5BFIELDS%5D%5BRATE%5D=0.25",
                "data%5BFIELDS%5D%5BCOUNT%5D=3",
                "data%5BFIELDS%5D%5BNAME%5D=%D0%96%D0%B0%D0%BD%D0%BD%D0%B0",
            ]
        );
    }
}
