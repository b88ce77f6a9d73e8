"""Fan-out of one event to 50,000 followers: notification rows, queued mails, the delivery queue.

    .venv/bin/python benchmarks/notifications_fanout.py [--db sqlite|postgresql] [--followers 50000]
        [--deliver 5000] [--batch 1000] [--json FILE]

What it does (benchmarks/README.md, "Notifications: fan-out to 50,000 followers"):

1. creates a fresh database (an SQLite file in a temporary folder, or the PostgreSQL database
   `beteiligung_bench_notify`, dropped and created again), applies the migrations and bulk-loads a
   region, its moderator, an open poll whose results are published when it closes, and N confirmed
   accounts that follow the poll (a tenth of them follow its region too: one notification each all
   the same);
2. a moderator closes the poll (`close_poll` + commit, as the request does): the time the request
   holds, with the fan-out queued but not run;
3. runs the fan-out job (`notifications.fanout.fan_out`): one INSERT … SELECT per batch of followers,
   a commit per batch, and a mail job queued per batch; the time to N notification rows;
4. runs the mail jobs (`mail_batch`): every account wants this kind at once, so N mails are rendered
   (text and HTML, in the account's language, with its own unsubscribe link) and stored in
   `outgoing_mails` by `send_mails` (one key check and one multi-row INSERT per batch, one delivery
   job per batch); the time to N queued mails;
5. runs delivery jobs of the embedded queue until `--deliver` mails are out (each writes an .eml file, as
   `make run` does without SMTP): the queue's throughput in mails per second.

Jobs run in this process (the embedded backend; with RQ each batch is a job a worker takes, so
several workers share the mail batches). It is a measurement: the exit code is 0 whatever the
figures, non-zero only when the benchmark could not run.
"""

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402  (benchmarks/harness.py: setup, timing, printing)
    PG_DEFAULT_URL,
    bulk_insert,
    create_database,
    drop_database,
    fix_sequences,
    markdown_table,
    next_id,
    run_migrations,
    seed_region,
    write_json,
)

DB_NAME = "beteiligung_bench_notify"


def seed(app, followers):
    """The region, its moderator, the poll and ``followers`` confirmed accounts following it."""
    from beteiligung.accounts.models import User
    from beteiligung.extensions import db
    from beteiligung.notifications.models import Follow
    from beteiligung.polls.models import Poll
    from beteiligung.timeutil import utcnow

    with app.app_context():
        region, moderator = seed_region()
        now = utcnow()
        poll = Poll(region=region, kind="survey", title="Mobilität in der Innenstadt", description="",
                    state="open", audience="accounts", results_visibility="after_close", phase="collecting",
                    opened_at=now - timedelta(days=7), opens_at=now - timedelta(days=7))
        db.session.add(poll)
        db.session.flush()
        first = next_id(db.session, User.__table__)
        # An argon2 hash of nothing anyone types: these accounts only receive mail.
        digest = "$argon2id$v=19$m=65536,t=3,p=4$YmVuY2htYXJr$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        users = ((first + i, f"folgt{i}@example.org", f"Folgende {i}", f"folgende {i}", digest, "citizen", now, now,
                  now, "en" if i % 10 == 0 else "de", True) for i in range(followers))
        bulk_insert(db.session, User.__table__, ["id", "email", "pseudonym", "pseudonym_key", "password_hash", "role",
                                                 "terms_accepted_at", "created_at", "email_confirmed_at", "locale",
                                                 "auto_follow"], users)
        follows = ((first + i, "poll", poll.id, False, now) for i in range(followers))
        bulk_insert(db.session, Follow.__table__, ["user_id", "target_type", "target_id", "automatic", "created_at"],
                    follows)
        region_follows = ((first + i, "region", region.id, False, now) for i in range(0, followers, 10))
        bulk_insert(db.session, Follow.__table__, ["user_id", "target_type", "target_id", "automatic", "created_at"],
                    region_follows)
        fix_sequences(db.session, [User.__table__, Follow.__table__])
        db.session.commit()
        return poll.id, moderator.id


def take(app, path):
    """The waiting embedded jobs whose function is ``path``, removed from the queue."""
    waiting = app.extensions.setdefault("beteiligung_jobs", [])
    mine = [args for job, args in waiting if job == path]
    waiting[:] = [(job, args) for job, args in waiting if job != path]
    return mine


