-- Portico SQLite schema: every standard field `crm.{deal,contact,company}.fields`
-- and `user.fields` list has a column, so records answer all of them.
--
-- CRM: a deal's estimate (`QUOTE_ID`) and location (`LOCATION_ID`), a
-- contact's `PHOTO` and a company's `LOGO` (file ids). Portico has no
-- estimates, locations or files yet: these stay NULL (the fields are
-- read-only).
--
-- Users: the remaining profile fields of `user.fields`. `timestamp_x` is the
-- instant of the last change through the API, `last_activity_date` the last
-- activity (Unix seconds). `uf_department` holds the user's department ids
-- between commas (`,1,3,`), NULL for none; until a company structure exists
-- every user is in department 1, the root, as Bitrix24's employees are (user.add
-- leaves extranet users without one). `personal_photo`, `work_logo` and
-- `uf_timeman` stay NULL (read-only fields).

ALTER TABLE crm_deals ADD COLUMN quote_id INTEGER;
ALTER TABLE crm_deals ADD COLUMN location_id TEXT;
ALTER TABLE crm_contacts ADD COLUMN photo INTEGER;
ALTER TABLE crm_companies ADD COLUMN logo INTEGER;

ALTER TABLE users ADD COLUMN title TEXT;
ALTER TABLE users ADD COLUMN timestamp_x INTEGER;
ALTER TABLE users ADD COLUMN last_activity_date INTEGER;
ALTER TABLE users ADD COLUMN personal_profession TEXT;
ALTER TABLE users ADD COLUMN personal_www TEXT;
ALTER TABLE users ADD COLUMN personal_photo INTEGER;
ALTER TABLE users ADD COLUMN personal_icq TEXT;
ALTER TABLE users ADD COLUMN personal_fax TEXT;
ALTER TABLE users ADD COLUMN personal_pager TEXT;
ALTER TABLE users ADD COLUMN personal_street TEXT;
ALTER TABLE users ADD COLUMN personal_state TEXT;
ALTER TABLE users ADD COLUMN personal_zip TEXT;
ALTER TABLE users ADD COLUMN personal_country TEXT;
ALTER TABLE users ADD COLUMN personal_mailbox TEXT;
ALTER TABLE users ADD COLUMN personal_notes TEXT;
ALTER TABLE users ADD COLUMN work_department TEXT;
ALTER TABLE users ADD COLUMN work_www TEXT;
ALTER TABLE users ADD COLUMN work_fax TEXT;
ALTER TABLE users ADD COLUMN work_pager TEXT;
ALTER TABLE users ADD COLUMN work_street TEXT;
ALTER TABLE users ADD COLUMN work_mailbox TEXT;
ALTER TABLE users ADD COLUMN work_city TEXT;
ALTER TABLE users ADD COLUMN work_state TEXT;
ALTER TABLE users ADD COLUMN work_zip TEXT;
ALTER TABLE users ADD COLUMN work_country TEXT;
ALTER TABLE users ADD COLUMN work_profile TEXT;
ALTER TABLE users ADD COLUMN work_logo INTEGER;
ALTER TABLE users ADD COLUMN work_notes TEXT;
ALTER TABLE users ADD COLUMN uf_skype_link TEXT;
ALTER TABLE users ADD COLUMN uf_zoom TEXT;
ALTER TABLE users ADD COLUMN uf_employment_date TEXT;
ALTER TABLE users ADD COLUMN uf_timeman TEXT;
ALTER TABLE users ADD COLUMN uf_department TEXT DEFAULT ',1,';
ALTER TABLE users ADD COLUMN uf_interests TEXT;
ALTER TABLE users ADD COLUMN uf_skills TEXT;
ALTER TABLE users ADD COLUMN uf_web_sites TEXT;
ALTER TABLE users ADD COLUMN uf_xing TEXT;
ALTER TABLE users ADD COLUMN uf_linkedin TEXT;
ALTER TABLE users ADD COLUMN uf_twitter TEXT;
ALTER TABLE users ADD COLUMN uf_skype TEXT;
ALTER TABLE users ADD COLUMN uf_district TEXT;
ALTER TABLE users ADD COLUMN uf_phone_inner TEXT;
