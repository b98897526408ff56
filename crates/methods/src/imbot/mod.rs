//! Chat bots (scope `imbot`; reference chat §3 and §9): bots registered by
//! an application or an inbound webhook, their commands and events, in the
//! classic API (`imbot.*`) and in Chatbots 2.0 (`imbot.v2.*`, camel-case on
//! the wire, declared in lower case and looked up in any case). Session authorization is refused; a
//! bot is acted on only through the identity that registered it.

mod access;
mod classic;
mod commands;
mod input;
mod v2;

use crate::handler;
use crate::registry::{ParamSpec, Registry};

/// A parameter of a bot method.
const fn p(
    name: &'static str,
    kind: &'static str,
    required: bool,
    description: &'static str,
    description_pt: &'static str,
) -> ParamSpec {
    ParamSpec {
        name,
        kind,
        required,
        description,
        description_pt,
    }
}

const CLIENT_ID: ParamSpec = p(
    "CLIENT_ID",
    "string",
    false,
    "The client id a webhook registered the bot with (required through a webhook).",
    "O client id com que um webhook registrou o bot (obrigatório via webhook).",
);
const BOT_ID: ParamSpec = p("BOT_ID", "integer", true, "The bot.", "O bot.");
const V2_BOT_ID: ParamSpec = p("botId", "integer", true, "The bot.", "O bot.");
const BOT_TOKEN: ParamSpec = p(
    "botToken",
    "string",
    false,
    "The bot's token (required through a webhook).",
    "O token do bot (obrigatório via webhook).",
);
const COMMAND_ID: ParamSpec = p("COMMAND_ID", "integer", true, "The command.", "O comando.");

