"""Requests per second and SQL queries of a proposal collection with 10,000 proposals and 100,000 supports:
its list pages (anonymous and signed in) and the search over its proposals.

    .venv/bin/python benchmarks/proposals_list.py [--db sqlite|postgresql] [--seconds N] [--proposals 10000]
        [--supports 100000] [--users 500] [--only PREFIX] [--json FILE] [--show-sql]

What it does, in one run (benchmarks/README.md has the details):

1. creates a fresh database (an SQLite file in a temporary folder, or the PostgreSQL database
   `beteiligung_bench_proposals`, dropped and created again), applies the migrations with
   `flask --app wsgi db upgrade` and loads one open collection with 10,000 proposals (2 % hidden,
   1 % waiting for release, every official status; German titles and bodies of a few sentences) and
   100,000 supports by 500 accounts (skewed: a few proposals gather many, most few; ``support_count``
   agrees with the rows, as the services keep it), and a second collection with 10 proposals, with
   bulk inserts. One of the accounts, the signed-in visitor, supports about a quarter of the
   proposals that have supports;
2. counts the SQL statements of one request, in process, for both collections (or, for the search, a
   query with hundreds of hits and one with at most 10): the count must not grow with the number of
   proposals, and stay within the comments page's budget (10). The requests: the collection page and
   the proposals API list for each sort (newest, supported, random), anonymous and signed in (the
   page by the session cookie of a real log-in, the API by a bearer token: both show which proposals
   the visitor supports); the search page ``/suche?q=…`` and ``/api/v1/search?q=…``, without and with
   filters (region, kind, status, all three);
3. measures requests per second and p50/p99 latency of each of those requests in process with the
   Flask test client (one thread, the rendering cache off: every request is a cache miss), N seconds
   each. The random order's cookie is kept, as a browser does.

Every counted response is checked: the API's total is the number of published proposals, the page
lists 20, the visitor's supports are marked exactly on the proposals they support, the search finds
exactly the published proposals whose text has the word(s).

It is a measurement, not a test: the exit code is 0 whether or not the targets are met (and
non-zero only when the benchmark itself could not run).
"""

import argparse
import os
import platform
import random
import re
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
# Sentences of the bodies besides the one naming two WORDS; none has a word that the searched words
# (SEARCH_WORD, SEARCH_PLACE, SMALL_WORD) begin with.
SENTENCES = ("Gerade am Abend ist es dort unübersichtlich, und viele Nachbarinnen und Nachbarn meiden die Strecke.",
             "Die Kosten wären überschaubar, wenn die Stadt vorhandene Mittel aus dem Haushalt nutzt.",
             "Ältere Menschen und Familien mit Kindern würden besonders davon profitieren.",
             "Man könnte es zuerst ein halbes Jahr lang ausprobieren und danach gemeinsam auswerten.",
             "In anderen Städten im Ruhrgebiet funktioniert das schon seit Jahren gut.",
             "Wir sind gerne bereit, uns ehrenamtlich daran zu beteiligen.",
             "Bei der letzten Versammlung im Stadtteil haben viele Leute danach gefragt.")
VISITOR_SHARE = 0.25  # the signed-in visitor supports about a quarter of the proposals that have supports
SEARCH_WORD, SEARCH_PLACE = "Radweg", "Buer"  # hundreds of hits among 10,000 proposals
SMALL_WORD = "Stadtpark"  # only in the titles of the small collection: at most 10 hits
SEARCH_FILTERS = (("", ""), ("region", "region=gelsenkirchen"), ("kind", "kind=proposal"),
                  ("status", "status=open"), ("all filters", "region=gelsenkirchen&kind=proposal&status=open"))
SUPPORTED_MARK = "Sie unterstützen diesen Vorschlag"
HIT_MARK = '<article class="card search-hit">'


def words_of(text):
    return set(re.findall(r"[^\W_]+", text.lower()))


