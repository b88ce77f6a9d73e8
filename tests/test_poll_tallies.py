"""The results come from tallies kept with each ballot and comparison: always equal to a full recount.

What must hold: after ballots (also concurrent ones), a deleted account, an edit of the poll before the
first ballot, refused ballots and comparisons, the tallies say exactly what a recount of the stored rows
says (``tallies.differences`` is empty), the results read them in a constant number of statements, a ballot
costs at most six statements, and ``flask polls recount`` finds and mends tallies that differ.
"""

import sys
from itertools import combinations
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from beteiligung.accounts.services import remove_account
from beteiligung.polls import services
from beteiligung.polls.models import Answer, Ballot, Comparison, PairTally, Poll, Problem, Tally
from beteiligung.polls.services import tallies

sys.path.insert(0, str(Path(__file__).parent))
from test_concurrency_polls import ballot_body  # noqa: E402  (the sample ballot of the concurrency tests)

PROBLEMS = ["Busse fahren in den Dörfern zu selten", "Radwege zwischen den Orten fehlen",
            "Keine Mobilstationen am Bahnhof", "Zu wenige Bänke in der Fußgängerzone"]


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": False, "WRITE_RATE_LIMIT": "10000 per minute",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 25, "max_overflow": 0,
                                          "pool_timeout": 60}}


def ballots_url(poll):
    return f"/api/v1/polls/{poll.id}/ballots"


def results(client, poll):
    response = client.get(f"/api/v1/polls/{poll.id}/results")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def recounted_results(db, poll):
    """The aggregates a full GROUP BY over the stored answers gives: {(question, option, number): (cells, heads)}."""
    return {(q, o, n): (c, h) for q, o, n, c, h in db.session.execute(
        select(Answer.question_id, Answer.option_id, Answer.number, func.count(),
               func.sum((Answer.seq == 0).cast(db.Integer)))
        .where(Answer.poll_id == poll.id).group_by(Answer.question_id, Answer.option_id, Answer.number))}


def tallied_results(poll):
    return {(q, o, n): (c, h) for q, o, n, c, h, _t in tallies.answer_cells(poll)}


def assert_exact(db, poll):
    db.session.expire_all()
    assert tallies.differences(poll) == []
    assert tallied_results(poll) == recounted_results(db, poll)
    ballots = db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.poll_id == poll.id))
    assert db.session.scalar(select(Poll.ballot_count).where(Poll.id == poll.id)) == ballots


def test_ballots_through_the_api_are_tallied_exactly(client, db, create_poll, create_user, api_headers):
    poll = create_poll()
    for i in range(6):
        body, _cells = ballot_body(poll, choice=i % 2, extra=i % 3, scale=1 + i % 5,
                                   order=(0, 1) if i % 2 else (1, 0), text=f"Antwort {i}")
        response = client.post(ballots_url(poll), json=body, headers=api_headers(create_user()))
        assert response.status_code == 201, response.get_data(as_text=True)
    assert_exact(db, poll)
    data = results(client, poll)
    assert data["total_ballots"] == 6
    single = next(item for item in data["questions"] if item["type"] == "single_choice")
    assert [option["count"] for option in single["options"]][:2] == [3, 3]
    assert sum(option["count"] for option in single["options"]) == 6
    # The rows are spread over shards: never more rows per cell than shards.
    most = db.session.scalar(select(func.count()).select_from(Tally).where(Tally.poll_id == poll.id,
                                                                           Tally.cell == "ballots"))
    assert 1 < most <= tallies.TALLY_SHARDS


def test_refused_and_repeated_ballots_leave_the_tallies_alone(client, db, create_poll, create_user, api_headers):
    poll = create_poll()
    citizen_headers = api_headers(create_user())
    body, _cells = ballot_body(poll)
    assert client.post(ballots_url(poll), json=body, headers=citizen_headers).status_code == 201
    before = sorted(db.session.execute(select(Tally.cell, Tally.shard, Tally.cells, Tally.heads, Tally.texts)
                                       .where(Tally.poll_id == poll.id)).all())
    repeated = client.post(ballots_url(poll), json=body, headers=citizen_headers)
    assert repeated.status_code == 409
    assert repeated.get_json()["error"]["code"] == "conflict"
    wrong, _cells = ballot_body(poll, scale=99)  # out of the scale: refused as a whole
    assert client.post(ballots_url(poll), json=wrong, headers=api_headers(create_user())).status_code == 422
    db.session.expire_all()
    after = sorted(db.session.execute(select(Tally.cell, Tally.shard, Tally.cells, Tally.heads, Tally.texts)
                                      .where(Tally.poll_id == poll.id)).all())
    assert after == before
    assert_exact(db, poll)


