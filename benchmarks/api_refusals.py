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
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import markdown_table, scratch_app, seed_region  # noqa: E402  (benchmarks/harness.py)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=5)
    args = parser.parse_args()

    from beteiligung.accounts.services import issue_token, register_user
    from beteiligung.extensions import db
    from beteiligung.polls.models import Poll
    from beteiligung.polls.services import build_questions
    from beteiligung.testing.fixtures import SAMPLE_QUESTIONS
    from beteiligung.timeutil import utcnow

    with scratch_app(prefix="beteiligung-refusals-") as app:
        with app.app_context():
            region, moderator = seed_region(slug="bench", name="Bench", description="",
                                            moderator_email="mod@example.org", moderator_password="richtig-geheim-42",
                                            moderator_pseudonym="Moderation")
            citizen = register_user("citizen@example.org", "richtig-geheim-42", "Bürgerin", accepted_terms=True)
            errors = {}
            poll = Poll(region=region, kind="survey", title="Bench", description="", audience="accounts",
                        results_visibility="live", phase="collecting", state="open", opened_at=utcnow())
            poll.questions = build_questions(region, SAMPLE_QUESTIONS, errors)
            db.session.add(poll)
            db.session.commit()
            citizen_token, moderator_token = issue_token(citizen, days=1), issue_token(moderator, days=1)
            db.session.commit()
            poll_id, question_id = poll.id, poll.questions[0].id
        measure_refusals(app, args.calls, poll_id, question_id, citizen_token, moderator_token)


def measure_refusals(app, calls, poll_id, question_id, citizen_token, moderator_token):
    """POST each expensive bad body `calls` times (in process) and print the median time of its refusal."""
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
    rows = []
    for name, url, token, body in cases:
        times, status = [], None
        for _ in range(calls):
            start = time.perf_counter()
            response = client.post(url, data=body, content_type="application/json",
                                   headers={"Authorization": f"Bearer {token}"})
            times.append(time.perf_counter() - start)
            status = response.status_code
        rows.append((name, f"{len(body):,}", status, f"{statistics.median(times) * 1000:.1f}"))
    markdown_table([("body", "l"), ("bytes", "r"), ("status", "r"), ("median ms", "r")], rows)


if __name__ == "__main__":
    main()
