"""Two app nodes behind one Redis share the code-request limits: five codes for one phone in an
hour, whichever node is asked; the sixth is refused with 429. Runs when TEST_REDIS_URL is set
(`.ci/run` sets it); skipped with the reason otherwise."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlmodel import Session

from conftest import resident_id
from mediation.reference.districts import load_reference_data
from models.db import make_engine, upgrade

REDIS = os.environ.get("TEST_REDIS_URL")
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not REDIS, reason="set TEST_REDIS_URL to test shared limits")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def two_nodes(tmp_path):
    url = f"sqlite:///{tmp_path}/nodes.sqlite3"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference_data(session)
        session.commit()
    engine.dispose()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "shared-by-both-nodes",
        "RATELIMIT_STORAGE_URI": REDIS,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}:",
    }
    nodes, bases = [], []
    for _ in range(2):
        port = free_port()
        command = [sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(port)]
        nodes.append(subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL))
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base in bases:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
        yield bases
    finally:
        for node in nodes:
            node.terminate()
            node.wait(timeout=10)


def apply(opener, base: str) -> int:
    page = opener.open(f"{base}/apply/NH-LS").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {
        "csrf_token": token,
        "name": "王小明",
        "id_type": "resident",
        "id_number": resident_id(11),
        "phone": "13800138000",
        "employer_name": "佛山市快送配送有限公司",
        "category": "劳动报酬",
        "claim_kind": "工资",
        "amount": "6800",
        "truthful": "y",
    }
    try:
        return opener.open(f"{base}/apply/NH-LS", urllib.parse.urlencode(form).encode()).status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_sixth_code_for_one_phone_is_refused_whichever_node_is_asked(two_nodes):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    statuses = [apply(opener, two_nodes[n % 2]) for n in range(6)]
    assert statuses == [200] * 5 + [429]  # 200: followed to the code page
