//! Chat bots (`imbot.*`, classic and 2.0): a bot is a user row marked as a
//! bot, registered by an application (OAuth) or by an inbound webhook (with a
//! `CLIENT_ID` for the classic API, a `botToken` for 2.0), with its handler
//! URLs, its commands and, for a 2.0 bot in fetch mode, a queue of events it
//! polls with `imbot.v2.Event.get`.
//!
//! A bot's events go to its own handler URLs only. Each (bot, handler URL) is
//! an outbound webhook row of the bot (hidden from users' lists, like an
//! application's handler), created when the first event goes there; an event
//! raised for a bot is recorded in the outbox with one delivery to that row,
//! so it is retried, leased and logged like any other. The event's entity is
//! [`BOT_EVENT_ENTITY`] with the bot's id: the delivery worker then fills in
//! the per-bot `auth` blocks (see [`payload`]) at send time.

use async_trait::async_trait;
use serde_json::Value;

use crate::error::StoreError;
use crate::events::EventStamp;

pub mod dispatch;
pub mod message_data;
pub mod payload;
pub mod stored;

/// A bot for unit tests: `id`, classic, owned by application 1, handlers
/// `https://b{id}.example/…`.
#[cfg(test)]
pub(crate) fn test_bot(id: i64, bot_type: BotType, api_version: u8) -> Bot {
    Bot {
        id,
        code: format!("bot{id}"),
        bot_type,
        openline: false,
        owner: BotOwner::App(1),
        api_version,
        handlers: BotHandlers {
            message_add: Some(format!("https://b{id}.example/add")),
            welcome_message: Some(format!("https://b{id}.example/join")),
            ..BotHandlers::default()
        },
        event_mode: EventMode::Webhook,
        webhook_url: Some(format!("https://b{id}.example/v2")),
        token_hash: None,
        application_token_sealed: Vec::new(),
        profile: BotProfile::default(),
        flags: BotFlags::default(),
        created_by: 1,
        created_at: 0,
    }
}

/// Entity code of the events raised for a bot (`entity_id` is the bot's id).
pub const BOT_EVENT_ENTITY: &str = "BOT";

/// A message in a dialog with the bot (classic API).
pub const MESSAGE_ADD: &str = "ONIMBOTMESSAGEADD";
/// A message in a dialog with the bot was edited (classic API).
pub const MESSAGE_UPDATE: &str = "ONIMBOTMESSAGEUPDATE";
/// A message in a dialog with the bot was deleted (classic API).
pub const MESSAGE_DELETE: &str = "ONIMBOTMESSAGEDELETE";
/// The bot was added to a chat, or a dialog with it was opened (classic API).
pub const JOIN_CHAT: &str = "ONIMBOTJOINCHAT";
/// The bot was deleted (classic API).
pub const BOT_DELETE: &str = "ONIMBOTDELETE";
/// A command of the bot was typed or pressed (classic API).
pub const COMMAND_ADD: &str = "ONIMCOMMANDADD";

/// Chatbots 2.0 counterparts of the classic events.
pub const V2_MESSAGE_ADD: &str = "ONIMBOTV2MESSAGEADD";
/// See [`MESSAGE_UPDATE`].
pub const V2_MESSAGE_UPDATE: &str = "ONIMBOTV2MESSAGEUPDATE";
/// See [`MESSAGE_DELETE`].
pub const V2_MESSAGE_DELETE: &str = "ONIMBOTV2MESSAGEDELETE";
/// See [`JOIN_CHAT`].
pub const V2_JOIN_CHAT: &str = "ONIMBOTV2JOINCHAT";
/// See [`BOT_DELETE`].
pub const V2_DELETE: &str = "ONIMBOTV2DELETE";
/// See [`COMMAND_ADD`].
pub const V2_COMMAND_ADD: &str = "ONIMBOTV2COMMANDADD";

/// Most classic bots one application (or webhook `CLIENT_ID`) may register.
pub const MAX_CLASSIC_BOTS: usize = 5;
/// Most 2.0 bots one application (or webhook) may register.
pub const MAX_V2_BOTS: usize = 100;
/// How long an event waits in a fetch-mode bot's queue, seconds.
pub const FETCH_RETENTION_SECS: i64 = 86_400;

