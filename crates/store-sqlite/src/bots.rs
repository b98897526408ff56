//! [`BotStore`]: `bots` beside their user rows (marked `external_auth_id =
//! 'bot'`), `bot_commands`, and the bots' events in [`outbox`] (handler rows,
//! the fetch queue, removal with the owner).

use async_trait::async_trait;
use portico_store::bots::stored::{langs_from_json, langs_to_json};
use portico_store::bots::{
    Bot, BotCommand, BotEventOut, BotFlags, BotHandlers, BotOwner, BotProfile, BotStore, BotType,
    EventMode, NewBot, QueuedBotEvent,
};
use portico_store::{EventStamp, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::map_err;
use crate::SqliteStore;

pub(crate) mod chat_events;
pub(crate) mod outbox;

/// The columns [`bot_from_row`] reads, of `bots b` joined to `users u`.
macro_rules! bot_select {
    () => {
        "SELECT b.id, b.code, b.bot_type, b.openline, b.app_id, b.webhook_id, b.client_id, \
         b.api_version, b.event_message_add, b.event_message_update, b.event_message_delete, \
         b.event_welcome_message, b.event_bot_delete, b.event_mode, b.webhook_url, b.token_hash, \
         b.application_token_sealed, b.color, b.hidden, b.reactions_enabled, b.support_openline, \
         b.background_id, b.created_by, b.created_at, u.name, u.last_name, u.email, \
         u.personal_birthday, u.work_position, u.personal_www, u.personal_gender \
         FROM bots b JOIN users u ON u.id = b.id "
    };
}
pub(crate) use bot_select;

/// A [`Bot`] from a row of `bot_select!`.
pub(crate) fn bot_from_row(row: &Row<'_>) -> rusqlite::Result<Bot> {
    let text = |i: usize| -> rusqlite::Result<String> {
        Ok(row.get::<_, Option<String>>(i)?.unwrap_or_default())
    };
    let app_id: Option<i64> = row.get(4)?;
    let owner = match app_id {
        Some(app) => BotOwner::App(app),
        None => BotOwner::Webhook {
            webhook_id: row.get::<_, Option<i64>>(5)?.unwrap_or_default(),
            client_id: row.get(6)?,
        },
    };
    let letter: String = row.get(2)?;
    let mode: String = row.get(13)?;
    Ok(Bot {
        id: row.get(0)?,
        code: row.get(1)?,
        bot_type: BotType::from_letter(&letter).unwrap_or(BotType::Bot),
        openline: row.get(3)?,
        owner,
        api_version: row.get(7)?,
        handlers: BotHandlers {
            message_add: row.get(8)?,
            message_update: row.get(9)?,
            message_delete: row.get(10)?,
            welcome_message: row.get(11)?,
            bot_delete: row.get(12)?,
        },
        event_mode: EventMode::parse(&mode).unwrap_or(EventMode::Fetch),
        webhook_url: row.get(14)?,
        token_hash: row.get(15)?,
        application_token_sealed: row.get(16)?,
        flags: BotFlags {
            hidden: row.get(18)?,
            reactions_enabled: row.get(19)?,
            support_openline: row.get(20)?,
            background_id: row.get(21)?,
        },
        created_by: row.get(22)?,
        created_at: row.get(23)?,
        profile: BotProfile {
            color: row.get(17)?,
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

/// Runs `sql` with `p` on `conn`; the number of rows changed.
pub(crate) fn execute<P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    p: P,
) -> Result<usize, StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute(p))
        .map_err(map_err)
}

/// A taken login or token of a bot, in the bots' own conflict names.
fn bot_conflict(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict(name) if name == "users_login" || name == "bots_code" => {
            StoreError::Conflict("bots_code".to_owned())
        }
        other => other,
    }
}

/// Writes the profile fields of bot user `id`.
fn write_profile(conn: &Connection, id: i64, p: &BotProfile) -> Result<(), StoreError> {
    execute(
        conn,
        "UPDATE users SET name = ?2, last_name = ?3, email = ?4, personal_birthday = ?5, \
         work_position = ?6, personal_www = ?7, personal_gender = ?8 WHERE id = ?1",
        params![
            id,
            nullable(&p.name),
            nullable(&p.last_name),
            nullable(&p.email),
            nullable(&p.birthday),
            nullable(&p.work_position),
            nullable(&p.www),
            nullable(&p.gender)
        ],
    )?;
    Ok(())
}

/// Registers `bot` on `conn`; its id.
fn insert(conn: &Connection, bot: &NewBot) -> Result<i64, StoreError> {
    execute(
        conn,
        "INSERT INTO users (login, password_hash, active, is_admin, user_type, external_auth_id, \
         date_register, uf_department) VALUES ('bot:' || ?1, '!', 1, 0, 'bot', 'bot', ?2, NULL)",
        params![bot.code, bot.created_at],
    )
    .map_err(bot_conflict)?;
    let id = conn.last_insert_rowid();
    write_profile(conn, id, &bot.profile)?;
    let (app_id, webhook_id, client_id) = match &bot.owner {
        BotOwner::App(app) => (Some(*app), None, None),
        BotOwner::Webhook {
            webhook_id,
            client_id,
        } => (None, Some(*webhook_id), client_id.clone()),
    };
    execute(
        conn,
        "INSERT INTO bots (id, code, bot_type, openline, app_id, webhook_id, client_id, \
         api_version, event_message_add, event_message_update, event_message_delete, \
         event_welcome_message, event_bot_delete, event_mode, webhook_url, token_hash, \
         application_token_sealed, color, hidden, reactions_enabled, support_openline, \
         background_id, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, \
         ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
        params![
            id,
            bot.code,
            bot.bot_type.letter(),
            bot.openline,
            app_id,
            webhook_id,
            client_id,
            bot.api_version,
            bot.handlers.message_add,
            bot.handlers.message_update,
            bot.handlers.message_delete,
            bot.handlers.welcome_message,
            bot.handlers.bot_delete,
            bot.event_mode.as_str(),
            bot.webhook_url,
            bot.token_hash,
            bot.application_token_sealed,
            bot.profile.color,
            bot.flags.hidden,
            bot.flags.reactions_enabled,
            bot.flags.support_openline,
            bot.flags.background_id,
            bot.created_by,
            bot.created_at
        ],
    )
    .map_err(bot_conflict)?;
    Ok(id)
}

/// Replaces the changeable state of `bot` on `conn`; `false` without it.
fn update(conn: &Connection, bot: &Bot) -> Result<bool, StoreError> {
    let n = execute(
        conn,
        "UPDATE bots SET code = ?2, event_message_add = ?3, event_message_update = ?4, \
         event_message_delete = ?5, event_welcome_message = ?6, event_bot_delete = ?7, \
         event_mode = ?8, webhook_url = ?9, token_hash = ?10, application_token_sealed = ?11, \
         color = ?12, hidden = ?13, reactions_enabled = ?14, support_openline = ?15, \
         background_id = ?16 WHERE id = ?1",
        params![
            bot.id,
            bot.code,
            bot.handlers.message_add,
            bot.handlers.message_update,
            bot.handlers.message_delete,
            bot.handlers.welcome_message,
            bot.handlers.bot_delete,
            bot.event_mode.as_str(),
            bot.webhook_url,
            bot.token_hash,
            bot.application_token_sealed,
            bot.profile.color,
            bot.flags.hidden,
            bot.flags.reactions_enabled,
            bot.flags.support_openline,
            bot.flags.background_id
        ],
    )
    .map_err(bot_conflict)?;
    if n == 0 {
        return Ok(false);
    }
    execute(
        conn,
        "UPDATE users SET login = 'bot:' || ?2 WHERE id = ?1",
        params![bot.id, bot.code],
    )
    .map_err(bot_conflict)?;
    write_profile(conn, bot.id, &bot.profile)?;
    outbox::refresh_handler_rows(conn, bot)?;
    Ok(true)
}

/// The columns of a command, of `bot_commands`.
pub(crate) const COMMAND_SELECT: &str =
    "SELECT id, bot_id, command, common, hidden, extranet_support, \
     langs, handler_url, created_at FROM bot_commands ";

/// A [`BotCommand`] from a row of [`COMMAND_SELECT`].
pub(crate) fn command_from_row(row: &Row<'_>) -> rusqlite::Result<BotCommand> {
    let langs: String = row.get(6)?;
    Ok(BotCommand {
        id: row.get(0)?,
        bot_id: row.get(1)?,
        command: row.get(2)?,
        common: row.get(3)?,
        hidden: row.get(4)?,
        extranet_support: row.get(5)?,
        langs: langs_from_json(&langs),
        handler_url: row.get(7)?,
        created_at: row.get(8)?,
    })
}

impl SqliteStore {
    /// The bots `sql` (a `WHERE …` after `bot_select!`) selects with `p`.
    fn bots_where<P: rusqlite::Params>(&self, sql: &str, p: P) -> Result<Vec<Bot>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(&format!("{}{sql}", bot_select!()))
                .map_err(map_err)?;
            let rows = stmt.query_map(p, bot_from_row).map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }
}

