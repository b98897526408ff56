//! SSRF guard for user-supplied handler URLs.
//!
//! Two checks, following svix's approach of refusing non-global addresses unless the operator
//! allow-lists them:
//!
//! * [`parse_handler_url`] — cheap, synchronous, run when a handler is registered and before
//!   each delivery: URL syntax, `http`/`https` only, no user name or password, port allowed,
//!   and IP-literal hosts (in any notation the WHATWG URL parser accepts, such as
//!   `http://2130706433/` or `http://[::ffff:127.0.0.1]/`) checked against
//!   [`is_forbidden`](crate::is_forbidden).
//! * [`resolve_checked`] — run right before connecting: resolves the host and refuses if any
//!   resulting address is forbidden. The caller must connect only to the returned addresses,
//!   never resolve the host name a second time.

use std::net::{IpAddr, SocketAddr};

use url::{Host, Url};

use crate::ip::forbidden_range;

/// What outbound deliveries may reach besides public, globally routable addresses.
///
/// The default allows nothing private and any port.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SsrfPolicy {
    /// Disables the address check entirely: loopback, private networks, link-local and all
    /// other ranges [`is_forbidden`](crate::is_forbidden) refuses become reachable. Meant for
    /// development and single-host setups where handlers live next to Portico.
    pub allow_private: bool,
    /// Hosts that are always allowed, as exact host names (`hooks.internal`) or IP addresses
    /// (`10.0.0.5`, `::1` or `[::1]`). Names are compared after the same normalisation the
    /// URL parser applies (lower-case, IDNA, IPv4 notations) and ignoring a trailing dot; no
    /// wildcards or subdomains. A listed name admits whatever it resolves to; a listed IP
    /// admits that address whether it is the URL's host or a DNS answer.
    pub allowed_hosts: Vec<String>,
    /// If set, only these ports may be used (after applying the scheme's default port, so
    /// `Some(vec![443])` admits `https://example.com/` but not `http://example.com/`).
    /// `None` admits any port except 0, which is always refused.
    pub allowed_ports: Option<Vec<u16>>,
}

impl SsrfPolicy {
    /// The allow-list entries parsed the way the URL parser parses hosts; bad entries are
    /// skipped (they can never match).
    fn allowed(&self) -> impl Iterator<Item = Host<String>> + '_ {
        self.allowed_hosts.iter().filter_map(|entry| {
            let entry = entry.trim();
            // `Host::parse` wants IPv6 in brackets; accept the bare form too.
            match entry.parse::<IpAddr>() {
                Ok(IpAddr::V4(ip)) => Some(Host::Ipv4(ip)),
                Ok(IpAddr::V6(ip)) => Some(Host::Ipv6(ip)),
                Err(_) => Host::parse(entry).ok().map(normalize),
            }
        })
    }

    fn host_allowed(&self, host: &Host<&str>) -> bool {
        let host = normalize(host.to_owned());
        self.allowed().any(|entry| entry == host)
    }

    fn ip_allowed(&self, ip: IpAddr) -> bool {
        let candidates = [ip, ip.to_canonical()];
        self.allowed().any(|entry| match entry {
            Host::Ipv4(a) => candidates.contains(&IpAddr::V4(a)),
            Host::Ipv6(a) => candidates.contains(&IpAddr::V6(a)),
            Host::Domain(_) => false,
        })
    }

    fn port_allowed(&self, port: u16) -> bool {
        port != 0
            && self
                .allowed_ports
                .as_ref()
                .is_none_or(|ports| ports.contains(&port))
    }
}

/// Lower-cases domains (`Host::parse` already does for ASCII) and drops a trailing dot.
fn normalize(host: Host<String>) -> Host<String> {
    match host {
        Host::Domain(d) => Host::Domain(d.trim_end_matches('.').to_ascii_lowercase()),
        other => other,
    }
}

