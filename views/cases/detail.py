"""Routes: detail."""

from views.cases import bp  # noqa: F401
