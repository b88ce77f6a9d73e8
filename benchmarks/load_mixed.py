"""A mixed load against two instances behind nginx, on PostgreSQL and Redis, optionally with Redis killed for a
while in the middle (issue 13, "Load, measured").

    .venv/bin/python benchmarks/load_mixed.py [--seconds 300] [--threads 16] [--kill-redis SECONDS]
        [--accounts 400] [--surveys 4] [--pg-url URL] [--seed N] [--json FILE] [--keep]

What it does, in one run (benchmarks/README.md, section "load_mixed.py", has the details):

1. starts the cluster of tests/multihost (beteiligung/testing/cluster.py): a throw-away redis-server, two
   gunicorn instances (`wsgi:app`, 2 sync workers each, BETEILIGUNG_ENV=production, TRUSTED_PROXIES=1) and
   Debian's nginx running example/nginx/beteiligung.conf in front of them (https, a certificate made for
   127.0.0.1), on the PostgreSQL database `beteiligung_bench_load` (dropped and created again, dropped at the
   end);
2. seeds, through the app's services: 3 regions with a moderator each, 6 open consultations (sections, about
   80 comments each by 30 authors, replies, votes), --surveys open surveys (accounts, live results) and an
   open problem poll in its comparing phase with 12 approved problems, and --accounts accounts with an API
   token each;
3. drives the load through nginx over https with --threads client threads, each with keep-alive sessions
   (requests.Session: one anonymous, one signed in by the log-in form), for --seconds: 90 % reads
   (consultation pages anonymous and signed in, the comments API, poll results API, region page, search page
   and API) and 10 % writes by bearer token (comments, comment votes, ballots — each account once per
   survey —, pairwise comparisons — each pair once per account). Every answer outside 2xx/3xx, every
   connection error or timeout, and a signed-in page that does not show the account counts as an error;
4. with --kill-redis S: kills redis-server (SIGKILL) when (seconds - S) / 2 have passed and starts it again
   (empty) S seconds later; the figures are split into before / during / after;
5. prints per request kind: count, errors, p50, p99, and the throughput, per window; checks that every
   acknowledged write (201) is in the database; lists error lines of the gunicorn and nginx logs.

It is a measurement, not a test: the exit code is 0 whether or not the goals (0 errors) are met, and non-zero
only when the benchmark itself could not run.
"""

import argparse
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import threading
import time
import warnings
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402  (benchmarks/harness.py: timing, CPU meter, printing)
from harness import PG_DEFAULT_URL, ROOT, format_ms, markdown_table, percentile, write_json  # noqa: E402

PG_DATABASE = "beteiligung_bench_load"
PASSWORD = "last-und-lust-42"
REQUEST_TIMEOUT = 30  # seconds; a request that takes longer counts as an error
SETTINGS = {
    # 16 log-ins from one address at the start; every other limit keeps its production default
    "LOGIN_RATE_LIMIT": "1000 per minute",
}
# (kind, weight in %): 90 reads, 10 writes
MIX = [
    ("page anonymous", 24), ("page signed in", 14), ("comments API", 18), ("poll results API", 10),
    ("region page", 10), ("search page", 7), ("search API", 7),
    ("comment (API)", 3), ("vote (API)", 3), ("ballot (API)", 2), ("comparison (API)", 2),
]
WRITES = {"comment (API)", "vote (API)", "ballot (API)", "comparison (API)"}
REGIONS = [("gelsenkirchen", "Gelsenkirchen"), ("bochum", "Bochum"), ("muenster", "Münster")]
TOPICS = ["Radwege an der Ruhr", "Digitale Bürgerdienste", "Grünflächen im Quartier", "Busverkehr am Abend",
          "Offene Daten der Stadt", "Spielplätze und Schulhöfe"]
