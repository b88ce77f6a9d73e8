"""Poll results and ballot submission: a survey with 1,000,000 ballots, a ranking of 1,000,000 comparisons.

    .venv/bin/python benchmarks/poll_results.py [--db sqlite|postgresql] [--seconds N] [--ballots 1000000]
        [--comparisons 1000000] [--problems 50] [--calls 20] [--json FILE] [--generator auto|wrk|python]
        [--explain] [--keep]

What it does, in one run (benchmarks/README.md, section "Umfragen / polls", has the details):

1. creates a fresh database (an SQLite file in a temporary folder, or the PostgreSQL database
   `beteiligung_bench_polls`, dropped and created again, and dropped at the end unless --keep),
   applies the migrations with `flask --app wsgi db upgrade` and loads, with bulk inserts (COPY on
   PostgreSQL): 100,000 accounts; an open survey with the five SAMPLE_QUESTIONS of
   beteiligung/testing/fixtures.py and one ballot of each account, with random but realistic
   answers (seeded); a problem-definition poll with 50 approved problems and 1,000,000 comparisons
   by 30 pairs per participant, drawn from known strengths (about 5 % "can't decide"); a second,
   empty survey and API tokens for the ballot submissions. The bulk-loaded rows bypass the engine, so
   the tallies the results read are then counted with ``tallies.recount`` and spread over the shards
   as real ballots would have spread them;
2. times `GET /api/v1/polls/<id>/results` in process (Flask test client; median and p95 of
   --calls requests after a warm-up, the SQL statements per request and the time spent in them),
   for the survey (anonymous and as moderator, who also gets the written answers) and for the
   ranking, and `fit_bradley_terry` alone with timeit;
3. serves the real app (`wsgi:app`) with gunicorn, 2 sync workers on 127.0.0.1, and loads both
   results endpoints with wrk (or a small threaded Python client) for --seconds each;
4. submits ballots through the same server, every request with the token of a different account
   (a wrk Lua script, or the Python client), and checks afterwards that every 201 left exactly one
   ballot and that the tallied ballot count and cells agree with a full recount;
5. prints a markdown table with the goals of issue 14 marked met or not met: survey results computed
   anew under 50 ms at 1,000,000 ballots on PostgreSQL (200 ms on SQLite), the ranking under 50 ms at
   1,000,000 comparisons without the cache, at least 400 ballots/s with at most 6 SQL statements per
   ballot (and the Bradley–Terry fit for 50 problems under 50 ms).

It is a measurement, not a test: the exit code is 0 whether or not the targets are met (and
non-zero only when the benchmark itself could not run).
"""

import argparse
import contextlib
import hashlib
import http.client
import itertools
import json
import math
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import timeit
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402  (benchmarks/harness.py: setup, seeding, timing, counting, printing)
from harness import HOST, PG_DEFAULT_URL, ROOT, format_ms, percentile, verdict  # noqa: E402

PG_DATABASE = "beteiligung_bench_polls"
WARMUP_REQUESTS = 5  # before each load measurement (a results request takes a good part of a second)
IN_PROCESS_WARMUP = 3
PAIRS_PER_PARTICIPANT = 30  # the default POLL_PAIRS_PER_PARTICIPANT
TIE_SHARE = 0.05
WRK_TIMEOUT = 30  # seconds
SETTLE_SECONDS = 10.0  # after the submissions: how long to wait for requests still in flight

# The goals of issue 14 (judged on the in-process median of requests without the cache).
TARGET_RESULTS_MS = {"postgresql": 50.0, "sqlite": 200.0}  # GET results at 1,000,000 ballots
TARGET_RANKING_MS = 50.0  # GET ranking at 1,000,000 comparisons, uncached
TARGET_BALLOTS_PER_S = 400.0  # through gunicorn, 2 sync workers, PostgreSQL
TARGET_STATEMENTS = 6  # SQL statements per ballot
TARGET_FIT_MS = 50.0  # fit_bradley_terry for 50 problems (the median of timeit's repeats)


# --------------------------------------------------------------------------------------------
# Realistic answers
# --------------------------------------------------------------------------------------------

PLACES = ["Buer", "Horst", "Erle", "Hassel", "Resse", "Bismarck", "Schalke", "Ückendorf", "Rotthausen", "Scholven"]
OTHER_ANSWERS = ["E-Scooter", "Mitfahrgelegenheit", "Rufbus", "Taxi", "Lastenrad", "Ich arbeite von zu Hause"]
TEXT_SENTENCES = [
    "Die Busse nach {place} fahren abends viel zu selten.",
    "Bitte mehr sichere Abstellplätze für Fahrräder am Bahnhof.",
    "Das WLAN in der Bücherei bricht ständig ab.",
    "Die Terminbuchung im Bürgerbüro funktioniert auf dem Handy nicht.",
    "Ich wünsche mir, dass man den Wohnsitz komplett online ummelden kann.",
    "Die Ampelschaltung an der Hauptstraße in {place} ist für Fußgänger eine Zumutung.",
    "Danke für die Umfrage!",
    "Mehr Bänke und Schatten in der Innenstadt wären schön.",
    "Der Mängelmelder ist super, aber man bekommt nie eine Rückmeldung.",
    "Bitte an ältere Menschen ohne Smartphone denken.",
    "Parkausweise sollten sich digital verlängern lassen.",
    "Die Radwege in {place} enden einfach im Nichts.",
]
PROBLEM_SUBJECTS = ["Der Bus nach {place}", "Der Radweg in {place}", "Das Bürgerbüro in {place}",
                    "Die Beleuchtung in {place}", "Der Spielplatz in {place}"]
PROBLEM_FAULTS = ["fährt abends zu selten", "ist im Winter nicht geräumt", "hat zu kurze Öffnungszeiten",
                  "ist nachts zu dunkel", "ist nicht barrierefrei", "wird zu selten gereinigt",
                  "ist online nicht zu finden", "hat keine Sitzgelegenheiten", "ist zu laut", "ist zu weit weg"]