def load_data(database_url, n_proposals, n_supports, n_users, seed):
    """Region, users, the big and the small collection; returns a description of what was loaded."""
    from sqlalchemy import func, select, text

    from beteiligung.accounts.services import issue_token, register_user
    from beteiligung.extensions import db
    from beteiligung.proposals.models import Proposal, ProposalCollection, ProposalSupport
    from beteiligung.timeutil import utcnow

    rng = random.Random(seed)
    visitor_rng = random.Random(seed + 1)  # the visitor's choice, apart: the rest of the data stays the same
    app = make_app(database_url, PASSWORD_HASH_FAST=True)
    with app.app_context():
        now = utcnow()
        region, moderator = seed_region()
        users = [register_user(f"person{i}@example.org", "benchmark-geheim-42", f"Person {i}", accepted_terms=True)
                 for i in range(n_users)]
        db.session.flush()
        user_ids = [u.id for u in users]
        visitor = users[0]  # the signed-in visitor: person0@example.org

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
        rows, supports, visitor_supports = [], [], set()

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
                body = " ".join([f"Wir brauchen mehr {word} und eine bessere {other} in unserem Viertel."]
                                + rng.sample(SENTENCES, rng.randint(1, 4)))
                where = f"im {SMALL_WORD}" if cid == small.id else f"für {rng.choice(PLACES) or 'alle'}"
                created = now - timedelta(minutes=rng.randrange(60 * 24 * 59))
                answer = "Danke, wir prüfen das." if status != "submitted" else ""
                supporters = rng.sample(user_ids, support_counts[i])
                if supporters and visitor_rng.random() < VISITOR_SHARE and visitor.id not in supporters:
                    supporters[0] = visitor.id
                if visitor.id in supporters:
                    visitor_supports.add(pid)
                rows.append((pid, cid, rng.choice(user_ids), f"{word} {where} Nr. {i}",
                             body, f"<p>{body}</p>", rng.choice(CATEGORIES), rng.choice(PLACES), state, status,
                             answer, f"<p>{answer}</p>" if answer else "", len(supporters), created, created))
                supports.extend((pid, uid, created) for uid in supporters)
        bulk_insert(db.session, proposal_table, columns, rows)
        bulk_insert(db.session, support_table, ("proposal_id", "user_id", "created_at"), supports)
        fix_sequences(db.session, [proposal_table.name])
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        token = issue_token(visitor, days=1)
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
                  "max_supports": max(counts), "users": n_users,
                  "visitor_supports": len(visitor_supports),
                  # What the search must find: the published proposals (both collections are open, of the one
                  # region) whose title or body has the word(s).
                  "hits": {query: sum(1 for r in rows if r[8] == "published"
                                      and set(query.lower().split()) <= words_of(r[3] + " " + r[4]))
                           for query in (SEARCH_WORD, f"{SEARCH_WORD} {SEARCH_PLACE}", SMALL_WORD)}}
        secrets = {"visitor_email": visitor.email, "visitor_supports": visitor_supports, "token": token}
        db.session.remove()
        db.engine.dispose()
    return result, secrets


def requests_for(data):
    """The measured requests, in order: lists (anonymous, then signed in), then the search. Each is a dict:
    key, path, small (its counterpart with 10 proposals or at most 10 hits), who ("anonymous", "session"
    or "token") and expect (what its response must show, see check())."""
    big, small, published = data["big"], data["small"], data["published"]
    benches = []
    for suffix in ("", " (signed in)"):
        for sort in SORTS:
            benches.append(dict(key=f"page {sort}{suffix}", who="session" if suffix else "anonymous",
                                 path=f"/vorschlagssammlungen/{big}?sort={sort}",
                                 small=f"/vorschlagssammlungen/{small}?sort={sort}", expect=("list page", None)))
        for sort in SORTS:
            benches.append(dict(key=f"API {sort}{suffix}", who="token" if suffix else "anonymous",
                                 path=f"/api/v1/proposals?collection={big}&sort={sort}&seed=7",
                                 small=f"/api/v1/proposals?collection={small}&sort={sort}&seed=7",
                                 expect=("list API", published)))
    for query, label in ((SEARCH_WORD, "search"), (f"{SEARCH_WORD} {SEARCH_PLACE}", "search 2 words")):
        for name, condition in SEARCH_FILTERS:
            if label == "search 2 words" and name:
                continue  # the filters once, with the one-word query
            extra = f"&{condition}" if condition else ""
            q = query.replace(" ", "+")
            for where, prefix, short in (("search page", "/suche", "page"), ("search API", "/api/v1/search", "API")):
                benches.append(dict(key=f"{label}{' ' + name if name else ''} {short}", who="anonymous",
                                     path=f"{prefix}?q={q}{extra}", small=f"{prefix}?q={SMALL_WORD}{extra}",
                                     expect=(where, data["hits"][query], data["hits"][SMALL_WORD])))
    return benches


