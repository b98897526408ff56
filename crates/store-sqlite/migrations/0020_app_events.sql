-- Portico SQLite schema, version 20: applications' event handlers. A binding
-- made with `event.bind` is an outbound webhook row of the application
-- (`app_id`, removed with it) subscribed to one event code, with the user
-- whose tokens its deliveries carry (`auth_user_id`, Bitrix24's `auth_type`).
-- `app_handler` marks every row that is or was an application's: a row
-- detached when its application was removed (to deliver `ONAPPUNINSTALL`)
-- keeps it, so users' outbound-webhook lists never show such rows.

ALTER TABLE outbound_webhooks ADD COLUMN app_id INTEGER REFERENCES apps (id) ON DELETE CASCADE;
ALTER TABLE outbound_webhooks ADD COLUMN auth_user_id INTEGER REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE outbound_webhooks ADD COLUMN app_handler INTEGER NOT NULL DEFAULT 0;

CREATE INDEX outbound_webhooks_app_id ON outbound_webhooks (app_id) WHERE app_id IS NOT NULL;
