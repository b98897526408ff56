//! Applications' event handlers: bindings (once per event, URL and
//! `auth_type`), never in users' outbound-webhook lists; record events reach
//! the handlers of installed applications only; application events reach only
//! their own application; the installation callback; reinstallation removing
//! the bindings; removal delivering `ONAPPUNINSTALL` to detached rows that
//! carry the application token and are forgotten once delivered. Runs last
//! (it claims every due delivery).

use super::outbox::lead_write;
use super::users::new_user;
use crate::app_events::{AppHandlerFilter, InstallCallback, NewAppHandler};
use crate::apps::NewApp;
use crate::crm::LEAD;
use crate::deliveries::{AttemptRecord, AttemptVerdict, ClaimedDelivery};
use crate::events::EventStamp;
use crate::Store;

/// Far enough ahead that every delivery is due.
const LATER: i64 = 4_000_000_000;

/// An application created by `by`, sealed token `token`.
pub(super) fn app(client_id: &str, by: i64, token: &str) -> NewApp {
    NewApp {
        client_id: client_id.to_owned(),
        name: format!("app {client_id}"),
        handler_url: "https://app.example.com/".to_owned(),
        install_url: Some("https://app.example.com/install".to_owned()),
        script_only: true,
        menu_texts: Vec::new(),
        scopes: vec!["crm".to_owned()],
        secret_hash: format!("hash {client_id}").into_bytes(),
        secret_sealed: b"secret".to_vec(),
        application_token_sealed: token.as_bytes().to_vec(),
        created_by: by,
        created_at: 1_700_000_000,
    }
}

/// A binding of `event` to `url` for `app_id` by `user_id`.
fn binding(app_id: i64, user_id: i64, event: &str, url: &str) -> NewAppHandler {
    NewAppHandler {
        app_id,
        user_id,
        event: event.to_owned(),
        handler_url: url.to_owned(),
        auth_user_id: None,
        created_at: 1_700_000_100,
    }
}

/// Claims every due delivery; `(event code, handler id)` of those to `mine`.
async fn claim_for(store: &dyn Store, mine: &[i64]) -> Vec<ClaimedDelivery> {
    let claimed = store
        .claim_deliveries(LATER, 60, 1_000)
        .await
        .expect("claim");
    claimed
        .into_iter()
        .filter(|c| mine.contains(&c.webhook.id))
        .collect()
}

/// `(code, handler id)` of claims.
fn codes(claimed: &[ClaimedDelivery]) -> Vec<(String, i64)> {
    claimed
        .iter()
        .map(|c| (c.event.code.clone(), c.webhook.id))
        .collect()
}

