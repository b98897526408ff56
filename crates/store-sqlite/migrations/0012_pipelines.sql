-- Portico SQLite schema, version 12: deal pipelines and stage history.
--
-- `crm_deal_categories` holds the deal pipelines; id 0 is the default pipeline
-- and always exists (its stages are the `DEAL_STAGE` directory). Pipeline n
-- keeps its stages in `crm_statuses` under `DEAL_STAGE_{n}`, ids `C{n}:…`.
-- Pipelines already named by deals (`category_id` > 0) are created here with
-- the default stages, so every deal's pipeline exists.
--
-- `crm_lead_stage_history` and `crm_deal_stage_history` get one row when a
-- record is created (`type_id` 1, or 3 when created in a final stage) and one
-- per stage change (2 intermediate, 3 final, 5 pipeline changed), written in
-- the record write's transaction. Existing records get their creation row.

CREATE TABLE crm_deal_categories (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    name                    TEXT NOT NULL,
    sort                    INTEGER NOT NULL DEFAULT 500,
    is_default              TEXT NOT NULL DEFAULT 'N' CHECK (is_default IN ('Y', 'N')),
    created_at              INTEGER NOT NULL,
    originator_id           TEXT NOT NULL DEFAULT '',
    origin_id               TEXT NOT NULL DEFAULT ''
) STRICT;

INSERT INTO crm_deal_categories (id, name, sort, is_default, created_at)
    VALUES (0, 'General', 500, 'Y', CAST(strftime('%s', 'now') AS INTEGER));

INSERT INTO crm_deal_categories (id, name, sort, is_default, created_at)
    SELECT DISTINCT category_id, 'Pipeline ' || category_id, 500, 'N', CAST(strftime('%s', 'now') AS INTEGER)
    FROM crm_deals WHERE category_id > 0 ORDER BY category_id;

INSERT INTO crm_statuses (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics)
    SELECT 'DEAL_STAGE_' || c.id, 'C' || c.id || ':' || s.status_id, s.name_init, s.name_init, s.sort,
           CASE WHEN s.status_id IN ('NEW', 'WON', 'LOSE') THEN 'Y' ELSE 'N' END,
           c.id, s.color, s.semantics
    FROM crm_deal_categories c
    JOIN crm_statuses s ON s.entity_id = 'DEAL_STAGE' AND s.system = 'Y'
        AND s.status_id IN ('NEW', 'PREPARATION', 'PREPAYMENT_INVOICE', 'EXECUTING',
                            'FINAL_INVOICE', 'WON', 'LOSE', 'APOLOGY')
    WHERE c.id > 0
    ORDER BY c.id, s.sort;

CREATE TABLE crm_lead_stage_history (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    type_id                 INTEGER NOT NULL,
    owner_id                INTEGER NOT NULL,
    created_time            INTEGER NOT NULL,
    status_id               TEXT,
    status_semantic_id      TEXT
) STRICT;

CREATE INDEX crm_lead_stage_history_owner ON crm_lead_stage_history (owner_id);

CREATE TABLE crm_deal_stage_history (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    type_id                 INTEGER NOT NULL,
    owner_id                INTEGER NOT NULL,
    created_time            INTEGER NOT NULL,
    category_id             INTEGER,
    stage_id                TEXT,
    stage_semantic_id       TEXT
) STRICT;

CREATE INDEX crm_deal_stage_history_owner ON crm_deal_stage_history (owner_id);

INSERT INTO crm_lead_stage_history (type_id, owner_id, created_time, status_id, status_semantic_id)
    SELECT CASE WHEN status_semantic_id IN ('S', 'F') THEN 3 ELSE 1 END, id,
           COALESCE(date_create, 0), status_id, COALESCE(status_semantic_id, 'P')
    FROM crm_leads ORDER BY id;

INSERT INTO crm_deal_stage_history (type_id, owner_id, created_time, category_id, stage_id, stage_semantic_id)
    SELECT CASE WHEN stage_semantic_id IN ('S', 'F') THEN 3 ELSE 1 END, id,
           COALESCE(date_create, 0), COALESCE(category_id, 0), stage_id, COALESCE(stage_semantic_id, 'P')
    FROM crm_deals ORDER BY id;
