"""Time to render the article case's 调解协议书 as PDF in a running (warm) process.

    .venv/bin/python bench/pdf_bench.py [--runs 9]

Builds a throw-away SQLite database with the article's case (10 workers, 227,675.00 yuan),
logs in as a mediator of the Lishui centre and asks the app for the agreement: once to warm up
(WeasyPrint import, font loading, stylesheet parsing), then `--runs` times. Prints the median
of the HTML page, of the PDF, and their ratio.
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, select  # noqa: E402

from app import create_app  # noqa: E402
from mediation.cases import assignment, lifecycle
from mediation.cases.agreements import claim_lines, save_agreement  # noqa: E402
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake  # noqa: E402
from mediation.cases.payments import pay_outstanding  # noqa: E402
from mediation.dates import TZ  # noqa: E402
from mediation.identifiers import resident_id_check_char  # noqa: E402
from mediation.reference import accounts  # noqa: E402
from mediation.reference.districts import load_reference_data  # noqa: E402
from models import Centre  # noqa: E402
from models.db import upgrade  # noqa: E402

DAY = date(2021, 3, 9)
WORKERS = [
    ("阿永", 28_675_00),
    ("李明华", 23_400_00),
    ("王秀英", 22_800_00),
    ("张伟强", 22_500_00),
    ("刘芳", 21_900_00),
    ("陈志强", 21_600_00),
    ("杨丽娟", 21_300_00),
    ("黄建国", 22_100_00),
    ("赵敏", 21_700_00),
    ("周小红", 21_700_00),
]
PASSWORD = "bench-2026-admin"


def _id_number(serial: int) -> str:
    first17 = f"44060519900101{serial:03d}"
    return first17 + resident_id_check_char(first17)


def build_article_case(session: Session) -> int:
    """The article's case, built through the domain as a mediator would; returns its id."""
    centre = session.exec(select(Centre).where(Centre.code == "NH-LS")).one()
    mediator = accounts.create_user(
        session, "bench.mediator", PASSWORD, "mediator", "NH-LS", display_name="梁敏"
    )
    data = IntakeData(
        channel="现场申请",
        received_on=DAY,
        category="劳动报酬",
        employer=EmployerData(name="佛山市南海区恒彩包装印刷有限公司", legal_rep="陈永发"),
        workers=[
            WorkerData(
                name=name,
                id_number=_id_number(i + 1),
                representative=i == 0,
                claims=[ClaimData("工资", fen)],
            )
            for i, (name, fen) in enumerate(WORKERS)
        ],
    )
    case = intake(session, mediator, centre, data)
    assignment.assign(session, case, mediator, mediator.id, None)
    lifecycle.accept(session, case, mediator, DAY)
    lifecycle.record_session(
        session,
        case,
        mediator,
        datetime(2021, 3, 9, 9, 30, tzinfo=TZ),
        130,
        "调解室",
        "",
        "达成协议",
    )
    lines = {line.id: line.claimed_fen for _, line, _ in claim_lines(session, case)}
    save_agreement(
        session,
        case,
        mediator,
        terms="被申请人于2021年3月9日支付拖欠工资。",
        payment_method="银行转账",
        copies=3,
        lines=lines,
        instalments=[(DAY, sum(lines.values()))],
        parties_signed_on=DAY,
        mediator_signed_on=DAY,
        centre_sealed_on=DAY,
    )
    pay_outstanding(session, case, mediator, paid_on=DAY)
    session.commit()
    return case.id


def _median_seconds(client, url: str, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench"})
        engine = app.extensions["database"].engine
        with Session(engine) as session:
            load_reference_data(session)
            session.commit()
            case_id = build_article_case(session)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        login = client.post(
            "/login", data={"username": "bench.mediator", "password": PASSWORD, "csrf_token": token}
        )
        assert login.status_code == 302, "login failed"
        base = f"/cases/{case_id}/print/agreement"
        start = time.perf_counter()
        client.get(base + ".pdf")  # cold: imports WeasyPrint, loads fonts, parses sheet.css
        cold = time.perf_counter() - start
        html = _median_seconds(client, base, args.runs)
        pdf = _median_seconds(client, base + ".pdf", args.runs)
        size = len(client.get(base + ".pdf").data)
        engine.dispose()
    print(f"agreement PDF, first request (cold): {cold * 1000:8.1f} ms")
    print(f"agreement HTML page, median of {args.runs}: {html * 1000:8.1f} ms")
    print(
        f"agreement PDF, median of {args.runs} (warm): {pdf * 1000:8.1f} ms  ({size / 1024:.0f} KB)"
    )
    print(f"PDF / HTML ratio: {pdf / html:.1f}x")


if __name__ == "__main__":
    main()