def answer_cells(rng, q):
    """[(question_id, seq, option_id, number, text)] of one random, valid ballot for SAMPLE_QUESTIONS."""
    cells = []
    single, multiple, scale, ranking, free = (q["single_choice"], q["multiple_choice"], q["scale"], q["ranking"],
                                              q["text"])
    # Single choice (required, "other" allowed): about 5 % write their own answer.
    if rng.random() < 0.05:
        cells.append((single.id, 0, None, None, rng.choice(OTHER_ANSWERS)))
    else:
        cells.append((single.id, 0, rng.choices(single.options, (0.34, 0.22, 0.28, 0.11))[0].id, None, None))
    # Multiple choice, 1 or 2 of 3 (85 % answer).
    if rng.random() < 0.85:
        chosen = rng.sample(multiple.options, 2 if rng.random() < 0.4 else 1)
        cells.extend((multiple.id, seq, option.id, None, None) for seq, option in enumerate(chosen))
    # Scale 1..5 (92 % answer).
    if rng.random() < 0.92:
        cells.append((scale.id, 0, None, rng.choices((1, 2, 3, 4, 5), (0.08, 0.14, 0.26, 0.32, 0.20))[0], None))
    # Ranking: the top 2 of 3 (75 % answer).
    if rng.random() < 0.75:
        first = rng.choices(ranking.options, (0.45, 0.2, 0.35))[0]
        second = rng.choice([option for option in ranking.options if option is not first])
        cells.append((ranking.id, 0, first.id, 1, None))
        cells.append((ranking.id, 1, second.id, 2, None))
    # Free text (22 % write something).
    if rng.random() < 0.22:
        sentences = rng.sample(TEXT_SENTENCES, rng.choice((1, 1, 2, 3)))
        cells.append((free.id, 0, None, None, " ".join(s.format(place=rng.choice(PLACES)) for s in sentences)))
    return cells


def ballot_json(rng, q):
    """The JSON body of one random ballot for the API (same distribution as answer_cells)."""
    answers = []
    for question_id, _seq, option_id, number, text in answer_cells(rng, q):
        question = next(question for question in q.values() if question.id == question_id)
        answers.append((question, option_id, number, text))
    body = {}
    for question, option_id, number, text in answers:
        if question.type == "single_choice":
            body[question.id] = {"other": text} if text else option_id
        elif question.type in ("multiple_choice", "ranking"):
            body.setdefault(question.id, []).append(option_id)
        elif question.type == "scale":
            body[question.id] = number
        else:
            body[question.id] = text
    return {"answers": [{"question_id": qid, "value": value} for qid, value in body.items()]}


# --------------------------------------------------------------------------------------------
# Database: create, migrate, load
# --------------------------------------------------------------------------------------------


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def spread_over_shards(session):
    """Split every recounted tally (all in shard 0) evenly over all shards, the totals unchanged."""
    from sqlalchemy import delete, insert, select

    from beteiligung.polls.models import PairTally, Tally
    from beteiligung.polls.services import tallies

    for model, shards, counters in ((Tally, tallies.TALLY_SHARDS, ("cells", "heads", "texts")),
                                    (PairTally, tallies.PAIR_SHARDS, ("first_wins", "second_wins", "ties"))):
        columns = [column.key for column in model.__table__.columns]
        rows = [dict(row._mapping) for row in session.execute(select(*model.__table__.columns))]
        session.execute(delete(model))
        spread = []
        for row in rows:
            for shard in range(shards):
                part = dict(row, shard=shard)
                for name in counters:
                    part[name] = row[name] // shards + (1 if shard < row[name] % shards else 0)
                spread.append({key: part[key] for key in columns})
        for start in range(0, len(spread), 5000):
            session.execute(insert(model), spread[start:start + 5000])


