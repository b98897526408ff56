-- Portico SQLite schema, version 5: CRM user fields (`UF_CRM_*`).
--
-- `crm_userfields` holds the definitions (`crm.{entity}.userfield.*`), one per
-- (ENTITY_ID, FIELD_NAME); `SETTINGS` and the five captions are JSON text
-- (captions as one object `{"EDIT_FORM_LABEL": {"en": …}, …}`). Flags are
-- `Y`/`N`. `crm_userfield_enums` holds the list items of `enumeration` fields.
--
-- `crm_uf_values` holds the records' values: one row per value (a multiple
-- field has several, in `position` order), in the column of the field's storage
-- class (`value_int`, `value_real` or `value_text`; the others NULL). `entity`
-- is the record type's code (`LEAD`, `DEAL`, …), as in `crm_multifields`. The
-- primary key clusters a record's values together (one range read per record or
-- page); the `(field_id, value_*)` indexes serve filters, which select
-- `owner_id` by a value of one field.

CREATE TABLE crm_userfields (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_id               TEXT NOT NULL,
    field_name              TEXT NOT NULL,
    user_type_id            TEXT NOT NULL,
    xml_id                  TEXT,
    sort                    INTEGER NOT NULL DEFAULT 100,
    multiple                TEXT NOT NULL DEFAULT 'N' CHECK (multiple IN ('Y', 'N')),
    mandatory               TEXT NOT NULL DEFAULT 'N' CHECK (mandatory IN ('Y', 'N')),
    show_filter             TEXT NOT NULL DEFAULT 'N',
    show_in_list            TEXT NOT NULL DEFAULT 'Y' CHECK (show_in_list IN ('Y', 'N')),
    edit_in_list            TEXT NOT NULL DEFAULT 'Y' CHECK (edit_in_list IN ('Y', 'N')),
    is_searchable           TEXT NOT NULL DEFAULT 'N' CHECK (is_searchable IN ('Y', 'N')),
    settings                TEXT NOT NULL DEFAULT '{}',
    labels                  TEXT NOT NULL DEFAULT '{}'
) STRICT;

-- Reported as the conflict `crm_userfields_entity_id_field_name`.
CREATE UNIQUE INDEX crm_userfields_entity_id_field_name ON crm_userfields (entity_id, field_name);

CREATE TABLE crm_userfield_enums (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    field_id                INTEGER NOT NULL,
    value                   TEXT NOT NULL,
    def                     TEXT NOT NULL DEFAULT 'N' CHECK (def IN ('Y', 'N')),
    sort                    INTEGER NOT NULL DEFAULT 500,
    xml_id                  TEXT NOT NULL
) STRICT;

-- Reported as the conflict `crm_userfield_enums_field_id_xml_id`.
CREATE UNIQUE INDEX crm_userfield_enums_field_id_xml_id ON crm_userfield_enums (field_id, xml_id);

CREATE TABLE crm_uf_values (
    entity                  TEXT NOT NULL,
    owner_id                INTEGER NOT NULL,
    field_id                INTEGER NOT NULL,
    position                INTEGER NOT NULL,
    value_int               INTEGER,
    value_real              REAL,
    value_text              TEXT,
    PRIMARY KEY (entity, owner_id, field_id, position)
) STRICT, WITHOUT ROWID;

CREATE INDEX crm_uf_values_field_int ON crm_uf_values (field_id, value_int);
CREATE INDEX crm_uf_values_field_real ON crm_uf_values (field_id, value_real);
CREATE INDEX crm_uf_values_field_text ON crm_uf_values (field_id, value_text);
