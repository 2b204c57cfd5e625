"""WTForms classes: syntax and presentation only; business rules live in mediation/."""

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def select_choices(pairs: Iterable[tuple[str, str]], blank: str | None = None) -> list:
    """(value, label) pairs as WTForms choices, with an optional empty first option."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


def error_items(form) -> list[tuple[str, str, str]]:
    """(field id, label, message) of every error on the form, nested rows included, in the
    order of the fields: the error summary at the top of long forms links to each one."""
    items = [("", "", message) for message in getattr(form, "form_errors", [])]
    for field in form:
        if field.type == "CSRFTokenField":
            continue
        if field.type == "FieldList":
            for index, entry in enumerate(field.entries, start=1):
                items += _row_items(entry, index, field.label.text)
            continue
        if field.type == "FormField":
            items += error_items(field.form)
            continue
        items += [(field.id, field.label.text, message) for message in field.errors or []]
    return items


def _row_items(entry, index: int, label: str) -> list[tuple[str, str, str]]:
    if entry.type != "FormField":
        return [(entry.id, f"{label}第{index}行", m) for m in entry.errors or []]
    row = entry.form
    items = []
    first = next(iter(row), None)
    for message in getattr(row, "row_errors", []):
        items.append((first.id if first else "", f"第{index}行", message))
    for field in row:
        for message in field.errors or []:
            items.append((field.id, f"第{index}行 {field.label.text}", message))
    return items
