//! Where the portal may send a browser after signing in or changing the
//! language: a plain path on this portal, else the default page. Browsers drop
//! tabs and newlines from URLs and read `\` as `/`, so `/<tab>/evil.example/`
//! and `/\evil.example` would leave the portal; such targets, and any that
//! decode (percent-encoding, repeatedly) into one, are refused.

/// The page a browser lands on when no acceptable target is given.
pub const DEFAULT_PAGE: &str = "/developer";

/// `next` when it is a plain local path, else [`DEFAULT_PAGE`].
pub fn local_path_or_default(next: Option<&str>) -> String {
    match next {
        Some(next) if is_plain_local_path(next) => next.to_owned(),
        _ => DEFAULT_PAGE.to_owned(),
    }
}

/// How many layers of percent-encoding are looked through.
const MAX_DECODINGS: usize = 3;

/// Whether `target` is a plain local path: printable ASCII only (no spaces or
/// control characters), one leading `/` not followed by `/` or `\`, no `\`
/// anywhere; and its path part, percent-decoded, keeps those properties.
fn is_plain_local_path(target: &str) -> bool {
    if !target.bytes().all(|b| b.is_ascii_graphic()) || !starts_locally(target.as_bytes()) {
        return false;
    }
    let path_end = target.find(['?', '#']).unwrap_or(target.len());
    let mut path = target.as_bytes()[..path_end].to_vec();
    for _ in 0..MAX_DECODINGS {
        let decoded = percent_decode(&path);
        if decoded == path {
            return true;
        }
        let text = String::from_utf8_lossy(&decoded);
        if text.chars().any(|c| c.is_control() || c.is_whitespace()) || !starts_locally(&decoded) {
            return false;
        }
        path = decoded;
    }
    false
}

/// One leading `/`, not followed by `/` or `\`, and no `\` anywhere.
fn starts_locally(path: &[u8]) -> bool {
    path.first() == Some(&b'/')
        && !matches!(path.get(1), Some(b'/' | b'\\'))
        && !path.contains(&b'\\')
}

/// `%XX` sequences decoded (others kept as they are).
fn percent_decode(input: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let pair = (input[i] == b'%')
            .then(|| Some((hex(*input.get(i + 1)?)?, hex(*input.get(i + 2)?)?)))
            .flatten();
        match pair {
            Some((high, low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            None => {
                out.push(input[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_local_paths_pass() {
        for ok in [
            "/",
            "/crm/leads?q=a",
            "/crm/leads?q=John%20Smith&page=2",
            "/developer/webhooks/3#scopes",
            "/crm/leads?q=%2F%2Fx",
        ] {
            assert_eq!(local_path_or_default(Some(ok)), ok, "{ok}");
        }
    }

    #[test]
    fn anything_that_may_leave_the_portal_gets_the_default() {
        for bad in [
            "",
            "//evil.example/",
            "/\\evil",
            "/a\\b",
            "https://evil.example/",
            " /x",
            "/\t/evil.example/",
            "/\n/x",
            "/x\r",
            "/%09/evil.example/",
            "/%0a/x",
            "/%2F%2Fevil",
            "/%2f/evil",
            "/%5Cevil",
            "/%252F%252Fevil",
            "/%25252F%25252Fevil",
            "/%2525252F%2525252Fevil",
            "/é",
            "/a%20b",
            "developer",
        ] {
            assert_eq!(local_path_or_default(Some(bad)), DEFAULT_PAGE, "{bad:?}");
        }
        assert_eq!(local_path_or_default(None), DEFAULT_PAGE);
    }

    #[test]
    fn percent_decoding_keeps_broken_sequences() {
        assert_eq!(percent_decode(b"/a%2Fb%zz%4"), b"/a/b%zz%4");
    }
}
