//! A bot's events on PostgreSQL: recorded in the outbox with one delivery to
//! the bot's handler row for the URL (created on first use; the delivery
//! workers are woken at commit), or queued in `bot_events` for a 2.0 bot in
//! fetch mode (under the events lock, so a queue's ids follow commit order);
//! a bot's removal (by itself, with its webhook or with its application)
//! raising its deletion event.

use deadpool_postgres::{GenericClient, Transaction};
use portico_store::bots::stored::{destination, farewell, Destination};
use portico_store::bots::{
    Bot, BotEventOut, BotOwner, QueuedBotEvent, BOT_EVENT_ENTITY, FETCH_RETENTION_SECS,
};
use portico_store::EventStamp;

use super::{bot_from_row, BOT_SELECT};
use crate::apps::execute;
use crate::events::{insert_event, RaisedEvent, EVENTS_LOCK};
use crate::listen::DELIVERIES;
use crate::{notify, DbResult};

/// Where a bot's handler rows point: the application they carry (`None`:
/// none) and the sealed application token they send.
type HandlerOwner = (Option<i64>, Vec<u8>);

/// The bot with id `id`.
async fn bot_on(tx: &impl GenericClient, id: i64) -> DbResult<Option<Bot>> {
    let statement = tx
        .prepare_cached(&format!("{BOT_SELECT}WHERE b.id = $1"))
        .await?;
    tx.query_opt(&statement, &[&id])
        .await?
        .as_ref()
        .map(bot_from_row)
        .transpose()
}

/// Where a bot's deliveries go and with which application token (see the
/// SQLite twin): `None` while its application is not installed.
async fn handler_owner(
    tx: &impl GenericClient,
    bot: &Bot,
    detached: bool,
) -> DbResult<Option<HandlerOwner>> {
    let BotOwner::App(app_id) = bot.owner else {
        return Ok(Some((None, bot.application_token_sealed.clone())));
    };
    let statement = tx
        .prepare_cached(
            "SELECT application_token_sealed, installed_at IS NOT NULL FROM apps WHERE id = $1",
        )
        .await?;
    let app = tx.query_opt(&statement, &[&app_id]).await?;
    let Some(app) = app else {
        return Ok(None);
    };
    let token: Vec<u8> = app.try_get(0)?;
    let installed: bool = app.try_get(1)?;
    Ok(if detached {
        Some((None, token))
    } else {
        installed.then_some((Some(app_id), token))
    })
}

/// The active handler row of `bot` for `url` (made when missing).
async fn handler_row(
    tx: &impl GenericClient,
    bot: &Bot,
    url: &str,
    at: i64,
    detached: bool,
) -> DbResult<Option<i64>> {
    let Some((app_id, token)) = handler_owner(tx, bot, detached).await? else {
        return Ok(None);
    };
    let statement = tx
        .prepare_cached(
            "SELECT id, active FROM outbound_webhooks WHERE bot_id = $1 AND handler_url = $2 \
             AND app_id IS NOT DISTINCT FROM $3::bigint ORDER BY id LIMIT 1",
        )
        .await?;
    if let Some(row) = tx.query_opt(&statement, &[&bot.id, &url, &app_id]).await? {
        let active: i64 = row.try_get(1)?;
        return Ok((active != 0).then(|| row.try_get(0)).transpose()?);
    }
    let statement = tx
        .prepare_cached(
            "INSERT INTO outbound_webhooks (user_id, name, handler_url, \
             application_token_sealed, signing_secret_sealed, active, created_at, \
             single_attempt, app_id, auth_user_id, app_handler, bot_id) \
             VALUES ($1, $2, $3, $4, ''::bytea, 1, $5, 0, $6, NULL, 1, $1) RETURNING id",
        )
        .await?;
    let name = format!("bot {}", bot.code);
    let row = tx
        .query_one(&statement, &[&bot.id, &name, &url, &token, &at, &app_id])
        .await?;
    Ok(Some(row.try_get(0)?))
}

/// Records `code` with `data` for `bot` and one delivery to its row for
/// `url`, waking the workers at commit; whether a delivery was made.
async fn deliver(
    tx: &Transaction<'_>,
    bot: &Bot,
    url: &str,
    code: &str,
    data: serde_json::Value,
    stamp: &EventStamp,
    detached: bool,
) -> DbResult<bool> {
    let Some(row) = handler_row(tx, bot, url, stamp.at, detached).await? else {
        return Ok(false);
    };
    let event = RaisedEvent {
        code,
        entity: BOT_EVENT_ENTITY,
        entity_id: bot.id,
        data,
    };
    let event_id = insert_event(tx, &event, stamp).await?;
    execute(
        tx,
        "INSERT INTO event_deliveries (event_id, webhook_id, state, attempts, next_attempt_at, \
         created_at) VALUES ($1, $2, 'pending', 0, $3, $3)",
        &[&event_id, &row, &stamp.at],
    )
    .await?;
    notify(tx, DELIVERIES, "").await?;
    Ok(true)
}

