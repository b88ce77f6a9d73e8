"""The poll engine end to end through the API: create, open, answer once, results, CSV, close."""

import csv
import io

from api_support import count, error_of

from beteiligung.polls.models import AccessCode, Answer, Ballot, Poll


def answers_for(poll, choice=0, scale=4, text="Mehr Radwege bitte."):
    q = {question.type: question for question in poll.questions}
    return {"answers": [
        {"question_id": q["single_choice"].id, "value": q["single_choice"].options[choice].id},
        {"question_id": q["multiple_choice"].id, "value": [q["multiple_choice"].options[0].id]},
        {"question_id": q["scale"].id, "value": scale},
        {"question_id": q["ranking"].id, "value": [o.id for o in q["ranking"].options[:2]]},
        {"question_id": q["text"].id, "value": text},
    ]}


def test_moderator_creates_opens_and_citizens_answer_once(api, create_region, create_user, db):
    region = create_region()
    moderator = create_user(role="moderator", regions=[region])
    body = {"region": region.slug, "title": "Digitale Verwaltung", "kind": "survey", "audience": "accounts",
            "results_visibility": "live", "questions": [
                {"type": "single_choice", "text": "Nutzen Sie das Bürgerportal?", "required": True,
                 "options": ["Ja", "Nein"]},
                {"type": "scale", "text": "Wie gut finden Sie sich zurecht?",
                 "settings": {"min": 1, "max": 5, "labels": {"1": "schlecht", "5": "gut"}}}]}
    response = api.post("/api/v1/polls", user=moderator, json=body)
    assert response.status_code == 201, response.get_json()
    poll = response.get_json()
    assert poll["status"] == "draft" and len(poll["questions"]) == 2
    assert [o["label"] for o in poll["questions"][0]["options"]] == ["Ja", "Nein"]

    citizen = create_user()
    yes = poll["questions"][0]["options"][0]["id"]
    ballot = {"answers": [{"question_id": poll["questions"][0]["id"], "value": yes},
                          {"question_id": poll["questions"][1]["id"], "value": 4}]}
    error_of(api.post(f"/api/v1/polls/{poll['id']}/ballots", user=citizen, json=ballot), 404)  # draft: hidden

    assert api.post(f"/api/v1/polls/{poll['id']}/open", user=moderator).get_json()["status"] == "open"
    assert api.post(f"/api/v1/polls/{poll['id']}/ballots", user=citizen, json=ballot).status_code == 201
    error = error_of(api.post(f"/api/v1/polls/{poll['id']}/ballots", user=citizen, json=ballot), 409)
    assert "bereits teilgenommen" in error["message"]
    assert count(db, Ballot) == 1 and count(db, Answer) == 2

    results = api.get(f"/api/v1/polls/{poll['id']}/results").get_json()
    assert results["total_ballots"] == 1
    assert all(q["withheld"] for q in results["questions"])  # fewer than 5: no breakdown
    assert "options" not in results["questions"][0]


def test_results_aggregate_counts_shares_means_and_positions(api, create_poll, create_user, db):
    poll = create_poll()
    for i in range(6):
        api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(),
                 json=answers_for(poll, choice=i % 2, scale=i % 5 + 1))
    results = api.get(f"/api/v1/polls/{poll.id}/results").get_json()
    assert results["total_ballots"] == 6
    by_type = {q["type"]: q for q in results["questions"]}
    single = by_type["single_choice"]
    assert [o["count"] for o in single["options"]] == [3, 3, 0, 0]
    assert single["options"][0]["share"] == 0.5 and single["other_count"] == 0
    scale = by_type["scale"]
    assert scale["mean"] == round((1 + 2 + 3 + 4 + 5 + 1) / 6, 2)
    assert [d["count"] for d in scale["distribution"]] == [2, 1, 1, 1, 1]
    ranking = by_type["ranking"]
    assert [o["average_position"] for o in ranking["options"]] == [1.0, 2.0, None]
    assert by_type["text"]["answers"] == 6 and "texts" not in by_type["text"]

    rows = list(csv.reader(io.StringIO(api.get(f"/api/v1/polls/{poll.id}/results.csv").get_data(as_text=True))))
    assert rows[0] == ["question_id", "question", "type", "option", "measure", "value"]
    assert [str(single["question_id"]), single["text"], "single_choice", "Zu Fuß", "count", "3"] in rows


