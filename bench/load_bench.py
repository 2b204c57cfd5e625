# ruff: noqa: E501  (the wrk Lua scripts are kept whole)
"""Load test (issue: prove it holds): gunicorn on loopback, a realistic mix for 60 s with wrk.

Prints requests per second, p50/p99 latency and the error count for the mix (case list, case
page, statistics API, intake POST); with `--nodes 2` (PostgreSQL) the same mix again spread
evenly over two gunicorn instances on two ports sharing the database, logged in on the first
only (issue 16: any node serves any request; errors must stay 0). Then the case-list page's
requests per second as a fraction of a bare Flask page rendering a 50-row template, measured in
the same run. Targets: zero errors, fraction ≥ 0.5. Needs `wrk` (apt-get install wrk). Only 127.0.0.1 is ever contacted.

    .venv/bin/python bench/load_bench.py [--seconds 60] [--backend sqlite|postgresql] [--nodes 2]
"""

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import Session, select  # noqa: E402

from bench.common import OUT, fresh_database, generate_cases  # noqa: E402
from mediation.reference import accounts  # noqa: E402
from models import Case, Centre  # noqa: E402
from models.db import make_engine  # noqa: E402

WORKERS = os.cpu_count() or 2
LUA_MIX = """
local ids = {%(ids)s}
wrk.headers["Cookie"] = "session=%(cookie)s"
local token = "%(token)s"
local intake = "csrf_token=" .. token .. "&channel=%%E7%%8E%%B0%%E5%%9C%%BA%%E7%%94%%B3%%E8%%AF%%B7" ..
  "&application_form=written&received_on=2026-11-20" ..
  "&category=%%E5%%8A%%B3%%E5%%8A%%A8%%E6%%8A%%A5%%E9%%85%%AC" ..
  "&employer_name=%%E4%%BD%%9B%%E5%%B1%%B1%%E5%%B8%%82%%E5%%8E%%8B%%E6%%B5%%8B%%E5%%85%%AC%%E5%%8F%%B8" ..
  "&claim_kind_1=%%E5%%B7%%A5%%E8%%B5%%84&workers-0-name=%%E5%%8E%%8B%%E6%%B5%%8B" ..
  "&workers-0-id_type=resident&workers-0-amount_1=1000&save=1"
local counter = 0
request = function()
  counter = counter + 1
  local pick = counter %% 10
  if pick < 4 then
    return wrk.format("GET", "/cases/")
  elseif pick < 7 then
    return wrk.format("GET", "/cases/" .. ids[(counter %% #ids) + 1])
  elseif pick < 9 then
    return wrk.format("GET", "/api/stats?from=2022-01-01&to=2026-10-31")
  else
    return wrk.format("POST", "/cases/new",
      {["Content-Type"] = "application/x-www-form-urlencoded",
       ["Cookie"] = wrk.headers["Cookie"]}, intake)
  end
end
errors = 0
response = function(status, headers, body)
  if status >= 400 then errors = errors + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("WRK rps=%%.1f p50_ms=%%.1f p99_ms=%%.1f non2xx3xx=%%d socket_errors=%%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""
LUA_PLAIN = """
wrk.headers["Cookie"] = "session=%(cookie)s"
done = function(summary, latency, requests)
  io.write(string.format("WRK rps=%%.1f p50_ms=%%.1f p99_ms=%%.1f non2xx3xx=%%d socket_errors=%%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def free_ports(count: int) -> list[int]:
    """Distinct free ports (held open together, so the kernel cannot hand one out twice)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def serve(app_spec: str, port: int, env: dict) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),  # the venv running this bench
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app_spec,
    ]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn did not start on port {port}")


def log_in(base: str) -> tuple[str, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": "load", "password": "load-2026-bench", "csrf_token": token}
    ).encode()
    opener.open(f"{base}/login", data=data)
    intake = opener.open(f"{base}/cases/new").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', intake).group(1)
    cookie = next(c.value for c in jar if c.name == "session")
    return cookie, token


def shares(total: int, parts: int) -> list[int]:
    """`total` connections dealt out over `parts` nodes as evenly as they go."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def wrk(url: str, script: Path, seconds: int, connections: int = 16) -> dict[str, float]:
    return wrk_spread([url], script, seconds, connections)


def wrk_spread(
    urls: list[str], script: Path, seconds: int, connections: int = 16
) -> dict[str, float]:
    """The same load spread over the nodes: one wrk per node started together, the connections
    and wrk's two threads shared out; requests per second and errors summed, latency the worst
    node's."""
    threads = shares(2, len(urls)) if len(urls) <= 2 else [1] * len(urls)
    processes = [
        subprocess.Popen(
            [
                "wrk",
                f"-t{max(1, thread_count)}",
                f"-c{count}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                url,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for url, count, thread_count in zip(
            urls, shares(connections, len(urls)), threads, strict=True
        )
    ]
    results = [_summary(*process.communicate(), process.returncode) for process in processes]
    return {
        "rps": sum(r["rps"] for r in results),
        "p50_ms": max(r["p50_ms"] for r in results),
        "p99_ms": max(r["p99_ms"] for r in results),
        "non2xx3xx": sum(r["non2xx3xx"] for r in results),
        "socket_errors": sum(r["socket_errors"] for r in results),
    }


def _summary(stdout: str, stderr: str, returncode: int) -> dict[str, float]:
    if returncode != 0:
        raise RuntimeError(f"wrk failed ({returncode}):\n{stdout}\n{stderr}")
    for line in stdout.splitlines():
        if line.startswith("ERR "):
            print(line)
    lines = [line for line in stdout.splitlines() if line.startswith("WRK ")]
    if not lines:
        raise RuntimeError(f"wrk printed no summary:\n{stdout}\n{stderr}")
    return {key: float(value) for key, value in (part.split("=") for part in lines[0][4:].split())}


def print_mix(label: str, figures: dict[str, float], seconds: int) -> None:
    print(
        f"mix on {label} for {seconds} s: {figures['rps']:.1f} req/s, p50 "
        f"{figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, errors "
        f"{int(figures['non2xx3xx'] + figures['socket_errors'])} (target 0)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument(
        "--nodes",
        type=int,
        choices=[1, 2],
        default=1,
        help="2: also run the mix spread over two gunicorn nodes sharing one PostgreSQL",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    if args.nodes > 1 and args.backend != "postgresql":
        sys.exit("two nodes share one PostgreSQL database: add --backend postgresql")
    with fresh_database(args.backend) as url:
        generate_cases(url, args.cases)
        engine = make_engine(url)
        with Session(engine) as session:
            accounts.create_user(session, "load", "load-2026-bench", "centre_supervisor", "NH-LS")
            session.commit()
            lishui = session.exec(select(Centre.id).where(Centre.code == "NH-LS")).one()
            ids = session.exec(select(Case.id).where(Case.centre_id == lishui)).all()
        engine.dispose()
        env = {"DATABASE_URL": url, "SECRET_KEY": "load-test"}
        *ports, bare_port = free_ports(args.nodes + 1)
        nodes = [serve("app:create_app()", port, env) for port in ports]
        bare = serve("bench.bare_app:create_app()", bare_port, {})
        try:
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            base = bases[0]
            # Logged in on the first node only: the signed session cookie and its CSRF token
            # serve on every node that shares SECRET_KEY.
            cookie, token = log_in(base)
            os.makedirs(OUT, exist_ok=True)
            mix = Path(OUT) / "mix.lua"
            sample = ", ".join(str(i) for i in ids[:500])
            mix.write_text(LUA_MIX % {"cookie": cookie, "token": token, "ids": sample})
            plain = Path(OUT) / "plain.lua"
            plain.write_text(LUA_PLAIN % {"cookie": cookie})
            print(
                f"{args.backend}: {args.cases:,} cases, gunicorn with {WORKERS} workers a node, "
                f"wrk 2 threads x 16 connections in all, loopback only"
            )
            # Every worker of every node imports and connects before anything is timed.
            wrk_spread([b + "/" for b in bases], mix, 5)
            print_mix("1 node", wrk(base + "/", mix, args.seconds), args.seconds)
            if args.nodes > 1:
                spread = wrk_spread([b + "/" for b in bases], mix, args.seconds)
                print_mix(
                    f"{args.nodes} nodes (requests spread evenly, one database; "
                    f"{os.cpu_count()} cores: no speed-up expected)",
                    spread,
                    args.seconds,
                )
            short = max(5, args.seconds // 4)
            listing = wrk(base + "/cases/", plain, short)
            yardstick = wrk(f"http://127.0.0.1:{bare_port}/", plain, short)
            print(
                f"case list {listing['rps']:.1f} req/s vs bare 50-row page "
                f"{yardstick['rps']:.1f} req/s: fraction {listing['rps'] / yardstick['rps']:.2f}"
                f" (target ≥ 0.5)"
            )
            same_rows = wrk(f"http://127.0.0.1:{bare_port}/cases", plain, short)
            print(
                f"  for comparison: bare page with the case list's 12-column rows "
                f"{same_rows['rps']:.1f} req/s: fraction {listing['rps'] / same_rows['rps']:.2f}"
                f" (what login, database, layout and filter form cost)"
            )
        finally:
            for process in (*nodes, bare):
                process.terminate()
                process.wait(timeout=10)


if __name__ == "__main__":
    main()
