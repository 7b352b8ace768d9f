-- Append-only audit log: exactly one event per change of a work item, its comments or its votes.
CREATE TABLE IF NOT EXISTS {catalog}.{schema}.work_item_events (
  event_id STRING NOT NULL COMMENT 'UUID of the event (for commented events also the comment id)',
  item_id STRING NOT NULL COMMENT 'work_items.id the event belongs to',
  seq BIGINT NOT NULL COMMENT 'Order of the event within its item, from 1',
  event_type STRING NOT NULL COMMENT 'created | updated | state_changed | commented | voted | unvoted',
  payload STRING NOT NULL COMMENT 'JSON: the item for created, per-field from/to for updated, from/to/note for state_changed, body for commented',
  version BIGINT NOT NULL COMMENT 'work_items.version after the event',
  created_at TIMESTAMP NOT NULL COMMENT 'When it happened (UTC)',
  created_by STRING NOT NULL COMMENT 'Actor: identity of who did it'
)
USING DELTA
COMMENT 'DeltaDesk audit events, append-only'
TBLPROPERTIES (
  'delta.enableDeletionVectors' = 'true',
  'delta.enableChangeDataFeed' = 'true',
  'delta.appendOnly' = 'true'
);
