"""Requests per second and SQL queries of a proposal collection with 10,000 proposals and 100,000 supports.

    .venv/bin/python benchmarks/proposals_list.py [--db sqlite|postgresql] [--seconds N] [--proposals 10000]
        [--supports 100000] [--users 500] [--json FILE] [--show-sql]

What it does, in one run (benchmarks/README.md has the details):

1. creates a fresh database (an SQLite file in a temporary folder, or the PostgreSQL database
   `beteiligung_bench_proposals`, dropped and created again), applies the migrations with
   `flask --app wsgi db upgrade` and loads one open collection with 10,000 proposals (2 % hidden,
   1 % waiting for release, every official status) and 100,000 supports by 500 accounts (skewed: a
   few proposals gather many, most few; ``support_count`` agrees with the rows, as the services keep
   it), and a second collection with 10 proposals, with bulk inserts;
2. counts the SQL statements of one request to the collection page and to the proposals API list
   for each sort (newest, supported, random), in process, for both collections: the count must not
   grow with the number of proposals, and stay within the comments page's budget (10);
3. measures requests per second and p50/p99 latency of each of those requests in process with the
   Flask test client (one thread, the rendering cache off: every request is a cache miss), N seconds
   each. The random order's cookie is kept, as a browser does.

It is a measurement, not a test: the exit code is 0 whether or not the targets are met (and
non-zero only when the benchmark itself could not run).
"""

import argparse
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402  (benchmarks/harness.py: setup, timing, counting, printing)
    NO_CACHE,
    PG_DEFAULT_URL,
    QueryLog,
    app_engine,
    bulk_insert,
    create_database,
    drop_database,
    fix_sequences,
    make_app,
    next_id,
    percentile,
    run_migrations,
    seed_region,
    verdict,
    write_json,
)

PG_DATABASE = "beteiligung_bench_proposals"
TARGET_MAX_QUERIES = 10  # the comments page's budget (benchmarks/comments_page.py)
SORTS = ("newest", "supported", "random")
CATEGORIES = ("Verkehr", "Grün", "Digitales", "Bildung", "Soziales")
STATUSES = ("submitted",) * 6 + ("in_review",) * 2 + ("accepted", "rejected", "implemented")
WORDS = ("Radweg", "Bänke", "WLAN", "Bushaltestelle", "Spielplatz", "Datenportal", "Sprechstunde", "Beleuchtung",
         "Bücherei", "Mitfahrbank", "Trinkbrunnen", "Sensor", "Ladesäule", "Schulhof", "Ampel")
PLACES = ("Buer", "Hassel", "Altstadt", "Bahnhof", "Marktplatz", "Schalke", "Ückendorf", None, None)