const REGISTER: &[ParamSpec] = &[
    p("CODE", "string", true, "Unique code of the bot.", "Código único do bot."),
    p("TYPE", "string", false, "B (default), H, S or O.", "B (padrão), H, S ou O."),
    p("OPENLINE", "string", false, "Y or N (Y for TYPE=O).", "Y ou N (Y para TYPE=O)."),
    p("EVENT_HANDLER", "string", false, "One URL for every handler below.", "Uma URL para todos os tratadores abaixo."),
    p("EVENT_MESSAGE_ADD", "string", true, "Handler of ONIMBOTMESSAGEADD.", "Tratador de ONIMBOTMESSAGEADD."),
    p("EVENT_MESSAGE_UPDATE", "string", false, "Handler of ONIMBOTMESSAGEUPDATE.", "Tratador de ONIMBOTMESSAGEUPDATE."),
    p("EVENT_MESSAGE_DELETE", "string", false, "Handler of ONIMBOTMESSAGEDELETE.", "Tratador de ONIMBOTMESSAGEDELETE."),
    p("EVENT_WELCOME_MESSAGE", "string", true, "Handler of ONIMBOTJOINCHAT.", "Tratador de ONIMBOTJOINCHAT."),
    p("EVENT_BOT_DELETE", "string", true, "Handler of ONIMBOTDELETE.", "Tratador de ONIMBOTDELETE."),
    p("PROPERTIES", "object", true, "NAME or LAST_NAME, COLOR, EMAIL, PERSONAL_BIRTHDAY, WORK_POSITION, PERSONAL_WWW, PERSONAL_GENDER.", "NAME ou LAST_NAME, COLOR, EMAIL, PERSONAL_BIRTHDAY, WORK_POSITION, PERSONAL_WWW, PERSONAL_GENDER."),
    CLIENT_ID,
];
const UNREGISTER: &[ParamSpec] = &[BOT_ID, CLIENT_ID];
const UPDATE: &[ParamSpec] = &[
    BOT_ID,
    p(
        "FIELDS",
        "object",
        true,
        "CODE, EVENT_* handlers, PROPERTIES.",
        "CODE, tratadores EVENT_*, PROPERTIES.",
    ),
    CLIENT_ID,
];
const COMMAND_REGISTER: &[ParamSpec] = &[
    BOT_ID,
    p(
        "COMMAND",
        "string",
        true,
        "The command, latin letters and digits.",
        "O comando, letras latinas e dígitos.",
    ),
    p(
        "EVENT_COMMAND_ADD",
        "string",
        true,
        "Handler of ONIMCOMMANDADD.",
        "Tratador de ONIMCOMMANDADD.",
    ),
    p(
        "LANG",
        "array",
        true,
        "[{LANGUAGE_ID, TITLE, PARAMS}].",
        "[{LANGUAGE_ID, TITLE, PARAMS}].",
    ),
    p(
        "COMMON",
        "string",
        false,
        "Y: usable in any chat.",
        "Y: utilizável em qualquer chat.",
    ),
    p(
        "HIDDEN",
        "string",
        false,
        "Y: not listed.",
        "Y: não listado.",
    ),
    p(
        "EXTRANET_SUPPORT",
        "string",
        false,
        "Y: extranet users may use it.",
        "Y: usuários da extranet podem usá-lo.",
    ),
    CLIENT_ID,
];
const COMMAND_UPDATE: &[ParamSpec] = &[
    COMMAND_ID,
    p(
        "FIELDS",
        "object",
        true,
        "EVENT_COMMAND_ADD, COMMON, HIDDEN, EXTRANET_SUPPORT, LANG.",
        "EVENT_COMMAND_ADD, COMMON, HIDDEN, EXTRANET_SUPPORT, LANG.",
    ),
    CLIENT_ID,
];
const COMMAND_UNREGISTER: &[ParamSpec] = &[COMMAND_ID, CLIENT_ID];
const V2_REGISTER: &[ParamSpec] = &[p("fields", "object", true, "code, botToken (webhooks), properties {name, lastName, workPosition, color, gender}, type, eventMode (fetch or webhook), webhookUrl, isHidden, isReactionsEnabled, isSupportOpenline, backgroundId.", "code, botToken (webhooks), properties {name, lastName, workPosition, color, gender}, type, eventMode (fetch ou webhook), webhookUrl, isHidden, isReactionsEnabled, isSupportOpenline, backgroundId.")];
const V2_UPDATE: &[ParamSpec] = &[
    V2_BOT_ID,
    BOT_TOKEN,
    p(
        "fields",
        "object",
        true,
        "properties, flags, eventMode, webhookUrl; botToken rotates the token.",
        "properties, flags, eventMode, webhookUrl; botToken troca o token.",
    ),
];
const V2_BOT: &[ParamSpec] = &[V2_BOT_ID, BOT_TOKEN];
const V2_LIST: &[ParamSpec] = &[
    p("filter", "object", false, "{type}.", "{type}."),
    p(
        "limit",
        "integer",
        false,
        "Page size (50).",
        "Tamanho da página (50).",
    ),
    p("offset", "integer", false, "Bots skipped.", "Bots pulados."),
];
const V2_COMMAND_REGISTER: &[ParamSpec] = &[
    V2_BOT_ID,
    BOT_TOKEN,
    p(
        "fields",
        "object",
        true,
        "command, title, params, common, hidden, extranetSupport.",
        "command, title, params, common, hidden, extranetSupport.",
    ),
];
const V2_COMMAND: &[ParamSpec] = &[
    V2_BOT_ID,
    BOT_TOKEN,
    p("commandId", "integer", true, "The command.", "O comando."),
];
const V2_EVENT_GET: &[ParamSpec] = &[
    V2_BOT_ID,
    BOT_TOKEN,
    p(
        "offset",
        "integer",
        false,
        "Acknowledges every event below it; omit on the first call.",
        "Confirma todos os eventos abaixo dele; omita na primeira chamada.",
    ),
    p("limit", "integer", false, "1–1000 (100).", "1–1000 (100)."),
    p(
        "withUserEvents",
        "boolean",
        false,
        "Also the user's im.v2 events.",
        "Também os eventos im.v2 do usuário.",
    ),
];

