"""Hostile input never makes a route answer 500 (issue 15).

Every path converter of the URL map and every query and form parameter a route reads (declared
beside the route in test_route_matrix.ROUTES) gets each hostile value below — ids beyond 64 bits,
negative numbers, digits of other scripts, dates the calendar or the database cannot hold,
header-splitting newlines, bidirectional controls, NUL, very long text and SQL/HTML
metacharacters — as a user who may use the route. A form gets them one field at a time, the
others ordinary, so that the value reaches the domain; a query string gets one request per value
with every parameter hostile, each parameter a different value in turn (a Latin square: every
parameter meets every value). Each request runs in a savepoint rolled back afterwards, so every
one starts from the same world. PDFs are checked on the HTML they are made from (WeasyPrint's
handling of hostile text: test_stored_xss).
"""

from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from sqlmodel import select

from conftest import csrf_from, login, succeed
from mediation.permissions import ROLE_PERMISSIONS
from models import ClaimLine, LegalWorker, Role, User, Worker
from security import test_route_matrix as matrix
from security.reads import names
from security.test_route_matrix import PUBLIC, ROUTES
from views import reports, sheets

HOSTILE = (
    "99999999999999999999",
    "2147483648",
    "-1",
    "0",
    "٣",
    "３",
    "²",
    "1e400",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "0001-01-01T00:00",
    "\r\nX-Test: 1",
    "\u202eFDP.exe",
    "a\x00b",
    "长" * 5_000,
    "' OR 1=1 --",
    '"><script>alert(1)</script>',
)
# Who crawls a route: the first of these roles that may use it.
CRAWLERS = (("mediator", "NH-LS", None), ("centre_supervisor", "NH-LS", None), ("admin",))
# Routes that act on a case with an effective agreement rather than the world's open case.
PAYING = {"cases.payment", "cases.pay_all"}
TRACEBACK = "Traceback (most recent call last)"
CSRF_REFUSED = "表单已过期或缺少安全令牌"  # the crawl's own posts must get past CSRF
world = matrix.world  # the route matrix's fixture, shared


@pytest.fixture
def crawl_world(db, world, make_case, make_user):
    """The route matrix's world, with the rows whose ids dynamic field names carry and a case
    whose agreement is effective (for the payment forms)."""
    worker = db.exec(select(Worker).where(Worker.case_id == world["case_id"])).first()
    line = db.exec(select(ClaimLine).where(ClaimLine.worker_id == worker.id)).first()
    legal_worker = db.exec(
        select(LegalWorker).where(LegalWorker.legal_case_id == world["legal_id"])
    ).first()
    paying = make_case("NH-LS", workers=2)
    succeed(db, paying, db.get(User, paying.created_by_id), paying.received_on, pay=False)
    paying_worker = db.exec(select(Worker).where(Worker.case_id == paying.id)).first()
    db.flush()
    return world | {
        "worker_id": worker.id,
        "line_id": line.id,
        "legal_worker_id": legal_worker.id,
        "paying": {"case_id": paying.id, "worker_id": paying_worker.id},
    }


