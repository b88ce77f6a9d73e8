"""One ballot per participant and one verdict per pair, under real concurrent requests (PostgreSQL).

Every request runs in its own thread, with its own app context, database session and connection,
and all of them are released at the same moment (a barrier), as in tests/test_concurrency.py.
The database must decide: unique constraints on ballots and comparisons, a conditional UPDATE of
the access code. Exactly one request succeeds (201); every other one gets a JSON 409, never a 500.
"""

import threading

import pytest
from sqlalchemy import event, func, select

from beteiligung.polls.models import AccessCode, Answer, Ballot, Comparison, Poll

PROBLEMS = ["Busse fahren in den Dörfern zu selten", "Radwege zwischen den Orten fehlen",
            "Keine Mobilstationen am Bahnhof"]


@pytest.fixture
def app_config():
    # Rate limits stay off (make_test_config), whatever WRITE_RATE_LIMIT says: 50 requests of one
    # participant within a second would otherwise be refused with 429 by the limiter, not by the engine.
    # One connection per thread, so that all requests reach PostgreSQL at the same time.
    return {"RATELIMIT_ENABLED": False, "WRITE_RATE_LIMIT": "10000 per minute",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 55, "max_overflow": 0,
                                          "pool_timeout": 60}}


def assert_one_created(results, conflict_words):
    """Exactly one 201; every other answer a 409 in the API's error format; returns the index of the 201."""
    statuses = [status for status, _body in results]
    assert 500 not in statuses, statuses
    assert statuses.count(201) == 1, statuses
    assert statuses.count(409) == len(statuses) - 1, statuses
    for status, body in results:
        if status == 409:
            error = body["error"]
            assert error["code"] == "conflict"
            assert isinstance(error["message"], str) and any(word in error["message"] for word in conflict_words), \
                error["message"]
            assert error["fields"] == {}
    return statuses.index(201)


def ballot_body(poll, choice=0, extra=0, scale=3, order=(0, 1), text="Mehr Radwege bitte."):
    """A valid ballot for the SAMPLE_QUESTIONS and its number of answer cells."""
    q = {question.type: question for question in poll.questions}
    multiple = [q["multiple_choice"].options[0].id] + ([q["multiple_choice"].options[extra].id] if extra else [])
    body = {"answers": [
        {"question_id": q["single_choice"].id, "value": q["single_choice"].options[choice].id},
        {"question_id": q["multiple_choice"].id, "value": multiple},
        {"question_id": q["scale"].id, "value": scale},
        {"question_id": q["ranking"].id, "value": [q["ranking"].options[i].id for i in order]},
        {"question_id": q["text"].id, "value": text},
    ]}
    return body, 1 + len(multiple) + 1 + len(order) + 1


def stored(db, poll_id):
    """(polls.ballot_count, ballots, answers) as they are in the database now."""
    db.session.expire_all()
    ballot_count = db.session.scalar(select(Poll.ballot_count).where(Poll.id == poll_id))
    ballots = db.session.scalars(select(Ballot).where(Ballot.poll_id == poll_id).order_by(Ballot.id)).all()
    answers = db.session.scalars(select(Answer).where(Answer.poll_id == poll_id).order_by(Answer.id)).all()
    return ballot_count, ballots, answers


def test_fifty_concurrent_ballots_of_one_participant_leave_one(concurrent, db, create_poll, create_user,
                                                               api_headers):
    poll = create_poll()
    voter = create_user()
    headers = api_headers(voter)
    bodies = [ballot_body(poll, choice=i % 4, scale=i % 5 + 1, text=f"Antwort {i}") for i in range(50)]
    url = f"/api/v1/polls/{poll.id}/ballots"
    results = concurrent([("POST", url, body, headers) for body, _cells in bodies])

    winner = assert_one_created(results, ("bereits teilgenommen",))
    ballot_count, ballots, answers = stored(db, poll.id)
    assert len(ballots) == 1 and ballot_count == 1
    assert ballots[0].user_id == voter.id and ballots[0].id == results[winner][1]["id"]
    # The answers are those of the request that won, all of them, and no others.
    assert len(answers) == bodies[winner][1]
    assert {answer.ballot_id for answer in answers} == {ballots[0].id}
    texts = [answer.text for answer in answers if answer.text is not None]
    assert texts == [f"Antwort {winner}"]
    assert db.session.scalar(select(func.count()).select_from(Answer)) == len(answers)


