"""Millions of cases for the scale benchmark (issue 16), kept between runs.

What the ledger import writes for a case, generated: the case (its number, number_key and
mediation deadline from the app's own functions), 1.5 workers on average with encrypted ID
numbers and phones and their keyed-hash search keys (`identifiers.lookup_key`), one claim line
per worker, for a successful case an agreement with its lines and, when paid, the payments; the
case counters; then the statistics rollup rebuilt by the app's `rebuild_rollup`. Audit events
and sessions are not generated: no page measured here reads them.

PostgreSQL loads with COPY (psycopg 3's `cursor.copy()`, FREEZE) in one transaction, foreign
key triggers off (`session_replication_role = replica`: the rows are generated consistent) and
the big tables' indexes and unique constraints dropped first and rebuilt after, with the exact
definitions PostgreSQL reports for them. SQLite gets plain executemany through the same rows;
its FTS5 trigram tables fill through their triggers.

Each database is named after its size (`bench5m`, `bench1m` on PostgreSQL; a file under
bench/out on SQLite) and marked complete at the end; `reuse=True` keeps a complete one.

    .venv/bin/python bench/scale_data.py --cases 5000000 [--backend postgresql] [--reuse]
"""

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench.common import CATEGORIES, CHANNELS, OUT, OUTCOMES, prepare_database  # noqa: E402
from bench.search_bench import _id_number, _name  # noqa: E402
from mediation.identifiers import lookup_key  # noqa: E402
from mediation.ledger.importing import CATEGORY_CLAIM_KIND  # noqa: E402
from mediation.numbering import number_key  # noqa: E402
from mediation.periods import mediation_due_from  # noqa: E402
from mediation.reference.calendar import OFFICIAL_CALENDAR  # noqa: E402
from mediation.statistics.rollup import rebuild_rollup  # noqa: E402
from models import (  # noqa: E402
    Agreement,
    AgreementLine,
    Case,
    CaseCounter,
    Centre,
    ClaimLine,
    Employer,
    Lawyer,
    LawyerCentre,
    Payment,
    Worker,
)
from models.crypto import current  # noqa: E402
from models.db import make_engine  # noqa: E402

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
CHUNK = 20_000  # cases per round of COPYs / executemany
TABLES = (Employer, Case, Worker, ClaimLine, Agreement, AgreementLine, Payment)
# The column order the tuples below are written in: checked against the models, so a column
# added later stops the generator instead of shifting values into the wrong column.
COLUMNS = {
    "employer": "id name credit_code legal_rep address phone created_at",
    "mediation_case": (
        "id centre_id year seq number number_key channel application_form oral_record "
        "received_on accepted_on category collective new_employment migrant_workers employer_id "
        "facts requests status mediator_id lawyer_id refusal_reason void_reason failure_reason "
        "outcome_note closed_on extension_days mediation_due_on extension_consent_on "
        "arbitration_applied_on imported_from archived_on unarchived_on anonymised_on note "
        "worker_count claimed_fen agreed_fen paid_fen created_by_id created_at updated_at version"
    ),
    "case_worker": (
        "id case_id position name id_type id_number phone id_key phone_key job representative "
        "notices_consent placeholder"
    ),
    "claim_line": "id case_id worker_id kind claimed_fen",
    "agreement": (
        "id case_id terms payment_method copies parties_signed_on mediator_signed_on "
        "centre_sealed_on effective_on imported superseded_on review_filed_on review_result "
        "confirmation_filed_on confirmation_result payment_order_filed_on payment_order_result "
        "created_at"
    ),
    "agreement_line": "agreement_id claim_line_id agreed_fen",
    "payment": "id case_id worker_id amount_fen paid_on method note recorded_by_id created_at",
}
JOBS = ["骑手", "普工", "厨师", "保安", "司机", "文员", "装修工", "服务员", "快递员", "销售"]


