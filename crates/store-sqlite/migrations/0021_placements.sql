-- Portico SQLite schema: application placements (widgets). An application
-- binds a handler URL to a placement code (`CRM_DEAL_DETAIL_TAB`, …) with a
-- title and description, and their translations as a JSON object
-- `{lang: {"TITLE", "DESCRIPTION", "GROUP_NAME"}}`. One handler is bound to a
-- placement once per application; bindings go with their application.

CREATE TABLE app_placements (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id                      INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    placement                   TEXT NOT NULL,
    handler_url                 TEXT NOT NULL,
    title                       TEXT NOT NULL DEFAULT '',
    description                 TEXT NOT NULL DEFAULT '',
    lang_all                    TEXT NOT NULL DEFAULT '{}',
    created_at                  INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX app_placements_handler ON app_placements (app_id, placement, handler_url);
CREATE INDEX app_placements_placement ON app_placements (placement);
