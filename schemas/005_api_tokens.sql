-- API tokens for scripts and alerting: only a SHA-256 hash of each token is stored.
CREATE TABLE IF NOT EXISTS {catalog}.{schema}.api_tokens (
  id STRING NOT NULL COMMENT 'UUID of the token record (shown in listings, used to revoke)',
  name STRING NOT NULL COMMENT 'What the token is for, e.g. alertmanager',
  token_hash STRING NOT NULL COMMENT 'Hex SHA-256 of the secret token; the token itself is never stored',
  user_id STRING NOT NULL COMMENT 'Identity the token acts as',
  created_at TIMESTAMP NOT NULL COMMENT 'When it was created (UTC)',
  created_by STRING NOT NULL COMMENT 'Admin who created it',
  revoked_at TIMESTAMP COMMENT 'When it was revoked (UTC); null while active',
  revoked_by STRING COMMENT 'Admin who revoked it'
)
USING DELTA
COMMENT 'DeltaDesk API tokens (hashes only)'
TBLPROPERTIES (
  'delta.enableDeletionVectors' = 'true',
  'delta.enableChangeDataFeed' = 'true'
);
