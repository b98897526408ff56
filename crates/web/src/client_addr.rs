//! The client's address, as the sign-in limits count it: the peer of the
//! connection, or — only when that peer is one of the configured trusted proxies
//! — the rightmost address in `X-Forwarded-For` that is not a trusted proxy.
//! Without trusted proxies the header is ignored, so a client cannot choose the
//! address it is counted under.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderName;

use crate::state::AppState;

/// The `X-Forwarded-For` header.
static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// One trusted network: an address and how many of its leading bits must match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    /// `10.0.0.0/8`, `fd00::/8`, or a single address (`127.0.0.1`, `::1`).
    fn parse(text: &str) -> Result<Network, String> {
        let text = text.trim();
        let invalid = || format!("'{text}' is not an IP address or a CIDR block");
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr = addr
            .parse::<IpAddr>()
            .map_err(|_| invalid())?
            .to_canonical();
        let bits = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(invalid)?,
            None => bits,
        };
        Ok(Network { addr, prefix })
    }

    /// Whether `ip` (canonical) lies in this network.
    fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The proxies whose `X-Forwarded-For` is believed (setting `trusted_proxies`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    /// Parses addresses and CIDR blocks (`127.0.0.1`, `10.0.0.0/8`, `::1`);
    /// empty entries are skipped.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<TrustedProxies, String> {
        entries
            .iter()
            .map(AsRef::as_ref)
            .filter(|e| !e.trim().is_empty())
            .map(Network::parse)
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    /// Whether `ip` is a trusted proxy.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(ip))
    }

    /// The client's address for a connection from `peer` carrying the
    /// `X-Forwarded-For` header values `forwarded_for` (in order): `peer` unless
    /// it is trusted; else the rightmost listed address that is not trusted. When
    /// an entry cannot be read, or every entry is trusted, the last trusted
    /// address reached stands for the client.
    pub fn client_of<'h>(
        &self,
        peer: IpAddr,
        forwarded_for: impl DoubleEndedIterator<Item = &'h str>,
    ) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.contains(client) {
            return client;
        }
        let entries = forwarded_for
            .rev()
            .flat_map(|value| value.rsplit(','))
            .map(str::trim)
            .filter(|entry| !entry.is_empty());
        for entry in entries {
            match forwarded_address(entry) {
                Some(ip) if self.contains(ip) => client = ip,
                Some(ip) => return ip,
                None => break,
            }
        }
        client
    }
}

/// An address listed in `X-Forwarded-For`: `203.0.113.7`, `2001:db8::1`, or
/// with a port (`203.0.113.7:4711`, `[2001:db8::1]:4711`).
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|e| e.strip_suffix(']'))
                .and_then(|e| e.parse().ok())
        })
        .map(|ip: IpAddr| ip.to_canonical())
}

/// The client's address, when the server recorded the connection's peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded_for = parts
            .headers
            .get_all(&X_FORWARDED_FOR)
            .iter()
            .map(|v| v.to_str().unwrap_or("?"));
        Ok(ClientAddr(peer.map(|peer| {
            state.trusted_proxies.client_of(peer, forwarded_for)
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    #[test]
    fn networks_and_single_addresses_are_matched() {
        let trusted =
            TrustedProxies::parse(&["127.0.0.1", " 10.0.0.0/8", "fd00::/8", ""]).expect("parse");
        for inside in ["127.0.0.1", "10.1.2.3", "fd12::1", "::ffff:10.9.9.9"] {
            assert!(trusted.contains(ip(inside)), "{inside}");
        }
        for outside in ["127.0.0.2", "11.0.0.1", "fe80::1", "::1"] {
            assert!(!trusted.contains(ip(outside)), "{outside}");
        }
        assert!(TrustedProxies::parse(&["0.0.0.0/0"])
            .expect("all")
            .contains(ip("198.51.100.1")));
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "proxy.example",
            "10.0.0.1/x",
            "10.0.0/8",
        ] {
            assert!(TrustedProxies::parse(&[bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_header_counts_only_behind_a_trusted_proxy() {
        let none = TrustedProxies::default();
        let peer = ip("127.0.0.1");
        assert_eq!(none.client_of(peer, ["203.0.113.7"].into_iter()), peer);

        let trusted = TrustedProxies::parse(&["127.0.0.1", "10.0.0.0/8"]).expect("parse");
        assert_eq!(
            trusted.client_of(ip("198.51.100.1"), ["203.0.113.7"].into_iter()),
            ip("198.51.100.1"),
            "peer not trusted: header ignored"
        );
        assert_eq!(
            trusted.client_of(peer, ["203.0.113.7"].into_iter()),
            ip("203.0.113.7")
        );
        assert_eq!(
            trusted.client_of(peer, std::iter::empty()),
            peer,
            "no header: the proxy itself"
        );
        // The client may send a forged header: only the rightmost untrusted entry counts.
        assert_eq!(
            trusted.client_of(
                peer,
                ["1.1.1.1, 198.51.100.9", "203.0.113.7:4711, 10.0.0.2"].into_iter()
            ),
            ip("203.0.113.7")
        );
        assert_eq!(
            trusted.client_of(peer, ["[2001:db8::7]:80"].into_iter()),
            ip("2001:db8::7")
        );
        assert_eq!(
            trusted.client_of(peer, ["garbage, 10.0.0.3"].into_iter()),
            ip("10.0.0.3"),
            "unreadable entry: the last trusted hop"
        );
        assert_eq!(
            trusted.client_of(peer, ["10.0.0.4, 10.0.0.3"].into_iter()),
            ip("10.0.0.4")
        );
    }
}
