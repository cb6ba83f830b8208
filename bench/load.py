"""The app under gunicorn on 127.0.0.1, with a bounded load: req/s, p50 and p99, and the ratios.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/revocation_bench \\
        .venv/bin/python bench/load.py [--seconds 10] [--max-requests 100000]

gunicorn runs the project (DEBUG off, 3 sync workers, as docker-compose.yml does) on a free port of
127.0.0.1, with bench/urls.py adding two minimal views. wrk (Debian's package) loads, one after the
other: the minimal view anonymous, the minimal view signed in, the case list and a case page signed
in as Tehran's expert. Each run is capped in time (``--seconds``) and in requests
(``--max-requests``, a Lua counter that stops wrk's thread); the client shares the machine's cores
with the server, as it would on a one-box deployment.

Targets (issue 7), judged at 1,000,000 persons and more: the list and the case page at no less
than 50% of the minimal signed-in view's req/s, and the minimal signed-in view at no less than 60%
of the anonymous one. The last line says ``targets met`` or what was missed; exit status 1 then.

It also prints what the database alone can do: the raw SQL of the list and of the case page
(bench/pages.py's, the rows each page shows) run from as many connections, with no Python between
the queries, in req/s and as a share of the minimal signed-in view: a page cannot be served faster
than its own queries, so what lies between that figure and the page's is Python's.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, collect_static, setup_django

WORKERS = 3
STOP_AFTER = """
local count = 0
local most = {most}
response = function(status, headers, body)
  if status ~= 200 then error("status " .. status) end
  count = count + 1
  if count >= most then wrk.thread:stop() end
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=6)
    args = parser.parse_args()
    setup_django()
    if shutil.which("wrk") is None:
        subprocess.run([str(ROOT / "scripts/system-deps.sh"), "wrk"], check=True)
    collect_static()
    sys.exit(run(args))


def run(args) -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    with connection.cursor() as cursor:
        cursor.execute("SELECT persons FROM bench_info")
        (persons,) = cursor.fetchone()
        cursor.execute(
            """SELECT c.number FROM cases_case c JOIN reference_province p ON p.id = c.province_id
               WHERE p.slug = 'tehran' ORDER BY c.id LIMIT 1"""
        )
        (number,) = cursor.fetchone()
    from pages import case_page_sql, list_sql, scope_sql

    from accounts import permissions
    from shared.pagination import COUNT_CAP

    expert = get_user_model().objects.get(username="expert_teh")
    scope, scope_params = scope_sql(expert, expert.province_id, permissions)
    raw = {
        "case list, signed in": list_sql(expert, scope, scope_params, COUNT_CAP),
        "case page, signed in": case_page_sql(expert, number),
    }
    client = Client()
    client.force_login(expert)
    session = client.cookies["sessionid"].value
    connection.close()

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "bench.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
            "--worker-class", "sync", "--log-level", "warning", "--chdir", str(ROOT),
        ],
        env=env,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_up(port)
        base = f"http://127.0.0.1:{port}"
        targets = [
            ("minimal view, anonymous", "/bench/minimal/", None),
            ("minimal view, signed in", "/bench/minimal-signed-in/", session),
            ("case list, signed in", "/cases/", session),
            ("case page, signed in", f"/cases/{number}/", session),
        ]
        print(
            f"gunicorn: {WORKERS} sync workers on 127.0.0.1; wrk: 1 thread, "
            f"{args.connections} connections, at most {args.seconds} s and "
            f"{args.max_requests:,} requests per run; {persons:,} persons"
        )
        print(f"\n{'view':<28} {'req/s':>8} {'p50':>9} {'p99':>9} {'requests':>9}")
        results = {}
        for name, path, cookie in targets:
            results[name] = load(base + path, cookie, args)
            r = results[name]
            print(
                f"{name:<28} {r['rps']:>8,.0f} {r['p50']:>7.1f} ms {r['p99']:>7.1f} ms {r['n']:>9,}"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print("\nthe raw SQL alone, from as many connections (no HTTP, no Python between queries):")
    ceilings = {}
    for name, statements in raw.items():
        rate = raw_rate(statements, args)
        ceilings[name] = rate
        print(f"{name:<28} {rate:>8,.0f} sets of queries/s")

    anonymous = results["minimal view, anonymous"]["rps"]
    signed_in = results["minimal view, signed in"]["rps"]
    ratios = [
        ("minimal signed in / anonymous", signed_in / anonymous, 0.60),
        ("case list / minimal signed in", results["case list, signed in"]["rps"] / signed_in, 0.50),
        ("case page / minimal signed in", results["case page, signed in"]["rps"] / signed_in, 0.50),
    ]
    print()
    missed = []
    for name, ratio, target in ratios:
        print(f"{name:<32} {ratio:>5.0%}  (target at least {target:.0%})")
        if ratio < target:
            missed.append(f"{name} {ratio:.0%} (target {target:.0%})")
    for name, rate in ceilings.items():
        print(f"{name}: its raw SQL alone runs at {rate / signed_in:.0%} of that view's req/s")
    if persons < 1_000_000:
        print(f"\n(ratios are judged at 1,000,000 persons and up; at {persons:,} they are printed)")
        missed = []
    if missed:
        print("targets missed: " + "; ".join(missed))
        return 1
    print("targets met")
    return 0


def load(url: str, cookie: str | None, args) -> dict:
    """One bounded wrk run: req/s, p50 and p99 in ms, and the number of requests."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(STOP_AFTER.format(most=args.max_requests))  # one wrk thread
    command = [
        "wrk", "--latency", "-t1", f"-c{args.connections}", f"-d{args.seconds}s",
        "--timeout", "10s", "-s", script.name, url,
    ]  # fmt: skip
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    if "Non-2xx" in output or "error" in output.lower():
        raise SystemExit(f"load: {url} answered with errors:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": duration_ms(re.search(r"\s50%\s+([\d.]+\w+)", output).group(1)),
        "p99": duration_ms(re.search(r"\s99%\s+([\d.]+\w+)", output).group(1)),
        "n": int(re.search(r"(\d+) requests in", output).group(1)),
    }


def raw_rate(statements, args) -> float:
    """Sets of the page's raw SQL per second, from ``args.connections`` connections at once,
    capped like the wrk runs in time and in count."""
    import psycopg2
    from django.db import connection

    params = connection.get_connection_params()
    stop = time.monotonic() + args.seconds
    counts = []

    def worker() -> None:
        done = 0
        with psycopg2.connect(**params) as db, db.cursor() as cursor:
            while time.monotonic() < stop and done < args.max_requests // args.connections:
                for sql, values in statements:
                    cursor.execute(sql, values)
                    cursor.fetchall()
                done += 1
        counts.append(done)

    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/minimal/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"load: gunicorn did not answer on 127.0.0.1:{port}")


if __name__ == "__main__":
    main()
