-- Portico SQLite schema, version 10: the transactional outbox. Outbound webhooks
-- and their subscriptions; events recorded in the transaction of the CRM write
-- that raised them; one delivery per (event, subscribed outbound webhook),
-- created in that same transaction and claimed by workers with a lease; the
-- log of delivery attempts.

CREATE TABLE outbound_webhooks (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id                     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                        TEXT NOT NULL,
    handler_url                 TEXT NOT NULL,
    application_token_sealed    BLOB NOT NULL,
    signing_secret_sealed       BLOB NOT NULL,
    active                      INTEGER NOT NULL DEFAULT 1,
    created_at                  INTEGER NOT NULL
) STRICT;

CREATE INDEX outbound_webhooks_user_id ON outbound_webhooks (user_id);

CREATE TABLE outbound_webhook_events (
    event                       TEXT NOT NULL,
    webhook_id                  INTEGER NOT NULL REFERENCES outbound_webhooks (id) ON DELETE CASCADE,
    PRIMARY KEY (event, webhook_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX outbound_webhook_events_webhook_id ON outbound_webhook_events (webhook_id);

CREATE TABLE events (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    code                        TEXT NOT NULL,
    message_id                  TEXT NOT NULL UNIQUE,
    entity                      TEXT NOT NULL,
    entity_id                   INTEGER NOT NULL,
    data                        TEXT NOT NULL,
    user_id                     INTEGER,
    created_at                  INTEGER NOT NULL
) STRICT;

CREATE TABLE event_deliveries (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id                    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    webhook_id                  INTEGER NOT NULL REFERENCES outbound_webhooks (id) ON DELETE CASCADE,
    state                       TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts                    INTEGER NOT NULL DEFAULT 0,
    next_attempt_at             INTEGER,
    lease_token                 TEXT,
    lease_until                 INTEGER,
    last_status                 INTEGER,
    created_at                  INTEGER NOT NULL,
    finished_at                 INTEGER
) STRICT;

CREATE INDEX events_created_at ON events (created_at);

CREATE INDEX event_deliveries_due ON event_deliveries (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX event_deliveries_webhook_id ON event_deliveries (webhook_id, id);
CREATE INDEX event_deliveries_event_id ON event_deliveries (event_id);

CREATE TABLE delivery_attempts (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id                 INTEGER NOT NULL REFERENCES event_deliveries (id) ON DELETE CASCADE,
    attempt                     INTEGER NOT NULL,
    started_at                  INTEGER NOT NULL,
    duration_ms                 INTEGER NOT NULL,
    status                      INTEGER,
    response                    TEXT NOT NULL,
    error                       TEXT,
    outcome                     TEXT NOT NULL
) STRICT;

CREATE INDEX delivery_attempts_delivery_id ON delivery_attempts (delivery_id, id);
