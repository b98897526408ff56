//! A bot's events: recorded in the outbox with one delivery to the bot's
//! handler row for the URL (created on first use), or queued in `bot_events`
//! for a 2.0 bot in fetch mode; a bot's removal (by itself, with its webhook
//! or with its application) raising its deletion event.

use portico_store::bots::stored::{destination, farewell, Destination};
use portico_store::bots::{
    Bot, BotEventOut, BotOwner, QueuedBotEvent, BOT_EVENT_ENTITY, FETCH_RETENTION_SECS,
};
use portico_store::{EventStamp, StoreError};
use rusqlite::{params, Connection, OptionalExtension};

use super::{bot_from_row, bot_select, execute};
use crate::error::map_err;
use crate::events::{insert_event, RaisedEvent};

/// Where a bot's handler rows point: the application they carry (`None`:
/// none) and the sealed application token they send.
type HandlerOwner = (Option<i64>, Vec<u8>);

/// The bot with id `id`, read on `conn`.
fn bot_on(conn: &Connection, id: i64) -> Result<Option<Bot>, StoreError> {
    conn.prepare_cached(concat!(bot_select!(), "WHERE b.id = ?1"))
        .and_then(|mut s| s.query_row([id], bot_from_row).optional())
        .map_err(map_err)
}

