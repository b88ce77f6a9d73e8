"""The cost of a ranked search as its number of hits grows (issue 14, goal 1: "the same for search").

    .venv/bin/python benchmarks/search.py [--db sqlite|postgresql] [--quick] [--sizes 1000,10000,100000]
        [--repeats N] [--pg-url URL] [--json FILE]

What it does, in one run:

1. creates a fresh database (an SQLite file in a temporary folder, or the PostgreSQL database
   ``beteiligung_bench_search``, dropped and created again, and dropped afterwards) and applies the
   migrations;
2. for each size N (1,000, 10,000 and 100,000 hits; ``--quick``: 1,000 and 10,000) bulk-inserts up to N
   published items that match ``Radweg`` (four in five proposals of an open collection, one in five
   published consultations) and as many proposals that do not, German titles and bodies of a few
   sentences (COPY on PostgreSQL, where the generated ``search_vector`` columns of migration 0016 fill
   themselves; on SQLite the triggers of 0011 fill ``search_fts``), then ANALYZE;
3. in process, with the Flask test client and the rendering cache off (every request a cache miss):
   ``GET /suche?q=Radweg`` and ``GET /api/v1/search?q=Radweg``, the SQL statements of one request
   (checked: the total is N, 20 hits shown) and the median of ``--repeats`` requests;
4. the search's SQL alone, median of ``--repeats`` runs: "after" is what ``search()`` sends (the stored
   column, hits ranked and counted in one statement with ``count(*) OVER ()``), "column, COUNT + page"
   the stored column with a separate COUNT as before; on PostgreSQL the database is then migrated down to
   0015 (the expression indexes of 0011, no column) and "before" times the statements of the search
   before migration 0016 (``ts_rank`` over the tsvector expression, COUNT then page), after which it is
   migrated up again. On SQLite (FTS5, unchanged) "before" is the COUNT + page of the same FTS5 query.
   (A figure takes fewer runs, at least 3, when they exceed 30 seconds.)

The search's statements are built from beteiligung.discovery.search's own query builder (``_ranked``);
"before" uses the same kinds without their stored column (``vector_column=None``), i.e. the expression.

Goal (JSON "goals"): at 10 times the hits within 1.25 times the cost. Ranking every hit is linear in
the hits, so for a ranked search this is not expected to be met; the per-hit cost is reported in
milliseconds per 1,000 hits, from the two largest sizes. The number of SQL statements per request
must not grow with the hits.

It is a measurement, not a test: the exit code is 0 whether or not the targets are met.
"""

import argparse
import dataclasses
import logging
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402  (benchmarks/harness.py: setup, timing, counting, printing)
    NO_CACHE,
    PG_DEFAULT_URL,
    ROOT,
    QueryLog,
    app_engine,
    bulk_insert,
    create_database,
    drop_database,
    fix_sequences,
    goal,
    make_app,
    markdown_table,
    next_id,
    run_migrations,
    seed_region,
    server_env,
    verdict,
    write_json,
)

PG_DATABASE = "beteiligung_bench_search"
QUERY = "Radweg"
PATHS = {"page": f"/suche?q={QUERY}", "API": f"/api/v1/search?q={QUERY}"}
PER_PAGE = 20
CONSULTATION_SHARE = 5  # every 5th hit is a consultation, the others proposals
TARGET_RATIO = 1.25  # at 10 times the hits within 1.25 times the cost
BUDGET_S = 30.0  # seconds of timed runs per figure, at most (but at least 3 runs)
BEFORE_REVISION = "0015_comment_keyset"  # the schema before the stored vectors (0016)
PLACES = ("Buer", "Hassel", "Altstadt", "Bahnhof", "Marktplatz", "Schalke", "Ückendorf", "Erle", "Horst")
OTHER_WORDS = ("Sitzbank", "Spielplatz", "Bücherei", "Ladesäule", "Schulhof", "Ampel", "Trinkbrunnen")
SENTENCES = ("Gerade am Abend ist es dort unübersichtlich, und viele Nachbarinnen und Nachbarn meiden die Strecke.",
             "Die Kosten wären überschaubar, wenn die Stadt vorhandene Mittel aus dem Haushalt nutzt.",
             "Ältere Menschen und Familien mit Kindern würden besonders davon profitieren.",
             "Man könnte es zuerst ein halbes Jahr lang ausprobieren und danach gemeinsam auswerten.",
             "In anderen Städten im Ruhrgebiet funktioniert das schon seit Jahren gut.",
             "Wir sind gerne bereit, uns ehrenamtlich daran zu beteiligen.",
             "Bei der letzten Versammlung im Stadtteil haben viele Leute danach gefragt.")