/// Raises `events` (see `BotStore::raise_bot_events`).
pub(crate) async fn raise(
    tx: &Transaction<'_>,
    events: &[BotEventOut],
    stamp: &EventStamp,
) -> DbResult<()> {
    for event in events {
        let Some(bot) = bot_on(tx, event.bot_id).await? else {
            continue;
        };
        match destination(&bot, event) {
            Destination::Queue => {
                tx.execute("SELECT pg_advisory_xact_lock($1)", &[&EVENTS_LOCK])
                    .await?;
                execute(
                    tx,
                    "INSERT INTO bot_events (bot_id, code, data, created_at) \
                     VALUES ($1, $2, $3, $4)",
                    &[&bot.id, &event.code, &event.data.to_string(), &stamp.at],
                )
                .await?;
            }
            Destination::Handler(url) => {
                deliver(
                    tx,
                    &bot,
                    &url,
                    &event.code,
                    event.data.clone(),
                    stamp,
                    false,
                )
                .await?;
            }
            Destination::Nowhere => {}
        }
    }
    Ok(())
}

/// Deletes bot `id`, raising its deletion event (see `BotStore::delete_bot`);
/// `detached` while its application is being removed.
pub(crate) async fn delete_bot(
    tx: &Transaction<'_>,
    id: i64,
    stamp: &EventStamp,
    detached: bool,
) -> DbResult<bool> {
    let Some(bot) = bot_on(tx, id).await? else {
        return Ok(false);
    };
    if let Some((url, code, data)) = farewell(&bot) {
        deliver(tx, &bot, &url, code, data, stamp, detached).await?;
    }
    execute(tx, "DELETE FROM bots WHERE id = $1", &[&id]).await?;
    execute(
        tx,
        "UPDATE users SET active = 0, login = 'bot-deleted:' || id WHERE id = $1",
        &[&id],
    )
    .await?;
    Ok(true)
}

/// Deletes the bots `sql` (`SELECT id FROM bots WHERE …` with `owner`)
/// selects, each raising its deletion event.
async fn delete_selected(
    tx: &Transaction<'_>,
    sql: &str,
    owner: i64,
    stamp: &EventStamp,
    detached: bool,
) -> DbResult<()> {
    let statement = tx.prepare_cached(sql).await?;
    let ids: Vec<i64> = tx
        .query(&statement, &[&owner])
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    for id in ids {
        delete_bot(tx, id, stamp, detached).await?;
    }
    Ok(())
}

/// Deletes the bots of inbound webhook `webhook_id`, which is being deleted.
pub(crate) async fn delete_bots_of_webhook(
    tx: &Transaction<'_>,
    webhook_id: i64,
    at: i64,
) -> DbResult<()> {
    let stamp = EventStamp {
        at,
        user_id: None,
        auth_connector: None,
    };
    delete_selected(
        tx,
        "SELECT id FROM bots WHERE webhook_id = $1 ORDER BY id",
        webhook_id,
        &stamp,
        false,
    )
    .await
}

/// Deletes the bots of application `app_id`, which is being removed (their
/// deletion events go out without it).
pub(crate) async fn delete_bots_of_app(
    tx: &Transaction<'_>,
    app_id: i64,
    stamp: &EventStamp,
) -> DbResult<()> {
    delete_selected(
        tx,
        "SELECT id FROM bots WHERE app_id = $1 ORDER BY id",
        app_id,
        stamp,
        true,
    )
    .await
}

/// After a bot's update: its handler rows are switched on again and, for a
/// bot without an application, carry its (maybe rotated) application token.
pub(crate) async fn refresh_handler_rows(tx: &impl GenericClient, bot: &Bot) -> DbResult<()> {
    execute(
        tx,
        "UPDATE outbound_webhooks SET active = 1, disabled_reason = NULL, disabled_at = NULL \
         WHERE bot_id = $1",
        &[&bot.id],
    )
    .await?;
    if !matches!(bot.owner, BotOwner::App(_)) {
        execute(
            tx,
            "UPDATE outbound_webhooks SET application_token_sealed = $2 \
             WHERE bot_id = $1 AND app_id IS NULL",
            &[&bot.id, &bot.application_token_sealed],
        )
        .await?;
    }
    Ok(())
}

/// Reads bot `bot_id`'s queue at `now` (see `BotStore::fetch_bot_events`).
pub(crate) async fn fetch(
    tx: &Transaction<'_>,
    bot_id: i64,
    offset: Option<i64>,
    limit: i64,
    now: i64,
) -> DbResult<Vec<QueuedBotEvent>> {
    execute(
        tx,
        "DELETE FROM bot_events WHERE bot_id = $1 AND (id < $2 OR created_at < $3)",
        &[&bot_id, &offset.unwrap_or(0), &(now - FETCH_RETENTION_SECS)],
    )
    .await?;
    let statement = tx
        .prepare_cached(
            "SELECT id, code, data, created_at FROM bot_events WHERE bot_id = $1 \
             ORDER BY id LIMIT $2",
        )
        .await?;
    tx.query(&statement, &[&bot_id, &limit])
        .await?
        .iter()
        .map(|r| {
            let data: String = r.try_get(2)?;
            Ok(QueuedBotEvent {
                id: r.try_get(0)?,
                code: r.try_get(1)?,
                data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
                created_at: r.try_get(3)?,
            })
        })
        .collect()
}