def run(args):
    from sqlalchemy import func, select

    from beteiligung.accounts.models import User
    from beteiligung.extensions import db
    from beteiligung.mail.models import OutgoingMail
    from beteiligung.notifications import fanout
    from beteiligung.notifications.models import Notification
    from beteiligung.polls.models import Poll
    from beteiligung.polls.services import close_poll

    workdir = tempfile.mkdtemp(prefix="beteiligung-notify-")
    try:
        url = create_database(args.db, workdir, args.pg_url, DB_NAME)
        run_migrations(url)
        from harness import make_app

        app = make_app(url, BETEILIGUNG_PLUGINS="", JOBS_BACKEND="embedded", BASE_URL="https://beteiligung.example",
                       MAIL_SERVER=None)
        app.instance_path = workdir
        fanout.BATCH = args.batch
        started = time.perf_counter()
        poll_id, moderator_id = seed(app, args.followers)
        seeded = time.perf_counter() - started
        results = {"db": args.db, "followers": args.followers, "batch": args.batch, "seed_s": round(seeded, 1),
                   "python": platform.python_version(), "cpus": os.cpu_count()}

        with app.app_context():
            poll, moderator = db.session.get(Poll, poll_id), db.session.get(User, moderator_id)
            t0 = time.perf_counter()
            close_poll(moderator, poll)
            db.session.commit()
            results["request_ms"] = (time.perf_counter() - t0) * 1000
            jobs = take(app, "beteiligung.notifications.fanout.fan_out")
            assert len(jobs) == 1, jobs

            t0 = time.perf_counter()
            fanout.fan_out(*jobs[0])
            db.session.commit()
            results["fanout_s"] = time.perf_counter() - t0
            results["notifications"] = db.session.scalar(select(func.count()).select_from(Notification))

            batches = take(app, "beteiligung.notifications.fanout.mail_batch")
            results["mail_batches"] = len(batches)
            if args.fanout_only:
                batches = []
            t0 = time.perf_counter()
            for batch in batches:
                fanout.mail_batch(*batch)
                db.session.commit()
            results["queue_mails_s"] = time.perf_counter() - t0
            results["mails_queued"] = db.session.scalar(select(func.count()).select_from(OutgoingMail))

            from beteiligung.mail.delivery import deliver_mails

            jobs = take(app, "beteiligung.mail.delivery.deliver_mails")
            results["delivery_jobs"] = len(jobs)
            delivered = 0
            t0 = time.perf_counter()
            for (mail_ids,) in jobs:
                if delivered >= args.deliver:
                    break
                deliver_mails(mail_ids)  # one job per batch: one transport (SMTP connection) for its mails
                delivered += len(mail_ids)
            results["delivered"] = delivered
            results["deliver_s"] = time.perf_counter() - t0
            db.session.remove()
            db.engine.dispose()
        return results
    finally:
        if not args.keep:
            drop_database(args.db, args.pg_url, DB_NAME)
        shutil.rmtree(workdir, ignore_errors=True)


def report(results):
    n = results["followers"]
    rows = [
        (f"close the poll (the request), fan-out queued, {n:,} followers", f"{results['request_ms']:.1f} ms", "–"),
        (f"fan-out: {results['notifications']:,} notification rows, INSERT … SELECT in batches of "
         f"{results['batch']:,}", f"{results['fanout_s']:.2f} s",
         f"{results['notifications'] / results['fanout_s']:,.0f} rows/s"),
        (f"mails queued: {results['mails_queued']:,} rendered (text + HTML) and stored, {results['mail_batches']} "
         "batch jobs", f"{results['queue_mails_s']:.1f} s", f"{results['mails_queued'] / results['queue_mails_s']:,.0f}"
         " mails/s"),
        (f"delivery queue: {results['delivered']:,} mails delivered (.eml, embedded)", f"{results['deliver_s']:.1f} s",
         f"{results['delivered'] / max(results['deliver_s'], 1e-9):,.0f} mails/s"),
    ]
    print(f"\n{results['db']}, {n:,} followers (seeded in {results['seed_s']} s), Python {results['python']}, "
          f"{results['cpus']} CPUs\n")
    markdown_table([("measurement", "l"), ("time", "r"), ("rate", "r")], rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--followers", type=int, default=50_000, help="followers of the poll (default 50000)")
    parser.add_argument("--batch", type=int, default=1000, help="recipients per fan-out batch (default 1000)")
    parser.add_argument("--deliver", type=int, default=5000,
                        help="mails to deliver for the queue's throughput (whole batch jobs; default 5000)")
    parser.add_argument("--fanout-only", action="store_true", help="stop after the notification rows")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT_URL),
                        help="PostgreSQL server URL without a database name")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database at the end")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args(argv)
    results = run(args)
    report(results)
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