def test_fifty_concurrent_ballots_of_fifty_participants_are_all_counted(concurrent, db, create_poll, create_user,
                                                                        api_headers, client):
    poll = create_poll()
    voters = [create_user() for _ in range(50)]
    bodies = [ballot_body(poll, choice=i % 4, extra=1 + i % 2 if i % 3 else 0, scale=i % 5 + 1,
                          order=(0, 1) if i % 2 else (2, 0), text=f"Antwort {i}") for i in range(50)]
    url = f"/api/v1/polls/{poll.id}/ballots"
    results = concurrent([("POST", url, body, api_headers(voter))
                          for (body, _cells), voter in zip(bodies, voters, strict=True)])

    statuses = [status for status, _body in results]
    assert statuses == [201] * 50, statuses
    ballot_count, ballots, answers = stored(db, poll.id)
    assert len(ballots) == 50 and ballot_count == 50
    assert sorted(ballot.user_id for ballot in ballots) == sorted(voter.id for voter in voters)
    assert sorted(body["id"] for _status, body in results) == [ballot.id for ballot in ballots]
    assert len(answers) == sum(cells for _body, cells in bodies)
    per_ballot = {}
    for answer in answers:
        per_ballot[answer.ballot_id] = per_ballot.get(answer.ballot_id, 0) + 1
    by_id = {body["id"]: cells for (_status, body), (_b, cells) in zip(results, bodies, strict=True)}
    assert per_ballot == by_id

    # The results count every ballot once.
    data = client.get(f"/api/v1/polls/{poll.id}/results").get_json()
    assert data["total_ballots"] == 50
    single = next(q for q in data["questions"] if q["type"] == "single_choice")
    assert single["answers"] == 50
    assert [option["count"] for option in single["options"]] == [13, 13, 12, 12]
    scale = next(q for q in data["questions"] if q["type"] == "scale")
    assert [step["count"] for step in scale["distribution"]] == [10] * 5


