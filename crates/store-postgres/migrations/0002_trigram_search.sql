-- Substring search through indexes instead of scans (SQLite's migration 0029
-- keeps FTS5 trigram tables for the same columns).
--
-- `%TITLE`, `%NAME`, … list filters compare `lower(column) LIKE lower(pattern)`
-- (see the list builder in portico-store). A GIN trigram index on
-- `lower(column)` finds the candidate rows of such a pattern when its literal
-- runs are long enough (three characters or more); PostgreSQL rechecks the
-- `LIKE` itself, so the matches are exactly the scan's. `lower` is PostgreSQL's
-- own, Unicode-aware in a UTF-8 database, and the same function the queries
-- call, so index entries fold as the queries do. The columns are those of
-- SQLite's search tables: leads' title, name, second name, last name and
-- company title; contacts' name, second name and last name; companies' and
-- deals' title.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX crm_leads_lower_title_trgm ON crm_leads USING gin (lower(title) gin_trgm_ops);
CREATE INDEX crm_leads_lower_name_trgm ON crm_leads USING gin (lower(name) gin_trgm_ops);
CREATE INDEX crm_leads_lower_second_name_trgm ON crm_leads USING gin (lower(second_name) gin_trgm_ops);
CREATE INDEX crm_leads_lower_last_name_trgm ON crm_leads USING gin (lower(last_name) gin_trgm_ops);
CREATE INDEX crm_leads_lower_company_title_trgm ON crm_leads USING gin (lower(company_title) gin_trgm_ops);

CREATE INDEX crm_contacts_lower_name_trgm ON crm_contacts USING gin (lower(name) gin_trgm_ops);
CREATE INDEX crm_contacts_lower_second_name_trgm ON crm_contacts USING gin (lower(second_name) gin_trgm_ops);
CREATE INDEX crm_contacts_lower_last_name_trgm ON crm_contacts USING gin (lower(last_name) gin_trgm_ops);

CREATE INDEX crm_companies_lower_title_trgm ON crm_companies USING gin (lower(title) gin_trgm_ops);

CREATE INDEX crm_deals_lower_title_trgm ON crm_deals USING gin (lower(title) gin_trgm_ops);
