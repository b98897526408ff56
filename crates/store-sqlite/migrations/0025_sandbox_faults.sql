-- Faults armed in a sandbox: the next `remaining` calls matching `method` and
-- `integration` (NULL: any) answer `error` or are held `delay_ms`.
CREATE TABLE sandbox_faults (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    method TEXT,
    integration TEXT,
    remaining INTEGER NOT NULL CHECK (remaining > 0),
    error TEXT,
    delay_ms INTEGER NOT NULL DEFAULT 0 CHECK (delay_ms >= 0)
);