SENTENCES = [
    "Der Radweg an der Hauptstraße endet ohne Warnung mitten im Verkehr.",
    "Ich wünsche mir mehr Bänke und Schatten auf dem Marktplatz.",
    "Die Terminbuchung im Bürgerbüro funktioniert auf dem Handy nicht gut.",
    "Abends fährt der Bus nur noch stündlich, das reicht nicht.",
    "Bitte veröffentlichen Sie die Messdaten der Luftqualität als offene Daten.",
    "Der Schulhof könnte nachmittags für alle Kinder offen sein.",
    "Eine sichere Abstellanlage für Fahrräder am Bahnhof fehlt.",
    "Die Beleuchtung im Park ist nachts zu schwach.",
]
PROBLEMS = ["Busse fahren abends zu selten", "Radwege enden im Nichts", "Zu wenig Schatten auf Plätzen",
            "Ämter sind online schwer zu erreichen", "Spielplätze sind verwahrlost", "Gehwege sind zugeparkt",
            "Zu wenig Sitzgelegenheiten", "Ampeln schalten zu schnell um", "Bahnhof ist nachts unsicher",
            "Freies WLAN fehlt in der Innenstadt", "Mülleimer quellen über", "Ladesäulen fehlen"]
SURVEY_QUESTIONS = [
    {"type": "single_choice", "text": "Wie kommen Sie meistens in die Innenstadt?", "required": True,
     "options": ["Zu Fuß", "Fahrrad", "Bus und Bahn", "Auto"]},
    {"type": "scale", "text": "Wie zufrieden sind Sie mit dem Angebot?",
     "settings": {"min": 1, "max": 5, "labels": {"1": "gar nicht", "5": "sehr"}}},
    {"type": "text", "text": "Was möchten Sie uns noch sagen?", "settings": {"max_length": 500}},
]


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def seeder(args):
    """The seed function for Cluster.query: returns ids, tokens and what the clients need."""

    def seed():
        from beteiligung.accounts.services import assign_moderator, issue_token, register_user
        from beteiligung.comments.services import create_comment, set_vote
        from beteiligung.consultations.models import Consultation
        from beteiligung.consultations.services import sync_sections
        from beteiligung.extensions import db
        from beteiligung.polls.models import Poll, Problem
        from beteiligung.polls.services import build_questions
        from beteiligung.regions.models import Region
        from beteiligung.timeutil import utcnow

        rng = random.Random(args.seed)
        now = utcnow()
        regions = []
        for slug, name in REGIONS:
            region = Region(slug=slug, name=name, theme="Digitale Daten", description=f"Beteiligung in {name}.")
            db.session.add(region)
            db.session.flush()
            moderator = register_user(f"moderation@{slug}.example", PASSWORD, f"Stadt {name}", accepted_terms=True,
                                      role="moderator")
            assign_moderator(moderator, region)
            regions.append(region)
        authors = [register_user(f"autor{n}@example.org", PASSWORD, f"Autorin {n}", accepted_terms=True)
                   for n in range(30)]
        consultations = []
        for number, topic in enumerate(TOPICS):
            consultation = Consultation(
                region=regions[number % len(regions)], title=topic, summary=f"{topic}: Ihre Ideen sind gefragt.",
                body=("Einleitung: Wir planen den Radweg und die Plätze neu.\n\n## Bestand\n\nWas gibt es?\n\n"
                      "## Ideen\n\nWas fehlt?\n\n## Umsetzung\n\nWie geht es weiter?"),
                published=True, opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=30))
            db.session.add(consultation)
            sync_sections(consultation)
            db.session.flush()
            comments = []
            for n in range(80):
                parent = rng.choice(comments) if comments and n % 8 >= 5 else None
                if parent is not None and parent.parent_id is not None:
                    parent = None
                author = rng.choice(authors)
                body = " ".join(rng.sample(SENTENCES, rng.choice((1, 1, 2, 3))))
                comments.append(create_comment(author, consultation, body, parent=parent))
            db.session.flush()
            for comment in rng.sample(comments, 40):
                for voter in rng.sample([a for a in authors if a.id != comment.author_id], rng.randint(1, 5)):
                    set_vote(voter, comment, rng.choice((1, 1, 1, -1)))
            consultations.append({"id": consultation.id, "comments": [c.id for c in comments],
                                  "threads": [c.id for c in comments if c.parent_id is None]})
            db.session.commit()
        surveys = []
        for number in range(args.surveys):
            errors = {}
            questions = build_questions(regions[number % len(regions)], SURVEY_QUESTIONS, errors)
            if errors:
                raise RuntimeError(f"SURVEY_QUESTIONS are not valid: {errors}")
            poll = Poll(region=regions[number % len(regions)], kind="survey",
                        title=f"Befragung {number + 1}: Mobilität", description="Ihre Meinung zählt.",
                        audience="accounts", results_visibility="live",
                        state="open", opened_at=now - timedelta(days=1), closes_at=now + timedelta(days=14))
            poll.questions = questions
            db.session.add(poll)
            db.session.flush()
            single, scale, _text = poll.questions
            surveys.append({"id": poll.id, "single": single.id, "options": [o.id for o in single.options],
                            "scale": scale.id})
        problem_poll = Poll(region=regions[0], kind="problem_definition", title="Was bremst den Alltag im Viertel?",
                            description="", audience="accounts", results_visibility="live", state="open",
                            phase="comparing", opened_at=now - timedelta(days=7), closes_at=now + timedelta(days=14))
        db.session.add(problem_poll)
        db.session.flush()
        problems = [Problem(poll_id=problem_poll.id, text=text, status="approved", moderated_at=now)
                    for text in PROBLEMS]
        db.session.add_all(problems)
        db.session.commit()
        accounts = []
        for n in range(args.accounts):
            user = register_user(f"last{n}@example.org", PASSWORD, f"Lastperson {n}", accepted_terms=True)
            accounts.append({"id": user.id, "email": user.email, "pseudonym": user.pseudonym})
            if n % 100 == 99:
                db.session.commit()
        db.session.commit()
        for account in accounts:
            account["token"] = issue_token(db.session.get(type(authors[0]), account["id"]), days=2)
        db.session.commit()
        return {"regions": [slug for slug, _name in REGIONS], "consultations": consultations, "surveys": surveys,
                "problem_poll": problem_poll.id, "problems": [p.id for p in problems], "accounts": accounts}

    return seed


