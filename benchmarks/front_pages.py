"""Latency and SQL statements of the pages a visitor enters by (issue 15): the home page, a region page, the
archive and the Projektschaufenster, on the demo data with its 18 months of history.

    .venv/bin/python benchmarks/front_pages.py [--db sqlite|postgresql] [--requests 40] [--json FILE]

1. creates a fresh database (an SQLite file in a temporary folder, or the PostgreSQL database
   ``beteiligung_bench_front``, dropped and created again), migrates it and loads the demo
   (``flask demo load``: five regions, 37 consultations, about 750 comments and 1,100 ballots);
2. counts the SQL statements of one request of each page (in process, the rendering cache off);
3. times N requests of each page with the Flask test client, one thread, and prints p50 and p90.

A measurement, not a test: the exit code is 0 whether or not a page is fast (non-zero only when the
benchmark itself could not run).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "beteiligung_bench_front"
PG_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_NAME}"
PAGES = [
    ("home, anonymous", "/"),
    ("home, region kept in the cookie", "/#cookie"),
    ("region page (Gelsenkirchen)", "/regionen/gelsenkirchen"),
    ("archive, consultations", "/archiv"),
    ("archive, processes of a region", "/archiv?art=prozesse&region=soest"),
    ("Projektschaufenster", "/projektschaufenster"),
    ("Projektschaufenster, filtered", "/projektschaufenster?status=running&q=digital"),
    ("showcase API", "/api/v1/showcase/projects"),
    ("showcase CSV", "/projektschaufenster.csv"),
]


def prepare(db):
    if db == "postgresql":
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", PG_NAME], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_NAME], check=True)
        url = PG_URL
    else:
        url = "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="bench-front-"), "bench.db")
    env = dict(os.environ, DATABASE_URL=url)
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([*flask, "demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True)
    return url, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--json")
    args = parser.parse_args()

    url, load_seconds = prepare(args.db)
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event

    from beteiligung import create_app
    from beteiligung.extensions import db

    app = create_app({"CACHE_TYPE": "NullCache", "RATELIMIT_ENABLED": False})
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))
    client = app.test_client()
    results = []
    for label, path in PAGES:
        cookie = path.endswith("#cookie")
        path = path.removesuffix("#cookie")
        if cookie:
            client.set_cookie("region", "soest")
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
        statements.clear()
        client.get(path)
        queries = len(statements)
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        if cookie:
            client.delete_cookie("region")
        times.sort()
        results.append({"page": label, "path": path, "queries": queries, "p50_ms": round(statistics.median(times), 1),
                        "p90_ms": round(times[int(len(times) * 0.9) - 1], 1), "bytes": len(response.data)})

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
