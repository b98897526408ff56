-- Portico SQLite schema, version 2: deals, contacts, companies and the links
-- between CRM records.
--
-- Columns of `crm_deals`, `crm_contacts` and `crm_companies` follow the DEAL,
-- CONTACT and COMPANY catalogues of the `portico-store` crate (a unit test
-- checks every stored catalogue column exists here with the catalogue's
-- storage type). Multi-fields of contacts and companies live in
-- `crm_multifields` (version 1) under the owner codes `CONTACT` and `COMPANY`.

CREATE TABLE crm_deals (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    title                       TEXT,
    type_id                     TEXT,
    category_id                 INTEGER,
    stage_id                    TEXT,
    stage_semantic_id           TEXT,
    is_new                      TEXT,
    is_recurring                TEXT,
    is_return_customer          TEXT,
    is_repeated_approach        TEXT,
    probability                 INTEGER,
    currency_id                 TEXT,
    opportunity                 REAL,
    is_manual_opportunity       TEXT,
    tax_value                   REAL,
    company_id                  INTEGER,
    contact_id                  INTEGER,
    begindate                   TEXT,
    closedate                   TEXT,
    opened                      TEXT,
    closed                      TEXT,
    comments                    TEXT,
    assigned_by_id              INTEGER,
    created_by_id               INTEGER,
    modify_by_id                INTEGER,
    moved_by_id                 INTEGER,
    date_create                 INTEGER,
    date_modify                 INTEGER,
    moved_time                  INTEGER,
    source_id                   TEXT,
    source_description          TEXT,
    lead_id                     INTEGER,
    additional_info             TEXT,
    originator_id               TEXT,
    origin_id                   TEXT,
    utm_source                  TEXT,
    utm_medium                  TEXT,
    utm_campaign                TEXT,
    utm_content                 TEXT,
    utm_term                    TEXT,
    last_activity_time          INTEGER,
    last_activity_by            INTEGER
) STRICT;

CREATE INDEX crm_deals_stage_id ON crm_deals (stage_id);
CREATE INDEX crm_deals_category_id ON crm_deals (category_id);
CREATE INDEX crm_deals_company_id ON crm_deals (company_id);
CREATE INDEX crm_deals_contact_id ON crm_deals (contact_id);
CREATE INDEX crm_deals_assigned_by_id ON crm_deals (assigned_by_id);
CREATE INDEX crm_deals_date_create ON crm_deals (date_create);
CREATE INDEX crm_deals_opportunity ON crm_deals (opportunity);

CREATE TABLE crm_contacts (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    honorific                   TEXT,
    name                        TEXT,
    second_name                 TEXT,
    last_name                   TEXT,
    birthdate                   TEXT,
    type_id                     TEXT,
    source_id                   TEXT,
    source_description          TEXT,
    post                        TEXT,
    comments                    TEXT,
    address                     TEXT,
    address_2                   TEXT,
    address_city                TEXT,
    address_postal_code         TEXT,
    address_region              TEXT,
    address_province            TEXT,
    address_country             TEXT,
    address_country_code        TEXT,
    address_loc_addr_id         INTEGER,
    opened                      TEXT,
    export                      TEXT,
    has_phone                   TEXT NOT NULL DEFAULT 'N',
    has_email                   TEXT NOT NULL DEFAULT 'N',
    has_imol                    TEXT NOT NULL DEFAULT 'N',
    assigned_by_id              INTEGER,
    created_by_id               INTEGER,
    modify_by_id                INTEGER,
    date_create                 INTEGER,
    date_modify                 INTEGER,
    company_id                  INTEGER,
    lead_id                     INTEGER,
    originator_id               TEXT,
    origin_id                   TEXT,
    origin_version              TEXT,
    utm_source                  TEXT,
    utm_medium                  TEXT,
    utm_campaign                TEXT,
    utm_content                 TEXT,
    utm_term                    TEXT,
    last_activity_time          INTEGER,
    last_activity_by            INTEGER
) STRICT;

CREATE INDEX crm_contacts_company_id ON crm_contacts (company_id);
CREATE INDEX crm_contacts_assigned_by_id ON crm_contacts (assigned_by_id);
CREATE INDEX crm_contacts_date_create ON crm_contacts (date_create);
CREATE INDEX crm_contacts_last_name ON crm_contacts (last_name);

CREATE TABLE crm_companies (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    title                       TEXT,
    company_type                TEXT,
    address                     TEXT,
    address_2                   TEXT,
    address_city                TEXT,
    address_postal_code         TEXT,
    address_region              TEXT,
    address_province            TEXT,
    address_country             TEXT,
    address_country_code        TEXT,
    address_loc_addr_id         INTEGER,
    address_legal               TEXT,
    reg_address                 TEXT,
    reg_address_2               TEXT,
    reg_address_city            TEXT,
    reg_address_postal_code     TEXT,
    reg_address_region          TEXT,
    reg_address_province        TEXT,
    reg_address_country         TEXT,
    reg_address_country_code    TEXT,
    reg_address_loc_addr_id     INTEGER,
    banking_details             TEXT,
    industry                    TEXT,
    employees                   TEXT,
    currency_id                 TEXT,
    revenue                     REAL,
    opened                      TEXT,
    comments                    TEXT,
    has_phone                   TEXT NOT NULL DEFAULT 'N',
    has_email                   TEXT NOT NULL DEFAULT 'N',
    has_imol                    TEXT NOT NULL DEFAULT 'N',
    is_my_company               TEXT,
    assigned_by_id              INTEGER,
    created_by_id               INTEGER,
    modify_by_id                INTEGER,
    date_create                 INTEGER,
    date_modify                 INTEGER,
    lead_id                     INTEGER,
    originator_id               TEXT,
    origin_id                   TEXT,
    origin_version              TEXT,
    utm_source                  TEXT,
    utm_medium                  TEXT,
    utm_campaign                TEXT,
    utm_content                 TEXT,
    utm_term                    TEXT,
    last_activity_time          INTEGER,
    last_activity_by            INTEGER,
    last_communication_time     TEXT
) STRICT;

CREATE INDEX crm_companies_company_type ON crm_companies (company_type);
CREATE INDEX crm_companies_assigned_by_id ON crm_companies (assigned_by_id);
CREATE INDEX crm_companies_date_create ON crm_companies (date_create);
CREATE INDEX crm_companies_title ON crm_companies (title);

-- Links between CRM records (deal -> contact, lead -> contact, contact ->
-- company), each pair stored once in that direction and read both ways: the
-- primary key serves an owner's links, `crm_links_target` the reverse lookup
-- (a company's contacts, the deals of a contact). `sort` orders an owner's
-- links; exactly one of them is primary ('Y'), and the owner's mirror column
-- (deal and lead `contact_id`, contact `company_id`) holds its id. No foreign
-- keys: targets live in several tables; the store checks records exist and
-- deletes a record's links with it, in the same transaction.
CREATE TABLE crm_links (
    owner                   TEXT NOT NULL,
    owner_id                INTEGER NOT NULL,
    target                  TEXT NOT NULL,
    target_id               INTEGER NOT NULL,
    sort                    INTEGER NOT NULL DEFAULT 10,
    is_primary              TEXT NOT NULL DEFAULT 'N' CHECK (is_primary IN ('Y', 'N')),
    PRIMARY KEY (owner, owner_id, target, target_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX crm_links_target ON crm_links (target, target_id, owner, owner_id);
