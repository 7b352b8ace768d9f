-- Which process mails (one at a time, so nothing is mailed twice): a lease row its holder renews, taken over
-- by another process once it expired.
CREATE TABLE IF NOT EXISTS {catalog}.{schema}.mail_lease (
  name STRING NOT NULL COMMENT 'The lease this row is (mailer)',
  owner STRING NOT NULL COMMENT 'The process holding it (mailer@host:pid)',
  expires_at TIMESTAMP NOT NULL COMMENT 'Until when it is held unless renewed (UTC)',
  started_at TIMESTAMP NOT NULL COMMENT 'When mailing first ran: notifications created before are never mailed (UTC)',
  created_at TIMESTAMP NOT NULL COMMENT 'When the owner last took or renewed it (UTC)',
  created_by STRING NOT NULL COMMENT 'Same as owner: who wrote the row'
)
USING DELTA
COMMENT 'DeltaDesk mailer lease'
TBLPROPERTIES (
  'delta.enableDeletionVectors' = 'true',
  'delta.enableChangeDataFeed' = 'true'
);
