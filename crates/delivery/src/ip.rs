//! Classification of IP addresses an outbound delivery must not reach.
//!
//! [`is_forbidden`] answers "is this address anything other than a public, globally routable
//! unicast address?". The ranges are listed in two auditable tables (IANA special-purpose
//! registries, RFC 6890 and successors). IPv6 forms that embed an IPv4 address (IPv4-mapped,
//! IPv4-compatible, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the embedded IPv4
//! address, so `::ffff:127.0.0.1` is as forbidden as `127.0.0.1`. As a final safety net every
//! IPv6 address outside global unicast `2000::/3` is forbidden.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// IPv4 blocks that are not globally routable: (network, prefix length, name).
const V4_FORBIDDEN: &[(Ipv4Addr, u8, &str)] = &[
    (
        Ipv4Addr::new(0, 0, 0, 0),
        8,
        "this network (incl. unspecified)",
    ),
    (Ipv4Addr::new(10, 0, 0, 0), 8, "private"),
    (
        Ipv4Addr::new(100, 64, 0, 0),
        10,
        "shared address space (CGNAT)",
    ),
    (Ipv4Addr::new(127, 0, 0, 0), 8, "loopback"),
    (
        Ipv4Addr::new(169, 254, 0, 0),
        16,
        "link-local (incl. cloud metadata)",
    ),
    (Ipv4Addr::new(172, 16, 0, 0), 12, "private"),
    (Ipv4Addr::new(192, 0, 0, 0), 24, "IETF protocol assignments"),
    (
        Ipv4Addr::new(192, 0, 2, 0),
        24,
        "documentation (TEST-NET-1)",
    ),
    (
        Ipv4Addr::new(192, 88, 99, 0),
        24,
        "deprecated 6to4 relay anycast",
    ),
    (Ipv4Addr::new(192, 168, 0, 0), 16, "private"),
    (Ipv4Addr::new(198, 18, 0, 0), 15, "benchmarking"),
    (
        Ipv4Addr::new(198, 51, 100, 0),
        24,
        "documentation (TEST-NET-2)",
    ),
    (
        Ipv4Addr::new(203, 0, 113, 0),
        24,
        "documentation (TEST-NET-3)",
    ),
    (Ipv4Addr::new(224, 0, 0, 0), 4, "multicast"),
    (Ipv4Addr::new(240, 0, 0, 0), 4, "reserved (incl. broadcast)"),
];

/// IPv6 blocks that are not globally routable: (network, prefix length, name).
///
/// Blocks that embed an IPv4 address are handled separately in [`v6_range`].
const V6_FORBIDDEN: &[(Ipv6Addr, u8, &str)] = &[
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), 128, "unspecified"),
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1), 128, "loopback"),
    (
        Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0),
        48,
        "local-use NAT64",
    ),
    (
        Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0),
        64,
        "discard-only",
    ),
    // Includes Teredo 2001::/32 and benchmarking 2001:2::/48.
    (
        Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0),
        23,
        "IETF protocol assignments",
    ),
    (
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
        32,
        "documentation",
    ),
    (
        Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0),
        20,
        "documentation",
    ),
    (
        Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0),
        7,
        "unique local",
    ),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, "link-local"),
    (
        Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0),
        10,
        "site-local (deprecated)",
    ),
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, "multicast"),
];

/// Returns `true` if an outbound delivery must not connect to `ip`.
///
/// Forbidden are all addresses that are not public unicast: loopback, unspecified, private
/// (10/8, 172.16/12, 192.168/16), link-local (169.254/16, incl. the cloud metadata endpoint
/// 169.254.169.254), CGNAT 100.64/10, 0/8, broadcast, multicast, documentation and
/// benchmarking ranges, reserved 240/4; for IPv6 `::1`, `::`, unique-local `fc00::/7`,
/// link-local `fe80::/10`, multicast, documentation `2001:db8::/32`, and every address
/// outside `2000::/3`. IPv4-mapped/-compatible, NAT64 (`64:ff9b::/96`) and 6to4
/// (`2002::/16`) addresses are judged by the IPv4 address they embed.
///
/// ```
/// use std::net::IpAddr;
/// use portico_delivery::is_forbidden;
///
/// assert!(is_forbidden("169.254.169.254".parse::<IpAddr>().unwrap()));
/// assert!(is_forbidden("::ffff:127.0.0.1".parse::<IpAddr>().unwrap()));
/// assert!(!is_forbidden("1.1.1.1".parse::<IpAddr>().unwrap()));
/// ```
pub fn is_forbidden(ip: IpAddr) -> bool {
    forbidden_range(ip).is_some()
}

/// Names the forbidden range `ip` falls into, or `None` if the address is public.
pub(crate) fn forbidden_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_range(v4),
        IpAddr::V6(v6) => v6_range(v6),
    }
}

fn v4_range(ip: Ipv4Addr) -> Option<&'static str> {
    let bits = u32::from(ip);
    V4_FORBIDDEN.iter().find_map(|&(net, len, name)| {
        let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
        (bits & mask == u32::from(net) & mask).then_some(name)
    })
}

fn v6_range(ip: Ipv6Addr) -> Option<&'static str> {
    let bits = u128::from(ip);
    let listed = V6_FORBIDDEN.iter().find_map(|&(net, len, name)| {
        let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
        (bits & mask == u128::from(net) & mask).then_some(name)
    });
    if listed.is_some() {
        return listed;
    }
    if let Some(v4) = embedded_ipv4(ip) {
        return v4_range(v4);
    }
    // Anything else outside global unicast 2000::/3 is unassigned or special-purpose.
    (ip.segments()[0] & 0xe000 != 0x2000).then_some("not global unicast")
}

