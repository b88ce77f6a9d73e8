"""JSON API of the poll engine: creating, editing, opening and closing polls, ballots and their refusals,
results and their visibility (JSON and CSV), access codes, problem-definition polls and query counts.

Every refusal is checked twice: the error has the contract's shape and status, and nothing was stored
(the rows of every poll table, the used access codes and the ballot counters are the same as before).
"""

import copy
import csv
import io
import re
from datetime import timedelta
from itertools import combinations
from types import SimpleNamespace

import pytest
from api_support import count, error_of
from sqlalchemy import select, update

from beteiligung.audit.models import AuditEntry
from beteiligung.polls.models import (
    AccessCode,
    Answer,
    Ballot,
    Comparison,
    Option,
    PairTally,
    Poll,
    Problem,
    Question,
    Tally,
)
from beteiligung.polls.services import tallies
from beteiligung.timeutil import utcnow

POLLS = "/api/v1/polls"
CODE_FORMAT = re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")
OMIT = object()
PROBLEMS = ["Busse fahren in den Dörfern zu selten", "Radwege zwischen den Orten fehlen",
            "Keine Mobilstationen am Bahnhof", "Der Rufbus muss einen Tag vorher bestellt werden"]
QUESTIONS = [
    {"type": "single_choice", "text": "Nutzen Sie das Bürgerportal?", "required": True, "options": ["Ja", "Nein"]},
    {"type": "scale", "text": "Wie gut finden Sie sich zurecht?",
     "settings": {"min": 1, "max": 5, "labels": {"1": "schlecht", "5": "gut"}}},
]


# --- helpers -----------------------------------------------------------------------------------

@pytest.fixture
def app_config(request):
    """Settings per test: ``@pytest.mark.parametrize("app_config", [{…}])`` (direct or indirect) changes them."""
    return getattr(request, "param", {})


@pytest.fixture
def people(create_region, create_user):
    """A home region with its moderator, another region with its moderator (the stranger), an admin, citizens."""
    home, elsewhere = create_region(slug="heimat", name="Heimat"), create_region(slug="anderswo", name="Anderswo")
    return SimpleNamespace(
        home=home, elsewhere=elsewhere, anonymous=None,
        moderator=create_user(role="moderator", regions=[home], pseudonym="Moderation Heimat"),
        stranger=create_user(role="moderator", regions=[elsewhere], pseudonym="Moderation Anderswo"),
        admin=create_user(role="admin", pseudonym="Administration"),
        citizen=create_user(pseudonym="Anna"),
        other_citizen=create_user(pseudonym="Bert"),
    )


def url(poll, suffix=""):
    return f"{POLLS}/{poll if isinstance(poll, int) else poll.id}{suffix}"


def snapshot(db):
    """What a refused request must not change: rows of every poll table, used codes, counters, audit entries."""
    db.session.expire_all()
    state = {model.__name__: count(db, model) for model in
             (Poll, Question, Option, Ballot, Answer, Problem, Comparison, AccessCode, AuditEntry)}
    state["used codes"] = count(db, AccessCode, AccessCode.used_at.is_not(None))
    state["tallies"] = sorted(db.session.execute(select(Tally.poll_id, Tally.cell, Tally.shard, Tally.cells,
                                                        Tally.heads, Tally.texts)).all())
    state["pair tallies"] = sorted(db.session.execute(select(PairTally.poll_id, PairTally.first_id,
                                                             PairTally.second_id, PairTally.shard, PairTally.first_wins,
                                                             PairTally.second_wins, PairTally.ties)).all())
    state["polls"] = sorted(db.session.execute(select(Poll.id, Poll.title, Poll.state, Poll.phase, Poll.audience,
                                                      Poll.results_visibility)).all())
    state["questions"] = sorted(db.session.execute(select(Question.id, Question.poll_id, Question.text)).all())
    state["problems"] = sorted(db.session.execute(select(Problem.id, Problem.status, Problem.reason,
                                                         Problem.merged_into_id)).all())
    return state


def refused(api, db, method, path, status, **kwargs):
    """Send a request that must be refused with ``status``; check that nothing changed; return the error."""
    before = snapshot(db)
    error = error_of(api.open(method, path, **kwargs), status)
    assert snapshot(db) == before, f"{method} {path} was refused with {status} but changed the database"
    return error


def by_type(poll):
    return {question.type: question for question in poll.questions}


def ballot(poll, **values):
    """A valid ballot for a poll with SAMPLE_QUESTIONS; ``type=value`` replaces an answer, ``type=OMIT`` drops it."""
    q = by_type(poll)
    answers = {
        "single_choice": q["single_choice"].options[0].id,
        "multiple_choice": [q["multiple_choice"].options[0].id],
        "scale": 4,
        "ranking": [option.id for option in q["ranking"].options[:2]],
        "text": "Mehr Radwege bitte.",
    }
    answers.update(values)
    return {"answers": [{"question_id": q[kind].id, "value": value} for kind, value in answers.items()
                        if value is not OMIT]}


def add_ballots(db, poll, n):
    """n ballots written directly (anonymous, as after deleted accounts), each answering every question."""
    ballots = [Ballot(poll_id=poll.id) for _i in range(n)]
    db.session.add_all(ballots)
    db.session.flush()
    rows = []
    for i, stored in enumerate(ballots):
        for question in poll.questions:
            options, settings = question.options, question.settings
            if question.type == "single_choice":
                cells = [(options[i % len(options)].id, None, None)]
            elif question.type == "multiple_choice":
                cells = [(options[0].id, None, None)] + ([(options[1].id, None, None)] if i % 2 else [])
            elif question.type == "scale":
                cells = [(None, settings["min"] + i % (settings["max"] - settings["min"] + 1), None)]
            elif question.type == "ranking":
                cells = [(options[(i + k) % len(options)].id, k + 1, None) for k in range(settings["top"])]
            else:
                cells = [(None, None, f"Antwort {i}")]
            rows += [Answer(ballot_id=stored.id, poll_id=poll.id, question_id=question.id, seq=seq, option_id=option,
                            number=number, text=text) for seq, (option, number, text) in enumerate(cells)]
    db.session.add_all(rows)
    db.session.flush()
    tallies.recount(poll)  # written directly, past the engine: count them as the operators' recount does
    db.session.commit()


def add_code(db, poll, code="ABCD2345", used=False):
    stored = AccessCode(poll_id=poll.id, code=code, used_at=utcnow() if used else None)
    db.session.add(stored)
    db.session.commit()
    return stored


def code_header(code):
    return {"Authorization": f"AccessCode {code}"}


def approved(db, poll):
    return db.session.scalars(select(Problem).where(Problem.poll_id == poll.id, Problem.status == "approved")
                              .order_by(Problem.id)).all()


def add_problem(db, poll, text="Die Straßenlaternen gehen zu früh aus", status="pending", reason=None):
    problem = Problem(poll_id=poll.id, text=text, status=status, reason=reason)
    db.session.add(problem)
    db.session.commit()
    return problem


def add_comparisons(db, poll, n):
    """n comparisons written directly, spread over all pairs of the approved problems; every fifth a tie."""
    pairs = list(combinations([problem.id for problem in approved(db, poll)], 2))
    db.session.add_all([Comparison(poll_id=poll.id, first_id=pairs[i % len(pairs)][0],
                                   second_id=pairs[i % len(pairs)][1],
                                   winner_id=None if i % 5 == 4 else pairs[i % len(pairs)][i % 2])
                        for i in range(n)])
    db.session.flush()
    tallies.recount(poll)
    db.session.commit()


