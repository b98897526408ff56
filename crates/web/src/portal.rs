//! The portal's identity as integrations see it: its `member_id` (32 hex
//! digits, made once and kept in the database so every server sharing it
//! answers the same), its host name (`domain`) and its REST base
//! (`client_endpoint`, also `server_endpoint`: Portico is its own OAuth
//! server).

use portico_store::{MetaStore, StoreError};

/// The portal-meta key of the `member_id`.
const MEMBER_ID: &str = "member_id";

/// The portal's `member_id`, made on first use.
pub async fn member_id(store: &dyn MetaStore) -> Result<String, StoreError> {
    if let Some(id) = store.portal_meta(MEMBER_ID).await? {
        return Ok(String::from_utf8_lossy(&id).into_owned());
    }
    let id: String = (0..16)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect();
    store.set_portal_meta(MEMBER_ID, id.as_bytes()).await?;
    // Another server may have written its own first: answer the one kept.
    Ok(store
        .portal_meta(MEMBER_ID)
        .await?
        .map_or(id, |kept| String::from_utf8_lossy(&kept).into_owned()))
}

/// The host (and port, when not the default) of a base URL such as
/// `https://portal.example.com:8443`.
pub fn domain_of(base: &str) -> String {
    let rest = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))
        .unwrap_or(base);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The portal's REST base for integrations: `{base}/rest/`.
pub fn rest_endpoint(base: &str) -> String {
    format!("{}/rest/", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_and_endpoints_come_from_the_base() {
        assert_eq!(
            domain_of("https://portal.example.com"),
            "portal.example.com"
        );
        assert_eq!(domain_of("http://127.0.0.1:8080/"), "127.0.0.1:8080");
        assert_eq!(
            rest_endpoint("https://p.example/"),
            "https://p.example/rest/"
        );
    }
}
