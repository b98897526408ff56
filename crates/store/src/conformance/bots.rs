//! Bots: registration with a user row marked as a bot (unique code, unique
//! token hash), update, commands (once per bot), events to the bot's own
//! handler URLs only (one hidden handler row per URL, an application's bot
//! only while the application is installed), the fetch queue of a 2.0 bot
//! (acknowledged below an offset, kept 24 h), and removal by itself, with its
//! webhook or with its application raising its deletion event. Runs last (it
//! claims every due delivery).

use serde_json::json;

use super::app_events::app;
use super::users::new_user;
use crate::bots::{
    Bot, BotCommand, BotEventOut, BotFlags, BotHandlers, BotOwner, BotProfile, BotType,
    CommandLang, EventMode, BOT_DELETE, BOT_EVENT_ENTITY, FETCH_RETENTION_SECS, MESSAGE_ADD,
    V2_MESSAGE_ADD,
};
use crate::deliveries::ClaimedDelivery;
use crate::events::EventStamp;
use crate::webhooks::NewWebhook;
use crate::{Store, StoreError};

/// Far enough ahead that every delivery is due.
const LATER: i64 = 4_000_000_000;

/// A classic bot `code` of `owner`, registered by `by`.
fn classic(code: &str, owner: BotOwner, by: i64) -> Bot {
    Bot {
        id: 0,
        code: code.to_owned(),
        bot_type: BotType::Bot,
        openline: false,
        owner,
        api_version: 1,
        handlers: BotHandlers {
            message_add: Some(format!("https://{code}.example/add")),
            message_update: None,
            message_delete: None,
            welcome_message: Some(format!("https://{code}.example/add")),
            bot_delete: Some(format!("https://{code}.example/delete")),
        },
        event_mode: EventMode::Webhook,
        webhook_url: None,
        token_hash: None,
        application_token_sealed: format!("token {code}").into_bytes(),
        profile: BotProfile {
            name: format!("Bot {code}"),
            color: "GREEN".to_owned(),
            ..BotProfile::default()
        },
        flags: BotFlags::default(),
        created_by: by,
        created_at: 1_700_000_000,
    }
}

/// A stamp at `at` by `user`.
fn stamp(at: i64, user: i64) -> EventStamp {
    EventStamp {
        at,
        user_id: Some(user),
        auth_connector: None,
    }
}

/// A message event for `bot` to `url`.
fn message(bot: i64, url: Option<&str>, code: &str) -> BotEventOut {
    BotEventOut {
        bot_id: bot,
        code: code.to_owned(),
        data: json!({"PARAMS": {"MESSAGE": "Hello"}}),
        handler_url: url.map(str::to_owned),
    }
}

/// Claims every due delivery; those of events raised for bots.
async fn claim_bot_deliveries(store: &dyn Store) -> Vec<ClaimedDelivery> {
    let claimed = store
        .claim_deliveries(LATER, 60, 1_000)
        .await
        .expect("claim");
    claimed
        .into_iter()
        .filter(|c| c.event.entity == BOT_EVENT_ENTITY)
        .collect()
}

/// `(event code, bot id, handler URL, handler's application)` of claims.
fn summary(claimed: &[ClaimedDelivery]) -> Vec<(String, i64, String, Option<i64>)> {
    claimed
        .iter()
        .map(|c| {
            (
                c.event.code.clone(),
                c.event.entity_id,
                c.webhook.handler_url.clone(),
                c.webhook.app_id,
            )
        })
        .collect()
}

/// The name of the conflict `result` is, if it is one.
fn conflict<T>(result: Result<T, StoreError>) -> Option<String> {
    match result {
        Err(StoreError::Conflict(name)) => Some(name),
        _ => None,
    }
}