/// Why a handler URL or its destination was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SsrfError {
    /// The URL does not parse, or lacks a host.
    #[error("invalid handler URL: {0}")]
    BadUrl(String),
    /// The scheme is not `http` or `https`.
    #[error("handler URL scheme `{0}` is not allowed; use http or https")]
    Scheme(String),
    /// The URL carries a user name or password (`https://user:pass@host/`).
    #[error("handler URL must not contain a user name or password")]
    Credentials,
    /// The host is, or resolves to, an address outbound deliveries must not reach.
    #[error(
        "handler host `{host}` is or resolves to {addr}, a non-public address that is not allowed"
    )]
    ForbiddenAddress {
        /// The host as written in the URL.
        host: String,
        /// The offending address.
        addr: IpAddr,
    },
    /// The port (explicit or the scheme's default) is not allowed by the policy.
    #[error("handler URL port {0} is not allowed")]
    Port(u16),
    /// DNS resolution failed: (host, reason).
    #[error("could not resolve handler host `{0}`: {1}")]
    Resolve(String, String),
    /// DNS resolution succeeded but returned no addresses.
    #[error("handler host `{0}` resolved to no addresses")]
    NoAddress(String),
}

/// Parses and validates a user-supplied handler URL.
///
/// Checks URL syntax, that the scheme is `http` or `https`, that there is no user name or
/// password, that the port (explicit or default) is allowed by `policy`, and — if the host is
/// an IP literal — that the address is allowed. Host names are not resolved here; call
/// [`resolve_checked`] before connecting.
///
/// ```
/// use portico_delivery::{parse_handler_url, SsrfError, SsrfPolicy};
///
/// let policy = SsrfPolicy::default();
/// assert!(parse_handler_url("https://example.com/hook", &policy).is_ok());
/// assert!(matches!(
///     parse_handler_url("http://169.254.169.254/latest/meta-data", &policy),
///     Err(SsrfError::ForbiddenAddress { .. })
/// ));
/// ```
pub fn parse_handler_url(url: &str, policy: &SsrfPolicy) -> Result<Url, SsrfError> {
    if url.len() > MAX_HANDLER_URL_BYTES {
        return Err(SsrfError::BadUrl(format!(
            "longer than {MAX_HANDLER_URL_BYTES} bytes"
        )));
    }
    let parsed = Url::parse(url).map_err(|e| SsrfError::BadUrl(e.to_string()))?;
    check_url(&parsed, policy)?;
    Ok(parsed)
}

/// The longest handler URL accepted (as browsers and most servers do).
pub const MAX_HANDLER_URL_BYTES: usize = 2_048;

/// Resolves the URL's host and returns the addresses a delivery may connect to.
///
/// Re-runs the [`parse_handler_url`] checks on `url`, then resolves the host with
/// [`tokio::net::lookup_host`] (IP literals are used as they are) and refuses with
/// [`SsrfError::ForbiddenAddress`] if **any** resolved address is forbidden — unless
/// `policy.allow_private` is set, the host name is in `policy.allowed_hosts`, or that address
/// is. Refusing on any (rather than filtering) keeps a name that mixes public and internal
/// answers from being used at all.
///
/// **The caller must connect only to the returned addresses** (for example via a connector
/// or resolver override that pins the host to them), keeping the original host name for TLS
/// SNI, certificate verification and the `Host` header. Resolving the name again at connect
/// time would reopen a DNS-rebinding window: an attacker's DNS server could answer with a
/// public address for this check and with `127.0.0.1` a moment later.
///
/// The returned addresses carry the URL's port (explicit or the scheme's default), keep the
/// resolver's order and contain no duplicates. No timeout is applied; wrap the call in
/// [`tokio::time::timeout`] as needed.
pub async fn resolve_checked(url: &Url, policy: &SsrfPolicy) -> Result<Vec<SocketAddr>, SsrfError> {
    let (host, port) = check_url(url, policy)?;
    let host_text = url.host_str().unwrap_or_default();
    resolve_host_checked(host, host_text, port, policy).await
}

