//! The credentials an outbound webhook is created with: the application token
//! Bitrix24 sends as `auth[application_token]` and the Standard Webhooks
//! signing secret (`whsec_…`). One generator each, for every place that
//! creates or regenerates them.

pub use portico_store::secrets::new_application_token;

use crate::signing::SigningSecret;

/// A new Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_signing_secret() -> String {
    SigningSecret::generate().to_text()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_credentials_have_their_shapes_and_differ() {
        let token = new_application_token();
        assert_eq!(token.len(), 32);
        assert!(token
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert_ne!(token, new_application_token());
        let secret = new_signing_secret();
        assert!(secret.starts_with("whsec_"));
        assert!(SigningSecret::parse(&secret).is_ok(), "{secret}");
        assert_ne!(secret, new_signing_secret());
    }
}
