-- Portico SQLite schema, version 15: the company structure (department.*).
-- Department 1 is the top-level one every employee belongs to by default.

CREATE TABLE departments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    sort        INTEGER NOT NULL DEFAULT 500,
    parent_id   INTEGER REFERENCES departments (id) ON DELETE CASCADE,
    head_id     INTEGER
) STRICT;

CREATE INDEX departments_parent_id ON departments (parent_id);

INSERT INTO departments (id, name, sort, parent_id) VALUES (1, 'Company', 500, NULL);