/// Resolves a host name handed to an HTTP connector's resolver and checks every address
/// as [`resolve_checked`] does; the addresses carry port 0 (the connector sets the URL's).
///
/// The caller must already have run [`parse_handler_url`] on the URL (scheme, credentials,
/// port and IP-literal hosts, which connectors do not resolve).
pub(crate) async fn resolve_name_checked(
    name: &str,
    policy: &SsrfPolicy,
) -> Result<Vec<SocketAddr>, SsrfError> {
    let host = Host::parse(name).map_err(|e| SsrfError::BadUrl(e.to_string()))?;
    let host_ref = match &host {
        Host::Domain(d) => Host::Domain(d.as_str()),
        Host::Ipv4(ip) => Host::Ipv4(*ip),
        Host::Ipv6(ip) => Host::Ipv6(*ip),
    };
    resolve_host_checked(host_ref, name, 0, policy).await
}

/// Resolves `host` (IP literals are used as they are), refusing with
/// [`SsrfError::ForbiddenAddress`] if any address is forbidden by `policy`.
async fn resolve_host_checked(
    host: Host<&str>,
    host_text: &str,
    port: u16,
    policy: &SsrfPolicy,
) -> Result<Vec<SocketAddr>, SsrfError> {
    let resolved: Vec<SocketAddr> = match host {
        Host::Ipv4(ip) => vec![SocketAddr::new(ip.into(), port)],
        Host::Ipv6(ip) => vec![SocketAddr::new(ip.into(), port)],
        Host::Domain(name) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|e| SsrfError::Resolve(host_text.to_owned(), e.to_string()))?
            .collect(),
    };

    let mut addrs: Vec<SocketAddr> = Vec::with_capacity(resolved.len());
    for addr in resolved {
        if !addrs.contains(&addr) {
            addrs.push(addr);
        }
    }
    if addrs.is_empty() {
        return Err(SsrfError::NoAddress(host_text.to_owned()));
    }
    if !policy.allow_private && !policy.host_allowed(&host) {
        for addr in &addrs {
            check_ip(host_text, addr.ip(), policy)?;
        }
    }
    Ok(addrs)
}

/// The checks shared by [`parse_handler_url`] and [`resolve_checked`]; returns the host and
/// the effective port.
fn check_url<'a>(url: &'a Url, policy: &SsrfPolicy) -> Result<(Host<&'a str>, u16), SsrfError> {
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(SsrfError::Scheme(other.to_owned())),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(SsrfError::Credentials);
    }
    let host = url
        .host()
        .ok_or_else(|| SsrfError::BadUrl("missing host".to_owned()))?;
    if matches!(host, Host::Domain(d) if d.is_empty()) {
        return Err(SsrfError::BadUrl("empty host".to_owned()));
    }
    let port = url
        .port_or_known_default()
        .ok_or_else(|| SsrfError::BadUrl("missing port".to_owned()))?;
    if !policy.port_allowed(port) {
        return Err(SsrfError::Port(port));
    }
    if !policy.allow_private && !policy.host_allowed(&host) {
        let host_text = url.host_str().unwrap_or_default();
        match host {
            Host::Ipv4(ip) => check_ip(host_text, ip.into(), policy)?,
            Host::Ipv6(ip) => check_ip(host_text, ip.into(), policy)?,
            Host::Domain(_) => {}
        }
    }
    Ok((host, port))
}

/// Refuses `ip` unless it is public or allow-listed (`allow_private` is checked by callers).
fn check_ip(host: &str, ip: IpAddr, policy: &SsrfPolicy) -> Result<(), SsrfError> {
    match forbidden_range(ip) {
        Some(range) if !policy.ip_allowed(ip) => {
            tracing::debug!(%host, %ip, range, "refusing handler address");
            Err(SsrfError::ForbiddenAddress {
                host: host.to_owned(),
                addr: ip,
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