def test_thirty_concurrent_ballots_with_one_access_code_leave_one(concurrent, app, db, create_poll, create_user,
                                                                  api_headers, client):
    poll = create_poll(audience="access_codes")
    moderator = create_user(role="moderator", regions=[poll.region])
    response = client.post(f"/api/v1/polls/{poll.id}/access-codes", json={"count": 3},
                           headers=api_headers(moderator))
    assert response.status_code == 201
    code, *others = response.get_json()["codes"]
    headers = {"Authorization": f"AccessCode {code}"}
    bodies = [ballot_body(poll, scale=i % 5 + 1, text=f"Workshop {i}") for i in range(30)]
    url = f"/api/v1/polls/{poll.id}/ballots"

    marked = []  # rows changed by each UPDATE of poll_access_codes, from every thread
    lock = threading.Lock()

    def after(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE POLL_ACCESS_CODES"):
            with lock:
                marked.append(cursor.rowcount)

    event.listen(db.engine, "after_cursor_execute", after)
    try:
        results = concurrent([("POST", url, body, headers) for body, _cells in bodies])
    finally:
        event.remove(db.engine, "after_cursor_execute", after)

    winner = assert_one_created(results, ("bereits teilgenommen", "bereits verwendet"))
    ballot_count, ballots, answers = stored(db, poll.id)
    access_code = db.session.scalar(select(AccessCode).where(AccessCode.code == code.replace("-", "")))
    assert len(ballots) == 1 and ballot_count == 1
    assert ballots[0].access_code_id == access_code.id and ballots[0].user_id is None
    assert len(answers) == bodies[winner][1] and {answer.ballot_id for answer in answers} == {ballots[0].id}
    # Marked used exactly once, by the request that stored the ballot; the other codes are untouched.
    assert access_code.used_at is not None
    assert sum(marked) == 1, marked
    unused = db.session.scalars(select(AccessCode.used_at).where(
        AccessCode.code.in_([other.replace("-", "") for other in others]))).all()
    assert unused == [None, None]


def test_twenty_concurrent_identical_comparisons_leave_one(concurrent, db, create_poll, create_user, api_headers,
                                                           client):
    poll = create_poll(kind="problem_definition", phase="comparing", problems=PROBLEMS)
    problems = client.get(f"/api/v1/polls/{poll.id}/problems").get_json()["items"]
    winner_id, loser_id = problems[1]["id"], problems[0]["id"]
    citizen = create_user()
    headers = api_headers(citizen)
    url = f"/api/v1/polls/{poll.id}/comparisons"
    results = concurrent([("POST", url, {"winner_id": winner_id, "loser_id": loser_id}, headers)
                          for _ in range(20)])

    winner = assert_one_created(results, ("bereits verglichen",))
    db.session.expire_all()
    rows = db.session.scalars(select(Comparison).where(Comparison.poll_id == poll.id)).all()
    assert len(rows) == 1
    assert (rows[0].user_id, rows[0].first_id, rows[0].second_id, rows[0].winner_id) == \
        (citizen.id, min(winner_id, loser_id), max(winner_id, loser_id), winner_id)
    assert results[winner][1]["id"] == rows[0].id
    data = client.get(f"/api/v1/polls/{poll.id}/results").get_json()
    assert data["total_comparisons"] == 1


# The per-participant limits (POLL_PAIRS_PER_PARTICIPANT, POLL_PROBLEMS_PER_PARTICIPANT) are counted
# before the insert: they hold only if two requests of the same participant are serialised (a row lock
# on the account or the access code); without it, concurrent requests all see a count below the limit.


def test_concurrent_comparisons_respect_the_pairs_limit(concurrent, app, db, create_poll, create_user, api_headers):
    import itertools

    from beteiligung.polls.models import Problem

    poll = create_poll(kind="problem_definition", phase="comparing",
                       problems=[f"Problem Nummer {i}: der Bus kommt zu spät" for i in range(12)])
    ids = sorted(db.session.scalars(select(Problem.id).where(Problem.poll_id == poll.id)))
    limit = app.config["POLL_PAIRS_PER_PARTICIPANT"]
    pairs = list(itertools.combinations(ids, 2))
    assert len(pairs) >= limit + 10
    citizen = create_user()
    # The participant has compared all pairs but one already ...
    db.session.add_all(Comparison(poll_id=poll.id, user_id=citizen.id, first_id=a, second_id=b, winner_id=a)
                       for a, b in pairs[:limit - 1])
    db.session.commit()
    headers = api_headers(citizen)
    url = f"/api/v1/polls/{poll.id}/comparisons"
    # ... and sends ten more, different pairs at once: one of them may be stored.
    results = concurrent([("POST", url, {"winner_id": b, "loser_id": a}, headers)
                          for a, b in pairs[limit - 1:limit + 9]])

    assert_one_created(results, ("genug Paare",))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Comparison).where(
        Comparison.user_id == citizen.id)) == limit


def test_concurrent_problems_respect_the_problems_limit(concurrent, app, db, create_poll, create_user, api_headers):
    from beteiligung.polls.models import Problem

    poll = create_poll(kind="problem_definition", phase="collecting")
    limit = app.config["POLL_PROBLEMS_PER_PARTICIPANT"]
    citizen = create_user()
    db.session.add_all(Problem(poll_id=poll.id, author_id=citizen.id, text=f"Schon eingereicht: Problem {i}")
                       for i in range(limit - 1))
    db.session.commit()
    headers = api_headers(citizen)
    url = f"/api/v1/polls/{poll.id}/problems"
    results = concurrent([("POST", url, {"text": f"Gleichzeitig eingereicht: Problem {i}"}, headers)
                          for i in range(10)])

    assert_one_created(results, ("mehr sind nicht möglich",))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Problem).where(Problem.author_id == citizen.id)) == limit