# --- data --------------------------------------------------------------------------------------------------

def prepare(database_url):
    """The region, its moderator and one open, published proposal collection; returns their ids."""
    from beteiligung.extensions import db
    from beteiligung.proposals.models import ProposalCollection
    from beteiligung.timeutil import utcnow

    app = make_app(database_url, PASSWORD_HASH_FAST=True)
    with app.app_context():
        region, moderator = seed_region()
        now = utcnow()
        collection = ProposalCollection(region_id=region.id, title="Ideen für Gelsenkirchen", description="Ideen.",
                                        description_html="<p>Ideen.</p>", published=True,
                                        opens_at=now - timedelta(days=60), closes_at=now + timedelta(days=30),
                                        created_by_id=moderator.id)
        db.session.add(collection)
        db.session.commit()
        ids = {"region": region.id, "moderator": moderator.id, "collection": collection.id}
        db.session.remove()
        db.engine.dispose()
    return ids


def grow(database_url, ids, have, want, rng):
    """Insert the hits have..want-1 (and as many proposals that do not match); returns the seconds taken."""
    from sqlalchemy import text

    from beteiligung.consultations.models import Consultation
    from beteiligung.extensions import db
    from beteiligung.proposals.models import Proposal
    from beteiligung.timeutil import utcnow

    app = make_app(database_url)
    started = time.perf_counter()
    with app.app_context():
        now = utcnow()
        proposal_table, consultation_table = Proposal.__table__, Consultation.__table__
        next_proposal, next_consultation = next_id(db.session, proposal_table), next_id(db.session, consultation_table)
        proposals, consultations = [], []
        for number in range(have, want):
            place, other = rng.choice(PLACES), rng.choice(OTHER_WORDS)
            body = " ".join([f"Ein sicherer Radweg nach {place} und eine {other} wären gut."]
                            + rng.sample(SENTENCES, rng.randint(2, 4)))
            created = now - timedelta(minutes=rng.randrange(60 * 24 * 59))
            if number % CONSULTATION_SHARE == 0:
                consultations.append((next_consultation, ids["region"], f"Radweg {place} Nr. {number}",
                                      f"Wie soll der Radweg in {place} aussehen?", body, f"<p>{body}</p>", True,
                                      now - timedelta(days=1), now + timedelta(days=30), 0, ids["moderator"],
                                      created, created))
                next_consultation += 1
            else:
                proposals.append(proposal_row(next_proposal, ids, f"Radweg {place} Nr. {number}", body, created))
                next_proposal += 1
            miss = " ".join([f"Eine {other} in {place} wäre gut."] + rng.sample(SENTENCES, rng.randint(2, 4)))
            proposals.append(proposal_row(next_proposal, ids, f"{other} {place} Nr. {number}", miss, created))
            next_proposal += 1
        bulk_insert(db.session, proposal_table, ("id", "collection_id", "author_id", "title", "body", "body_html",
                                                 "state", "status", "answer", "answer_html", "support_count",
                                                 "created_at", "updated_at"), proposals)
        bulk_insert(db.session, consultation_table, ("id", "region_id", "title", "summary", "body", "intro_html",
                                                     "published", "opens_at", "closes_at", "comment_count",
                                                     "created_by_id", "created_at", "updated_at"), consultations)
        fix_sequences(db.session, [proposal_table.name, consultation_table.name])
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - started