/// What kind of bot it is (classic `TYPE`; 2.0 `type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BotType {
    /// `B` / `bot`: sees 1:1 messages and mentions in group chats.
    Bot,
    /// `H`: a "human" bot (shows typing); sees what `B` sees.
    Human,
    /// `S` / `supervisor`: sees every message of its chats.
    Supervisor,
    /// `O` / `openline`: open-line chats.
    Openline,
    /// `P` / `personal` (2.0): sees every message of its chats.
    Personal,
}

impl BotType {
    /// The classic letter (`B`, `H`, `S`, `O`, `P`), as stored.
    pub fn letter(self) -> &'static str {
        match self {
            BotType::Bot => "B",
            BotType::Human => "H",
            BotType::Supervisor => "S",
            BotType::Openline => "O",
            BotType::Personal => "P",
        }
    }

    /// The type with this classic letter (any case).
    pub fn from_letter(letter: &str) -> Option<BotType> {
        match letter.trim().to_ascii_uppercase().as_str() {
            "B" => Some(BotType::Bot),
            "H" => Some(BotType::Human),
            "S" => Some(BotType::Supervisor),
            "O" => Some(BotType::Openline),
            "P" => Some(BotType::Personal),
            _ => None,
        }
    }

    /// The 2.0 name (`bot`, `supervisor`, `personal`, `openline`); a
    /// "human" bot is a `bot` there.
    pub fn v2_name(self) -> &'static str {
        match self {
            BotType::Bot | BotType::Human => "bot",
            BotType::Supervisor => "supervisor",
            BotType::Openline => "openline",
            BotType::Personal => "personal",
        }
    }

    /// The type with this 2.0 name (any case).
    pub fn from_v2_name(name: &str) -> Option<BotType> {
        match name.trim().to_ascii_lowercase().as_str() {
            "bot" => Some(BotType::Bot),
            "supervisor" => Some(BotType::Supervisor),
            "personal" => Some(BotType::Personal),
            "openline" => Some(BotType::Openline),
            _ => None,
        }
    }

    /// Whether the bot sees every message of its group chats (not only
    /// those that mention it).
    pub fn sees_every_message(self) -> bool {
        matches!(self, BotType::Supervisor | BotType::Personal)
    }
}

/// Who registered a bot: only that identity may act as it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BotOwner {
    /// A local application (its id).
    App(i64),
    /// An inbound webhook (its id); a classic bot also names the
    /// `CLIENT_ID` every later call must repeat (a 2.0 bot has none: its
    /// `botToken` identifies it).
    Webhook {
        /// The webhook's id.
        webhook_id: i64,
        /// The `CLIENT_ID` given at registration (classic bots).
        client_id: Option<String>,
    },
}

/// How a 2.0 bot receives its events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventMode {
    /// Kept in its queue for `imbot.v2.Event.get`.
    Fetch,
    /// POSTed to its `webhookUrl`.
    Webhook,
}

impl EventMode {
    /// The stored and wire name (`fetch`, `webhook`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventMode::Fetch => "fetch",
            EventMode::Webhook => "webhook",
        }
    }

    /// The mode with this name (any case).
    pub fn parse(name: &str) -> Option<EventMode> {
        match name.trim().to_ascii_lowercase().as_str() {
            "fetch" => Some(EventMode::Fetch),
            "webhook" => Some(EventMode::Webhook),
            _ => None,
        }
    }
}

/// A classic bot's handler URLs (each checked when saved).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BotHandlers {
    /// `EVENT_MESSAGE_ADD`: [`MESSAGE_ADD`] (and commands without their own URL).
    pub message_add: Option<String>,
    /// `EVENT_MESSAGE_UPDATE`: [`MESSAGE_UPDATE`].
    pub message_update: Option<String>,
    /// `EVENT_MESSAGE_DELETE`: [`MESSAGE_DELETE`].
    pub message_delete: Option<String>,
    /// `EVENT_WELCOME_MESSAGE`: [`JOIN_CHAT`].
    pub welcome_message: Option<String>,
    /// `EVENT_BOT_DELETE`: [`BOT_DELETE`].
    pub bot_delete: Option<String>,
}