def database_url(backend: str, cases: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{OUT}/scale-{cases}.sqlite3"
    millions, rest = divmod(cases, 1_000_000)
    return f"{PG_SERVER}bench{millions}m" if not rest and millions else f"{PG_SERVER}bench{cases}"


def _marker(cases: int, seed: int) -> str:
    return f"bench cases={cases} seed={seed} complete"


# -- the rows ----------------------------------------------------------------------------------


class Rows:
    """Rows of every table for a run of cases, ids assigned here (the tables start empty)."""

    def __init__(self, rng, centres, employer_ids, stationed, now: str, years: int = 5):
        self.rng, self.centres, self.employer_ids, self.stationed = (
            rng,
            centres,
            employer_ids,
            stationed,
        )
        self.now = now
        self.end = date(2026, 10, 31)
        self.start = self.end - timedelta(days=365 * years)
        self.span = (self.end - self.start).days
        self.counters: dict[tuple[int, int], int] = {}
        self.ids = dict.fromkeys(("case", "worker", "claim", "agreement", "payment"), 0)
        self._iso: dict[date, str] = {}
        self._due: dict[date, str] = {}

    def iso(self, day: date) -> str:
        text_ = self._iso.get(day)
        if text_ is None:
            text_ = self._iso[day] = day.isoformat()
        return text_

    def due(self, accepted: date) -> str:
        """The period rule (mediation/periods.py) on the official calendar init-db loads."""
        text_ = self._due.get(accepted)
        if text_ is None:
            text_ = self._due[accepted] = mediation_due_from(
                accepted, 0, OFFICIAL_CALENDAR
            ).isoformat()
        return text_

    def _next(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def chunk(self, count: int) -> dict[str, list[tuple]]:
        rng, now, ring = self.rng, self.now, current()
        out = {name: [] for name in COLUMNS if name != "employer"}
        cases, workers, claims = out["mediation_case"], out["case_worker"], out["claim_line"]
        agreements, agreement_lines, payments = (
            out["agreement"],
            out["agreement_line"],
            out["payment"],
        )
        for _ in range(count):
            case_id = self._next("case")
            centre_id, short_name = rng.choice(self.centres)
            received = self.start + timedelta(days=rng.randrange(self.span))
            key = (centre_id, received.year)
            self.counters[key] = seq = self.counters.get(key, 0) + 1
            number = f"({received.year}){short_name}调字第{seq}号"
            status = rng.choice(OUTCOMES)
            roll = rng.random()  # about 1.5 workers a case; one in a thousand collective
            headcount = (
                1
                if roll < 0.6
                else 2
                if roll < 0.92
                else rng.randint(3, 4)
                if roll < 0.999
                else rng.randint(10, 20)
            )
            category = rng.choice(CATEGORIES)
            kind = CATEGORY_CLAIM_KIND.get(category, "其他")
            accepted = received + timedelta(days=rng.randint(0, 3))
            closed = accepted + timedelta(days=rng.randint(0, 30))
            accepted_on = due_on = closed_on = None
            refusal = void = failure = ""
            if status == "refused":
                closed_on, refusal = self.iso(accepted), "不属于受理范围"
            elif status == "voided":
                closed_on, void = self.iso(received), "录入错误"
            elif status != "received":
                accepted_on, due_on = self.iso(accepted), self.due(accepted)
                if status in ("succeeded", "failed", "withdrawn"):
                    closed_on = self.iso(closed)
                if status == "failed":
                    failure = "no_agreement"
            claimed_total = agreed_total = paid_total = 0
            agreement_id = None
            if status == "succeeded":
                agreement_id = self._next("agreement")
                agreements.append(
                    (agreement_id, case_id, "（基准测试数据，协议全文未录入）", "银行转账", 3,
                     closed_on, closed_on, closed_on, closed_on, False, None, None, "", None,
                     "", None, "", now)
                )  # fmt: skip
                share = rng.uniform(0.4, 1.0)
                paid_share = 1.0 if rng.random() < 0.85 else 0.5 if rng.random() < 0.7 else 0
            for position in range(headcount):
                worker_id = self._next("worker")
                id_number = _id_number(rng)
                phone = f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}"
                workers.append(
                    (worker_id, case_id, position, _name(rng), "resident",
                     ring.encrypt(id_number), ring.encrypt(phone), lookup_key("id", id_number),
                     lookup_key("phone", phone), rng.choice(JOBS), position == 0 and headcount > 1,
                     False, False)
                )  # fmt: skip
                claim_id = self._next("claim")
                claimed = rng.randint(2_000, 60_000) * 100
                claimed_total += claimed
                claims.append((claim_id, case_id, worker_id, kind, claimed))
                if agreement_id is not None:
                    agreed = int(claimed * share)
                    agreed_total += agreed
                    agreement_lines.append((agreement_id, claim_id, agreed))
                    paid = int(agreed * paid_share)
                    if paid:
                        paid_total += paid
                        payments.append(
                            (self._next("payment"), case_id, worker_id, paid, closed_on,
                             "银行转账", "", None, now)
                        )  # fmt: skip
            lawyer = rng.choice(self.stationed[centre_id]) if rng.random() < 0.7 else None
            cases.append(
                (case_id, centre_id, received.year, seq, number, number_key(number),
                 rng.choice(CHANNELS), "written", "", self.iso(received), accepted_on, category,
                 headcount >= 10, rng.random() < 0.15, rng.random() < 0.3,
                 rng.choice(self.employer_ids), "", "", status, None, lawyer, refusal, void,
                 failure, "", closed_on, 0, due_on, None, None, "bench", None, None, None, "",
                 headcount, claimed_total, agreed_total, paid_total, None, now, now, 1)
            )  # fmt: skip
        return out


def _employers(count: int, ring, now: str) -> list[tuple]:
    return [
        (i, f"佛山市基准测试{i:07d}有限公司", None, "", "", ring.encrypt(""), now)
        for i in range(1, count + 1)
    ]


def _check_columns() -> None:
    for model in TABLES:
        table = model.__table__
        actual = [c.name for c in table.columns]
        if actual != COLUMNS[table.name].split():
            raise SystemExit(f"bench/scale_data.py: the columns of {table.name} changed: {actual}")


# -- loading -----------------------------------------------------------------------------------


def _small_tables(session: Session, employers: int) -> tuple[list, list[int], dict]:
    """Centres (reference data), lawyers stationed three to a centre, employer ids."""
    centres = [tuple(row) for row in session.exec(select(Centre.id, Centre.short_name))]
    lawyers = [
        {
            "name": f"律师{i}",
            "certificate_no": f"{14406202010000000 + i}",
            "firm_name": f"广东某律师事务所{i % 7}",
            "active": True,
        }
        for i in range(3 * len(centres))
    ]
    session.execute(Lawyer.__table__.insert(), lawyers)
    lawyer_ids = session.exec(select(Lawyer.id).order_by(Lawyer.id)).all()
    stationed = {c[0]: lawyer_ids[3 * i : 3 * i + 3] for i, c in enumerate(centres)}
    session.execute(
        LawyerCentre.__table__.insert(),
        [{"lawyer_id": lid, "centre_id": cid} for cid, ids in stationed.items() for lid in ids],
    )
    return centres, list(range(1, employers + 1)), stationed


def _counters(rows: Rows) -> list[dict]:
    return [
        {"centre_id": centre_id, "year": year, "last_seq": seq}
        for (centre_id, year), seq in sorted(rows.counters.items())
    ]


def _load_postgresql(url: str, cases: int, rows: Rows, employers: list[tuple]) -> None:
    names = [model.__table__.name for model in TABLES]
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no FK triggers: consistent
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET max_parallel_maintenance_workers = 0")  # a shared machine
        cursor.execute(f"TRUNCATE {', '.join(names)} CASCADE")  # empty: makes FREEZE possible
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)"
            " FROM pg_constraint c WHERE c.contype = 'u' AND c.conrelid::regclass::text = ANY(%s)",
            (names,),
        )
        constraints = cursor.fetchall()
        for table, name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename = ANY(%s) AND indexname NOT IN"
            " (SELECT conname FROM pg_constraint WHERE contype = 'p')",
            (names,),
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')

        def copy(table: str, tuples: list[tuple]) -> None:
            columns = ", ".join(COLUMNS[table].split())
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FREEZE)") as stream:
                for row in tuples:
                    stream.write_row(row)

        copy("employer", employers)
        _load_chunks(rows, cases, copy, every=500_000, verb="copied")
        started = time.perf_counter()
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        print(f"  indexes rebuilt in {time.perf_counter() - started:.0f} s", flush=True)
        for table, id_kind in (
            ("employer", None),
            ("mediation_case", "case"),
            ("case_worker", "worker"),
            ("claim_line", "claim"),
            ("agreement", "agreement"),
            ("payment", "payment"),
        ):
            last = len(employers) if id_kind is None else rows.ids[id_kind]
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", (table, max(last, 1))
            )
        connection.commit()


