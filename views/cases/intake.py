"""Routes: intake."""

from views.cases import bp  # noqa: F401