def load_data(database_url, args, workdir):
    """Accounts, the survey with its ballots, the problem poll with its comparisons, the empty survey."""
    from sqlalchemy import func, select, text

    from beteiligung.accounts.models import ApiToken, User
    from beteiligung.accounts.services import issue_token
    from beteiligung.extensions import db
    from beteiligung.polls.models import Answer, Ballot, Comparison, Poll, Problem
    from beteiligung.polls.services import build_questions, tallies
    from beteiligung.testing.fixtures import SAMPLE_QUESTIONS
    from beteiligung.timeutil import utcnow

    rng = random.Random(args.seed)
    app = harness.make_app(database_url, PASSWORD_HASH_FAST=True)
    timings = {}
    with app.app_context():
        session = db.session
        now = utcnow()
        started = now - timedelta(days=14)
        region, moderator = harness.seed_region()
        session.flush()
        moderator_token = issue_token(moderator, days=1)

        def survey(title):
            errors = {}
            questions = build_questions(region, SAMPLE_QUESTIONS, errors)
            if errors:
                raise RuntimeError(f"SAMPLE_QUESTIONS are not valid: {errors}")
            poll = Poll(region=region, kind="survey", title=title, description="Ihre Meinung zählt.",
                        audience="accounts", results_visibility="live", state="open", opens_at=started,
                        opened_at=started, closes_at=now + timedelta(days=14), created_by_id=moderator.id,
                        created_at=started - timedelta(days=1))
            poll.questions = questions
            session.add(poll)
            session.flush()
            return poll

        big = survey("Mobilität und digitale Angebote in der Innenstadt")
        target = survey("Zweite Befragung: digitale Angebote")
        problem_poll = Poll(region=region, kind="problem_definition", title="Was bremst den Alltag in Ihrem Viertel?",
                            description="", audience="accounts", results_visibility="live", state="open",
                            phase="comparing", opens_at=started, opened_at=started,
                            closes_at=now + timedelta(days=14), created_by_id=moderator.id, created_at=started)
        session.add(problem_poll)
        session.flush()
        statements = [f"{subject.format(place=place)} {fault}" for subject, place, fault in
                      itertools.product(PROBLEM_SUBJECTS, PLACES, PROBLEM_FAULTS)]
        problems = [Problem(poll_id=problem_poll.id, text=statement, status="approved", created_at=started,
                            moderated_at=started) for statement in rng.sample(statements, args.problems)]
        session.add_all(problems)
        session.flush()
        problem_ids = [problem.id for problem in problems]

        # Accounts: enough for one ballot each, the comparisons and the submissions.
        participants = math.ceil(args.comparisons / PAIRS_PER_PARTICIPANT)
        n_users = max(args.ballots, participants, args.submit_users, 1)
        t0 = time.perf_counter()
        first_user = harness.next_id(session, User.__table__)
        user_ids = list(range(first_user, first_user + n_users))
        harness.bulk_insert(session, User.__table__,
                    ("id", "email", "pseudonym", "pseudonym_key", "password_hash", "role", "terms_accepted_at",
                     "created_at", "email_confirmed_at"),
                    ((uid, f"person{uid}@example.org", f"Teilnehmende {uid}", f"teilnehmende {uid}",
                      "!benchmark-no-login", "citizen", started, started, started) for uid in user_ids))
        timings["users"] = time.perf_counter() - t0

        # The survey's ballots and their answers.
        t0 = time.perf_counter()
        q = {question.type: question for question in big.questions}
        first_ballot = harness.next_id(session, Ballot.__table__)
        span = (now - started).total_seconds()
        ballots, answers = [], []
        for i in range(args.ballots):
            ballot_id = first_ballot + i
            ballots.append((ballot_id, big.id, user_ids[i], started + timedelta(seconds=rng.uniform(0, span))))
            answers.extend((ballot_id, big.id, *cell) for cell in answer_cells(rng, q))
        generated = time.perf_counter() - t0
        harness.bulk_insert(session, Ballot.__table__, ("id", "poll_id", "user_id", "created_at"), ballots)
        n_answers = harness.bulk_insert(session, Answer.__table__,
                                ("ballot_id", "poll_id", "question_id", "seq", "option_id", "number", "text"),
                                answers)
        timings["ballots"] = time.perf_counter() - t0
        timings["ballots_generated"] = generated
        del ballots, answers

        # Comparisons: 30 distinct pairs per participant, outcomes from known strengths, ~5 % ties.
        t0 = time.perf_counter()
        strengths = {pid: rng.gauss(0.0, 1.0) for pid in problem_ids}
        pairs = list(itertools.combinations(sorted(problem_ids), 2))
        comparisons = []
        per_participant = min(PAIRS_PER_PARTICIPANT, len(pairs))
        for user_id in user_ids:
            if len(comparisons) >= args.comparisons:
                break
            for first, second in rng.sample(pairs, min(per_participant, args.comparisons - len(comparisons))):
                if rng.random() < TIE_SHARE:
                    winner = None
                else:
                    p_first = 1.0 / (1.0 + math.exp(strengths[second] - strengths[first]))
                    winner = first if rng.random() < p_first else second
                comparisons.append((problem_poll.id, user_id, first, second, winner,
                                    started + timedelta(seconds=rng.uniform(0, span))))
        harness.bulk_insert(session, Comparison.__table__,
                    ("poll_id", "user_id", "first_id", "second_id", "winner_id", "created_at"), comparisons)
        timings["comparisons"] = time.perf_counter() - t0
        n_comparisons, n_ties = len(comparisons), sum(1 for c in comparisons if c[4] is None)
        del comparisons

        # Tokens for the submissions to the empty survey: one account each.
        t0 = time.perf_counter()
        tokens = [f"bench-{rng.getrandbits(160):040x}" for _ in range(args.submit_users)]
        harness.bulk_insert(session, ApiToken.__table__, ("user_id", "token_hash", "created_at", "expires_at"),
                    ((user_ids[i], token_digest(token), now, now + timedelta(days=1))
                     for i, token in enumerate(tokens)))
        (Path(workdir) / "tokens.txt").write_text("\n".join(tokens) + "\n")
        target_q = {question.type: question for question in target.questions}
        bodies = [json.dumps(ballot_json(rng, target_q), ensure_ascii=False) for _ in range(64)]
        (Path(workdir) / "bodies.txt").write_text("\n".join(bodies) + "\n")
        timings["tokens"] = time.perf_counter() - t0

        harness.fix_sequences(session, ("users", "ballots"))
        session.commit()

        # The rows above bypassed the engine: count them into the tallies, as `flask polls recount` does,
        # then spread each count over the shards as ballots arriving one by one would have.
        t0 = time.perf_counter()
        for poll in (big, problem_poll):
            tallies.recount(poll)
        spread_over_shards(session)
        session.commit()
        timings["recount"] = time.perf_counter() - t0

        # The stored data agree with what was generated.
        stored_ballots = session.scalar(select(func.count()).select_from(Ballot).where(Ballot.poll_id == big.id))
        stored_answers = session.scalar(select(func.count()).select_from(Answer).where(Answer.poll_id == big.id))
        if (stored_ballots, stored_answers) != (args.ballots, n_answers):
            raise RuntimeError(f"stored {stored_ballots} ballots and {stored_answers} answers, generated "
                               f"{args.ballots} and {n_answers}")
        result = {"survey": big.id, "target": target.id, "problem_poll": problem_poll.id,
                  "questions": {question.type: question.id for question in big.questions},
                  "users": n_users + 1, "ballots": args.ballots, "answers": n_answers,
                  "problems": len(problem_ids), "comparisons": n_comparisons, "ties": n_ties,
                  "participants": math.ceil(n_comparisons / per_participant), "strengths": strengths,
                  "moderator_token": moderator_token, "timings": timings}
        session.remove()

        if args.analyze:
            t0 = time.perf_counter()
            with db.engine.connect() as conn:
                if conn.dialect.name == "postgresql":
                    # What autovacuum does shortly after such a load: statistics and the visibility map.
                    conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                    conn.execute(text("VACUUM ANALYZE"))
                else:
                    conn.execute(text("ANALYZE"))
                    conn.commit()
            timings["analyze"] = time.perf_counter() - t0
        db.engine.dispose()
    return result


