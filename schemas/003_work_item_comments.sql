-- Comments are append-only markdown; the id equals the id of the matching commented event.
CREATE TABLE IF NOT EXISTS {catalog}.{schema}.work_item_comments (
  id STRING NOT NULL COMMENT 'UUID of the comment (same as its commented event)',
  item_id STRING NOT NULL COMMENT 'work_items.id commented on',
  body STRING NOT NULL COMMENT 'Markdown, 1 to 10 000 characters',
  created_at TIMESTAMP NOT NULL COMMENT 'When it was posted (UTC)',
  created_by STRING NOT NULL COMMENT 'Identity of the commenter'
)
USING DELTA
COMMENT 'DeltaDesk comments, append-only'
TBLPROPERTIES (
  'delta.enableDeletionVectors' = 'true',
  'delta.enableChangeDataFeed' = 'true',
  'delta.appendOnly' = 'true'
);