def log_in(client, email):
    """Log in as a browser does: the form's CSRF token, then the POST; the session cookie stays in the client."""
    form = client.get("/konto/anmelden").get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    if match is None:
        raise RuntimeError("no CSRF token in the log-in form")
    response = client.post("/konto/anmelden", data={"csrf_token": match.group(1), "email": email,
                                                    "password": "benchmark-geheim-42"})
    if response.status_code != 303:
        raise RuntimeError(f"log-in answered {response.status_code}")


def check(bench, label, response, secrets):
    """Raise unless the response shows what it must (``label``: "big" or "small"); returns how many
    proposals of a list are marked as supported by the visitor (None for the search)."""
    path = bench["path"] if label == "big" else bench["small"]
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    kind, *expected = bench["expect"]
    signed_in = bench["who"] != "anonymous"
    supported = secrets["visitor_supports"]
    if kind == "list page":
        html = response.get_data(as_text=True)
        ids = list(dict.fromkeys(int(i) for i in re.findall(r'href="/vorschlaege/(\d+)"', html)))
        if label == "big" and len(ids) != 20:
            raise RuntimeError(f"GET {path}: {len(ids)} proposals linked on the page, expected 20")
        marked, wanted = html.count(SUPPORTED_MARK), sum(1 for i in ids if i in supported) if signed_in else 0
        if marked != wanted:
            raise RuntimeError(f"GET {path}: {marked} proposals marked as supported, expected {wanted}")
        return marked
    elif kind == "list API":
        body = response.get_json()
        if label == "big" and (body["total"] != expected[0] or len(body["items"]) != 20):
            raise RuntimeError(f"GET {path}: total {body['total']} and {len(body['items'])} items, "
                               f"expected {expected[0]} and 20")
        flags = [item.get("supported") for item in body["items"]]  # absent for anonymous visitors
        wanted = [item["id"] in supported for item in body["items"]] if signed_in else [None] * len(flags)
        if flags != wanted:
            raise RuntimeError(f"GET {path}: supported flags {flags}, expected {wanted}")
        return sum(1 for flag in flags if flag)
    else:
        total = expected[0] if label == "big" else expected[1]
        if kind == "search page":
            html = response.get_data(as_text=True)
            shown, found = html.count(HIT_MARK), re.search(r"(\d+) Treffer", html)
            found = int(found.group(1)) if found else None
        else:
            body = response.get_json()
            shown, found = len(body["items"]), body["total"]
            if any(item["kind"] != "proposal" for item in body["items"]):
                raise RuntimeError(f"GET {path}: a hit that is no proposal")
        if found != total or shown != min(20, total):
            raise RuntimeError(f"GET {path}: {found} hits ({shown} shown), expected {total} ({min(20, total)} shown)")
    return None


