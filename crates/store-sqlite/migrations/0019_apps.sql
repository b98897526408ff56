-- Portico SQLite schema, version 19: local applications and their OAuth 2.0
-- grants. The client secret and the application token are sealed with the
-- data folder's key (the secret is also found by its keyed hash); codes,
-- access tokens and refresh tokens are kept only as keyed hashes. A grant is
-- one access token with the refresh token issued beside it; redeeming the
-- refresh token sets `refresh_used_at` in the same transaction that stores
-- the next grant, so a refresh token works once.

CREATE TABLE apps (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id                   TEXT NOT NULL,
    name                        TEXT NOT NULL,
    handler_url                 TEXT NOT NULL,
    install_url                 TEXT,
    script_only                 INTEGER NOT NULL DEFAULT 0,
    menu_texts                  TEXT NOT NULL DEFAULT '{}',
    scopes                      TEXT NOT NULL,
    secret_hash                 BLOB NOT NULL,
    secret_sealed               BLOB NOT NULL,
    application_token_sealed    BLOB NOT NULL,
    created_by                  INTEGER NOT NULL REFERENCES users (id),
    created_at                  INTEGER NOT NULL,
    installed_at                INTEGER,
    version                     INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE UNIQUE INDEX apps_client_id ON apps (client_id);

CREATE TABLE oauth_codes (
    code_hash                   BLOB PRIMARY KEY,
    app_id                      INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    user_id                     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at                  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX oauth_codes_app_id ON oauth_codes (app_id);

CREATE TABLE oauth_grants (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id                      INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    user_id                     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    access_hash                 BLOB NOT NULL,
    access_expires_at           INTEGER NOT NULL,
    refresh_hash                BLOB NOT NULL,
    refresh_expires_at          INTEGER NOT NULL,
    refresh_used_at             INTEGER,
    issued_at                   INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX oauth_grants_access_hash ON oauth_grants (access_hash);
CREATE UNIQUE INDEX oauth_grants_refresh_hash ON oauth_grants (refresh_hash);
CREATE INDEX oauth_grants_app_id ON oauth_grants (app_id);

-- Options an application keeps for itself (`app.option.*`, user_id 0) and
-- for each user (`user.option.*`); values are JSON text.
CREATE TABLE app_options (
    app_id                      INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    user_id                     INTEGER NOT NULL,
    name                        TEXT NOT NULL,
    value                       TEXT NOT NULL,
    PRIMARY KEY (app_id, user_id, name)
) STRICT, WITHOUT ROWID;