def written_rows(cluster):
    """(comments, ballots, comparisons) in the database now."""
    def count():
        from sqlalchemy import func, select

        from beteiligung.comments.models import Comment
        from beteiligung.extensions import db
        from beteiligung.polls.models import Ballot, Comparison

        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Comment, Ballot, Comparison))

    return cluster.query(count)


# --------------------------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------------------------


class Client:
    """One client thread's state: its sessions, its accounts, the ballots and comparisons it may still send."""

    def __init__(self, slot, base, cert, data, threads, rng):
        import requests

        self.base, self.data, self.rng = base, data, rng
        self.anonymous, self.signed_in = requests.Session(), requests.Session()
        for session in (self.anonymous, self.signed_in):
            session.trust_env = False
            session.verify = str(cert)
        self.accounts = data["accounts"][slot::threads]
        self.ballots = [(survey, account) for survey in data["surveys"] for account in self.accounts]
        rng.shuffle(self.ballots)
        pairs = [(a, b) for i, a in enumerate(data["problems"]) for b in data["problems"][i + 1:]]
        self.comparisons = []
        for account in self.accounts:
            rng.shuffle(pairs)
            self.comparisons.extend((account, pair) for pair in pairs[:30])  # POLL_PAIRS_PER_PARTICIPANT
        rng.shuffle(self.comparisons)
        self.fallbacks = 0  # ballots or comparisons sent as comments because none was left

    def log_in(self):
        account = self.accounts[0]
        form = self.signed_in.get(self.base + "/konto/anmelden", timeout=REQUEST_TIMEOUT)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text)
        if form.status_code != 200 or token is None:
            raise RuntimeError(f"log-in form: {form.status_code}")
        answer = self.signed_in.post(self.base + "/konto/anmelden", allow_redirects=False, timeout=REQUEST_TIMEOUT,
                                     headers={"Referer": self.base + "/konto/anmelden"},
                                     data={"csrf_token": token.group(1), "email": account["email"],
                                           "password": PASSWORD})
        if answer.status_code != 303:
            raise RuntimeError(f"log-in of {account['email']}: {answer.status_code}")
        self.pseudonym = account["pseudonym"]

    def request_for(self, kind):
        """(kind, session, method, path, json body, headers, check) for one request of ``kind`` (a ballot or
        comparison becomes a comment when the client has none left); check(response) says what is wrong with
        a 2xx/3xx answer, or None."""
        request = self._request_for(kind)
        return (kind if request[0] is None else request[0]), *request[1:]

    def _request_for(self, kind):
        rng, data = self.rng, self.data
        consultation = rng.choice(data["consultations"])
        account = rng.choice(self.accounts)
        bearer = {"Authorization": f"Bearer {account['token']}"}
        if kind == "ballot (API)":
            if self.ballots:
                survey, account = self.ballots.pop()
                body = {"answers": [{"question_id": survey["single"], "value": rng.choice(survey["options"])},
                                    {"question_id": survey["scale"], "value": rng.randint(1, 5)}]}
                return (None, self.anonymous, "POST", f"/api/v1/polls/{survey['id']}/ballots", body,
                        {"Authorization": f"Bearer {account['token']}"}, None)
            self.fallbacks += 1
            kind = "comment (API)"
        if kind == "comparison (API)":
            if self.comparisons:
                account, (first, second) = self.comparisons.pop()
                winner, loser = (first, second) if rng.random() < 0.5 else (second, first)
                return (None, self.anonymous, "POST", f"/api/v1/polls/{data['problem_poll']}/comparisons",
                        {"winner_id": winner, "loser_id": loser, "undecided": rng.random() < 0.05},
                        {"Authorization": f"Bearer {account['token']}"}, None)
            self.fallbacks += 1
            kind = "comment (API)"
        if kind == "comment (API)":
            body = {"body": " ".join(rng.sample(SENTENCES, rng.choice((1, 2))))}
            if rng.random() < 0.4:
                body["parent_id"] = rng.choice(consultation["threads"])
            return (kind, self.anonymous, "POST", f"/api/v1/consultations/{consultation['id']}/comments", body,
                    bearer, None)
        if kind == "vote (API)":
            return (None, self.anonymous, "POST", f"/api/v1/comments/{rng.choice(consultation['comments'])}/votes",
                    {"value": rng.choice((1, 1, -1))}, bearer, None)
        if kind == "page anonymous":
            return (None, self.anonymous, "GET", f"/beteiligungen/{consultation['id']}", None, {}, None)
        if kind == "page signed in":
            pseudonym = self.pseudonym

            def signed(response):
                return None if pseudonym in response.text else "page without the signed-in account"

            return (None, self.signed_in, "GET", f"/beteiligungen/{consultation['id']}", None, {}, signed)
        if kind == "comments API":
            sort = rng.choice(("newest", "top"))
            return (None, self.anonymous, "GET", f"/api/v1/consultations/{consultation['id']}/comments?sort={sort}",
                    None, {}, None)
        if kind == "poll results API":
            poll = rng.choice([survey["id"] for survey in data["surveys"]] + [data["problem_poll"]])
            return (None, self.anonymous, "GET", f"/api/v1/polls/{poll}/results", None, {}, None)
        if kind == "region page":
            return (None, self.anonymous, "GET", f"/regionen/{rng.choice(data['regions'])}", None, {}, None)
        word = rng.choice(("Radweg", "Bürgerdienste", "Schatten", "Bus", "Daten"))
        if kind == "search page":
            return (None, self.anonymous, "GET", f"/suche?q={word}", None, {}, None)
        return (None, self.anonymous, "GET", f"/api/v1/search?q={word}", None, {}, None)


