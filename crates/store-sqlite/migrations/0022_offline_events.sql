-- Portico SQLite schema, version 22: applications' offline events. An
-- offline binding (`event.bind` with `event_type=offline`) makes the writes
-- that raise its event queue a row for its application instead of a POST.
-- `connector` is the binding's `auth_connector` ('' without one): a change
-- made by a call carrying the same connector is not queued for it, and the
-- queue is read per connector. `min_timeout` and `notified_at` pace the
-- `ONOFFLINEEVENT` notices the binding causes.
--
-- The queue keeps one row per object (event, entity, id) among the rows no
-- process has reserved (`process_id` ''): a later change to the same object
-- updates that row. Reserved rows (`event.offline.get` with `clear=0`) stay
-- as they were until cleared. Both tables go with their application.

CREATE TABLE app_offline_bindings (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id          INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    connector       TEXT NOT NULL DEFAULT '',
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    min_timeout     INTEGER NOT NULL DEFAULT 1,
    notified_at     INTEGER,
    created_at      INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX app_offline_bindings_key ON app_offline_bindings (app_id, event, connector);
CREATE INDEX app_offline_bindings_event ON app_offline_bindings (event);

CREATE TABLE app_offline_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id          INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    connector       TEXT NOT NULL DEFAULT '',
    event_name      TEXT NOT NULL,
    entity          TEXT NOT NULL,
    entity_id       INTEGER NOT NULL,
    message_id      TEXT NOT NULL,
    timestamp_x     INTEGER NOT NULL,
    data            TEXT NOT NULL,
    user_id         INTEGER,
    process_id      TEXT NOT NULL DEFAULT '',
    error           INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE UNIQUE INDEX app_offline_events_latest
    ON app_offline_events (app_id, connector, event_name, entity, entity_id)
    WHERE process_id = '';
CREATE INDEX app_offline_events_queue ON app_offline_events (app_id, connector, process_id, id);
