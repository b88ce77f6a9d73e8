"""The runner behind `make bench`: every benchmark of issue 14, one table of its goals.

    .venv/bin/python benchmarks/bench.py [--db sqlite|postgresql|both] [--quick] [--out FILE] [--pg-url URL]
        [--only comments,polls,writes,memory,search]

For each database (default: both when a PostgreSQL server answers at 127.0.0.1:5432, else SQLite; --quick:
SQLite) it runs, one after the other, each as a subprocess with --json FILE:

1. comments_page.py with the cache off, at 1,000 and at 100,000 comments (--quick: 1,000 and 10,000):
   goal 1, the cache-miss cost of the page and of the comments API at the large discussion within 1.25 times
   the cost at the small one (the ratio of the requests per second), and the SQL statements per request
   the same for both;
2. poll_results.py (goals 2, 3 and 4: survey results, problem ranking, ballot intake), with 1,000,000
   ballots and 1,000,000 comparisons (--quick: 20,000 each, 3 s per measurement);
3. comment_writes.py (goal 5: comment writes, fresh pages after each write);
4. memory.py (goal 6: a worker's resident memory);
5. search.py (goal 1 for search: the search page and API at 1,000, 10,000 and 100,000 hits; not in
   --quick unless named in --only).

Every script's JSON carries a list "goals" ([{goal, name, target, measured, met}]) and, where it measured
them, the bare-Flask baseline ("hello_rps") and the share of the CPUs other processes used ("other_cpu").
A script that fails is reported as "could not measure"; the runner goes on with the next. At the end it
prints one markdown table of all goals per database and writes everything as JSON to --out (default: a
file in the temporary folder, whose name is printed). --quick finishes in under two minutes on two cores.

It is a measurement, not a test: the exit code is 0 whether or not the goals are met (1 only when no
script could run at all).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"
GOAL1_RATIO = 1.25
SCRIPT_TIMEOUT = 3 * 3600  # seconds; a full poll_results.py on PostgreSQL loads 1,000,000 ballots

# The goals each script answers for: a script that fails leaves these as "could not measure".
GOALS_OF = {"comments": ["1"], "polls": ["2", "3", "4"], "writes": ["5"], "memory": ["6"], "search": ["1"]}
GOAL_NAMES = {
    "1": "cache-miss cost of the comments API and the page, constant in the number of comments",
    "2": "survey results at 1,000,000 ballots", "3": "problem ranking at 1,000,000 comparisons",
    "4": "ballot intake", "5": "comment writes; never a discussion older than the last acknowledged write",
    "6": "a worker's resident memory with 1,000 consultations and 100 busy polls in the cache",
}
GOAL_TARGETS = {"1": f"≤ {GOAL1_RATIO}× the cost at 1,000", "2": "< 50 ms", "3": "< 50 ms",
                "4": "≥ 400 ballots/s, ≤ 6 statements per ballot", "5": "0 stale", "6": "< 150 MB per worker"}


def postgres_answers(host="127.0.0.1", port=5432):
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def run_script(name, argv, outdir, label):
    """Run benchmarks/<name> with argv and --json; returns (results or None, error text or None, seconds)."""
    json_path = outdir / f"{label}.json"
    log_path = outdir / f"{label}.log"
    cmd = [sys.executable, str(HERE / name), *argv, "--json", str(json_path)]
    print(f"  {label}: {' '.join(cmd[1:-2])}", flush=True)
    t0 = time.perf_counter()
    try:
        # The scripts migrate an SQLite database once and copy it afterwards (harness.run_migrations).
        env = dict(os.environ, BENCH_SQLITE_TEMPLATES=str(outdir / "templates"))
        with open(log_path, "w") as log:
            result = subprocess.run(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                    timeout=SCRIPT_TIMEOUT)
        seconds = time.perf_counter() - t0
        if result.returncode != 0:
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-8:])
            return None, f"exit {result.returncode}: {tail}", seconds
        return json.loads(json_path.read_text()), None, seconds
    except subprocess.TimeoutExpired:
        return None, f"no result within {SCRIPT_TIMEOUT} s", time.perf_counter() - t0
    except (OSError, ValueError) as error:
        return None, f"{type(error).__name__}: {error}", time.perf_counter() - t0
    finally:
        print(f"    done in {time.perf_counter() - t0:.0f} s (log: {log_path})", flush=True)


def not_measured(goal_ids, error):
    reason = (error or "no result").splitlines()[-1][:160]
    return [{"goal": g, "name": GOAL_NAMES[g], "target": GOAL_TARGETS[g], "measured": f"could not measure ({reason})",
             "met": None} for g in goal_ids]


def goal_one(small, big):
    """Goal 1 from the two comments_page.py runs (cache off): the rate at the small discussion over the rate
    at the large one is the large one's cost relative to the small one's; the statements must not grow."""
    goals = []
    n_small, n_big = small["data"]["comments"], big["data"]["comments"]
    for key, label in (("page", "consultation page"), ("api", "comments API")):
        rps_small = small["endpoints"][f"{key}_nocache"]["rps"]
        rps_big = big["endpoints"][f"{key}_nocache"]["rps"]
        ratio = rps_small / rps_big if rps_big else float("inf")
        q_small = small["queries"]["nocache"][f"{key}_big"]
        q_big = big["queries"]["nocache"][f"{key}_big"]
        goals.append({"goal": "1", "name": f"cache-miss cost of the {label}, {n_big:,} vs. {n_small:,} comments",
                      "target": f"≤ {GOAL1_RATIO}×, same SQL statements",
                      "measured": f"{ratio:.2f}× ({rps_big:.0f} vs. {rps_small:.0f} req/s; {q_big} vs. {q_small} "
                                  f"statements)",
                      "met": ratio <= GOAL1_RATIO and q_big == q_small})
    return goals


def run_database(db, args, outdir):
    """All scripts on one database; returns {goals, scripts, hello_rps, other_cpu}."""
    quick = args.quick
    wait = ["--wait-quiet", "0"] if quick else []
    seconds = ["--seconds", "2"] if quick else []
    selected = set(args.only)
    goals, scripts = [], {}

    if "comments" in selected:
        small_n, big_n = (1000, 10_000) if quick else (1000, 100_000)
        runs = {}
        for n in (small_n, big_n):
            label = f"{db}-comments-{n}"
            results, error, secs = run_script("comments_page.py", ["--db", db, "--cache", "off", "--comments", str(n),
                                                                   *seconds, *wait, "--pg-url", args.pg_url],
                                              outdir, label)
            scripts[label] = {"seconds": secs, "error": error, "results": results}
            runs[n] = results
        if runs[small_n] and runs[big_n]:
            try:
                goals += goal_one(runs[small_n], runs[big_n])
            except (KeyError, TypeError, ZeroDivisionError) as error:
                goals += not_measured(GOALS_OF["comments"], f"unexpected JSON: {error!r}")
        else:
            goals += not_measured(GOALS_OF["comments"], next(s["error"] for s in scripts.values() if s["error"]))

    plan = []
    if "polls" in selected:
        poll_args = (["--ballots", "20000", "--comparisons", "20000", "--seconds", "3", "--submit-users", "2000",
                      "--calls", "5"] if quick else ["--ballots", "1000000", "--comparisons", "1000000"])
        plan.append(("polls", "poll_results.py", poll_args + wait))
    if "writes" in selected:
        plan.append(("writes", "comment_writes.py", (["--quick"] if quick else []) + seconds + wait))
    if "memory" in selected:
        plan.append(("memory", "memory.py", ["--quick"] if quick else []))
    if "search" in selected:  # goal 1 for search: 1,000 to 100,000 hits (search.py)
        plan.append(("search", "search.py", ["--quick"] if quick else []))
    for key, name, argv in plan:
        label = f"{db}-{key}"
        results, error, secs = run_script(name, ["--db", db, "--pg-url", args.pg_url, *argv], outdir, label)
        scripts[label] = {"seconds": secs, "error": error, "results": results}
        if results is None:
            goals += not_measured(GOALS_OF[key], error)
        elif not results.get("goals"):
            goals += not_measured(GOALS_OF[key], f"{name} wrote no \"goals\" list")
        else:
            goals += results["goals"]

    measured = [s["results"] for s in scripts.values() if s["results"]]
    hello = [r["hello_rps"] for r in measured if r.get("hello_rps")]
    other = [r["other_cpu"] for r in measured if r.get("other_cpu") is not None]
    return {"goals": goals, "scripts": scripts, "hello_rps": max(hello) if hello else None,
            "other_cpu": max(other) if other else None}


def print_table(by_db):
    print()
    print("| goal | what | target | database | measured | met? |")
    print("| --- | --- | --- | --- | --- | --- |")
    for db, run in by_db.items():
        for g in sorted(run["goals"], key=lambda g: (str(g["goal"]).startswith("issue"), str(g["goal"]))):
            met = {True: "met", False: "**not met**", None: "–"}[g["met"]]
            print(f"| {g['goal']} | {g['name']} | {g['target']} | {db} | {g['measured']} | {met} |")
    print()
    for db, run in by_db.items():
        hello = "–" if run["hello_rps"] is None else f"{run['hello_rps']:.0f} req/s"
        other = "?" if run["other_cpu"] is None else f"{run['other_cpu']:.0%}"
        print(f"{db}: bare Flask baseline (hello world, 2 sync workers) {hello}; other processes used up to "
              f"{other} of the CPUs during a measurement")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"),
                        help="default: both when PostgreSQL answers at 127.0.0.1:5432, else sqlite (--quick: sqlite)")
    parser.add_argument("--quick", action="store_true",
                        help="small data, 2-3 s per measurement, SQLite: under two minutes, for a developer's check")
    parser.add_argument("--only",
                        help="comma-separated subset of comments, polls, writes, memory, search (default all; "
                             "--quick: all but search)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT_URL),
                        help=f"PostgreSQL server (default {PG_DEFAULT_URL}); the scripts drop and create their own "
                             f"databases beteiligung_bench* on it")
    parser.add_argument("--out", help="write all results as JSON to this file (default: a temporary file)")
    args = parser.parse_args(argv)
    if args.only is None:
        args.only = "comments,polls,writes,memory" + ("" if args.quick else ",search")
    args.only = [part.strip() for part in args.only.split(",") if part.strip()]
    unknown = set(args.only) - set(GOALS_OF)
    if unknown or not args.only:
        parser.error(f"--only: unknown {', '.join(sorted(unknown)) or 'nothing selected'}")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.db is None:
        args.db = "sqlite" if args.quick or not postgres_answers() else "both"
    databases = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    outdir = Path(tempfile.mkdtemp(prefix="beteiligung-bench-run-"))
    out = Path(args.out) if args.out else outdir / "latest.json"
    started = time.perf_counter()
    print(f"benchmarks of issue 14 ({'quick' if args.quick else 'full'}) on {', '.join(databases)}; logs in {outdir}")
    by_db = {}
    for db in databases:
        print(f"{db}:", flush=True)
        by_db[db] = run_database(db, args, outdir)
    print_table(by_db)
    results = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick,
               "seconds": time.perf_counter() - started, "cpus": os.cpu_count(), "databases": by_db}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nall results written to {out} ({results['seconds']:.0f} s in all)")
    ran = any(s["results"] for run in by_db.values() for s in run["scripts"].values())
    return 0 if ran else 1


if __name__ == "__main__":
    sys.exit(main())
