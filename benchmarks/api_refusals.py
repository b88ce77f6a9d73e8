"""How long the API takes to refuse expensive bad bodies (issue item 13).

    .venv/bin/python benchmarks/api_refusals.py [--calls 5]

Creates a throw-away SQLite database (migrations applied), a region, an open survey and a
citizen with a token, then POSTs bodies that must be refused, in process (Flask test client),
and prints the median wall time of each refusal with its status:

- a ballot of 36,000 tiny answers (about 1 MB, just under the global MAX_CONTENT_LENGTH);
- the same answers cut to fit the ballot endpoint's own body limit (too many answers, 422);
- a poll with 5,000 questions (moderator), a comment of 1 MB.

A measurement, not a test: it exits 0 whatever the times are.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=5)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from beteiligung import create_app
    from beteiligung.accounts.services import assign_moderator, issue_token, register_user
    from beteiligung.extensions import db
    from beteiligung.polls.models import Poll
    from beteiligung.polls.services import build_questions
    from beteiligung.regions.models import Region
    from beteiligung.testing.fixtures import SAMPLE_QUESTIONS
    from beteiligung.timeutil import utcnow

    folder = tempfile.mkdtemp(prefix="beteiligung-refusals-")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "PASSWORD_HASH_FAST": True,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(folder, "bench.db"),
                      "RATELIMIT_ENABLED": False, "BETEILIGUNG_PLUGINS": "", "CACHE_TYPE": "SimpleCache"})
    app.instance_path = folder
    with app.app_context():
        upgrade(revision="heads")
        region = Region(slug="bench", name="Bench", theme="Digitale Daten", description="")
        db.session.add(region)
        citizen = register_user("citizen@example.org", "richtig-geheim-42", "Bürgerin", accepted_terms=True)
        moderator = register_user("mod@example.org", "richtig-geheim-42", "Moderation", accepted_terms=True,
                                  role="moderator")
        assign_moderator(moderator, region)
        errors = {}
        poll = Poll(region=region, kind="survey", title="Bench", description="", audience="accounts",
                    results_visibility="live", phase="collecting", state="open", opened_at=utcnow())
        poll.questions = build_questions(region, SAMPLE_QUESTIONS, errors)
        db.session.add(poll)
        db.session.commit()
        citizen_token, moderator_token = issue_token(citizen, days=1), issue_token(moderator, days=1)
        db.session.commit()
        poll_id, question_id = poll.id, poll.questions[0].id

    client = app.test_client()
    tiny = {"question_id": question_id, "value": 1}
    answers = [tiny] * 36_000
    body_1mb = json.dumps({"answers": answers}, separators=(",", ":")).encode()
    fits = json.dumps({"answers": answers[:7_000]}, separators=(",", ":")).encode()
    poll_body = json.dumps({"region": "bench", "title": "x", "kind": "survey", "audience": "accounts",
                            "results_visibility": "live",
                            "questions": [{"type": "text", "text": "?"}] * 5_000}).encode()
    cases = [
        ("ballot, 36,000 answers", f"/api/v1/polls/{poll_id}/ballots", citizen_token, body_1mb),
        ("ballot, 7,000 answers", f"/api/v1/polls/{poll_id}/ballots", citizen_token, fits),
        ("poll, 5,000 questions", "/api/v1/polls", moderator_token, poll_body),
    ]
    print("| body | bytes | status | median ms |")
    print("| --- | ---: | ---: | ---: |")
    for name, url, token, body in cases:
        times, status = [], None
        for _ in range(args.calls):
            start = time.perf_counter()
            response = client.post(url, data=body, content_type="application/json",
                                   headers={"Authorization": f"Bearer {token}"})
            times.append(time.perf_counter() - start)
            status = response.status_code
        print(f"| {name} | {len(body):,} | {status} | {statistics.median(times) * 1000:.1f} |")


if __name__ == "__main__":
    main()