def proposal_row(pid, ids, title, body, created):
    return (pid, ids["collection"], ids["moderator"], title, body, f"<p>{body}</p>", "published", "submitted", "",
            "", 0, created, created)


def migrate(database_url, command, revision):
    """``flask db upgrade|downgrade REVISION`` on the database (in a subprocess, as run_migrations does)."""
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", command, revision], cwd=ROOT,
                            env=server_env(database_url), capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"flask db {command} {revision} failed:\n{result.stdout}\n{result.stderr}")


# --- measuring ----------------------------------------------------------------------------------------------

def median_ms(run, repeats):
    """The median of ``repeats`` timed runs after one warm-up; of fewer (at least 3) once they took
    BUDGET_S seconds (the search before 0016 takes seconds per run at 100,000 hits)."""
    run()  # warm-up
    times, began = [], time.perf_counter()
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
        if len(times) >= 3 and time.perf_counter() - began > BUDGET_S:
            break
    return statistics.median(times)


def requests(database_url, hits, repeats):
    """{"page"|"API": {"ms", "queries"}} of the search requests in process, the cache off; each checked."""
    app = make_app(database_url, RATELIMIT_ENABLED=False, **NO_CACHE)
    engine = app_engine(app)
    client = app.test_client()
    results = {}
    try:
        for name, path in PATHS.items():
            client.get(path)  # warm-up: templates compiled, a connection in the pool
            with QueryLog(engine) as log:
                response = client.get(path)
            check(path, response, hits)
            results[name] = {"path": path, "queries": len(log.entries),
                             "ms": median_ms(lambda path=path: client.get(path), repeats)}
        # Objects and highlights are loaded per kind on the page: 2 statements for each kind shown.
        kinds = len({item["kind"] for item in client.get(PATHS["API"]).get_json()["items"]})
        for value in results.values():
            value["kinds_on_page"] = kinds
    finally:
        engine.dispose()
    return results


def check(path, response, hits):
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    if path.startswith("/api/"):
        body = response.get_json()
        found, shown = body["total"], len(body["items"])
    else:
        html = response.get_data(as_text=True)
        match = re.search(r"(\d+) Treffer", html.replace(".", "").replace("\u202f", "").replace(",", ""))
        found, shown = (int(match.group(1)) if match else None), html.count('class="card search-hit"')
    if found != hits or shown != min(PER_PAGE, hits):
        raise RuntimeError(f"GET {path}: {found} hits ({shown} shown), expected {hits} ({min(PER_PAGE, hits)})")


def statements(kinds, one_pass):
    """The statements of one search for QUERY (first page): the ranked page with its count, or COUNT + page."""
    from sqlalchemy import desc, func, select

    from beteiligung.discovery import search as searching
    from beteiligung.extensions import db
    from beteiligung.timeutil import utcnow

    q, clauses = searching.parse(QUERY)
    hits = searching._ranked(db.engine.dialect.name, kinds, q, clauses, utcnow(), None, None)
    order = (desc(hits.c.rank), desc(hits.c.created_at), hits.c.kind, desc(hits.c.id))
    if one_pass:
        return [select(hits.c.kind, hits.c.id, hits.c.rank, func.count().over()).order_by(*order).limit(PER_PAGE)]
    return [select(func.count()).select_from(hits),
            select(hits.c.kind, hits.c.id, hits.c.rank).order_by(*order).limit(PER_PAGE)]


