"""Routes: listing."""

from views.cases import bp  # noqa: F401
