"""A worker's resident memory with many consultations and busy polls in the in-process cache.

    .venv/bin/python benchmarks/memory.py [--db sqlite|postgresql] [--consultations 1000] [--polls 100]
        [--ballots 2000] [--passes 2] [--quick] [--json FILE]

What it does, in one run (benchmarks/README.md, section "Speicher", has the details):

1. creates a fresh database (an SQLite file in a temporary folder, or the PostgreSQL database
   `beteiligung_bench_memory`, dropped and created again, and dropped at the end), applies the migrations
   and loads, with bulk inserts: --consultations published consultations (the text of comments_page.py,
   three sections each) with a few comments and replies each, and --polls open surveys (the five
   SAMPLE_QUESTIONS, results visible while open) with --ballots ballots each; afterwards the polls'
   tallies are recounted when the app has them (beteiligung.polls.services.tallies);
2. serves the real app (`wsgi:app`, in-process cache, no REDIS_URL) with gunicorn, 2 sync workers, and
   requests, --passes times, 4 at a time: every consultation page (newest, ?sort=top, ?page=2), its
   comments API (the same three), every poll page, its results page and its results API;
3. reads each worker's VmRSS and VmHWM from /proc/<pid>/status (the workers are the gunicorn master's
   children), before and after the requests; the number and size of the entries in each worker's cache
   are written by a gunicorn hook when the worker stops;
4. does the same for a bare Flask "hello world" (the baseline) and prints the goal (issue 14, goal 6):
   every worker under 150 MB.

It is a measurement, not a test: the exit code is 0 whether or not the goal is met.
"""

import argparse
import concurrent.futures
import contextlib
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402  (benchmarks/harness.py: setup, seeding, timing, printing)
from harness import HOST, PG_DEFAULT_URL, ROOT  # noqa: E402

PG_DATABASE = "beteiligung_bench_memory"
TARGET_MIB = 150e6 / 2**20  # resident memory of one worker: 150 MB (issue 14, goal 6) = 143.1 MiB
CONCURRENCY = 4
AUTHORS = 200

# A gunicorn config file: when a worker stops, it writes what its cache holds to STATS_DIR/<pid>.json.
GUNICORN_HOOKS = '''\
"""gunicorn hooks of benchmarks/memory.py: each worker reports its cache when it stops."""

import json
import os


def worker_exit(server, worker):
    from beteiligung.extensions import cache

    app = worker.wsgi
    backend = app.extensions["cache"][cache]
    store = getattr(backend, "_cache", None)
    stats = {"pid": os.getpid(), "backend": type(backend).__name__, "config": {
        key: app.config.get(key) for key in ("CACHE_TYPE", "CACHE_THRESHOLD", "CACHE_MAX_BYTES")}}
    if isinstance(store, dict):
        stats["entries"] = len(store)
        stats["bytes"] = sum(len(item[1]) for item in store.values()
                             if isinstance(item, tuple) and isinstance(item[1], (bytes, str)))
        kinds = {}
        for key in store:
            kind = key.removeprefix(app.config.get("CACHE_KEY_PREFIX") or "").split(":")[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        stats["kinds"] = kinds
    with open(os.path.join(os.environ["BENCH_STATS_DIR"], f"{os.getpid()}.json"), "w") as f:
        json.dump(stats, f)
'''


