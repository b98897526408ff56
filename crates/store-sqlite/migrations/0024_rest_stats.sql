-- REST load statistics: per day (in the portal's time zone), integration and
-- method (the event code for outbound deliveries), the calls made, those
-- answered with an error and the time they ran. Servers add to the counts.

CREATE TABLE rest_stats (
    day                     INTEGER NOT NULL,
    kind                    TEXT NOT NULL,
    integration_id          INTEGER NOT NULL,
    method                  TEXT NOT NULL,
    calls                   INTEGER NOT NULL,
    errors                  INTEGER NOT NULL,
    operating_micros        INTEGER NOT NULL,
    PRIMARY KEY (day, kind, integration_id, method)
) STRICT, WITHOUT ROWID;
