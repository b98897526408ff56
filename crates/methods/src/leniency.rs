//! Input that Bitrix24 accepts and ignores is accepted here too, and logged:
//! one warning per method and key (target `portico::leniency`), so that an
//! integration's author can see what their call sends in vain without the log
//! filling up with the same line on every call.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// How many distinct (method, key) pairs are remembered; past it, warnings are
/// still written but no longer de-duplicated (so clients cannot grow memory).
const REMEMBERED: usize = 4096;

fn seen() -> &'static Mutex<HashSet<(String, String, String)>> {
    static SEEN: OnceLock<Mutex<HashSet<(String, String, String)>>> = OnceLock::new();
    SEEN.get_or_init(Mutex::default)
}

/// Logs once that `method` ignored `key` of `what` (`filter`, `fields`, a
/// parameter name, …). The key is clipped to 64 characters; values are never logged.
pub fn ignored(method: &str, what: &str, key: &str) {
    let key: String = key.chars().take(64).collect();
    let first = match seen().lock() {
        Ok(mut set) if set.len() < REMEMBERED => {
            set.insert((method.to_owned(), what.to_owned(), key.clone()))
        }
        Ok(set) => !set.contains(&(method.to_owned(), what.to_owned(), key.clone())),
        Err(_) => true,
    };
    if first {
        tracing::warn!(
            target: "portico::leniency",
            method,
            what,
            key = %key,
            "ignored input that Bitrix24 also ignores"
        );
    }
}
