"""The web layer: blueprints, request-scoped database sessions and CLI commands."""