def test_a_deleted_account_leaves_its_ballot_counted(client, db, create_poll, create_user, api_headers):
    poll = create_poll()
    leaving = create_user()
    for user in (leaving, create_user()):
        body, _cells = ballot_body(poll)
        assert client.post(ballots_url(poll), json=body, headers=api_headers(user)).status_code == 201
    before = results(client, poll)
    remove_account(leaving)
    db.session.commit()
    assert_exact(db, poll)
    assert results(client, poll) == before
    assert db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.user_id.is_(None))) == 1


def test_an_edit_before_the_first_ballot_counts_only_the_new_questions(client, db, create_poll, create_user,
                                                                       api_headers, create_region):
    region = create_region()
    moderator = create_user(role="moderator", regions=[region])
    poll = create_poll(region)
    services.update_poll(moderator, poll, {"questions": [
        {"type": "single_choice", "text": "Wie kommen Sie in die Stadt?", "options": ["Bus", "Rad", "Auto"]},
        {"type": "scale", "text": "Wie zufrieden sind Sie?", "settings": {"min": 1, "max": 5}}]})
    db.session.commit()
    choice, scale = poll.questions
    assert [question.text for question in poll.questions] == ["Wie kommen Sie in die Stadt?",
                                                              "Wie zufrieden sind Sie?"]
    for i in range(4):
        body = {"answers": [{"question_id": choice.id, "value": choice.options[i % 3].id},
                            {"question_id": scale.id, "value": 1 + i}]}
        assert client.post(ballots_url(poll), json=body, headers=api_headers(create_user())).status_code == 201
    assert_exact(db, poll)
    counted = {question_id for question_id, *_rest in tallies.answer_cells(poll)}
    assert counted == {choice.id, scale.id}


def test_concurrent_ballots_are_all_counted(concurrent, db, create_poll, create_user, api_headers):
    poll = create_poll()
    requests = []
    for i in range(20):
        body, _cells = ballot_body(poll, choice=i % 2, extra=i % 3, scale=1 + i % 5)
        requests.append(("POST", ballots_url(poll), body, api_headers(create_user())))
    statuses = [status for status, _body in concurrent(requests)]
    assert statuses == [201] * 20
    assert_exact(db, poll)
    assert db.session.scalar(select(Poll.ballot_count).where(Poll.id == poll.id)) == 20


def test_one_participants_concurrent_ballots_count_once(concurrent, db, create_poll, create_user, api_headers):
    poll = create_poll()
    headers = api_headers(create_user())
    body, _cells = ballot_body(poll)
    statuses = [status for status, _body in concurrent([("POST", ballots_url(poll), body, headers)] * 10)]
    assert statuses.count(201) == 1 and statuses.count(409) == 9
    assert_exact(db, poll)


def test_a_ballot_costs_at_most_six_statements(client, db, create_poll, create_user, api_headers, count_queries):
    poll = create_poll()
    headers = api_headers(create_user())
    body, _cells = ballot_body(poll)
    with count_queries() as counter:
        response = client.post(ballots_url(poll), json=body, headers=headers)
    assert response.status_code == 201
    writes = [s for s in counter.statements if not s.lstrip().upper().startswith("SELECT")]
    assert len(counter.statements) <= 6, counter.statements
    # The token, the poll with its questions, one insert for the ballot, one for all its answers, one
    # upsert of the tallies, and the token's first use. No plugin implements ballot_submitted: no query
    # for the region's plugins either.
    assert not any("region_plugins" in s for s in counter.statements)
    assert sum(s.lstrip().upper().startswith("INSERT INTO BALLOT_ANSWERS") for s in writes) == 1
    assert sum(s.lstrip().upper().startswith("INSERT INTO POLL_TALLIES") for s in writes) == 1
    assert not any(s.lstrip().upper().startswith("UPDATE POLLS") for s in writes)  # no hot row


def test_results_statements_do_not_grow_with_ballots(client, db, create_poll, create_user, api_headers,
                                                     count_queries):
    poll = create_poll()
    moderator = create_user(role="moderator", regions=[poll.region])

    def counted(n_more):
        for _i in range(n_more):
            body, _cells = ballot_body(poll)
            assert client.post(ballots_url(poll), json=body, headers=api_headers(create_user())).status_code == 201
        tokens = api_headers(moderator)
        with count_queries() as anonymous:
            assert client.get(f"/api/v1/polls/{poll.id}/results").status_code == 200
        with count_queries() as moderated:
            assert client.get(f"/api/v1/polls/{poll.id}/results", headers=tokens).status_code == 200
        return len(anonymous.statements), len(moderated.statements)

    small = counted(3)
    large = counted(30)  # 10x the ballots
    assert small == large
    assert large[1] <= 8


