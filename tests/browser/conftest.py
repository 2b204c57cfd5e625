"""Browser tests: Playwright driving Debian's Chromium against a live server.

Skipped, with the reason shown, where Chromium or Playwright is missing (`make test` installs
Chromium when it may). Screenshots of every step go to test-artifacts/screenshots/, printed at
the end of the run.
"""

import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from sqlmodel import Session
from werkzeug.serving import make_server

from app import create_app
from conftest import BACKENDS, fresh_database
from jobs import queue
from mediation.reference import accounts
from mediation.reference.districts import load_reference_data
from models.db import make_engine, upgrade

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "browser-2026-tests"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None


def pytest_collection_modifyitems(config, items):
    reason = None
    if sync_playwright is None:
        reason = "Playwright is not installed (pip install -e '.[test]')"
    elif not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM}: `make test` installs it as root (apt)"
    if reason:
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter):
    if SHOTS.exists() and any(SHOTS.rglob("*.png")):
        terminalreporter.write_line(f"browser screenshots: {SHOTS}")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


class LiveServer(str):
    """The server's base URL, which also knows its database URL (for seeding data)."""

    def __new__(cls, base: str, database_url: str, app=None):
        live = super().__new__(cls, base)
        live.database_url = database_url
        live.app = app  # for working its job queue (jobs.queue.drain)
        return live


@pytest.fixture(scope="module", params=BACKENDS)
def live_server(request, tmp_path_factory):
    """The app on a real port, on a database of its own (commits are real here)."""
    with fresh_database(request.param, tmp_path_factory.mktemp("live")) as url:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference_data(session)
            for username, role, centre, district in [
                ("mediator", "mediator", "NH-LS", None),
                ("city", "city_supervisor", None, None),
                ("admin", "admin", None, None),
            ]:
                accounts.create_user(
                    session, username, PASSWORD, role, centre, district, display_name=username
                )
            session.commit()
        engine.dispose()
        app = create_app(
            {
                "SECRET_KEY": "browser",
                "DATABASE_URL": url,
                "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
                "JOBS_QUEUE_FILE": str(tmp_path_factory.mktemp("jobs") / "queue.sqlite3"),
            }
        )
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", url, app)
        server.shutdown()
        app.extensions["database"].engine.dispose()


@pytest.fixture
def live_engine(live_server):
    """An engine on the live server's database for a test's own reads and domain steps, closed
    even when the test fails (a connection left to the garbage collector fails a later test)."""
    engine = make_engine(live_server.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def worker(live_server):
    """A worker for the live server: works its job queue until the test ends."""
    stop = threading.Event()

    def work():
        while not stop.is_set():
            queue.drain(live_server.app)
            time.sleep(0.2)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=120)


@pytest.fixture
def page(browser, request):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    folder = SHOTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def shot(step: str) -> None:
        page.screenshot(path=str(folder / f"{next(counter):02d}-{step}.png"), full_page=True)

    page.shot = shot
    yield page
    context.close()


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