/// The IPv4 address embedded in an IPv4-mapped (`::ffff:0:0/96`), IPv4-compatible
/// (`::/96`), NAT64 well-known prefix (`64:ff9b::/96`) or 6to4 (`2002::/16`) address.
fn embedded_ipv4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let o = ip.octets();
    let low32 = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0, 0, _, _] => Some(low32),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(low32),
        [0x2002, _, _, _, _, _, _, _] => Some(Ipv4Addr::new(o[2], o[3], o[4], o[5])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse()
            .unwrap_or_else(|e| panic!("bad test address {s}: {e}"))
    }

    #[test]
    fn ipv4_special_ranges_are_forbidden() {
        let cases = [
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "0/8"),
            ("127.0.0.1", "loopback"),
            ("127.255.255.254", "loopback end"),
            ("10.0.0.1", "private 10/8"),
            ("10.255.255.255", "private 10/8 end"),
            ("172.16.0.1", "private 172.16/12"),
            ("172.31.255.255", "private 172.16/12 end"),
            ("192.168.1.1", "private 192.168/16"),
            ("169.254.0.1", "link-local"),
            ("169.254.169.254", "cloud metadata"),
            ("100.64.0.1", "CGNAT"),
            ("100.127.255.255", "CGNAT end"),
            ("255.255.255.255", "broadcast"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast SSDP"),
            ("192.0.2.10", "TEST-NET-1"),
            ("198.51.100.7", "TEST-NET-2"),
            ("203.0.113.200", "TEST-NET-3"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.255", "benchmarking end"),
            ("240.0.0.1", "reserved"),
            ("250.1.2.3", "reserved"),
            ("192.0.0.8", "IETF protocol assignments"),
            ("192.88.99.1", "6to4 relay anycast"),
        ];
        for (addr, what) in cases {
            assert!(is_forbidden(ip(addr)), "{addr} ({what}) must be forbidden");
        }
    }

    #[test]
    fn ipv6_special_ranges_are_forbidden() {
        let cases = [
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fc00::1", "unique local fc00::/8"),
            ("fd12:3456:789a::1", "unique local fd00::/8"),
            ("fe80::1", "link-local"),
            ("febf:ffff::1", "link-local end"),
            ("fec0::1", "site-local"),
            ("ff02::1", "multicast"),
            ("ff0e::1", "global-scope multicast"),
            ("2001:db8::1", "documentation"),
            ("2001:db8:ffff::1", "documentation"),
            ("3fff::1", "documentation 3fff::/20"),
            ("2001::1", "Teredo"),
            ("2001:2::1", "benchmarking"),
            ("100::1", "discard-only"),
            ("64:ff9b:1::1", "local-use NAT64"),
            ("4000::1", "outside 2000::/3"),
            ("::ffff:0:0:1", "SIIT, outside 2000::/3"),
        ];
        for (addr, what) in cases {
            assert!(is_forbidden(ip(addr)), "{addr} ({what}) must be forbidden");
        }
    }

    #[test]
    fn ipv6_embedding_forbidden_ipv4_is_forbidden() {
        let cases = [
            ("::ffff:127.0.0.1", "IPv4-mapped loopback"),
            ("::ffff:7f00:1", "IPv4-mapped loopback, hex form"),
            ("::ffff:10.0.0.1", "IPv4-mapped private"),
            ("::ffff:169.254.169.254", "IPv4-mapped metadata"),
            ("::ffff:0.0.0.0", "IPv4-mapped unspecified"),
            ("::127.0.0.1", "IPv4-compatible loopback"),
            ("::192.168.0.1", "IPv4-compatible private"),
            ("64:ff9b::127.0.0.1", "NAT64 loopback"),
            ("64:ff9b::a9fe:a9fe", "NAT64 metadata"),
            ("2002:7f00:1::", "6to4 loopback"),
            ("2002:c0a8:101::1", "6to4 private"),
            ("2002:a9fe:a9fe::1", "6to4 metadata"),
        ];
        for (addr, what) in cases {
            assert!(is_forbidden(ip(addr)), "{addr} ({what}) must be forbidden");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        let cases = [
            "8.8.8.8",
            "1.1.1.1",
            "9.9.9.9",
            "93.184.215.14",
            "100.63.255.255",  // just below CGNAT
            "100.128.0.0",     // just above CGNAT
            "172.15.255.255",  // just below 172.16/12
            "172.32.0.0",      // just above 172.16/12
            "198.17.255.255",  // just below benchmarking
            "198.20.0.0",      // just above benchmarking
            "223.255.255.255", // just below multicast
            "11.0.0.1",
            "2606:4700:4700::1111",
            "2001:4860:4860::8888",
            "2a00:1450:4001::1",
            "2001:200::1", // just above 2001::/23
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ];
        for addr in cases {
            assert!(!is_forbidden(ip(addr)), "{addr} must be allowed");
        }
    }

    #[test]
    fn embedded_ipv4_is_extracted() {
        let cases = [
            ("::ffff:1.2.3.4", Some("1.2.3.4")),
            ("::1.2.3.4", Some("1.2.3.4")),
            ("64:ff9b::1.2.3.4", Some("1.2.3.4")),
            ("2002:102:304:5::6", Some("1.2.3.4")),
            ("2606:4700:4700::1111", None),
            ("64:ff9b:1::1.2.3.4", None),
        ];
        for (addr, expected) in cases {
            let IpAddr::V6(v6) = ip(addr) else {
                panic!("{addr} is not IPv6")
            };
            let expected = expected.map(|e| e.parse::<Ipv4Addr>().unwrap());
            assert_eq!(embedded_ipv4(v6), expected, "{addr}");
        }
    }
}