/// Declares the `imbot` methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope("imbot", &[]);
    s.method("imbot.register", "Registers a chat bot of the calling application (or webhook with CLIENT_ID); returns its id.", "Registra um chatbot do aplicativo que chama (ou do webhook com CLIENT_ID); devolve seu id.", REGISTER, r#"{"CODE": "echo", "EVENT_HANDLER": "https://bot.example.com/", "PROPERTIES": {"NAME": "Echo"}}"#, handler!(classic::register));
    s.method(
        "imbot.unregister",
        "Deletes a bot of the caller; ONIMBOTDELETE goes to it.",
        "Apaga um bot de quem chama; ONIMBOTDELETE vai para ele.",
        UNREGISTER,
        r#"{"BOT_ID": 39}"#,
        handler!(classic::unregister),
    );
    s.method(
        "imbot.update",
        "Changes a bot's code, handlers or profile.",
        "Altera o código, os tratadores ou o perfil de um bot.",
        UPDATE,
        r#"{"BOT_ID": 39, "FIELDS": {"PROPERTIES": {"NAME": "Echo 2"}}}"#,
        handler!(classic::update),
    );
    s.method(
        "imbot.bot.list",
        "Lists the portal's bots, keyed by id.",
        "Lista os bots do portal, por id.",
        &[],
        "{}",
        handler!(classic::list),
    );
    s.method("imbot.command.register", "Registers a command of a bot; returns its id.", "Registra um comando de um bot; devolve seu id.", COMMAND_REGISTER, r#"{"BOT_ID": 39, "COMMAND": "help", "EVENT_COMMAND_ADD": "https://bot.example.com/", "LANG": [{"LANGUAGE_ID": "en", "TITLE": "Help"}]}"#, handler!(commands::register));
    s.method(
        "imbot.command.update",
        "Changes a command's handler, flags or descriptions.",
        "Altera o tratador, as opções ou as descrições de um comando.",
        COMMAND_UPDATE,
        r#"{"COMMAND_ID": 5, "FIELDS": {"HIDDEN": "Y"}}"#,
        handler!(commands::update),
    );
    s.method(
        "imbot.command.unregister",
        "Deletes a command.",
        "Apaga um comando.",
        COMMAND_UNREGISTER,
        r#"{"COMMAND_ID": 5}"#,
        handler!(commands::unregister),
    );
    s.method("imbot.v2.bot.register", "Registers a 2.0 bot (idempotent by code); returns {bot, users}.", "Registra um bot 2.0 (idempotente pelo código); devolve {bot, users}.", V2_REGISTER, r#"{"fields": {"code": "support_bot", "botToken": "my_bot_token", "properties": {"name": "Support Bot"}}}"#, handler!(v2::register));
    s.method("imbot.v2.bot.update", "Changes a 2.0 bot; fields.botToken rotates its token.", "Altera um bot 2.0; fields.botToken troca seu token.", V2_UPDATE, r#"{"botId": 456, "botToken": "my_bot_token", "fields": {"properties": {"name": "Support"}}}"#, handler!(v2::update));
    s.method(
        "imbot.v2.bot.get",
        "Reads a 2.0 bot of the caller.",
        "Lê um bot 2.0 de quem chama.",
        V2_BOT,
        r#"{"botId": 456, "botToken": "my_bot_token"}"#,
        handler!(v2::get),
    );
    s.method(
        "imbot.v2.bot.list",
        "Lists the caller's bots.",
        "Lista os bots de quem chama.",
        V2_LIST,
        r#"{"limit": 50}"#,
        handler!(v2::list),
    );
    s.method(
        "imbot.v2.bot.unregister",
        "Deletes a 2.0 bot of the caller.",
        "Apaga um bot 2.0 de quem chama.",
        V2_BOT,
        r#"{"botId": 456, "botToken": "my_bot_token"}"#,
        handler!(v2::unregister),
    );
    s.method("imbot.v2.command.register", "Registers a command of a 2.0 bot (idempotent per command).", "Registra um comando de um bot 2.0 (idempotente por comando).", V2_COMMAND_REGISTER, r#"{"botId": 456, "botToken": "my_bot_token", "fields": {"command": "help", "title": "Help"}}"#, handler!(commands::v2_register));
    s.method(
        "imbot.v2.command.list",
        "Lists a 2.0 bot's commands.",
        "Lista os comandos de um bot 2.0.",
        V2_BOT,
        r#"{"botId": 456, "botToken": "my_bot_token"}"#,
        handler!(commands::v2_list),
    );
    s.method(
        "imbot.v2.command.unregister",
        "Deletes a command of a 2.0 bot.",
        "Apaga um comando de um bot 2.0.",
        V2_COMMAND,
        r#"{"botId": 456, "botToken": "my_bot_token", "commandId": 5}"#,
        handler!(commands::v2_unregister),
    );
    s.method(
        "imbot.v2.event.get",
        "Reads a fetch-mode bot's events; offset acknowledges every event below it.",
        "Lê os eventos de um bot em modo fetch; offset confirma todos os eventos abaixo dele.",
        V2_EVENT_GET,
        r#"{"botId": 456, "botToken": "my_bot_token", "offset": 1002}"#,
        handler!(v2::event_get),
    );
    s.method(
        "imbot.v2.revision.get",
        "The revision of the bot API this server speaks.",
        "A revisão da API de bots que este servidor fala.",
        &[],
        "{}",
        handler!(v2::revision),
    );
}
