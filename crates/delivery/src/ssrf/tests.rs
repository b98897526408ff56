//! Unit tests for the handler URL checks and [`resolve_checked`].
//!
//! Only `localhost` and IP literals are resolved, so no test touches the network.

use super::*;

fn policy_allowing(hosts: &[&str]) -> SsrfPolicy {
    SsrfPolicy {
        allowed_hosts: hosts.iter().map(|h| h.to_string()).collect(),
        ..SsrfPolicy::default()
    }
}

fn forbidden(host: &str, addr: &str) -> SsrfError {
    SsrfError::ForbiddenAddress {
        host: host.to_owned(),
        addr: addr.parse().unwrap(),
    }
}

#[test]
fn default_policy_allows_nothing_private_and_any_port() {
    let policy = SsrfPolicy::default();
    assert!(!policy.allow_private);
    assert!(policy.allowed_hosts.is_empty());
    assert_eq!(policy.allowed_ports, None);
}

#[test]
fn public_urls_are_accepted() {
    let policy = SsrfPolicy::default();
    let cases = [
        "https://example.com/hook",
        "http://example.com:8080/a/b?c=d",
        "https://hooks.example.org./x",
        "http://8.8.8.8/",
        "https://1.1.1.1:8443/",
        "https://[2606:4700:4700::1111]/",
        "https://bücher.example/",
        "HTTPS://EXAMPLE.COM/",
    ];
    for url in cases {
        let parsed = parse_handler_url(url, &policy);
        assert!(parsed.is_ok(), "{url}: {parsed:?}");
    }
}

#[test]
fn bad_urls_are_refused() {
    let policy = SsrfPolicy::default();
    let cases = [
        "",
        "not a url",
        "example.com/hook",
        "http://",
        "https://exa mple.com/",
        "http://[::1/",
    ];
    for url in cases {
        let err = parse_handler_url(url, &policy).unwrap_err();
        assert!(matches!(err, SsrfError::BadUrl(_)), "{url}: {err:?}");
    }
    let long = format!("https://example.com/{}", "a".repeat(MAX_HANDLER_URL_BYTES));
    assert!(matches!(
        parse_handler_url(&long, &policy),
        Err(SsrfError::BadUrl(_))
    ));
    let fits = format!(
        "https://example.com/{}",
        "a".repeat(MAX_HANDLER_URL_BYTES - 20)
    );
    assert!(parse_handler_url(&fits, &policy).is_ok());
}

#[test]
fn only_http_and_https_schemes_are_accepted() {
    let policy = SsrfPolicy::default();
    let cases = [
        ("ftp://example.com/", "ftp"),
        ("file:///etc/passwd", "file"),
        ("gopher://example.com/", "gopher"),
        ("ws://example.com/", "ws"),
        ("javascript:alert(1)", "javascript"),
        ("data:text/plain,hi", "data"),
        ("unix:/var/run/docker.sock", "unix"),
    ];
    for (url, scheme) in cases {
        assert_eq!(
            parse_handler_url(url, &policy),
            Err(SsrfError::Scheme(scheme.to_owned())),
            "{url}"
        );
    }
}

#[test]
fn credentials_are_refused() {
    let policy = SsrfPolicy::default();
    let cases = [
        "https://user:password@example.com/",
        "https://user@example.com/",
        "https://:password@example.com/",
        "http://admin:admin@8.8.8.8/",
    ];
    for url in cases {
        assert_eq!(
            parse_handler_url(url, &policy),
            Err(SsrfError::Credentials),
            "{url}"
        );
    }
}

#[test]
fn ports_are_checked_against_the_policy() {
    let any = SsrfPolicy::default();
    let web_only = SsrfPolicy {
        allowed_ports: Some(vec![80, 443]),
        ..SsrfPolicy::default()
    };
    let cases: [(&str, &SsrfPolicy, Result<(), u16>); 8] = [
        ("https://example.com:22/", &any, Ok(())),
        ("https://example.com:0/", &any, Err(0)),
        ("https://example.com/", &web_only, Ok(())),
        ("http://example.com/", &web_only, Ok(())),
        ("http://example.com:443/", &web_only, Ok(())),
        ("https://example.com:8443/", &web_only, Err(8443)),
        ("http://example.com:22/", &web_only, Err(22)),
        ("http://example.com:6379/", &web_only, Err(6379)),
    ];
    for (url, policy, expected) in cases {
        let got = parse_handler_url(url, policy).map(|_| ());
        assert_eq!(got, expected.map_err(SsrfError::Port), "{url}");
    }
}

