-- Per-person preferences (the /settings page): one row per person, the latest choice replaces the row.
CREATE TABLE IF NOT EXISTS {catalog}.{schema}.user_settings (
  user_email STRING NOT NULL COMMENT 'Identity of the person these settings belong to',
  email_enabled BOOLEAN NOT NULL COMMENT 'Whether notifications are also mailed to this person (default true when no row)',
  created_at TIMESTAMP NOT NULL COMMENT 'When the person last saved these settings (UTC)',
  created_by STRING NOT NULL COMMENT 'Who saved them (the person themselves)'
)
USING DELTA
COMMENT 'DeltaDesk per-user settings'
TBLPROPERTIES (
  'delta.enableDeletionVectors' = 'true',
  'delta.enableChangeDataFeed' = 'true'
);
