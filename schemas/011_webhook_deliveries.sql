-- One row per (webhook, event): the durable outbox of the dispatcher, and the delivery log admins read.
CREATE TABLE IF NOT EXISTS {catalog}.{schema}.webhook_deliveries (
  delivery_id STRING NOT NULL COMMENT 'Stable id of the delivery (from webhook id and event id), the same on every retry',
  webhook_id STRING NOT NULL COMMENT 'webhooks.id it is for',
  event_id STRING NOT NULL COMMENT 'work_item_events.event_id it delivers',
  item_id STRING NOT NULL COMMENT 'work_items.id of the event (deliveries of one item go out in event order)',
  seq BIGINT NOT NULL COMMENT 'work_item_events.seq of the event within its item',
  event_type STRING NOT NULL COMMENT 'work_item_events.event_type (X-DeltaDesk-Event)',
  event_at TIMESTAMP NOT NULL COMMENT 'work_item_events.created_at of the event (UTC)',
  status STRING NOT NULL COMMENT 'pending | delivered | failed (gave up after the retry window)',
  attempts BIGINT NOT NULL COMMENT 'HTTP attempts made so far',
  status_code BIGINT COMMENT 'HTTP status of the last attempt; null when it got no answer',
  next_attempt_at TIMESTAMP COMMENT 'When the next attempt is due (UTC); null once delivered or failed',
  last_error STRING COMMENT 'Why the last attempt failed (timeout, refused, HTTP 500, first 1 KB of the body)',
  created_at TIMESTAMP NOT NULL COMMENT 'When the delivery was queued (UTC)',
  created_by STRING NOT NULL COMMENT 'Dispatcher process that queued it (host-pid-random)',
  updated_at TIMESTAMP NOT NULL COMMENT 'When the row last changed (UTC)'
)
USING DELTA
COMMENT 'DeltaDesk webhook deliveries: the outbox and its log'
TBLPROPERTIES (
  'delta.enableDeletionVectors' = 'true',
  'delta.enableChangeDataFeed' = 'true'
);
