//! Offline events: bindings once per event and connector; a record write
//! queues the latest state per object among unreserved rows, not for the
//! binding of the writer's connector; `ONOFFLINEEVENT` at most once per
//! `minTimeout`; taking rows deletes or reserves them; a reserved row leaves
//! room for a newer one; marking errors gives rows back flagged.

use super::app_events::app;
use super::outbox::lead_write;
use super::users::new_user;
use crate::app_events::NewAppHandler;
use crate::crm::LEAD;
use crate::events::EventStamp;
use crate::offline_events::{
    NewOfflineBinding, OfflineEvent, OfflineField, OfflineQuery, OfflineTake, OFFLINE_NOTICE_EVENT,
};
use crate::records::RecordWrite;
use crate::Store;

/// The update event the story binds.
const UPDATE: &str = "ONCRMLEADUPDATE";

/// All of `app_id`'s `connector` queue, by id.
fn queue(app_id: i64, connector: &str, with_errors: bool) -> OfflineQuery {
    OfflineQuery {
        app_id,
        connector: connector.to_owned(),
        conditions: Vec::new(),
        order: vec![(OfflineField::Id, false)],
        with_errors,
    }
}

/// An update of a lead at `at`, by a call with `connector`.
fn update(at: i64, user_id: i64, connector: Option<&str>) -> RecordWrite {
    let mut write = lead_write(&format!("offline {at}"), Some(at), user_id);
    write.event = Some(EventStamp {
        at,
        user_id: Some(user_id),
        auth_connector: connector.map(str::to_owned),
    });
    write
}

/// `(event name, timestamp, process id, error)` of rows.
fn rows(list: &[OfflineEvent]) -> Vec<(String, i64, String, bool)> {
    list.iter()
        .map(|e| {
            (
                e.event_name.clone(),
                e.timestamp_x,
                e.process_id.clone(),
                e.error,
            )
        })
        .collect()
}

/// The story.
pub(super) async fn story(store: &dyn Store) {
    let admin = store
        .insert_user(new_user("offline-admin", true))
        .await
        .expect("user");
    let app_id = store
        .insert_app(app("local.offline0000000.00000001", admin, "token-off"))
        .await
        .expect("app");
    assert!(store
        .install_app(app_id, 1_700_000_000, None)
        .await
        .expect("install"));
    for (connector, min_timeout) in [("", 60), ("mine", 60)] {
        let binding = NewOfflineBinding {
            app_id,
            user_id: admin,
            event: UPDATE.to_owned(),
            connector: connector.to_owned(),
            min_timeout,
            created_at: 1_700_000_000,
        };
        assert!(store.bind_offline(binding.clone()).await.expect("bind"));
        assert!(!store.bind_offline(binding).await.expect("bind again"));
    }
    assert_eq!(store.offline_bindings(app_id).await.expect("list").len(), 2);
    let notices = store
        .bind_app_handler(NewAppHandler {
            app_id,
            user_id: admin,
            event: OFFLINE_NOTICE_EVENT.to_owned(),
            handler_url: "https://app.example.com/offline".to_owned(),
            auth_user_id: None,
            created_at: 1_700_000_000,
        })
        .await
        .expect("bind notice")
        .expect("new");

    let lead = store
        .insert_record(&LEAD, lead_write("offline", None, admin))
        .await
        .expect("lead");
    for (at, connector) in [
        (1_800_000_000, None),
        (1_800_000_001, None),
        (1_800_000_002, Some("mine")),
    ] {
        assert!(store
            .update_record(&LEAD, lead, update(at, admin, connector))
            .await
            .expect("update"));
    }
    let (plain, _) = store
        .list_offline_events(queue(app_id, "", true), 0, 50)
        .await
        .expect("list");
    assert_eq!(
        rows(&plain),
        [(UPDATE.to_owned(), 1_800_000_002, String::new(), false)],
        "one row per object, of the last change"
    );
    assert_eq!(plain[0].data, serde_json::json!({"FIELDS": {"ID": lead}}));
    assert_eq!(plain[0].message_id.len(), 32);
    let (mine, total) = store
        .list_offline_events(queue(app_id, "mine", true), 0, 50)
        .await
        .expect("list");
    assert_eq!(total, 1);
    assert_eq!(
        mine[0].timestamp_x, 1_800_000_001,
        "the change made with the connector is not queued for it"
    );
    let claimed = store
        .claim_deliveries(4_000_000_000, 60, 1_000)
        .await
        .expect("claim");
    let notes: Vec<_> = claimed
        .iter()
        .filter(|c| c.webhook.id == notices)
        .map(|c| c.event.code.clone())
        .collect();
    assert_eq!(
        notes,
        [OFFLINE_NOTICE_EVENT],
        "one notice within minTimeout"
    );

    // Reserve, then a newer change queues a new row beside the reserved one.
    let reserved = store
        .take_offline_events(
            queue(app_id, "", false),
            10,
            OfflineTake::Reserve("p1".into()),
        )
        .await
        .expect("reserve");
    assert_eq!(reserved.len(), 1);
    assert_eq!(reserved[0].process_id, "p1");
    store
        .update_record(&LEAD, lead, update(1_800_000_010, admin, None))
        .await
        .expect("update");
    let taken = store
        .take_offline_events(queue(app_id, "", false), 10, OfflineTake::Delete)
        .await
        .expect("take");
    assert_eq!(
        rows(&taken),
        [(UPDATE.to_owned(), 1_800_000_010, String::new(), false)]
    );
    let again = store
        .take_offline_events(
            queue(app_id, "", false),
            10,
            OfflineTake::Process("p1".into(), false),
        )
        .await
        .expect("reread");
    assert_eq!(again[0].id, reserved[0].id);

    // An erroneous row goes back to the queue, flagged.
    let marked = store
        .mark_offline_errors(
            app_id,
            String::new(),
            "p1".into(),
            vec![reserved[0].message_id.clone()],
        )
        .await
        .expect("error");
    assert_eq!(marked, 1);
    let without = store
        .take_offline_events(queue(app_id, "", false), 10, OfflineTake::Delete)
        .await
        .expect("take");
    assert!(without.is_empty());
    let with = store
        .take_offline_events(queue(app_id, "", true), 10, OfflineTake::Delete)
        .await
        .expect("take");
    assert_eq!(
        rows(&with),
        [(UPDATE.to_owned(), 1_800_000_002, String::new(), true)]
    );

    // Clearing a process removes its rows only.
    let reserved = store
        .take_offline_events(
            queue(app_id, "mine", false),
            10,
            OfflineTake::Reserve("p2".into()),
        )
        .await
        .expect("reserve");
    assert_eq!(reserved.len(), 1);
    let cleared = store
        .clear_offline_events(app_id, "mine".into(), "other".into(), None, None)
        .await
        .expect("clear");
    assert_eq!(cleared, 0);
    let cleared = store
        .clear_offline_events(
            app_id,
            "mine".into(),
            "p2".into(),
            Some(vec![reserved[0].id]),
            None,
        )
        .await
        .expect("clear");
    assert_eq!(cleared, 1);

    assert_eq!(
        store
            .unbind_offline(app_id, None, None)
            .await
            .expect("unbind"),
        2
    );
    store
        .update_record(&LEAD, lead, update(1_800_000_020, admin, None))
        .await
        .expect("update");
    let (_, total) = store
        .list_offline_events(queue(app_id, "", true), 0, 50)
        .await
        .expect("list");
    assert_eq!(total, 0, "nothing is queued without a binding");
}
