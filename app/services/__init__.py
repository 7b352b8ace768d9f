"""Business rules: validation, workflows, permissions, concurrency and audit. The only place for them."""