def redis_keys(redis):
    """How many keys Redis holds (cache entries, rate-limit counters): more than none shows the instances use it."""
    with redis.client() as client:
        return client.dbsize()


def drive(clients, seconds, kill_redis, redis):
    """Runs every client for ``seconds``; with ``kill_redis``, kills Redis in the middle. Returns the records
    [(start offset s, kind, latency ms, error or None, status, path, request id)] and the outage's bounds."""
    import requests

    kinds = [kind for kind, _weight in MIX]
    weights = [weight for _kind, weight in MIX]
    records = [[] for _ in clients]
    gate = threading.Barrier(len(clients) + 1)
    clock = {}

    def run(slot):
        client = clients[slot]
        out = records[slot]
        gate.wait()
        began, deadline = clock["began"], clock["began"] + seconds
        while True:
            t0 = time.perf_counter()
            if t0 >= deadline:
                break
            kind = client.rng.choices(kinds, weights)[0]
            kind, session, method, path, body, headers, check = client.request_for(kind)
            status, error, request_id = None, None, None
            try:
                response = session.request(method, client.base + path, json=body, headers=headers,
                                           allow_redirects=False, timeout=REQUEST_TIMEOUT)
                status, request_id = response.status_code, response.headers.get("X-Request-ID")
                if not 200 <= status < 400:
                    error = f"HTTP {status}: {response.text[:160]!r}"
                elif check is not None:
                    error = check(response)
            except requests.RequestException as exc:
                error = f"{type(exc).__name__}: {str(exc)[:160]}"
            out.append((t0 - began, kind, (time.perf_counter() - t0) * 1000, error, status, path, request_id))

    threads = [threading.Thread(target=run, args=(slot,), daemon=True) for slot in range(len(clients))]
    for thread in threads:
        thread.start()
    outage = None
    clock["began"] = time.perf_counter()
    gate.wait()
    if kill_redis:
        kill_at = clock["began"] + (seconds - kill_redis) / 2
        time.sleep(max(0.0, kill_at - time.perf_counter()))
        keys = redis_keys(redis)
        killed = time.perf_counter()
        redis.stop()
        print(f"  Redis killed at {killed - clock['began']:.1f} s (it held {keys} keys)", flush=True)
        time.sleep(max(0.0, killed + kill_redis - time.perf_counter()))
        restarted = time.perf_counter()
        redis.start()
        print(f"  Redis started again at {restarted - clock['began']:.1f} s", flush=True)
        outage = (killed - clock["began"], restarted - clock["began"], keys)
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT + 30)
    elapsed = time.perf_counter() - clock["began"]
    return [record for out in records for record in out], outage, elapsed


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