/// Where a bot's deliveries go and with which application token: the
/// application's (when it owns the bot and is installed; `None` while it is
/// not), or the bot's own. `detached`: the application is being removed, so
/// the row is made without it.
fn handler_owner(
    conn: &Connection,
    bot: &Bot,
    detached: bool,
) -> Result<Option<HandlerOwner>, StoreError> {
    let BotOwner::App(app_id) = bot.owner else {
        return Ok(Some((None, bot.application_token_sealed.clone())));
    };
    let app: Option<(Vec<u8>, bool)> = conn
        .prepare_cached(
            "SELECT application_token_sealed, installed_at IS NOT NULL FROM apps WHERE id = ?1",
        )
        .and_then(|mut s| {
            s.query_row([app_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(map_err)?;
    Ok(match app {
        Some((token, _)) if detached => Some((None, token)),
        Some((token, true)) => Some((Some(app_id), token)),
        _ => None,
    })
}

/// The active handler row of `bot` for `url` (made when missing); `None`
/// when its deliveries cannot go out (application not installed, row
/// switched off).
fn handler_row(
    conn: &Connection,
    bot: &Bot,
    url: &str,
    at: i64,
    detached: bool,
) -> Result<Option<i64>, StoreError> {
    let Some((app_id, token)) = handler_owner(conn, bot, detached)? else {
        return Ok(None);
    };
    let found: Option<(i64, bool)> = conn
        .prepare_cached(
            "SELECT id, active FROM outbound_webhooks \
             WHERE bot_id = ?1 AND handler_url = ?2 AND app_id IS ?3 ORDER BY id LIMIT 1",
        )
        .and_then(|mut s| {
            s.query_row(params![bot.id, url, app_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(map_err)?;
    if let Some((id, active)) = found {
        return Ok(active.then_some(id));
    }
    execute(
        conn,
        "INSERT INTO outbound_webhooks (user_id, name, handler_url, application_token_sealed, \
         signing_secret_sealed, active, created_at, single_attempt, app_id, auth_user_id, \
         app_handler, bot_id) VALUES (?1, ?2, ?3, ?4, x'', 1, ?5, 0, ?6, NULL, 1, ?1)",
        params![bot.id, format!("bot {}", bot.code), url, token, at, app_id],
    )?;
    Ok(Some(conn.last_insert_rowid()))
}

/// Records `code` with `data` for `bot` and one delivery to its row for
/// `url`; whether a delivery was made.
fn deliver(
    conn: &Connection,
    bot: &Bot,
    url: &str,
    code: &str,
    data: serde_json::Value,
    stamp: &EventStamp,
    detached: bool,
) -> Result<bool, StoreError> {
    let Some(row) = handler_row(conn, bot, url, stamp.at, detached)? else {
        return Ok(false);
    };
    let event = RaisedEvent {
        code,
        entity: BOT_EVENT_ENTITY,
        entity_id: bot.id,
        data,
    };
    let event_id = insert_event(conn, &event, stamp)?;
    execute(
        conn,
        "INSERT INTO event_deliveries (event_id, webhook_id, state, attempts, next_attempt_at, \
         created_at) VALUES (?1, ?2, 'pending', 0, ?3, ?3)",
        params![event_id, row, stamp.at],
    )?;
    Ok(true)
}

/// Adds an event to `bot`'s fetch queue.
fn enqueue(
    conn: &Connection,
    bot: &Bot,
    code: &str,
    data: &serde_json::Value,
    at: i64,
) -> Result<(), StoreError> {
    execute(
        conn,
        "INSERT INTO bot_events (bot_id, code, data, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![bot.id, code, data.to_string(), at],
    )?;
    Ok(())
}

/// Raises `events` on `conn` (see `BotStore::raise_bot_events`); whether a
/// delivery was made (the workers are then woken).
pub(crate) fn raise(
    conn: &Connection,
    events: &[BotEventOut],
    stamp: &EventStamp,
) -> Result<bool, StoreError> {
    let mut delivered = false;
    for event in events {
        let Some(bot) = bot_on(conn, event.bot_id)? else {
            continue;
        };
        match destination(&bot, event) {
            Destination::Queue => enqueue(conn, &bot, &event.code, &event.data, stamp.at)?,
            Destination::Handler(url) => {
                delivered |= deliver(
                    conn,
                    &bot,
                    &url,
                    &event.code,
                    event.data.clone(),
                    stamp,
                    false,
                )?;
            }
            Destination::Nowhere => {}
        }
    }
    Ok(delivered)
}

/// Deletes bot `id` on `conn`, raising its deletion event (see
/// `BotStore::delete_bot`); `detached` while its application is being
/// removed. `false` without such a bot.
pub(crate) fn delete_bot(
    conn: &Connection,
    id: i64,
    stamp: &EventStamp,
    detached: bool,
) -> Result<bool, StoreError> {
    let Some(bot) = bot_on(conn, id)? else {
        return Ok(false);
    };
    if let Some((url, code, data)) = farewell(&bot) {
        deliver(conn, &bot, &url, code, data, stamp, detached)?;
    }
    execute(conn, "DELETE FROM bots WHERE id = ?1", [id])?;
    execute(
        conn,
        "UPDATE users SET active = 0, login = 'bot-deleted:' || id WHERE id = ?1",
        [id],
    )?;
    Ok(true)
}

/// Deletes the bots `sql` (`SELECT id FROM bots WHERE …` with `owner`)
/// selects, each raising its deletion event; how many.
fn delete_selected(
    conn: &Connection,
    sql: &str,
    owner: i64,
    stamp: &EventStamp,
    detached: bool,
) -> Result<usize, StoreError> {
    let ids: Vec<i64> = conn
        .prepare_cached(sql)
        .and_then(|mut s| {
            s.query_map([owner], |r| r.get(0))?
                .collect::<Result<_, _>>()
        })
        .map_err(map_err)?;
    for id in &ids {
        delete_bot(conn, *id, stamp, detached)?;
    }
    Ok(ids.len())
}

/// Deletes the bots of inbound webhook `webhook_id`, which is being
/// deleted; how many.
pub(crate) fn delete_bots_of_webhook(
    conn: &Connection,
    webhook_id: i64,
    at: i64,
) -> Result<usize, StoreError> {
    let stamp = EventStamp {
        at,
        user_id: None,
        auth_connector: None,
    };
    delete_selected(
        conn,
        "SELECT id FROM bots WHERE webhook_id = ?1 ORDER BY id",
        webhook_id,
        &stamp,
        false,
    )
}

/// Deletes the bots of application `app_id`, which is being removed (their
/// deletion events go out without it); how many.
pub(crate) fn delete_bots_of_app(
    conn: &Connection,
    app_id: i64,
    stamp: &EventStamp,
) -> Result<usize, StoreError> {
    delete_selected(
        conn,
        "SELECT id FROM bots WHERE app_id = ?1 ORDER BY id",
        app_id,
        stamp,
        true,
    )
}

/// After a bot's update: its handler rows are switched on again and, for a
/// bot without an application, carry its (maybe rotated) application token.
pub(crate) fn refresh_handler_rows(conn: &Connection, bot: &Bot) -> Result<(), StoreError> {
    execute(
        conn,
        "UPDATE outbound_webhooks SET active = 1, disabled_reason = NULL, disabled_at = NULL \
         WHERE bot_id = ?1",
        [bot.id],
    )?;
    if !matches!(bot.owner, BotOwner::App(_)) {
        execute(
            conn,
            "UPDATE outbound_webhooks SET application_token_sealed = ?2 \
             WHERE bot_id = ?1 AND app_id IS NULL",
            params![bot.id, bot.application_token_sealed],
        )?;
    }
    Ok(())
}

/// Reads bot `bot_id`'s queue at `now` (see `BotStore::fetch_bot_events`).
pub(crate) fn fetch(
    conn: &Connection,
    bot_id: i64,
    offset: Option<i64>,
    limit: i64,
    now: i64,
) -> Result<Vec<QueuedBotEvent>, StoreError> {
    execute(
        conn,
        "DELETE FROM bot_events WHERE bot_id = ?1 AND (id < ?2 OR created_at < ?3)",
        params![bot_id, offset.unwrap_or(0), now - FETCH_RETENTION_SECS],
    )?;
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, code, data, created_at FROM bot_events WHERE bot_id = ?1 \
             ORDER BY id LIMIT ?2",
        )
        .map_err(map_err)?;
    let rows = stmt
        .query_map(params![bot_id, limit], |r| {
            let data: String = r.get(2)?;
            Ok(QueuedBotEvent {
                id: r.get(0)?,
                code: r.get(1)?,
                data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
                created_at: r.get(3)?,
            })
        })
        .map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}