/// The story.
pub(super) async fn story(store: &dyn Store) {
    let admin = store
        .insert_user(new_user("bots-admin", true))
        .await
        .expect("user");
    let app_id = store
        .insert_app(app("local.bbbbbbbbbbbbbb.00000001", admin, "app-token"))
        .await
        .expect("app");
    assert!(store
        .install_app(app_id, 1_700_000_000, None)
        .await
        .expect("install"));
    let webhook = store
        .insert_webhook(NewWebhook {
            user_id: admin,
            name: "bots".to_owned(),
            scopes: vec!["imbot".to_owned()],
            secret_hash: b"bots-hook-hash".to_vec(),
            secret_encrypted: b"sealed".to_vec(),
            expires_at: None,
            created_at: 1_700_000_000,
        })
        .await
        .expect("webhook");

    // Registration: a user row marked as a bot; codes and tokens are unique.
    let echo = store
        .insert_bot(classic("echo", BotOwner::App(app_id), admin))
        .await
        .expect("bot");
    let stored = store.bot_by_id(echo).await.expect("read").expect("bot");
    assert_eq!(
        stored,
        Bot {
            id: echo,
            ..classic("echo", BotOwner::App(app_id), admin)
        }
    );
    let user = store
        .user_by_id(echo)
        .await
        .expect("read")
        .expect("bot user");
    assert_eq!(
        (user.name.as_str(), user.active, user.is_admin),
        ("Bot echo", true, false)
    );
    assert_eq!(
        store.bot_by_code("echo").await.expect("read").map(|b| b.id),
        Some(echo)
    );
    assert_eq!(
        conflict(
            store
                .insert_bot(classic("echo", BotOwner::App(app_id), admin))
                .await
        )
        .as_deref(),
        Some("bots_code")
    );
    let hooked = store
        .insert_bot(classic(
            "hooked",
            BotOwner::Webhook {
                webhook_id: webhook,
                client_id: Some("my-client".to_owned()),
            },
            admin,
        ))
        .await
        .expect("webhook bot");
    let v2 = Bot {
        api_version: 2,
        event_mode: EventMode::Fetch,
        token_hash: Some(b"token-hash".to_vec()),
        handlers: BotHandlers::default(),
        ..classic(
            "poller",
            BotOwner::Webhook {
                webhook_id: webhook,
                client_id: None,
            },
            admin,
        )
    };
    let poller = store.insert_bot(v2.clone()).await.expect("v2 bot");
    assert_eq!(
        conflict(
            store
                .insert_bot(Bot {
                    code: "other".to_owned(),
                    ..v2.clone()
                })
                .await
        )
        .as_deref(),
        Some("bots_token_hash")
    );
    assert_eq!(
        store
            .bot_by_token_hash(b"token-hash")
            .await
            .expect("read")
            .map(|b| b.id),
        Some(poller)
    );
    let ids: Vec<i64> = store
        .list_bots()
        .await
        .expect("list")
        .iter()
        .map(|b| b.id)
        .collect();
    assert_eq!(ids, [echo, hooked, poller]);

    // Update: code, handlers and profile change; type and owner stay.
    let mut changed = store.bot_by_id(echo).await.expect("read").expect("bot");
    changed.handlers.message_update = Some("https://echo.example/update".to_owned());
    changed.profile.last_name = "Echoes".to_owned();
    changed.profile.work_position = "Helper".to_owned();
    assert!(store.update_bot(changed.clone()).await.expect("update"));
    assert_eq!(
        store.bot_by_id(echo).await.expect("read"),
        Some(changed.clone())
    );
    assert!(!store
        .update_bot(Bot {
            id: 9_999,
            ..changed.clone()
        })
        .await
        .expect("no bot"));
    assert_eq!(
        conflict(
            store
                .update_bot(Bot {
                    code: "hooked".to_owned(),
                    ..changed.clone()
                })
                .await
        )
        .as_deref(),
        Some("bots_code")
    );

    // Commands: once per bot.
    let help = BotCommand {
        id: 0,
        bot_id: echo,
        command: "help".to_owned(),
        common: true,
        hidden: false,
        extranet_support: false,
        langs: vec![CommandLang {
            language_id: "en".to_owned(),
            title: "Help".to_owned(),
            params: "topic".to_owned(),
        }],
        handler_url: Some("https://echo.example/command".to_owned()),
        created_at: 1_700_000_000,
    };
    let help_id = store
        .insert_bot_command(help.clone())
        .await
        .expect("command");
    assert_eq!(
        conflict(store.insert_bot_command(help.clone()).await).as_deref(),
        Some("bot_commands_command")
    );
    assert_eq!(
        conflict(
            store
                .insert_bot_command(BotCommand {
                    bot_id: 9_999,
                    ..help.clone()
                })
                .await
        )
        .as_deref(),
        Some("bot_commands_bot_id")
    );
    let mut read = store
        .bot_command_by_id(help_id)
        .await
        .expect("read")
        .expect("command");
    assert_eq!(
        read,
        BotCommand {
            id: help_id,
            ..help.clone()
        }
    );
    read.hidden = true;
    read.langs.clear();
    assert!(store
        .update_bot_command(read.clone())
        .await
        .expect("update"));
    assert_eq!(
        store.bot_commands(echo).await.expect("list"),
        [read.clone()]
    );
    let other = store
        .insert_bot_command(BotCommand {
            command: "other".to_owned(),
            ..help.clone()
        })
        .await
        .expect("second command");
    assert!(store.delete_bot_command(other).await.expect("delete"));
    assert!(!store.delete_bot_command(other).await.expect("gone"));

    // Events go to the bot's own URLs, one hidden handler row per URL.
    store
        .raise_bot_events(
            vec![
                message(echo, Some("https://echo.example/add"), MESSAGE_ADD),
                message(hooked, Some("https://hooked.example/add"), MESSAGE_ADD),
                message(echo, Some("https://echo.example/add"), MESSAGE_ADD),
                message(echo, None, MESSAGE_ADD),
                message(9_999, Some("https://nobody.example/"), MESSAGE_ADD),
            ],
            stamp(1_700_000_100, admin),
        )
        .await
        .expect("raise");
    let claimed = claim_bot_deliveries(store).await;
    assert_eq!(
        summary(&claimed),
        [
            (
                MESSAGE_ADD.to_owned(),
                echo,
                "https://echo.example/add".to_owned(),
                Some(app_id)
            ),
            (
                MESSAGE_ADD.to_owned(),
                hooked,
                "https://hooked.example/add".to_owned(),
                None
            ),
            (
                MESSAGE_ADD.to_owned(),
                echo,
                "https://echo.example/add".to_owned(),
                Some(app_id)
            ),
        ]
    );
    assert_eq!(
        claimed[0].webhook.id, claimed[2].webhook.id,
        "one row per URL"
    );
    assert_eq!(claimed[0].webhook.application_token_sealed, b"app-token");
    assert_eq!(claimed[1].webhook.application_token_sealed, b"token hooked");
    assert_eq!(
        claimed[0].event.data,
        json!({"PARAMS": {"MESSAGE": "Hello"}})
    );
    assert_eq!(claimed[0].event.user_id, Some(admin));
    let users_hooks = store.list_outbound_webhooks(None).await.expect("list");
    assert!(
        users_hooks.iter().all(|h| h.id != claimed[0].webhook.id),
        "hidden from lists"
    );

    // A 2.0 bot in fetch mode gets its events in its queue instead.
    for at in [1_700_000_200, 1_700_000_300, 1_700_000_400] {
        store
            .raise_bot_events(
                vec![message(poller, None, V2_MESSAGE_ADD)],
                stamp(at, admin),
            )
            .await
            .expect("raise");
    }
    assert!(claim_bot_deliveries(store).await.is_empty());
    let queued = store
        .fetch_bot_events(poller, None, 2, 1_700_000_500)
        .await
        .expect("fetch");
    assert_eq!(queued.len(), 2);
    assert!(queued[0].id < queued[1].id);
    assert_eq!(
        (queued[0].code.as_str(), queued[0].created_at),
        (V2_MESSAGE_ADD, 1_700_000_200)
    );
    let again = store
        .fetch_bot_events(poller, Some(queued[1].id), 10, 1_700_000_500)
        .await
        .expect("fetch");
    assert_eq!(
        again.iter().map(|e| e.id).collect::<Vec<_>>().len(),
        2,
        "acks below the offset"
    );
    assert_eq!(again[0].id, queued[1].id);
    let expired = store
        .fetch_bot_events(poller, None, 10, 1_700_000_350 + FETCH_RETENTION_SECS)
        .await
        .expect("fetch");
    assert_eq!(expired.len(), 1, "events older than a day are forgotten");

    // An application that is not installed gets nothing.
    assert!(store.reset_app_installation(app_id).await.expect("reset"));
    store
        .raise_bot_events(
            vec![message(echo, Some("https://echo.example/add"), MESSAGE_ADD)],
            stamp(1_700_000_600, admin),
        )
        .await
        .expect("raise");
    assert!(claim_bot_deliveries(store).await.is_empty());
    assert!(store
        .install_app(app_id, 1_700_000_650, None)
        .await
        .expect("install"));

    // Deletion raises ONIMBOTDELETE to the bot's URL; its user stays, inactive.
    assert!(store
        .delete_bot(hooked, stamp(1_700_000_700, admin))
        .await
        .expect("delete"));
    assert!(!store
        .delete_bot(hooked, stamp(1_700_000_700, admin))
        .await
        .expect("gone"));
    assert_eq!(store.bot_by_id(hooked).await.expect("read"), None);
    let user = store
        .user_by_id(hooked)
        .await
        .expect("read")
        .expect("user stays");
    assert!(!user.active);
    let claimed = claim_bot_deliveries(store).await;
    assert_eq!(
        summary(&claimed),
        [(
            BOT_DELETE.to_owned(),
            hooked,
            "https://hooked.example/delete".to_owned(),
            None
        )]
    );
    assert_eq!(
        claimed[0].event.data,
        json!({"BOT_ID": hooked.to_string(), "BOT_CODE": "hooked"})
    );
    assert!(store
        .insert_bot(classic("hooked", BotOwner::App(app_id), admin))
        .await
        .is_ok());

    // Deleting the webhook deletes its bots; removing the application, its.
    let v1_hooked = store
        .insert_bot(classic(
            "hooked-two",
            BotOwner::Webhook {
                webhook_id: webhook,
                client_id: Some("c".to_owned()),
            },
            admin,
        ))
        .await
        .expect("bot");
    assert!(store.delete_webhook(webhook).await.expect("delete webhook"));
    assert_eq!(store.bot_by_id(v1_hooked).await.expect("read"), None);
    assert_eq!(store.bot_by_id(poller).await.expect("read"), None);
    let claimed = claim_bot_deliveries(store).await;
    assert_eq!(
        summary(&claimed),
        [(
            BOT_DELETE.to_owned(),
            v1_hooked,
            "https://hooked-two.example/delete".to_owned(),
            None
        )]
    );
    assert!(store
        .uninstall_app(app_id, json!({"CLEAN": 0}), stamp(1_700_000_800, admin))
        .await
        .expect("uninstall"));
    assert!(store.list_bots().await.expect("list").is_empty());
    let claimed = claim_bot_deliveries(store).await;
    let deleted: Vec<_> = summary(&claimed)
        .into_iter()
        .map(|s| (s.0, s.2, s.3))
        .collect();
    assert_eq!(
        deleted,
        [
            (
                BOT_DELETE.to_owned(),
                "https://echo.example/delete".to_owned(),
                None
            ),
            (
                BOT_DELETE.to_owned(),
                "https://hooked.example/delete".to_owned(),
                None
            ),
        ]
    );
    assert_eq!(claimed[0].webhook.application_token_sealed, b"app-token");
}