def test_moderator_sees_written_answers_public_only_counts(api, create_poll, create_user):
    poll = create_poll()
    moderator = create_user(role="moderator", regions=[poll.region])
    for i in range(5):
        api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(), json=answers_for(poll, text=f"Idee {i}"))
    public = {q["type"]: q for q in api.get(f"/api/v1/polls/{poll.id}/results").get_json()["questions"]}
    assert "texts" not in public["text"]
    response = api.get(f"/api/v1/polls/{poll.id}/results", user=moderator)
    private = {q["type"]: q for q in response.get_json()["questions"]}
    assert sorted(private["text"]["texts"]) == [f"Idee {i}" for i in range(5)]


def test_access_codes_take_part_once(api, create_poll, create_user, db):
    poll = create_poll(audience="access_codes")
    moderator = create_user(role="moderator", regions=[poll.region])
    codes = api.post(f"/api/v1/polls/{poll.id}/access-codes", user=moderator, json={"count": 3}).get_json()["codes"]
    assert len(codes) == 3 and all(len(c) == 9 and c[4] == "-" for c in codes)
    headers = {"Authorization": f"AccessCode {codes[0].lower()}"}
    assert api.post(f"/api/v1/polls/{poll.id}/ballots", headers=headers, json=answers_for(poll)).status_code == 201
    error_of(api.post(f"/api/v1/polls/{poll.id}/ballots", headers=headers, json=answers_for(poll)), 409)
    assert db.session.get(AccessCode, db.session.scalar(
        AccessCode.__table__.select().with_only_columns(AccessCode.id).where(
            AccessCode.code == codes[0].replace("-", "")))).used_at is not None
    # an account may not take part in a codes-only poll
    error_of(api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(), json=answers_for(poll)), 403)
    error_of(api.post(f"/api/v1/polls/{poll.id}/ballots", headers={"Authorization": "AccessCode XXXX-XXXX"},
                      json=answers_for(poll)), 401)
    assert count(db, Ballot) == 1


def test_close_then_refuse_ballots(api, create_poll, create_user, db):
    poll = create_poll()
    moderator = create_user(role="moderator", regions=[poll.region])
    assert api.post(f"/api/v1/polls/{poll.id}/close", user=moderator).get_json()["status"] == "closed"
    error = error_of(api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(), json=answers_for(poll)), 409)
    assert "beendet" in error["message"]
    assert db.session.get(Poll, poll.id).closed_at is not None


def test_problem_definition_flow(api, create_poll, create_user, db):
    poll = create_poll(kind="problem_definition", phase="collecting",
                       problems=["Busse fahren in den Dörfern zu selten", "Radwege zwischen den Orten fehlen",
                                 "Keine Mobilstationen am Bahnhof"])
    moderator = create_user(role="moderator", regions=[poll.region])
    citizen = create_user()
    submitted = api.post(f"/api/v1/polls/{poll.id}/problems", user=citizen,
                         json={"text": "Der Rufbus muss einen Tag vorher bestellt werden"})
    assert submitted.status_code == 201 and submitted.get_json()["status"] == "pending"
    pid = submitted.get_json()["id"]
    assert api.patch(f"/api/v1/problems/{pid}", user=moderator, json={"status": "approved"}).status_code == 200
    assert api.patch(f"/api/v1/polls/{poll.id}", user=moderator, json={"phase": "comparing"}).status_code == 200
    seen = set()
    while True:
        response = api.get(f"/api/v1/polls/{poll.id}/pair", user=citizen)
        if response.status_code == 204:
            break
        a, b = response.get_json()["problems"]
        seen.add(frozenset((a["id"], b["id"])))
        winner, loser = (a, b) if "Bus" in a["text"] or "Rufbus" in b["text"] else (b, a)
        assert api.post(f"/api/v1/polls/{poll.id}/comparisons", user=citizen,
                        json={"winner_id": winner["id"], "loser_id": loser["id"]}).status_code == 201
    assert len(seen) == 6  # every pair of 4 problems once
    results = api.get(f"/api/v1/polls/{poll.id}/results").get_json()
    assert results["total_comparisons"] == 6
    ranking = results["ranking"]
    assert len(ranking) == 4 and all(r["low"] <= r["score"] <= r["high"] for r in ranking)
    assert sum(r["comparisons"] for r in ranking) == 12


