"""Speed at scale (issue 16): 5,000,000 cases on PostgreSQL, 1,000,000 on SQLite, about 1.5
workers a case. Prints every ratio with its target, measured in one run:

- /api/stats, city-wide, five years, at N against its time at 1,000,000 (≤ 2; PostgreSQL only,
  where N is larger) and against one plain full-scan GROUP BY month over the N cases (≤ 0.25);
- the case list at N against the same page at 1,000 cases (≤ 1.5);
- the case list's searches (ID number, phone, a two-character name, a three-character name
  fragment, a case number, an employer-name word) against the plain list at N (each ≤ 2).

The two sides of each ratio but the full scan are timed alternately, 15 times each, and their
medians compared: on a shared machine both then bear the same load.

The databases come from bench/scale_data.py (COPY on PostgreSQL; the generation time is printed)
and are kept: `--reuse` measures a kept, complete one instead of generating it again.

    .venv/bin/python bench/scale_bench.py [--backend postgresql|sqlite|both] [--cases N] [--reuse]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from bench.common import median_seconds  # noqa: E402
from bench.scale_data import generate  # noqa: E402
from bench.search_bench import queries  # noqa: E402
from bench.stats_bench import logged_in_client, plain_scan_seconds  # noqa: E402

STATS = "/api/stats?from=2021-11-01&to=2026-10-31"  # city-wide, five years
SIZES = {"postgresql": 5_000_000, "sqlite": 1_000_000}
BASELINE = 1_000_000  # /api/stats at N is compared with its time at this many cases
SMALL = 1_000  # the case list at N is compared with its time at this many cases


def verdict(ratio: float, target: float) -> str:
    return f"ratio {ratio:.3f} (target ≤ {target}) {'ok' if ratio <= target else 'MISSED'}"


def paired(first, second, runs: int = 15) -> tuple[float, float]:
    """Median seconds of two actions timed alternately, so that whatever else the machine is
    doing weighs on both sides of a ratio alike (2 shared cores make single runs noisy)."""
    first(), second()  # warm-up
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for action, into in ((first, timings[0]), (second, timings[1])):
            started = time.perf_counter()
            action()
            into.append(time.perf_counter() - started)
    return statistics.median(timings[0]), statistics.median(timings[1])


def case_list(client, **query):
    return lambda: client.get("/cases/", query_string=query)


def measure(backend: str, cases: int, reuse: bool, baseline: int = BASELINE) -> None:
    print(f"\n== {backend}: {cases:,} cases")
    url = generate(backend, cases, reuse)
    app, client = logged_in_client(url)
    body = client.get(STATS).get_json()["mediation"]
    print(f"five years city-wide: handled {body['handled']:,}, succeeded {body['succeeded']:,}")
    stats = median_seconds(lambda: client.get(STATS))
    scan = plain_scan_seconds(url)
    print(
        f"/api/stats {stats * 1000:.1f} ms; plain GROUP BY month scan {scan * 1000:.1f} ms; "
        f"{verdict(stats / scan, 0.25)}"
    )
    for label, q in queries(url).items():
        response = client.get("/cases/", query_string={"q": q})
        assert response.status_code == 200, response.status_code
        total = response.get_data(as_text=True).split('id="case-total">')[1].split("<")[0]
        found, plain = paired(case_list(client, q=q), case_list(client))
        print(
            f"search by {label} 「{q}」: {found * 1000:.1f} ms, {total} found; plain list "
            f"{plain * 1000:.1f} ms; {verdict(found / plain, 2)}"
        )

    if cases > baseline:
        other, other_client = logged_in_client(generate(backend, baseline, reuse))
        big, small = paired(lambda: client.get(STATS), lambda: other_client.get(STATS))
        other.extensions["database"].engine.dispose()
        print(
            f"/api/stats at {cases:,}: {big * 1000:.1f} ms; at {baseline:,}: "
            f"{small * 1000:.1f} ms; {verdict(big / small, 2)}"
        )
    other, other_client = logged_in_client(generate(backend, SMALL, reuse))
    big, small = paired(case_list(client), case_list(other_client))
    other.extensions["database"].engine.dispose()
    app.extensions["database"].engine.dispose()
    print(
        f"case list at {cases:,}: {big * 1000:.1f} ms; at {SMALL:,}: {small * 1000:.1f} ms; "
        f"{verdict(big / small, 1.5)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--cases", type=int, help="instead of 5,000,000 (PG) / 1,000,000 (SQLite)")
    parser.add_argument("--reuse", action="store_true", help="keep complete generated databases")
    parser.add_argument("--baseline", type=int, default=BASELINE, help="/api/stats compared at")
    args = parser.parse_args()
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    for backend in backends:
        measure(backend, args.cases or SIZES[backend], args.reuse, args.baseline)


if __name__ == "__main__":
    main()