# --------------------------------------------------------------------------------------------
# In process: time, SQL statements, plans
# --------------------------------------------------------------------------------------------


def time_in_process(database_url, path, calls, headers=None, explain=False, cached=False):
    """Median and p95 of `calls` requests (after a warm-up), SQL statements and SQL time per request.

    The requests run outside any app context of ours, so each gets its own app context and session.
    Without `cached`, the app has no cache: every request aggregates the results anew (the cost of
    the first request after each new ballot); with it, the results cache of the app is used.
    """
    app = harness.make_app(database_url, **({} if cached else harness.NO_CACHE))
    client = app.test_client()
    engine = harness.app_engine(app)
    times, sql_times, counts = [], [], []
    meter = harness.CpuMeter(("postgres",) if engine.dialect.name == "postgresql" else ())
    with harness.QueryLog(engine) as log:
        for _ in range(IN_PROCESS_WARMUP):
            response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code} in process: "
                                   f"{response.get_data(as_text=True)[:300]}")
        meter.start()
        for _ in range(calls):
            log.clear()
            t0 = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code} in process")
            counts.append(len(log.entries))
            sql_times.append(log.seconds * 1000)
        body = response.get_json()
        last = list(log.entries)
    other_cpu = meter.other_share()
    # The statements of the last request once more, each fetched to the end (SQLite computes most of
    # a result while it is fetched, after the cursor's execute): the time the database needs.
    rerun = [(statement, parameters, rerun_ms(engine, statement, parameters))
             for statement, parameters, _s in last]
    slowest = sorted(rerun, key=lambda item: -item[2])[:2 if explain else 1]
    plans = [(statement, ms, explain_plan(engine, statement, parameters) if explain else [])
             for statement, parameters, ms in slowest]
    engine.dispose()
    return {"median_ms": statistics.median(times), "p95_ms": percentile(times, 0.95), "min_ms": min(times),
            "sql_ms": sum(ms for *_rest, ms in rerun), "execute_ms": statistics.median(sql_times),
            "queries": max(counts), "calls": calls, "other_cpu": other_cpu,
            "bytes": len(json.dumps(body)), "body": body, "plans": plans,
            "statements": [(" ".join(statement.split()), round(ms, 2)) for statement, _p, ms in rerun]}


def rerun_ms(engine, statement, parameters, repeat=3):
    """The median time of executing a statement and fetching all its rows, on a raw connection."""
    raw = engine.raw_connection()
    try:
        runs = []
        for _ in range(repeat):
            cursor = raw.cursor()
            t0 = time.perf_counter()
            cursor.execute(statement, parameters)
            cursor.fetchall()
            runs.append((time.perf_counter() - t0) * 1000)
            cursor.close()
        raw.rollback()
        return statistics.median(runs)
    finally:
        raw.close()


def time_submit_in_process(database_url, path, tokens, bodies):
    """Ballot submissions in process, each with its own account: median, p95 and SQL statements per request."""
    app = harness.make_app(database_url)
    client = app.test_client()
    engine = harness.app_engine(app)
    times, counts = [], []
    try:
        with harness.QueryLog(engine) as log:
            for n, token in enumerate(tokens):
                log.clear()
                t0 = time.perf_counter()
                response = client.post(path, data=bodies[n % len(bodies)], content_type="application/json",
                                       headers={"Authorization": f"Bearer {token}"})
                elapsed = (time.perf_counter() - t0) * 1000
                if response.status_code != 201:
                    raise RuntimeError(f"POST {path} answered {response.status_code} in process: "
                                       f"{response.get_data(as_text=True)[:300]}")
                if n >= IN_PROCESS_WARMUP:
                    times.append(elapsed)
                    counts.append(len(log.entries))
            statements = log.statements
    finally:
        engine.dispose()
    return {"median_ms": statistics.median(times), "p95_ms": percentile(times, 0.95), "queries": max(counts),
            "calls": len(times), "statements": [" ".join(statement.split())[:200] for statement in statements]}


def explain_plan(engine, statement, parameters):
    """EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite, with the request's parameters."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            lines = [" ".join(str(cell) for cell in row) for row in cursor.fetchall()]
        raw.rollback()
        return lines
    finally:
        raw.close()


def time_fit(database_url, poll_id, repeat, strengths):
    """fit_bradley_terry on the poll's aggregated verdicts (as services.ranking reads them), with timeit."""
    from sqlalchemy import select

    from beteiligung.extensions import db
    from beteiligung.polls.models import Poll, Problem
    from beteiligung.polls.ranking import fit_bradley_terry
    from beteiligung.polls.services import tallies

    app = harness.make_app(database_url)
    with app.app_context():
        problems = list(db.session.scalars(select(Problem.id).where(Problem.poll_id == poll_id,
                                                                   Problem.status == "approved")))
        pairs = tallies.pair_counts(db.session.get(Poll, poll_id))
        db.session.remove()
        db.engine.dispose()
    outcomes = [(f, s, a) for f, s, a, _b, _t in pairs if a] + [(s, f, b) for f, s, _a, b, _t in pairs if b]
    ties = [(f, s, t) for f, s, _a, _b, t in pairs if t]
    timer = timeit.Timer(lambda: fit_bradley_terry(problems, outcomes, ties))
    number, _elapsed = timer.autorange()
    runs = [seconds / number * 1000 for seconds in timer.repeat(repeat=repeat, number=number)]
    ranked = fit_bradley_terry(problems, outcomes, ties)
    return {"median_ms": statistics.median(runs), "min_ms": min(runs), "max_ms": max(runs), "number": number,
            "repeat": repeat, "problems": len(problems), "triples": len(outcomes) + len(ties),
            "rank_correlation": spearman([strengths[r.problem_id] for r in ranked], [r.score for r in ranked])}


