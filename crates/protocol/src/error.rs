//! The Bitrix24 error-code table and the [`ApiError`] value every layer returns.
//!
//! Each [`ErrorCode`] row carries its wire string (the `error` field of the
//! envelope), the HTTP status it is answered with and a default
//! `error_description`. The wire strings mix upper and lower case on purpose
//! (`QUERY_LIMIT_EXCEEDED`, `expired_token`): they are stored verbatim, never
//! derived from the variant name. See reference §3.3–§3.5 and §15.

use std::borrow::Cow;
use std::fmt;

/// Declares [`ErrorCode`] and its lookup functions from one table, so a row
/// cannot be half-added.
macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident => ($wire:literal, $status:literal, $desc:literal), )*) => {
        /// A Bitrix24 error code (the `error` field of an error envelope).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &'static [ErrorCode] = &[ $( ErrorCode::$variant, )* ];

            /// The wire string sent as `error` (may be empty for [`ErrorCode::Legacy`]).
            pub fn as_str(self) -> &'static str {
                match self { $( ErrorCode::$variant => $wire, )* }
            }

            /// The HTTP status this code is answered with by default.
            pub fn http_status(self) -> u16 {
                match self { $( ErrorCode::$variant => $status, )* }
            }

            /// The default `error_description` for this code.
            pub fn default_description(self) -> &'static str {
                match self { $( ErrorCode::$variant => $desc, )* }
            }
        }
    };
}

