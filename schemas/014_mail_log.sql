-- What the mailer did with each notification: one row per notification, written right after its mail was sent
-- (or it was skipped), so a restarted mailer never mails it again.
CREATE TABLE IF NOT EXISTS {catalog}.{schema}.mail_log (
  notification_id STRING NOT NULL COMMENT 'work_item_notifications.id this row settles',
  user_email STRING NOT NULL COMMENT 'Recipient of the notification',
  item_id STRING NOT NULL COMMENT 'work_items.id of the notification (one mail per user and item per window)',
  mail_id STRING NOT NULL COMMENT 'Message-ID (without brackets) of the mail that carried it; empty when skipped',
  outcome STRING NOT NULL COMMENT 'sent | skipped (the person turned email off, or no mail address)',
  created_at TIMESTAMP NOT NULL COMMENT 'When the mail was sent or the notification skipped (UTC)',
  created_by STRING NOT NULL COMMENT 'Which process sent it (mailer@host:pid)'
)
USING DELTA
COMMENT 'DeltaDesk mailer log: notifications already mailed'
TBLPROPERTIES (
  'delta.enableDeletionVectors' = 'true',
  'delta.enableChangeDataFeed' = 'true'
);