def _load_sqlite(url: str, cases: int, rows: Rows, employers: list[tuple]) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:

        def insert(table: str, tuples: list[tuple]) -> None:
            columns = COLUMNS[table].split()
            connection.exec_driver_sql(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})",
                tuples,
            )

        insert("employer", employers)
        _load_chunks(rows, cases, insert, every=200_000, verb="inserted")
    engine.dispose()


def _load_chunks(rows: Rows, cases: int, write, every: int, verb: str) -> None:
    """The cases and what they own, CHUNK cases at a time through write(table, tuples), with
    the rate printed every `every` cases."""
    done = 0
    started = time.perf_counter()
    while done < cases:
        count = min(CHUNK, cases - done)
        for table, tuples in rows.chunk(count).items():
            write(table, tuples)
        done += count
        if done % every < CHUNK or done == cases:
            rate = done / (time.perf_counter() - started)
            print(f"  {done:,} cases {verb}, {rate:,.0f} cases/s", flush=True)


def _is_complete(url: str, cases: int, seed: int) -> bool:
    if url.startswith("sqlite"):
        marker = Path(url.removeprefix("sqlite:///") + ".complete")
        return marker.exists() and marker.read_text() == _marker(cases, seed)
    name = url.rsplit("/", 1)[1]
    with _server() as connection:
        found = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (name,),
        ).fetchone()
    return found is not None and found[0] == _marker(cases, seed)