/// A bot's profile: its user row's fields and its colour.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BotProfile {
    /// First name (`NAME`, `name`).
    pub name: String,
    /// Last name.
    pub last_name: String,
    /// Colour code (`RED`, `GREEN`, …), empty for none.
    pub color: String,
    /// E-mail.
    pub email: String,
    /// Birthday, `YYYY-MM-DD`, empty for none.
    pub birthday: String,
    /// Work position.
    pub work_position: String,
    /// Personal web site.
    pub www: String,
    /// `M`, `F` or empty.
    pub gender: String,
}

/// The 2.0 flags of a bot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BotFlags {
    /// `isHidden`.
    pub hidden: bool,
    /// `isReactionsEnabled` (default on).
    pub reactions_enabled: bool,
    /// `isSupportOpenline`.
    pub support_openline: bool,
    /// `backgroundId`, when one of the known backgrounds.
    pub background_id: Option<String>,
}

impl Default for BotFlags {
    fn default() -> Self {
        BotFlags {
            hidden: false,
            reactions_enabled: true,
            support_openline: false,
            background_id: None,
        }
    }
}

/// A registered bot (its id is its user's id).
#[derive(Clone, Debug, PartialEq)]
pub struct Bot {
    /// Bot id = user id.
    pub id: i64,
    /// Unique code on the portal.
    pub code: String,
    /// Its kind.
    pub bot_type: BotType,
    /// Classic `OPENLINE`.
    pub openline: bool,
    /// Who registered it.
    pub owner: BotOwner,
    /// The API generation it was registered through (1 classic, 2 for 2.0):
    /// its events come in that generation's form.
    pub api_version: u8,
    /// Classic handler URLs.
    pub handlers: BotHandlers,
    /// 2.0 delivery mode (classic bots: [`EventMode::Webhook`], to `handlers`).
    pub event_mode: EventMode,
    /// 2.0 `webhookUrl`.
    pub webhook_url: Option<String>,
    /// Keyed hash of the 2.0 `botToken` (webhook-registered 2.0 bots).
    pub token_hash: Option<Vec<u8>>,
    /// The application token its deliveries carry when it has no
    /// application (an application's bot carries the application's), sealed.
    pub application_token_sealed: Vec<u8>,
    /// Profile.
    pub profile: BotProfile,
    /// 2.0 flags.
    pub flags: BotFlags,
    /// The user who registered it.
    pub created_by: i64,
    /// Registration instant, Unix seconds.
    pub created_at: i64,
}

/// What is needed to register a bot: a [`Bot`] whose `id` is ignored (the
/// new user row gives it).
pub type NewBot = Bot;

/// One language of a command's description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandLang {
    /// `LANGUAGE_ID` (`en`, `br`, …).
    pub language_id: String,
    /// `TITLE`.
    pub title: String,
    /// `PARAMS`.
    pub params: String,
}

/// A bot command (`/help`).
#[derive(Clone, Debug, PartialEq)]
pub struct BotCommand {
    /// Command id.
    pub id: i64,
    /// The bot it belongs to.
    pub bot_id: i64,
    /// The command without its slash (latin letters, digits).
    pub command: String,
    /// Usable in any chat, not only with the bot.
    pub common: bool,
    /// Not listed in the command menu.
    pub hidden: bool,
    /// Usable by extranet users.
    pub extranet_support: bool,
    /// Descriptions by language.
    pub langs: Vec<CommandLang>,
    /// Classic `EVENT_COMMAND_ADD`; `None`: the bot's own handlers.
    pub handler_url: Option<String>,
    /// Creation instant, Unix seconds.
    pub created_at: i64,
}

/// An event raised for one bot.
#[derive(Clone, Debug, PartialEq)]
pub struct BotEventOut {
    /// The bot.
    pub bot_id: i64,
    /// Event code (`ONIMBOTMESSAGEADD`, `ONIMBOTV2MESSAGEADD`, …).
    pub code: String,
    /// The event's `data` (auth blocks are filled in at send time).
    pub data: Value,
    /// Where a classic event goes (the bot's or the command's URL); `None`
    /// for a 2.0 event (its webhook URL, or its queue in fetch mode).
    pub handler_url: Option<String>,
}

/// An event waiting in a fetch-mode bot's queue.
#[derive(Clone, Debug, PartialEq)]
pub struct QueuedBotEvent {
    /// Event id, increasing in commit order per bot.
    pub id: i64,
    /// Event code (`ONIMBOTV2MESSAGEADD`).
    pub code: String,
    /// Its `data`.
    pub data: Value,
    /// When it was raised, Unix seconds.
    pub created_at: i64,
}

