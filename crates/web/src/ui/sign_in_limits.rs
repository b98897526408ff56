//! Limits on signing in. Each attempt is counted in the store before its password
//! is checked, under three keys: the login from this address (five failures lock
//! the pair), the address (twenty lock it, whatever the logins) and the login
//! from anywhere (never locked, only spaced out past ten failures, so an attacker
//! elsewhere cannot lock the real user out). A success forgives its pair and
//! takes its own attempt back from the others. Logins are counted under a keyed
//! hash, never as typed (people type passwords into the login field).
//!
//! Password checks (argon2id, ~19 MiB each) run at most one per core at a time;
//! a few more may wait, and beyond that a sign-in is answered "busy" unchecked.

use std::net::IpAddr;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use portico_store::secrets::SecretBox;
use portico_store::AttemptRule;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::password;

/// Failed attempts allowed for one login from one address in a window.
pub const PAIR_MAX_ATTEMPTS: u32 = 5;
/// Failed attempts allowed from one address in a window, whatever the logins:
/// higher, as many people may share one address.
pub const ADDRESS_MAX_ATTEMPTS: u32 = 20;
/// Failed attempts for one login from all addresses in a window before further
/// ones are spaced out (1 s, 2 s, 4 s, … up to [`LOGIN_MAX_SPACING_SECONDS`]).
pub const LOGIN_FREE_ATTEMPTS: u32 = 10;
/// Longest spacing between attempts for one login, in seconds.
pub const LOGIN_MAX_SPACING_SECONDS: i64 = 60;
/// The counting window, in seconds, from a key's first attempt.
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// Retry-After of a sign-in refused because too many checks are waiting.
pub const BUSY_RETRY_SECONDS: i64 = 1;

/// The keys one sign-in attempt is counted under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptKeys {
    /// This login from this address.
    pub pair: String,
    /// This address.
    pub address: String,
    /// This login from anywhere.
    pub login: String,
}

impl AttemptKeys {
    /// The keys of `login` (any case) tried from `address` (`None`: unknown,
    /// counted as one shared address).
    pub fn new(secrets: &SecretBox, login: &str, address: Option<IpAddr>) -> AttemptKeys {
        let login = URL_SAFE_NO_PAD
            .encode(secrets.lookup_hash(&format!("sign-in login {}", login.trim().to_lowercase())));
        let address = address.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        AttemptKeys {
            pair: format!("pair:{address} {login}"),
            address: format!("address:{address}"),
            login: format!("login:{login}"),
        }
    }

    /// The rules an attempt must pass, one per key.
    pub fn rules(&self) -> Vec<AttemptRule> {
        let rule = |key: &String, max_attempts, free_attempts| AttemptRule {
            key: key.clone(),
            max_attempts,
            free_attempts,
            max_spacing_seconds: LOGIN_MAX_SPACING_SECONDS,
            window_seconds: WINDOW_SECONDS,
        };
        vec![
            rule(&self.pair, PAIR_MAX_ATTEMPTS, PAIR_MAX_ATTEMPTS),
            rule(&self.address, ADDRESS_MAX_ATTEMPTS, ADDRESS_MAX_ATTEMPTS),
            rule(&self.login, u32::MAX, LOGIN_FREE_ATTEMPTS),
        ]
    }
}

/// Bounds the password checks running and waiting at once.
#[derive(Debug)]
pub struct PasswordCheckGate {
    /// Places for checks running or waiting.
    places: Arc<Semaphore>,
    /// Checks allowed to run at once.
    running: Arc<Semaphore>,
}

impl Default for PasswordCheckGate {
    /// One running check per core, and two per core waiting.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        PasswordCheckGate::new(cores, 2 * cores)
    }
}

impl PasswordCheckGate {
    /// A gate letting `running` checks run at once and `waiting` more wait.
    pub fn new(running: usize, waiting: usize) -> PasswordCheckGate {
        let running = running.max(1);
        PasswordCheckGate {
            places: Arc::new(Semaphore::new(running + waiting)),
            running: Arc::new(Semaphore::new(running)),
        }
    }

    /// A place for one check, or `None` when every place is taken.
    pub fn enter(&self) -> Option<CheckPlace> {
        let place = Arc::clone(&self.places).try_acquire_owned().ok()?;
        Some(CheckPlace {
            place,
            running: Arc::clone(&self.running),
        })
    }
}

/// A place in the [`PasswordCheckGate`].
#[derive(Debug)]
pub struct CheckPlace {
    place: OwnedSemaphorePermit,
    running: Arc<Semaphore>,
}

impl CheckPlace {
    /// Whether `password` matches the PHC `hash`, checked on a blocking thread
    /// once a check may run. The place is held until the check ends, even when
    /// the request is abandoned meanwhile.
    pub async fn verify(self, password: String, hash: String) -> bool {
        let Ok(running) = Arc::clone(&self.running).acquire_owned().await else {
            return false;
        };
        let place = self.place;
        tokio::task::spawn_blocking(move || {
            let _held = (place, running);
            password::verify(&password, &hash)
        })
        .await
        .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hide_the_login_and_ignore_its_case() {
        let secrets = SecretBox::new(&[7; 32]);
        let ip: IpAddr = "203.0.113.7".parse().expect("ip");
        let a = AttemptKeys::new(&secrets, "Admin", Some(ip));
        let b = AttemptKeys::new(&secrets, " admin", Some(ip));
        assert_eq!(a, b);
        assert!(!a.login.contains("admin") && !a.pair.contains("admin"));
        assert!(a.pair.starts_with("pair:203.0.113.7 "));
        assert_eq!(a.address, "address:203.0.113.7");
        let elsewhere = AttemptKeys::new(&secrets, "admin", None);
        assert_eq!(elsewhere.login, a.login);
        assert_ne!(elsewhere.pair, a.pair);
        assert_eq!(elsewhere.address, "address:unknown");
    }

    #[tokio::test]
    async fn the_gate_refuses_past_its_places() {
        let gate = PasswordCheckGate::new(1, 1);
        let first = gate.enter().expect("running place");
        let second = gate.enter().expect("waiting place");
        assert!(gate.enter().is_none(), "full");
        drop(first);
        assert!(gate.enter().is_some(), "a place came free");
        assert!(!second.verify("x".into(), "not a hash".into()).await);
    }
}
