-- The dispatcher's durable state: which process holds the lease, until when, and how far it has read events.
CREATE TABLE IF NOT EXISTS {catalog}.{schema}.webhook_dispatch (
  name STRING NOT NULL COMMENT 'Which dispatcher the row is for (one row, dispatcher)',
  owner STRING COMMENT 'Id of the process holding the lease; null when none ever did',
  lease_until TIMESTAMP COMMENT 'The lease ends then (UTC) unless its owner renews it; another process may then take it',
  cursor_at TIMESTAMP COMMENT 'Events created before this (UTC, less a grace window) are queued as deliveries',
  version BIGINT NOT NULL COMMENT 'Bumped by every change (compare-and-set)',
  created_at TIMESTAMP COMMENT 'When the row was first written (UTC)',
  created_by STRING COMMENT 'Process that first wrote the row'
)
USING DELTA
COMMENT 'DeltaDesk webhook dispatcher lease and cursor'
TBLPROPERTIES (
  'delta.enableDeletionVectors' = 'true',
  'delta.enableChangeDataFeed' = 'true'
);
