"""Routes: workflow."""

from views.cases import bp  # noqa: F401