#[async_trait]
impl BotStore for SqliteStore {
    async fn insert_bot(&self, bot: NewBot) -> Result<i64, StoreError> {
        self.write(move |conn| insert(conn, &bot)).await
    }

    async fn bot_by_id(&self, id: i64) -> Result<Option<Bot>, StoreError> {
        Ok(self.bots_where("WHERE b.id = ?1", [id])?.pop())
    }

    async fn bot_by_code(&self, code: &str) -> Result<Option<Bot>, StoreError> {
        Ok(self.bots_where("WHERE b.code = ?1", [code])?.pop())
    }

    async fn bot_by_token_hash(&self, hash: &[u8]) -> Result<Option<Bot>, StoreError> {
        Ok(self.bots_where("WHERE b.token_hash = ?1", [hash])?.pop())
    }

    async fn list_bots(&self) -> Result<Vec<Bot>, StoreError> {
        self.bots_where("ORDER BY b.id", [])
    }

    async fn update_bot(&self, bot: Bot) -> Result<bool, StoreError> {
        self.write(move |conn| update(conn, &bot)).await
    }

    async fn delete_bot(&self, id: i64, stamp: EventStamp) -> Result<bool, StoreError> {
        let deleted = self
            .write(move |conn| outbox::delete_bot(conn, id, &stamp, false))
            .await?;
        if deleted {
            self.wake_deliveries();
        }
        Ok(deleted)
    }

