-- Databricks only (the embedded store serializes its writers itself, so it neither creates nor exports this table).
-- The rows that make key numbers, event seq and one vote per user unique under concurrent writers: with deletion
-- vectors on, the warehouse applies row-level concurrency, under which concurrent INSERTs and insert-only MERGEs
-- never conflict, but two writes that modify the same row do (the later commit fails and is retried). So every
-- number is handed out by a compare-and-set UPDATE of one row here: value = :seen + 1 WHERE value = :seen.
--   key:<item_type>  value = the last key number of that type (INC-<value>); db-init seeds it from the items.
--   seq:<item_id>    value = the seq of the item's latest event; pending_* = that event until it is stored.
--     A writer takes the next seq only once the pending event is in work_item_events, so a number is never
--     handed out twice and a vote is decided on the item's complete history. Created with the item, in the
--     same MERGE that takes its key number (a new row is only ever inserted beside an update of an existing one).
-- Derived state: db-init rebuilds missing rows from work_items and work_item_events.
CREATE TABLE IF NOT EXISTS {catalog}.{schema}.work_item_counters (
  name STRING NOT NULL COMMENT 'What is counted: key:<item_type> or seq:<item_id>; one row per name',
  value BIGINT NOT NULL COMMENT 'The last number handed out (key number, or event seq of the item)',
  pending_event STRING COMMENT 'seq rows: JSON of the event that took number value, until it is in work_item_events',
  pending_id STRING COMMENT 'seq rows: event_id of pending_event',
  updated_at TIMESTAMP NOT NULL COMMENT 'When the last number was taken (UTC)',
  updated_by STRING NOT NULL COMMENT 'Identity whose write took the last number'
)
USING DELTA
COMMENT 'DeltaDesk counters: per-type key numbers and per-item event sequence, taken by compare-and-set'
TBLPROPERTIES (
  'delta.enableDeletionVectors' = 'true'
);