def test_a_ballot_refused_after_its_insert_leaves_nothing_behind(app, db, create_poll):
    """The code turns out to be used only after the ballot row was written: the ballot must go too."""
    from sqlalchemy import update

    from beteiligung.errors import Conflict
    from beteiligung.polls import services
    from beteiligung.timeutil import utcnow

    poll = create_poll(audience="access_codes")
    code = AccessCode(poll_id=poll.id, code="SPAT1234")
    db.session.add(code)
    db.session.commit()
    # Another request uses the code between our check and our write (its own connection, committed).
    with db.engine.begin() as other:
        other.execute(update(AccessCode).where(AccessCode.id == code.id).values(used_at=utcnow()))
    db.session.expire_all()
    code = db.session.get(AccessCode, code.id)
    code.used_at = None  # what this request believes (it looked before the other request wrote)
    db.session.expunge(code)
    question = poll.questions[0]
    try:
        services.submit_ballot(services.Participant(code=code), poll, {question.id: question.options[0].id})
    except Conflict:
        db.session.rollback()
    else:
        raise AssertionError("the used code was accepted")
    assert count(db, Ballot) == 0 and count(db, Answer) == 0


def test_the_test_client_follows_redirects(client, auth, create_user, create_poll):
    auth.login(create_user())
    poll = create_poll()
    question = poll.questions[0]
    response = client.post(f"/umfragen/{poll.id}/teilnehmen", follow_redirects=True,
                           data={f"q{question.id}": str(question.options[0].id)})
    assert response.status_code == 200 and "Vielen Dank" in response.get_data(as_text=True)


def test_results_are_aggregated_once_per_ballot_count(api, create_poll, create_user, count_queries):
    poll = create_poll()
    for i in range(5):
        api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(), json=answers_for(poll, choice=i % 2))
    with count_queries() as first:
        before = api.get(f"/api/v1/polls/{poll.id}/results").get_json()
    with count_queries() as second:
        assert api.get(f"/api/v1/polls/{poll.id}/results").get_json() == before
    assert second.count < first.count
    assert not any("ballot_answers" in statement for statement in second.statements)
    api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(), json=answers_for(poll, choice=0))
    after = api.get(f"/api/v1/polls/{poll.id}/results").get_json()
    single = next(q for q in after["questions"] if q["type"] == "single_choice")
    assert after["total_ballots"] == 6 and single["options"][0]["count"] == 4  # a new ballot is seen at once


def test_a_scale_label_key_like_minus_minus_three_is_refused_not_a_crash(api, db, create_region, create_user):
    region = create_region()
    moderator = create_user(role="moderator", regions=[region])
    response = api.post("/api/v1/polls", user=moderator, json={
        "region": region.slug, "title": "Skala", "questions": [
            {"type": "scale", "text": "Wie gut?", "settings": {"labels": {"--3": "schlecht"}}}]})
    assert "Stufen 1 bis 5" in error_of(response, 422)["fields"]["questions.0"][0]
    assert count(db, Poll) == 0
