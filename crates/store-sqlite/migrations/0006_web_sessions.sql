-- Portico SQLite schema, version 6: web sign-in sessions, per-user settings of the UI,
-- and when each inbound webhook was last used.

CREATE TABLE sessions (
    token_hash              BLOB PRIMARY KEY,
    user_id                 INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token              TEXT NOT NULL,
    created_at              INTEGER NOT NULL,
    expires_at              INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE user_settings (
    user_id                 INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                    TEXT NOT NULL,
    value                   TEXT NOT NULL,
    PRIMARY KEY (user_id, name)
) STRICT, WITHOUT ROWID;

ALTER TABLE webhooks ADD COLUMN last_used_at INTEGER;
