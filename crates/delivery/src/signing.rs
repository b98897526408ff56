//! Standard Webhooks signatures (standard-webhooks v1, symmetric `v1` scheme).
//!
//! Every delivery carries three headers next to Bitrix24's own `auth[application_token]`:
//! `webhook-id` (the delivery's message id, the same on every retry and replay, so receivers
//! can drop duplicates), `webhook-timestamp` (Unix seconds of this attempt) and
//! `webhook-signature`: `v1,` followed by the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`
//! under the handler's signing secret. Secrets are written `whsec_` + base64 of the key bytes.
//! The header value may list several space-separated signatures (during secret rotation);
//! [`verify_signature`] accepts the request if any `v1` one matches.

use std::fmt;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// Header carrying the delivery's stable message id.
pub const HEADER_WEBHOOK_ID: &str = "webhook-id";
/// Header carrying the attempt's Unix timestamp in seconds.
pub const HEADER_WEBHOOK_TIMESTAMP: &str = "webhook-timestamp";
/// Header carrying the space-separated `v1,<base64>` signatures.
pub const HEADER_WEBHOOK_SIGNATURE: &str = "webhook-signature";

/// How far a signed timestamp may lie from the verifier's clock, in seconds (the
/// specification's recommended five minutes).
pub const DEFAULT_TOLERANCE_SECS: i64 = 5 * 60;

/// Prefix of a signing secret's text form.
const SECRET_PREFIX: &str = "whsec_";
/// Shortest and longest key the specification allows, in bytes.
const KEY_LEN: std::ops::RangeInclusive<usize> = 24..=64;
/// Length of a generated key, in bytes.
const GENERATED_KEY_LEN: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// A handler's signing secret: 24 to 64 random bytes, written `whsec_<base64>`.
///
/// `Debug` shows no key material.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningSecret {
    key: Vec<u8>,
}

/// Why a signing secret was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// The text after `whsec_` is not standard base64.
    #[error("signing secret is not valid base64")]
    Base64,
    /// The key is shorter than 24 or longer than 64 bytes.
    #[error("signing secret must be 24 to 64 bytes long, got {0}")]
    Length(usize),
}

impl SigningSecret {
    /// A new secret of 32 bytes from the operating system's random source.
    pub fn generate() -> Self {
        let mut key = vec![0u8; GENERATED_KEY_LEN];
        rand::rngs::OsRng.fill_bytes(&mut key);
        SigningSecret { key }
    }

    /// A secret from its raw key bytes (24 to 64 of them).
    pub fn from_bytes(key: Vec<u8>) -> Result<Self, SecretError> {
        if !KEY_LEN.contains(&key.len()) {
            return Err(SecretError::Length(key.len()));
        }
        Ok(SigningSecret { key })
    }

    /// Parses the text form `whsec_<base64>`; like the reference libraries, the prefix may be
    /// left out.
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        let encoded = text.trim();
        let encoded = encoded.strip_prefix(SECRET_PREFIX).unwrap_or(encoded);
        let key = BASE64.decode(encoded).map_err(|_| SecretError::Base64)?;
        Self::from_bytes(key)
    }

    /// The text form, `whsec_<base64>`, to store and to show the handler's owner.
    pub fn to_text(&self) -> String {
        format!("{SECRET_PREFIX}{}", BASE64.encode(&self.key))
    }

    /// The `webhook-signature` value for one attempt: `v1,<base64 HMAC-SHA256>` of
    /// `{msg_id}.{timestamp}.{body}`.
    pub fn sign(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
        let tag = self.mac(msg_id, timestamp, body).finalize().into_bytes();
        format!("v1,{}", BASE64.encode(tag))
    }

    /// The keyed MAC with the signed content fed in, not yet finalised.
    fn mac(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningSecret(..)")
    }
}

/// Why a signed request was refused by [`verify_signature`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// `webhook-timestamp` is not an integer.
    #[error("webhook-timestamp is not a Unix timestamp")]
    BadTimestamp,
    /// The timestamp is further than the tolerance from the verifier's clock.
    #[error("webhook-timestamp is outside the allowed tolerance")]
    TimestampOutOfTolerance,
    /// No `v1` signature in `webhook-signature` matches.
    #[error("no matching signature")]
    NoMatchingSignature,
}