    async fn insert_bot_command(&self, command: BotCommand) -> Result<i64, StoreError> {
        self.write(move |conn| {
            execute(
                conn,
                "INSERT INTO bot_commands (bot_id, command, common, hidden, extranet_support, \
                 langs, handler_url, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    command.bot_id,
                    command.command,
                    command.common,
                    command.hidden,
                    command.extranet_support,
                    langs_to_json(&command.langs),
                    command.handler_url,
                    command.created_at
                ],
            )
            .map_err(|e| match e {
                StoreError::Conflict(name) if name == "foreign_key" => {
                    StoreError::Conflict("bot_commands_bot_id".to_owned())
                }
                StoreError::Conflict(_) => StoreError::Conflict("bot_commands_command".to_owned()),
                other => other,
            })?;
            Ok(conn.last_insert_rowid())
        })
        .await
    }

    async fn bot_command_by_id(&self, id: i64) -> Result<Option<BotCommand>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached(&format!("{COMMAND_SELECT}WHERE id = ?1"))
                .and_then(|mut s| s.query_row([id], command_from_row).optional())
                .map_err(map_err)
        })
    }

    async fn bot_commands(&self, bot_id: i64) -> Result<Vec<BotCommand>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(&format!("{COMMAND_SELECT}WHERE bot_id = ?1 ORDER BY id"))
                .map_err(map_err)?;
            let rows = stmt
                .query_map([bot_id], command_from_row)
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn update_bot_command(&self, command: BotCommand) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let n = execute(
                conn,
                "UPDATE bot_commands SET common = ?2, hidden = ?3, extranet_support = ?4, \
                 langs = ?5, handler_url = ?6 WHERE id = ?1",
                params![
                    command.id,
                    command.common,
                    command.hidden,
                    command.extranet_support,
                    langs_to_json(&command.langs),
                    command.handler_url
                ],
            )?;
            Ok(n > 0)
        })
        .await
    }

    async fn delete_bot_command(&self, id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            Ok(execute(conn, "DELETE FROM bot_commands WHERE id = ?1", [id])? > 0)
        })
        .await
    }

    async fn raise_bot_events(
        &self,
        events: Vec<BotEventOut>,
        stamp: EventStamp,
    ) -> Result<(), StoreError> {
        let delivered = self
            .write(move |conn| outbox::raise(conn, &events, &stamp))
            .await?;
        if delivered {
            self.wake_deliveries();
        }
        Ok(())
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
        let found = self
            .write(move |conn| {
                chat_events::keyboard_command(conn, message_id, bot_id, &command, &params, user, at)
            })
            .await?;
        self.wake_deliveries();
        Ok(found)
    }

    async fn fetch_bot_events(
        &self,
        bot_id: i64,
        offset: Option<i64>,
        limit: usize,
        now: i64,
    ) -> Result<Vec<QueuedBotEvent>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.write(move |conn| outbox::fetch(conn, bot_id, offset, limit, now))
            .await
    }
}
