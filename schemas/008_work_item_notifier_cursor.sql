-- How far the notifier has fanned out work_item_events: one row per notifier, moved after its notifications are stored.
CREATE TABLE IF NOT EXISTS {catalog}.{schema}.work_item_notifier_cursor (
  name STRING NOT NULL COMMENT 'The notifier this cursor belongs to (inbox)',
  position STRING NOT NULL COMMENT 'Opaque position in the events feed (embedded: events table version; Databricks: created_at watermark)',
  created_at TIMESTAMP NOT NULL COMMENT 'When the cursor was moved to this position (UTC)',
  created_by STRING NOT NULL COMMENT 'Which process moved it (notifier@host:pid)'
)
USING DELTA
COMMENT 'DeltaDesk notifier cursor over work_item_events'
TBLPROPERTIES (
  'delta.enableDeletionVectors' = 'true',
  'delta.enableChangeDataFeed' = 'true'
);