def summarise(records, start, end):
    """{kind: {count, errors, p50_ms, p99_ms}} plus "all" and the throughput of requests started in [start, end)."""
    inside = [r for r in records if start <= r[0] < end]
    result = {}
    for kind in [kind for kind, _weight in MIX] + ["all"]:
        chosen = inside if kind == "all" else [r for r in inside if r[1] == kind]
        latencies = sorted(r[2] for r in chosen)
        result[kind] = {"count": len(chosen), "errors": sum(1 for r in chosen if r[3] is not None),
                        "p50_ms": percentile(latencies, 0.50), "p99_ms": percentile(latencies, 0.99)}
    duration = max(end - start, 1e-9)
    result["all"]["rps"] = len(inside) / duration
    result["all"]["seconds"] = duration
    return result


def print_window(title, figures):
    print(f"\n{title}: {figures['all']['count']} requests in {figures['all']['seconds']:.1f} s, "
          f"{figures['all']['rps']:.1f} requests/s, {figures['all']['errors']} errors")
    rows = [(kind, f["count"], f["errors"], format_ms(f["p50_ms"]), format_ms(f["p99_ms"]))
            for kind, f in figures.items() if f["count"] or kind == "all"]
    markdown_table([("request", "l"), ("count", "r"), ("errors", "r"), ("p50 ms", "r"), ("p99 ms", "r")], rows)