/// Bots, their commands and their events.
#[async_trait]
pub trait BotStore: Send + Sync {
    /// Registers a bot: creates its user row (marked as a bot, unable to
    /// sign in) and the bot, in one transaction; the bot's id. A taken code is
    /// `Conflict("bots_code")`, a taken token hash `Conflict("bots_token_hash")`.
    async fn insert_bot(&self, bot: NewBot) -> Result<i64, StoreError>;
    /// One bot by id.
    async fn bot_by_id(&self, id: i64) -> Result<Option<Bot>, StoreError>;
    /// One bot by its code (exact).
    async fn bot_by_code(&self, code: &str) -> Result<Option<Bot>, StoreError>;
    /// The bot whose `botToken` has this keyed hash.
    async fn bot_by_token_hash(&self, hash: &[u8]) -> Result<Option<Bot>, StoreError>;
    /// Every bot, by id.
    async fn list_bots(&self) -> Result<Vec<Bot>, StoreError>;
    /// Replaces a bot's changeable state (code, handlers, mode, URL, token,
    /// profile, flags; not its type, owner or generation) and its user row's
    /// profile fields; its handler rows that were switched off are switched
    /// on again. `false` when there is no such bot; conflicts as
    /// [`BotStore::insert_bot`].
    async fn update_bot(&self, bot: Bot) -> Result<bool, StoreError>;
    /// Deletes a bot with its commands and queue: raises [`BOT_DELETE`] to
    /// its `EVENT_BOT_DELETE` URL (classic) or [`V2_DELETE`] (2.0) in the
    /// same transaction, and deactivates its user (whose messages stay).
    /// `false` when there was no such bot.
    async fn delete_bot(&self, id: i64, stamp: EventStamp) -> Result<bool, StoreError>;

    /// Adds a command; its id. A command the bot has already is
    /// `Conflict("bot_commands_command")`, an unknown bot `Conflict("bot_commands_bot_id")`.
    async fn insert_bot_command(&self, command: BotCommand) -> Result<i64, StoreError>;
    /// One command by id.
    async fn bot_command_by_id(&self, id: i64) -> Result<Option<BotCommand>, StoreError>;
    /// The commands of a bot, by id.
    async fn bot_commands(&self, bot_id: i64) -> Result<Vec<BotCommand>, StoreError>;
    /// Replaces a command's flags, languages and handler URL; `false` when
    /// there is none.
    async fn update_bot_command(&self, command: BotCommand) -> Result<bool, StoreError>;
    /// Deletes a command; `false` when there was none.
    async fn delete_bot_command(&self, id: i64) -> Result<bool, StoreError>;

    /// Raises events for bots, in one transaction: a classic event or a 2.0
    /// event of a webhook-mode bot is recorded with one delivery to the bot's
    /// handler row for its URL (created when missing; an application's bot
    /// only while the application is installed), a 2.0 event of a
    /// fetch-mode bot joins the bot's queue. Events of unknown bots, or
    /// without a URL to go to, are dropped. Wakes the workers.
    async fn raise_bot_events(
        &self,
        events: Vec<BotEventOut>,
        stamp: EventStamp,
    ) -> Result<(), StoreError>;

    /// A keyboard `COMMAND` button of message `message_id` pressed by `user`
    /// at `at`: raises `ONIMCOMMANDADD` (context `KEYBOARD`, or the 2.0 form)
    /// for the command named `command` of bot `bot_id` (any bot of the chat
    /// when `None`), with `params`. `false` when no such command of a bot of
    /// the message's chat exists.
    async fn press_bot_command(
        &self,
        message_id: i64,
        bot_id: Option<i64>,
        command: &str,
        params: &str,
        user: i64,
        at: i64,
    ) -> Result<bool, StoreError>;

    /// Reads a fetch-mode bot's queue at `now`: forgets its events with an id
    /// below `offset` (acknowledged) and those older than
    /// [`FETCH_RETENTION_SECS`], then returns up to `limit` of the rest, from
    /// the oldest.
    async fn fetch_bot_events(
        &self,
        bot_id: i64,
        offset: Option<i64>,
        limit: usize,
        now: i64,
    ) -> Result<Vec<QueuedBotEvent>, StoreError>;
}
