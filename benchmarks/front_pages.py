"""Latency and SQL statements of the pages a visitor enters by (issue 15): the home page, a region page, the
archive and the Projektschaufenster, on the demo data with its 18 months of history.

    .venv/bin/python benchmarks/front_pages.py [--db sqlite|postgresql] [--requests 40] [--json FILE]

1. creates a fresh database with the harness (an SQLite file in a temporary folder, or the PostgreSQL
   database ``beteiligung_bench_front``, dropped afterwards), migrates it and loads the demo
   (``flask demo load``: five regions, 37 consultations, about 750 comments and 1,100 ballots);
2. counts the SQL statements of one request of each page (in process, the rendering cache off);
3. times N requests of each page with the Flask test client, one thread, and prints p50 and p90.

A measurement, not a test: the exit code is 0 whether or not a page is fast (non-zero only when the
benchmark itself could not run).
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness

PG_NAME = "beteiligung_bench_front"
PAGES = [
    ("home, anonymous", "/", False),
    ("home, region kept in the cookie", "/", True),
    ("region page (Gelsenkirchen)", "/regionen/gelsenkirchen", False),
    ("archive, consultations", "/archiv", False),
    ("archive, processes of a region", "/archiv?art=prozesse&region=soest", False),
    ("Projektschaufenster", "/projektschaufenster", False),
    ("Projektschaufenster, filtered", "/projektschaufenster?status=running&q=digital", False),
    ("showcase API", "/api/v1/showcase/projects", False),
    ("showcase CSV", "/projektschaufenster.csv", False),
]


def load_demo(database_url):
    """``flask demo load`` on the migrated database; returns the seconds it took."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "demo", "load"], cwd=harness.ROOT,
                   env=harness.server_env(database_url), check=True, capture_output=True, timeout=600)
    return time.perf_counter() - started


def measure_pages(database_url, requests):
    app = harness.make_app(database_url, RATELIMIT_ENABLED=False, **harness.NO_CACHE)
    engine = harness.app_engine(app)
    client = app.test_client()
    results = []
    try:
        with harness.QueryLog(engine) as log:
            for label, path, cookie in PAGES:
                if cookie:
                    client.set_cookie("region", "soest")
                response = client.get(path)  # warm-up: templates compiled, a connection in the pool
                if response.status_code != 200:
                    raise SystemExit(f"{path}: {response.status_code}")
                log.clear()
                client.get(path)
                queries = len(log.statements)
                times = []
                for _ in range(requests):
                    started = time.perf_counter()
                    client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                if cookie:
                    client.delete_cookie("region")
                results.append({"page": label, "path": path, "queries": queries,
                                "p50_ms": round(harness.percentile(times, 0.5), 1),
                                "p90_ms": round(harness.percentile(times, 0.9), 1), "bytes": len(response.data)})
    finally:
        engine.dispose()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=harness.PG_DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--json")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="beteiligung-bench-front-")
    try:
        database_url = harness.create_database(args.db, workdir, args.pg_url, PG_NAME, "bench-front.db")
        harness.run_migrations(database_url)
        load_seconds = load_demo(database_url)
        results = measure_pages(database_url, args.requests)
    finally:
        harness.drop_database(args.db, args.pg_url, PG_NAME)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"database: {args.db}; demo load {load_seconds:.1f} s; {args.requests} requests per page, one thread, "
          "cache off")
    print(f"{'page':<36} {'queries':>7} {'p50 ms':>8} {'p90 ms':>8} {'KiB':>6}")
    for row in results:
        print(f"{row['page']:<36} {row['queries']:>7} {row['p50_ms']:>8} {row['p90_ms']:>8} "
              f"{row['bytes'] / 1024:>6.0f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"db": args.db, "demo_load_s": round(load_seconds, 1),
                                               "pages": results}, indent=2))


if __name__ == "__main__":
    main()
