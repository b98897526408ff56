//! Configuration: built-in defaults, then a TOML file (`portico.toml` or
//! `--config`), then `PORTICO_*` environment variables, then command-line flags.
//! `Debug` never shows the administrator password.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::FixedOffset;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// File in the data folder where `serve` records the URL it listens on, so that
/// `portico webhook add` prints URLs that work.
pub const BASE_URL_FILE: &str = "base_url";

/// Portico's settings.
#[derive(Clone, Deserialize, Serialize)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// Folder holding the database, the key file and generated certificates.
    pub data_dir: PathBuf,
    /// PostgreSQL database to keep the portal in (`postgres://user:password@host/db`)
    /// instead of the SQLite file in the data folder; several nodes may share it.
    pub database_url: Option<String>,
    /// Base URL printed in webhook URLs (default: derived from `listen` and `tls`).
    pub public_url: Option<String>,
    /// Serve HTTPS.
    pub tls: bool,
    /// PEM certificate chain for HTTPS (default: one generated into the data folder).
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS.
    pub tls_key: Option<PathBuf>,
    /// Password of the administrator created on first start (default: random, printed once).
    pub admin_password: Option<String>,
    /// File whose first line is the password of the administrator created on first
    /// start; read only then.
    pub admin_password_file: Option<PathBuf>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// The portal's UTC offset for dates, e.g. `+00:00` or `-03:00`.
    pub timezone: String,
    /// Log format: `text` or `json`.
    pub log_format: String,
    /// SQLite durability: `full` (fsync at every commit) or `normal`.
    pub sqlite_synchronous: String,
    /// Days finished event deliveries and events without pending deliveries
    /// are kept; 0 keeps them for ever.
    pub event_retention_days: u32,
    /// How long a node's claim on a delivery holds, seconds: when a node dies
    /// mid-attempt, another node (or the restarted one, on PostgreSQL) sends it
    /// again after this. Longer than one attempt can take.
    pub delivery_lease_secs: u32,
    /// Lets outbound-webhook handlers live on loopback, private, link-local and
    /// metadata addresses (local development, tests); off by default.
    pub allow_private_handlers: bool,
    /// Waits between delivery attempts after a failure: seconds, or with a
    /// unit (`5s`, `5m`, `2h`, `1d`); a list, or one comma-separated string
    /// (as in the environment). A delivery gets one attempt more than there
    /// are delays; an empty list means one attempt, no retries.
    #[serde(deserialize_with = "durations_or_commas")]
    pub delivery_retry_delays: Vec<String>,
    /// Proxies (addresses or CIDR blocks) whose `X-Forwarded-For` names the
    /// client; a list, or one comma-separated string (as in the environment).
    #[serde(deserialize_with = "list_or_commas")]
    pub trusted_proxies: Vec<String>,
    /// Seconds a client has to send a whole request head (and, under TLS, finish the handshake).
    pub header_timeout_secs: u64,
    /// Seconds a keep-alive connection may wait for its next request.
    pub idle_timeout_secs: u64,
    /// Seconds a client has to send a whole request body after its head.
    pub body_timeout_secs: u64,
    /// Most client connections open at once (default: derived from the open-file limit).
    pub max_connections: Option<usize>,
    /// Lifetimes of the tokens the OAuth server issues to local applications
    /// (`[oauth]` in the file, `PORTICO_OAUTH__ACCESS_TOKEN_TTL` in the environment).
    pub oauth: OAuthConfig,
    /// REST limits: `off` (as Bitrix24 on-premise) or `cloud`.
    pub limits: String,
    /// The plan: `free`, `basic`, `standard`, `professional` or `enterprise`.
    pub plan: String,
    /// What a request-rate bucket is kept for under `cloud`: `address` or `integration`.
    pub limits_key: String,
    /// Seconds of processing an integration may spend in one method within ten
    /// minutes under `cloud`.
    pub operating_budget_secs: f64,
    /// Buckets of their own for integrations (`webhook:12`, `app:3`).
    pub limits_overrides: std::collections::BTreeMap<String, crate::rest_limits::BucketOverride>,
}

/// The `[oauth]` settings.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default)]
pub struct OAuthConfig {
    /// Seconds an access token works (Bitrix24: 3600).
    pub access_token_ttl: u32,
    /// Seconds a refresh token works (Bitrix24: 180 days).
    pub refresh_token_ttl: u32,
}