def load_data(database_url, args):
    """The consultations with their comments, the surveys with their ballots; returns ids and counts."""
    import comments_page
    from poll_results import answer_cells
    from sqlalchemy import func, select, update

    from beteiligung.accounts.models import User
    from beteiligung.comments.models import Comment
    from beteiligung.consultations.models import Consultation
    from beteiligung.consultations.services import sync_sections
    from beteiligung.extensions import db
    from beteiligung.polls.models import Answer, Ballot, Poll
    from beteiligung.polls.services import build_questions
    from beteiligung.testing.fixtures import SAMPLE_QUESTIONS
    from beteiligung.timeutil import utcnow

    rng = random.Random(args.seed)
    app = harness.make_app(database_url)
    timings = {}
    with app.app_context():
        session = db.session
        now = utcnow()
        started = now - timedelta(days=20)
        region, moderator = harness.seed_region()
        session.flush()

        # Accounts: the authors of the comments and one ballot each in every survey.
        t0 = time.perf_counter()
        n_users = max(AUTHORS, args.ballots)
        first_user = harness.next_id(session, User.__table__)
        user_ids = list(range(first_user, first_user + n_users))
        harness.bulk_insert(session, User.__table__,
                            ("id", "email", "pseudonym", "pseudonym_key", "password_hash", "role",
                             "terms_accepted_at", "email_confirmed_at", "created_at"),
                            ((uid, f"person{uid}@example.org", f"Teilnehmende {uid}", f"teilnehmende {uid}",
                              "!benchmark-no-login", "citizen", started, started, started) for uid in user_ids))
        timings["users"] = time.perf_counter() - t0

        # Consultations (the ORM: sections and the rendered introduction), then their comments in bulk.
        t0 = time.perf_counter()
        consultations = []
        for i in range(args.consultations):
            place = comments_page.PLACES[i % len(comments_page.PLACES)]
            c = Consultation(region=region, title=f"{comments_page.CONSULTATION_TITLE} ({place}, Nr. {i + 1})",
                             summary=comments_page.CONSULTATION_SUMMARY, body=comments_page.CONSULTATION_BODY,
                             published=True, opens_at=started, closes_at=now + timedelta(days=30),
                             created_by_id=moderator.id, created_at=started - timedelta(days=1))
            session.add(c)
            sync_sections(c)
            consultations.append(c)
        session.flush()
        consultation_ids = [c.id for c in consultations]
        names = list(comments_page.FIRST_NAMES)
        next_comment = harness.next_id(session, Comment.__table__)
        rows, counts = [], {}
        for cid in consultation_ids:
            tops = []
            for _ in range(rng.randint(max(1, args.comments - 2), args.comments + 2)):
                depth_one = bool(tops) and rng.random() < 0.35
                parent = rng.choice(tops) if depth_one else None
                created = started + timedelta(minutes=rng.uniform(0, 20 * 24 * 60))
                rows.append((next_comment, cid, parent, parent, 1 if depth_one else 0, rng.choice(user_ids[:AUTHORS]),
                             comments_page.comment_body(rng, names, reply=depth_one), "visible", False, 0, 0, 0,
                             created))
                if not depth_one:
                    tops.append(next_comment)
                counts[cid] = counts.get(cid, 0) + 1
                next_comment += 1
        # Parents first (a reply's parent has a smaller id): one COPY / executemany in id order.
        harness.bulk_insert(session, Comment.__table__,
                            ("id", "consultation_id", "parent_id", "root_id", "depth", "author_id", "body", "status",
                             "official", "upvotes", "downvotes", "score", "created_at"), rows)
        for cid, count in counts.items():
            session.execute(update(Consultation).where(Consultation.id == cid)
                            .values(comment_count=count, revision=Consultation.revision + 1))
        n_comments = len(rows)
        del rows
        timings["consultations"] = time.perf_counter() - t0

        # Surveys, results visible while open, and their ballots.
        t0 = time.perf_counter()
        polls = []
        for i in range(args.polls):
            errors = {}
            questions = build_questions(region, SAMPLE_QUESTIONS, errors)
            if errors:
                raise RuntimeError(f"SAMPLE_QUESTIONS are not valid: {errors}")
            poll = Poll(region=region, kind="survey", title=f"Mobilität in der Innenstadt, Befragung {i + 1}",
                        description="Ihre Meinung zählt.", audience="accounts", results_visibility="live",
                        state="open", opens_at=started, opened_at=started, closes_at=now + timedelta(days=14),
                        created_by_id=moderator.id, created_at=started - timedelta(days=1))
            poll.questions = questions
            session.add(poll)
            polls.append(poll)
        session.flush()
        next_ballot = harness.next_id(session, Ballot.__table__)
        span = (now - started).total_seconds()
        ballots, answers = [], []
        for poll in polls:
            q = {question.type: question for question in poll.questions}
            for user_id in user_ids[:args.ballots]:
                ballots.append((next_ballot, poll.id, user_id, started + timedelta(seconds=rng.uniform(0, span))))
                answers.extend((next_ballot, poll.id, *cell) for cell in answer_cells(rng, q))
                next_ballot += 1
        harness.bulk_insert(session, Ballot.__table__, ("id", "poll_id", "user_id", "created_at"), ballots)
        n_answers = harness.bulk_insert(session, Answer.__table__, ("ballot_id", "poll_id", "question_id", "seq",
                                                                    "option_id", "number", "text"), answers)
        if "ballot_count" in Poll.__table__.c:  # before the tally tables (else recount() below counts them)
            session.execute(update(Poll).where(Poll.id.in_([p.id for p in polls])).values(ballot_count=args.ballots))
        n_ballots = len(ballots)
        del ballots, answers
        harness.fix_sequences(session, ("users", "comments", "ballots"))
        session.commit()
        timings["polls"] = time.perf_counter() - t0

        # After 2026-11-26 the results come from tally tables: recount them from the bulk-loaded ballots.
        t0 = time.perf_counter()
        try:
            from beteiligung.polls.services.tallies import recount
        except ImportError:
            recount = None
        if recount is not None:
            for poll in session.scalars(select(Poll).where(Poll.kind == "survey")):
                recount(poll)
            session.commit()
            timings["recount"] = time.perf_counter() - t0
        poll_ids = [p.id for p in polls]
        stored = session.scalar(select(func.count()).select_from(Comment))
        if stored != n_comments:
            raise RuntimeError(f"stored {stored} comments, generated {n_comments}")
        session.remove()
        db.engine.dispose()
    return {"consultations": consultation_ids, "polls": poll_ids, "comments": n_comments, "ballots": n_ballots,
            "answers": n_answers, "users": n_users, "recounted": recount is not None, "timings": timings}


