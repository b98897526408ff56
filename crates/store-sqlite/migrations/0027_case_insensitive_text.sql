-- Text filters compare in any case, as Bitrix24's MySQL collation does: the
-- list builder compares `lower(column) = lower(?)` on free-text columns and
-- multi-field values. These indexes on `lower(…)` serve those comparisons
-- where the exact column had an index. `lower` is the Unicode-aware function
-- every Portico connection installs (deterministic), so an index entry folds
-- Cyrillic and accented letters as the queries do; write to these tables only
-- through Portico.

DROP INDEX crm_multifields_type_value;
CREATE INDEX crm_multifields_type_lower_value ON crm_multifields (type_id, lower(value));
CREATE INDEX crm_contacts_lower_last_name ON crm_contacts (lower(last_name));
CREATE INDEX crm_companies_lower_title ON crm_companies (lower(title));
