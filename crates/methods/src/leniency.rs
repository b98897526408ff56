//! Input that Bitrix24 accepts and ignores is accepted here too, and logged:
//! one warning per method and key (target `portico::leniency`), so that an
//! integration's author can see what their call sends in vain without the log
//! filling up with the same line on every call.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// How many distinct (method, what, key) triples are remembered and logged;
/// past it new ones are no longer logged (one line says so), so clients can
/// grow neither memory nor the log by sending ever new keys.
const REMEMBERED: usize = 4096;

/// (integration, method, what, key) already logged.
type Seen = HashSet<(String, String, String, String)>;

fn seen() -> &'static Mutex<Seen> {
    static SEEN: OnceLock<Mutex<Seen>> = OnceLock::new();
    SEEN.get_or_init(Mutex::default)
}

/// Logs once per integration that `method` ignored `key` of `what`
/// (`filter`, `fields`, a parameter name, …) in a call of `integration`
/// (`webhook:12`). The key is clipped to 64 characters; values are never logged.
pub fn ignored(integration: &str, method: &str, what: &str, key: &str) {
    let key: String = key.chars().take(64).collect();
    let Ok(mut set) = seen().lock() else {
        return;
    };
    if set.len() >= REMEMBERED {
        return;
    }
    let seen = (
        integration.to_owned(),
        method.to_owned(),
        what.to_owned(),
        key.clone(),
    );
    if !set.insert(seen) {
        return;
    }
    let full = set.len() == REMEMBERED;
    drop(set);
    tracing::warn!(
        target: "portico::leniency",
        integration,
        method,
        what,
        key = %key,
        "ignored input that Bitrix24 also ignores"
    );
    if full {
        tracing::warn!(
            target: "portico::leniency",
            "{REMEMBERED} different ignored keys logged; further ones are not"
        );
    }
}
