"""WTForms classes: syntax and presentation only; business rules live in mediation/."""

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def select_choices(pairs: Iterable[tuple[str, str]], blank: str | None = None) -> list:
    """(value, label) pairs as WTForms choices, with an optional empty first option."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]
