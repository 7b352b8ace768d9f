"""Cross-cutting web concerns: identity, roles, request context helpers."""
