-- The inbox: one row per (event, recipient); id is derived from both, so fanning an event out twice stores it once.
CREATE TABLE IF NOT EXISTS {catalog}.{schema}.work_item_notifications (
  id STRING NOT NULL COMMENT 'sha256(event_id, user_email), first 32 hex digits: one notification per event and user',
  user_email STRING NOT NULL COMMENT 'Identity of the recipient',
  item_id STRING NOT NULL COMMENT 'work_items.id the event belongs to',
  item_key STRING NOT NULL COMMENT 'work_items.key at the time of the event (e.g. INC-12)',
  event_id STRING NOT NULL COMMENT 'work_item_events.event_id this notification is about',
  event_type STRING NOT NULL COMMENT 'work_item_events.event_type of that event',
  summary STRING NOT NULL COMMENT 'What happened, in a few words: the fields an update changed, the states a move went between',
  reason STRING NOT NULL COMMENT 'assigned | mentioned | author | watching: why the recipient is told',
  created_at TIMESTAMP NOT NULL COMMENT 'When the event happened (UTC)',
  created_by STRING NOT NULL COMMENT 'Actor: identity of who did it (never the recipient)',
  read_at TIMESTAMP COMMENT 'When the recipient marked it read (UTC); NULL while unread'
)
USING DELTA
COMMENT 'DeltaDesk in-app notifications (inbox)'
TBLPROPERTIES (
  'delta.enableDeletionVectors' = 'true',
  'delta.enableChangeDataFeed' = 'true'
);
