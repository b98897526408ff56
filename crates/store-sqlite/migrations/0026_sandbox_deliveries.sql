-- A sandbox's handler modes: attempts to `handler` are only captured
-- ('capture-only') or failed as if it answered HTTP 500 ('fail'); a handler
-- without a row is delivered to.
CREATE TABLE sandbox_handler_modes (
    handler TEXT PRIMARY KEY,
    mode TEXT NOT NULL CHECK (mode IN ('capture-only', 'fail'))
);

-- Every delivery attempt a sandbox made, with its request exactly as built:
-- `headers` is a JSON list of [name, value] pairs in the order sent.
CREATE TABLE sandbox_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    event TEXT NOT NULL,
    handler TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    delivery_id INTEGER NOT NULL,
    mode TEXT NOT NULL,
    headers TEXT NOT NULL,
    body TEXT NOT NULL,
    status INTEGER,
    outcome TEXT NOT NULL
);
CREATE INDEX sandbox_deliveries_by_event ON sandbox_deliveries (event, id);
CREATE INDEX sandbox_deliveries_by_handler ON sandbox_deliveries (handler, id);