def csv_rows(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def poll_body(home, **overrides):
    body = {"region": home.slug, "title": "Digitale Verwaltung", "kind": "survey", "audience": "accounts",
            "results_visibility": "live", "questions": copy.deepcopy(QUESTIONS)}
    body.update(overrides)
    return body


def problem_poll(create_poll, people, **kwargs):
    kwargs.setdefault("problems", PROBLEMS)
    return create_poll(region=people.home, kind="problem_definition", **kwargs)


# --- 1. creating polls -------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["moderator", "admin"])
def test_moderator_and_admin_create_a_draft(api, db, people, who):
    response = api.post(POLLS, user=getattr(people, who), json=poll_body(people.home, questions=QUESTIONS + [
        {"type": "multiple_choice", "text": "Welche Dienste nutzen Sie?", "options": ["A", "B", "C"],
         "settings": {"min": 1, "max": 2}},
        {"type": "ranking", "text": "Was zuerst?", "options": ["X", "Y", "Z"], "settings": {"top": 2}},
        {"type": "text", "text": "Sonst noch etwas?", "settings": {"max_length": 300}}]))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "draft" and body["region"] == "heimat" and body["title"] == "Digitale Verwaltung"
    assert [q["type"] for q in body["questions"]] == ["single_choice", "scale", "multiple_choice", "ranking", "text"]
    for question in body["questions"]:
        assert {"id", "type", "text", "required", "settings", "options"} <= set(question)
    assert [o["label"] for o in body["questions"][0]["options"]] == ["Ja", "Nein"]
    assert all(isinstance(o["id"], int) for o in body["questions"][0]["options"])
    assert body["questions"][0]["required"] is True and body["questions"][1]["required"] is False
    assert body["questions"][1]["settings"]["min"] == 1 and body["questions"][1]["settings"]["max"] == 5
    assert body["questions"][2]["settings"] == {"min": 1, "max": 2}
    assert body["questions"][3]["settings"] == {"top": 2}
    assert body["questions"][4]["settings"] == {"max_length": 300}
    poll = db.session.get(Poll, body["id"])
    assert poll.region_id == people.home.id and poll.state == "draft"
    assert poll.created_by_id == getattr(people, who).id
    assert count(db, Question, Question.poll_id == poll.id) == 5


def test_minimal_create_body_gets_defaults(api, db, people):
    response = api.post(POLLS, user=people.moderator, json={"region": "heimat", "title": "Nur ein Titel"})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["kind"] == "survey" and body["questions"] == [] and body["status"] == "draft"
    assert body["audience"] in ("accounts", "access_codes", "both")
    assert body["results_visibility"] in ("live", "after_close", "moderators")


def test_create_problem_definition_poll(api, db, people):
    response = api.post(POLLS, user=people.moderator, json=poll_body(people.home, kind="problem_definition",
                                                                       questions=None))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["kind"] == "problem_definition" and body["phase"] == "collecting" and body["questions"] == []


def test_create_without_token_is_401(api, db, people):
    refused(api, db, "POST", POLLS, 401, json=poll_body(people.home))


def test_create_with_a_bad_token_is_401(api, db, people):
    refused(api, db, "POST", POLLS, 401, json=poll_body(people.home), headers={"Authorization": "Bearer falsch"})


@pytest.mark.parametrize("who", ["citizen", "stranger"])
def test_create_by_citizen_or_other_regions_moderator_is_403(api, db, people, who):
    refused(api, db, "POST", POLLS, 403, user=getattr(people, who), json=poll_body(people.home))


def _questions(index, **changes):
    def change(body):
        body["questions"][index].update(changes)
    return change


def _extra_question(definition):
    def change(body):
        body["questions"].append(definition)
    return change


INVALID_CREATE = [
    ("unknown region", lambda body: body.update(region="gibt-es-nicht"), "region"),
    ("missing title", lambda body: body.pop("title"), "title"),
    ("empty title", lambda body: body.update(title=""), "title"),
    ("short title", lambda body: body.update(title="ab"), "title"),
    ("blank title", lambda body: body.update(title="   ab   "), "title"),
    ("long title", lambda body: body.update(title="x" * 201), "title"),
    ("unknown type", _questions(0, type="essay"), "questions.0"),
    ("plugin type not enabled", _questions(0, type="sample.stars", options=[]), "questions.0"),
    ("one option", _questions(0, options=["Ja"]), "questions.0"),
    ("no options", _questions(0, options=[]), "questions.0"),
    ("duplicate options", _questions(0, options=["Ja", "Nein", "Ja"]), "questions.0"),
    ("duplicate after trimming", _questions(0, options=["Ja", " Ja "]), "questions.0"),
    ("empty option", _questions(0, options=["Ja", "   "]), "questions.0"),
    ("short question text", _questions(0, text="W?"), "questions.0"),
    ("scale min = max", _questions(1, settings={"min": 3, "max": 3}), "questions.1"),
    ("scale min > max", _questions(1, settings={"min": 5, "max": 1}), "questions.1"),
    ("scale min as text", _questions(1, settings={"min": "1", "max": 5}), "questions.1"),
    ("scale with options", _questions(1, options=["a", "b"]), "questions.1"),
    ("allow_other on scale", _questions(1, allow_other=True), "questions.1"),
    ("scale label out of range", _questions(1, settings={"min": 1, "max": 5, "labels": {"6": "zu viel"}}),
     "questions.1"),
    ("scale labels not an object", _questions(1, settings={"min": 1, "max": 5, "labels": ["gar nicht"]}),
     "questions.1"),
    ("settings not an object", _questions(1, settings=[1, 5]), "questions.1.settings"),
    ("option not a string", _questions(0, options=["Ja", 2]), "questions.0.options.1"),
    ("multiple min > max", _extra_question({"type": "multiple_choice", "text": "Welche?", "options": ["A", "B", "C"],
                                            "settings": {"min": 3, "max": 2}}), "questions.2"),
    ("multiple max > options", _extra_question({"type": "multiple_choice", "text": "Welche?",
                                                "options": ["A", "B"], "settings": {"max": 5}}), "questions.2"),
    ("ranking top > options", _extra_question({"type": "ranking", "text": "Was zuerst?", "options": ["A", "B", "C"],
                                               "settings": {"top": 4}}), "questions.2"),
    ("ranking top 0", _extra_question({"type": "ranking", "text": "Was zuerst?", "options": ["A", "B", "C"],
                                       "settings": {"top": 0}}), "questions.2"),
    ("text max_length too small", _extra_question({"type": "text", "text": "Sonst?", "settings": {"max_length": 5}}),
     "questions.2"),
    ("text max_length too large", _extra_question({"type": "text", "text": "Sonst?",
                                                   "settings": {"max_length": 20000}}), "questions.2"),
    ("allow_other on text", _extra_question({"type": "text", "text": "Sonst?", "allow_other": True}), "questions.2"),
    ("closes before opens", lambda body: body.update(opens_at="2030-05-02T10:00:00+02:00",
                                                     closes_at="2030-05-01T10:00:00+02:00"), "closes_at"),
    ("closes when opens", lambda body: body.update(opens_at="2030-05-02T10:00:00+02:00",
                                                   closes_at="2030-05-02T10:00:00+02:00"), "closes_at"),
    ("problem poll with questions", lambda body: body.update(kind="problem_definition"), "questions"),
    ("51 questions", lambda body: body.update(questions=[copy.deepcopy(QUESTIONS[1]) for _i in range(51)]),
     "questions"),
    ("unknown template", lambda body: body.update(template="nope:x"), "template"),
    ("unknown kind", lambda body: body.update(kind="quiz"), "kind"),
    ("unknown audience", lambda body: body.update(audience="everyone"), "audience"),
    ("unknown visibility", lambda body: body.update(results_visibility="never"), "results_visibility"),
    ("questions not a list", lambda body: body.update(questions={"type": "text"}), "questions"),
    ("consultation id too big", lambda body: body.update(consultation_id=2**31), "consultation_id"),
    ("unknown consultation", lambda body: body.update(consultation_id=987654), "consultation_id"),
    ("date out of range", lambda body: body.update(opens_at="1900-01-01T00:00:00+00:00"), "opens_at"),
]


@pytest.mark.parametrize("change, field", [case[1:] for case in INVALID_CREATE],
                         ids=[case[0] for case in INVALID_CREATE])
def test_create_refuses_invalid_bodies_with_the_field(api, db, people, change, field):
    body = poll_body(people.home)
    change(body)
    error = refused(api, db, "POST", POLLS, 422, user=people.moderator, json=body)
    assert error["code"] == "invalid"
    assert field in error["fields"], error["fields"]
    assert all(isinstance(messages, list) and messages for messages in error["fields"].values())


def test_create_reports_every_broken_question(api, db, people):
    body = poll_body(people.home)
    body["questions"][0]["options"] = ["Ja"]
    body["questions"][1]["settings"] = {"min": 4, "max": 2}
    error = refused(api, db, "POST", POLLS, 422, user=people.moderator, json=body)
    assert {"questions.0", "questions.1"} <= set(error["fields"])


def test_create_refuses_a_consultation_of_another_region(api, db, people, create_consultation):
    consultation = create_consultation(region=people.elsewhere)
    error = refused(api, db, "POST", POLLS, 422, user=people.moderator,
                    json=poll_body(people.home, consultation_id=consultation.id))
    assert "consultation_id" in error["fields"]
    mine = create_consultation(region=people.home)
    response = api.post(POLLS, user=people.moderator, json=poll_body(people.home, consultation_id=mine.id))
    assert response.status_code == 201 and response.get_json()["consultation_id"] == mine.id


@pytest.mark.parametrize("data, content_type", [
    ('{"region": "heimat", "title": ', "application/json"),
    ("[1, 2, 3]", "application/json"),
    ('"nur ein Text"', "application/json"),
    ("null", "application/json"),
    ("", "application/json"),
    ("region=heimat&title=Formular", "application/x-www-form-urlencoded"),
], ids=["malformed", "list", "string", "null", "empty", "form"])
def test_create_refuses_non_object_bodies_with_400(api, db, people, data, content_type):
    error = refused(api, db, "POST", POLLS, 400, user=people.moderator, data=data, content_type=content_type)
    assert error["code"] == "bad_request"


def test_create_with_a_nul_byte_in_the_region_is_422_not_500(api, db, people):
    error = refused(api, db, "POST", POLLS, 422, user=people.moderator,
                    json=poll_body(people.home, region="hei\x00mat"))
    assert "region" in error["fields"]


def test_create_never_500_on_surrogates_and_nul_bytes_in_texts(api, db, people):
    error = refused(api, db, "POST", POLLS, 400, user=people.moderator,
                    data='{"region": "heimat", "title": "Umfrage \\ud800"}', content_type="application/json")
    assert error["code"] == "bad_request"
    response = api.post(POLLS, user=people.moderator, json=poll_body(people.home, title="Um\x00frage"))
    assert response.status_code == 201 and response.get_json()["title"] == "Umfrage"


# --- 2. editing polls ----------------------------------------------------------------------------

def test_moderator_edits_the_title(api, db, people, create_poll):
    poll = create_poll(region=people.home, status="draft")
    response = api.patch(url(poll), user=people.moderator, json={"title": "Neuer Titel der Umfrage"})
    assert response.status_code == 200 and response.get_json()["title"] == "Neuer Titel der Umfrage"
    assert db.session.get(Poll, poll.id).title == "Neuer Titel der Umfrage"


def test_questions_are_replaced_while_draft_without_ballots(api, db, people, create_poll):
    poll = create_poll(region=people.home, status="draft")
    response = api.patch(url(poll), user=people.moderator, json={"questions": [
        {"type": "single_choice", "text": "Neue einzige Frage?", "options": ["Eins", "Zwei", "Drei"]}]})
    assert response.status_code == 200, response.get_data(as_text=True)
    questions = response.get_json()["questions"]
    assert len(questions) == 1 and questions[0]["text"] == "Neue einzige Frage?"
    assert [o["label"] for o in questions[0]["options"]] == ["Eins", "Zwei", "Drei"]
    assert db.session.scalars(select(Question.text)).all() == ["Neue einzige Frage?"]  # the old ones are gone
    assert db.session.scalars(select(Option.label).order_by(Option.position)).all() == ["Eins", "Zwei", "Drei"]


def test_questions_are_locked_after_the_first_ballot(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    assert api.post(url(poll, "/ballots"), user=people.citizen, json=ballot(poll)).status_code == 201
    before = [(q.id, q.text, [o.id for o in q.options]) for q in poll.questions]
    error = refused(api, db, "PATCH", url(poll), 409, user=people.moderator, json={"questions": [
        {"type": "text", "text": "Ganz andere Frage?"}]})
    assert "nicht mehr geändert" in error["message"]
    db.session.expire_all()
    assert [(q.id, q.text, [o.id for o in q.options]) for q in db.session.get(Poll, poll.id).questions] == before


def test_closed_poll_cannot_be_edited(api, db, people, create_poll):
    poll = create_poll(region=people.home, status="closed")
    refused(api, db, "PATCH", url(poll), 409, user=people.moderator, json={"title": "Geänderter Titel"})
    assert db.session.get(Poll, poll.id).title == "Mobilität in der Innenstadt"


@pytest.mark.parametrize("who", ["citizen", "stranger"])
def test_edit_by_citizen_or_other_regions_moderator_is_403(api, db, people, create_poll, who):
    poll = create_poll(region=people.home)
    refused(api, db, "PATCH", url(poll), 403, user=getattr(people, who), json={"title": "Übernommen!"})


def test_edit_without_token_is_401(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    refused(api, db, "PATCH", url(poll), 401, json={"title": "Übernommen!"})


@pytest.mark.parametrize("body, field", [
    ({"title": "x"}, "title"),
    ({"title": None}, "title"),
    ({"phase": "comparing"}, "phase"),
    ({"audience": "everyone"}, "audience"),
    ({"questions": [{"type": "essay", "text": "Was?"}]}, "questions.0"),
    ({"closes_at": "2000-01-01T00:00:00+00:00", "opens_at": "2030-01-01T00:00:00+00:00"}, "closes_at"),
    ({}, None),
], ids=["short title", "null title", "phase of a survey", "audience", "question type", "dates", "empty"])
def test_invalid_edits_are_422_and_change_nothing(api, db, people, create_poll, body, field):
    poll = create_poll(region=people.home, status="draft")
    error = refused(api, db, "PATCH", url(poll), 422, user=people.moderator, json=body)
    if field is not None:
        assert field in error["fields"], error["fields"]


def test_edit_refuses_a_consultation_of_another_region(api, db, people, create_poll, create_consultation):
    poll = create_poll(region=people.home, status="draft")
    foreign = create_consultation(region=people.elsewhere)
    error = refused(api, db, "PATCH", url(poll), 422, user=people.moderator,
                    json={"consultation_id": foreign.id, "title": "Mit fremder Beteiligung"})
    assert "consultation_id" in error["fields"]
    assert db.session.get(Poll, poll.id).consultation_id is None


def test_the_start_of_a_running_poll_cannot_move(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    error = refused(api, db, "PATCH", url(poll), 422, user=people.moderator,
                    json={"opens_at": "2031-01-01T10:00:00+01:00"})
    assert "opens_at" in error["fields"]


@pytest.mark.parametrize("who", ["anonymous", "citizen", "stranger"])
def test_draft_is_hidden_from_everybody_but_its_moderators(api, people, create_poll, who):
    poll = create_poll(region=people.home, status="draft")
    error = error_of(api.get(url(poll), user=getattr(people, who)), 404)
    assert "Mobilität" not in error["message"]
    for insider in (people.moderator, people.admin):
        response = api.get(url(poll), user=insider)
        assert response.status_code == 200 and response.get_json()["status"] == "draft"


def test_get_poll_shape_and_unknown_ids(api, people, create_poll):
    poll = create_poll(region=people.home)
    body = api.get(url(poll)).get_json()
    assert body["id"] == poll.id and body["status"] == "open" and len(body["questions"]) == 5
    assert body["questions"][0]["allow_other"] is True
    error_of(api.get(url(poll.id + 1000)), 404)
    for huge in (2**31, 2**63, 10**20):
        error_of(api.get(url(huge)), 404)
        error_of(api.get(url(huge, "/results")), 404)


# --- 3. opening, closing and listing -------------------------------------------------------------

def test_moderator_opens_and_closes(api, db, people, create_poll):
    poll = create_poll(region=people.home, status="draft")
    response = api.post(url(poll, "/open"), user=people.moderator)
    assert response.status_code == 200 and response.get_json()["status"] == "open"
    stored = db.session.get(Poll, poll.id)
    assert stored.state == "open" and stored.opened_at is not None
    response = api.post(url(poll, "/close"), user=people.admin)
    assert response.status_code == 200 and response.get_json()["status"] == "closed"
    assert db.session.get(Poll, poll.id).closed_at is not None


@pytest.mark.parametrize("who", ["citizen", "stranger"])
def test_only_the_regions_moderators_open_and_close(api, db, people, create_poll, who):
    user = getattr(people, who)
    running = create_poll(region=people.home, status="open")
    refused(api, db, "POST", url(running, "/close"), 403, user=user)
    refused(api, db, "POST", url(running, "/open"), 403, user=user)
    closed = create_poll(region=people.home, status="closed")
    refused(api, db, "POST", url(closed, "/open"), 403, user=user)
    # a draft is not even visible to them: hidden rather than forbidden
    draft = create_poll(region=people.home, status="draft")
    refused(api, db, "POST", url(draft, "/open"), 404, user=user)
    refused(api, db, "POST", url(running, "/close"), 401)


@pytest.mark.parametrize("status, action", [("open", "open"), ("draft", "close"), ("closed", "close"),
                                            ("closed", "open")],
                         ids=["open twice", "close a draft", "close a closed poll", "reopen"])
def test_status_changes_that_make_no_sense_are_409(api, db, people, create_poll, status, action):
    poll = create_poll(region=people.home, status=status)
    error = refused(api, db, "POST", url(poll, f"/{action}"), 409, user=people.moderator)
    assert error["code"] == "conflict"
    assert db.session.get(Poll, poll.id).state == status


def test_closing_twice_is_409(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    assert api.post(url(poll, "/close"), user=people.moderator).status_code == 200
    closed_at = db.session.get(Poll, poll.id).closed_at
    refused(api, db, "POST", url(poll, "/close"), 409, user=people.moderator)
    assert db.session.get(Poll, poll.id).closed_at == closed_at


def test_a_draft_whose_end_date_passed_cannot_open(api, db, people, create_poll):
    poll = create_poll(region=people.home, status="draft")
    db.session.execute(update(Poll).where(Poll.id == poll.id).values(closes_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    refused(api, db, "POST", url(poll, "/open"), 409, user=people.moderator)


def test_a_survey_without_questions_cannot_open(api, db, people, create_poll):
    poll = create_poll(region=people.home, status="draft", questions=[])
    error = refused(api, db, "POST", url(poll, "/open"), 409, user=people.moderator)
    assert "Frage" in error["message"]
    assert db.session.get(Poll, poll.id).state == "draft"


@pytest.fixture
def listed(people, create_poll):
    return SimpleNamespace(
        home_open=create_poll(region=people.home, status="open", title="Heimat offen"),
        home_closed=create_poll(region=people.home, status="closed", title="Heimat beendet"),
        home_draft=create_poll(region=people.home, status="draft", title="Heimat Entwurf"),
        away_open=create_poll(region=people.elsewhere, status="open", title="Anderswo offen"),
        away_draft=create_poll(region=people.elsewhere, status="draft", title="Anderswo Entwurf"),
    )


def listed_ids(api, query="", user=None):
    response = api.get(f"{POLLS}{query}", user=user)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) >= {"items", "page", "per_page", "total"}
    assert body["total"] == len(body["items"])  # all on one page here
    return {item["id"] for item in body["items"]}


@pytest.mark.parametrize("who", ["anonymous", "citizen"])
def test_list_hides_drafts_from_the_public(api, people, listed, who):
    user = getattr(people, who)
    assert listed_ids(api, "", user) == {listed.home_open.id, listed.home_closed.id, listed.away_open.id}
    assert listed_ids(api, "?region=heimat", user) == {listed.home_open.id, listed.home_closed.id}
    assert listed_ids(api, "?region=heimat&status=open", user) == {listed.home_open.id}
    assert listed_ids(api, "?region=heimat&status=closed", user) == {listed.home_closed.id}
    assert listed_ids(api, "?status=draft", user) == set()
    assert listed_ids(api, "?status=open", user) == {listed.home_open.id, listed.away_open.id}


def test_list_shows_drafts_to_the_regions_moderators_only(api, people, listed):
    assert listed_ids(api, "?status=draft", people.moderator) == {listed.home_draft.id}
    assert listed_ids(api, "?region=heimat", people.moderator) == {listed.home_open.id, listed.home_closed.id,
                                                                    listed.home_draft.id}
    assert listed_ids(api, "?region=anderswo", people.moderator) == {listed.away_open.id}
    assert listed_ids(api, "?status=draft", people.stranger) == {listed.away_draft.id}
    assert listed_ids(api, "?status=draft", people.admin) == {listed.home_draft.id, listed.away_draft.id}


def test_list_items_carry_status_and_region(api, people, listed):
    items = {item["id"]: item for item in api.get(f"{POLLS}?region=heimat", user=people.moderator).get_json()["items"]}
    assert items[listed.home_draft.id]["status"] == "draft"
    assert items[listed.home_closed.id]["status"] == "closed"
    assert {item["region"] for item in items.values()} == {"heimat"}


@pytest.mark.parametrize("query, status, field", [
    ("?status=running", 422, "status"),
    ("?status=DRAFT", 422, "status"),
    ("?region=gibt-es-nicht", 422, "region"),
    ("?region=hei%00mat", 422, "region"),
    ("?page=0", 400, None),
    ("?per_page=abc", 400, None),
])
def test_list_refuses_bad_filters(api, people, listed, query, status, field):
    error = error_of(api.get(f"{POLLS}{query}"), status)
    if field is not None:
        assert field in error["fields"]


def test_list_is_paginated(api, people, create_poll):
    ids = [create_poll(region=people.home, title=f"Umfrage {i}").id for i in range(5)]
    first = api.get(f"{POLLS}?region=heimat&per_page=2").get_json()
    assert (first["page"], first["per_page"], first["total"], len(first["items"])) == (1, 2, 5, 2)
    third = api.get(f"{POLLS}?region=heimat&per_page=2&page=3").get_json()
    assert (third["page"], third["per_page"], third["total"], len(third["items"])) == (3, 2, 5, 1)
    seen = [item["id"] for page in (1, 2, 3)
            for item in api.get(f"{POLLS}?region=heimat&per_page=2&page={page}").get_json()["items"]]
    assert sorted(seen) == sorted(ids)  # every poll once, newest first
    assert seen == sorted(ids, reverse=True)
    assert api.get(f"{POLLS}?region=heimat&per_page=2&page=9").get_json()["items"] == []
    assert api.get(f"{POLLS}?per_page=100").get_json()["total"] == 5
    assert error_of(api.get(f"{POLLS}?per_page=100000"), 422)["fields"]["per_page"]


def test_only_unused_drafts_can_be_deleted(api, db, people, create_poll):
    draft = create_poll(region=people.home, status="draft")
    draft_id = draft.id
    refused(api, db, "DELETE", url(draft), 404, user=people.citizen)
    refused(api, db, "DELETE", url(draft), 401)
    running = create_poll(region=people.home)
    refused(api, db, "DELETE", url(running), 403, user=people.stranger)
    refused(api, db, "DELETE", url(running), 409, user=people.moderator)
    response = api.delete(url(draft), user=people.moderator)
    assert response.status_code == 204
    assert db.session.get(Poll, draft_id) is None and count(db, Question, Question.poll_id == draft_id) == 0


# --- 4. ballots ----------------------------------------------------------------------------------

def test_citizen_takes_part_once(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    response = api.post(url(poll, "/ballots"), user=people.citizen, json=ballot(poll))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["poll_id"] == poll.id
    stored = db.session.get(Ballot, response.get_json()["id"])
    assert stored.user_id == people.citizen.id and stored.poll_id == poll.id
    assert count(db, Answer, Answer.ballot_id == stored.id) == 1 + 1 + 1 + 2 + 1
    assert db.session.get(Poll, poll.id).ballot_count == 1
    error = refused(api, db, "POST", url(poll, "/ballots"), 409, user=people.citizen,
                    json=ballot(poll, scale=2, text="Zweiter Versuch"))
    assert "bereits teilgenommen" in error["message"]
    assert count(db, Ballot, Ballot.poll_id == poll.id) == 1


def test_optional_answers_can_be_left_out_or_empty(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    q = by_type(poll)
    # an empty list on a multiple choice with min 1 counts as "not answered", which is fine: it is optional
    response = api.post(url(poll, "/ballots"), user=people.citizen, json=ballot(
        poll, multiple_choice=[], scale=None, ranking=OMIT, text="   "))
    assert response.status_code == 201, response.get_data(as_text=True)
    for kind in ("multiple_choice", "scale", "ranking", "text"):
        assert count(db, Answer, Answer.question_id == q[kind].id) == 0, kind
    assert count(db, Answer, Answer.question_id == q["single_choice"].id) == 1


def test_text_of_exactly_max_length_is_accepted(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    response = api.post(url(poll, "/ballots"), user=people.citizen, json=ballot(poll, text="  " + "x" * 500 + "\n"))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert db.session.scalar(select(Answer.text).where(Answer.question_id == by_type(poll)["text"].id)) == "x" * 500


def test_other_answer_is_stored_as_text(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    response = api.post(url(poll, "/ballots"), user=people.citizen,
                        json=ballot(poll, single_choice={"other": "  Mit dem Tretroller  "}))
    assert response.status_code == 201, response.get_data(as_text=True)
    stored = db.session.scalars(select(Answer).where(Answer.question_id == by_type(poll)["single_choice"].id)).one()
    assert stored.option_id is None and stored.text == "Mit dem Tretroller"


def test_ballot_on_a_draft_is_404_for_citizens(api, db, people, create_poll):
    poll = create_poll(region=people.home, status="draft")
    refused(api, db, "POST", url(poll, "/ballots"), 404, user=people.citizen, json=ballot(poll))


def test_ballot_on_a_draft_is_409_for_its_moderator(api, db, people, create_poll):
    poll = create_poll(region=people.home, status="draft")
    refused(api, db, "POST", url(poll, "/ballots"), 409, user=people.moderator, json=ballot(poll))


def test_ballot_on_a_closed_poll_is_409(api, db, people, create_poll):
    poll = create_poll(region=people.home, status="closed")
    error = refused(api, db, "POST", url(poll, "/ballots"), 409, user=people.citizen, json=ballot(poll))
    assert "beendet" in error["message"]


def test_ballot_on_a_poll_whose_end_date_passed_is_409(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    db.session.execute(update(Poll).where(Poll.id == poll.id).values(closes_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    error = error_of(api.post(url(poll, "/ballots"), user=people.citizen, json=ballot(poll)), 409)
    assert "beendet" in error["message"]
    assert count(db, Ballot) == 0 and count(db, Answer) == 0


def test_ballot_on_a_problem_poll_is_409(api, db, people, create_poll):
    poll = problem_poll(create_poll, people)
    refused(api, db, "POST", url(poll, "/ballots"), 409, user=people.citizen, json={"answers": []})


def test_ballot_on_an_unknown_poll_is_404(api, db, people):
    refused(api, db, "POST", url(4242, "/ballots"), 404, user=people.citizen, json={"answers": []})


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer ungueltiges-token"},
    {"Authorization": "Bearer "},
    {"Authorization": "Basic dXNlcjpwdw=="},
    {"Authorization": "AccessCode "},
    {"Authorization": "AccessCode"},
    {"Authorization": "AccessCode ZZZZ-ZZZZ"},
    {"Authorization": "AccessCode 1234"},
    {"Authorization": "AccessCode " + "A" * 300},
], ids=["none", "bad bearer", "empty bearer", "basic", "empty code", "code scheme only", "unknown code",
        "short code", "long code"])
def test_ballot_without_valid_credentials_is_401(api, db, people, create_poll, headers):
    poll = create_poll(region=people.home, audience="both")
    add_code(db, poll)
    refused(api, db, "POST", url(poll, "/ballots"), 401, headers=headers, json=ballot(poll))


def test_access_code_takes_part_once(api, db, people, create_poll):
    poll = create_poll(region=people.home, audience="access_codes")
    code = add_code(db, poll, "ABCD2345")
    response = api.post(url(poll, "/ballots"), headers=code_header("abcd-2345"), json=ballot(poll))
    assert response.status_code == 201, response.get_data(as_text=True)
    stored = db.session.get(Ballot, response.get_json()["id"])
    assert stored.access_code_id == code.id and stored.user_id is None
    assert db.session.get(AccessCode, code.id).used_at is not None
    error = refused(api, db, "POST", url(poll, "/ballots"), 409, headers=code_header("ABCD-2345"), json=ballot(poll))
    assert "bereits verwendet" in error["message"]


def test_used_access_code_is_409(api, db, people, create_poll):
    poll = create_poll(region=people.home, audience="access_codes")
    add_code(db, poll, "ABCD2345", used=True)
    refused(api, db, "POST", url(poll, "/ballots"), 409, headers=code_header("ABCD-2345"), json=ballot(poll))


def test_access_code_of_another_poll_is_403(api, db, people, create_poll):
    poll = create_poll(region=people.home, audience="access_codes")
    other = create_poll(region=people.home, audience="access_codes")
    add_code(db, other, "WXYZ6789")
    error = refused(api, db, "POST", url(poll, "/ballots"), 403, headers=code_header("WXYZ-6789"), json=ballot(poll))
    assert "andere Umfrage" in error["message"]
    assert db.session.scalar(select(AccessCode.used_at).where(AccessCode.code == "WXYZ6789")) is None


def test_account_on_a_codes_only_poll_is_403(api, db, people, create_poll):
    poll = create_poll(region=people.home, audience="access_codes")
    refused(api, db, "POST", url(poll, "/ballots"), 403, user=people.citizen, json=ballot(poll))


def test_code_on_an_accounts_only_poll_is_403(api, db, people, create_poll):
    poll = create_poll(region=people.home, audience="accounts")
    add_code(db, poll, "ABCD2345")  # left over from when the poll still took codes
    refused(api, db, "POST", url(poll, "/ballots"), 403, headers=code_header("ABCD-2345"), json=ballot(poll))


def test_codes_and_accounts_both_take_part_when_audience_is_both(api, db, people, create_poll):
    poll = create_poll(region=people.home, audience="both")
    add_code(db, poll, "ABCD2345")
    assert api.post(url(poll, "/ballots"), headers=code_header("ABCD2345"), json=ballot(poll)).status_code == 201
    assert api.post(url(poll, "/ballots"), user=people.citizen, json=ballot(poll)).status_code == 201
    assert count(db, Ballot, Ballot.poll_id == poll.id) == 2
    assert db.session.get(Poll, poll.id).ballot_count == 2


def _field_of(kind):
    return lambda poll: f"question_{by_type(poll)[kind].id}"


def _answers(**values):
    return lambda poll, other: ballot(poll, **values)


def _q(poll, kind):
    return by_type(poll)[kind]


INVALID_BALLOTS = [
    ("option of another question",
     lambda poll, other: ballot(poll, single_choice=_q(poll, "multiple_choice").options[0].id),
     _field_of("single_choice")),
    ("option of another poll",
     lambda poll, other: ballot(poll, single_choice=_q(other, "single_choice").options[0].id),
     _field_of("single_choice")),
    ("option of another poll in a list",
     lambda poll, other: ballot(poll, multiple_choice=[_q(other, "multiple_choice").options[0].id]),
     _field_of("multiple_choice")),
    ("option id as text", lambda poll, other: ballot(poll, single_choice=str(_q(poll, "single_choice").options[0].id)),
     _field_of("single_choice")),
    ("option id as float",
     lambda poll, other: ballot(poll, single_choice=float(_q(poll, "single_choice").options[0].id)),
     _field_of("single_choice")),
    ("option id as list", lambda poll, other: ballot(poll, single_choice=[_q(poll, "single_choice").options[0].id]),
     _field_of("single_choice")),
    ("option id beyond 2^31", _answers(single_choice=2**31), _field_of("single_choice")),
    ("option id beyond 2^63", _answers(single_choice=2**64), _field_of("single_choice")),
    ("negative option id", _answers(single_choice=-1), _field_of("single_choice")),
    ("three of at most two",
     lambda poll, other: ballot(poll, multiple_choice=[o.id for o in _q(poll, "multiple_choice").options]),
     _field_of("multiple_choice")),
    ("the same option twice",
     lambda poll, other: ballot(poll, multiple_choice=[_q(poll, "multiple_choice").options[0].id] * 2),
     _field_of("multiple_choice")),
    ("multiple choice not a list",
     lambda poll, other: ballot(poll, multiple_choice=_q(poll, "multiple_choice").options[0].id),
     _field_of("multiple_choice")),
    ("scale 0", _answers(scale=0), _field_of("scale")),
    ("scale 6", _answers(scale=6), _field_of("scale")),
    ("scale as text", _answers(scale="3"), _field_of("scale")),
    ("scale as bool", _answers(scale=True), _field_of("scale")),
    ("scale as float", _answers(scale=3.0), _field_of("scale")),
    ("scale as object", _answers(scale={"value": 3}), _field_of("scale")),
    ("scale huge", _answers(scale=10**30), _field_of("scale")),
    ("ranking with duplicates",
     lambda poll, other: ballot(poll, ranking=[_q(poll, "ranking").options[0].id] * 2), _field_of("ranking")),
    ("ranking too short", lambda poll, other: ballot(poll, ranking=[_q(poll, "ranking").options[0].id]),
     _field_of("ranking")),
    ("ranking too long", lambda poll, other: ballot(poll, ranking=[o.id for o in _q(poll, "ranking").options]),
     _field_of("ranking")),
    ("ranking not a list", lambda poll, other: ballot(poll, ranking=_q(poll, "ranking").options[0].id),
     _field_of("ranking")),
    ("ranking with a foreign option",
     lambda poll, other: ballot(poll, ranking=[_q(poll, "ranking").options[0].id, _q(other, "ranking").options[1].id]),
     _field_of("ranking")),
    ("required question missing", _answers(single_choice=OMIT), _field_of("single_choice")),
    ("required question null", _answers(single_choice=None), _field_of("single_choice")),
    ("required question empty object", _answers(single_choice={}), _field_of("single_choice")),
    ("other without allow_other", _answers(multiple_choice=[{"other": "Etwas anderes"}]), _field_of("multiple_choice")),
    ("other with empty text", _answers(single_choice={"other": "   "}), _field_of("single_choice")),
    ("other with no text", _answers(single_choice={"other": None}), _field_of("single_choice")),
    ("other with a number", _answers(single_choice={"other": 42}), _field_of("single_choice")),
    ("other too long", _answers(single_choice={"other": "x" * 301}), _field_of("single_choice")),
    ("text over max_length", _answers(text="x" * 501), _field_of("text")),
    ("text as number", _answers(text=42), _field_of("text")),
    ("text 100 kB", _answers(text="Radweg " * 15000), _field_of("text")),
    ("question of another poll",
     lambda poll, other: {"answers": ballot(poll)["answers"] + [
         {"question_id": _q(other, "scale").id, "value": 3}]}, lambda poll: "answers"),
    ("unknown question", lambda poll, other: {"answers": ballot(poll)["answers"] + [
        {"question_id": 987654, "value": 3}]}, lambda poll: "answers"),
    ("question id beyond 2^31", lambda poll, other: {"answers": ballot(poll)["answers"] + [
        {"question_id": 2**31, "value": 3}]}, lambda poll: "answers"),
    ("question id beyond 2^63", lambda poll, other: {"answers": ballot(poll)["answers"] + [
        {"question_id": 2**64, "value": 3}]}, lambda poll: "answers"),
    ("question id as text", lambda poll, other: {"answers": [
        {"question_id": str(a["question_id"]), "value": a["value"]} for a in ballot(poll)["answers"]]},
     lambda poll: "answers"),
    ("question id missing", lambda poll, other: {"answers": ballot(poll)["answers"] + [{"value": 3}]},
     lambda poll: "answers"),
    ("the same question twice", lambda poll, other: {"answers": ballot(poll)["answers"] + [
        {"question_id": _q(poll, "scale").id, "value": 2}]}, lambda poll: "answers"),
    ("answers not a list", lambda poll, other: {"answers": {"1": 2}}, lambda poll: "answers"),
    ("answers a string", lambda poll, other: {"answers": "alles gut"}, lambda poll: "answers"),
    ("answers null", lambda poll, other: {"answers": None}, lambda poll: "answers"),
    ("answers missing", lambda poll, other: {"antworten": []}, lambda poll: "answers"),
    ("answers empty", lambda poll, other: {"answers": []}, _field_of("single_choice")),
    ("answer not an object", lambda poll, other: {"answers": [1, 2, 3]}, lambda poll: "answers"),
    ("value missing", lambda poll, other: {"answers": ballot(poll)["answers"][1:] + [
        {"question_id": _q(poll, "single_choice").id}]}, lambda poll: "answers"),
    ("201 answers", lambda poll, other: {"answers": ballot(poll)["answers"] + [
        {"question_id": 987654 + i, "value": 1} for i in range(196)]}, lambda poll: "answers"),
]


@pytest.mark.parametrize("make, field", [case[1:] for case in INVALID_BALLOTS],
                         ids=[case[0] for case in INVALID_BALLOTS])
def test_invalid_ballots_are_422_with_the_field_and_store_nothing(api, db, people, create_poll, make, field):
    poll = create_poll(region=people.home)
    other = create_poll(region=people.home, title="Eine andere Umfrage")
    error = refused(api, db, "POST", url(poll, "/ballots"), 422, user=people.citizen, json=make(poll, other))
    expected = field(poll)
    assert error["code"] == "invalid"
    assert any(key == expected or key.startswith(expected + ".") for key in error["fields"]), error["fields"]
    assert all(isinstance(messages, list) and all(isinstance(m, str) and m for m in messages)
               for messages in error["fields"].values())
    # the refusal does not count as taking part: the same citizen may still answer
    assert api.post(url(poll, "/ballots"), user=people.citizen, json=ballot(poll)).status_code == 201


CUSTOM_QUESTIONS = [
    {"type": "multiple_choice", "text": "Welche zwei oder drei?", "options": ["A", "B", "C", "D"],
     "settings": {"min": 2, "max": 3}},
    {"type": "text", "text": "Ihre Meinung bitte", "required": True, "settings": {"max_length": 100}},
]


def test_too_few_selections_and_blank_required_text_are_422(api, db, people, create_poll):
    poll = create_poll(region=people.home, questions=CUSTOM_QUESTIONS)
    choice, text = poll.questions
    few = {"answers": [{"question_id": choice.id, "value": [choice.options[0].id]},
                       {"question_id": text.id, "value": "Gut so."}]}
    error = refused(api, db, "POST", url(poll, "/ballots"), 422, user=people.citizen, json=few)
    assert f"question_{choice.id}" in error["fields"] and "2" in error["fields"][f"question_{choice.id}"][0]
    for blank in ("   ", "\n\t ", "\x00\x01", ""):
        body = {"answers": [{"question_id": choice.id, "value": [o.id for o in choice.options[:2]]},
                            {"question_id": text.id, "value": blank}]}
        error = refused(api, db, "POST", url(poll, "/ballots"), 422, user=people.citizen, json=body)
        assert f"question_{text.id}" in error["fields"]


@pytest.mark.parametrize("data, content_type", [
    ('{"answers": [', "application/json"),
    ('[{"question_id": 1, "value": 2}]', "application/json"),
    ("42", "application/json"),
    ("answers=1", "application/x-www-form-urlencoded"),
    ('{"answers": [{"question_id": 1, "value": "\\udc00"}]}', "application/json"),
    ('{"answers": ' + "[" * 50000 + "]" * 50000 + "}", "application/json"),
], ids=["malformed", "list", "number", "form", "lone surrogate", "deeply nested"])
def test_ballot_bodies_that_are_not_objects_are_400(api, db, people, create_poll, data, content_type):
    poll = create_poll(region=people.home)
    refused(api, db, "POST", url(poll, "/ballots"), 400, user=people.citizen, data=data, content_type=content_type)


def test_lone_surrogate_in_a_text_answer_is_refused_not_500(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    q = by_type(poll)
    raw = (f'{{"answers": [{{"question_id": {q["single_choice"].id}, "value": {q["single_choice"].options[0].id}}}, '
           f'{{"question_id": {q["text"].id}, "value": "Hallo \\ud83d Welt"}}]}}')
    before = snapshot(db)
    response = api.post(url(poll, "/ballots"), user=people.citizen, data=raw, content_type="application/json")
    # As in test_ballot_bodies_that_are_not_objects_are_400: a body with a lone surrogate is malformed.
    assert error_of(response, 400)["code"] == "bad_request"
    assert snapshot(db) == before


def test_nul_bytes_in_text_answers_never_500(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    response = api.post(url(poll, "/ballots"), user=people.citizen,
                        json=ballot(poll, text="Null\x00Byte", single_choice={"other": "\x00Roller\x00"}))
    assert response.status_code == 201, response.get_data(as_text=True)  # control characters are removed
    texts = db.session.scalars(select(Answer.text).where(Answer.text.is_not(None))).all()
    assert sorted(texts) == ["NullByte", "Roller"]


def test_very_large_ballot_is_refused_cleanly(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    before = snapshot(db)
    response = api.post(url(poll, "/ballots"), user=people.citizen, json=ballot(poll, text="x" * 2_000_000))
    assert error_of(response, 413)["code"] == "too_large"
    assert snapshot(db) == before


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "WRITE_RATE_LIMIT": "2 per minute"}],
                         indirect=True)
def test_ballots_are_rate_limited_per_participant(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    first = api.post(url(poll, "/ballots"), user=people.citizen, json=ballot(poll, scale=9))
    second = api.post(url(poll, "/ballots"), user=people.citizen, json=ballot(poll, scale=9))
    assert (first.status_code, second.status_code) == (422, 422)
    error = refused(api, db, "POST", url(poll, "/ballots"), 429, user=people.citizen, json=ballot(poll))
    assert error["code"] == "rate_limited"
    assert api.post(url(poll, "/ballots"), user=people.other_citizen, json=ballot(poll)).status_code == 201


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "WRITE_RATE_LIMIT": "2 per minute"}],
                         indirect=True)
def test_respelling_an_access_code_does_not_dodge_the_rate_limit(api, db, people, create_poll):
    poll = create_poll(region=people.home, audience="access_codes")
    add_code(db, poll, "QRST6789")
    statuses = [api.post(url(poll, "/ballots"), headers=code_header(spelling), json=ballot(poll, scale=9)).status_code
                for spelling in ("QRST6789", "qrst-6789")]
    assert statuses == [422, 422]
    refused(api, db, "POST", url(poll, "/ballots"), 429, headers=code_header("Qrst 6789"), json=ballot(poll))


# --- 5. results and their visibility -------------------------------------------------------------

VISIBILITY = [
    ("live", "open", {"anonymous": 200, "citizen": 200, "stranger": 200, "moderator": 200, "admin": 200}),
    ("live", "closed", {"anonymous": 200, "citizen": 200, "stranger": 200, "moderator": 200, "admin": 200}),
    ("after_close", "open", {"anonymous": 403, "citizen": 403, "stranger": 403, "moderator": 200, "admin": 200}),
    ("after_close", "closed", {"anonymous": 200, "citizen": 200, "stranger": 200, "moderator": 200, "admin": 200}),
    ("moderators", "open", {"anonymous": 403, "citizen": 403, "stranger": 403, "moderator": 200, "admin": 200}),
    ("moderators", "closed", {"anonymous": 403, "citizen": 403, "stranger": 403, "moderator": 200, "admin": 200}),
]


@pytest.mark.parametrize("visibility, status, expected", VISIBILITY,
                         ids=[f"{v}-{s}" for v, s, _e in VISIBILITY])
def test_results_visibility_in_json_and_csv(api, db, people, create_poll, visibility, status, expected):
    poll = create_poll(region=people.home, results_visibility=visibility, status=status)
    add_ballots(db, poll, 5)
    for who, code in expected.items():
        user = getattr(people, who)
        response = api.get(url(poll, "/results"), user=user)
        exported = api.get(url(poll, "/results.csv"), user=user)
        if code == 200:
            assert response.status_code == 200, (who, response.get_data(as_text=True))
            assert response.get_json()["total_ballots"] == 5
            texts = {item["type"]: item for item in response.get_json()["questions"]}["text"]
            assert ("texts" in texts) == (who in ("moderator", "admin")), who  # written answers: moderation only
            assert csv_rows(exported)[0][0] == "question_id"
        else:
            error = error_of(response, code)
            assert error["code"] == "forbidden", who
            assert error_of(exported, code)["message"] == error["message"]
            assert "Zu Fuß" not in response.get_data(as_text=True) + exported.get_data(as_text=True)


def test_results_of_a_draft_are_hidden(api, db, people, create_poll):
    poll = create_poll(region=people.home, status="draft")
    for who in ("anonymous", "citizen", "stranger"):
        error_of(api.get(url(poll, "/results"), user=getattr(people, who)), 404)
        error_of(api.get(url(poll, "/results.csv"), user=getattr(people, who)), 404)
    assert api.get(url(poll, "/results"), user=people.moderator).status_code == 200


def test_results_become_visible_when_the_poll_is_closed(api, db, people, create_poll):
    poll = create_poll(region=people.home, results_visibility="after_close")
    error_of(api.get(url(poll, "/results"), user=people.citizen), 403)
    assert api.post(url(poll, "/close"), user=people.moderator).status_code == 200
    assert api.get(url(poll, "/results"), user=people.citizen).status_code == 200
    assert api.get(url(poll, "/results.csv")).status_code == 200


def test_results_shape_and_aggregates(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    add_ballots(db, poll, 10)
    body = api.get(url(poll, "/results")).get_json()
    assert body["poll_id"] == poll.id and body["total_ballots"] == 10
    q = {item["type"]: item for item in body["questions"]}
    assert [item["question_id"] for item in body["questions"]] == [question.id for question in poll.questions]
    single = q["single_choice"]
    assert single["answers"] == 10 and single["withheld"] is False
    assert [o["count"] for o in single["options"]] == [3, 3, 2, 2]
    assert [o["share"] for o in single["options"]] == [0.3, 0.3, 0.2, 0.2]
    assert {"option_id", "label", "count", "share"} <= set(single["options"][0])
    assert [o["count"] for o in q["multiple_choice"]["options"]] == [10, 5, 0]
    assert q["scale"]["mean"] == 3.0 and [d["count"] for d in q["scale"]["distribution"]] == [2, 2, 2, 2, 2]
    assert [o["count"] for o in q["ranking"]["options"]] == [7, 7, 6]
    assert all(o["average_position"] is None or 1 <= o["average_position"] <= 2 for o in q["ranking"]["options"])
    assert q["text"]["answers"] == 10 and "texts" not in q["text"]


def test_csv_has_a_header_and_one_row_per_option_and_neutralises_formulas(api, db, people, create_poll):
    poll = create_poll(region=people.home, questions=[
        {"type": "single_choice", "text": "=HYPERLINK(\"http://böse.example\") Frage?",
         "options": ["=SUMME(A1:A9)", "+49 Telefon", "-1 Punkt", "@Verein", "Normal"]}])
    add_ballots(db, poll, 5)
    rows = csv_rows(api.get(url(poll, "/results.csv")))
    assert rows[0] == ["question_id", "question", "type", "option", "measure", "value"]
    options = [row for row in rows[1:] if row[4] == "count"]
    assert [row[3] for row in options] == ["'=SUMME(A1:A9)", "'+49 Telefon", "'-1 Punkt", "'@Verein", "Normal"]
    assert [row[5] for row in options] == ["1", "1", "1", "1", "1"]
    assert all(row[1].startswith("'=") for row in rows[1:])
    assert not any(cell[:1] in ("=", "+", "-", "@") for row in rows for cell in row)
    assert api.get(url(poll, "/results.csv")).headers["Content-Disposition"].startswith("attachment")


def test_csv_of_the_sample_poll_has_every_option(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    add_ballots(db, poll, 5)
    rows = csv_rows(api.get(url(poll, "/results.csv")))
    for question in poll.questions:
        mine = [row for row in rows[1:] if row[0] == str(question.id)]
        assert [row[4:] for row in mine].count(["answers", "5"]) == 1, (question.type, mine)
        assert len(mine) == len({tuple(row) for row in mine}), (question.type, mine)  # no row twice
        if question.type in ("single_choice", "multiple_choice"):
            counted = [row[3] for row in mine if row[4] == "count"]
            labels = [option.label for option in question.options]
            assert counted[:len(labels)] == labels
        if question.type == "single_choice":  # allow_other: one more row for the other answers
            assert len([row for row in mine if row[4] == "count"]) == len(question.options) + 1


def test_four_ballots_are_withheld_five_are_shown(api, db, people, create_poll, create_user):
    poll = create_poll(region=people.home)
    for participant in [people.citizen] + [create_user() for _i in range(3)]:
        assert api.post(url(poll, "/ballots"), user=participant, json=ballot(poll)).status_code == 201
    for viewer in (None, people.moderator):
        body = api.get(url(poll, "/results"), user=viewer).get_json()
        assert body["total_ballots"] == 4
        for item in body["questions"]:
            assert item["withheld"] is True
            assert "options" not in item and "distribution" not in item and "mean" not in item
    rows = csv_rows(api.get(url(poll, "/results.csv")))
    assert {row[4] for row in rows[1:]} == {"answers"}
    assert "Zu Fuß" not in api.get(url(poll, "/results")).get_data(as_text=True)
    assert api.post(url(poll, "/ballots"), user=people.other_citizen, json=ballot(poll)).status_code == 201
    body = api.get(url(poll, "/results")).get_json()
    items = {item["type"]: item for item in body["questions"]}
    assert all(item["withheld"] is False for item in body["questions"])
    assert items["single_choice"]["options"][0]["count"] == 5
    assert items["scale"]["distribution"][3]["count"] == 5 and items["scale"]["mean"] == 4.0
    assert len([row for row in csv_rows(api.get(url(poll, "/results.csv")))[1:] if row[4] == "count"]) > 5


def test_a_question_few_people_answered_is_withheld_alone(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    add_ballots(db, poll, 5)
    # remove the scale answers of two ballots: only 3 people answered that question
    scale = by_type(poll)["scale"]
    doomed = db.session.scalars(select(Answer.id).where(Answer.question_id == scale.id).limit(2)).all()
    db.session.execute(Answer.__table__.delete().where(Answer.id.in_(doomed)))
    tallies.recount(poll)
    db.session.commit()
    items = {item["type"]: item for item in api.get(url(poll, "/results")).get_json()["questions"]}
    assert items["scale"]["withheld"] is True and items["scale"]["answers"] == 3
    assert "distribution" not in items["scale"] and "mean" not in items["scale"]
    assert items["single_choice"]["withheld"] is False


@pytest.mark.parametrize("app_config", [{"POLL_MIN_GROUP_SIZE": 2}], indirect=True)
def test_the_small_group_size_is_configurable(api, db, people, create_poll):
    poll = create_poll(region=people.home)
    add_ballots(db, poll, 1)
    body = api.get(url(poll, "/results")).get_json()
    assert body["min_group_size"] == 2
    assert all(item["withheld"] for item in body["questions"])
    add_ballots(db, poll, 1)
    body = api.get(url(poll, "/results")).get_json()
    assert not any(item["withheld"] for item in body["questions"])
    assert sum(o["count"] for o in body["questions"][0]["options"]) == 2


# --- 6. access codes -------------------------------------------------------------------------------

@pytest.mark.parametrize("audience", ["access_codes", "both"])
def test_moderator_gets_distinct_access_codes(api, db, people, create_poll, audience):
    poll = create_poll(region=people.home, audience=audience)
    response = api.post(url(poll, "/access-codes"), user=people.moderator, json={"count": 25})
    assert response.status_code == 201, response.get_data(as_text=True)
    codes = response.get_json()["codes"]
    assert len(codes) == 25 and len(set(codes)) == 25
    assert all(CODE_FORMAT.match(code) for code in codes), codes
    stored = set(db.session.scalars(select(AccessCode.code).where(AccessCode.poll_id == poll.id)))
    assert stored == {code.replace("-", "") for code in codes}
    assert count(db, AccessCode, AccessCode.used_at.is_not(None)) == 0
    more = api.post(url(poll, "/access-codes"), user=people.admin, json={"count": 1}).get_json()["codes"]
    assert more[0] not in codes and count(db, AccessCode) == 26


def test_access_codes_for_a_draft(api, db, people, create_poll):
    poll = create_poll(region=people.home, audience="access_codes", status="draft")
    response = api.post(url(poll, "/access-codes"), user=people.moderator, json={"count": 500})
    assert response.status_code == 201 and len(set(response.get_json()["codes"])) == 500


@pytest.mark.parametrize("body", [{"count": 0}, {"count": 501}, {"count": -3}, {"count": "5"}, {"count": 2.5},
                                  {"count": True}, {"count": None}, {}, {"anzahl": 5}],
                         ids=["0", "501", "negative", "text", "float", "bool", "null", "missing", "misspelt"])
def test_invalid_code_counts_are_422(api, db, people, create_poll, body):
    poll = create_poll(region=people.home, audience="access_codes")
    error = refused(api, db, "POST", url(poll, "/access-codes"), 422, user=people.moderator, json=body)
    assert "count" in error["fields"]


def test_no_codes_for_an_accounts_only_poll(api, db, people, create_poll):
    poll = create_poll(region=people.home, audience="accounts")
    refused(api, db, "POST", url(poll, "/access-codes"), 409, user=people.moderator, json={"count": 5})


def test_no_codes_for_a_closed_poll(api, db, people, create_poll):
    poll = create_poll(region=people.home, audience="access_codes", status="closed")
    refused(api, db, "POST", url(poll, "/access-codes"), 409, user=people.moderator, json={"count": 5})


@pytest.mark.parametrize("who, status", [("citizen", 403), ("stranger", 403), ("anonymous", 401)])
def test_only_the_regions_moderators_get_codes(api, db, people, create_poll, who, status):
    poll = create_poll(region=people.home, audience="access_codes")
    refused(api, db, "POST", url(poll, "/access-codes"), status, user=getattr(people, who), json={"count": 5})


def test_access_codes_body_must_be_an_object(api, db, people, create_poll):
    poll = create_poll(region=people.home, audience="access_codes")
    refused(api, db, "POST", url(poll, "/access-codes"), 400, user=people.moderator, data="[5]",
            content_type="application/json")


# --- 7. problem-definition polls -----------------------------------------------------------------

def test_citizen_submits_a_pending_problem(api, db, people, create_poll):
    poll = problem_poll(create_poll, people)
    response = api.post(url(poll, "/problems"), user=people.citizen,
                        json={"text": "  Der Wochenmarkt ist nur zu Fuß erreichbar  "})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "pending" and body["poll_id"] == poll.id
    assert body["text"] == "Der Wochenmarkt ist nur zu Fuß erreichbar"
    stored = db.session.get(Problem, body["id"])
    assert stored.author_id == people.citizen.id and stored.status == "pending"


def test_workshop_participant_submits_a_problem_with_a_code(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, audience="both")
    code = add_code(db, poll, "ABCD2345")
    response = api.post(url(poll, "/problems"), headers=code_header("ABCD-2345"),
                        json={"text": "Im Dorf gibt es kein schnelles Internet"})
    assert response.status_code == 201, response.get_data(as_text=True)
    stored = db.session.get(Problem, response.get_json()["id"])
    assert stored.access_code_id == code.id and stored.author_id is None


def test_no_problems_in_the_comparing_phase_or_when_closed(api, db, people, create_poll):
    comparing = problem_poll(create_poll, people, phase="comparing")
    error = refused(api, db, "POST", url(comparing, "/problems"), 409, user=people.citizen,
                    json={"text": "Zu wenige Ladesäulen im Ortskern"})
    assert "Sammelphase" in error["message"]
    closed = problem_poll(create_poll, people, status="closed")
    refused(api, db, "POST", url(closed, "/problems"), 409, user=people.citizen,
            json={"text": "Zu wenige Ladesäulen im Ortskern"})
    draft = problem_poll(create_poll, people, status="draft")
    refused(api, db, "POST", url(draft, "/problems"), 404, user=people.citizen,
            json={"text": "Zu wenige Ladesäulen im Ortskern"})


def test_problems_only_in_problem_polls_and_with_credentials(api, db, people, create_poll):
    survey = create_poll(region=people.home)
    refused(api, db, "POST", url(survey, "/problems"), 409, user=people.citizen,
            json={"text": "Zu wenige Ladesäulen im Ortskern"})
    poll = problem_poll(create_poll, people)
    refused(api, db, "POST", url(poll, "/problems"), 401, json={"text": "Zu wenige Ladesäulen im Ortskern"})
    codes_only = problem_poll(create_poll, people, audience="access_codes")
    refused(api, db, "POST", url(codes_only, "/problems"), 403, user=people.citizen,
            json={"text": "Zu wenige Ladesäulen im Ortskern"})


@pytest.mark.parametrize("body, status", [
    ({"text": "zu kurz"}, 422),
    ({"text": "   kurz     \n\n   "}, 422),
    ({"text": "x" * 501}, 422),
    ({"text": ""}, 422),
    ({"text": 1234567890123}, 422),
    ({"text": None}, 422),
    ({}, 422),
    ({"text": "Problem mit \ud800"}, 400),
], ids=["short", "short after trimming", "long", "empty", "number", "null", "missing", "surrogate"])
def test_invalid_problem_texts_are_refused(api, db, people, create_poll, body, status):
    poll = problem_poll(create_poll, people)
    error = refused(api, db, "POST", url(poll, "/problems"), status, user=people.citizen, json=body)
    if status == 422:
        assert "text" in error["fields"]


def test_problem_texts_of_exactly_the_limits_are_accepted(api, db, people, create_poll):
    poll = problem_poll(create_poll, people)
    for text in ("x" * 10, "y" * 500):
        assert api.post(url(poll, "/problems"), user=people.citizen, json={"text": text}).status_code == 201


def test_at_most_ten_problems_per_participant(api, db, people, create_poll):
    poll = problem_poll(create_poll, people)
    for i in range(10):
        response = api.post(url(poll, "/problems"), user=people.citizen, json={"text": f"Problem Nummer {i} im Ort"})
        assert response.status_code == 201, i
    error = refused(api, db, "POST", url(poll, "/problems"), 409, user=people.citizen,
                    json={"text": "Das elfte Problem im Ort"})
    assert "10" in error["message"]
    assert count(db, Problem, Problem.author_id == people.citizen.id) == 10
    # somebody else still may
    assert api.post(url(poll, "/problems"), user=people.other_citizen,
                    json={"text": "Das Problem von jemand anderem"}).status_code == 201


def problem_ids(api, poll, user=None, query=""):
    response = api.get(url(poll, f"/problems{query}"), user=user)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) >= {"items", "page", "per_page", "total"}
    return [item["id"] for item in body["items"]]


def test_pending_problems_are_listed_for_moderators_only(api, db, people, create_poll):
    poll = problem_poll(create_poll, people)
    pending = add_problem(db, poll)
    rejected = add_problem(db, poll, "Ein abgelehntes Problem hier", status="rejected", reason="Beleidigend.")
    public = [problem.id for problem in approved(db, poll)]
    for who in ("anonymous", "citizen", "stranger"):
        assert problem_ids(api, poll, getattr(people, who)) == public
        assert problem_ids(api, poll, getattr(people, who), "?status=approved") == public
        for status in ("pending", "rejected", "merged"):
            refused(api, db, "GET", url(poll, f"/problems?status={status}"), 403, user=getattr(people, who))
    assert set(problem_ids(api, poll, people.moderator)) == set(public) | {pending.id, rejected.id}
    assert problem_ids(api, poll, people.moderator, "?status=pending") == [pending.id]
    assert problem_ids(api, poll, people.admin, "?status=rejected") == [rejected.id]
    error = error_of(api.get(url(poll, "/problems?status=secret"), user=people.moderator), 422)
    assert "status" in error["fields"]


def test_problems_of_a_survey_are_409(api, people, create_poll):
    poll = create_poll(region=people.home)
    error_of(api.get(url(poll, "/problems")), 409)


def test_moderator_approves_a_problem(api, db, people, create_poll):
    poll = problem_poll(create_poll, people)
    problem = add_problem(db, poll)
    response = api.patch(f"/api/v1/problems/{problem.id}", user=people.moderator, json={"status": "approved"})
    assert response.status_code == 200 and response.get_json()["status"] == "approved"
    assert db.session.get(Problem, problem.id).moderated_at is not None
    assert problem.id in problem_ids(api, poll, people.citizen)


def test_rejecting_needs_a_reason(api, db, people, create_poll):
    poll = problem_poll(create_poll, people)
    problem = add_problem(db, poll)
    for body in ({"status": "rejected"}, {"status": "rejected", "reason": "  "},
                 {"status": "rejected", "reason": None}):
        error = refused(api, db, "PATCH", f"/api/v1/problems/{problem.id}", 422, user=people.moderator, json=body)
        assert "reason" in error["fields"]
    response = api.patch(f"/api/v1/problems/{problem.id}", user=people.moderator,
                         json={"status": "rejected", "reason": "Gehört nicht zum Thema."})
    assert response.status_code == 200
    assert response.get_json()["status"] == "rejected" and response.get_json()["reason"] == "Gehört nicht zum Thema."
    stored = db.session.get(Problem, problem.id)
    assert stored.status == "rejected" and stored.reason == "Gehört nicht zum Thema."
    assert problem.id not in problem_ids(api, poll, people.citizen)


def test_merging_into_another_approved_problem(api, db, people, create_poll):
    poll = problem_poll(create_poll, people)
    problem = add_problem(db, poll, "Busse fahren selten in den Dörfern")
    target = approved(db, poll)[0]
    response = api.patch(f"/api/v1/problems/{problem.id}", user=people.moderator,
                         json={"status": "merged", "merged_into": target.id, "reason": "Doppelt."})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["merged_into"] == target.id
    stored = db.session.get(Problem, problem.id)
    assert stored.status == "merged" and stored.merged_into_id == target.id


@pytest.mark.parametrize("target", ["itself", "pending", "rejected", "merged", "other poll", "unknown", "missing",
                                    "too big", "text"])
def test_merging_into_anything_else_is_422(api, db, people, create_poll, target):
    poll = problem_poll(create_poll, people)
    problem = add_problem(db, poll)
    first = approved(db, poll)[0]
    other = problem_poll(create_poll, people, title="Andere Sammlung")
    merged = add_problem(db, poll, "Schon zusammengeführt worden", status="merged")
    merged.merged_into_id = first.id
    db.session.commit()
    targets = {
        "itself": problem.id, "pending": add_problem(db, poll, "Noch ein offenes Problem").id,
        "rejected": add_problem(db, poll, "Ein abgelehntes Problem", status="rejected", reason="Nein.").id,
        "merged": merged.id, "other poll": approved(db, other)[0].id, "unknown": 987654, "missing": OMIT,
        "too big": 2**31, "text": str(first.id)}
    body = {"status": "merged"}
    if targets[target] is not OMIT:
        body["merged_into"] = targets[target]
    error = refused(api, db, "PATCH", f"/api/v1/problems/{problem.id}", 422, user=people.moderator, json=body)
    assert "merged_into" in error["fields"]
    # merging an approved problem into itself would be just as wrong
    refused(api, db, "PATCH", f"/api/v1/problems/{first.id}", 422, user=people.moderator,
            json={"status": "merged", "merged_into": first.id})


@pytest.mark.parametrize("who, status", [("citizen", 403), ("stranger", 403), ("anonymous", 401)])
def test_only_the_regions_moderators_moderate_problems(api, db, people, create_poll, who, status):
    poll = problem_poll(create_poll, people)
    problem = add_problem(db, poll)
    refused(api, db, "PATCH", f"/api/v1/problems/{problem.id}", status, user=getattr(people, who),
            json={"status": "approved"})


@pytest.mark.parametrize("body", [{"status": "pending"}, {"status": "deleted"}, {}, {"status": None}])
def test_invalid_problem_statuses_are_422(api, db, people, create_poll, body):
    poll = problem_poll(create_poll, people)
    first = approved(db, poll)[0]
    error = refused(api, db, "PATCH", f"/api/v1/problems/{first.id}", 422, user=people.moderator, json=body)
    assert "status" in error["fields"]


def test_problems_of_a_closed_poll_are_no_longer_moderated(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, status="closed")
    problem = add_problem(db, poll)
    refused(api, db, "PATCH", f"/api/v1/problems/{problem.id}", 409, user=people.moderator,
            json={"status": "approved"})


def test_unknown_problem_is_404(api, db, people):
    refused(api, db, "PATCH", "/api/v1/problems/987654", 404, user=people.moderator, json={"status": "approved"})


def test_no_pairs_while_collecting(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, phase="collecting")
    error = refused(api, db, "GET", url(poll, "/pair"), 409, user=people.citizen)
    assert "gesammelt" in error["message"]
    refused(api, db, "POST", url(poll, "/comparisons"), 409, user=people.citizen,
            json={"winner_id": approved(db, poll)[0].id, "loser_id": approved(db, poll)[1].id})


def test_pair_needs_credentials(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, phase="comparing")
    refused(api, db, "GET", url(poll, "/pair"), 401)
    refused(api, db, "GET", url(poll, "/pair"), 401, headers={"Authorization": "Bearer falsch"})


def compare_everything(api, poll, user=None, headers=None):
    """Ask for pairs and compare them (lower id wins) until 204; returns the pairs seen."""
    seen = []
    for _round in range(100):
        response = api.get(url(poll, "/pair"), user=user, headers=headers)
        if response.status_code == 204:
            assert response.get_data() == b""
            return seen
        assert response.status_code == 200, response.get_data(as_text=True)
        a, b = response.get_json()["problems"]
        assert a["id"] != b["id"] and a["text"] and b["text"]
        seen.append(frozenset((a["id"], b["id"])))
        winner, loser = sorted((a["id"], b["id"]))
        assert api.post(url(poll, "/comparisons"), user=user, headers=headers,
                        json={"winner_id": winner, "loser_id": loser}).status_code == 201
    raise AssertionError("the pairs never ran out")


def test_pairs_are_never_repeated_and_run_out(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, phase="comparing")
    add_problem(db, poll)  # pending: never offered
    seen = compare_everything(api, poll, people.citizen)
    assert len(seen) == len(set(seen)) == 6  # each pair of the 4 approved problems once
    assert set().union(*seen) == {problem.id for problem in approved(db, poll)}
    others = compare_everything(api, poll, people.other_citizen)
    assert set(others) == set(seen)  # another participant gets every pair too
    assert count(db, Comparison, Comparison.poll_id == poll.id) == 12


@pytest.mark.parametrize("app_config", [{"POLL_PAIRS_PER_PARTICIPANT": 3}], indirect=True)
def test_pairs_stop_at_the_configured_number(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, phase="comparing")
    assert len(compare_everything(api, poll, people.citizen)) == 3
    done = {frozenset((c.first_id, c.second_id)) for c in db.session.scalars(select(Comparison))}
    fresh = next(pair for pair in combinations([p.id for p in approved(db, poll)], 2) if frozenset(pair) not in done)
    refused(api, db, "POST", url(poll, "/comparisons"), 409, user=people.citizen,
            json={"winner_id": fresh[0], "loser_id": fresh[1]})


def _invalid_pair(name):
    def make(db, poll, other):
        a, b = approved(db, poll)[:2]
        return {
            "winner is loser": {"winner_id": a.id, "loser_id": a.id},
            "other poll": {"winner_id": a.id, "loser_id": approved(db, other)[0].id},
            "pending": {"winner_id": add_problem(db, poll).id, "loser_id": b.id},
            "rejected": {"winner_id": a.id, "loser_id": add_problem(db, poll, "Abgelehnt wegen Spam",
                                                                     status="rejected", reason="Spam.").id},
            "merged": {"winner_id": a.id, "loser_id": add_problem(db, poll, "Zusammengeführt mit dem ersten",
                                                                   status="merged").id},
            "unknown": {"winner_id": a.id, "loser_id": 987654},
            "too big": {"winner_id": a.id, "loser_id": 2**31},
            "as text": {"winner_id": str(a.id), "loser_id": b.id},
            "as bool": {"winner_id": a.id, "loser_id": True},
            "missing": {"winner_id": a.id},
        }[name]
    return make


@pytest.mark.parametrize("name", ["winner is loser", "other poll", "pending", "rejected", "merged", "unknown",
                                  "too big", "as text", "as bool", "missing"])
def test_invalid_comparisons_are_422(api, db, people, create_poll, name):
    poll = problem_poll(create_poll, people, phase="comparing")
    other = problem_poll(create_poll, people, phase="comparing", title="Andere Sammlung")
    body = _invalid_pair(name)(db, poll, other)
    error = refused(api, db, "POST", url(poll, "/comparisons"), 422, user=people.citizen, json=body)
    assert {"winner_id", "loser_id"} & set(error["fields"]), error["fields"]


def test_the_same_pair_twice_is_409_in_either_order(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, phase="comparing")
    a, b = approved(db, poll)[:2]
    assert api.post(url(poll, "/comparisons"), user=people.citizen,
                    json={"winner_id": a.id, "loser_id": b.id}).status_code == 201
    for body in ({"winner_id": a.id, "loser_id": b.id}, {"winner_id": b.id, "loser_id": a.id},
                 {"winner_id": b.id, "loser_id": a.id, "undecided": True}):
        error = refused(api, db, "POST", url(poll, "/comparisons"), 409, user=people.citizen, json=body)
        assert "bereits verglichen" in error["message"]
    stored = db.session.scalars(select(Comparison)).one()
    assert stored.winner_id == a.id and stored.user_id == people.citizen.id


def test_undecided_is_stored_as_a_tie(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, phase="comparing")
    a, b = approved(db, poll)[:2]
    response = api.post(url(poll, "/comparisons"), user=people.citizen,
                        json={"winner_id": b.id, "loser_id": a.id, "undecided": True})
    assert response.status_code == 201 and response.get_json()["winner_id"] is None
    stored = db.session.scalars(select(Comparison)).one()
    assert stored.winner_id is None and (stored.first_id, stored.second_id) == tuple(sorted((a.id, b.id)))
    ranking = {item["problem_id"]: item for item in api.get(url(poll, "/results")).get_json()["ranking"]}
    assert ranking[a.id]["ties"] == ranking[b.id]["ties"] == 1
    assert ranking[a.id]["wins"] == ranking[a.id]["losses"] == 0
    assert ranking[a.id]["comparisons"] == 1 and ranking[a.id]["win_rate"] == 0.5
    assert ranking[a.id]["score"] == pytest.approx(ranking[b.id]["score"])


def test_access_code_participants_compare_too(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, phase="comparing", audience="both")
    codes = api.post(url(poll, "/access-codes"), user=people.moderator, json={"count": 2}).get_json()["codes"]
    seen = compare_everything(api, poll, headers=code_header(codes[0]))
    assert len(seen) == 6
    stored = db.session.scalars(select(Comparison)).all()
    assert len(stored) == 6 and all(c.user_id is None and c.access_code_id is not None for c in stored)
    # a second code and an account take part independently
    assert api.get(url(poll, "/pair"), headers=code_header(codes[1])).status_code == 200
    assert api.get(url(poll, "/pair"), user=people.citizen).status_code == 200
    a, b = approved(db, poll)[:2]
    refused(api, db, "POST", url(poll, "/comparisons"), 409, headers=code_header(codes[0]),
            json={"winner_id": b.id, "loser_id": a.id})


def test_codes_cannot_compare_in_an_accounts_only_poll(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, phase="comparing", audience="accounts")
    add_code(db, poll, "ABCD2345")
    refused(api, db, "GET", url(poll, "/pair"), 403, headers=code_header("ABCD2345"))
    a, b = approved(db, poll)[:2]
    refused(api, db, "POST", url(poll, "/comparisons"), 403, headers=code_header("ABCD2345"),
            json={"winner_id": a.id, "loser_id": b.id})


def test_no_comparisons_once_closed(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, phase="comparing", status="closed")
    a, b = approved(db, poll)[:2]
    refused(api, db, "GET", url(poll, "/pair"), 409, user=people.citizen)
    refused(api, db, "POST", url(poll, "/comparisons"), 409, user=people.citizen,
            json={"winner_id": a.id, "loser_id": b.id})


def test_ranking_is_best_first_with_intervals(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, phase="comparing")
    ids = [problem.id for problem in approved(db, poll)]
    strength = {ids[2]: 4, ids[0]: 3, ids[3]: 2, ids[1]: 1}  # the expected order: 2, 0, 3, 1
    comparisons = []
    for first, second in combinations(sorted(ids), 2):
        for k in range(5):
            stronger = first if strength[first] > strength[second] else second
            weaker = second if stronger == first else first
            comparisons.append(Comparison(poll_id=poll.id, first_id=first, second_id=second,
                                          winner_id=stronger if k < 4 else weaker))
    db.session.add_all(comparisons)
    db.session.flush()
    tallies.recount(poll)
    db.session.commit()
    body = api.get(url(poll, "/results")).get_json()
    ranking = body["ranking"]
    assert [item["problem_id"] for item in ranking] == [ids[2], ids[0], ids[3], ids[1]]
    assert [item["score"] for item in ranking] == sorted((item["score"] for item in ranking), reverse=True)
    for item in ranking:
        assert {"problem_id", "text", "score", "low", "high", "comparisons", "win_rate"} <= set(item)
        assert 0 <= item["low"] <= item["score"] <= item["high"] <= 100
        assert item["comparisons"] == 15
    assert body["total_comparisons"] == 30
    rows = csv_rows(api.get(url(poll, "/results.csv")))
    assert rows[0][:3] == ["rank", "problem_id", "problem"]
    assert [row[1] for row in rows[1:]] == [str(item["problem_id"]) for item in ranking]


def test_pending_and_rejected_problems_stay_out_of_the_ranking(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, phase="comparing")
    add_problem(db, poll)
    add_problem(db, poll, "=HYPERLINK(\"http://x\") abgelehnt", status="rejected", reason="Spam.")
    body = api.get(url(poll, "/results")).get_json()
    assert {item["problem_id"] for item in body["ranking"]} == {problem.id for problem in approved(db, poll)}
    assert all(item["score"] == pytest.approx(50) for item in body["ranking"])


def test_problem_texts_in_the_csv_are_neutralised(api, db, people, create_poll):
    poll = problem_poll(create_poll, people, problems=["=WEBSERVICE(\"http://x\") fehlt", "-Radwege fehlen überall"])
    rows = csv_rows(api.get(url(poll, "/results.csv")))
    assert sorted(row[2] for row in rows[1:]) == ["'-Radwege fehlen überall", "'=WEBSERVICE(\"http://x\") fehlt"]


# --- 8. query counts -------------------------------------------------------------------------------

def statements(api, count_queries, path, user=None):
    api.get(path, user=user)  # warm up: the token, caches of the app
    with count_queries() as counter:
        response = api.get(path, user=user)
    assert response.status_code == 200, response.get_data(as_text=True)
    return counter.count


@pytest.mark.parametrize("who", ["anonymous", "moderator"])
def test_survey_queries_do_not_grow_with_ballots(api, db, people, create_poll, count_queries, who):
    poll = create_poll(region=people.home)
    user = getattr(people, who)
    paths = [url(poll), url(poll, "/results"), url(poll, "/results.csv")]
    add_ballots(db, poll, 5)
    few = [statements(api, count_queries, path, user) for path in paths]
    add_ballots(db, poll, 55)
    assert api.get(url(poll, "/results")).get_json()["total_ballots"] == 60
    many = [statements(api, count_queries, path, user) for path in paths]
    assert few == many
    assert max(many) <= 12, many


def test_problem_poll_queries_do_not_grow_with_comparisons(api, db, people, create_poll, count_queries):
    poll = problem_poll(create_poll, people, phase="comparing")
    paths = [url(poll), url(poll, "/results"), url(poll, "/results.csv"), url(poll, "/problems")]
    add_comparisons(db, poll, 3)
    few = [statements(api, count_queries, path) for path in paths]
    add_comparisons(db, poll, 120)
    assert api.get(url(poll, "/results")).get_json()["total_comparisons"] == 123
    many = [statements(api, count_queries, path) for path in paths]
    assert few == many
    assert max(many) <= 12, many


def test_poll_list_queries_do_not_grow_with_polls(api, db, people, create_poll, count_queries):
    for i in range(3):
        create_poll(region=people.home, title=f"Umfrage {i}", questions=[])
    paths = [f"{POLLS}?region=heimat", f"{POLLS}?per_page=100", f"{POLLS}?status=draft"]
    few = [statements(api, count_queries, path, people.moderator) for path in paths]
    for i in range(30):
        create_poll(region=people.home if i % 2 else people.elsewhere, title=f"Mehr {i}", questions=[],
                    status="draft" if i % 3 == 0 else "open")
    assert [statements(api, count_queries, path, people.moderator) for path in paths] == few


def test_problem_list_queries_do_not_grow_with_problems(api, db, people, create_poll, count_queries):
    poll = problem_poll(create_poll, people)
    few = statements(api, count_queries, url(poll, "/problems?per_page=100"), people.moderator)
    for i in range(40):
        add_problem(db, poll, f"Problem Nummer {i} aus dem Workshop", status="approved" if i % 2 else "pending")
    assert statements(api, count_queries, url(poll, "/problems?per_page=100"), people.moderator) == few


def test_pair_queries_do_not_grow_with_comparisons(api, db, people, create_poll, count_queries):
    poll = problem_poll(create_poll, people, phase="comparing")
    path = url(poll, "/pair")
    add_comparisons(db, poll, 3)
    few = statements(api, count_queries, path, people.citizen)
    add_comparisons(db, poll, 120)
    assert statements(api, count_queries, path, people.citizen) == few