#[test]
fn ip_literal_hosts_are_checked_immediately() {
    let policy = SsrfPolicy::default();
    let cases = [
        ("http://127.0.0.1/", "127.0.0.1", "127.0.0.1"),
        ("http://127.0.0.1:8080/hook", "127.0.0.1", "127.0.0.1"),
        ("http://2130706433/", "127.0.0.1", "127.0.0.1"),
        ("http://0x7f.1/", "127.0.0.1", "127.0.0.1"),
        ("http://0177.0.0.1/", "127.0.0.1", "127.0.0.1"),
        ("http://0/", "0.0.0.0", "0.0.0.0"),
        ("http://10.1.2.3/", "10.1.2.3", "10.1.2.3"),
        (
            "http://169.254.169.254/latest/meta-data/",
            "169.254.169.254",
            "169.254.169.254",
        ),
        (
            "http://100.100.100.200/",
            "100.100.100.200",
            "100.100.100.200",
        ),
        ("http://[::1]/", "[::1]", "::1"),
        ("http://[::]/", "[::]", "::"),
        ("http://[fd00::1]/", "[fd00::1]", "fd00::1"),
        ("http://[fe80::1]/", "[fe80::1]", "fe80::1"),
        (
            "http://[::ffff:127.0.0.1]/",
            "[::ffff:7f00:1]",
            "::ffff:127.0.0.1",
        ),
        (
            "http://[::ffff:169.254.169.254]/",
            "[::ffff:a9fe:a9fe]",
            "::ffff:169.254.169.254",
        ),
        (
            "http://[64:ff9b::10.0.0.1]/",
            "[64:ff9b::a00:1]",
            "64:ff9b::a00:1",
        ),
        (
            "http://[2002:7f00:1::]/",
            "[2002:7f00:1::]",
            "2002:7f00:1::",
        ),
    ];
    for (url, host, addr) in cases {
        assert_eq!(
            parse_handler_url(url, &policy),
            Err(forbidden(host, addr)),
            "{url}"
        );
    }
}

#[test]
fn allow_list_and_allow_private_let_private_hosts_through() {
    let cases: [(&str, SsrfPolicy); 8] = [
        (
            "http://127.0.0.1:8080/hook",
            policy_allowing(&["127.0.0.1"]),
        ),
        ("http://2130706433/", policy_allowing(&["127.0.0.1"])),
        ("http://[::1]/", policy_allowing(&["::1"])),
        ("http://[::1]/", policy_allowing(&["[::1]"])),
        (
            "http://[::ffff:127.0.0.1]/",
            policy_allowing(&["127.0.0.1"]),
        ),
        ("http://10.0.0.5/", policy_allowing(&[" 10.0.0.5 "])),
        ("http://LOCALHOST./", policy_allowing(&["localhost"])),
        (
            "http://192.168.1.1/",
            SsrfPolicy {
                allow_private: true,
                ..SsrfPolicy::default()
            },
        ),
    ];
    for (url, policy) in cases {
        let parsed = parse_handler_url(url, &policy);
        assert!(parsed.is_ok(), "{url}: {parsed:?}");
    }
}

#[test]
fn allow_list_is_exact() {
    let policy = policy_allowing(&["127.0.0.1", "hooks.internal", "not a host[", ""]);
    let cases = [
        ("http://127.0.0.2/", forbidden("127.0.0.2", "127.0.0.2")),
        ("http://10.0.0.1/", forbidden("10.0.0.1", "10.0.0.1")),
        ("http://[::1]/", forbidden("[::1]", "::1")),
    ];
    for (url, err) in cases {
        assert_eq!(parse_handler_url(url, &policy), Err(err), "{url}");
    }
    assert!(policy.host_allowed(&Host::Domain("hooks.internal")));
    assert!(!policy.host_allowed(&Host::Domain("sub.hooks.internal")));
    assert!(!policy.host_allowed(&Host::Domain("hooks.internal.evil.com")));
}

