-- Outgoing webhooks admins registered: where to POST which events, and the secret that signs each body.
CREATE TABLE IF NOT EXISTS {catalog}.{schema}.webhooks (
  id STRING NOT NULL COMMENT 'UUID of the webhook (used in URLs and in every delivery id)',
  url STRING NOT NULL COMMENT 'http(s) URL each delivery is POSTed to (checked against the SSRF rules)',
  events STRING NOT NULL COMMENT 'JSON list of event types to deliver, or ["*"] for every type',
  item_types STRING NOT NULL COMMENT 'JSON list of item types to deliver for; [] means every type',
  platforms STRING NOT NULL COMMENT 'JSON list of platforms to deliver for; [] means every platform',
  format STRING NOT NULL COMMENT 'json (DeltaDesk body) or slack (Slack incoming-webhook message)',
  secret STRING NOT NULL COMMENT 'HMAC-SHA256 key of X-DeltaDesk-Signature-256; shown once at creation, never listed',
  created_at TIMESTAMP NOT NULL COMMENT 'When it was created (UTC); events before it are not delivered',
  created_by STRING NOT NULL COMMENT 'Admin who created it',
  deleted_at TIMESTAMP COMMENT 'When it was deleted (UTC); null while active',
  deleted_by STRING COMMENT 'Admin who deleted it'
)
USING DELTA
COMMENT 'DeltaDesk outgoing webhooks'
TBLPROPERTIES (
  'delta.enableDeletionVectors' = 'true',
  'delta.enableChangeDataFeed' = 'true'
);
