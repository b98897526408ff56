-- Portico SQLite schema, version 3: CRM directories (`crm.status.*`).
--
-- One row per directory item. `entity_id` is the directory (`STATUS`, `SOURCE`,
-- `DEAL_STAGE`, …) and `status_id` the value records store, unique within the
-- directory. `system` is 'Y' for the seeded defaults (deleting them needs
-- FORCED=Y), whose `name_init` keeps the original name. `semantics` is 'S'
-- (success) or 'F' (failure) for final stages, NULL otherwise. The seed must
-- equal `portico_store::statuses::DEFAULT_STATUSES` (the conformance suite
-- checks it), in the same order so ids follow it.

CREATE TABLE crm_statuses (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_id               TEXT NOT NULL,
    status_id               TEXT NOT NULL,
    name                    TEXT NOT NULL,
    name_init               TEXT,
    sort                    INTEGER NOT NULL DEFAULT 10,
    system                  TEXT NOT NULL DEFAULT 'N' CHECK (system IN ('Y', 'N')),
    category_id             INTEGER,
    color                   TEXT,
    semantics               TEXT CHECK (semantics IN ('S', 'F'))
) STRICT;

-- Reported as the conflict `crm_statuses_entity_status`; also serves lookups of
-- one directory, which then sort its few rows by `sort`.
CREATE UNIQUE INDEX crm_statuses_entity_status ON crm_statuses (entity_id, status_id);