impl Default for OAuthConfig {
    fn default() -> Self {
        OAuthConfig {
            access_token_ttl: 3_600,
            refresh_token_ttl: 180 * 86_400,
        }
    }
}

/// A list of strings given as a list or as one comma-separated string.
fn list_or_commas<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrCommas {
        List(Vec<String>),
        Commas(String),
    }
    Ok(match ListOrCommas::deserialize(de)? {
        ListOrCommas::List(list) => list,
        ListOrCommas::Commas(text) => text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// A list of waits (numbers or text), or one comma-separated string of them.
fn durations_or_commas<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wait {
        Seconds(u64),
        Text(String),
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrCommas {
        List(Vec<Wait>),
        One(Wait),
    }
    let items = match ListOrCommas::deserialize(de)? {
        ListOrCommas::List(list) => list,
        ListOrCommas::One(one) => vec![one],
    };
    Ok(items
        .into_iter()
        .flat_map(|wait| match wait {
            Wait::Seconds(n) => vec![n.to_string()],
            Wait::Text(text) => text
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        })
        .collect())
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("portico-data"),
            database_url: None,
            public_url: None,
            tls: false,
            tls_cert: None,
            tls_key: None,
            admin_password: None,
            admin_password_file: None,
            max_body_bytes: 16 * 1024 * 1024,
            timezone: "+00:00".into(),
            log_format: "text".into(),
            sqlite_synchronous: "full".into(),
            event_retention_days: 30,
            delivery_lease_secs: 60,
            allow_private_handlers: false,
            delivery_retry_delays: ["5s", "5m", "30m", "2h", "5h", "10h", "10h"]
                .map(String::from)
                .to_vec(),
            trusted_proxies: Vec::new(),
            header_timeout_secs: 10,
            idle_timeout_secs: 60,
            body_timeout_secs: 30,
            max_connections: None,
            oauth: OAuthConfig::default(),
            limits: "off".into(),
            plan: "enterprise".into(),
            limits_key: "address".into(),
            operating_budget_secs: 480.0,
            limits_overrides: Default::default(),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_password),
            )
            .field("public_url", &self.public_url)
            .field("tls", &self.tls)
            .field("tls_cert", &self.tls_cert)
            .field("tls_key", &self.tls_key)
            .field(
                "admin_password",
                &self.admin_password.as_ref().map(|_| "<redacted>"),
            )
            .field("admin_password_file", &self.admin_password_file)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("timezone", &self.timezone)
            .field("log_format", &self.log_format)
            .field("sqlite_synchronous", &self.sqlite_synchronous)
            .field("event_retention_days", &self.event_retention_days)
            .field("delivery_lease_secs", &self.delivery_lease_secs)
            .field("allow_private_handlers", &self.allow_private_handlers)
            .field("delivery_retry_delays", &self.delivery_retry_delays)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("header_timeout_secs", &self.header_timeout_secs)
            .field("idle_timeout_secs", &self.idle_timeout_secs)
            .field("body_timeout_secs", &self.body_timeout_secs)
            .field("max_connections", &self.max_connections)
            .field("oauth", &self.oauth)
            .field("limits", &self.limits)
            .field("plan", &self.plan)
            .field("limits_key", &self.limits_key)
            .field("operating_budget_secs", &self.operating_budget_secs)
            .field("limits_overrides", &self.limits_overrides)
            .finish()
    }
}

