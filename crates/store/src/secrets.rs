//! Integration secrets at rest. A master key kept in the data folder yields two
//! keys: one encrypts secrets (XChaCha20-Poly1305, so their owner can see them
//! again), the other makes the keyed lookup hash (HMAC-SHA256) by which a
//! presented secret finds its row. Hashes are compared in constant time.
//!
//! A third derived value, the key check value, is stored in the database so that
//! a database and a master key that do not belong together are noticed at start
//! rather than by every webhook failing; it reveals nothing about the key.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Length of the master key, in bytes.
pub const MASTER_KEY_LEN: usize = 32;

/// Name under which the database keeps the key check value
/// ([`SecretBox::key_check`]).
pub const KEY_CHECK_NAME: &str = "secret_key_check";

/// Alphabet of webhook secrets: lower-case Latin letters and digits, as Bitrix24's.
const SECRET_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Length of webhook secrets, as Bitrix24's.
pub const WEBHOOK_SECRET_LEN: usize = 16;

/// Encrypts, decrypts and hashes secrets under one master key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
    /// The lookup HMAC with its key already absorbed (cloned per hash, which
    /// saves hashing the key blocks on every request).
    lookup_mac: HmacSha256,
    key_check: [u8; 32],
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

fn derive(master: &[u8; MASTER_KEY_LEN], label: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

impl SecretBox {
    /// Keys derived from the master key.
    pub fn new(master: &[u8; MASTER_KEY_LEN]) -> Self {
        let enc = derive(master, b"portico secret encryption v1");
        SecretBox {
            cipher: XChaCha20Poly1305::new(&enc.into()),
            lookup_mac: <HmacSha256 as Mac>::new_from_slice(&derive(
                master,
                b"portico secret lookup v1",
            ))
            .expect("HMAC takes any key length"),
            key_check: derive(master, b"portico key check v1"),
        }
    }

    /// The key check value: an HMAC of a fixed label under the master key, kept
    /// in the database to recognise the key that belongs to it.
    pub fn key_check(&self) -> [u8; 32] {
        self.key_check
    }

    /// Whether `stored` is this key's check value, compared in constant time.
    pub fn matches_key_check(&self, stored: &[u8]) -> bool {
        self.key_check.ct_eq(stored).into()
    }

    /// A fresh master key from the operating system's CSPRNG.
    pub fn generate_master() -> [u8; MASTER_KEY_LEN] {
        let mut key = [0u8; MASTER_KEY_LEN];
        OsRng.fill_bytes(&mut key);
        key
    }

    /// The keyed lookup hash of a secret.
    pub fn lookup_hash(&self, secret: &str) -> Vec<u8> {
        let mut mac = self.lookup_mac.clone();
        mac.update(secret.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// Whether `secret` hashes to `stored_hash`, compared in constant time.
    pub fn verify(&self, secret: &str, stored_hash: &[u8]) -> bool {
        self.lookup_hash(secret).ct_eq(stored_hash).into()
    }

    /// Encrypts a secret: a random 24-byte nonce followed by the ciphertext.
    pub fn encrypt(&self, secret: &str) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        OsRng.fill_bytes(&mut nonce);
        let mut out = nonce.to_vec();
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), secret.as_bytes())
            .expect("encryption of an in-memory buffer cannot fail");
        out.extend_from_slice(&sealed);
        out
    }

    /// Decrypts what [`SecretBox::encrypt`] produced; `None` if it was altered or
    /// sealed under another key.
    pub fn decrypt(&self, sealed: &[u8]) -> Option<String> {
        if sealed.len() < 24 {
            return None;
        }
        let (nonce, body) = sealed.split_at(24);
        let plain = self.cipher.decrypt(XNonce::from_slice(nonce), body).ok()?;
        String::from_utf8(plain).ok()
    }
}

/// A new webhook secret: 16 characters of `[a-z0-9]` from the OS CSPRNG.
pub fn new_webhook_secret() -> String {
    let mut rng = OsRng;
    (0..WEBHOOK_SECRET_LEN)
        .map(|_| SECRET_ALPHABET[rng.gen_range(0..SECRET_ALPHABET.len())] as char)
        .collect()
}

/// A new application token (sent as `auth[application_token]` by outbound
/// webhooks and applications): 32 lower-case letters and digits, as Bitrix24
/// shows them.
pub fn new_application_token() -> String {
    rand::distributions::DistString::sample_string(
        &rand::distributions::Alphanumeric,
        &mut OsRng,
        32,
    )
    .to_ascii_lowercase()
}

/// A new OAuth access token, refresh token or authorization code: 32
/// lower-case letters and digits (about 165 bits), the shape of Bitrix24's
/// examples.
pub fn new_oauth_token() -> String {
    new_application_token()
}

/// Whether a string has the shape of an OAuth token or code (cheap check
/// before a lookup): 16 to 128 ASCII letters and digits.
pub fn is_oauth_token_shape(s: &str) -> bool {
    (16..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether a string has the shape of a webhook secret (cheap check before a lookup).
pub fn is_webhook_secret_shape(s: &str) -> bool {
    (8..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_round_trip_and_hash_in_constant_time() {
        let b = SecretBox::new(&SecretBox::generate_master());
        let s = new_webhook_secret();
        assert_eq!(s.len(), 16);
        assert!(s
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        let sealed = b.encrypt(&s);
        assert_eq!(b.decrypt(&sealed).as_deref(), Some(s.as_str()));
        assert!(b.verify(&s, &b.lookup_hash(&s)));
        assert!(!b.verify("other", &b.lookup_hash(&s)));
        let other = SecretBox::new(&SecretBox::generate_master());
        assert_eq!(other.decrypt(&sealed), None);
        assert_ne!(other.lookup_hash(&s), b.lookup_hash(&s));
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(b.decrypt(&tampered), None);
    }

    #[test]
    fn key_check_recognises_its_key_only() {
        let master = SecretBox::generate_master();
        let b = SecretBox::new(&master);
        assert_eq!(b.key_check(), SecretBox::new(&master).key_check());
        assert!(b.matches_key_check(&b.key_check()));
        assert_ne!(b.key_check(), master);
        assert_ne!(b.key_check().to_vec(), b.lookup_hash(""));
        let other = SecretBox::new(&SecretBox::generate_master());
        assert!(!other.matches_key_check(&b.key_check()));
        assert!(!b.matches_key_check(&b.key_check()[..16]));
    }

    #[test]
    fn secrets_differ() {
        assert_ne!(new_webhook_secret(), new_webhook_secret());
    }
}
