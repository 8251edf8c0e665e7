"""The read-only JSON API under /api/v1/: its data, its OpenAPI document and its blueprint."""