def time_sql(database_url, variants, hits, repeats):
    """{variant: median ms} of the search's statements; variants: {name: (use the stored column, one pass)}."""
    from beteiligung.discovery.search import search_kinds
    from beteiligung.extensions import db

    app = make_app(database_url)
    results = {}
    with app.app_context():
        for name, (column, one_pass) in variants.items():
            kinds = [kind if column else dataclasses.replace(kind, vector_column=None)
                     for kind in search_kinds().values()]
            sql = statements(kinds, one_pass)

            def run(sql=sql):
                rows = [db.session.execute(statement).all() for statement in sql]
                db.session.rollback()
                return rows

            first = run()
            total = first[0][0][0] if not one_pass else first[0][0][-1]
            if total != hits or len(first[-1]) != min(PER_PAGE, hits):
                raise RuntimeError(f"{name}: {total} hits, expected {hits}")
            results[name] = median_ms(run, repeats)
        db.session.remove()
        db.engine.dispose()
    return results


# --- the run ------------------------------------------------------------------------------------------------

def run(args):
    warnings.filterwarnings("ignore", message=".*CACHE_TYPE is set to NullCache.*")
    # The slow-query log would report every search before 0016 at 10,000 hits and more.
    logging.getLogger("beteiligung.sql").setLevel(logging.ERROR)
    os.environ.pop("REDIS_URL", None)
    workdir = tempfile.mkdtemp(prefix="beteiligung-bench-search-")
    rng = random.Random(args.seed)
    rows = []
    try:
        database_url = create_database(args.db, workdir, args.pg_url, PG_DATABASE)
        run_migrations(database_url)
        ids = prepare(database_url)
        have = 0
        for size in args.sizes:
            seconds = grow(database_url, ids, have, size, rng)
            have = size
            print(f"{size} hits (and {size} other proposals): loaded in {seconds:.1f} s", flush=True)
            row = {"hits": size, "requests": requests(database_url, size, args.repeats)}
            variants = {"after": (True, True), "column, COUNT + page": (True, False)}
            if args.db == "sqlite":
                variants = {"after": (True, True), "before": (True, False)}
            row["sql"] = time_sql(database_url, variants, size, args.repeats)
            if args.db == "postgresql":
                started = time.perf_counter()
                migrate(database_url, "downgrade", BEFORE_REVISION)
                down = time.perf_counter() - started
                row["sql"].update(time_sql(database_url, {"before": (False, False)}, size, args.repeats))
                started = time.perf_counter()
                run_migrations(database_url)
                row["migration_s"] = {"downgrade": down, "upgrade": time.perf_counter() - started}
            print("  " + ", ".join(f"{name} {value['ms']:.1f} ms ({value['queries']} queries)"
                                   for name, value in row["requests"].items())
                  + "; SQL " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in row["sql"].items()), flush=True)
            rows.append(row)
    finally:
        drop_database(args.db, args.pg_url, PG_DATABASE)
        shutil.rmtree(workdir, ignore_errors=True)
    return rows


def summarise(args, rows):
    small, large = rows[-2], rows[-1]  # the two largest sizes
    factor = large["hits"] / small["hits"]
    goals, per_hit = [], {}

    def per_thousand(a, b):
        return f"{(b - a) / (large['hits'] - small['hits']) * 1000:.2f}"

    for name in PATHS:
        a, b = small["requests"][name]["ms"], large["requests"][name]["ms"]
        per_hit[name] = (b - a) / (large["hits"] - small["hits"]) * 1000  # ms per 1,000 hits
        goals.append(goal(1, f"search {name} GET {PATHS[name]} ({args.db}), cache miss",
                          f"at {factor:g}x the hits ({large['hits']}) within {TARGET_RATIO}x of the time at "
                          f"{small['hits']}",
                          f"{a:.1f} → {b:.1f} ms ({b / a:.2f}x); {per_hit[name]:.2f} ms per 1,000 hits",
                          b <= TARGET_RATIO * a))
    queries = {name: [row["requests"][name]["queries"] for row in rows] for name in PATHS}
    fixed = {name: {row["requests"][name]["queries"] - 2 * row["requests"][name]["kinds_on_page"] for row in rows}
             for name in PATHS}
    goals.append(goal(1, f"search SQL statements per request ({args.db})",
                      "the same at every size, but for 2 per kind of item on the page",
                      "; ".join(f"{name} " + " / ".join(map(str, counts)) for name, counts in queries.items())
                      + " (kinds on the page: " + " / ".join(str(row["requests"]["API"]["kinds_on_page"])
                                                           for row in rows) + ")",
                      all(len(values) == 1 for values in fixed.values())))
    before, after = large["sql"]["before"], large["sql"]["after"]
    goals.append(goal(1, f"search SQL at {large['hits']} hits ({args.db}): after vs. before",
                      "faster than before (stored vector, one pass)" if args.db == "postgresql"
                      else "not slower than before (one pass)",
                      f"{before:.1f} → {after:.1f} ms ({before / after:.2f}x faster); "
                      f"{per_thousand(small['sql']['after'], after)} ms per 1,000 hits after, "
                      f"{per_thousand(small['sql']['before'], before)} before",
                      after < before if args.db == "postgresql" else after <= before * 1.05))
    return goals, per_hit


