-- One row per (item_id, voter): voting twice is one vote; unvoting deletes the row.
CREATE TABLE IF NOT EXISTS {catalog}.{schema}.work_item_votes (
  item_id STRING NOT NULL COMMENT 'work_items.id voted for',
  voter STRING NOT NULL COMMENT 'Identity of the voter; unique together with item_id',
  created_at TIMESTAMP NOT NULL COMMENT 'When the vote was cast (UTC)',
  created_by STRING NOT NULL COMMENT 'Identity that cast the vote (equals voter)'
)
USING DELTA
COMMENT 'DeltaDesk votes on work items'
TBLPROPERTIES (
  'delta.enableDeletionVectors' = 'true',
  'delta.enableChangeDataFeed' = 'true'
);
