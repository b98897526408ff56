-- Live updates for signed-in browsers, written in the transaction of the write
-- they tell of and kept for an hour (see portico_store::live).
CREATE TABLE live_events (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind                        TEXT NOT NULL,
    user_ids                    TEXT NOT NULL,
    data                        TEXT NOT NULL,
    created_at                  INTEGER NOT NULL
) STRICT;
CREATE INDEX live_events_created_at ON live_events (created_at);
