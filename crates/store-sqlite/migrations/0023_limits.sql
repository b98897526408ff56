-- REST limits shared by every server on the database: the request-rate
-- buckets (leaky bucket per client address or integration) and the
-- operating-time baskets (seconds of processing per integration and method,
-- one basket per minute, each counting for ten minutes from its first call).

CREATE TABLE rest_buckets (
    key                     TEXT PRIMARY KEY,
    level                   REAL NOT NULL,
    updated_ms              INTEGER NOT NULL,
    admitted                INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX rest_buckets_updated_ms ON rest_buckets (updated_ms);

CREATE TABLE rest_operating (
    key                     TEXT NOT NULL,
    minute                  INTEGER NOT NULL,
    first_at                INTEGER NOT NULL,
    seconds                 REAL NOT NULL,
    PRIMARY KEY (key, minute)
) STRICT, WITHOUT ROWID;

CREATE INDEX rest_operating_first_at ON rest_operating (first_at);
