-- Portico SQLite schema, version 18: scrum (tasks.api.scrum.*). A workgroup
-- with a scrum master is a scrum; its backlog (one per group) and sprints are
-- scrum entities, its epics group tasks, and a scrum item places one task in
-- one entity. A group's scrum data goes with the group, a task's item with
-- the task.

ALTER TABLE workgroups ADD COLUMN scrum_master_id INTEGER;

CREATE TABLE scrum_entities (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id        INTEGER NOT NULL REFERENCES workgroups (id) ON DELETE CASCADE,
    entity_type     TEXT NOT NULL CHECK (entity_type IN ('backlog', 'sprint')),
    name            TEXT NOT NULL DEFAULT '',
    goal            TEXT NOT NULL DEFAULT '',
    sort            INTEGER NOT NULL DEFAULT 0,
    created_by      INTEGER NOT NULL,
    modified_by     INTEGER NOT NULL,
    date_start      INTEGER,
    date_end        INTEGER,
    status          TEXT NOT NULL DEFAULT 'planned'
                    CHECK (status IN ('planned', 'active', 'completed'))
) STRICT;

CREATE INDEX scrum_entities_group ON scrum_entities (group_id, entity_type);
CREATE UNIQUE INDEX scrum_entities_one_backlog ON scrum_entities (group_id)
    WHERE entity_type = 'backlog';
CREATE UNIQUE INDEX scrum_entities_one_active_sprint ON scrum_entities (group_id)
    WHERE entity_type = 'sprint' AND status = 'active';

CREATE TABLE scrum_epics (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id        INTEGER NOT NULL REFERENCES workgroups (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    color           TEXT NOT NULL DEFAULT '',
    created_by      INTEGER NOT NULL,
    modified_by     INTEGER NOT NULL
) STRICT;

CREATE INDEX scrum_epics_group ON scrum_epics (group_id);

CREATE TABLE scrum_items (
    task_id         INTEGER PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    entity_id       INTEGER NOT NULL REFERENCES scrum_entities (id) ON DELETE CASCADE,
    story_points    TEXT NOT NULL DEFAULT '',
    epic_id         INTEGER REFERENCES scrum_epics (id) ON DELETE SET NULL,
    sort            INTEGER NOT NULL DEFAULT 0,
    created_by      INTEGER NOT NULL,
    modified_by     INTEGER NOT NULL
) STRICT;

CREATE INDEX scrum_items_entity ON scrum_items (entity_id, sort);
CREATE INDEX scrum_items_epic ON scrum_items (epic_id);
