-- Portico SQLite schema, version 17: workgroups and projects (sonet_group.*)
-- with their members (role A owner, E moderator, K member).

CREATE TABLE workgroups (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    visible         INTEGER NOT NULL DEFAULT 1,
    opened          INTEGER NOT NULL DEFAULT 0,
    closed          INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1,
    project         INTEGER NOT NULL DEFAULT 0,
    keywords        TEXT NOT NULL DEFAULT '',
    initiate_perms  TEXT NOT NULL DEFAULT 'K',
    owner_id        INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE workgroup_members (
    group_id        INTEGER NOT NULL REFERENCES workgroups (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('A', 'E', 'K')),
    PRIMARY KEY (group_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX workgroup_members_user_id ON workgroup_members (user_id, group_id);
