"""One search box: case numbers, worker names, ID numbers, phones, employers, legal-case numbers.

Every way in goes through an index, never a scan of the cases:
- case numbers by `number_key` (full/half width, brackets, 第/号 folded), exact or prefix;
- ID numbers and phones by exact match only, on `lookup_key` columns, the query normalised by
  the functions intake stores them with (never a part of a number);
- credit codes by the employer's unique index;
- names (workers', employers') exact or by prefix through their B-tree indexes, and substrings
  of three characters or more through a trigram index (pg_trgm GIN on PostgreSQL, an FTS5
  `trigram` table on SQLite).

The key columns are kept in step by a before-flush hook here (every ORM write); bulk writers
that insert rows themselves set them with the same functions (the ledger import does).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    ColumnElement,
    String,
    bindparam,
    column,
    event,
    literal_column,
    or_,
)
from sqlalchemy import select as sa_select
from sqlalchemy import table as sa_table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import Session, select

from mediation.identifiers import (
    InvalidIdentifier,
    id_number_forms,
    lookup_key,
    normalize_credit_code,
    normalize_phone,
)
from mediation.numbering import number_key
from mediation.scope import Scope
from models import Case, Employer, LegalCase, Worker

MIN_TRIGRAM = 3  # substrings shorter than a trigram are matched as prefixes only
MIN_NUMBER_PREFIX = 4  # "2026" lists the year; shorter number prefixes are not searched
LEGAL_LIMIT = 20


# -- keeping the keys in step -----------------------------------------------------------------


def set_worker_keys(worker: Worker) -> None:
    worker.id_key = lookup_key("id", worker.id_number)
    worker.phone_key = lookup_key("phone", worker.phone)


def _before_flush(session: Session, _context, _instances) -> None:
    for instance in (*session.new, *session.dirty):
        if isinstance(instance, Worker):
            set_worker_keys(instance)
        elif isinstance(instance, Case | LegalCase):
            instance.number_key = number_key(instance.number)


event.listen(Session, "before_flush", _before_flush)


# -- substring matching through the trigram index of either database ---------------------------


class contains_trigram(ColumnElement):  # noqa: N801 (an SQL construct, named like its kin)
    """`column LIKE '%text%'`, answered by the column's trigram index: PostgreSQL's pg_trgm GIN
    index serves LIKE itself; SQLite asks the FTS5 trigram table kept beside the table.

    The text travels in bound parameters that are part of the statement, so compiled statements
    are cached like any other (compiling a search's UNION costs more than running it)."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition in itself: no "= 1" appended on SQLite
    _traverse_internals = [  # noqa: RUF012
        ("text_column", InternalTraversal.dp_clauseelement),
        ("id_column", InternalTraversal.dp_clauseelement),
        ("fts_table", InternalTraversal.dp_string),
        ("pattern", InternalTraversal.dp_clauseelement),
        ("phrase", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, text_column, id_column, fts_table: str, text: str):
        self.text_column, self.id_column, self.fts_table = text_column, id_column, fts_table
        escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
        self.pattern = bindparam(None, f"%{escaped}%", type_=String())
        self.phrase = bindparam(None, '"' + text.replace('"', '""') + '"', type_=String())


@compiles(contains_trigram)
def _contains_default(element, compiler, **kw):
    return compiler.process(element.text_column.like(element.pattern, escape="/"), **kw)


@compiles(contains_trigram, "sqlite")
def _contains_sqlite(element, compiler, **kw):
    fts = sa_table(element.fts_table, column("rowid"))
    matching = sa_select(fts.c.rowid).where(
        literal_column(element.fts_table).op("MATCH")(element.phrase)
    )
    return compiler.process(element.id_column.in_(matching), **kw)


def _after(text: str) -> str:
    """The smallest string greater than every string starting with `text` (code-point order)."""
    return text[:-1] + chr(ord(text[-1]) + 1)


def _name_conditions(name_column, id_column, fts_table: str, text: str) -> list:
    """Exact and prefix match through the B-tree (a range, which an index serves under any
    collation, rechecked by LIKE), and a substring through the trigram index."""
    conditions = [
        (name_column >= text)
        & (name_column < _after(text))
        & name_column.startswith(text, autoescape=True)
    ]
    if len(text) >= MIN_TRIGRAM:
        conditions.append(contains_trigram(name_column, id_column, fts_table, text))
    return conditions


# -- the query ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """What a typed query can be: each part is searched only when the text can be one."""

    text: str
    number_key: str = ""
    id_keys: tuple[str, ...] = ()
    phone_key: str | None = None
    credit_code: str = ""
    names: bool = True


def parse_query(raw: str) -> Query | None:
    # control characters (NUL, bidi overrides) are never part of what is searched for, and NUL
    # is refused by PostgreSQL and ends an FTS5 phrase
    text = " ".join("".join(c for c in raw or "" if c.isprintable() or c.isspace()).split())
    if not text:
        return None
    try:
        phone = lookup_key("phone", normalize_phone(text))
    except InvalidIdentifier:
        phone = None
    try:
        credit_code = normalize_credit_code(text)
    except InvalidIdentifier:
        credit_code = ""
    forms = id_number_forms(text) if any(char.isdigit() for char in text) else set()
    checked = any(len(form) == 18 and form[:17].isdigit() for form in forms)  # GB 11643 passed
    return Query(
        text=text,
        number_key=number_key(text),
        id_keys=tuple(sorted(filter(None, (lookup_key("id", form) for form in forms)))),
        phone_key=phone,
        credit_code=credit_code,
        # a checked identifier is looked up as one, never as (part of) a name
        names=not (phone or credit_code or checked),
    )


def is_identifier_query(raw: str) -> bool:
    """Whether the text is looked up as an ID number, phone or credit code, never as a name."""
    query = parse_query(raw)
    return query is not None and not query.names


def _worker_conditions(query: Query) -> list:
    conditions = []
    if query.id_keys:
        conditions.append(Worker.id_key.in_(query.id_keys))
    if query.phone_key:
        conditions.append(Worker.phone_key == query.phone_key)
    if query.names:
        conditions.extend(
            _name_conditions(Worker.name, Worker.id, "case_worker_name_fts", query.text)
        )
    return conditions


def _employer_conditions(query: Query) -> list:
    conditions = []
    if query.credit_code:
        conditions.append(Employer.credit_code == query.credit_code)
    if query.names:
        conditions.extend(
            _name_conditions(Employer.name, Employer.id, "employer_name_fts", query.text)
        )
    return conditions


def _number_conditions(key_column, key: str) -> list:
    if not key:
        return []
    conditions = [key_column == key]
    # "2026南里调字" lists the year's numbers; a full number ("…第5号") is not a prefix of 50-59
    if len(key) >= MIN_NUMBER_PREFIX and not key[-1].isdigit():
        conditions.append((key_column > key) & (key_column < _after(key)))
    return conditions


def matching_case_ids(query: Query):
    """A SELECT of the ids of the mediation cases the query finds: a UNION of index lookups."""
    parts = [select(Worker.case_id).where(c) for c in _worker_conditions(query)]
    numbers = _number_conditions(Case.number_key, query.number_key)
    parts += [select(Case.id).where(c) for c in numbers]
    employers = [select(Employer.id).where(c) for c in _employer_conditions(query)]
    if employers:
        parts.append(select(Case.id).where(Case.employer_id.in_(_union(employers))))
    return _union(parts)


def _union(parts: list):
    """The parts' ids, each once (a case is counted once however many of its workers match)."""
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0].distinct()


def case_condition(raw: str) -> ColumnElement[bool] | None:
    """The WHERE condition of the case list for a typed query (None: no query)."""
    query = parse_query(raw)
    if query is None:
        return None
    return Case.id.in_(matching_case_ids(query))


@dataclass(frozen=True)
class MatchedWorker:
    case_id: int
    name: str
    id_number: str
    phone: str
    lawyer_id: int | None  # the case's lawyer, who sees the worker unmasked (mediation/privacy)


def _page_worker_conditions(query: Query) -> list:
    """What `_worker_conditions` finds, checked row by row: among a page's few workers a plain
    LIKE costs less than asking the trigram index again for every worker in the database."""
    conditions = []
    if query.id_keys:
        conditions.append(Worker.id_key.in_(query.id_keys))
    if query.phone_key:
        conditions.append(Worker.phone_key == query.phone_key)
    if query.names and len(query.text) >= MIN_TRIGRAM:
        conditions.append(Worker.name.contains(query.text, autoescape=True))
    elif query.names:
        conditions.append(Worker.name.startswith(query.text, autoescape=True))
    return conditions


def matched_workers(
    session: Session, raw: str, case_ids: Iterable[int]
) -> dict[int, list[MatchedWorker]]:
    """The workers of the listed cases that the query found (the person a search is about)."""
    query = parse_query(raw)
    ids = list(case_ids)
    if query is None or not ids:
        return {}
    conditions = _page_worker_conditions(query)
    if not conditions:
        return {}
    statement = (
        select(Worker.case_id, Worker.name, Worker.id_number, Worker.phone, Case.lawyer_id)
        .join(Case, Case.id == Worker.case_id)
        .where(Worker.case_id.in_(ids), or_(*conditions))
        .order_by(Worker.case_id, Worker.position)
    )
    found: dict[int, list[MatchedWorker]] = {}
    for row in session.exec(statement):
        found.setdefault(row.case_id, []).append(MatchedWorker(*row))
    return found


def found_by_identifier(session: Session, raw: str, case_ids: Iterable[int]) -> list[int]:
    """Which of the listed cases the query found by a worker's ID number or phone: a search
    that reads whose case a person has (the access log records each)."""
    query = parse_query(raw)
    ids = list(case_ids)
    if query is None or not ids or not (query.id_keys or query.phone_key):
        return []
    conditions = []
    if query.id_keys:
        conditions.append(Worker.id_key.in_(query.id_keys))
    if query.phone_key:
        conditions.append(Worker.phone_key == query.phone_key)
    statement = select(Worker.case_id).where(Worker.case_id.in_(ids), or_(*conditions))
    return sorted(set(session.exec(statement.distinct())))


# -- legal cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegalHit:
    id: int
    number: str
    service_type: str
    outcome: str
    accepted_on: object
    mediation_case_id: int | None
    mediation_number: str | None


def search_legal(
    session: Session, scope: Scope, raw: str, case_ids: Iterable[int] = ()
) -> list[LegalHit]:
    """Legal-service cases found by their own number, or continuing one of the mediation cases
    listed (`case_ids`, the page of results); newest first, within the scope."""
    query = parse_query(raw)
    if query is None:
        return []
    numbers = _number_conditions(LegalCase.number_key, query.number_key)
    conditions = [*numbers]
    ids = list(case_ids)
    if ids:
        conditions.append(LegalCase.mediation_case_id.in_(ids))
    if not conditions:
        return []
    statement = (
        select(
            LegalCase.id,
            LegalCase.number,
            LegalCase.service_type,
            LegalCase.outcome,
            LegalCase.accepted_on,
            LegalCase.mediation_case_id,
            Case.number,
        )
        .outerjoin(Case, Case.id == LegalCase.mediation_case_id)
        .where(LegalCase.id.in_(_union([select(LegalCase.id).where(c) for c in conditions])))
    )
    statement = scope.apply(statement, LegalCase.centre_id)
    rows = session.exec(statement.order_by(LegalCase.id.desc()).limit(LEGAL_LIMIT))
    return [LegalHit(*row) for row in rows]