def log_errors(workdir):
    """Error lines of the gunicorn logs and nginx's error logs (at most 20 each), and their counts."""
    found = {}
    for path in sorted(workdir.glob("gunicorn-*.log")) + sorted((workdir / "nginx").glob("logs/*error*")) + \
            [workdir / "nginx" / "nginx.stderr"]:
        if not path.exists():
            continue
        lines = [line for line in path.read_text(errors="replace").splitlines()
                 if re.search(r'Traceback|"level": ?"(ERROR|CRITICAL)"|\[error\]|\[crit\]|\[alert\]|\[emerg\]|'
                              r'\[CRITICAL\]|WORKER TIMEOUT|\[ERROR\]', line)]
        if lines:
            found[str(path.relative_to(workdir))] = {"count": len(lines), "first": lines[:20]}
    return found


def status_counts(records):
    counts = {}
    for record in records:
        if record[3] is not None:
            key = (record[1], record[4] if record[4] is not None else record[3].split(":")[0])
            counts[key] = counts.get(key, 0) + 1
    return counts


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300, help="length of the load (default 300)")
    parser.add_argument("--threads", type=int, default=16, help="client threads (default 16)")
    parser.add_argument("--kill-redis", type=float, default=0, metavar="SECONDS",
                        help="kill Redis in the middle for this long, then start it again")
    parser.add_argument("--accounts", type=int, default=400, help="accounts with API tokens (default 400)")
    parser.add_argument("--surveys", type=int, default=4, help="open surveys (each account answers each once)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT_URL))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON too")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs) even without errors")
    args = parser.parse_args()
    if args.kill_redis and args.kill_redis >= args.seconds:
        parser.error("--kill-redis must be shorter than --seconds")
    if args.threads > args.accounts:
        parser.error("--accounts must be at least --threads")
    warnings.filterwarnings("ignore", module="urllib3")

    from beteiligung.testing.cluster import Cluster, RedisServer, missing_tools, own_database

    required, optional = missing_tools()
    if required or optional:
        print(f"cannot run: missing {', '.join(required + optional)}", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="beteiligung-load-"))
    database_url, drop_database = own_database(args.pg_url, PG_DATABASE)
    cluster = Cluster(workdir, database_url, RedisServer(), settings=SETTINGS)
    results = {"args": vars(args), "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                               "load_before": os.getloadavg()}}
    errors_found = True
    try:
        print(f"work folder {workdir}; database {PG_DATABASE}")
        t0 = time.perf_counter()
        cluster.start(seeder(args))
        data = cluster.data
        print(f"cluster up and seeded in {time.perf_counter() - t0:.1f} s: {len(data['consultations'])} consultations, "
              f"{sum(len(c['comments']) for c in data['consultations'])} comments, {len(data['surveys'])} surveys, "
              f"{len(data['problems'])} problems, {len(data['accounts'])} accounts; nginx {cluster.nginx.url}")
        rng = random.Random(args.seed)
        clients = [Client(slot, cluster.nginx.url, cluster.nginx.cert, data, args.threads,
                          random.Random(rng.random())) for slot in range(args.threads)]
        for client in clients:
            client.log_in()
        for client in clients:  # warm-up: every read once per client (templates, pools, caches)
            for kind, _weight in MIX:
                if kind not in WRITES:
                    _kind, session, method, path, _body, headers, _check = client.request_for(kind)
                    session.request(method, client.base + path, headers=headers, allow_redirects=False,
                                    timeout=REQUEST_TIMEOUT)
        before_rows = written_rows(cluster)
        meter = harness.CpuMeter(also_ours=("postgres",))
        meter.start()
        print(f"load: {args.threads} threads for {args.seconds:g} s over https through nginx"
              + (f", Redis killed for {args.kill_redis:g} s in the middle" if args.kill_redis else ""), flush=True)
        records, outage, elapsed = drive(clients, args.seconds, args.kill_redis, cluster.redis)
        other_cpu = meter.other_share()
        keys_at_end = redis_keys(cluster.redis)
        results["redis_keys"] = {"at_kill": outage[2] if outage else None, "at_end": keys_at_end}
        results["machine"]["load_after"] = os.getloadavg()
        results["machine"]["other_cpu"] = other_cpu

        windows = [("whole run", 0.0, args.seconds)]
        if outage:
            windows += [("before (Redis up)", 0.0, outage[0]), ("during (Redis down)", outage[0], outage[1]),
                        ("after (Redis back)", outage[1], args.seconds)]
        results["windows"] = {}
        for title, start, end in windows:
            figures = summarise(records, start, end)
            results["windows"][title] = figures
            print_window(title, figures)

        # Every acknowledged write is in the database, once.
        after_rows = written_rows(cluster)
        fallbacks = sum(client.fallbacks for client in clients)
        comment_posts, ballots, comparisons = (sum(1 for r in records if r[1] == kind and r[4] == 201)
                                               for kind in ("comment (API)", "ballot (API)", "comparison (API)"))
        stored = tuple(after - before for after, before in zip(after_rows, before_rows, strict=True))
        results["writes"] = {"acknowledged": {"comments": comment_posts, "ballots": ballots,
                                              "comparisons": comparisons},
                             "stored": dict(zip(("comments", "ballots", "comparisons"), stored, strict=True)),
                             "fallbacks_to_comment": fallbacks}
        print(f"\nwrites: acknowledged (201) comments {comment_posts}, ballots {ballots}, comparisons {comparisons}; "
              f"new rows {stored[0]}, {stored[1]}, {stored[2]}"
              + ("" if stored == (comment_posts, ballots, comparisons) else "  <- DIFFERENT")
              + (f"; {fallbacks} ballots/comparisons sent as comments (none left)" if fallbacks else ""))

        failed = [r for r in records if r[3] is not None]
        results["errors"] = {"total": len(failed),
                             "by_kind_and_status": {f"{kind} {status}": n
                                                    for (kind, status), n in sorted(status_counts(records).items(),
                                                                                    key=str)},
                             "first": [{"t": round(r[0], 2), "kind": r[1], "path": r[5], "status": r[4],
                                        "error": r[3], "request_id": r[6]} for r in failed[:30]]}
        results["logs"] = log_errors(workdir)
        print(f"\nerrors: {len(failed)} (goal: 0)")
        for (kind, status), n in sorted(status_counts(records).items(), key=str):
            print(f"  {kind}: {status} × {n}")
        for r in failed[:10]:
            print(f"  t={r[0]:.1f}s {r[1]} {r[5]} -> {r[3]} (request id {r[6]})")
        for path, found in results["logs"].items():
            print(f"log {path}: {found['count']} error lines, first:")
            for line in found["first"][:5]:
                print(f"    {line[:300]}")
        print(f"Redis keys{f' when killed {outage[2]},' if outage else ''} at the end {keys_at_end}"
              + (" (the instances went back to the restarted, empty Redis)" if outage else ""))
        errors_found = bool(failed) or bool(results["logs"]) or stored != (comment_posts, ballots, comparisons)
        share = f"{other_cpu:.0%}" if other_cpu is not None else "unknown"
        print(f"\nmachine: {os.cpu_count()} CPUs, load average before {results['machine']['load_before'][0]:.2f}, "
              f"after {results['machine']['load_after'][0]:.2f}; other processes used {share} of the CPU time "
              f"(measured {elapsed:.1f} s)")
        write_json(args.json, results)
    finally:
        cluster.stop()
        drop_database()
        if errors_found or args.keep:
            print(f"work folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