/// Checks a received request the way the Standard Webhooks libraries do.
///
/// `msg_id`, `timestamp` and `signatures` are the values of the `webhook-id`,
/// `webhook-timestamp` and `webhook-signature` headers; `body` is the raw request body.
/// The timestamp must lie within `tolerance_secs` of `now` (Unix seconds) in either
/// direction, and at least one space-separated `v1,<base64>` entry must equal the
/// signature computed with `secret` (compared in constant time). Entries of other versions
/// are ignored.
pub fn verify_signature(
    secret: &SigningSecret,
    msg_id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<(), VerifyError> {
    let timestamp: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| VerifyError::BadTimestamp)?;
    if now.saturating_sub(timestamp) > tolerance_secs
        || timestamp.saturating_sub(now) > tolerance_secs
    {
        return Err(VerifyError::TimestampOutOfTolerance);
    }
    let mac = secret.mac(msg_id, timestamp, body);
    let matched = signatures
        .split(' ')
        .filter_map(|entry| entry.split_once(','))
        .filter(|(version, _)| *version == "v1")
        .filter_map(|(_, encoded)| BASE64.decode(encoded).ok())
        .any(|tag| mac.clone().verify_slice(&tag).is_ok());
    if matched {
        Ok(())
    } else {
        Err(VerifyError::NoMatchingSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `TestWebhookSign` in the Standard Webhooks Go library
    /// (standard-webhooks/standard-webhooks, `libraries/go/webhook_test.go`).
    const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SPEC_MSG_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SPEC_TIMESTAMP: i64 = 1614265330;
    const SPEC_BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SPEC_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn spec_secret() -> SigningSecret {
        SigningSecret::parse(SPEC_SECRET).unwrap()
    }

    #[test]
    fn signs_the_specification_vectors() {
        assert_eq!(
            spec_secret().sign(SPEC_MSG_ID, SPEC_TIMESTAMP, SPEC_BODY),
            SPEC_SIGNATURE
        );
        // `test_sign` in the specification's Rust library (`libraries/rust/src/lib.rs`).
        let secret = SigningSecret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        assert_eq!(
            secret.sign(
                "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
                1649367553,
                br#"{"email":"test@example.com","username":"test_user"}"#
            ),
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
        );
    }

    #[test]
    fn verifies_the_specification_vector_and_refuses_changes() {
        let secret = spec_secret();
        let check = |msg_id: &str, signatures: &str, body: &[u8], now: i64| {
            verify_signature(
                &secret,
                msg_id,
                &SPEC_TIMESTAMP.to_string(),
                signatures,
                body,
                now,
                DEFAULT_TOLERANCE_SECS,
            )
        };
        let now = SPEC_TIMESTAMP + 10;
        assert_eq!(check(SPEC_MSG_ID, SPEC_SIGNATURE, SPEC_BODY, now), Ok(()));
        let rotated = format!("v1,AAAA v2,{} {SPEC_SIGNATURE}", &SPEC_SIGNATURE[3..]);
        assert_eq!(check(SPEC_MSG_ID, &rotated, SPEC_BODY, now), Ok(()));

        let refused = Err(VerifyError::NoMatchingSignature);
        assert_eq!(
            check(SPEC_MSG_ID, SPEC_SIGNATURE, br#"{"test": 2432232315}"#, now),
            refused
        );
        assert_eq!(check("msg_other", SPEC_SIGNATURE, SPEC_BODY, now), refused);
        let other_version = SPEC_SIGNATURE.replacen("v1,", "v2,", 1);
        assert_eq!(check(SPEC_MSG_ID, &other_version, SPEC_BODY, now), refused);
        assert_eq!(check(SPEC_MSG_ID, "", SPEC_BODY, now), refused);

        let late = SPEC_TIMESTAMP + DEFAULT_TOLERANCE_SECS + 1;
        let early = SPEC_TIMESTAMP - DEFAULT_TOLERANCE_SECS - 1;
        for now in [late, early] {
            assert_eq!(
                check(SPEC_MSG_ID, SPEC_SIGNATURE, SPEC_BODY, now),
                Err(VerifyError::TimestampOutOfTolerance)
            );
        }
        assert_eq!(
            verify_signature(
                &secret,
                SPEC_MSG_ID,
                "soon",
                SPEC_SIGNATURE,
                SPEC_BODY,
                now,
                300
            ),
            Err(VerifyError::BadTimestamp)
        );
    }

    #[test]
    fn secret_text_form_round_trips_and_bad_secrets_are_refused() {
        let secret = SigningSecret::generate();
        let text = secret.to_text();
        assert!(text.starts_with("whsec_"));
        assert_eq!(SigningSecret::parse(&text), Ok(secret.clone()));
        assert_ne!(SigningSecret::generate(), secret);
        // The prefix is optional, as in the reference libraries.
        assert_eq!(
            SigningSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            Ok(spec_secret())
        );
        assert_eq!(
            SigningSecret::parse("whsec_not base64!"),
            Err(SecretError::Base64)
        );
        assert_eq!(
            SigningSecret::parse("whsec_c2hvcnQ="),
            Err(SecretError::Length(5))
        );
        assert_eq!(format!("{secret:?}"), "SigningSecret(..)");
    }
}