def test_results_page_and_ranking_statements_do_not_grow(client, db, create_poll, create_user, api_headers,
                                                         count_queries):
    survey = create_poll()
    problems = create_poll(kind="problem_definition", phase="comparing", problems=PROBLEMS)
    ids = sorted(db.session.scalars(select(Problem.id).where(Problem.poll_id == problems.id)))
    pairs = list(combinations(ids, 2))

    def counted(people):
        for _i in range(people):
            headers = api_headers(create_user())
            body, _cells = ballot_body(survey)
            assert client.post(ballots_url(survey), json=body, headers=headers).status_code == 201
            for first, second in pairs:
                assert client.post(f"/api/v1/polls/{problems.id}/comparisons", headers=headers,
                                   json={"winner_id": first, "loser_id": second}).status_code == 201
        counts = []
        for path in (f"/umfragen/{survey.id}/ergebnisse", f"/umfragen/{problems.id}/ergebnisse",
                     f"/api/v1/polls/{problems.id}/results"):
            with count_queries() as counter:
                assert client.get(path).status_code == 200
            counts.append(len(counter.statements))
        return counts

    assert counted(2) == counted(20)  # 10x the ballots and comparisons


def test_comparisons_are_tallied_exactly_and_rank_the_problems(client, db, create_poll, create_user, api_headers):
    poll = create_poll(kind="problem_definition", phase="comparing", problems=PROBLEMS)
    ids = sorted(db.session.scalars(select(Problem.id).where(Problem.poll_id == poll.id)))
    strongest = ids[2]
    for person in range(4):
        headers = api_headers(create_user())
        for first, second in combinations(ids, 2):
            if person == 3 and first == ids[0]:
                body = {"winner_id": first, "loser_id": second, "undecided": True}
            else:
                winner = strongest if strongest in (first, second) else min(first, second)
                body = {"winner_id": winner, "loser_id": first + second - winner}
            response = client.post(f"/api/v1/polls/{poll.id}/comparisons", json=body, headers=headers)
            assert response.status_code == 201, response.get_data(as_text=True)
    db.session.expire_all()
    assert tallies.differences(poll) == []
    data = results(client, poll)
    assert data["total_comparisons"] == 4 * 6
    assert data["total_ballots"] == 4
    assert data["ranking"][0]["problem_id"] == strongest
    ties = db.session.scalar(select(func.sum(PairTally.ties)).where(PairTally.poll_id == poll.id))
    assert ties == 3
    # A refused comparison (the same pair again) counts nothing.
    again = client.post(f"/api/v1/polls/{poll.id}/comparisons", json={"winner_id": ids[0], "loser_id": ids[1]},
                        headers=headers)
    assert again.status_code == 409
    db.session.expire_all()
    assert results(client, poll)["total_comparisons"] == 24
    assert tallies.differences(poll) == []


def test_concurrent_comparisons_are_all_counted(concurrent, db, create_poll, create_user, api_headers):
    poll = create_poll(kind="problem_definition", phase="comparing", problems=PROBLEMS)
    ids = sorted(db.session.scalars(select(Problem.id).where(Problem.poll_id == poll.id)))
    requests = [("POST", f"/api/v1/polls/{poll.id}/comparisons", {"winner_id": a, "loser_id": b},
                 api_headers(create_user())) for a, b in combinations(ids, 2) for _twice in range(2)]
    statuses = [status for status, _body in concurrent(requests)]
    assert statuses == [201] * len(requests)
    db.session.expire_all()
    assert tallies.differences(poll) == []
    assert int(tallies.counters(poll)[tallies.PARTICIPANTS]) == len(requests)
    assert db.session.scalar(select(func.count()).select_from(Comparison).where(Comparison.poll_id == poll.id)) \
        == len(requests)


def test_recount_command_finds_and_mends_differing_tallies(app, client, db, create_poll, create_user, api_headers):
    poll = create_poll()
    for _i in range(3):
        body, _cells = ballot_body(poll)
        assert client.post(ballots_url(poll), json=body, headers=api_headers(create_user())).status_code == 201
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["polls", "recount", "--check"])
    assert checked.exit_code == 0, checked.output
    assert "0 mit Abweichungen" in checked.output
    # A tally changed behind the engine's back (as after a bulk import of ballots) ...
    shard = db.session.scalar(select(func.min(Tally.shard)).where(Tally.poll_id == poll.id, Tally.cell == "ballots"))
    db.session.execute(update(Tally).where(Tally.poll_id == poll.id, Tally.cell == "ballots", Tally.shard == shard)
                       .values(cells=Tally.cells + 5))
    db.session.commit()
    checked = runner.invoke(args=["polls", "recount", "--check"])
    assert checked.exit_code == 1
    assert f"Umfrage {poll.id}: 1 Abweichungen" in checked.output and "ballots" in checked.output
    db.session.expire_all()
    assert db.session.scalar(select(Poll.ballot_count).where(Poll.id == poll.id)) == 8  # --check changed nothing
    mended = runner.invoke(args=["polls", "recount", "--poll", str(poll.id)])
    assert mended.exit_code == 0, mended.output
    assert_exact(db, poll)
    assert db.session.scalar(select(Poll.ballot_count).where(Poll.id == poll.id)) == 3
    unknown = runner.invoke(args=["polls", "recount", "--poll", "999999"])
    assert unknown.exit_code != 0 and "gibt es nicht" in unknown.output