def spearman(a, b):
    def ranks(values):
        order = sorted(range(len(values)), key=values.__getitem__)
        result = [0] * len(values)
        for rank, index in enumerate(order):
            result[index] = rank
        return result

    ra, rb = ranks(a), ranks(b)
    n = len(a)
    if n < 2:
        return float("nan")
    return 1 - 6 * sum((x - y) ** 2 for x, y in zip(ra, rb, strict=True)) / (n * (n * n - 1))


# --------------------------------------------------------------------------------------------
# Load: results through gunicorn, ballot submissions with a different account per request
# --------------------------------------------------------------------------------------------

SUBMIT_LUA = r"""
-- Every request: the next token of this thread (tokens are dealt out round robin to the threads),
-- one of the prepared ballot bodies. wrk.path is the ballots URL.
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end
function init(args)
  local nthreads = tonumber(args[1])
  tokens, bodies, statuses, n = {}, {}, {}, 0
  local i = 0
  for line in io.lines(args[2]) do
    if line ~= "" and i % nthreads == id then table.insert(tokens, line) end
    i = i + 1
  end
  for line in io.lines(args[3]) do
    if line ~= "" then table.insert(bodies, line) end
  end
end
function request()
  n = n + 1
  local token = tokens[n] or "exhausted"
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
  return wrk.format("POST", nil, headers, bodies[(n % #bodies) + 1])
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + count end
  end
  for status, count in pairs(total) do io.write(string.format("status %d: %d\n", status, count)) end
end
"""


def run_wrk_submit(port, path, seconds, connections, workdir):
    threads = max(1, min(2, connections))
    script = Path(workdir) / "submit.lua"
    script.write_text(SUBMIT_LUA)
    parsed = harness.run_wrk(port, path, seconds, connections, timeout=WRK_TIMEOUT, script_args=(
        "-s", str(script), f"http://{HOST}:{port}{path}", "--", str(threads), str(Path(workdir) / "tokens.txt"),
        str(Path(workdir) / "bodies.txt")))
    output = parsed.pop("output")
    parsed["statuses"] = {int(code): int(count) for code, count in re.findall(r"^status (\d+): (\d+)$", output, re.M)}
    return parsed


def run_python_submit(port, path, seconds, connections, tokens, bodies):
    """`connections` threads, each POSTing with its own share of the tokens until the time is up."""

    shares = [tokens[slot::connections] for slot in range(connections)]

    def request_for(slot, n):
        mine = shares[slot]
        if n >= len(mine):
            return None
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {mine[n]}"}
        return "POST", path, bodies[n % len(bodies)].encode(), headers

    return harness.run_python(port, path, seconds, connections, request_for=request_for, expected=201,
                               timeout=30)


def server_exceptions(server):
    """{exception line: count} of the tracebacks in the server's log (the last line of each)."""
    found = {}
    for line in server.log_tail(1_000_000).splitlines():
        if re.match(r"^[\w.]+(Error|Exception|Conflict|Invalid)\b.*", line):
            key = line.strip()[:160]
            found[key] = found.get(key, 0) + 1
    return found


def check_submissions(database_url, poll_id):
    """(ballots, the tallied ballot count, ballots without answers) of the submission survey."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            ballots = conn.execute(text("SELECT count(*) FROM ballots WHERE poll_id = :p"), {"p": poll_id}).scalar()
            count = conn.execute(text("SELECT COALESCE(SUM(cells), 0) FROM poll_tallies WHERE poll_id = :p "
                                      "AND cell = 'ballots'"), {"p": poll_id}).scalar()
            empty = conn.execute(text("SELECT count(*) FROM ballots b WHERE b.poll_id = :p AND NOT EXISTS "
                                      "(SELECT 1 FROM ballot_answers a WHERE a.ballot_id = b.id)"),
                                 {"p": poll_id}).scalar()
    finally:
        engine.dispose()
    return ballots, count, empty


def tallies_exact(database_url, poll_id):
    """Whether the poll's tallies equal a full recount of its stored ballots (tallies.differences)."""
    from beteiligung.extensions import db
    from beteiligung.polls.models import Poll
    from beteiligung.polls.services import tallies

    app = harness.make_app(database_url)
    with app.app_context():
        found = tallies.differences(db.session.get(Poll, poll_id))
        db.session.remove()
        db.engine.dispose()
    if found:
        print(f"tallies differ from the recount: {found[:3]}")
    return not found