def load_data(database_url, n_proposals, n_supports, n_users, seed):
    """Region, users, the big and the small collection; returns a description of what was loaded."""
    from sqlalchemy import func, select, text

    from beteiligung.accounts.services import register_user
    from beteiligung.extensions import db
    from beteiligung.proposals.models import Proposal, ProposalCollection, ProposalSupport
    from beteiligung.timeutil import utcnow

    rng = random.Random(seed)
    app = make_app(database_url, PASSWORD_HASH_FAST=True)
    with app.app_context():
        now = utcnow()
        region, moderator = seed_region()
        users = [register_user(f"person{i}@example.org", "benchmark-geheim-42", f"Person {i}", accepted_terms=True)
                 for i in range(n_users)]
        db.session.flush()
        user_ids = [u.id for u in users]

        def collection(title):
            c = ProposalCollection(region_id=region.id, title=title, description="Ihre Ideen.",
                                   description_html="<p>Ihre Ideen.</p>", categories_text="\n".join(CATEGORIES),
                                   published=True, opens_at=now - timedelta(days=60),
                                   closes_at=now + timedelta(days=30), created_by_id=moderator.id)
            db.session.add(c)
            db.session.flush()
            return c

        big, small = collection("Ideen für Gelsenkirchen"), collection("Ideen für den Stadtpark")
        proposal_table, support_table = Proposal.__table__, ProposalSupport.__table__
        first = next_id(db.session, proposal_table)
        columns = ("id", "collection_id", "author_id", "title", "body", "body_html", "category", "place", "state",
                   "status", "answer", "answer_html", "support_count", "created_at", "updated_at")
        rows, supports = [], []

        def states(n):
            rolls = [rng.random() for _ in range(n)]
            return ["hidden" if r < 0.02 else "pending" if r < 0.03 else "published" for r in rolls]

        # Skewed support counts summing to n_supports (pending proposals have none yet; hidden ones keep
        # theirs): weights from a Pareto distribution, at most n_users on one proposal.
        big_states = states(n_proposals)
        weights = [rng.paretovariate(1.2) if state != "pending" else 0.0 for state in big_states]
        scale = n_supports / sum(weights)
        counts = [min(n_users, int(w * scale)) for w in weights]
        missing = n_supports - sum(counts)
        index = 0
        while missing > 0:  # spread the rounding remainder
            if big_states[index % n_proposals] != "pending" and counts[index % n_proposals] < n_users:
                counts[index % n_proposals] += 1
                missing -= 1
            index += 1
        small_states = states(10)
        for cid, offset, collection_states, support_counts in (
                (big.id, 0, big_states, counts),
                (small.id, n_proposals, small_states, [0 if st == "pending" else 3 for st in small_states])):
            for i, state in enumerate(collection_states):
                pid = first + offset + i
                status = rng.choice(STATUSES) if state == "published" else "submitted"
                word, other = rng.choice(WORDS), rng.choice(WORDS)
                body = f"Wir brauchen mehr {word} und eine bessere {other} in unserem Viertel. " * rng.randint(1, 4)
                created = now - timedelta(minutes=rng.randrange(60 * 24 * 59))
                answer = "Danke, wir prüfen das." if status != "submitted" else ""
                supporters = rng.sample(user_ids, support_counts[i])
                rows.append((pid, cid, rng.choice(user_ids), f"{word} für {rng.choice(PLACES) or 'alle'} Nr. {i}",
                             body, f"<p>{body}</p>", rng.choice(CATEGORIES), rng.choice(PLACES), state, status,
                             answer, f"<p>{answer}</p>" if answer else "", len(supporters), created, created))
                supports.extend((pid, uid, created) for uid in supporters)
        bulk_insert(db.session, proposal_table, columns, rows)
        bulk_insert(db.session, support_table, ("proposal_id", "user_id", "created_at"), supports)
        fix_sequences(db.session, [proposal_table.name])
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        inconsistent = db.session.scalar(text(
            "SELECT count(*) FROM proposals p WHERE p.support_count <> "
            "(SELECT count(*) FROM proposal_supports s WHERE s.proposal_id = p.id)"))
        if inconsistent:
            raise RuntimeError(f"{inconsistent} proposals have a support count that disagrees with their supports")
        result = {"big": big.id, "small": small.id,
                  "proposals": db.session.scalar(select(func.count()).select_from(Proposal)
                                                 .where(Proposal.collection_id == big.id)),
                  "published": sum(1 for r in rows[:n_proposals] if r[8] == "published"),
                  "supports": db.session.scalar(select(func.count()).select_from(ProposalSupport)
                                                .join(Proposal, Proposal.id == ProposalSupport.proposal_id)
                                                .where(Proposal.collection_id == big.id)),
                  "max_supports": max(counts), "users": n_users}
        db.session.remove()
        db.engine.dispose()
    return result


def paths_for(collection_id):
    paths = {}
    for sort in SORTS:
        paths[f"page {sort}"] = f"/vorschlagssammlungen/{collection_id}?sort={sort}"
        paths[f"API {sort}"] = f"/api/v1/proposals?collection={collection_id}&sort={sort}&seed=7"
    return paths