impl Config {
    /// Loads defaults → file → environment → `overrides` (flags given on the command line).
    pub fn load(file: Option<&Path>, overrides: &figment::value::Dict) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                if !path.exists() {
                    bail!("configuration file {} does not exist", path.display());
                }
                fig = fig.merge(Toml::file(path));
            }
            None => fig = fig.merge(Toml::file("portico.toml")),
        }
        let config: Config = fig
            .merge(Env::prefixed("PORTICO_").split("__"))
            .merge(Serialized::defaults(overrides.clone()))
            .extract()
            .context("invalid configuration")?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        self.listen_addr()?;
        self.offset()?;
        self.trusted_proxies()?;
        if self.oauth.access_token_ttl == 0 || self.oauth.refresh_token_ttl == 0 {
            bail!("oauth.access_token_ttl and oauth.refresh_token_ttl must be at least 1 second");
        }
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            bail!("tls_cert and tls_key must be given together");
        }
        if self.admin_password.is_some() && self.admin_password_file.is_some() {
            bail!(
                "admin_password (--admin-password, PORTICO_ADMIN_PASSWORD) and \
                 admin_password_file (--admin-password-file, PORTICO_ADMIN_PASSWORD_FILE) \
                 exclude each other: give one"
            );
        }
        if self.delivery_lease_secs < 2 {
            bail!("delivery_lease_secs must be at least 2");
        }
        if !matches!(self.sqlite_synchronous.as_str(), "full" | "normal") {
            bail!("sqlite_synchronous must be 'full' or 'normal'");
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bail!("log_format must be 'text' or 'json'");
        }
        for (name, secs) in [
            ("header_timeout_secs", self.header_timeout_secs),
            ("idle_timeout_secs", self.idle_timeout_secs),
            ("body_timeout_secs", self.body_timeout_secs),
        ] {
            if secs == 0 {
                bail!("{name} must be at least 1");
            }
        }
        if self.max_connections == Some(0) {
            bail!("max_connections must be at least 1");
        }
        self.retry_delays()?;
        crate::rest_limits::validate(self)?;
        Ok(())
    }

    /// [`Config::delivery_retry_delays`] in seconds.
    pub fn retry_delays(&self) -> anyhow::Result<Vec<u64>> {
        self.delivery_retry_delays
            .iter()
            .map(|text| {
                let text = text.trim();
                let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
                    Some((at, _)) => text.split_at(at),
                    None => (text, "s"),
                };
                let scale = match unit.trim() {
                    "s" => 1,
                    "m" => 60,
                    "h" => 3_600,
                    "d" => 86_400,
                    _ => 0,
                };
                number
                    .parse::<u64>()
                    .ok()
                    .filter(|n| scale > 0 && (1..=7 * 86_400).contains(&(n * scale)))
                    .map(|n| n * scale)
                    .with_context(|| {
                        format!(
                            "delivery_retry_delays: '{text}' is not a wait of 1 s to 7 days \
                             (seconds, or a number with s, m, h or d)"
                        )
                    })
            })
            .collect()
    }

    /// The password for the administrator created on first start: the
    /// `admin_password` setting, or the first line of `admin_password_file`.
    pub fn admin_password(&self) -> anyhow::Result<Option<String>> {
        let Some(path) = &self.admin_password_file else {
            return Ok(self.admin_password.clone());
        };
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read the administrator password file {}",
                path.display()
            )
        })?;
        Ok(Some(text.lines().next().unwrap_or_default().to_owned()))
    }

    /// The per-connection timeouts.
    pub fn timeouts(&self) -> portico_web::Timeouts {
        use std::time::Duration;
        portico_web::Timeouts {
            header: Duration::from_secs(self.header_timeout_secs),
            idle: Duration::from_secs(self.idle_timeout_secs),
            body: Duration::from_secs(self.body_timeout_secs),
        }
    }

    /// The address to listen on.
    pub fn listen_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listen
            .parse()
            .with_context(|| format!("listen address '{}' is not IP:PORT", self.listen))
    }

    /// The proxies whose `X-Forwarded-For` is believed.
    pub fn trusted_proxies(&self) -> anyhow::Result<portico_web::TrustedProxies> {
        portico_web::TrustedProxies::parse(&self.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))
    }

    /// The portal's UTC offset.
    pub fn offset(&self) -> anyhow::Result<FixedOffset> {
        self.timezone
            .parse::<FixedOffset>()
            .ok()
            .or_else(|| {
                (self.timezone == "UTC" || self.timezone == "Z")
                    .then(|| FixedOffset::east_opt(0))
                    .flatten()
            })
            .with_context(|| format!("timezone '{}' is not an offset like +00:00", self.timezone))
    }

    /// Base URL of the portal, ending without `/`: `public_url` when set, else the
    /// address the running server recorded in the data folder, else `listen`.
    pub fn base_url(&self) -> String {
        if let Some(url) = &self.public_url {
            return url.trim_end_matches('/').to_string();
        }
        if let Ok(recorded) = std::fs::read_to_string(self.data_dir.join(BASE_URL_FILE)) {
            let recorded = recorded.trim();
            if !recorded.is_empty() {
                return recorded.to_string();
            }
        }
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.listen)
    }
}

