-- Portico SQLite schema, version 7: sign-in attempt counters, counted before each
-- password check (a login from one address, an address, a login from anywhere).

CREATE TABLE sign_in_attempts (
    key                     TEXT PRIMARY KEY,
    attempts                INTEGER NOT NULL,
    window_ends_at          INTEGER NOT NULL,
    next_allowed_at         INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX sign_in_attempts_window_ends_at ON sign_in_attempts (window_ends_at);
