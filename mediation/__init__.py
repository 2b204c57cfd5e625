"""The domain: plain functions on a Session. No Flask request, no flash, no commit in here."""

from mediation.cases import search  # noqa: F401, E402  (keeps the search keys in step on every flush)
from mediation.statistics import rollup  # noqa: F401  (keeps the statistics rollup in step on every flush)