def report(args, rows, goals):
    print()
    print(f"Beteiligung search benchmark — {args.db}, query {QUERY!r}, in process (Flask test client, 1 thread, "
          f"cache off), median of {args.repeats}; {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print()
    variants = list(rows[0]["sql"])
    markdown_table([("hits", "r"), *((f"{name} ms", "r") for name in PATHS),
                    *((f"{name} queries", "r") for name in PATHS), ("kinds on page", "r"),
                    *((f"SQL {name} ms", "r") for name in variants)],
                   [[f"{row['hits']:,}", *(f"{row['requests'][n]['ms']:.1f}" for n in PATHS),
                     *(row["requests"][n]["queries"] for n in PATHS), row["requests"]["API"]["kinds_on_page"],
                     *(f"{row['sql'][v]:.1f}" for v in variants)]
                    for row in rows])
    print()
    print("ms: median per request or per run of the SQL; queries: SQL statements of one request. SQL after: "
          "what search() sends; before: on PostgreSQL the expression (schema 0015) with COUNT + page, on SQLite "
          "COUNT + page.")
    print()
    for entry in goals:
        print(f"goal {entry['goal']}: {entry['name']}: target {entry['target']}; measured {entry['measured']}: "
              f"{verdict(entry['met'])}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 hits, 5 repeats")
    parser.add_argument("--sizes", help="comma-separated numbers of hits, ascending (default 1000,10000,100000)")
    parser.add_argument("--repeats", type=int, help="timed runs per figure (default 11; --quick 5)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT_URL),
                        help=f"PostgreSQL server for --db postgresql (default {PG_DEFAULT_URL}); the database "
                             f"{PG_DATABASE} on it is dropped and created again, and dropped afterwards")
    parser.add_argument("--seed", type=int, default=20261126, help="random seed of the generated data")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args(argv)
    default = "1000,10000" if args.quick else "1000,10000,100000"
    try:
        args.sizes = [int(size) for size in (args.sizes or default).split(",")]
    except ValueError:
        parser.error("--sizes: comma-separated whole numbers")
    if len(args.sizes) < 2 or args.sizes != sorted(set(args.sizes)) or args.sizes[0] < PER_PAGE:
        parser.error(f"--sizes: at least two ascending sizes of {PER_PAGE} or more")
    args.repeats = args.repeats or (5 if args.quick else 11)
    if not 1 <= args.repeats <= 1000:
        parser.error("--repeats: 1 to 1000")
    return args


def main(argv=None):
    args = parse_args(argv)
    rows = run(args)
    goals, per_hit = summarise(args, rows)
    report(args, rows, goals)
    write_json(args.json, {"benchmark": "search", "db": args.db, "query": QUERY, "repeats": args.repeats,
                           "cpus": os.cpu_count(), "python": platform.python_version(), "sizes": rows,
                           "ms_per_1000_hits": per_hit, "goals": goals})


if __name__ == "__main__":
    main()