def measure_submit(server, path, args, generator, workdir, database_url, poll_id, also_ours):
    tokens = (Path(workdir) / "tokens.txt").read_text().split()
    bodies = [line for line in (Path(workdir) / "bodies.txt").read_text().splitlines() if line]
    # Warm-up with the last tokens (the load uses them from the front).
    for n, token in enumerate(tokens[-WARMUP_REQUESTS:]):
        conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
        try:
            conn.request("POST", path, body=bodies[n].encode(),
                         headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            response.read()
            if response.status != 201:
                raise RuntimeError(f"warm-up ballot answered {response.status}")
        finally:
            conn.close()
    tokens = tokens[:-WARMUP_REQUESTS]
    (Path(workdir) / "tokens.txt").write_text("\n".join(tokens) + "\n")
    before, _count, _empty = check_submissions(database_url, poll_id)
    harness.wait_quiet(args.wait_quiet)
    meter = harness.CpuMeter(also_ours)
    meter.start()
    if generator == "wrk":
        result = run_wrk_submit(server.port, path, args.seconds, args.connections, workdir)
    else:
        result = run_python_submit(server.port, path, args.seconds, args.connections, tokens, bodies)
    result["other_cpu"] = meter.other_share()
    # Requests still in flight when the load stopped finish within a moment: check once nothing changes.
    ballots, count, empty = check_submissions(database_url, poll_id)
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.5)
        latest = check_submissions(database_url, poll_id)
        if latest == (ballots, count, empty) and count == ballots and empty == 0:
            break
        if latest != (ballots, count, empty):
            result["unsettled"] = result.get("unsettled", 0) + 1
        ballots, count, empty = latest
    created = ballots - before
    result.update(created=created, ballot_count=count, ballots_total=ballots, without_answers=empty,
                  tokens=len(tokens), server_errors=len(re.findall(r"Unhandled error", server.log_tail(1_000_000))),
                  exceptions=server_exceptions(server))
    # Ballots per second: the rate of requests that stored one.
    result["ballots_per_s"] = result["rps"] * created / result["requests"] if result["requests"] else 0.0
    # Every answered 201 stored one ballot; requests still in flight when the load stopped may have stored
    # one more each without being counted by the generator.
    answered = result["requests"] - result["errors"]
    result["tallies_exact"] = tallies_exact(database_url, poll_id)
    result["consistent"] = (count == ballots and empty == 0 and result["tallies_exact"]
                            and answered <= created <= answered + args.connections)
    if created >= len(tokens):
        result["exhausted"] = True
    return result


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def report(results):
    data, rows = results["data"], results["rows"]
    print()
    print(f"Poll benchmark — {results['db']}: survey with {data['ballots']:,} ballots ({data['answers']:,} answer "
          f"rows, 5 questions), problem poll with {data['problems']} problems and {data['comparisons']:,} "
          f"comparisons ({data['ties']:,} ties, {data['participants']:,} participants), {data['users']:,} accounts")
    print(f"in process: median and p95 of {results['calls']} requests after {IN_PROCESS_WARMUP} warm-up requests; "
          f"gunicorn {harness.WORKERS} sync workers on {HOST}; load: {results['load_generator']}, "
          f"{results['seconds']:g} s each; {results['cpus']} CPUs, Python {results['python']}")
    print()
    print("| measurement | median ms | p95 ms | SQL ms | queries | rps | p50 ms | p99 ms | errors | target |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        load = row.get("load") or {}
        rps = f"{load['rps']:.1f}" if load else "–"
        queries = row.get("queries")
        print(f"| {row['label']} | {format_ms(row.get('median_ms'))} | {format_ms(row.get('p95_ms'))} | "
              f"{format_ms(row.get('sql_ms'))} | {'–' if queries is None else queries} | {rps} | "
              f"{format_ms(load.get('p50_ms'))} | {format_ms(load.get('p99_ms'))} | {load.get('errors', '–')} | "
              f"{row.get('target', '–')} |")
    print()
    busiest = max((row.get("load") or {}).get("other_cpu") or 0.0 for row in rows)
    warning = harness.disturbance_warning(busiest, "a load measurement")
    if warning:
        print(warning)
    fit = results["fit"]
    print(f"fit_bradley_terry: {fit['problems']} problems, {fit['triples']} aggregated triples, {fit['number']} "
          f"calls × {fit['repeat']} repeats; min {fit['min_ms']:.2f} ms, max {fit['max_ms']:.2f} ms; rank "
          f"correlation of the fitted scores with the true strengths {fit['rank_correlation']:.3f}")
    submit = results["submit"]
    state = "consistent" if submit["consistent"] else "INCONSISTENT"
    print(f"ballot submissions: {submit['requests']:,} requests, {submit['created']:,} ballots stored "
          f"({submit['ballots_per_s']:.1f} ballots/s), {submit['errors']} failed requests, "
          f"{submit['server_errors']} unhandled errors in the server log; ballots {submit['ballots_total']:,}, "
          f"tallied {submit['ballot_count']:,}, {submit['without_answers']} without answers: {state}; "
          f"tallies = recount: {submit.get('tallies_exact')}")
    if submit.get("statuses"):
        print("  answers: " + ", ".join(f"{count} × {status}" for status, count in sorted(submit["statuses"].items())))
    for line, count in sorted(submit.get("exceptions", {}).items(), key=lambda item: -item[1])[:5]:
        print(f"  {count} × {line}")
    if submit.get("exhausted"):
        print("WARNING: the prepared tokens ran out during the submissions; raise --submit-users.")
    timings = data["timings"]
    print("loading: " + ", ".join(f"{key} {value:.1f} s" for key, value in timings.items()))
    in_process_other = max(row.get("other_cpu") or 0.0 for row in rows)
    print(f"other processes used up to {in_process_other:.0%} of the CPU time during the in-process timings")
    for row in rows:
        for statement, ms, plan in row.get("plans") or []:
            print(f"\n--- {row['label']}: slowest statement, {ms:.1f} ms with all rows fetched ---\n"
                  f"{statement}\n" + "\n".join(plan))


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=8.0, help="duration of each load measurement (default 8)")
    parser.add_argument("--ballots", type=int, default=1_000_000, help="ballots of the survey (default 1000000)")
    parser.add_argument("--problems", type=int, default=50, help="approved problems (default 50)")
    parser.add_argument("--comparisons", type=int, default=1_000_000, help="comparisons (default 1000000)")
    parser.add_argument("--submit-users", type=int, default=20_000,
                        help="accounts with a token for the ballot submissions (default 20000)")
    parser.add_argument("--calls", type=int, default=20, help="timed in-process requests per endpoint (default 20)")
    parser.add_argument("--fit-repeat", type=int, default=7, help="timeit repeats of the fit (default 7)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker for the app (default 1: sync workers; >1: gthread)")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator: wrk if on PATH (auto), or the built-in Python one")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT_URL),
                        help=f"PostgreSQL server for --db postgresql (default {PG_DEFAULT_URL}); the database "
                             f"{PG_DATABASE} on it is dropped, created and dropped again at the end")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database at the end")
    parser.add_argument("--no-analyze", dest="analyze", action="store_false",
                        help="skip VACUUM ANALYZE (PostgreSQL) / ANALYZE (SQLite) after loading")
    parser.add_argument("--wait-quiet", type=float, default=30.0, metavar="SECONDS",
                        help="before each load measurement, wait up to this long while other processes keep the "
                             "CPUs busy (default 30; 0: never wait)")
    parser.add_argument("--explain", action="store_true",
                        help="print the plans of the two slowest statements of each results request")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed of the generated data")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args(argv)
    if (args.ballots < 10 or not 2 <= args.problems <= 500 or args.comparisons < 1 or args.submit_users < 100
            or not 5 <= args.calls <= 1000 or not 1 <= args.connections <= 256 or not 0 < args.seconds <= 3600
            or not 0 <= args.wait_quiet <= 600 or not 1 <= args.fit_repeat <= 100):
        parser.error("need --ballots ≥ 10, 2 ≤ --problems ≤ 500, --comparisons ≥ 1, --submit-users ≥ 100, "
                     "5 ≤ --calls ≤ 1000, 1 ≤ --connections ≤ 256, 0 < --seconds ≤ 3600, 0 ≤ --wait-quiet ≤ 600, "
                     "1 ≤ --fit-repeat ≤ 100")
    return args


