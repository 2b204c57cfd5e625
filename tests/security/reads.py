"""What a route reads from its query string and its posted form, declared beside the route in
test_route_matrix.ROUTES so that the crawl (test_crawl.py) sends hostile values to each of them.

A parameter list is a form class (its fields' names, rows of a FieldList included), a string of
names separated by spaces, or a tuple of both. A name may hold `{…}` placeholders filled from
the crawl's world (e.g. "all-amount-{worker_id}"). `example` gives ordinary values for the
fields a form needs before the view reaches the domain, so that one hostile field at a time gets
past the others' validation; the values a GET of the same URL prefills are used too.
"""

from dataclasses import dataclass, field

from wtforms import Form
from wtforms.fields import FieldList, FormField

Names = type | str | tuple


@dataclass(frozen=True)
class Reads:
    query: Names = ()
    form: Names = ()
    example: dict[str, str] = field(default_factory=dict)


def reads(query: Names = (), form: Names = (), **example: str) -> Reads:
    return Reads(query, form, example)


NOTHING = Reads()  # the route reads only its path


def names(spec: Names, world: dict) -> list[str]:
    """The parameter names a declaration stands for (inside a request context for forms)."""
    if isinstance(spec, tuple):
        return [name for part in spec for name in names(part, world)]
    if isinstance(spec, str):
        return [name.format(**world) for name in spec.split()]
    return _field_names(spec(formdata=None, meta={"csrf": False}))


def _field_names(form: Form) -> list[str]:
    found = []
    for item in form:
        if isinstance(item, FieldList):
            for entry in item.entries:
                found.extend(
                    _field_names(entry.form) if isinstance(entry, FormField) else [entry.name]
                )
        elif isinstance(item, FormField):
            found.extend(_field_names(item.form))
        else:
            found.append(item.name)
    return found
