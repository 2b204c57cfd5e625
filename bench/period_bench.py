"""The official periodic report's speed at scale (issue 18). Prints, for SQLite and PostgreSQL:

- the median latency of /api/reports/period for five city-wide years (every indicator: carried
  over, accepted, reopened, closed by outcome, open at the end, amounts, legal services),
- the median time of one plain full-scan GROUP BY month over the same cases in the same run,
- their ratio (target ≤ 0.25): the report reads the rollup's flow rows, not the cases.

It also checks that the report's accounting identity holds on the answer it timed.

    .venv/bin/python bench/period_bench.py [--cases 1000000] [--backend sqlite|postgresql|both]
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, generate_cases, median_seconds  # noqa: E402
from bench.stats_bench import logged_in_client, plain_scan_seconds  # noqa: E402

REPORT_URL = "/api/reports/period?from=2021-11-01&to=2026-10-31"


def measure(backend: str, cases: int) -> None:
    print(f"\n== {backend}: {cases:,} cases")
    with fresh_database(backend) as url:
        started = time.perf_counter()
        generate_cases(url, cases)
        print(f"generated in {time.perf_counter() - started:.1f} s")
        app, client = logged_in_client(url)
        body = client.get(REPORT_URL).get_json()
        balance = body["carried_over"] + body["accepted"] + body["reopened"] - body["closed"]
        assert balance == body["open_at_end"], body
        print(
            f"carried over {body['carried_over']:,}, accepted {body['accepted']:,}, closed "
            f"{body['closed']:,}, open at end {body['open_at_end']:,} (identity holds)"
        )
        report = median_seconds(lambda: client.get(REPORT_URL))
        scan = plain_scan_seconds(url)
        print(
            f"/api/reports/period median: {report * 1000:.1f} ms; plain GROUP BY month scan: "
            f"{scan * 1000:.1f} ms; ratio {report / scan:.3f} (target ≤ 0.25)"
        )
        app.extensions["database"].engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        measure(backend, args.cases)


if __name__ == "__main__":
    main()
