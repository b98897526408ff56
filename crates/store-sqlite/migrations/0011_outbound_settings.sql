-- Portico SQLite schema, version 11: per outbound webhook, whether it gets
-- Bitrix24's single attempt instead of the retry schedule, and why and when it
-- was switched off (`gone`: the handler answered 410; `failing`: a delivery
-- failed through the whole retry schedule; `manual`: its owner or an
-- administrator switched it off).

ALTER TABLE outbound_webhooks ADD COLUMN single_attempt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbound_webhooks ADD COLUMN disabled_reason TEXT
    CHECK (disabled_reason IN ('gone', 'failing', 'manual'));
ALTER TABLE outbound_webhooks ADD COLUMN disabled_at INTEGER;

-- Handlers already off say why: switched off by a 410 when an attempt of
-- theirs did, else by hand.
UPDATE outbound_webhooks SET
    disabled_reason = CASE WHEN EXISTS (
        SELECT 1 FROM delivery_attempts a JOIN event_deliveries d ON d.id = a.delivery_id
        WHERE d.webhook_id = outbound_webhooks.id AND a.outcome = 'disabled')
      THEN 'gone' ELSE 'manual' END,
    disabled_at = created_at
WHERE active = 0;