def paths_of(loaded):
    paths = []
    for cid in loaded["consultations"]:
        for query in ("", "?sort=top", "?page=2"):
            paths.append(f"/beteiligungen/{cid}{query}")
            paths.append(f"/api/v1/consultations/{cid}/comments{query}")
    for pid in loaded["polls"]:
        paths += [f"/umfragen/{pid}", f"/umfragen/{pid}/ergebnisse", f"/api/v1/polls/{pid}/results"]
    return paths


def request_all(server, paths, passes):
    """Every path, `passes` times, CONCURRENCY at a time; {status: count}."""
    statuses = {}

    def get(path):
        return harness.http_request(server.port, "GET", path, timeout=60)[0]

    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        for _ in range(passes):
            for status in pool.map(get, paths):
                statuses[status] = statuses.get(status, 0) + 1
    return statuses


def workers_memory(server):
    return {pid: harness.memory_mib(pid) for pid in server.worker_pids()}


def report(results):
    data = results["data"]
    print()
    print(f"Memory — {results['db']}: {data['consultations']:,} consultations with {data['comments']:,} comments, "
          f"{data['polls']} open surveys with {data['ballots']:,} ballots ({data['answers']:,} answer rows); "
          f"gunicorn {harness.WORKERS} sync workers on {HOST}, in-process cache ({results['cache_type']}); "
          f"{results['requests']:,} GETs ({results['passes']} passes, {CONCURRENCY} at a time); "
          f"{results['cpus']} CPUs, Python {results['python']}")
    print()
    print("| worker | RSS MiB after start | RSS MiB after the requests | peak (VmHWM) MiB | cache entries | "
          "cache MiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for row in results["workers"]:
        entries = "?" if row.get("entries") is None else f"{row['entries']:,}"
        cache_mib = "?" if row.get("cache_bytes") is None else f"{row['cache_bytes'] / 2**20:.1f}"
        print(f"| Beteiligung {row['pid']} | {row['rss_start']:.1f} | {row['rss']:.1f} | {row['hwm']:.1f} | "
              f"{entries} | {cache_mib} |")
    for row in results["hello_workers"]:
        print(f"| hello world {row['pid']} | {row['rss_start']:.1f} | {row['rss']:.1f} | {row['hwm']:.1f} | – | – |")
    print()
    print("answers: " + ", ".join(f"{count:,} × {status}" for status, count in sorted(results["statuses"].items())))
    print(f"other processes used {results['other_cpu']:.0%} of the CPU time during the requests")
    for g in results["goals"]:
        met = {True: "met", False: "NOT MET", None: "–"}[g["met"]]
        print(f"goal {g['goal']}: {g['name']}: {g['measured']} (target {g['target']}): {met}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--quick", action="store_true",
                        help="small: 50 consultations, 5 surveys with 100 ballots, one pass")
    parser.add_argument("--consultations", type=int, help="published consultations (default 1000; --quick 50)")
    parser.add_argument("--comments", type=int, default=6, help="comments per consultation, about (default 6)")
    parser.add_argument("--polls", type=int, help="open surveys with live results (default 100; --quick 5)")
    parser.add_argument("--ballots", type=int, help="ballots per survey (default 2000; --quick 100)")
    parser.add_argument("--passes", type=int, help="how often every path is requested (default 2; --quick 1)")
    parser.add_argument("--cache-type", help="CACHE_TYPE of the server (default: as configured), e.g. SimpleCache "
                                             "to compare with the cache bounded by the number of entries only")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT_URL),
                        help=f"PostgreSQL server for --db postgresql (default {PG_DEFAULT_URL}); the database "
                             f"{PG_DATABASE} on it is dropped, created and dropped again at the end")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed of the generated data")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args(argv)
    args.consultations = args.consultations or (50 if args.quick else 1000)
    args.polls = args.polls or (5 if args.quick else 100)
    args.ballots = args.ballots or (100 if args.quick else 2000)
    args.passes = args.passes or (1 if args.quick else 2)
    if (not 1 <= args.consultations <= 100_000 or not 1 <= args.comments <= 1000 or not 0 <= args.polls <= 10_000
            or not 5 <= args.ballots <= 1_000_000 or not 1 <= args.passes <= 20):
        parser.error("need 1 ≤ --consultations ≤ 100000, 1 ≤ --comments ≤ 1000, 0 ≤ --polls ≤ 10000, "
                     "5 ≤ --ballots ≤ 1000000, 1 ≤ --passes ≤ 20")
    return args


