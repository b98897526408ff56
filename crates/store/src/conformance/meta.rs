//! Portal-wide values: absent at first, stored, replaced, kept apart by name.

use crate::Store;

/// The portal-values story.
pub(super) async fn story(store: &dyn Store) {
    assert_eq!(store.portal_meta("check").await.expect("unset"), None);
    store
        .set_portal_meta("check", &[1, 2, 3])
        .await
        .expect("set");
    store
        .set_portal_meta("other", b"text")
        .await
        .expect("set other");
    assert_eq!(
        store.portal_meta("check").await.expect("get"),
        Some(vec![1, 2, 3])
    );
    store
        .set_portal_meta("check", &[9; 32])
        .await
        .expect("replace");
    assert_eq!(
        store.portal_meta("check").await.expect("get replaced"),
        Some(vec![9; 32])
    );
    assert_eq!(
        store.portal_meta("other").await.expect("get other"),
        Some(b"text".to_vec())
    );
    assert_eq!(store.portal_meta("CHECK").await.expect("case"), None);
}