class _Controls(HTMLParser):
    """The values a page's form controls hold: what a browser would send back unchanged."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value") or "y"
            else:
                self.values.setdefault(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self.values:
                self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def _prefilled(client, url: str) -> dict[str, str]:
    page = client.get(url)
    if page.status_code != 200 or page.mimetype != "text/html":
        return {}
    parser = _Controls()
    parser.feed(page.get_data(as_text=True))
    return parser.values


def _crawler(endpoint: str):
    """The role that crawls the route: None for public routes."""
    if endpoint in PUBLIC:
        return None
    permission = ROUTES[endpoint][0]
    for role in CRAWLERS:
        if permission is None or permission in ROLE_PERMISSIONS[Role(role[0])]:
            return role
    raise AssertionError(f"no crawler may use {endpoint}")


def _sentinel(rule, arg: str, world: dict):
    """A value for the argument that the built URL shows verbatim, to be replaced."""
    converter = type(rule._converters[arg]).__name__
    if converter == "AnyConverter":
        return world[arg]
    return 1_234_567_891 if converter in ("RecordId", "IntegerConverter") else "SENTINEL"


@pytest.mark.parametrize("endpoint", sorted(set(ROUTES) | set(PUBLIC) - {"static"}))
def test_hostile_values_never_answer_500(
    app, client, db, crawl_world, make_user, endpoint, monkeypatch
):
    monkeypatch.setattr(sheets, "render_pdf", lambda html: html.encode())
    monkeypatch.setattr(reports, "render_pdf", lambda html: html.encode())
    reads = (ROUTES.get(endpoint) or (None, None, PUBLIC.get(endpoint)))[2]
    values = crawl_world | (crawl_world["paying"] if endpoint in PAYING else {})
    role = _crawler(endpoint)
    if role:
        user = make_user(*role)
        assert login(client, user.username).status_code == 302
    token = csrf_from(client, "/login" if role is None else "/account/password")
    failures = []
    savepoints = db.get_bind()

    def send(method: str, url: str, data: dict | None = None, query: dict | None = None) -> str:
        """Send one request in a savepoint; note a 500 or a traceback; the text answered."""
        savepoint = savepoints.begin_nested()
        body = ""
        try:
            response = client.open(url, method=method, data=data, query_string=query)
            body = (
                response.get_data(as_text=True)
                if response.mimetype.startswith(("text", "application/json"))
                else ""
            )
            if response.status_code >= 500 or TRACEBACK in body:
                failures.append((method, url, query, _short(data), response.status_code))
        except Exception as error:  # noqa: BLE001 (TESTING propagates the view's exception)
            failures.append((method, url, query, _short(data), repr(error)[:300]))
        finally:
            if savepoint.is_active:
                savepoint.rollback()
        if role and endpoint == "auth.logout":  # logged out: log in again for the next request
            login(client, user.username)
        return body

    for rule in app.url_map.iter_rules():
        if rule.endpoint != endpoint:
            continue
        methods = sorted(rule.methods & {"GET", "POST"})
        with app.test_request_context():
            query_names = names(reads.query, values)
            form_names = names(reads.form, values)
        base = {arg: values[arg] for arg in rule.arguments}
        url = _build(app, rule, base)
        for arg in rule.arguments:
            sentinel = quote(str(_sentinel(rule, arg, values)))
            head, tail = _build(app, rule, base | {arg: sentinel}).rsplit(sentinel, 1)
            for value in HOSTILE:
                hostile_url = f"{head}{quote(value, safe='')}{tail}"
                for method in methods:
                    send(
                        method,
                        hostile_url,
                        data={"csrf_token": token} if method == "POST" else None,
                    )
        if "GET" in methods:
            for query in _latin_square(query_names):
                send("GET", url, query=query)
        if "POST" in methods:
            ordinary = (_prefilled(client, url) if "GET" in methods else {}) | {
                key.format(**values): value.format(**values) for key, value in reads.example.items()
            }
            ordinary |= {k: token for k in ordinary if k.endswith("csrf_token")} | {
                "csrf_token": token
            }
            if "all-version" in form_names:
                ordinary["all-csrf_token"] = token
            answer = send("POST", url, data=ordinary)
            assert CSRF_REFUSED not in answer, (endpoint, "the crawl's token was refused")
            for name in form_names:
                if name.endswith("csrf_token"):
                    continue
                for value in HOSTILE:
                    send("POST", url, data=ordinary | {name: value})
            for query in _latin_square(query_names):
                send("POST", url, data=ordinary, query=query)
    assert not failures, "\n".join(map(str, failures[:40])) + f"\n({len(failures)} in all)"


def _latin_square(names: list[str]) -> list[dict[str, str]]:
    """One query per hostile value, every parameter set; each parameter meets every value."""
    if not names:
        return []
    return [
        {name: HOSTILE[(row + column) % len(HOSTILE)] for column, name in enumerate(names)}
        for row in range(len(HOSTILE))
    ]


def _build(app, rule, values) -> str:
    with app.test_request_context():
        return app.url_map.bind("localhost").build(
            rule.endpoint, values, method=sorted(rule.methods)[0], force_external=False
        )


def _short(data):
    if not data:
        return data
    return {
        k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v)
        for k, v in data.items()
        if k != "csrf_token"
    }