def main(argv=None):
    args = parse_args(argv)
    warnings.filterwarnings("ignore", message=".*CACHE_TYPE is set to NullCache.*")
    os.environ.pop("REDIS_URL", None)  # the embedded defaults: rate limits in memory, per worker
    generator = harness.choose_generator(args.generator)
    threads = max(1, min(2, args.connections))
    generator_text = (f"wrk -t{threads} -c{args.connections} --latency (ballots: a Lua script, one token per "
                      f"request)" if generator == "wrk"
                      else f"Python http.client, {args.connections} threads with keep-alive connections")
    also_ours = harness.local_postgres(args.db, args.pg_url)

    workdir = tempfile.mkdtemp(prefix="beteiligung-bench-polls-")
    server = None
    created_db = False
    try:
        t0 = time.perf_counter()
        database_url = harness.create_database(args.db, workdir, args.pg_url, PG_DATABASE, "bench-polls.db")
        created_db = True
        harness.run_migrations(database_url)
        t1 = time.perf_counter()
        loaded = load_data(database_url, args, workdir)
        t2 = time.perf_counter()
        print(f"database {args.db}: migrated in {t1 - t0:.1f} s; loaded {loaded['ballots']:,} ballots with "
              f"{loaded['answers']:,} answers, {loaded['comparisons']:,} comparisons and {loaded['users']:,} "
              f"accounts in {t2 - t1:.1f} s")

        survey_path = f"/api/v1/polls/{loaded['survey']}/results"
        ranking_path = f"/api/v1/polls/{loaded['problem_poll']}/results"
        moderator = {"Authorization": f"Bearer {loaded['moderator_token']}"}
        harness.wait_quiet(args.wait_quiet)
        public = time_in_process(database_url, survey_path, args.calls, explain=args.explain)
        if public["body"]["total_ballots"] != args.ballots:
            raise RuntimeError(f"the results count {public['body']['total_ballots']} ballots, not {args.ballots}")
        as_moderator = time_in_process(database_url, survey_path, args.calls, headers=moderator, explain=args.explain)
        public_cached = time_in_process(database_url, survey_path, args.calls, cached=True)
        harness.wait_quiet(args.wait_quiet)
        ranking = time_in_process(database_url, ranking_path, args.calls, explain=args.explain)
        if ranking["body"]["total_comparisons"] != loaded["comparisons"]:
            raise RuntimeError(f"the ranking counts {ranking['body']['total_comparisons']} comparisons")
        fit = time_fit(database_url, loaded["problem_poll"], args.fit_repeat, loaded["strengths"])
        # In-process submissions take the last tokens; the load below uses the others.
        tokens = (Path(workdir) / "tokens.txt").read_text().split()
        bodies = [line for line in (Path(workdir) / "bodies.txt").read_text().splitlines() if line]
        reserved = args.calls + IN_PROCESS_WARMUP
        submit_in_process = time_submit_in_process(database_url, f"/api/v1/polls/{loaded['target']}/ballots",
                                                   tokens[-reserved:], bodies)
        (Path(workdir) / "tokens.txt").write_text("\n".join(tokens[:-reserved]) + "\n")
        print(f"in process: survey results {public['median_ms']:.1f} ms, as moderator "
              f"{as_moderator['median_ms']:.1f} ms, ranking {ranking['median_ms']:.1f} ms, fit "
              f"{fit['median_ms']:.2f} ms (medians)")

        env = harness.server_env(database_url)
        # The bare-Flask baseline, measured in the same run with the same generator.
        apps_dir = Path(workdir) / "apps"
        apps_dir.mkdir()
        (apps_dir / "hello_app.py").write_text(harness.HELLO_APP)
        hello = harness.Server("hello", "hello_app:app", apps_dir, env, workdir)
        try:
            hello.wait_ready("/")
            hello_load = harness.measure(hello, "/", args.seconds, generator, args.connections, args.wait_quiet,
                                         also_ours)
        finally:
            hello.stop()
        # --threads N: the same 2 workers with N threads each (gthread), so that one worker's commit waiting
        # for the disk does not leave its CPU idle.
        threads = ("--worker-class", "gthread", "--threads", str(args.threads)) if args.threads > 1 else ()
        server = harness.Server("beteiligung-polls", "wsgi:app", ROOT, env, workdir, extra_args=threads)
        server.wait_ready(f"/api/v1/polls/{loaded['survey']}")
        print(f"serving Beteiligung on :{server.port}; measuring {args.seconds:g} s each with {generator}")
        survey_load = harness.measure(server, survey_path, args.seconds, generator, args.connections,
                                      args.wait_quiet, also_ours, warmup=WARMUP_REQUESTS, timeout=WRK_TIMEOUT)
        ranking_load = harness.measure(server, ranking_path, args.seconds, generator, args.connections,
                                       args.wait_quiet, also_ours, warmup=WARMUP_REQUESTS, timeout=WRK_TIMEOUT)
        submit = measure_submit(server, f"/api/v1/polls/{loaded['target']}/ballots", args, generator, workdir,
                                database_url, loaded["target"], also_ours)
    finally:
        if server is not None:
            server.stop()
        if created_db and not args.keep:
            with contextlib.suppress(Exception):
                harness.drop_database(args.db, args.pg_url, PG_DATABASE)
        shutil.rmtree(workdir, ignore_errors=True)

    results_target = TARGET_RESULTS_MS[args.db]
    results_ok = public["median_ms"] < results_target
    moderator_ok = as_moderator["median_ms"] < results_target
    ranking_ok = ranking["median_ms"] < TARGET_RANKING_MS
    statements_ok = submit_in_process["queries"] <= TARGET_STATEMENTS
    intake_ok = submit["ballots_per_s"] >= TARGET_BALLOTS_PER_S and submit["consistent"]
    fit_ok = fit["median_ms"] < TARGET_FIT_MS
    rows = [
        {"label": f"GET `{survey_path}`, {args.ballots:,} ballots, computed anew each time", **_slim(public),
         "target": f"< {results_target:.0f} ms: {verdict(results_ok)}", "path": survey_path},
        {"label": "same, from the results cache (no ballot since); gunicorn load likewise", **_slim(public_cached),
         "load": survey_load},
        {"label": "same, as moderator (with the written answers), computed anew", **_slim(as_moderator),
         "target": f"< {results_target:.0f} ms: {verdict(moderator_ok)}"},
        {"label": f"GET `{ranking_path}`, {loaded['problems']} problems, {loaded['comparisons']:,} comparisons, "
                  f"uncached; gunicorn load with the cache", **_slim(ranking), "load": ranking_load,
         "path": ranking_path, "target": f"< {TARGET_RANKING_MS:.0f} ms: {verdict(ranking_ok)}"},
        {"label": f"`fit_bradley_terry` alone, {fit['problems']} problems (timeit)", "median_ms": fit["median_ms"],
         "target": f"< {TARGET_FIT_MS:.0f} ms: {verdict(fit_ok)}"},
        {"label": f"POST `/api/v1/polls/{loaded['target']}/ballots`, one account per request "
                  f"({submit['created']:,} stored, {submit['ballots_per_s']:.0f} ballots/s)",
         "median_ms": submit_in_process["median_ms"], "p95_ms": submit_in_process["p95_ms"],
         "queries": submit_in_process["queries"], "load": submit,
         "target": f"≥ {TARGET_BALLOTS_PER_S:.0f}/s, ≤ {TARGET_STATEMENTS} statements: "
                   f"{verdict(intake_ok and statements_ok)}"
                   + ("" if submit["consistent"] else " (INCONSISTENT)")},
    ]
    db_note = "" if args.db == "postgresql" else " (the goal is judged on PostgreSQL)"
    goals = [
        {"goal": "2", "name": f"survey results computed anew at {args.ballots:,} ballots",
         "target": f"< {results_target:.0f} ms", "measured": f"{public['median_ms']:.1f} ms (median), "
         f"{public['queries']} queries; moderator {as_moderator['median_ms']:.1f} ms",
         "met": results_ok and moderator_ok},
        {"goal": "2", "name": "tallies equal to a full recount after the concurrent submissions",
         "target": "equal", "measured": "equal" if submit.get("tallies_exact") else "DIFFERENT",
         "met": bool(submit.get("tallies_exact"))},
        {"goal": "3", "name": f"problem ranking uncached at {loaded['comparisons']:,} comparisons",
         "target": f"< {TARGET_RANKING_MS:.0f} ms" + db_note,
         "measured": f"{ranking['median_ms']:.1f} ms (median), cached through gunicorn "
                     f"{ranking_load['rps']:.0f} req/s", "met": ranking_ok},
        {"goal": "4", "name": "ballot intake through gunicorn (2 workers)",
         "target": f"≥ {TARGET_BALLOTS_PER_S:.0f} ballots/s" + db_note,
         "measured": f"{submit['ballots_per_s']:.0f} ballots/s, p99 {format_ms(submit.get('p99_ms'))} ms, "
                     f"{'consistent' if submit['consistent'] else 'INCONSISTENT'}", "met": intake_ok},
        {"goal": "4", "name": "SQL statements per ballot", "target": f"≤ {TARGET_STATEMENTS}",
         "measured": str(submit_in_process["queries"]), "met": statements_ok},
    ]
    other_cpu = max((row.get("load") or {}).get("other_cpu") or 0.0 for row in rows)
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "db": args.db, "seconds": args.seconds,
        "calls": args.calls, "workers": harness.WORKERS, "threads": args.threads, "connections": args.connections,
        "load_generator": generator_text, "cpus": os.cpu_count(), "python": platform.python_version(),
        "data": {key: value for key, value in loaded.items() if key not in ("strengths", "moderator_token")},
        "rows": rows, "fit": fit, "submit": submit, "submit_in_process": submit_in_process,
        "targets": {"results_ms": results_target, "results_met": results_ok, "ranking_ms": TARGET_RANKING_MS,
                    "ranking_met": ranking_ok, "ballots_per_s": TARGET_BALLOTS_PER_S, "intake_met": intake_ok,
                    "statements": TARGET_STATEMENTS, "statements_met": statements_ok, "fit_ms": TARGET_FIT_MS,
                    "fit_met": fit_ok},
        "goals": goals, "other_cpu": other_cpu, "hello_rps": hello_load["rps"], "hello": hello_load,
    }
    report(results)
    print(f"\nbare Flask hello world through the same gunicorn setup: {hello_load['rps']:.0f} req/s")
    print("| goal | measurement | target | measured | met |")
    print("| --- | --- | --- | --- | --- |")
    for item in goals:
        print(f"| {item['goal']} | {item['name']} | {item['target']} | {item['measured']} | {verdict(item['met'])} |")
    harness.write_json(args.json, results)
    return 0


def _slim(measured):
    """The in-process figures without the response body."""
    return {key: value for key, value in measured.items() if key != "body"}


if __name__ == "__main__":
    sys.exit(main())
