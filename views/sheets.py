"""Printable documents: GET /cases/<id>/print/<doc> (HTML) and /cases/<id>/print/<doc>.pdf.

Same login and scope as the case page (404 outside scope). A document that does not apply to
the case answers 404 with the reason in Chinese. Every print or download is a record in the
access log (mediation.logs.access).
"""

import threading
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, current_app, make_response, render_template, request, url_for
from flask_login import current_user

from mediation.bounds import parse_id
from mediation.documents import case_documents as documents
from mediation.documents import papers
from mediation.permissions import Permission
from models import AccessKind
from views.cases import load_case
from views.db import get_db
from views.helpers import log_read, require

bp = Blueprint("sheets", __name__, url_prefix="/cases")


@bp.route("/<int:case_id>/print/<doc>")
@require(Permission.CASE_READ)
def page(case_id: int, doc: str):
    return _respond(case_id, doc, pdf=False)


@bp.route("/<int:case_id>/print/<doc>.pdf")
@require(Permission.CASE_READ)
def pdf(case_id: int, doc: str):
    return _respond(case_id, doc, pdf=True)


def _respond(case_id: int, code: str, pdf: bool):
    case = load_case(case_id)
    db = get_db()
    session_id = request.args.get("session", type=parse_id)
    try:
        d = documents.document(db, case, code, current_user, session_id)
    except documents.NotApplicable as reason:
        title = documents.title_of(case, code) if code in documents.CODES else "文书"
        page = render_template("sheets/unavailable.html", case=case, title=title, message=reason)
        return page, 404
    args = {"session": d.session.id} if d.session is not None else {}
    html = render_template(
        f"sheets/{code}.html",
        d=d,
        pdf=pdf,
        pdf_url=url_for("sheets.pdf", case_id=case.id, doc=code, **args),
    )
    body = render_pdf(html) if pdf else html
    label = d.title + (f"（第{d.session_number}次）" if d.session is not None else "")
    label += "（草稿）" if d.draft else ""
    kind = AccessKind.DOCUMENT_PDF if pdf else AccessKind.DOCUMENT
    log_read(case, kind, label, print_key(code, args.get("session")))
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept in caches
    if pdf:
        response.mimetype = "application/pdf"
        name = f"{case.number}-{label}.pdf"
        response.headers["Content-Disposition"] = (
            f"attachment; filename=\"{code}.pdf\"; filename*=UTF-8''{quote(name)}"
        )
    return response


def print_key(code: str, session_id: int | None = None) -> str:
    """How a print names its document: the code, and the session for minutes (one per session),
    so that a correction marks exactly the papers printed before it (outdated_prints)."""
    return f"{code}:{session_id}" if session_id is not None else code


# --- PDF rendering with WeasyPrint ---------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, object] = {}


def _stylesheet():
    """sheet.css parsed once per process (WeasyPrint imported lazily: it is slow to load)."""
    if "css" not in _cache:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        path = Path(current_app.static_folder) / "css" / "sheet.css"
        _cache["fonts"] = fonts
        _cache["css"] = CSS(filename=str(path), font_config=fonts)
    return _cache["css"], _cache["fonts"]


def render_pdf(html: str) -> bytes:
    """The page as a PDF with embedded (subset) CJK fonts and extractable text. Nothing is
    fetched: the stylesheet is passed in, and URLs other than data: are refused."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    with _lock:  # one FontConfiguration per process, shared by the renders: one at a time
        css, fonts = _stylesheet()
        document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}))
        return document.write_pdf(stylesheets=[css], font_config=fonts)


# --- The case page's 「打印」 section ---------------------------------------------------------


@bp.app_context_processor
def inject_sheet_links():
    def sheet_links(case):
        """The documents that apply, each marked when a correction made its print outdated."""
        db = get_db()
        outdated = papers.outdated_prints(db, case)
        return [
            replace(link, outdated=print_key(link.code, link.session_id) in outdated)
            for link in documents.applicable(db, case)
        ]

    return {"sheet_links": sheet_links}