def _server() -> psycopg.Connection:
    """A connection to the server's own database, outside any transaction (CREATE DATABASE
    and COMMENT ON DATABASE need one)."""
    return psycopg.connect(PG_SERVER.replace("+psycopg", "") + "postgres", autocommit=True)


def _recreate(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", ".complete"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    with _server() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")


def _mark_complete(url: str, cases: int, seed: int) -> None:
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///") + ".complete").write_text(_marker(cases, seed))
        return
    name = url.rsplit("/", 1)[1]
    with _server() as connection:
        connection.execute(f"COMMENT ON DATABASE \"{name}\" IS '{_marker(cases, seed)}'")


def generate(backend: str, cases: int, reuse: bool = False, seed: int = 16) -> str:
    """The URL of a database holding `cases` generated cases: a kept one when `reuse` and it is
    complete, else made now (the time printed)."""
    url = database_url(backend, cases)
    if reuse and _is_complete(url, cases, seed):
        print(f"{backend}: reusing {cases:,} generated cases ({url})")
        return url
    started = time.perf_counter()
    _recreate(url)
    rows = fill(url, cases, seed)
    _mark_complete(url, cases, seed)
    print(
        f"{backend}: generated {cases:,} cases, {rows.ids['worker']:,} workers, "
        f"{rows.ids['claim']:,} claims, {rows.ids['agreement']:,} agreements, "
        f"{rows.ids['payment']:,} payments in {time.perf_counter() - started:.0f} s"
    )
    return url


def fill(url: str, cases: int, seed: int = 16) -> Rows:
    """Migrate the empty database at `url`, load the reference data and `cases` generated cases
    with everything they own, rebuild the rollup and analyse."""
    _check_columns()
    prepare_database(url)
    engine = make_engine(url)
    postgresql = engine.dialect.name == "postgresql"
    now = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
    now_text = now.isoformat(sep=" ") if postgresql else now.strftime("%Y-%m-%d %H:%M:%S.%f")
    with Session(engine) as session:
        centres, employer_ids, stationed = _small_tables(session, max(50, cases // 20))
        session.commit()
        rows = Rows(random.Random(seed), centres, employer_ids, stationed, now_text)
    employers = _employers(len(employer_ids), current(), now_text)
    (_load_postgresql if postgresql else _load_sqlite)(url, cases, rows, employers)
    with Session(engine) as session:
        session.execute(CaseCounter.__table__.insert(), _counters(rows))
        started = time.perf_counter()
        rebuild_rollup(session)  # the app's own recount, as `flask rebuild-rollup` runs it
        session.commit()
        print(f"  rollup rebuilt in {time.perf_counter() - started:.0f} s", flush=True)
    # Steady state, as autovacuum would leave it: statistics and the visibility map.
    tables = ", ".join([*COLUMNS, "case_rollup", "case_counter"])
    if postgresql:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"VACUUM ANALYZE {tables}"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=5_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--reuse", action="store_true", help="keep a complete database")
    args = parser.parse_args()
    generate(args.backend, args.cases, args.reuse)


if __name__ == "__main__":
    main()