INSERT INTO crm_statuses (entity_id, status_id, name, name_init, sort, system, color, semantics) VALUES
    ('STATUS', 'NEW', 'Unassigned', 'Unassigned', 10, 'Y', '#39A8EF', NULL),
    ('STATUS', 'IN_PROCESS', 'In progress', 'In progress', 20, 'Y', '#2FC6F6', NULL),
    ('STATUS', 'PROCESSED', 'Processed', 'Processed', 30, 'Y', '#55D0E0', NULL),
    ('STATUS', 'CONVERTED', 'Good lead', 'Good lead', 40, 'Y', '#7BD500', 'S'),
    ('STATUS', 'JUNK', 'Junk lead', 'Junk lead', 50, 'Y', '#FF5752', 'F'),
    ('SOURCE', 'CALL', 'Call', 'Call', 10, 'Y', NULL, NULL),
    ('SOURCE', 'EMAIL', 'E-Mail', 'E-Mail', 20, 'Y', NULL, NULL),
    ('SOURCE', 'WEB', 'Website', 'Website', 30, 'Y', NULL, NULL),
    ('SOURCE', 'ADVERTISING', 'Advertising', 'Advertising', 40, 'Y', NULL, NULL),
    ('SOURCE', 'PARTNER', 'Existing client', 'Existing client', 50, 'Y', NULL, NULL),
    ('SOURCE', 'RECOMMENDATION', 'By recommendation', 'By recommendation', 60, 'Y', NULL, NULL),
    ('SOURCE', 'TRADE_SHOW', 'Show/Exhibition', 'Show/Exhibition', 70, 'Y', NULL, NULL),
    ('SOURCE', 'WEBFORM', 'CRM form', 'CRM form', 80, 'Y', NULL, NULL),
    ('SOURCE', 'CALLBACK', 'Callback', 'Callback', 90, 'Y', NULL, NULL),
    ('SOURCE', 'RC_GENERATOR', 'Sales boost', 'Sales boost', 100, 'Y', NULL, NULL),
    ('SOURCE', 'STORE', 'Online store', 'Online store', 110, 'Y', NULL, NULL),
    ('SOURCE', 'OTHER', 'Other', 'Other', 120, 'Y', NULL, NULL),
    ('DEAL_STAGE', 'NEW', 'New', 'New', 10, 'Y', '#39A8EF', NULL),
    ('DEAL_STAGE', 'PREPARATION', 'Document preparation', 'Document preparation', 20, 'Y', '#2FC6F6', NULL),
    ('DEAL_STAGE', 'PREPAYMENT_INVOICE', 'Prepayment invoice', 'Prepayment invoice', 30, 'Y', '#55D0E0', NULL),
    ('DEAL_STAGE', 'EXECUTING', 'In progress', 'In progress', 40, 'Y', '#47E4C2', NULL),
    ('DEAL_STAGE', 'FINAL_INVOICE', 'Final invoice', 'Final invoice', 50, 'Y', '#FFA900', NULL),
    ('DEAL_STAGE', 'WON', 'Deal successful', 'Deal successful', 60, 'Y', '#7BD500', 'S'),
    ('DEAL_STAGE', 'LOSE', 'Deal failed', 'Deal failed', 70, 'Y', '#FF5752', 'F'),
    ('DEAL_STAGE', 'APOLOGY', 'Failure reason analysis', 'Failure reason analysis', 80, 'Y', '#FF5752', 'F'),
    ('DEAL_TYPE', 'SALE', 'Sales', 'Sales', 10, 'Y', NULL, NULL),
    ('DEAL_TYPE', 'COMPLEX', 'Integrated sales', 'Integrated sales', 20, 'Y', NULL, NULL),
    ('DEAL_TYPE', 'GOODS', 'Merchandise sales', 'Merchandise sales', 30, 'Y', NULL, NULL),
    ('DEAL_TYPE', 'SERVICES', 'Service sales', 'Service sales', 40, 'Y', NULL, NULL),
    ('DEAL_TYPE', 'SERVICE', 'After-sales service', 'After-sales service', 50, 'Y', NULL, NULL),
    ('CONTACT_TYPE', 'CLIENT', 'Clients', 'Clients', 10, 'Y', NULL, NULL),
    ('CONTACT_TYPE', 'SUPPLIER', 'Suppliers', 'Suppliers', 20, 'Y', NULL, NULL),
    ('CONTACT_TYPE', 'PARTNER', 'Partners', 'Partners', 30, 'Y', NULL, NULL),
    ('CONTACT_TYPE', 'OTHER', 'Other', 'Other', 40, 'Y', NULL, NULL),
    ('COMPANY_TYPE', 'CUSTOMER', 'Client', 'Client', 10, 'Y', NULL, NULL),
    ('COMPANY_TYPE', 'SUPPLIER', 'Supplier', 'Supplier', 20, 'Y', NULL, NULL),
    ('COMPANY_TYPE', 'COMPETITOR', 'Competitor', 'Competitor', 30, 'Y', NULL, NULL),
    ('COMPANY_TYPE', 'PARTNER', 'Partner', 'Partner', 40, 'Y', NULL, NULL),
    ('COMPANY_TYPE', 'OTHER', 'Other', 'Other', 50, 'Y', NULL, NULL),
    ('INDUSTRY', 'IT', 'Information technology', 'Information technology', 10, 'Y', NULL, NULL),
    ('INDUSTRY', 'TELECOM', 'Telecommunication', 'Telecommunication', 20, 'Y', NULL, NULL),
    ('INDUSTRY', 'MANUFACTURING', 'Manufacturing', 'Manufacturing', 30, 'Y', NULL, NULL),
    ('INDUSTRY', 'BANKING', 'Banking services', 'Banking services', 40, 'Y', NULL, NULL),
    ('INDUSTRY', 'CONSULTING', 'Consulting', 'Consulting', 50, 'Y', NULL, NULL),
    ('INDUSTRY', 'FINANCE', 'Finance', 'Finance', 60, 'Y', NULL, NULL),
    ('INDUSTRY', 'GOVERNMENT', 'Government', 'Government', 70, 'Y', NULL, NULL),
    ('INDUSTRY', 'DELIVERY', 'Delivery', 'Delivery', 80, 'Y', NULL, NULL),
    ('INDUSTRY', 'ENTERTAINMENT', 'Entertainment', 'Entertainment', 90, 'Y', NULL, NULL),
    ('INDUSTRY', 'NOTPROFIT', 'Non-profit', 'Non-profit', 100, 'Y', NULL, NULL),
    ('INDUSTRY', 'OTHER', 'Other', 'Other', 110, 'Y', NULL, NULL),
    ('EMPLOYEES', 'EMPLOYEES_1', 'fewer than 50', 'fewer than 50', 10, 'Y', NULL, NULL),
    ('EMPLOYEES', 'EMPLOYEES_2', '50-250', '50-250', 20, 'Y', NULL, NULL),
    ('EMPLOYEES', 'EMPLOYEES_3', '250-500', '250-500', 30, 'Y', NULL, NULL),
    ('EMPLOYEES', 'EMPLOYEES_4', 'over 500', 'over 500', 40, 'Y', NULL, NULL),
    ('HONORIFIC', 'HNR_EN_1', 'Mr.', 'Mr.', 10, 'Y', NULL, NULL),
    ('HONORIFIC', 'HNR_EN_2', 'Mrs.', 'Mrs.', 20, 'Y', NULL, NULL),
    ('HONORIFIC', 'HNR_EN_3', 'Ms.', 'Ms.', 30, 'Y', NULL, NULL),
    ('HONORIFIC', 'HNR_EN_4', 'Dr.', 'Dr.', 40, 'Y', NULL, NULL);
