-- Substring search through indexes instead of scans.
--
-- 1. `%TITLE`, `%NAME`, … filters: an FTS5 table per CRM entity holds the
--    searchable text columns, lower-cased by the Unicode-aware `lower` every
--    Portico connection installs, split into case-sensitive trigrams (the text
--    is already folded exactly as the list queries fold it). The rowid is the
--    record id. The table keeps its own copy of the lower-cased text: a row is
--    then removed by its rowid alone, whatever `lower` gives today, and
--    reading a common trigram's rows is about three times faster than with a
--    contentless table's delete markers. Triggers keep it in step with every
--    insert, change and delete. The list queries keep their `LIKE` as the
--    recheck, so the index only has to find every candidate. Each table has
--    one trigger per kind of change, which also moves the entity's list
--    generation (migration 0028): SQLite fails the first statement prepared
--    after another connection changed the schema when a table has two
--    triggers for the same change and one of them writes an FTS5 table.
--    `columnsize = 0`: nothing here ranks matches, so the per-row column sizes
--    (for `bm25`) are not kept (16% smaller index).
-- 2. `crm.duplicate.findbycomm`: `crm_multifields.value_key` holds each
--    entry's normalised value (phone digits; other kinds trimmed and
--    lower-cased), computed by the `portico_comm_key` function every Portico
--    connection installs, and one index finds an entity's entries of a kind
--    by key.
--
-- Write to these tables only through Portico: the triggers and the key need
-- its functions.

CREATE VIRTUAL TABLE crm_leads_search USING fts5 (
    title, name, second_name, last_name, company_title,
    tokenize = 'trigram case_sensitive 1', columnsize = 0
);

CREATE TRIGGER crm_leads_after_insert AFTER INSERT ON crm_leads BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = 'LEAD';
    INSERT INTO crm_leads_search (rowid, title, name, second_name, last_name, company_title)
    VALUES (new.id, lower(new.title), lower(new.name), lower(new.second_name), lower(new.last_name), lower(new.company_title));
END;

CREATE TRIGGER crm_leads_after_update AFTER UPDATE ON crm_leads BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = 'LEAD';
    UPDATE crm_leads_search SET title = lower(new.title),
        name = lower(new.name),
        second_name = lower(new.second_name),
        last_name = lower(new.last_name),
        company_title = lower(new.company_title)
    WHERE rowid = new.id AND (old.title IS NOT new.title
        OR old.name IS NOT new.name
        OR old.second_name IS NOT new.second_name
        OR old.last_name IS NOT new.last_name
        OR old.company_title IS NOT new.company_title);
END;

CREATE TRIGGER crm_leads_after_delete AFTER DELETE ON crm_leads BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = 'LEAD';
    DELETE FROM crm_leads_search WHERE rowid = old.id;
END;

INSERT INTO crm_leads_search (rowid, title, name, second_name, last_name, company_title)
SELECT id, lower(title), lower(name), lower(second_name), lower(last_name), lower(company_title)
FROM crm_leads;

CREATE VIRTUAL TABLE crm_contacts_search USING fts5 (
    name, second_name, last_name,
    tokenize = 'trigram case_sensitive 1', columnsize = 0
);

CREATE TRIGGER crm_contacts_after_insert AFTER INSERT ON crm_contacts BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = 'CONTACT';
    INSERT INTO crm_contacts_search (rowid, name, second_name, last_name)
    VALUES (new.id, lower(new.name), lower(new.second_name), lower(new.last_name));
END;

CREATE TRIGGER crm_contacts_after_update AFTER UPDATE ON crm_contacts BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = 'CONTACT';
    UPDATE crm_contacts_search SET name = lower(new.name),
        second_name = lower(new.second_name),
        last_name = lower(new.last_name)
    WHERE rowid = new.id AND (old.name IS NOT new.name
        OR old.second_name IS NOT new.second_name
        OR old.last_name IS NOT new.last_name);
END;

CREATE TRIGGER crm_contacts_after_delete AFTER DELETE ON crm_contacts BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = 'CONTACT';
    DELETE FROM crm_contacts_search WHERE rowid = old.id;
END;

INSERT INTO crm_contacts_search (rowid, name, second_name, last_name)
SELECT id, lower(name), lower(second_name), lower(last_name) FROM crm_contacts;

CREATE VIRTUAL TABLE crm_companies_search USING fts5 (
    title,
    tokenize = 'trigram case_sensitive 1', columnsize = 0
);

CREATE TRIGGER crm_companies_after_insert AFTER INSERT ON crm_companies BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = 'COMPANY';
    INSERT INTO crm_companies_search (rowid, title)
    VALUES (new.id, lower(new.title));
END;

CREATE TRIGGER crm_companies_after_update AFTER UPDATE ON crm_companies BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = 'COMPANY';
    UPDATE crm_companies_search SET title = lower(new.title)
    WHERE rowid = new.id AND (old.title IS NOT new.title);
END;

CREATE TRIGGER crm_companies_after_delete AFTER DELETE ON crm_companies BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = 'COMPANY';
    DELETE FROM crm_companies_search WHERE rowid = old.id;
END;

INSERT INTO crm_companies_search (rowid, title) SELECT id, lower(title) FROM crm_companies;

CREATE VIRTUAL TABLE crm_deals_search USING fts5 (
    title,
    tokenize = 'trigram case_sensitive 1', columnsize = 0
);

CREATE TRIGGER crm_deals_after_insert AFTER INSERT ON crm_deals BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = 'DEAL';
    INSERT INTO crm_deals_search (rowid, title)
    VALUES (new.id, lower(new.title));
END;

CREATE TRIGGER crm_deals_after_update AFTER UPDATE ON crm_deals BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = 'DEAL';
    UPDATE crm_deals_search SET title = lower(new.title)
    WHERE rowid = new.id AND (old.title IS NOT new.title);
END;

CREATE TRIGGER crm_deals_after_delete AFTER DELETE ON crm_deals BEGIN
    UPDATE list_generations SET generation = generation + 1 WHERE entity = 'DEAL';
    DELETE FROM crm_deals_search WHERE rowid = old.id;
END;

INSERT INTO crm_deals_search (rowid, title) SELECT id, lower(title) FROM crm_deals;

ALTER TABLE crm_multifields ADD COLUMN value_key TEXT;
UPDATE crm_multifields SET value_key = portico_comm_key(type_id, value);
CREATE INDEX crm_multifields_comm_key ON crm_multifields (entity, type_id, value_key, owner_id);
