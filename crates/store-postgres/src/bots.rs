//! [`BotStore`] on PostgreSQL: `bots` beside their user rows (marked
//! `external_auth_id = 'bot'`), `bot_commands`, and the bots' events in
//! [`outbox`] (handler rows, the fetch queue, removal with the owner). Flags
//! are 0/1 `BIGINT`s, as on SQLite.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use portico_store::bots::stored::{langs_from_json, langs_to_json};
use portico_store::bots::{
    Bot, BotCommand, BotEventOut, BotFlags, BotHandlers, BotOwner, BotProfile, BotStore, BotType,
    EventMode, NewBot, QueuedBotEvent,
};
use portico_store::{EventStamp, StoreError};
use tokio_postgres::Row;

use crate::apps::execute;
use crate::{read, transaction, DbError, DbResult, PgStore};

pub(crate) mod chat_events;
pub(crate) mod outbox;

/// The columns [`bot_from_row`] reads, of `bots b` joined to `users u`.
pub(crate) const BOT_SELECT: &str = "SELECT b.id, b.code, b.bot_type, b.openline, b.app_id, \
     b.webhook_id, b.client_id, b.api_version, b.event_message_add, b.event_message_update, \
     b.event_message_delete, b.event_welcome_message, b.event_bot_delete, b.event_mode, \
     b.webhook_url, b.token_hash, b.application_token_sealed, b.color, b.hidden, \
     b.reactions_enabled, b.support_openline, b.background_id, b.created_by, b.created_at, \
     u.name, u.last_name, u.email, u.personal_birthday, u.work_position, u.personal_www, \
     u.personal_gender FROM bots b JOIN users u ON u.id = b.id ";

/// A stored 0/1 flag from a `bool`.
pub(crate) fn flag(value: bool) -> i64 {
    i64::from(value)
}

/// A [`Bot`] from a row of [`BOT_SELECT`].
pub(crate) fn bot_from_row(row: &Row) -> DbResult<Bot> {
    let text = |i: usize| -> DbResult<String> {
        Ok(row.try_get::<_, Option<String>>(i)?.unwrap_or_default())
    };
    let set = |i: usize| -> DbResult<bool> { Ok(row.try_get::<_, i64>(i)? != 0) };
    let app_id: Option<i64> = row.try_get(4)?;
    let owner = match app_id {
        Some(app) => BotOwner::App(app),
        None => BotOwner::Webhook {
            webhook_id: row.try_get::<_, Option<i64>>(5)?.unwrap_or_default(),
            client_id: row.try_get(6)?,
        },
    };
    let letter: String = row.try_get(2)?;
    let mode: String = row.try_get(13)?;
    let version: i64 = row.try_get(7)?;
    Ok(Bot {
        id: row.try_get(0)?,
        code: row.try_get(1)?,
        bot_type: BotType::from_letter(&letter).unwrap_or(BotType::Bot),
        openline: set(3)?,
        owner,
        api_version: u8::try_from(version).unwrap_or(1),
        handlers: BotHandlers {
            message_add: row.try_get(8)?,
            message_update: row.try_get(9)?,
            message_delete: row.try_get(10)?,
            welcome_message: row.try_get(11)?,
            bot_delete: row.try_get(12)?,
        },
        event_mode: EventMode::parse(&mode).unwrap_or(EventMode::Fetch),
        webhook_url: row.try_get(14)?,
        token_hash: row.try_get(15)?,
        application_token_sealed: row.try_get(16)?,
        flags: BotFlags {
            hidden: set(18)?,
            reactions_enabled: set(19)?,
            support_openline: set(20)?,
            background_id: row.try_get(21)?,
        },
        created_by: row.try_get(22)?,
        created_at: row.try_get(23)?,
        profile: BotProfile {
            color: row.try_get(17)?,
            name: text(24)?,
            last_name: text(25)?,
            email: text(26)?,
            birthday: text(27)?,
            work_position: text(28)?,
            www: text(29)?,
            gender: text(30)?,
        },
    })
}

