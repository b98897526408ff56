-- Chat bots (portico_store::bots). A bot is a user row marked with
-- `external_auth_id = 'bot'` (it cannot sign in); `bots` holds what makes it a
-- bot: its code, type, owner (an application, or an inbound webhook with the
-- classic CLIENT_ID), API generation, handler URLs, 2.0 delivery mode and the
-- keyed hash of its botToken. Commands belong to a bot. A 2.0 bot in fetch
-- mode keeps its events in `bot_events` until it acknowledges them.
-- Outbound webhook rows with a `bot_id` are a bot's handler rows (one per
-- handler URL), hidden from users' lists like an application's handlers.

ALTER TABLE users ADD COLUMN external_auth_id TEXT;

CREATE TABLE bots (
    id                          INTEGER PRIMARY KEY REFERENCES users (id),
    code                        TEXT NOT NULL UNIQUE,
    bot_type                    TEXT NOT NULL CHECK (bot_type IN ('B', 'H', 'S', 'O', 'P')),
    openline                    INTEGER NOT NULL DEFAULT 0,
    app_id                      INTEGER REFERENCES apps (id) ON DELETE CASCADE,
    webhook_id                  INTEGER REFERENCES webhooks (id) ON DELETE CASCADE,
    client_id                   TEXT,
    api_version                 INTEGER NOT NULL,
    event_message_add           TEXT,
    event_message_update        TEXT,
    event_message_delete        TEXT,
    event_welcome_message       TEXT,
    event_bot_delete            TEXT,
    event_mode                  TEXT NOT NULL CHECK (event_mode IN ('fetch', 'webhook')),
    webhook_url                 TEXT,
    token_hash                  BLOB UNIQUE,
    application_token_sealed    BLOB NOT NULL,
    color                       TEXT NOT NULL DEFAULT '',
    hidden                      INTEGER NOT NULL DEFAULT 0,
    reactions_enabled           INTEGER NOT NULL DEFAULT 1,
    support_openline            INTEGER NOT NULL DEFAULT 0,
    background_id               TEXT,
    created_by                  INTEGER NOT NULL,
    created_at                  INTEGER NOT NULL,
    CHECK ((app_id IS NULL) != (webhook_id IS NULL))
) STRICT;

CREATE INDEX bots_app_id ON bots (app_id) WHERE app_id IS NOT NULL;
CREATE INDEX bots_webhook_id ON bots (webhook_id) WHERE webhook_id IS NOT NULL;

CREATE TABLE bot_commands (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id                      INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    command                     TEXT NOT NULL,
    common                      INTEGER NOT NULL DEFAULT 0,
    hidden                      INTEGER NOT NULL DEFAULT 0,
    extranet_support            INTEGER NOT NULL DEFAULT 0,
    langs                       TEXT NOT NULL,
    handler_url                 TEXT,
    created_at                  INTEGER NOT NULL,
    UNIQUE (bot_id, command)
) STRICT;

CREATE TABLE bot_events (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id                      INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    code                        TEXT NOT NULL,
    data                        TEXT NOT NULL,
    created_at                  INTEGER NOT NULL
) STRICT;

CREATE INDEX bot_events_bot_id ON bot_events (bot_id, id);

ALTER TABLE outbound_webhooks ADD COLUMN bot_id INTEGER;

CREATE INDEX outbound_webhooks_bot_id ON outbound_webhooks (bot_id, handler_url)
    WHERE bot_id IS NOT NULL;
