-- Portico SQLite schema, version 1: users, inbound webhooks, leads, multi-fields.
--
-- Columns of `users` and `crm_leads` follow the USER and LEAD catalogues of the
-- `portico-store` crate (a unit test checks every stored catalogue column exists
-- here with the catalogue's storage type). Tables are STRICT so a value of the
-- wrong type is refused instead of stored. Ids use AUTOINCREMENT: an id is never
-- reused after a delete, as API clients expect. Unique indexes are named
-- `<table>_<columns>`: constraint errors are reported under that name.

CREATE TABLE users (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    xml_id                  TEXT,
    active                  INTEGER NOT NULL DEFAULT 1,
    name                    TEXT,
    last_name               TEXT,
    second_name             TEXT,
    email                   TEXT,
    last_login              INTEGER,
    date_register           INTEGER,
    time_zone               TEXT,
    personal_gender         TEXT,
    personal_birthday       TEXT,
    personal_phone          TEXT,
    personal_mobile         TEXT,
    personal_city           TEXT,
    work_position           TEXT,
    work_phone              TEXT,
    work_company            TEXT,
    user_type               TEXT NOT NULL DEFAULT 'employee',
    login                   TEXT NOT NULL,
    password_hash           TEXT NOT NULL,
    is_admin                INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE UNIQUE INDEX users_login ON users (login);

CREATE TABLE webhooks (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id                 INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                    TEXT NOT NULL,
    scopes                  TEXT NOT NULL,
    secret_hash             BLOB NOT NULL,
    secret_encrypted        BLOB NOT NULL,
    expires_at              INTEGER,
    created_at              INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX webhooks_secret_hash ON webhooks (secret_hash);
CREATE INDEX webhooks_user_id ON webhooks (user_id);

CREATE TABLE crm_leads (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    title                   TEXT,
    honorific               TEXT,
    name                    TEXT,
    second_name             TEXT,
    last_name               TEXT,
    birthdate               TEXT,
    company_title           TEXT,
    source_id               TEXT,
    source_description      TEXT,
    status_id               TEXT,
    status_description      TEXT,
    status_semantic_id      TEXT,
    post                    TEXT,
    address                 TEXT,
    address_2               TEXT,
    address_city            TEXT,
    address_postal_code     TEXT,
    address_region          TEXT,
    address_province        TEXT,
    address_country         TEXT,
    address_country_code    TEXT,
    address_loc_addr_id     INTEGER,
    currency_id             TEXT,
    opportunity             REAL,
    is_manual_opportunity   TEXT,
    opened                  TEXT,
    comments                TEXT,
    has_phone               TEXT NOT NULL DEFAULT 'N',
    has_email               TEXT NOT NULL DEFAULT 'N',
    has_imol                TEXT NOT NULL DEFAULT 'N',
    assigned_by_id          INTEGER,
    created_by_id           INTEGER,
    modify_by_id            INTEGER,
    moved_by_id             INTEGER,
    date_create             INTEGER,
    date_modify             INTEGER,
    moved_time              INTEGER,
    date_closed             INTEGER,
    company_id              INTEGER,
    contact_id              INTEGER,
    is_return_customer      TEXT,
    originator_id           TEXT,
    origin_id               TEXT,
    utm_source              TEXT,
    utm_medium              TEXT,
    utm_campaign            TEXT,
    utm_content             TEXT,
    utm_term                TEXT,
    last_activity_time      INTEGER,
    last_activity_by        INTEGER
) STRICT;

CREATE INDEX crm_leads_status_id ON crm_leads (status_id);
CREATE INDEX crm_leads_date_create ON crm_leads (date_create);
CREATE INDEX crm_leads_assigned_by_id ON crm_leads (assigned_by_id);
CREATE INDEX crm_leads_source_id ON crm_leads (source_id);
CREATE INDEX crm_leads_opportunity ON crm_leads (opportunity);

-- Multi-fields (PHONE, EMAIL, WEB, IM, LINK) of every CRM entity; `entity` is the
-- owner's catalogue code (`LEAD`, …), `owner_id` its id.
CREATE TABLE crm_multifields (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    entity                  TEXT NOT NULL,
    owner_id                INTEGER NOT NULL,
    type_id                 TEXT NOT NULL,
    value_type              TEXT NOT NULL,
    value                   TEXT NOT NULL
) STRICT;

-- A record's entries come out of this index already in id order (no sort).
CREATE INDEX crm_multifields_owner ON crm_multifields (entity, owner_id);
CREATE INDEX crm_multifields_type_value ON crm_multifields (type_id, value);