/// The story.
pub(super) async fn story(store: &dyn Store) {
    let admin = store
        .insert_user(new_user("appevents-admin", true))
        .await
        .expect("user");
    let installed = store
        .insert_app(app("local.aaaaaaaaaaaaaa.00000001", admin, "token-one"))
        .await
        .expect("app");
    let pending = store
        .insert_app(app("local.aaaaaaaaaaaaaa.00000002", admin, "token-two"))
        .await
        .expect("app");
    assert!(store
        .install_app(installed, 1_700_000_050, None)
        .await
        .expect("install"));
    assert!(!store.install_app(9_999, 1, None).await.expect("no app"));

    let leads = store
        .bind_app_handler(binding(
            installed,
            admin,
            "ONCRMLEADADD",
            "https://a.example/h",
        ))
        .await
        .expect("bind")
        .expect("new binding");
    let again = store
        .bind_app_handler(binding(
            installed,
            admin,
            "ONCRMLEADADD",
            "https://a.example/h",
        ))
        .await
        .expect("bind again");
    assert_eq!(again, None, "the same binding twice is refused");
    let as_admin = NewAppHandler {
        auth_user_id: Some(admin),
        ..binding(installed, admin, "ONCRMLEADADD", "https://a.example/h")
    };
    let with_auth = store
        .bind_app_handler(as_admin)
        .await
        .expect("bind")
        .expect("another auth_type is another binding");
    let tests = store
        .bind_app_handler(binding(
            installed,
            admin,
            "ONAPPTEST",
            "https://a.example/t",
        ))
        .await
        .expect("bind")
        .expect("new");
    let bye = store
        .bind_app_handler(binding(
            installed,
            admin,
            "ONAPPUNINSTALL",
            "https://a.example/u",
        ))
        .await
        .expect("bind")
        .expect("new");
    let pending_leads = store
        .bind_app_handler(binding(
            pending,
            admin,
            "ONCRMLEADADD",
            "https://b.example/h",
        ))
        .await
        .expect("bind")
        .expect("new");
    let pending_tests = store
        .bind_app_handler(binding(pending, admin, "ONAPPTEST", "https://b.example/t"))
        .await
        .expect("bind")
        .expect("new");
    let mine = [leads, with_auth, tests, bye, pending_leads, pending_tests];

    let listed = store.app_handlers(installed).await.expect("handlers");
    assert_eq!(
        listed.iter().map(|h| h.id).collect::<Vec<_>>(),
        [leads, with_auth, tests, bye]
    );
    assert_eq!(listed[0].app_id, Some(installed));
    assert_eq!(listed[0].events, ["ONCRMLEADADD"]);
    assert_eq!(listed[1].auth_user_id, Some(admin));
    assert_eq!(listed[0].application_token_sealed, b"token-one");
    let users_lists = store.list_outbound_webhooks(None).await.expect("list");
    assert!(
        users_lists.iter().all(|w| !mine.contains(&w.id)),
        "applications' handlers are not users' outbound webhooks"
    );
    assert_eq!(
        store.outbound_webhook_by_id(leads).await.expect("get"),
        None
    );

    // A record event reaches the installed application's handlers only.
    store
        .insert_record(&LEAD, lead_write("App lead", Some(1_700_000_200), admin))
        .await
        .expect("lead");
    let mut got = codes(&claim_for(store, &mine).await);
    got.sort();
    assert_eq!(
        got,
        [
            ("ONCRMLEADADD".to_owned(), leads),
            ("ONCRMLEADADD".to_owned(), with_auth)
        ]
    );

    // An application event reaches its own application's handlers only.
    let stamp = EventStamp {
        at: 1_700_000_300,
        user_id: Some(admin),
        auth_connector: None,
    };
    let data = serde_json::json!({"QUERY": {"any": "data"}});
    let recorded = store
        .record_app_event(installed, "onAppTest", data.clone(), stamp.clone())
        .await
        .expect("test event");
    assert!(recorded.is_some());
    let claimed = claim_for(store, &mine).await;
    assert_eq!(codes(&claimed), [("ONAPPTEST".to_owned(), tests)]);
    assert_eq!(claimed[0].event.data, data);
    assert_eq!(claimed[0].event.user_id, Some(admin));
    assert_eq!(
        store
            .record_app_event(pending, "ONAPPTEST", data.clone(), stamp.clone())
            .await
            .expect("not installed"),
        None,
        "an application not installed gets nothing"
    );
    assert_eq!(
        store
            .record_app_event(installed, "ONCRMDEALADD", data, stamp)
            .await
            .expect("unbound"),
        None
    );

    // Unbinding by filter counts what it removed.
    let filter = AppHandlerFilter {
        event: Some("ONCRMLEADADD".to_owned()),
        auth_user_id: Some(None),
        ..AppHandlerFilter::default()
    };
    assert_eq!(
        store
            .unbind_app_handlers(installed, filter)
            .await
            .expect("unbind"),
        1
    );
    assert_eq!(
        store
            .app_handlers(installed)
            .await
            .expect("handlers")
            .iter()
            .map(|h| h.id)
            .collect::<Vec<_>>(),
        [with_auth, tests, bye]
    );

    // Installing with a callback queues ONAPPINSTALL to the installation path alone.
    let install_data = serde_json::json!({"VERSION": 1, "ACTIVE": "Y"});
    assert!(store
        .install_app(
            pending,
            1_700_000_400,
            Some(InstallCallback {
                handler_url: "https://b.example/install".to_owned(),
                user_id: admin,
                data: install_data.clone(),
            }),
        )
        .await
        .expect("install"));
    let claimed = store
        .claim_deliveries(LATER, 60, 1_000)
        .await
        .expect("claim");
    let install: Vec<&ClaimedDelivery> = claimed
        .iter()
        .filter(|c| c.event.code == "ONAPPINSTALL")
        .collect();
    assert_eq!(install.len(), 1);
    let callback = &install[0].webhook;
    assert_eq!(callback.handler_url, "https://b.example/install");
    assert_eq!(callback.app_id, Some(pending));
    assert_eq!(callback.auth_user_id, Some(admin));
    assert_eq!(install[0].event.data, install_data);
    assert!(
        !store
            .app_handlers(pending)
            .await
            .expect("handlers")
            .iter()
            .any(|h| h.id == callback.id),
        "the installation callback is not a binding"
    );

    // Reinstalling removes the bindings.
    assert!(store
        .reset_app_installation(pending)
        .await
        .expect("reinstall"));
    assert_eq!(store.app_handlers(pending).await.expect("handlers"), []);

    // Removal: ONAPPUNINSTALL to the handler bound to it, which outlives the app.
    let stamp = EventStamp {
        at: 1_700_000_500,
        user_id: None,
        auth_connector: None,
    };
    let bye_data = serde_json::json!({"CLEAN": 0, "LANGUAGE_ID": "en"});
    assert!(store
        .uninstall_app(installed, bye_data.clone(), stamp.clone())
        .await
        .expect("uninstall"));
    assert!(!store
        .uninstall_app(installed, bye_data.clone(), stamp)
        .await
        .expect("gone"));
    assert_eq!(store.app_by_id(installed).await.expect("get"), None);
    let claimed = claim_for(store, &mine).await;
    assert_eq!(codes(&claimed), [("ONAPPUNINSTALL".to_owned(), bye)]);
    let detached = &claimed[0].webhook;
    assert_eq!(detached.app_id, None);
    assert_eq!(detached.events, Vec::<String>::new());
    assert_eq!(detached.application_token_sealed, b"token-one");
    assert_eq!(claimed[0].event.data, bye_data);
    assert!(store
        .list_outbound_webhooks(None)
        .await
        .expect("list")
        .iter()
        .all(|w| w.id != bye));
    let delivered = AttemptRecord {
        delivery_id: claimed[0].delivery_id,
        lease_token: claimed[0].lease_token.clone(),
        attempt: claimed[0].attempt,
        started_at: 1_700_000_501,
        duration_ms: 3,
        status: Some(200),
        response: String::new(),
        error: None,
        verdict: AttemptVerdict::Delivered,
        recorded_at: 1_700_000_501,
    };
    assert!(store.record_attempt(delivered).await.expect("record"));
    store.prune_outbox(LATER).await.expect("prune");
    assert_eq!(
        store
            .list_deliveries(bye, crate::DeliveryQuery::newest(10))
            .await
            .expect("log"),
        [],
        "the removed application's delivery log goes with the outbox"
    );
}