error_codes! {
    /// Unhandled server error.
    Internal => ("INTERNAL_SERVER_ERROR", 500, "Internal server error"),
    /// The server produced something it could not answer with.
    UnexpectedAnswer => ("ERROR_UNEXPECTED_ANSWER", 500, "Server returned an unexpected response"),
    /// Leaky-bucket request-rate limit hit (clients retry a 503).
    QueryLimitExceeded => ("QUERY_LIMIT_EXCEEDED", 503, "Too many requests"),
    /// Per-method operating-time budget exceeded.
    OperationTimeLimit => ("OPERATION_TIME_LIMIT", 429, "Method is blocked due to operation time limit."),
    /// REST API blocked by an administrator.
    OverloadLimit => ("OVERLOAD_LIMIT", 503, "REST API is blocked due to overload"),
    /// The method may not run inside `batch`.
    BatchMethodNotAllowed => ("ERROR_BATCH_METHOD_NOT_ALLOWED", 405, "Method is not allowed for batch usage"),
    /// More than 50 commands in one `batch`.
    BatchLengthExceeded => ("ERROR_BATCH_LENGTH_EXCEEDED", 400, "Max batch length exceeded"),
    /// Missing or unknown authorization data.
    NoAuthFound => ("NO_AUTH_FOUND", 401, "Wrong authorization data"),
    /// The request itself is malformed.
    InvalidRequest => ("INVALID_REQUEST", 400, "Invalid request"),
    /// Wrong webhook secret or disabled credentials.
    InvalidCredentials => ("INVALID_CREDENTIALS", 401, "Invalid request credentials"),
    /// The token or webhook lacks the method's scope.
    InsufficientScope => ("insufficient_scope", 403, "The request requires higher privileges than provided by the webhook token"),
    /// The OAuth access token has expired (clients refresh on this code).
    ExpiredToken => ("expired_token", 401, "The access token provided has expired."),
    /// The OAuth access token is unknown or malformed.
    InvalidToken => ("invalid_token", 401, "Token expired or invalid"),
    /// No such REST method.
    MethodNotFound => ("ERROR_METHOD_NOT_FOUND", 404, "Method not found!"),
    /// An argument has an invalid value.
    InvalidArgValue => ("INVALID_ARG_VALUE", 400, "Invalid argument value"),
    /// The requested element does not exist (universal API).
    NotFound => ("NOT_FOUND", 400, "Element not found"),
    /// Core-level failure.
    ErrorCore => ("ERROR_CORE", 400, "Core error"),
    /// Argument exception.
    ErrorArgument => ("ERROR_ARGUMENT", 400, "Invalid argument"),
    /// `event.bind` of an event code the portal does not raise.
    EventNotFound => ("ERROR_EVENT_NOT_FOUND", 400, "Event not found"),
    /// The caller may not do this.
    AccessDenied => ("ACCESS_DENIED", 403, "Access denied."),
    /// A field of a universal-API write (`crm.item.*`) has an invalid value.
    CrmFieldValueNotValid => ("CRM_FIELD_ERROR_VALUE_NOT_VALID", 400, "Invalid field value"),
    /// A required field of a universal-API write (`crm.item.*`) is empty.
    CrmFieldRequired => ("CRM_FIELD_ERROR_REQUIRED", 400, "A required field is empty"),
    /// The universal API (`crm.item.*`) does not serve this `entityTypeId`.
    EntityTypeNotSupported => ("ENTITY_TYPE_NOT_SUPPORTED", 400, "Entity type is not supported"),
    /// The addressed object does not exist (`crm.*.userfield.get` of a missing id).
    ErrorNotFound => ("ERROR_NOT_FOUND", 400, "Not found"),
    /// The authorization type (webhook vs application) is not allowed here.
    WrongAuthType => ("WRONG_AUTH_TYPE", 403, "Current authorization type is denied for this method"),
    /// `placement.bind` of a placement code the portal does not offer.
    PlacementNotFound => ("ERROR_PLACEMENT_NOT_FOUND", 400, "Placement not found"),
    /// The user behind the credentials could not be authorized.
    AuthorizationError => ("authorization_error", 401, "Unable to authorize user"),
    /// Legacy CRM error: empty `error`, all information in the description.
    Legacy => ("", 400, "Not found"),
    /// `feature.get` without `CODE`.
    CodeEmpty => ("CODE_EMPTY", 400, "CODE can't be empty"),
    /// An error of a D7 controller raised without a code (`crm.category.*`
    /// refusals such as deleting a pipeline that has deals; `tasks.task.*`'s
    /// `wrong task id`, `Invalid sorting key`): `error` is `"0"`.
    Uncoded => ("0", 400, "Error"),
    /// The request body exceeds the configured limit.
    PayloadTooLarge => ("REQUEST_ENTITY_TOO_LARGE", 413, "Request body is too large"),
    /// The request body did not arrive within the server's body timeout.
    RequestTimeout => ("REQUEST_TIMEOUT", 408, "The request body was not received in time"),
    /// The request body has a Content-Type the server cannot decode.
    UnsupportedMediaType => ("UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported Content-Type"),
    /// An HTTP method other than GET or POST.
    HttpMethodNotAllowed => ("METHOD_NOT_ALLOWED", 405, "Only GET and POST are allowed"),
    /// The answer would be larger than the server sends in one response.
    ResponseTooLarge => ("RESPONSE_TOO_LARGE", 400, "The answer is too large: ask for fewer records or fields"),
    /// A controller method (`tasks.task.*`) lacks a parameter or got one of the wrong type.
    ControllerParam => ("100", 400, "Could not find value for parameter"),
    /// An action on a task the caller may not take, or on a task they cannot see.
    TaskActionNotAllowed => ("1048582", 400, "Action on the task is not allowed"),
    /// `startwatch` / `stopwatch` on a task that is missing or invisible.
    TaskNotAvailable => ("1048584", 400, "a:0:{}"),
    /// Creating a task for someone else without the right to.
    TaskCreateDenied => ("ERROR_TASK_CREATE_ACCESS_DENIED", 400, "Insufficient permission to create a task."),
    // Scope `im` (notifications, chats).
    /// `ATTACH` is not a valid attachment.
    AttachError => ("ATTACH_ERROR", 400, "Incorrect attach params"),
    /// `ATTACH` is longer than 60 000 characters once serialized.
    AttachOversize => ("ATTACH_OVERSIZE", 400, "You have exceeded the maximum allowable size of attach"),
    /// `MESSAGE` is missing or blank.
    MessageEmpty => ("MESSAGE_EMPTY", 400, "Message can't be empty"),
    /// `USER_ID` is missing or not positive.
    UserIdEmpty => ("USER_ID_EMPTY", 400, "User ID can't be empty"),
    /// The user named does not exist (or is not active).
    UserNotFound => ("USER_NOT_FOUND", 400, "User not found"),
    /// The parameters of an `im` method do not fit together.
    ParamsError => ("PARAMS_ERROR", 400, "Incorrect params"),
    /// `LAST_ID` of a paged `im` read is not a number.
    LastIdString => ("LAST_ID_STRING", 400, "Last ID can't be string"),
    /// `im.notify.get` with only one of `LAST_ID` and `LAST_TYPE`.
    LastIdAndLastType => ("LAST_ID_AND_LAST_TYPE", 400, "Parameters LAST_ID and LAST_TYPE should be used together."),
    // Scope `im`: chats and messages.
    /// The caller may not do this in the chat, or not reach the dialog.
    AccessError => ("ACCESS_ERROR", 403, "Action unavailable"),
    /// Only the chat's owner removes other members.
    AccessDeniedKick => ("ACCESS_DENIED_KICK", 403, "You cannot remove this user from the chat"),
    /// A message could not be written to its chat.
    ChatIdError => ("CHAT_ID", 400, "Error creating message"),
    /// `CHAT_ID` is missing or not positive.
    ChatIdEmpty => ("CHAT_ID_EMPTY", 400, "Chat ID can't be empty"),
    /// `DIALOG_ID` is missing.
    DialogIdEmpty => ("DIALOG_ID_EMPTY", 400, "Dialog ID can't be empty"),
    /// `FIRST_ID` of a paged `im` read is not a number.
    FirstIdString => ("FIRST_ID_STRING", 400, "First ID can't be string"),
    /// `MESSAGE_ID` is missing or not positive.
    MessageIdError => ("MESSAGE_ID_ERROR", 400, "Message ID can't be empty"),
    /// The message is not the caller's, is too old to change, or is gone.
    CantEditMessage => ("CANT_EDIT_MESSAGE", 400, "Time has expired for modification or you don't have access"),
    /// `KEYBOARD` is malformed.
    KeyboardError => ("KEYBOARD_ERROR", 400, "Incorrect keyboard params"),
    /// `KEYBOARD` is too long.
    KeyboardOversize => ("KEYBOARD_OVERSIZE", 400, "You have exceeded the maximum allowable size of keyboard"),
    /// `MENU` is malformed.
    MenuError => ("MENU_ERROR", 400, "Incorrect menu params"),
    /// `MENU` is too long.
    MenuOversize => ("MENU_OVERSIZE", 400, "You have exceeded the maximum allowable size of menu"),
    /// `REPLY_ID` names a message of another chat (or none).
    ReplyFromOtherChat => ("REPLY_FROM_OTHER_CHAT_ERROR", 400, "You can only reply to a message within the same chat"),
    /// `TITLE` of `im.chat.updateTitle` is empty.
    TitleEmpty => ("TITLE_EMPTY", 400, "Title can't be empty"),
    // Scope `log` (the live feed). `log.blogpost.delete` also answers "100"
    // (`ControllerParam`) and "0" (`Uncoded`); `log.blogcomment.*` answer
    // `Legacy` (an empty code).
    /// `log.blogpost.add` refused (no text, no destination).
    LogPostAddError => ("SONET_CONTROLLER_LIVEFEED_BLOGPOST_ADD_ERROR", 400, "Blog post hasn't been added"),
    /// `log.blogpost.update` refused (wrong id, no such post, no rights).
    LogPostUpdateError => ("SONET_CONTROLLER_LIVEFEED_BLOGPOST_UPDATE_ERROR", 400, "Wrong post ID"),
    /// `log.blogpost.update` with neither `POST_TITLE` nor `POST_MESSAGE`.
    EmptyTitle => ("EMPTY_TITLE", 400, "Message title is not specified."),
    /// `log.blogpost.delete` of a post the caller may not delete.
    LogPostDeleteDenied => ("403", 400, "You do not have permission to delete this message"),

    // imbot: chat bots, classic (`imbot.*`) and 2.0 (`imbot.v2.*`).
    /// A classic bot that does not exist (or `BOT_ID` missing).
    BotIdError => ("BOT_ID_ERROR", 400, "Bot not found"),
    /// A classic bot or command registered by another application.
    AppIdError => ("APP_ID_ERROR", 400, "Bot was installed by another REST application"),
    /// A classic bot write that could not be made.
    WrongRequest => ("WRONG_REQUEST", 400, "Bot can't be created"),
    /// `imbot.register` without `CODE`.
    CodeError => ("CODE_ERROR", 400, "Bot code isn't specified"),
    /// `imbot.register` / `imbot.update` without `NAME` nor `LAST_NAME`.
    NameError => ("NAME_ERROR", 400, "Bot name isn't specified"),
    /// The most classic bots one application may register.
    MaxCountError => ("MAX_COUNT_ERROR", 400, "Has reached the maximum number of bots for application (max: 5)"),
    /// `EVENT_MESSAGE_ADD` missing or not a valid handler URL.
    EventMessageAddError => ("EVENT_MESSAGE_ADD_ERROR", 400, "Wrong handler URL"),
    /// `EVENT_MESSAGE_UPDATE` not a valid handler URL.
    EventMessageUpdateError => ("EVENT_MESSAGE_UPDATE_ERROR", 400, "Wrong handler URL"),
    /// `EVENT_MESSAGE_DELETE` not a valid handler URL.
    EventMessageDeleteError => ("EVENT_MESSAGE_DELETE_ERROR", 400, "Wrong handler URL"),
    /// `EVENT_WELCOME_MESSAGE` missing or not a valid handler URL.
    EventWelcomeMessageError => ("EVENT_WELCOME_MESSAGE_ERROR", 400, "Wrong handler URL"),
    /// `EVENT_BOT_DELETE` missing or not a valid handler URL.
    EventBotDeleteError => ("EVENT_BOT_DELETE_ERROR", 400, "Wrong handler URL"),
    /// `EVENT_COMMAND_ADD` missing or not a valid handler URL.
    EventCommandAddError => ("EVENT_COMMAND_ADD_ERROR", 400, "Wrong handler URL"),
    /// `imbot.command.register` without a valid `COMMAND`.
    CommandError => ("COMMAND_ERROR", 400, "Command isn't specified"),
    /// `imbot.command.register` without `LANG`.
    LangError => ("LANG_ERROR", 400, "Lang set can't be empty"),
    /// A classic command that does not exist.
    CommandIdError => ("COMMAND_ID_ERROR", 400, "Command not found"),
    /// A 2.0 call through a webhook without `botToken`.
    BotTokenNotSpecified => ("BOT_TOKEN_NOT_SPECIFIED", 400, "Bot token is not specified"),
    /// A `botToken` longer than 40 characters.
    BotTokenInvalidLength => ("BOT_TOKEN_INVALID_LENGTH", 400, "Bot token must not be longer than 40 characters"),
    /// A 2.0 call without `botId`.
    BotIdRequired => ("BOT_ID_REQUIRED", 400, "Bot ID is required"),
    /// A 2.0 bot that does not exist.
    BotNotFound => ("BOT_NOT_FOUND", 400, "Bot not found"),
    /// A 2.0 bot registered by another application, webhook or token.
    BotOwnershipError => ("BOT_OWNERSHIP_ERROR", 403, "Bot is registered by another application"),
    /// `imbot.v2.Bot.register` without `fields.code`.
    BotCodeRequired => ("BOT_CODE_REQUIRED", 400, "Bot code is required"),
    /// `imbot.v2.Bot.register` without `fields.properties.name`.
    BotPropertiesRequired => ("BOT_PROPERTIES_REQUIRED", 400, "Bot properties are required"),
    /// A bot code another application registered.
    BotCodeAlreadyTaken => ("BOT_CODE_ALREADY_TAKEN", 400, "Bot code is already taken"),
    /// An unknown 2.0 bot type.
    BotInvalidType => ("BOT_INVALID_TYPE", 400, "Invalid bot type"),
    /// An unknown 2.0 event mode.
    BotInvalidEventMode => ("BOT_INVALID_EVENT_MODE", 400, "Invalid event mode"),
    /// Webhook mode without `webhookUrl`.
    BotWebhookUrlRequired => ("BOT_WEBHOOK_URL_REQUIRED", 400, "Webhook URL is required"),
    /// A `webhookUrl` the handler check refuses.
    BotInvalidCallback => ("BOT_INVALID_CALLBACK", 400, "Invalid callback URL"),
    /// The most 2.0 bots one application may register.
    BotLimitExceeded => ("BOT_LIMIT_EXCEEDED", 400, "Bot limit exceeded"),
    /// A 2.0 registration that could not be made (a token in use).
    BotRegisterFailed => ("BOT_REGISTER_FAILED", 400, "Bot registration failed"),
    /// A `botToken` rotation to a token in use.
    BotTokenRotationFailed => ("BOT_TOKEN_ROTATION_FAILED", 400, "Bot token rotation failed"),
    /// A 2.0 command that does not exist (or is another bot's).
    CommandNotFound => ("COMMAND_NOT_FOUND", 400, "Command not found"),
    /// `imbot.v2.Event.get` with `withUserEvents` without scope `im`.
    ScopeError => ("SCOPE_ERROR", 400, "Scope error"),
    /// `imbot.v2.Event.get` with `withUserEvents` and no `im.v2.Event.subscribe`.
    UserNotSubscribed => ("USER_NOT_SUBSCRIBED", 400, "User not subscribed"),
    /// `imbot.command.answer` (and 2.0 message calls) without a message id.
    MessageIdEmpty => ("MESSAGE_ID_EMPTY", 400, "Message ID can't be empty"),
    /// A 2.0 message without text nor attachment.
    EmptyMessage => ("EMPTY_MESSAGE", 400, "Message can't be empty"),
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error answered on the wire as `{"error": .., "error_description": ..}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// The error code (its wire string is the `error` field).
    pub code: ErrorCode,
    /// The `error_description` text.
    pub description: Cow<'static, str>,
    /// The HTTP status to answer with (the code's default unless overridden).
    pub status: u16,
    /// Seconds the client should wait before trying again (the `Retry-After`
    /// header of a top-level answer), for limit refusals.
    pub retry_after: Option<i64>,
}

impl ApiError {
    /// An error with the code's default status and the given description.
    pub fn new(code: ErrorCode, description: impl Into<Cow<'static, str>>) -> Self {
        ApiError {
            code,
            description: description.into(),
            status: code.http_status(),
            retry_after: None,
        }
    }

    /// An error with the code's default status and default description.
    pub fn from_code(code: ErrorCode) -> Self {
        ApiError::new(code, code.default_description())
    }

    /// A legacy CRM error: `{"error":"","error_description":description}`, HTTP 400.
    pub fn legacy(description: impl Into<Cow<'static, str>>) -> Self {
        ApiError::new(ErrorCode::Legacy, description)
    }

    /// The generic 500 `INTERNAL_SERVER_ERROR` (never carries internal details).
    pub fn internal() -> Self {
        ApiError::from_code(ErrorCode::Internal)
    }

    /// The same error telling the client to retry after `seconds` (at least 1).
    pub fn with_retry_after(mut self, seconds: i64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }

    /// The same error answered with another HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// The wire body as JSON: `{"error": code, "error_description": description}`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        map.insert("error".into(), self.code.as_str().into());
        map.insert("error_description".into(), self.description.as_ref().into());
        serde_json::Value::Object(map)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.code.as_str().is_empty() {
            f.write_str(&self.description)
        } else {
            write!(f, "{}: {}", self.code.as_str(), self.description)
        }
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashSet;

    /// Exhaustive on purpose: adding a variant without a table row fails to compile here.
    fn ordinal(code: ErrorCode) -> usize {
        use ErrorCode::*;
        match code {
            Internal => 0,
            UnexpectedAnswer => 1,
            QueryLimitExceeded => 2,
            OperationTimeLimit => 3,
            OverloadLimit => 4,
            BatchMethodNotAllowed => 5,
            BatchLengthExceeded => 6,
            NoAuthFound => 7,
            InvalidRequest => 8,
            InvalidCredentials => 9,
            InsufficientScope => 10,
            ExpiredToken => 11,
            InvalidToken => 12,
            MethodNotFound => 13,
            InvalidArgValue => 14,
            NotFound => 15,
            ErrorCore => 16,
            ErrorArgument => 17,
            EventNotFound => 18,
            AccessDenied => 19,
            CrmFieldValueNotValid => 20,
            CrmFieldRequired => 21,
            EntityTypeNotSupported => 22,
            ErrorNotFound => 23,
            WrongAuthType => 24,
            PlacementNotFound => 25,
            AuthorizationError => 26,
            Legacy => 27,
            CodeEmpty => 28,
            Uncoded => 29,
            PayloadTooLarge => 30,
            RequestTimeout => 31,
            UnsupportedMediaType => 32,
            HttpMethodNotAllowed => 33,
            ResponseTooLarge => 34,
            ControllerParam => 35,
            TaskActionNotAllowed => 36,
            TaskNotAvailable => 37,
            TaskCreateDenied => 38,
            AttachError => 39,
            AttachOversize => 40,
            MessageEmpty => 41,
            UserIdEmpty => 42,
            UserNotFound => 43,
            ParamsError => 44,
            LastIdString => 45,
            LastIdAndLastType => 46,
            AccessError => 47,
            AccessDeniedKick => 48,
            ChatIdError => 49,
            ChatIdEmpty => 50,
            DialogIdEmpty => 51,
            FirstIdString => 52,
            MessageIdError => 53,
            CantEditMessage => 54,
            KeyboardError => 55,
            KeyboardOversize => 56,
            MenuError => 57,
            MenuOversize => 58,
            ReplyFromOtherChat => 59,
            TitleEmpty => 60,
            LogPostAddError => 61,
            LogPostUpdateError => 62,
            EmptyTitle => 63,
            LogPostDeleteDenied => 64,
            BotIdError => 65,
            AppIdError => 66,
            WrongRequest => 67,
            CodeError => 68,
            NameError => 69,
            MaxCountError => 70,
            EventMessageAddError => 71,
            EventMessageUpdateError => 72,
            EventMessageDeleteError => 73,
            EventWelcomeMessageError => 74,
            EventBotDeleteError => 75,
            EventCommandAddError => 76,
            CommandError => 77,
            LangError => 78,
            CommandIdError => 79,
            BotTokenNotSpecified => 80,
            BotTokenInvalidLength => 81,
            BotIdRequired => 82,
            BotNotFound => 83,
            BotOwnershipError => 84,
            BotCodeRequired => 85,
            BotPropertiesRequired => 86,
            BotCodeAlreadyTaken => 87,
            BotInvalidType => 88,
            BotInvalidEventMode => 89,
            BotWebhookUrlRequired => 90,
            BotInvalidCallback => 91,
            BotLimitExceeded => 92,
            BotRegisterFailed => 93,
            BotTokenRotationFailed => 94,
            CommandNotFound => 95,
            ScopeError => 96,
            UserNotSubscribed => 97,
            MessageIdEmpty => 98,
            EmptyMessage => 99,
        }
    }

    #[test]
    fn all_covers_every_variant_once() {
        let seen: HashSet<usize> = ErrorCode::ALL.iter().map(|c| ordinal(*c)).collect();
        assert_eq!(ErrorCode::ALL.len(), 100);
        assert_eq!(seen.len(), 100);
        assert_eq!(ErrorCode::ALL.len(), 100);
        assert_eq!(seen.len(), 100);
        assert_eq!(ErrorCode::ALL.len(), 100);
        assert_eq!(seen.len(), 100);
    }

    #[test]
    fn wire_strings_are_unique() {
        let wires: HashSet<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(wires.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn every_row_is_sane() {
        for code in ErrorCode::ALL {
            assert!((400..600).contains(&code.http_status()), "{code:?}");
            assert!(!code.default_description().is_empty(), "{code:?}");
            assert!(code
                .as_str()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'));
        }
    }

    #[test]
    fn spot_check_table() {
        assert_eq!(ErrorCode::QueryLimitExceeded.http_status(), 503);
        assert_eq!(ErrorCode::OperationTimeLimit.http_status(), 429);
        assert_eq!(ErrorCode::ExpiredToken.as_str(), "expired_token");
        assert_eq!(ErrorCode::MethodNotFound.http_status(), 404);
        assert_eq!(ErrorCode::Legacy.as_str(), "");
        assert_eq!(ErrorCode::NotFound.http_status(), 400);
    }

    #[test]
    fn constructors_and_json() {
        let e = ApiError::from_code(ErrorCode::QueryLimitExceeded);
        assert_eq!(e.status, 503);
        assert_eq!(
            e.to_json(),
            json!({"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"})
        );
        let l = ApiError::legacy("Not found");
        assert_eq!(l.status, 400);
        assert_eq!(
            l.to_json(),
            json!({"error": "", "error_description": "Not found"})
        );
        assert_eq!(l.to_string(), "Not found");
        let i = ApiError::internal();
        assert_eq!((i.code, i.status), (ErrorCode::Internal, 500));
        let s = ApiError::new(ErrorCode::AccessDenied, format!("no {}", 1)).with_status(400);
        assert_eq!(s.status, 400);
        assert_eq!(s.to_string(), "ACCESS_DENIED: no 1");
        let boxed: Box<dyn std::error::Error> = Box::new(s);
        assert!(boxed.to_string().contains("no 1"));
    }
}