/// A PostgreSQL connection string with its password replaced, for logs and
/// messages: the `user:password@` of a URL, and any `password=…` setting (a
/// URL's query, or the `key=value` form).
pub fn redact_password(url: &str) -> String {
    redact_password_settings(&redact_url_password(url))
}

/// The `user:password@` of a `scheme://` URL with the password replaced.
fn redact_url_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:<redacted>{}",
            &url[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        None => url.to_owned(),
    }
}

/// Every `password=VALUE` (VALUE up to a space or `&`, or a quoted `'…'`)
/// with VALUE replaced.
fn redact_password_settings(text: &str) -> String {
    const KEY: &str = "password=";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(found) = rest.find(KEY) {
        let value_start = found + KEY.len();
        out.push_str(&rest[..value_start]);
        out.push_str("<redacted>");
        let value = &rest[value_start..];
        let value_len = match value.strip_prefix('\'') {
            Some(quoted) => quoted.find('\'').map_or(value.len(), |end| end + 2),
            None => value.find([' ', '&']).unwrap_or(value.len()),
        };
        rest = &value[value_len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_toml(text: &str) -> Config {
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string(text))
            .extract()
            .expect("config")
    }

    #[test]
    fn database_passwords_never_reach_the_log() {
        assert_eq!(
            redact_password("postgres://portico:s3cret@db.local:5432/portal"),
            "postgres://portico:<redacted>@db.local:5432/portal"
        );
        assert_eq!(
            redact_password("postgres://portico@db.local/portal"),
            "postgres://portico@db.local/portal"
        );
        assert_eq!(
            redact_password("postgres://portico@db.local/portal?password=s3cret&sslmode=disable"),
            "postgres://portico@db.local/portal?password=<redacted>&sslmode=disable"
        );
        assert_eq!(
            redact_password("host=db.local user=portico password='s3 cret' dbname=portal"),
            "host=db.local user=portico password=<redacted> dbname=portal"
        );
        let config = Config {
            database_url: Some("postgres://u:p%40ss@h/d".into()),
            ..Config::default()
        };
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("p%40ss") && shown.contains("<redacted>"),
            "{shown}"
        );
    }

    #[test]
    fn trusted_proxies_come_as_a_list_or_comma_separated() {
        assert!(Config::default().trusted_proxies.is_empty());
        let listed = with_toml(r#"trusted_proxies = ["127.0.0.1", "10.0.0.0/8"]"#);
        let commas = with_toml(r#"trusted_proxies = " 127.0.0.1, 10.0.0.0/8,""#);
        assert_eq!(listed.trusted_proxies, ["127.0.0.1", "10.0.0.0/8"]);
        assert_eq!(commas.trusted_proxies, listed.trusted_proxies);
        assert!(listed.validate().is_ok());
        let bad = with_toml(r#"trusted_proxies = "10.0.0.0/40""#);
        let err = bad.validate().expect_err("refused").to_string();
        assert!(err.contains("trusted_proxies: '10.0.0.0/40'"), "{err}");
    }

    #[test]
    fn retry_delays_come_as_seconds_or_with_units() {
        assert_eq!(
            Config::default().retry_delays().expect("default"),
            [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000]
        );
        let listed = with_toml(r#"delivery_retry_delays = [10, "2m", "1h"]"#);
        assert_eq!(listed.retry_delays().expect("list"), [10, 120, 3_600]);
        let commas = with_toml(r#"delivery_retry_delays = "10, 2m,1h""#);
        assert_eq!(commas.retry_delays().expect("commas"), [10, 120, 3_600]);
        let none = with_toml(r#"delivery_retry_delays = """#);
        assert!(none.retry_delays().expect("none").is_empty());
        for bad in ["\"5x\"", "\"0\"", "\"8d\"", "\"-5\""] {
            let err = with_toml(&format!("delivery_retry_delays = {bad}"))
                .validate()
                .expect_err(bad)
                .to_string();
            assert!(err.contains("delivery_retry_delays"), "{err}");
        }
    }
}
