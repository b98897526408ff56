-- List paging at scale. `list_generations` holds, per CRM entity, a number
-- that every committed change to what a list filter can see moves forward: a
-- row of the entity's table, or one of its multi-fields or user-field values,
-- inserted, updated or deleted (triggers, so no write path can forget it: the
-- multi-field and user-field ones below, the entity tables' in migration 0029,
-- where each table has one trigger per kind of change). A server may keep a list's `total` and where its last page ended while
-- the number it read in the same read transaction is unchanged: the data is then
-- exactly what it counted. The number lives in the database, so every server
-- sharing it sees every other's writes.
--
-- Indexes for the orders clients page by (title, last name, date_modify), so
-- an ordered page is an index walk rather than a sort of the whole table.

CREATE TABLE list_generations (
    entity                  TEXT PRIMARY KEY,
    generation              INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

INSERT INTO list_generations (entity) VALUES ('LEAD'), ('DEAL'), ('CONTACT'), ('COMPANY');

CREATE TRIGGER crm_multifields_generation_insert AFTER INSERT ON crm_multifields BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = NEW.entity;
END;
CREATE TRIGGER crm_multifields_generation_update AFTER UPDATE ON crm_multifields BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity IN (OLD.entity, NEW.entity);
END;
CREATE TRIGGER crm_multifields_generation_delete AFTER DELETE ON crm_multifields BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = OLD.entity;
END;
CREATE TRIGGER crm_uf_values_generation_insert AFTER INSERT ON crm_uf_values BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = NEW.entity;
END;
CREATE TRIGGER crm_uf_values_generation_update AFTER UPDATE ON crm_uf_values BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity IN (OLD.entity, NEW.entity);
END;
CREATE TRIGGER crm_uf_values_generation_delete AFTER DELETE ON crm_uf_values BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = OLD.entity;
END;

CREATE INDEX crm_leads_title ON crm_leads (title);
CREATE INDEX crm_leads_last_name ON crm_leads (last_name);
CREATE INDEX crm_leads_date_modify ON crm_leads (date_modify);
CREATE INDEX crm_deals_title ON crm_deals (title);
CREATE INDEX crm_deals_date_modify ON crm_deals (date_modify);
CREATE INDEX crm_contacts_date_modify ON crm_contacts (date_modify);
CREATE INDEX crm_companies_date_modify ON crm_companies (date_modify);
