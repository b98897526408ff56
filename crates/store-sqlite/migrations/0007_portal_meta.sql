-- Portico SQLite schema: portal-wide named values (such as the check value that
-- ties the database to its secret key file).

CREATE TABLE portal_meta (
    name                    TEXT PRIMARY KEY,
    value                   BLOB NOT NULL
) STRICT, WITHOUT ROWID;