/// `None` for an empty text (stored as NULL in the user row).
fn nullable(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

/// A taken login or code of a bot, in the bots' own conflict name.
fn bot_conflict(e: tokio_postgres::Error) -> DbError {
    match DbError::from(e) {
        DbError::Store(StoreError::Conflict(name)) if name == "users_login" => {
            DbError::Store(StoreError::Conflict("bots_code".to_owned()))
        }
        other => other,
    }
}

/// Writes the profile fields of bot user `id`.
async fn write_profile(tx: &impl GenericClient, id: i64, p: &BotProfile) -> DbResult<()> {
    execute(
        tx,
        "UPDATE users SET name = $2, last_name = $3, email = $4, personal_birthday = $5, \
         work_position = $6, personal_www = $7, personal_gender = $8 WHERE id = $1",
        &[
            &id,
            &nullable(&p.name),
            &nullable(&p.last_name),
            &nullable(&p.email),
            &nullable(&p.birthday),
            &nullable(&p.work_position),
            &nullable(&p.www),
            &nullable(&p.gender),
        ],
    )
    .await?;
    Ok(())
}

/// Registers `bot`; its id.
async fn insert(tx: &impl GenericClient, bot: &NewBot) -> DbResult<i64> {
    let statement = tx
        .prepare_cached(
            "INSERT INTO users (login, password_hash, active, is_admin, user_type, \
             external_auth_id, date_register, uf_department) \
             VALUES ('bot:' || $1::text, '!', 1, 0, 'bot', 'bot', $2, NULL) RETURNING id",
        )
        .await?;
    let id: i64 = tx
        .query_one(&statement, &[&bot.code, &bot.created_at])
        .await
        .map_err(bot_conflict)?
        .try_get(0)?;
    write_profile(tx, id, &bot.profile).await?;
    let (app_id, webhook_id, client_id) = match &bot.owner {
        BotOwner::App(app) => (Some(*app), None, None),
        BotOwner::Webhook {
            webhook_id,
            client_id,
        } => (None, Some(*webhook_id), client_id.clone()),
    };
    let statement = tx
        .prepare_cached(
            "INSERT INTO bots (id, code, bot_type, openline, app_id, webhook_id, client_id, \
             api_version, event_message_add, event_message_update, event_message_delete, \
             event_welcome_message, event_bot_delete, event_mode, webhook_url, token_hash, \
             application_token_sealed, color, hidden, reactions_enabled, support_openline, \
             background_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)",
        )
        .await?;
    tx.execute(
        &statement,
        &[
            &id,
            &bot.code,
            &bot.bot_type.letter(),
            &flag(bot.openline),
            &app_id,
            &webhook_id,
            &client_id,
            &i64::from(bot.api_version),
            &bot.handlers.message_add,
            &bot.handlers.message_update,
            &bot.handlers.message_delete,
            &bot.handlers.welcome_message,
            &bot.handlers.bot_delete,
            &bot.event_mode.as_str(),
            &bot.webhook_url,
            &bot.token_hash,
            &bot.application_token_sealed,
            &bot.profile.color,
            &flag(bot.flags.hidden),
            &flag(bot.flags.reactions_enabled),
            &flag(bot.flags.support_openline),
            &bot.flags.background_id,
            &bot.created_by,
            &bot.created_at,
        ],
    )
    .await
    .map_err(bot_conflict)?;
    Ok(id)
}

/// Replaces the changeable state of `bot`; `false` without it.
async fn update(tx: &impl GenericClient, bot: &Bot) -> DbResult<bool> {
    let statement = tx
        .prepare_cached(
            "UPDATE bots SET code = $2, event_message_add = $3, event_message_update = $4, \
             event_message_delete = $5, event_welcome_message = $6, event_bot_delete = $7, \
             event_mode = $8, webhook_url = $9, token_hash = $10, \
             application_token_sealed = $11, color = $12, hidden = $13, \
             reactions_enabled = $14, support_openline = $15, background_id = $16 WHERE id = $1",
        )
        .await?;
    let n = tx
        .execute(
            &statement,
            &[
                &bot.id,
                &bot.code,
                &bot.handlers.message_add,
                &bot.handlers.message_update,
                &bot.handlers.message_delete,
                &bot.handlers.welcome_message,
                &bot.handlers.bot_delete,
                &bot.event_mode.as_str(),
                &bot.webhook_url,
                &bot.token_hash,
                &bot.application_token_sealed,
                &bot.profile.color,
                &flag(bot.flags.hidden),
                &flag(bot.flags.reactions_enabled),
                &flag(bot.flags.support_openline),
                &bot.flags.background_id,
            ],
        )
        .await
        .map_err(bot_conflict)?;
    if n == 0 {
        return Ok(false);
    }
    let statement = tx
        .prepare_cached("UPDATE users SET login = 'bot:' || $2::text WHERE id = $1")
        .await?;
    tx.execute(&statement, &[&bot.id, &bot.code])
        .await
        .map_err(bot_conflict)?;
    write_profile(tx, bot.id, &bot.profile).await?;
    outbox::refresh_handler_rows(tx, bot).await?;
    Ok(true)
}

/// The columns of a command, of `bot_commands`.
pub(crate) const COMMAND_SELECT: &str =
    "SELECT id, bot_id, command, common, hidden, extranet_support, \
     langs, handler_url, created_at FROM bot_commands ";

/// A [`BotCommand`] from a row of [`COMMAND_SELECT`].
pub(crate) fn command_from_row(row: &Row) -> DbResult<BotCommand> {
    let set = |i: usize| -> DbResult<bool> { Ok(row.try_get::<_, i64>(i)? != 0) };
    let langs: String = row.try_get(6)?;
    Ok(BotCommand {
        id: row.try_get(0)?,
        bot_id: row.try_get(1)?,
        command: row.try_get(2)?,
        common: set(3)?,
        hidden: set(4)?,
        extranet_support: set(5)?,
        langs: langs_from_json(&langs),
        handler_url: row.try_get(7)?,
        created_at: row.try_get(8)?,
    })
}

/// The bots `sql` (after [`BOT_SELECT`]) selects with `params`.
async fn bots_where(
    conn: &impl GenericClient,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> DbResult<Vec<Bot>> {
    let statement = conn.prepare_cached(&format!("{BOT_SELECT}{sql}")).await?;
    conn.query(&statement, params)
        .await?
        .iter()
        .map(bot_from_row)
        .collect()
}

#[async_trait]
impl BotStore for PgStore {
    async fn insert_bot(&self, bot: NewBot) -> Result<i64, StoreError> {
        transaction!(self, |tx| { insert(&tx, &bot).await })
    }

    async fn bot_by_id(&self, id: i64) -> Result<Option<Bot>, StoreError> {
        read!(self, |conn| {
            Ok(bots_where(&conn, "WHERE b.id = $1", &[&id]).await?.pop())
        })
    }

    async fn bot_by_code(&self, code: &str) -> Result<Option<Bot>, StoreError> {
        read!(self, |conn| {
            Ok(bots_where(&conn, "WHERE b.code = $1", &[&code])
                .await?
                .pop())
        })
    }

    async fn bot_by_token_hash(&self, hash: &[u8]) -> Result<Option<Bot>, StoreError> {
        read!(self, |conn| {
            Ok(bots_where(&conn, "WHERE b.token_hash = $1", &[&hash])
                .await?
                .pop())
        })
    }

    async fn list_bots(&self) -> Result<Vec<Bot>, StoreError> {
        read!(self, |conn| {
            bots_where(&conn, "ORDER BY b.id", &[]).await
        })
    }

    async fn update_bot(&self, bot: Bot) -> Result<bool, StoreError> {
        transaction!(self, |tx| { update(&tx, &bot).await })
    }

    async fn delete_bot(&self, id: i64, stamp: EventStamp) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            outbox::delete_bot(&tx, id, &stamp, false).await
        })
    }

    async fn insert_bot_command(&self, command: BotCommand) -> Result<i64, StoreError> {
        let langs = langs_to_json(&command.langs);
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO bot_commands (bot_id, command, common, hidden, \
                     extranet_support, langs, handler_url, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .await?;
            let row = tx
                .query_one(
                    &statement,
                    &[
                        &command.bot_id,
                        &command.command,
                        &flag(command.common),
                        &flag(command.hidden),
                        &flag(command.extranet_support),
                        &langs,
                        &command.handler_url,
                        &command.created_at,
                    ],
                )
                .await
                .map_err(|e| match DbError::from(e) {
                    DbError::Store(StoreError::Conflict(name)) if name == "foreign_key" => {
                        DbError::Store(StoreError::Conflict("bot_commands_bot_id".to_owned()))
                    }
                    DbError::Store(StoreError::Conflict(_)) => {
                        DbError::Store(StoreError::Conflict("bot_commands_command".to_owned()))
                    }
                    other => other,
                })?;
            Ok(row.try_get(0)?)
        })
    }

    async fn bot_command_by_id(&self, id: i64) -> Result<Option<BotCommand>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(&format!("{COMMAND_SELECT}WHERE id = $1"))
                .await?;
            conn.query_opt(&statement, &[&id])
                .await?
                .as_ref()
                .map(command_from_row)
                .transpose()
        })
    }

    async fn bot_commands(&self, bot_id: i64) -> Result<Vec<BotCommand>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(&format!("{COMMAND_SELECT}WHERE bot_id = $1 ORDER BY id"))
                .await?;
            conn.query(&statement, &[&bot_id])
                .await?
                .iter()
                .map(command_from_row)
                .collect()
        })
    }

    async fn update_bot_command(&self, command: BotCommand) -> Result<bool, StoreError> {
        let langs = langs_to_json(&command.langs);
        transaction!(self, |tx| {
            let n = execute(
                &tx,
                "UPDATE bot_commands SET common = $2, hidden = $3, extranet_support = $4, \
                 langs = $5, handler_url = $6 WHERE id = $1",
                &[
                    &command.id,
                    &flag(command.common),
                    &flag(command.hidden),
                    &flag(command.extranet_support),
                    &langs,
                    &command.handler_url,
                ],
            )
            .await?;
            Ok(n > 0)
        })
    }

    async fn delete_bot_command(&self, id: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            Ok(execute(&tx, "DELETE FROM bot_commands WHERE id = $1", &[&id]).await? > 0)
        })
    }

    async fn raise_bot_events(
        &self,
        events: Vec<BotEventOut>,
        stamp: EventStamp,
    ) -> Result<(), StoreError> {
        transaction!(self, |tx| { outbox::raise(&tx, &events, &stamp).await })
    }

    async fn press_bot_command(
        &self,
        message_id: i64,
        bot_id: Option<i64>,
        command: &str,
        params: &str,
        user: i64,
        at: i64,
    ) -> Result<bool, StoreError> {
        let (command, params) = (command.to_owned(), params.to_owned());
        transaction!(self, |tx| {
            chat_events::keyboard_command(&tx, message_id, bot_id, &command, &params, user, at)
                .await
        })
    }

    async fn fetch_bot_events(
        &self,
        bot_id: i64,
        offset: Option<i64>,
        limit: usize,
        now: i64,
    ) -> Result<Vec<QueuedBotEvent>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        transaction!(self, |tx| {
            outbox::fetch(&tx, bot_id, offset, limit, now).await
        })
    }
}
