//! Chat bots (scope `imbot`; reference chat §3 and §9): bots registered by
//! an application or an inbound webhook, their commands and events, in the
//! classic API (`imbot.*`) and in Chatbots 2.0 (`imbot.v2.*`, camel-case on
//! the wire, declared in lower case and looked up in any case). Session authorization is refused; a
//! bot is acted on only through the identity that registered it.

mod access;
mod acting;
mod classic;
mod commands;
mod input;
mod v2;
mod v2_chat;

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

const MESSAGE_ADD: &[ParamSpec] = &[
    p(
        "BOT_ID",
        "integer",
        false,
        "The bot (default: the caller's first bot).",
        "O bot (padrão: o primeiro bot de quem chama).",
    ),
    p(
        "DIALOG_ID",
        "string",
        true,
        "A user id (1:1 dialog) or chatN.",
        "Um id de usuário (diálogo 1:1) ou chatN.",
    ),
    p(
        "MESSAGE",
        "string",
        true,
        "Text with BB-codes.",
        "Texto com BB-codes.",
    ),
    p("ATTACH", "object", false, "Rich attachment.", "Anexo rico."),
    p(
        "KEYBOARD",
        "object",
        false,
        "Buttons; COMMAND buttons reach the bot.",
        "Botões; botões COMMAND chegam ao bot.",
    ),
    p("MENU", "object", false, "Menu items.", "Itens de menu."),
    p(
        "SYSTEM",
        "string",
        false,
        "Y: a system message.",
        "Y: uma mensagem de sistema.",
    ),
    CLIENT_ID,
];
const MESSAGE_CHANGE: &[ParamSpec] = &[
    p("BOT_ID", "integer", false, "The bot.", "O bot."),
    p(
        "MESSAGE_ID",
        "integer",
        true,
        "A message of the bot.",
        "Uma mensagem do bot.",
    ),
    p(
        "MESSAGE",
        "string",
        false,
        "New text (update; empty deletes).",
        "Novo texto (update; vazio apaga).",
    ),
    CLIENT_ID,
];
const BOT_DIALOG: &[ParamSpec] = &[
    p("BOT_ID", "integer", false, "The bot.", "O bot."),
    p(
        "DIALOG_ID",
        "string",
        true,
        "A user id or chatN.",
        "Um id de usuário ou chatN.",
    ),
    CLIENT_ID,
];
const BOT_CHAT: &[ParamSpec] = &[
    p("BOT_ID", "integer", false, "The bot.", "O bot."),
    p(
        "CHAT_ID",
        "integer",
        false,
        "The chat (and the parameters of the im.chat method).",
        "O chat (e os parâmetros do método im.chat).",
    ),
    CLIENT_ID,
];
const COMMAND_ANSWER: &[ParamSpec] = &[
    p(
        "COMMAND_ID",
        "integer",
        false,
        "The command (or COMMAND).",
        "O comando (ou COMMAND).",
    ),
    p(
        "COMMAND",
        "string",
        false,
        "The command's name.",
        "O nome do comando.",
    ),
    p(
        "MESSAGE_ID",
        "integer",
        true,
        "The message of the event.",
        "A mensagem do evento.",
    ),
    p("MESSAGE", "string", true, "The answer.", "A resposta."),
    CLIENT_ID,
];
const V2_SEND: &[ParamSpec] = &[
    V2_BOT_ID,
    BOT_TOKEN,
    p(
        "dialogId",
        "string",
        true,
        "A user id or chatN.",
        "Um id de usuário ou chatN.",
    ),
    p(
        "fields",
        "object",
        true,
        "message, attach, keyboard, system, urlPreview, replyId, templateId.",
        "message, attach, keyboard, system, urlPreview, replyId, templateId.",
    ),
];
const V2_MESSAGE: &[ParamSpec] = &[
    V2_BOT_ID,
    BOT_TOKEN,
    p(
        "messageId",
        "integer",
        true,
        "A message of the bot.",
        "Uma mensagem do bot.",
    ),
    p(
        "fields",
        "object",
        false,
        "message, attach, keyboard, urlPreview.",
        "message, attach, keyboard, urlPreview.",
    ),
];
const V2_DIALOG: &[ParamSpec] = &[
    V2_BOT_ID,
    BOT_TOKEN,
    p(
        "dialogId",
        "string",
        true,
        "A user id or chatN.",
        "Um id de usuário ou chatN.",
    ),
];
const V2_ANSWER: &[ParamSpec] = &[
    V2_BOT_ID,
    BOT_TOKEN,
    p("commandId", "integer", true, "The command.", "O comando."),
    p(
        "messageId",
        "integer",
        true,
        "The message of the event.",
        "A mensagem do evento.",
    ),
    p("dialogId", "string", true, "Its dialog.", "Seu diálogo."),
    p(
        "fields",
        "object",
        true,
        "message, attach, keyboard, system.",
        "message, attach, keyboard, system.",
    ),
];
const PRESS: &[ParamSpec] = &[
    p(
        "MESSAGE_ID",
        "integer",
        true,
        "The message with the keyboard.",
        "A mensagem com o teclado.",
    ),
    p(
        "COMMAND",
        "string",
        true,
        "The button's command.",
        "O comando do botão.",
    ),
    p(
        "COMMAND_PARAMS",
        "string",
        false,
        "The button's parameters.",
        "Os parâmetros do botão.",
    ),
    p(
        "BOT_ID",
        "integer",
        false,
        "The bot (default: the keyboard's).",
        "O bot (padrão: o do teclado).",
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
    s.method(
        "imbot.message.add",
        "Sends a message as a bot to one of its dialogs; returns its id.",
        "Envia uma mensagem como bot a um de seus diálogos; devolve seu id.",
        MESSAGE_ADD,
        r#"{"BOT_ID": 39, "DIALOG_ID": "1", "MESSAGE": "Hello"}"#,
        handler!(acting::message_add),
    );
    s.method(
        "imbot.message.update",
        "Changes a message of the bot.",
        "Altera uma mensagem do bot.",
        MESSAGE_CHANGE,
        r#"{"BOT_ID": 39, "MESSAGE_ID": 5, "MESSAGE": "Hi"}"#,
        handler!(acting::message_update),
    );
    s.method(
        "imbot.message.delete",
        "Deletes a message of the bot.",
        "Apaga uma mensagem do bot.",
        MESSAGE_CHANGE,
        r#"{"BOT_ID": 39, "MESSAGE_ID": 5}"#,
        handler!(acting::message_delete),
    );
    s.method(
        "imbot.chat.sendtyping",
        "Tells a dialog of the bot that it is typing.",
        "Avisa um diálogo do bot que ele está digitando.",
        BOT_DIALOG,
        r#"{"BOT_ID": 39, "DIALOG_ID": "1"}"#,
        handler!(acting::send_typing),
    );
    s.method(
        "imbot.dialog.get",
        "Reads a dialog of the bot.",
        "Lê um diálogo do bot.",
        BOT_DIALOG,
        r#"{"BOT_ID": 39, "DIALOG_ID": "chat3"}"#,
        handler!(acting::dialog_get),
    );
    s.method(
        "imbot.command.answer",
        "Answers a command event with a message in its chat; returns the message id.",
        "Responde a um evento de comando com uma mensagem em seu chat; devolve o id da mensagem.",
        COMMAND_ANSWER,
        r#"{"COMMAND_ID": 5, "MESSAGE_ID": 9, "MESSAGE": "Done"}"#,
        handler!(acting::command_answer),
    );
    s.method(
        "imbot.chat.add",
        "Creates a group chat owned by the bot.",
        "Cria um chat em grupo do bot.",
        BOT_CHAT,
        r#"{"BOT_ID": 39, "USERS": [1], "TITLE": "Support"}"#,
        handler!(acting::chat_add),
    );
    s.method(
        "imbot.chat.get",
        "Finds a chat by its binding (ENTITY_TYPE, ENTITY_ID), as the bot.",
        "Encontra um chat pelo vínculo (ENTITY_TYPE, ENTITY_ID), como o bot.",
        BOT_CHAT,
        r#"{"BOT_ID": 39, "ENTITY_TYPE": "CRM", "ENTITY_ID": "DEAL|1"}"#,
        handler!(acting::chat_get),
    );
    s.method(
        "imbot.chat.user.add",
        "Adds users to a chat of the bot.",
        "Adiciona usuários a um chat do bot.",
        BOT_CHAT,
        r#"{"BOT_ID": 39, "CHAT_ID": 3, "USERS": [2]}"#,
        handler!(acting::chat_user_add),
    );
    s.method(
        "imbot.chat.user.list",
        "Lists the members of a chat of the bot.",
        "Lista os membros de um chat do bot.",
        BOT_CHAT,
        r#"{"BOT_ID": 39, "CHAT_ID": 3}"#,
        handler!(acting::chat_user_list),
    );
    s.method(
        "imbot.chat.leave",
        "The bot leaves a chat.",
        "O bot sai de um chat.",
        BOT_CHAT,
        r#"{"BOT_ID": 39, "CHAT_ID": 3}"#,
        handler!(acting::chat_leave),
    );
    s.method("imbot.v2.chat.message.send", "Sends a message as a 2.0 bot; returns {id, uuidMap}.", "Envia uma mensagem como bot 2.0; devolve {id, uuidMap}.", V2_SEND, r#"{"botId": 456, "botToken": "my_bot_token", "dialogId": "1", "fields": {"message": "Hello"}}"#, handler!(v2_chat::send));
    s.method("imbot.v2.chat.message.update", "Changes a message of a 2.0 bot.", "Altera uma mensagem de um bot 2.0.", V2_MESSAGE, r#"{"botId": 456, "botToken": "my_bot_token", "messageId": 5, "fields": {"message": "Hi"}}"#, handler!(v2_chat::update));
    s.method(
        "imbot.v2.chat.message.delete",
        "Deletes a message of a 2.0 bot.",
        "Apaga uma mensagem de um bot 2.0.",
        V2_MESSAGE,
        r#"{"botId": 456, "botToken": "my_bot_token", "messageId": 5}"#,
        handler!(v2_chat::delete),
    );
    s.method(
        "imbot.v2.chat.inputaction.notify",
        "Tells a dialog of a 2.0 bot what it is doing (typing).",
        "Avisa um diálogo de um bot 2.0 o que ele está fazendo (digitando).",
        V2_DIALOG,
        r#"{"botId": 456, "botToken": "my_bot_token", "dialogId": "1"}"#,
        handler!(v2_chat::input_action),
    );
    s.method("imbot.v2.command.answer", "Answers a 2.0 command event in its chat.", "Responde a um evento de comando 2.0 em seu chat.", V2_ANSWER, r#"{"botId": 456, "botToken": "my_bot_token", "commandId": 5, "messageId": 9, "dialogId": "1", "fields": {"message": "Done"}}"#, handler!(v2_chat::command_answer));
    s.method(
        "imbot.v2.chat.get",
        "Reads a chat of a 2.0 bot.",
        "Lê um chat de um bot 2.0.",
        V2_DIALOG,
        r#"{"botId": 456, "botToken": "my_bot_token", "dialogId": "chat3"}"#,
        handler!(v2_chat::chat_get),
    );
    let mut im = r.scope("im", &[]);
    im.method("im.message.command", "Presses a keyboard COMMAND button of a message: its bot gets ONIMCOMMANDADD (context KEYBOARD).", "Pressiona um botão COMMAND do teclado de uma mensagem: seu bot recebe ONIMCOMMANDADD (contexto KEYBOARD).", PRESS, r#"{"MESSAGE_ID": 9, "COMMAND": "help"}"#, handler!(v2_chat::press));
}