def _rows(before, after, stats=None):
    rows = []
    for pid, memory in after.items():
        if memory is None:
            continue
        start = before.get(pid) or memory
        row = {"pid": pid, "rss_start": start["rss"], "rss": memory["rss"], "hwm": memory["hwm"]}
        if stats and pid in stats:
            row.update(entries=stats[pid].get("entries"), cache_bytes=stats[pid].get("bytes"),
                       cache_kinds=stats[pid].get("kinds"), backend=stats[pid].get("backend"))
        rows.append(row)
    return rows


def main(argv=None):
    args = parse_args(argv)
    os.environ.pop("REDIS_URL", None)  # the in-process cache, as without Redis
    also_ours = harness.local_postgres(args.db, args.pg_url)
    workdir = tempfile.mkdtemp(prefix="beteiligung-bench-memory-")
    stats_dir = Path(workdir) / "stats"
    stats_dir.mkdir()
    servers, created_db = [], False
    try:
        t0 = time.perf_counter()
        database_url = harness.create_database(args.db, workdir, args.pg_url, PG_DATABASE, "bench-memory.db")
        created_db = True
        harness.run_migrations(database_url)
        loaded = load_data(database_url, args)
        print(f"database {args.db}: {len(loaded['consultations']):,} consultations, {loaded['comments']:,} "
              f"comments, {len(loaded['polls'])} surveys with {loaded['ballots']:,} ballots in "
              f"{time.perf_counter() - t0:.1f} s" + (" (tallies recounted)" if loaded["recounted"] else ""))

        apps_dir = Path(workdir) / "apps"
        apps_dir.mkdir()
        (apps_dir / "hello_app.py").write_text(harness.HELLO_APP)
        (apps_dir / "gunicorn_hooks.py").write_text(GUNICORN_HOOKS)
        env = harness.server_env(database_url, pythonpath=apps_dir)
        env["BENCH_STATS_DIR"] = str(stats_dir)
        if args.cache_type:
            env["CACHE_TYPE"] = args.cache_type  # config.from_environment reads it

        hello = harness.Server("hello", "hello_app:app", apps_dir, env, workdir)
        servers.append(hello)
        hello.wait_ready("/")
        hello_before = workers_memory(hello)
        for _ in range(200):
            harness.http_get(hello.port, "/")
        hello_rows = _rows(hello_before, workers_memory(hello))
        hello.stop()
        servers.remove(hello)

        server = harness.Server("beteiligung-memory", "wsgi:app", ROOT, env, workdir,
                                extra_args=("--config", "python:gunicorn_hooks"))
        servers.append(server)
        server.wait_ready("/")
        before = workers_memory(server)
        paths = paths_of(loaded)
        meter = harness.CpuMeter(also_ours)
        meter.start()
        t1 = time.perf_counter()
        statuses = request_all(server, paths, args.passes)
        seconds = time.perf_counter() - t1
        other_cpu = meter.other_share()
        after = workers_memory(server)
        server_log = server.log_tail(1_000_000)
        server.stop()
        servers.remove(server)
        stats = {}
        for file in stats_dir.glob("*.json"):
            entry = json.loads(file.read_text())
            stats[entry["pid"]] = entry
    finally:
        for running in servers:
            running.stop()
        if created_db:
            with contextlib.suppress(Exception):
                harness.drop_database(args.db, args.pg_url, PG_DATABASE)
        shutil.rmtree(workdir, ignore_errors=True)

    workers = _rows(before, after, stats)
    peak = max((row["rss"] for row in workers), default=float("nan"))
    hwm = max((row["hwm"] for row in workers), default=float("nan"))
    hello_rss = max((row["rss"] for row in hello_rows), default=float("nan"))
    entries = sum(row.get("entries") or 0 for row in workers)
    cache_type = next((entry["config"]["CACHE_TYPE"] for entry in stats.values()), "?")
    ok_requests = statuses.get(200, 0) == len(paths) * args.passes
    goals = [harness.goal(6, f"worker RSS, {len(loaded['consultations']):,} consultations and {len(loaded['polls'])} "
                             f"busy polls in the cache", f"< 150 MB ({TARGET_MIB:.1f} MiB) per worker, peak",
                          f"max {peak:.1f} MiB (peak {hwm:.1f}), hello world {hello_rss:.1f} MiB; {entries:,} cache "
                          f"entries in {len(workers)} workers", (hwm < TARGET_MIB) if ok_requests else None)]
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "db": args.db, "workers_count": harness.WORKERS,
        "cpus": os.cpu_count(), "python": platform.python_version(), "passes": args.passes,
        "requests": len(paths) * args.passes, "seconds": seconds, "statuses": statuses, "cache_type": cache_type,
        "data": {"consultations": len(loaded["consultations"]), "comments": loaded["comments"],
                 "polls": len(loaded["polls"]), "ballots": loaded["ballots"], "answers": loaded["answers"],
                 "timings": loaded["timings"], "recounted": loaded["recounted"]},
        "workers": workers, "hello_workers": hello_rows, "max_rss_mib": peak, "max_hwm_mib": hwm,
        "hello_rss_mib": hello_rss, "cache_entries": entries, "other_cpu": other_cpu or 0.0,
        "server_errors": server_log.count("Traceback"), "goals": goals,
    }
    report(results)
    harness.write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