def count_and_measure(database_url, big_paths, small_paths, seconds, show_sql, published):
    """{key: {queries, queries_small, rps, p50_ms, p99_ms, requests}} in process, the cache off; the API's
    total must be the number of published proposals (hidden and pending ones stay out)."""
    app = make_app(database_url, RATELIMIT_ENABLED=False, **NO_CACHE)
    engine = app_engine(app)
    results = {}
    try:
        for key, path in big_paths.items():
            client = app.test_client()  # its own cookies: the random order's seed, as one visitor
            with QueryLog(engine) as log:
                counted = {}
                for label, p in (("big", path), ("small", small_paths[key])):
                    client.get(p)  # warm-up: templates compiled, a connection in the pool, the seed cookie
                    log.clear()
                    response = client.get(p)
                    if response.status_code != 200:
                        raise RuntimeError(f"GET {p} answered {response.status_code}")
                    counted[label] = list(log.statements)
                    if label == "big" and key.startswith("API") and response.get_json()["total"] != published:
                        raise RuntimeError(f"GET {p}: total {response.get_json()['total']}, expected {published}")
                    if label == "big" and key.startswith("page") and response.get_data(as_text=True).count(
                            "/vorschlaege/") < 20:
                        raise RuntimeError(f"GET {p}: fewer than 20 proposals linked on the page")
            if show_sql:
                print(f"\n--- {len(counted['big'])} statements for GET {path} ---")
                for statement in counted["big"]:
                    print(" ", " ".join(statement.split())[:300])
            for _ in range(20):
                client.get(path)
            latencies = []
            started = time.perf_counter()
            while time.perf_counter() - started < seconds:
                t = time.perf_counter()
                response = client.get(path)
                latencies.append((time.perf_counter() - t) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {path} answered {response.status_code} while measured")
            elapsed = time.perf_counter() - started
            results[key] = {"path": path, "queries": len(counted["big"]), "queries_small": len(counted["small"]),
                            "rps": len(latencies) / elapsed, "p50_ms": percentile(latencies, 0.5),
                            "p99_ms": percentile(latencies, 0.99), "requests": len(latencies)}
            print(f"  {key:<15} {results[key]['rps']:8.1f} requests/s", flush=True)
    finally:
        engine.dispose()
    return results


def report(results):
    data = results["data"]
    print()
    print(f"Beteiligung proposals benchmark — {results['db']}, {data['proposals']} proposals "
          f"({data['published']} published) with {data['supports']} supports by {data['users']} accounts "
          f"(at most {data['max_supports']} on one); 20 per page")
    print(f"in process (Flask test client, 1 thread, cache off), {results['seconds']:g} s per request; "
          f"{results['cpus']} CPUs, Python {results['python']}")
    print()
    header = (f"{'request':<15} {'path':<58} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8} "
              f"{'with 10':>8}")
    print(header)
    print("-" * len(header))
    for key, row in results["endpoints"].items():
        print(f"{key:<15} {row['path']:<58} {row['rps']:>8.1f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
              f"{row['queries']:>8} {row['queries_small']:>8}")
    print()
    print(f"Target: ≤ {TARGET_MAX_QUERIES} queries per request and the same count with 10 proposals: "
          f"{verdict(results['queries_ok'])}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each measurement (default 5)")
    parser.add_argument("--proposals", type=int, default=10_000, help="proposals of the big collection (10000)")
    parser.add_argument("--supports", type=int, default=100_000, help="supports of its proposals (100000)")
    parser.add_argument("--users", type=int, default=500, help="accounts that propose and support (default 500)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT_URL),
                        help=f"PostgreSQL server for --db postgresql (default {PG_DEFAULT_URL}); the database "
                             f"{PG_DATABASE} on it is dropped and created again, and dropped afterwards")
    parser.add_argument("--seed", type=int, default=20261126, help="random seed of the generated data")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument("--show-sql", action="store_true", help="print the SQL statements of each counted request")
    args = parser.parse_args(argv)
    if (args.proposals < 20 or args.users < 10 or not 0 <= args.supports <= args.proposals * args.users * 0.9
            or not 0 < args.seconds <= 3600):
        parser.error("need --proposals ≥ 20, --users ≥ 10, 0 ≤ --supports ≤ 90 % of proposals × users and "
                     "0 < --seconds ≤ 3600")
    return args


def main(argv=None):
    args = parse_args(argv)
    warnings.filterwarnings("ignore", message=".*CACHE_TYPE is set to NullCache.*")
    os.environ.pop("REDIS_URL", None)
    workdir = tempfile.mkdtemp(prefix="beteiligung-bench-")
    try:
        t0 = time.perf_counter()
        database_url = create_database(args.db, workdir, args.pg_url, PG_DATABASE)
        run_migrations(database_url)
        t1 = time.perf_counter()
        data = load_data(database_url, args.proposals, args.supports, args.users, args.seed)
        t2 = time.perf_counter()
        print(f"database {args.db}: migrated in {t1 - t0:.1f} s; loaded {data['proposals']} proposals and "
              f"{data['supports']} supports in {t2 - t1:.1f} s", flush=True)
        endpoints = count_and_measure(database_url, paths_for(data["big"]), paths_for(data["small"]), args.seconds,
                                      args.show_sql, data["published"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        drop_database(args.db, args.pg_url, PG_DATABASE)
    queries_ok = all(row["queries"] <= TARGET_MAX_QUERIES and row["queries"] == row["queries_small"]
                     for row in endpoints.values())
    results = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "db": args.db, "seconds": args.seconds,
               "cpus": os.cpu_count(), "python": platform.python_version(), "data": data, "endpoints": endpoints,
               "queries_ok": queries_ok}
    report(results)
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
