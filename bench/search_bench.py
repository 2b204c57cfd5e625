"""Search speed at scale (issue #13). Prints, for SQLite and PostgreSQL, the five ratios of a
search on the case list against the plain case list in the same run (target: each ≤ 2):
a two-character name, a three-character name fragment, an ID number, a phone and an
employer-name word, over N cases with about 1.5 workers each.

    .venv/bin/python bench/search_bench.py [--cases 1000000] [--backend sqlite|postgresql|both]
        [--reuse PATH]

Generating a million cases takes a quarter of an hour: `--reuse bench/out/search-1m.sqlite3`
(SQLite only) keeps the generated database at PATH and, when PATH already holds one, upgrades
it to the current schema and measures it without generating again.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench.common import (  # noqa: E402
    fresh_database,
    generate_cases,
    median_seconds,
    prepare_database,
)
from bench.stats_bench import logged_in_client  # noqa: E402
from mediation.identifiers import lookup_key, resident_id_check_char  # noqa: E402
from models import Case, Employer, Worker  # noqa: E402
from models.db import make_engine, upgrade  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
COMPOUND = ["欧阳", "司马", "上官", "诸葛", "东方"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌海波宇浩凯"
BATCH = 20_000


def _name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return rng.choice(COMPOUND) + rng.choice(GIVEN) + rng.choice(GIVEN)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if roll < 0.65 else "")
    return rng.choice(SURNAMES) + given


def _id_number(rng: random.Random) -> str:
    first17 = (
        f"4406{rng.randint(1, 8):02d}{rng.randint(1960, 2004)}{rng.randint(1, 12):02d}"
        f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    )
    return first17 + resident_id_check_char(first17)


def generate_workers(url: str, per_case: float = 1.5, seed: int = 13) -> int:
    """Workers for every case (one each, a second for half of them), with their search keys,
    inserted in bulk; the trigram indexes follow (GIN on PostgreSQL, FTS5 triggers on SQLite)."""
    rng = random.Random(seed)
    engine = make_engine(url)
    count = 0
    with Session(engine) as session:
        case_ids = session.exec(select(Case.id).order_by(Case.id)).all()
        batch: list[dict] = []
        for case_id in case_ids:
            for position in range(2 if rng.random() < per_case - 1 else 1):
                number, phone = (
                    _id_number(rng),
                    f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}",
                )
                batch.append(
                    {
                        "case_id": case_id,
                        "position": position,
                        "name": _name(rng),
                        "id_type": "resident",
                        "id_number": number,
                        "phone": phone,
                        "id_key": lookup_key("id", number),
                        "phone_key": lookup_key("phone", phone),
                        "job": "骑手",
                        "representative": False,
                        "placeholder": False,
                    }
                )
                if len(batch) == BATCH:
                    session.connection().execute(Worker.__table__.insert(), batch)
                    count += len(batch)
                    batch.clear()
        if batch:
            session.connection().execute(Worker.__table__.insert(), batch)
            count += len(batch)
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    engine.dispose()
    return count


def queries(url: str) -> dict[str, str]:
    """One real value of each kind, taken from the generated data."""
    engine = make_engine(url)
    with Session(engine) as session:
        middle = session.exec(select(func.max(Worker.id))).one() // 2
        worker = session.get(Worker, middle)
        two = session.exec(
            select(Worker.name).where(Worker.id >= middle, func.length(Worker.name) == 2)
        ).first()
        four = session.exec(
            select(Worker.name).where(Worker.id >= middle, func.length(Worker.name) == 4)
        ).first()
        number = session.get(Case, worker.case_id).number
        employer = session.exec(select(Employer.name).order_by(Employer.id.desc())).first()
    engine.dispose()
    return {
        "two-character name": two,
        "three-character name fragment": four[1:],
        "ID number": worker.id_number,
        "phone": worker.phone,
        "case number": number,
        "employer-name word": employer.removeprefix("佛山市").removesuffix("有限公司")[-7:],
    }


def _generate(url: str, cases: int) -> None:
    started = time.perf_counter()
    generate_cases(url, cases)
    workers = generate_workers(url)
    print(f"generated {workers:,} workers with the cases in {time.perf_counter() - started:.1f} s")


def measure(backend: str, cases: int, reuse: str | None = None) -> None:
    print(f"\n== {backend}: {cases:,} cases")
    if reuse:
        url = f"sqlite:///{os.path.abspath(reuse)}"
        if os.path.exists(reuse):
            upgrade(url)  # generated under an older schema: its migrations since then first
            engine = make_engine(url)
            with Session(engine) as session:
                found = session.exec(select(func.count()).select_from(Case)).one()
            engine.dispose()
            print(f"reusing {reuse}: {found:,} cases")
        else:  # generated under another name first: an interrupted run leaves nothing to reuse
            partial = os.path.abspath(reuse) + ".partial"
            prepare_database(f"sqlite:///{partial}")
            _generate(f"sqlite:///{partial}", cases)
            os.replace(partial, reuse)
        _measure_searches(url)
        return
    with fresh_database(backend) as url:
        _generate(url, cases)
        _measure_searches(url)


def _measure_searches(url: str) -> None:
    app, client = logged_in_client(url)
    plain = median_seconds(lambda: client.get("/cases/"), runs=9)
    print(f"plain case list: {plain * 1000:.1f} ms")
    for label, q in queries(url).items():
        response = client.get("/cases/", query_string={"q": q})
        assert response.status_code == 200
        total = response.get_data(as_text=True).split('id="case-total">')[1].split("<")[0]
        seconds = median_seconds(lambda q=q: client.get("/cases/", query_string={"q": q}), runs=9)
        print(
            f"search by {label} 「{q}」: {seconds * 1000:.1f} ms, {total} found; "
            f"ratio {seconds / plain:.2f} (target ≤ 2)"
        )
    app.extensions["database"].engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--reuse",
        metavar="PATH",
        help="SQLite only: keep the generated database at PATH; measure it if it exists",
    )
    args = parser.parse_args()
    if args.reuse and args.backend != "sqlite":
        parser.error("--reuse needs --backend sqlite")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        measure(backend, args.cases, args.reuse)


if __name__ == "__main__":
    main()
