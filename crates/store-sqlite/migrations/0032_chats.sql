-- Chats (im.chat.*, im.dialog.*): private 1:1 dialogs (P, one per pair of
-- users, found again by dialog_key), closed (C) and open (O) group chats,
-- their members (with the hidden history and the last message read) and their
-- messages (author 0 = system; params a JSON object).

CREATE TABLE chats (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    type            TEXT NOT NULL CHECK (type IN ('P', 'C', 'O')),
    title           TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    color           TEXT NOT NULL DEFAULT '',
    owner_id        INTEGER NOT NULL,
    entity_type     TEXT NOT NULL DEFAULT '',
    entity_id       TEXT NOT NULL DEFAULT '',
    dialog_key      TEXT,
    created_at      INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX chats_dialog_key ON chats (dialog_key);
CREATE INDEX chats_entity ON chats (entity_type, entity_id);

CREATE TABLE chat_members (
    chat_id             INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    user_id             INTEGER NOT NULL,
    joined_message_id   INTEGER NOT NULL DEFAULT 0,
    last_read_id        INTEGER NOT NULL DEFAULT 0,
    last_read_at        INTEGER NOT NULL DEFAULT 0,
    joined_at           INTEGER NOT NULL,
    PRIMARY KEY (chat_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX chat_members_user_id ON chat_members (user_id, chat_id);

CREATE TABLE chat_messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id         INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    author_id       INTEGER NOT NULL,
    text            TEXT NOT NULL,
    params          TEXT NOT NULL DEFAULT '{}',
    uuid            TEXT,
    created_at      INTEGER NOT NULL,
    edited          INTEGER NOT NULL DEFAULT 0,
    deleted         INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX chat_messages_chat_id ON chat_messages (chat_id, id);