def count_and_measure(database_url, benches, seconds, show_sql, secrets):
    """{key: {path, who, queries, queries_small, supported_shown, rps, p50_ms, p99_ms, requests}} in process,
    the cache off; every counted response checked by check()."""
    app = make_app(database_url, RATELIMIT_ENABLED=False, **NO_CACHE)
    engine = app_engine(app)
    results = {}
    try:
        for bench in benches:
            client = app.test_client()  # its own cookies (the random order's seed, the session): one visitor
            headers = {"Authorization": f"Bearer {secrets['token']}"} if bench["who"] == "token" else {}
            if bench["who"] == "session":
                log_in(client, secrets["visitor_email"])
            path = bench["path"]
            with QueryLog(engine) as log:
                counted, marked = {}, {}
                for label, p in (("big", path), ("small", bench["small"])):
                    client.get(p, headers=headers)  # warm-up: templates compiled, a connection in the pool
                    log.clear()
                    response = client.get(p, headers=headers)
                    counted[label] = list(log.entries)  # (statement, parameters, seconds)
                    marked[label] = check(bench, label, response, secrets)
            if show_sql:
                for label, p in (("big", path), ("small", bench["small"])):
                    print(f"\n--- {len(counted[label])} statements for GET {p} ({bench['who']}) ---")
                    for statement, _parameters, took in counted[label]:
                        print(f"  {took * 1000:7.2f} ms  {' '.join(statement.split())[:300]}")
            for _ in range(20):
                client.get(path, headers=headers)
            latencies = []
            started = time.perf_counter()
            while time.perf_counter() - started < seconds:
                t = time.perf_counter()
                response = client.get(path, headers=headers)
                latencies.append((time.perf_counter() - t) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {path} answered {response.status_code} while measured")
            elapsed = time.perf_counter() - started
            results[bench["key"]] = {"path": path, "who": bench["who"], "queries": len(counted["big"]),
                                     "queries_small": len(counted["small"]), "supported_shown": marked["big"],
                                     "rps": len(latencies) / elapsed,
                                     "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99),
                                     "requests": len(latencies)}
            print(f"  {bench['key']:<30} {results[bench['key']]['rps']:8.1f} requests/s", flush=True)
    finally:
        engine.dispose()
    signed_in = [row["supported_shown"] for row in results.values() if row["who"] != "anonymous"]
    if signed_in and not any(signed_in):
        raise RuntimeError("no signed-in list marked a proposal as supported: nothing was shown to count")
    return results


def report(results):
    data = results["data"]
    print()
    print(f"Beteiligung proposals benchmark — {results['db']}, {data['proposals']} proposals "
          f"({data['published']} published) with {data['supports']} supports by {data['users']} accounts "
          f"(at most {data['max_supports']} on one; the signed-in visitor supports {data['visitor_supports']}); "
          f"20 per page; search hits: " + ", ".join(f"{q!r} {n}" for q, n in data["hits"].items()))
    print(f"in process (Flask test client, 1 thread, cache off), {results['seconds']:g} s per request; "
          f"{results['cpus']} CPUs, Python {results['python']}")
    print()
    header = (f"{'request':<30} {'path':<72} {'rps':>7} {'p50 ms':>7} {'p99 ms':>7} {'queries':>7} "
              f"{'small':>5} {'budget':>6}")
    print(header)
    print("-" * len(header))
    for key, row in results["endpoints"].items():
        within = "ok" if row["queries"] <= TARGET_MAX_QUERIES else "OVER"
        grows = "" if row["queries"] == row["queries_small"] else " ≠"
        print(f"{key:<30} {row['path']:<72} {row['rps']:>7.1f} {row['p50_ms']:>7.2f} {row['p99_ms']:>7.2f} "
              f"{row['queries']:>7} {row['queries_small']:>5}{grows} {within:>6}")
    print()
    shown = [f"{key} {row['supported_shown']}" for key, row in results["endpoints"].items()
             if row["who"] != "anonymous"]
    if shown:
        print("proposals marked as the visitor's on the signed-in lists (of 20, checked against the supports): "
              + ", ".join(shown))
    print(f"queries: SQL statements of one request with {data['proposals']} proposals (search: "
          f"{data['hits'][SEARCH_WORD]} or {data['hits'][f'{SEARCH_WORD} {SEARCH_PLACE}']} hits); small: the same "
          f"request with 10 proposals (search: {data['hits'][SMALL_WORD]} hits); ≠ marks a difference")
    print(f"Target: ≤ {TARGET_MAX_QUERIES} queries per request and the same count with 10 proposals: "
          f"{verdict(results['queries_ok'])}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each measurement (default 5)")
    parser.add_argument("--proposals", type=int, default=10_000, help="proposals of the big collection (10000)")
    parser.add_argument("--supports", type=int, default=100_000, help="supports of its proposals (100000)")
    parser.add_argument("--users", type=int, default=500, help="accounts that propose and support (default 500)")
    parser.add_argument("--only", metavar="PREFIX", action="append",
                        help="only the requests whose name begins with PREFIX (\"page\", \"API\", \"search\"; "
                             "repeatable); default all")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT_URL),
                        help=f"PostgreSQL server for --db postgresql (default {PG_DEFAULT_URL}); the database "
                             f"{PG_DATABASE} on it is dropped and created again, and dropped afterwards")
    parser.add_argument("--seed", type=int, default=20261126, help="random seed of the generated data")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument("--show-sql", action="store_true",
                        help="print the SQL statements of each counted request, with their time")
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
        data, secrets = load_data(database_url, args.proposals, args.supports, args.users, args.seed)
        t2 = time.perf_counter()
        print(f"database {args.db}: migrated in {t1 - t0:.1f} s; loaded {data['proposals']} proposals and "
              f"{data['supports']} supports in {t2 - t1:.1f} s", flush=True)
        benches = [b for b in requests_for(data)
                   if not args.only or any(b["key"].startswith(prefix) for prefix in args.only)]
        if not benches:
            raise SystemExit(f"no request begins with {' or '.join(args.only)}")
        endpoints = count_and_measure(database_url, benches, args.seconds, args.show_sql, secrets)
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
