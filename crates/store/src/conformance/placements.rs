//! Placements: binding a handler, a second bind of the same handler refused,
//! the same handler on another placement or by another application allowed,
//! listing by application and by placement code, unbinding one handler or
//! all of a placement, and bindings removed with their application. Runs
//! after the users story (user 1 exists).

use crate::apps::NewApp;
use crate::error::StoreError;
use crate::placements::NewPlacement;
use crate::Store;

/// An application with a user interface created by user 1.
fn app(client_id: &str) -> NewApp {
    NewApp {
        client_id: client_id.to_owned(),
        name: "Widgets".to_owned(),
        handler_url: "https://widgets.example.com/".to_owned(),
        install_url: None,
        script_only: false,
        menu_texts: vec![("en".to_owned(), "Widgets".to_owned())],
        scopes: vec!["crm".to_owned(), "placement".to_owned()],
        secret_hash: format!("secret {client_id}").into_bytes(),
        secret_sealed: b"sealed".to_vec(),
        application_token_sealed: b"sealed token".to_vec(),
        created_by: 1,
        created_at: 1_700_000_000,
    }
}

/// A binding of `app_id`'s `handler` to `placement`.
fn binding(app_id: i64, placement: &str, handler: &str) -> NewPlacement {
    NewPlacement {
        app_id,
        placement: placement.to_owned(),
        handler_url: handler.to_owned(),
        title: "Tab".to_owned(),
        description: "A tab".to_owned(),
        lang_all: r#"{"br":{"TITLE":"Aba"}}"#.to_owned(),
        created_at: 1_700_000_100,
    }
}

/// The story.
pub(super) async fn story(store: &dyn Store) {
    let a = store
        .insert_app(app("local.aaaaaaaaaaaaaa.11111111"))
        .await
        .expect("app a");
    let b = store
        .insert_app(app("local.bbbbbbbbbbbbbb.22222222"))
        .await
        .expect("app b");
    let deal = "CRM_DEAL_DETAIL_TAB";
    let first = store
        .insert_placement(binding(a, deal, "https://widgets.example.com/deal"))
        .await
        .expect("bind");
    match store
        .insert_placement(binding(a, deal, "https://widgets.example.com/deal"))
        .await
    {
        Err(StoreError::Conflict(name)) => {
            assert_eq!(name, "app_placements_app_id_placement_handler_url")
        }
        other => panic!("a second bind of one handler is a conflict, got {other:?}"),
    }
    match store
        .insert_placement(binding(i64::MAX, deal, "https://widgets.example.com/x"))
        .await
    {
        Err(StoreError::Conflict(name)) => assert_eq!(name, "foreign_key"),
        other => panic!("an unknown application is refused, got {other:?}"),
    }
    store
        .insert_placement(binding(a, deal, "https://widgets.example.com/deal2"))
        .await
        .expect("another handler");
    store
        .insert_placement(binding(
            a,
            "CRM_LEAD_DETAIL_TAB",
            "https://widgets.example.com/deal",
        ))
        .await
        .expect("same handler, other placement");
    store
        .insert_placement(binding(b, deal, "https://widgets.example.com/deal"))
        .await
        .expect("same handler, other application");

    let found = store
        .placement_by_id(first)
        .await
        .expect("by id")
        .expect("found");
    assert_eq!(
        (
            found.app_id,
            found.placement.as_str(),
            found.title.as_str(),
            found.description.as_str(),
            found.lang_all.as_str(),
            found.created_at
        ),
        (
            a,
            deal,
            "Tab",
            "A tab",
            r#"{"br":{"TITLE":"Aba"}}"#,
            1_700_000_100
        )
    );
    let of_a = store.app_placements(a).await.expect("of a");
    assert_eq!(of_a.len(), 3);
    assert_eq!(of_a[0].id, first);
    let deals = store.placements_of(deal).await.expect("of deal");
    assert_eq!(
        deals.iter().map(|p| p.app_id).collect::<Vec<_>>(),
        [a, a, b]
    );

    assert_eq!(
        store
            .delete_placements(a, deal, Some("https://widgets.example.com/nothing"))
            .await
            .expect("nothing"),
        0
    );
    assert_eq!(
        store
            .delete_placements(a, deal, Some("https://widgets.example.com/deal2"))
            .await
            .expect("one"),
        1
    );
    store
        .insert_placement(binding(a, deal, "https://widgets.example.com/deal2"))
        .await
        .expect("bound again after unbinding");
    assert_eq!(
        store.delete_placements(a, deal, None).await.expect("all"),
        2
    );
    assert_eq!(store.placements_of(deal).await.expect("left").len(), 1);

    assert!(store.delete_app(b).await.expect("delete app"));
    assert!(store.placements_of(deal).await.expect("gone").is_empty());
    assert_eq!(store.app_placements(b).await.expect("none").len(), 0);
    assert_eq!(store.app_placements(a).await.expect("a keeps").len(), 1);
}