#[test]
fn allow_list_does_not_bypass_scheme_credentials_or_port() {
    let policy = SsrfPolicy {
        allowed_hosts: vec!["127.0.0.1".into()],
        allowed_ports: Some(vec![8080]),
        ..SsrfPolicy::default()
    };
    let cases = [
        ("ftp://127.0.0.1:8080/", SsrfError::Scheme("ftp".into())),
        ("http://u:p@127.0.0.1:8080/", SsrfError::Credentials),
        ("http://127.0.0.1:9090/", SsrfError::Port(9090)),
    ];
    for (url, err) in cases {
        assert_eq!(parse_handler_url(url, &policy), Err(err), "{url}");
    }
}

#[test]
fn error_messages_are_clear() {
    let cases = [
        (SsrfError::BadUrl("empty host".into()), "invalid handler URL: empty host"),
        (SsrfError::Scheme("ftp".into()), "handler URL scheme `ftp` is not allowed; use http or https"),
        (SsrfError::Credentials, "handler URL must not contain a user name or password"),
        (
            forbidden("localhost", "127.0.0.1"),
            "handler host `localhost` is or resolves to 127.0.0.1, a non-public address that is not allowed",
        ),
        (SsrfError::Port(22), "handler URL port 22 is not allowed"),
        (
            SsrfError::Resolve("x.test".into(), "no such host".into()),
            "could not resolve handler host `x.test`: no such host",
        ),
        (SsrfError::NoAddress("x.test".into()), "handler host `x.test` resolved to no addresses"),
    ];
    for (err, message) in cases {
        assert_eq!(err.to_string(), message);
    }
}

#[tokio::test]
async fn resolve_checked_refuses_localhost_by_default() {
    let url = parse_handler_url("http://localhost:8080/hook", &SsrfPolicy::default()).unwrap();
    let err = resolve_checked(&url, &SsrfPolicy::default())
        .await
        .unwrap_err();
    let SsrfError::ForbiddenAddress { host, addr } = err else {
        panic!("expected ForbiddenAddress, got {err:?}");
    };
    assert_eq!(host, "localhost");
    assert!(addr.is_loopback(), "{addr}");
}

#[tokio::test]
async fn resolve_checked_allows_localhost_when_permitted() {
    let url = Url::parse("http://localhost:8080/hook").unwrap();
    let policies = [
        SsrfPolicy {
            allow_private: true,
            ..SsrfPolicy::default()
        },
        policy_allowing(&["localhost"]),
        policy_allowing(&["127.0.0.1", "::1"]),
    ];
    for policy in policies {
        let addrs = resolve_checked(&url, &policy).await.unwrap();
        assert!(!addrs.is_empty(), "{policy:?}");
        for addr in &addrs {
            assert!(addr.ip().is_loopback(), "{addr}");
            assert_eq!(addr.port(), 8080);
        }
        let unique: std::collections::HashSet<_> = addrs.iter().collect();
        assert_eq!(unique.len(), addrs.len(), "duplicates in {addrs:?}");
    }
}

#[tokio::test]
async fn resolve_checked_uses_ip_literals_without_dns() {
    let policy = SsrfPolicy::default();
    let cases = [
        ("https://8.8.8.8/", "8.8.8.8:443"),
        ("http://1.1.1.1:8080/", "1.1.1.1:8080"),
        (
            "https://[2606:4700:4700::1111]/",
            "[2606:4700:4700::1111]:443",
        ),
    ];
    for (url, expected) in cases {
        let url = Url::parse(url).unwrap();
        let addrs = resolve_checked(&url, &policy).await.unwrap();
        assert_eq!(addrs, vec![expected.parse::<SocketAddr>().unwrap()]);
    }
}

#[tokio::test]
async fn resolve_checked_repeats_the_url_checks() {
    let policy = SsrfPolicy {
        allowed_ports: Some(vec![443]),
        ..SsrfPolicy::default()
    };
    let cases = [
        ("ftp://localhost/", SsrfError::Scheme("ftp".into())),
        ("https://u:p@localhost/", SsrfError::Credentials),
        ("http://localhost/", SsrfError::Port(80)),
        ("https://127.0.0.1/", forbidden("127.0.0.1", "127.0.0.1")),
        (
            "https://[::ffff:127.0.0.1]/",
            forbidden("[::ffff:7f00:1]", "::ffff:127.0.0.1"),
        ),
    ];
    for (url, err) in cases {
        let url = Url::parse(url).unwrap();
        assert_eq!(resolve_checked(&url, &policy).await, Err(err), "{url}");
    }
}
