-- Portico SQLite schema, version 4: CRM rights.
--
-- A role gives a level per CRM entity and action: `none`, `own` (records whose
-- ASSIGNED_BY_ID is the user) or `all`. A missing row reads as `none`. Each user
-- has a role in `users.crm_role_id`; NULL means the default role, id 1. The seed
-- must equal `portico_store::roles::seeded_roles()` (the conformance suite
-- checks it): 1 "Full access" (all everywhere, the default), 2 "Own records"
-- (own for read/update/delete, all for add), 3 "Read only" (read all, the rest
-- none).

CREATE TABLE crm_roles (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    name                    TEXT NOT NULL
) STRICT;

-- Reported as the conflict `crm_roles_name`.
CREATE UNIQUE INDEX crm_roles_name ON crm_roles (name);

CREATE TABLE crm_role_levels (
    role_id                 INTEGER NOT NULL REFERENCES crm_roles (id) ON DELETE CASCADE,
    entity                  TEXT NOT NULL CHECK (entity IN ('LEAD', 'DEAL', 'CONTACT', 'COMPANY')),
    action                  TEXT NOT NULL CHECK (action IN ('READ', 'ADD', 'UPDATE', 'DELETE')),
    level                   TEXT NOT NULL CHECK (level IN ('none', 'own', 'all')),
    PRIMARY KEY (role_id, entity, action)
) STRICT, WITHOUT ROWID;

ALTER TABLE users ADD COLUMN crm_role_id INTEGER REFERENCES crm_roles (id);

INSERT INTO crm_roles (id, name) VALUES
    (1, 'Full access'),
    (2, 'Own records'),
    (3, 'Read only');

-- Every entity × action for the three roles.
WITH
    entities (entity) AS (VALUES ('LEAD'), ('DEAL'), ('CONTACT'), ('COMPANY')),
    seed (role_id, action, level) AS (VALUES
        (1, 'READ', 'all'), (1, 'ADD', 'all'), (1, 'UPDATE', 'all'), (1, 'DELETE', 'all'),
        (2, 'READ', 'own'), (2, 'ADD', 'all'), (2, 'UPDATE', 'own'), (2, 'DELETE', 'own'),
        (3, 'READ', 'all'), (3, 'ADD', 'none'), (3, 'UPDATE', 'none'), (3, 'DELETE', 'none'))
INSERT INTO crm_role_levels (role_id, entity, action, level)
SELECT seed.role_id, entities.entity, seed.action, seed.level FROM seed, entities;
