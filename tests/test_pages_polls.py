"""HTML pages of polls: taking part without JavaScript, access codes, results, moderation, problem polls."""

import csv
import html as html_lib
import io
import json
import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from beteiligung.polls import services
from beteiligung.polls.models import AccessCode, Answer, Ballot, Comparison, Poll, Problem, Question
from beteiligung.testing.fixtures import SAMPLE_QUESTIONS as SAMPLE
from beteiligung.testing.helpers import count_rows, duplicate_ids, fresh, text_of
from beteiligung.timeutil import utcnow

SAMPLE_ONE = {key: value for key, value in SAMPLE[0].items() if key != "allow_other"}

# --- helpers ----------------------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Start tags in document order; for each form field whether it sits in a <fieldset> that has a <legend>."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.fieldsets = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "legend" and self.fieldsets:
            self.fieldsets[-1]["legend"] = True
        grouped = bool(self.fieldsets) and self.fieldsets[-1]["legend"]
        self.elements.append((tag, attrs, grouped))
        if tag == "fieldset":
            self.fieldsets.append({"legend": False})

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "fieldset":
            self.fieldsets.pop()

    def handle_endtag(self, tag):
        if tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()


def elements(html, tag=None):
    return [(t, a) for t, a, _grouped in _Page(html).elements if tag is None or t == tag]


def input_by_id(html, element_id):
    found = [attrs for tag, attrs in elements(html) if attrs.get("id") == element_id]
    assert len(found) == 1, (element_id, found)
    return found[0]


NOT_LABELLED = ("hidden", "submit", "button", "reset", "image")


def accessibility_problems(html, lang="de"):
    """The basics every poll page must meet; returns a list of problems (empty: all good)."""
    problems = []
    if not re.search(rf'<html lang="{lang}">', html):
        problems.append(f"<html lang={lang!r}> missing")
    page = _Page(html).elements
    h1 = [tag for tag, _attrs, _grouped in page if tag == "h1"]
    if len(h1) != 1:
        problems.append(f"{len(h1)} <h1> elements")
    label_for = [attrs.get("for") for tag, attrs, _grouped in page if tag == "label"]
    checkbox_names = Counter(attrs.get("name") for tag, attrs, _grouped in page
                             if tag == "input" and attrs.get("type") == "checkbox")
    for tag, attrs, grouped in page:
        if tag not in ("input", "select", "textarea"):
            continue
        kind = attrs.get("type", "text") if tag == "input" else tag
        if kind in NOT_LABELLED:
            continue
        if not attrs.get("id"):
            problems.append(f"{tag} name={attrs.get('name')!r} has no id")
        elif attrs["id"] not in label_for:
            problems.append(f"{tag} id={attrs['id']!r} has no <label for>")
        if (kind == "radio" or (kind == "checkbox" and checkbox_names[attrs.get("name")] > 1)) and not grouped:
            problems.append(f"{kind} id={attrs.get('id')!r} is not in a <fieldset> with a <legend>")
    for element_id in duplicate_ids(html):
        problems.append(f"duplicate id {element_id!r}")
    return problems


def broken_aria_references(html):
    """aria-labelledby / aria-describedby that name a missing id, or (labelledby) the element itself."""
    ids = {attrs["id"] for _tag, attrs in elements(html) if attrs.get("id")}
    broken = []
    for tag, attrs in elements(html):
        for name in ("aria-labelledby", "aria-describedby"):
            for ref in (attrs.get(name) or "").split():
                if ref not in ids or (name == "aria-labelledby" and ref == attrs.get("id")):
                    broken.append((tag, name, ref))
    return broken


def flashes(html):
    """[(category, message)] of the flash messages shown at the top of the page."""
    return [(category, html_lib.unescape(message)) for category, message in
            re.findall(r'<div class="flash ([a-z]+)" role="(?:alert|status)">(.*?)</div>', html, re.S)]


def flash_text(html):
    return " ".join(message for _category, message in flashes(html))


def question_block(html, question):
    """The rendered form part of one question (<div class="question" id="frage-N">)."""
    match = re.search(rf'<div class="question" id="frage-{question.id}">(.*?)</div>', html, re.S)
    assert match, f"question {question.id} not on the page"
    return match.group(1)


def result_section(html, question):
    match = re.search(rf'<section class="result" aria-labelledby="ergebnis-{question.id}">(.*?)</section>',
                      html, re.S)
    assert match, f"no result section for question {question.id}"
    return match.group(1)


def by_type(poll):
    return {question.type: question for question in poll.questions}


def take_part_form(poll, single=0, scale=4, text="Mehr Radwege bitte.", multiple=(0, 2), ranking=(2, 0)):
    """What a browser sends for the sample questions (values are strings, checkboxes repeat their name)."""
    q = by_type(poll)
    data = {f"q{q['scale'].id}": str(scale), f"q{q['text'].id}": text,
            f"q{q['multiple_choice'].id}": [str(q["multiple_choice"].options[i].id) for i in multiple]}
    if single is not None:
        data[f"q{q['single_choice'].id}"] = str(q["single_choice"].options[single].id)
    for position, index in enumerate(ranking, start=1):
        data[f"q{q['ranking'].id}_{position}"] = str(q["ranking"].options[index].id)
    return data


SCALE_VALUES = (4, 4, 5, 3, 5)  # mean 4,2


def add_ballots(db, create_user, poll, n, *, multiple_answered=None, texts_answered=None):
    """n ballots of n new citizens through the engine; deterministic answers (see the results tests)."""
    q = by_type(poll)
    for i in range(n):
        answers = {q["single_choice"].id: q["single_choice"].options[i % 2].id,
                   q["scale"].id: SCALE_VALUES[i % 5],
                   q["ranking"].id: ([q["ranking"].options[0].id, q["ranking"].options[1].id] if i % 5 < 3
                                     else [q["ranking"].options[1].id, q["ranking"].options[0].id])}
        if multiple_answered is None or i < multiple_answered:
            answers[q["multiple_choice"].id] = [q["multiple_choice"].options[0].id]
        if texts_answered is None or i < texts_answered:
            answers[q["text"].id] = f"Geheime Antwort Nummer {i}"
        services.submit_ballot(services.Participant(user=create_user()), poll, answers)
    db.session.commit()


@pytest.fixture
def region(create_region):
    return create_region(slug="bielefeld", name="Bielefeld")


@pytest.fixture
def poll(create_poll, region):
    return create_poll(region)


@pytest.fixture
def citizen(create_user):
    return create_user(pseudonym="Bürgerin Berta")


@pytest.fixture
def moderator(create_user, region):
    return create_user(role="moderator", regions=[region], pseudonym="Moderation BI")


@pytest.fixture
def foreign_moderator(create_user, create_region):
    return create_user(role="moderator", regions=[create_region(slug="aachen")], pseudonym="Moderation AC")


# --- 1. taking part without JavaScript --------------------------------------------------------------------------


def test_poll_page_shows_every_question_as_a_labelled_form(client, auth, poll, citizen):
    auth.login(citizen)
    response = client.get(f"/umfragen/{poll.id}")
    html = text_of(response)
    assert response.status_code == 200
    assert f'<form method="post" action="/umfragen/{poll.id}/teilnehmen"' in html
    q = by_type(poll)
    for kind in ("single_choice", "multiple_choice", "scale", "ranking"):
        block = question_block(html, q[kind])
        assert "<fieldset" in block, kind
        legend = re.search(r"<legend>(.*?)</legend>", block, re.S)
        assert legend and q[kind].text in legend.group(1), kind
    single = question_block(html, q["single_choice"])
    assert "(Pflichtfrage)" in single  # the * is explained to screen readers
    for option in q["single_choice"].options:
        assert input_by_id(html, f"q{q['single_choice'].id}-{option.id}")["type"] == "radio"
        assert f'<label for="q{q["single_choice"].id}-{option.id}">{html_lib.escape(option.label)}</label>' in html
    assert input_by_id(html, f"q{q['single_choice'].id}-other-text")["name"] == f"q{q['single_choice'].id}_other"
    for option in q["multiple_choice"].options:
        assert input_by_id(html, f"q{q['multiple_choice'].id}-{option.id}")["type"] == "checkbox"
    for value in range(1, 6):
        assert input_by_id(html, f"q{q['scale'].id}-{value}")["type"] == "radio"
    assert f'<label for="q{q["scale"].id}-1">1 – gar nicht</label>' in html
    rid = q["ranking"].id
    for position in (1, 2):  # top 2 of 3
        assert f'<label for="q{rid}_{position}">Platz {position}</label>' in html
        assert input_by_id(html, f"q{rid}_{position}") is not None
    assert f'id="q{rid}_3"' not in html
    tid = q["text"].id
    assert f'<label for="q{tid}">{q["text"].text}</label>' in html
    assert input_by_id(html, f"q{tid}")["maxlength"] == "500"
    assert "<script" not in html


def test_citizen_takes_part_and_answers_are_stored(client, auth, db, poll, citizen):
    auth.login(citizen)
    q = by_type(poll)
    response = client.post(f"/umfragen/{poll.id}/teilnehmen", data=take_part_form(poll, single=1, scale=4))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/umfragen/{poll.id}/danke")
    thanks = client.get(f"/umfragen/{poll.id}/danke")
    assert thanks.status_code == 200
    assert "Vielen Dank" in text_of(thanks)
    assert "Vielen Dank! Ihre Antworten wurden gespeichert." in flash_text(text_of(thanks))

    ballot = db.session.scalar(select(Ballot))
    assert (ballot.poll_id, ballot.user_id, ballot.access_code_id) == (poll.id, citizen.id, None)
    assert fresh(db, Poll, poll.id).ballot_count == 1
    rows = db.session.scalars(select(Answer).where(Answer.ballot_id == ballot.id)
                              .order_by(Answer.question_id, Answer.seq)).all()
    cells = {}
    for row in rows:
        cells.setdefault(row.question_id, []).append((row.option_id, row.number, row.text))
    q = by_type(fresh(db, Poll, poll.id))
    assert cells[q["single_choice"].id] == [(q["single_choice"].options[1].id, None, None)]
    assert cells[q["multiple_choice"].id] == [(q["multiple_choice"].options[0].id, None, None),
                                              (q["multiple_choice"].options[2].id, None, None)]
    assert cells[q["scale"].id] == [(None, 4, None)]
    assert cells[q["ranking"].id] == [(q["ranking"].options[2].id, 1, None), (q["ranking"].options[0].id, 2, None)]
    assert cells[q["text"].id] == [(None, None, "Mehr Radwege bitte.")]
    assert len(rows) == 7


def test_other_answer_is_stored_as_text(client, auth, db, poll, citizen):
    auth.login(citizen)
    sid = by_type(poll)["single_choice"].id
    data = dict(take_part_form(poll), **{f"q{sid}": "other", f"q{sid}_other": "Mit dem E-Scooter"})
    assert client.post(f"/umfragen/{poll.id}/teilnehmen", data=data).status_code == 303
    row = db.session.scalar(select(Answer).where(Answer.question_id == sid))
    assert (row.option_id, row.number, row.text) == (None, None, "Mit dem E-Scooter")


def test_after_taking_part_the_form_is_gone_and_a_second_ballot_is_refused(client, auth, db, poll, citizen):
    auth.login(citizen)
    assert client.post(f"/umfragen/{poll.id}/teilnehmen", data=take_part_form(poll)).status_code == 303
    html = text_of(client.get(f"/umfragen/{poll.id}"))
    assert "bereits teilgenommen" in html
    assert f'action="/umfragen/{poll.id}/teilnehmen"' not in html
    assert "<textarea" not in html

    again = client.post(f"/umfragen/{poll.id}/teilnehmen", data=take_part_form(poll, single=2, scale=1))
    assert again.status_code == 303
    assert again.headers["Location"].endswith(f"/umfragen/{poll.id}")
    assert count_rows(db, Ballot) == 1
    assert count_rows(db, Answer, Answer.question_id == by_type(poll)["scale"].id) == 1
    assert count_rows(db, Answer, Answer.question_id == by_type(poll)["scale"].id, Answer.number == 1) == 0
    page = text_of(client.get(f"/umfragen/{poll.id}"))
    assert any(category == "error" and "bereits teilgenommen" in message for category, message in flashes(page))


def test_anonymous_post_is_refused_with_a_message(client, db, poll):
    response = client.post(f"/umfragen/{poll.id}/teilnehmen", data=take_part_form(poll))
    assert response.status_code == 303
    assert count_rows(db, Ballot) == 0
    assert "Bitte melden Sie sich an" in flash_text(text_of(client.get(f"/umfragen/{poll.id}")))


# --- 2. invalid submissions ------------------------------------------------------------------------------------


def post_invalid(client, db, poll, data):
    response = client.post(f"/umfragen/{poll.id}/teilnehmen", data=data)
    html = text_of(response)
    assert response.status_code == 422, response.status_code
    assert "Bitte prüfen Sie Ihre Antworten" in flash_text(html)
    assert count_rows(db, Ballot) == 0 and count_rows(db, Answer) == 0
    assert fresh(db, Poll, poll.id).ballot_count == 0
    assert f'action="/umfragen/{poll.id}/teilnehmen"' in html  # the form is shown again
    return html


def errors_by_question(html, poll):
    return {question.type: re.findall(r'<p class="field-error" id="q\d+-error">(.*?)</p>',
                                      question_block(html, question), re.S)
            for question in poll.questions}


def test_missing_required_answer_keeps_the_other_answers(client, auth, db, poll, citizen):
    auth.login(citizen)
    q = by_type(poll)
    html = post_invalid(client, db, poll, take_part_form(poll, single=None, scale=2, text="Bitte mehr Bänke."))
    errors = errors_by_question(html, poll)
    assert errors["single_choice"] == ["Bitte beantworten Sie diese Frage."]
    assert all(not found for kind, found in errors.items() if kind != "single_choice")
    # The question points to its error for screen readers.
    assert f'aria-describedby="q{q["single_choice"].id}-error"' in question_block(html, q["single_choice"])
    # What was entered stays.
    assert "checked" in input_by_id(html, f"q{q['scale'].id}-2")
    assert "checked" not in input_by_id(html, f"q{q['scale'].id}-3")
    assert re.search(rf'<textarea id="q{q["text"].id}"[^>]*>Bitte mehr Bänke\.</textarea>', html)
    for index in (0, 2):
        assert "checked" in input_by_id(html, f"q{q['multiple_choice'].id}-{q['multiple_choice'].options[index].id}")
    assert "checked" not in input_by_id(html, f"q{q['multiple_choice'].id}-{q['multiple_choice'].options[1].id}")
    select_1 = re.search(rf'<select id="q{q["ranking"].id}_1".*?</select>', html, re.S).group(0)
    assert f'<option value="{q["ranking"].options[2].id}" selected>' in select_1


def test_radio_choice_stays_checked_when_another_answer_is_invalid(client, auth, db, poll, citizen):
    auth.login(citizen)
    q = by_type(poll)
    html = post_invalid(client, db, poll, take_part_form(poll, single=1, multiple=(0, 1, 2)))
    assert "checked" in input_by_id(html, f"q{q['single_choice'].id}-{q['single_choice'].options[1].id}")
    assert "checked" not in input_by_id(html, f"q{q['single_choice'].id}-{q['single_choice'].options[0].id}")
    errors = errors_by_question(html, poll)
    assert errors["multiple_choice"] == ["Bitte wählen Sie höchstens 2 Antworten."]
    assert errors["single_choice"] == []


def _same_ranking_twice(poll):
    rid = by_type(poll)["ranking"]
    return {f"q{rid.id}_1": str(rid.options[1].id), f"q{rid.id}_2": str(rid.options[1].id)}


def _other_without_text(poll):
    sid = by_type(poll)["single_choice"].id
    return {f"q{sid}": "other", f"q{sid}_other": "   "}


def _option_of_another_question(poll):
    q = by_type(poll)
    return {f"q{q['single_choice'].id}": str(q["multiple_choice"].options[0].id)}


INVALID_CASES = {
    "too many checkboxes": ("multiple_choice", lambda poll: {
        f"q{by_type(poll)['multiple_choice'].id}": [str(o.id) for o in by_type(poll)["multiple_choice"].options]},
        "höchstens 2"),
    "same option twice in ranking": ("ranking", _same_ranking_twice, "nur einmal"),
    "only one place of two in ranking": ("ranking", lambda poll: {
        f"q{by_type(poll)['ranking'].id}_1": str(by_type(poll)["ranking"].options[0].id),
        f"q{by_type(poll)['ranking'].id}_2": ""}, "genau 2"),
    "scale out of range": ("scale", lambda poll: {f"q{by_type(poll)['scale'].id}": "9"}, "von 1 bis 5"),
    "scale zero": ("scale", lambda poll: {f"q{by_type(poll)['scale'].id}": "0"}, "von 1 bis 5"),
    "other selected with empty text": ("single_choice", _other_without_text, "eigene Antwort"),
    "option of another question": ("single_choice", _option_of_another_question, "gehört nicht zu dieser Frage"),
}


@pytest.mark.parametrize("case", sorted(INVALID_CASES))
def test_invalid_answer_is_shown_next_to_its_question(client, auth, db, poll, citizen, case):
    kind, change, message = INVALID_CASES[case]
    auth.login(citizen)
    html = post_invalid(client, db, poll, dict(take_part_form(poll), **change(poll)))
    errors = errors_by_question(html, poll)
    assert len(errors[kind]) == 1 and message in errors[kind][0], errors
    assert all(not found for other, found in errors.items() if other != kind), errors
    assert "Mehr Radwege bitte." in html  # the free text stays


JUNK_VALUES = [("single_choice", "", "abc"), ("single_choice", "", "-1"), ("single_choice", "", "1.5"),
               ("single_choice", "", "9" * 30), ("single_choice", "", "٣"),
               ("multiple_choice", "", "x"), ("multiple_choice", "", ""), ("multiple_choice", "", "other"),
               ("scale", "", "abc"), ("scale", "", "-"), ("scale", "", "3.0"), ("scale", "", "+3"),
               ("scale", "", "--1"), ("scale", "", "-" * 3 + "2"), ("scale", "", "1" * 5000),
               ("ranking", "_1", "abc"), ("ranking", "_1", "0"), ("ranking", "_2", "99999999999999")]


@pytest.mark.parametrize(("kind", "suffix", "value"), JUNK_VALUES,
                         ids=[f"{kind}{suffix}={value[:12]!r}" for kind, suffix, value in JUNK_VALUES])
def test_junk_values_are_refused_without_server_error(client, auth, db, poll, citizen, kind, suffix, value):
    auth.login(citizen)
    question = by_type(poll)[kind]
    data = take_part_form(poll)
    data[f"q{question.id}{suffix}"] = value
    html = post_invalid(client, db, poll, data)
    errors = errors_by_question(html, poll)
    assert errors[kind], errors


def test_huge_text_answer_is_refused_with_422_not_500(client, auth, db, poll, citizen):
    auth.login(citizen)
    tid = by_type(poll)["text"].id
    html = post_invalid(client, db, poll, take_part_form(poll, text="Sehr lang. " * 10_000))  # ~110 kB
    errors = errors_by_question(html, poll)
    assert len(errors["text"]) == 1 and "höchstens 500 Zeichen" in errors["text"][0]
    assert f'id="q{tid}"' in html


def test_huge_other_text_is_refused(client, auth, db, poll, citizen):
    auth.login(citizen)
    sid = by_type(poll)["single_choice"].id
    html = post_invalid(client, db, poll, dict(take_part_form(poll), **{f"q{sid}": "other",
                                                                         f"q{sid}_other": "x" * 100_000}))
    assert "höchstens 300 Zeichen" in " ".join(errors_by_question(html, poll)["single_choice"])


def test_control_characters_in_text_answers_are_dropped(client, auth, db, poll, citizen):
    auth.login(citizen)
    q = by_type(poll)
    data = take_part_form(poll, single=None, text="Hallo\x00 Welt\x07!")
    data.update({f"q{q['single_choice'].id}": "other", f"q{q['single_choice'].id}_other": "Roller\x00"})
    response = client.post(f"/umfragen/{poll.id}/teilnehmen", data=data)
    assert response.status_code == 303
    texts = sorted(db.session.scalars(select(Answer.text).where(Answer.text.is_not(None))))
    assert texts == ["Hallo Welt!", "Roller"]


def test_empty_submission_is_refused(client, auth, db, poll, citizen):
    auth.login(citizen)
    html = post_invalid(client, db, poll, {})
    assert "Bitte beantworten Sie diese Frage." in question_block(html, by_type(poll)["single_choice"])


# --- 3. anonymous visitors and access codes ---------------------------------------------------------------------


def test_anonymous_visitor_of_an_accounts_poll_sees_a_login_link(client, poll):
    html = text_of(client.get(f"/umfragen/{poll.id}"))
    assert re.search(r'<a class="button" href="/konto/anmelden\?next=[^"]*umfragen[^"]*">Anmelden, um teilzunehmen</a>',
                     html)
    assert f'action="/umfragen/{poll.id}/teilnehmen"' not in html
    assert "Zugangscode" not in html


@pytest.fixture
def code_poll(create_poll, region):
    return create_poll(region, audience="access_codes", title="Workshop Digitale Schule")


def add_code(db, poll, code, used=False):
    access_code = AccessCode(poll_id=poll.id, code=code, used_at=utcnow() if used else None)
    db.session.add(access_code)
    db.session.commit()
    return access_code


def test_anonymous_visitor_of_a_code_poll_sees_the_code_form(client, code_poll):
    html = text_of(client.get(f"/umfragen/{code_poll.id}"))
    assert f'action="/umfragen/{code_poll.id}/zugangscode"' in html
    assert re.search(r'<label for="code">Zugangscode</label>', html)
    assert input_by_id(html, "code")["name"] == "code"
    assert f'action="/umfragen/{code_poll.id}/teilnehmen"' not in html


def test_signed_in_citizen_of_a_code_only_poll_also_needs_a_code(client, auth, db, code_poll, citizen):
    auth.login(citizen)
    html = text_of(client.get(f"/umfragen/{code_poll.id}"))
    assert '<label for="code">Zugangscode</label>' in html
    assert f'action="/umfragen/{code_poll.id}/teilnehmen"' not in html
    response = client.post(f"/umfragen/{code_poll.id}/teilnehmen", data=take_part_form(code_poll))
    assert response.status_code == 303
    assert count_rows(db, Ballot) == 0
    assert "Zugangscode" in flash_text(text_of(client.get(f"/umfragen/{code_poll.id}")))


@pytest.mark.parametrize("typed", ["hkmn-2345", "hkmn2345", " HKMN 2345 "])
def test_valid_code_lets_a_visitor_take_part_once(client, db, code_poll, typed):
    code = add_code(db, code_poll, "HKMN2345")
    response = client.post(f"/umfragen/{code_poll.id}/zugangscode", data={"code": typed})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/umfragen/{code_poll.id}")
    html = text_of(client.get(f"/umfragen/{code_poll.id}"))
    assert "angenommen" in flash_text(html)
    assert "Sie nehmen mit einem Zugangscode teil" in html
    assert f'action="/umfragen/{code_poll.id}/teilnehmen"' in html

    taken = client.post(f"/umfragen/{code_poll.id}/teilnehmen", data=take_part_form(code_poll))
    assert taken.status_code == 303
    assert taken.headers["Location"].endswith(f"/umfragen/{code_poll.id}/danke")
    ballot = db.session.scalar(select(Ballot))
    assert (ballot.user_id, ballot.access_code_id) == (None, code.id)
    assert fresh(db, AccessCode, code.id).used_at is not None

    html = text_of(client.get(f"/umfragen/{code_poll.id}"))
    assert "bereits teilgenommen" in html
    assert f'action="/umfragen/{code_poll.id}/teilnehmen"' not in html
    again = client.post(f"/umfragen/{code_poll.id}/teilnehmen", data=take_part_form(code_poll, single=2))
    assert again.status_code == 303
    assert count_rows(db, Ballot) == 1


def test_used_code_cannot_submit_again_from_another_browser(app, client, db, code_poll):
    code = add_code(db, code_poll, "PQRS6789")
    assert client.post(f"/umfragen/{code_poll.id}/zugangscode", data={"code": "PQRS-6789"}).status_code == 303
    assert client.post(f"/umfragen/{code_poll.id}/teilnehmen", data=take_part_form(code_poll)).status_code == 303
    assert count_rows(db, Ballot) == 1

    other = app.test_client()
    other.post(f"/umfragen/{code_poll.id}/zugangscode", data={"code": "pqrs-6789"})
    html = text_of(other.get(f"/umfragen/{code_poll.id}"))
    assert "bereits verwendet" in flash_text(html)  # refused when it is entered
    assert f'action="/umfragen/{code_poll.id}/teilnehmen"' not in html
    response = other.post(f"/umfragen/{code_poll.id}/teilnehmen", data=take_part_form(code_poll, single=3))
    assert response.status_code == 303
    assert count_rows(db, Ballot) == 1
    assert count_rows(db, Ballot, Ballot.access_code_id == code.id) == 1


def test_signing_in_forgets_the_workshop_code_of_the_person_before(client, auth, db, create_poll, region, citizen):
    poll = create_poll(region, audience="both", title="Workshop und online")
    add_code(db, poll, "MNPQ2345")
    client.post(f"/umfragen/{poll.id}/zugangscode", data={"code": "MNPQ-2345"})
    assert "Zugangscode teil" in text_of(client.get(f"/umfragen/{poll.id}"))
    auth.login(citizen)
    html = text_of(client.get(f"/umfragen/{poll.id}"))
    assert "Zugangscode teil" not in html and f'action="/umfragen/{poll.id}/teilnehmen"' in html
    assert client.post(f"/umfragen/{poll.id}/teilnehmen", data=take_part_form(poll)).status_code == 303
    assert count_rows(db, Ballot, Ballot.user_id == citizen.id) == 1
    assert count_rows(db, Ballot, Ballot.access_code_id.is_not(None)) == 0


def test_a_code_is_refused_on_a_poll_for_accounts_only(client, db, create_poll, region):
    poll = create_poll(region, audience="accounts", title="Nur mit Konto")
    add_code(db, poll, "RSTU2345")
    client.post(f"/umfragen/{poll.id}/zugangscode", data={"code": "RSTU-2345"})
    html = text_of(client.get(f"/umfragen/{poll.id}"))
    assert "nur angemeldete Personen" in flash_text(html)
    assert f'action="/umfragen/{poll.id}/teilnehmen"' not in html


def test_code_of_another_poll_is_refused(client, db, create_poll, region, code_poll):
    other_poll = create_poll(region, audience="access_codes", title="Anderer Workshop")
    add_code(db, other_poll, "WXYZ2345")
    response = client.post(f"/umfragen/{code_poll.id}/zugangscode", data={"code": "wxyz-2345"})
    assert response.status_code == 303
    html = text_of(client.get(f"/umfragen/{code_poll.id}"))
    assert "andere Umfrage" in flash_text(html)
    assert f'action="/umfragen/{code_poll.id}/teilnehmen"' not in html
    assert client.post(f"/umfragen/{code_poll.id}/teilnehmen", data=take_part_form(code_poll)).status_code == 303
    assert count_rows(db, Ballot) == 0


@pytest.mark.parametrize("typed", ["ABCD-EFGH", "x", "", "ä" * 30, "<script>", "1" * 100])
def test_unknown_or_malformed_code_gives_a_message_not_an_error(client, db, code_poll, typed):
    add_code(db, code_poll, "HKMN2345")
    response = client.post(f"/umfragen/{code_poll.id}/zugangscode", data={"code": typed})
    assert response.status_code == 303
    html = text_of(client.get(f"/umfragen/{code_poll.id}"))
    assert [category for category, _message in flashes(html)] == ["error"]
    assert "Zugangscode" in flash_text(html)
    assert f'action="/umfragen/{code_poll.id}/teilnehmen"' not in html


# --- 4. closed polls and drafts --------------------------------------------------------------------------------


def test_closed_poll_shows_no_form_and_refuses_ballots(client, auth, db, create_poll, region, citizen):
    closed = create_poll(region, status="closed")
    auth.login(citizen)
    html = text_of(client.get(f"/umfragen/{closed.id}"))
    assert "beendet" in html
    assert f'action="/umfragen/{closed.id}/teilnehmen"' not in html
    response = client.post(f"/umfragen/{closed.id}/teilnehmen", data=take_part_form(closed))
    assert response.status_code == 303
    assert count_rows(db, Ballot) == 0 and count_rows(db, Answer) == 0
    assert "beendet" in flash_text(text_of(client.get(f"/umfragen/{closed.id}")))


@pytest.fixture
def draft(create_poll, region):
    return create_poll(region, status="draft", title="Geheimer Umfrageentwurf")


def test_draft_is_hidden_from_anonymous_visitors_and_citizens(client, auth, db, draft, citizen):
    response = client.get(f"/umfragen/{draft.id}")
    assert response.status_code == 404
    assert "Geheimer Umfrageentwurf" not in text_of(response)
    assert "Geheimer Umfrageentwurf" not in text_of(client.get("/umfragen/"))
    auth.login(citizen)
    assert client.get(f"/umfragen/{draft.id}").status_code == 404
    assert client.get(f"/umfragen/{draft.id}/ergebnisse").status_code == 404
    assert client.post(f"/umfragen/{draft.id}/teilnehmen", data=take_part_form(draft)).status_code == 404
    assert count_rows(db, Ballot) == 0
    assert "Geheimer Umfrageentwurf" not in text_of(client.get("/umfragen/?status=draft"))


def test_draft_is_shown_to_its_regions_moderator_only(client, auth, draft, moderator, foreign_moderator):
    auth.login(moderator)
    response = client.get(f"/umfragen/{draft.id}")
    html = text_of(response)
    assert response.status_code == 200
    assert "<h1>Geheimer Umfrageentwurf</h1>" in html
    assert "Entwurf" in html and "Nur die Moderation sieht diese Seite" in html
    assert f'action="/umfragen/{draft.id}/teilnehmen"' not in html
    assert "Geheimer Umfrageentwurf" in text_of(client.get("/umfragen/?status=draft"))
    auth.logout()
    auth.login(foreign_moderator)
    assert client.get(f"/umfragen/{draft.id}").status_code == 404
    assert client.get(f"/umfragen/{draft.id}/bearbeiten").status_code == 404


# --- 5. results ------------------------------------------------------------------------------------------------


def test_results_show_chart_and_table_per_question(client, db, create_user, poll):
    add_ballots(db, create_user, poll, 5, multiple_answered=3)
    response = client.get(f"/umfragen/{poll.id}/ergebnisse")
    html = text_of(response)
    assert response.status_code == 200
    assert "5 Teilnahmen" in html
    q = by_type(poll)

    single = result_section(html, q["single_choice"])
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in single
    assert "<table>" in single
    assert "<td>Zu Fuß</td><td>3</td><td>60,0 %</td>" in single
    assert "<td>Fahrrad</td><td>2</td><td>40,0 %</td>" in single
    assert "<td>Auto</td><td>0</td>" in single

    scale = result_section(html, q["scale"])
    assert 'role="img"' in scale and "<table>" in scale
    assert "Mittelwert: <strong>4,20</strong>" in scale
    assert "<td>5 – sehr</td><td>2</td>" in scale and "<td>3</td><td>1</td>" in scale

    ranking = result_section(html, q["ranking"])
    assert 'role="img"' in ranking and "<table>" in ranking
    # Rank, option, Borda points (2 for place 1, 1 for place 2), average place, how often ranked.
    assert "<td>1</td><td>Parkausweis</td><td>8</td><td>1,40</td><td>5</td>" in ranking
    assert "<td>2</td><td>Hundesteuer</td><td>7</td><td>1,60</td><td>5</td>" in ranking
    assert "<td>3</td><td>Wohnsitz ummelden</td><td>0</td><td>–</td><td>0</td>" in ranking

    # Only 3 people answered the multiple choice question: no breakdown.
    multiple = result_section(html, q["multiple_choice"])
    assert "Weniger als 5 Personen" in multiple
    assert "<table" not in multiple and "<svg" not in multiple
    assert "Bürgerbüro online" not in multiple
    assert html.count("Weniger als 5 Personen") == 1

    # Written answers are not shown to citizens.
    text = result_section(html, q["text"])
    assert "nicht einzeln veröffentlicht" in text
    assert "Geheime Antwort" not in html
    assert "nur für die Moderation" not in html


def test_results_with_fewer_than_five_ballots_show_no_breakdown(client, db, create_user, poll):
    add_ballots(db, create_user, poll, 4)
    html = text_of(client.get(f"/umfragen/{poll.id}/ergebnisse"))
    assert html.count("Weniger als 5 Personen") == len(poll.questions)
    assert "<table" not in html and "<svg" not in html
    assert "Zu Fuß" not in html
    data = client.get(f"/umfragen/{poll.id}/ergebnisse.json").get_json()
    assert all(item["withheld"] and "options" not in item and "mean" not in item for item in data["questions"])


def test_moderator_sees_written_answers_citizens_do_not(client, auth, db, create_user, poll, moderator, citizen):
    add_ballots(db, create_user, poll, 5, texts_answered=2)
    auth.login(moderator)
    html = text_of(client.get(f"/umfragen/{poll.id}/ergebnisse"))
    text = result_section(html, by_type(poll)["text"])
    assert "nur für die Moderation" in text
    assert "Geheime Antwort Nummer 0" in text and "Geheime Antwort Nummer 1" in text
    assert "Geheime Antwort" in json.dumps(client.get(f"/umfragen/{poll.id}/ergebnisse.json").get_json())
    auth.logout()
    auth.login(citizen)
    for path in ("ergebnisse", "ergebnisse.json", "ergebnisse.csv"):
        response = client.get(f"/umfragen/{poll.id}/{path}")
        assert response.status_code == 200, path
        assert "Geheime Antwort" not in text_of(response), path
        assert "nur für die Moderation" not in text_of(response), path


def test_csv_and_json_downloads(client, db, create_user, poll):
    add_ballots(db, create_user, poll, 5)
    response = client.get(f"/umfragen/{poll.id}/ergebnisse.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f'filename="umfrage-{poll.id}-ergebnisse.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text_of(response))))
    assert rows[0] == ["question_id", "question", "type", "option", "measure", "value"]
    assert [str(by_type(poll)["single_choice"].id), by_type(poll)["single_choice"].text, "single_choice", "Zu Fuß",
            "count", "3"] in rows
    assert ["mean", "4.2"] in [row[4:] for row in rows]

    response = client.get(f"/umfragen/{poll.id}/ergebnisse.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = json.loads(text_of(response))
    assert data["total_ballots"] == 5 and len(data["questions"]) == 5


def test_csv_cells_that_look_like_formulas_are_quoted(client, db, create_user, create_poll, region):
    questions = [dict(SAMPLE_ONE, options=["=HYPERLINK(\"http://x\")", "+1", "Normal"])] + [
        dict(question) for question in SAMPLE[1:]]
    poll = create_poll(region, questions=questions)
    add_ballots(db, create_user, poll, 5)
    rows = list(csv.reader(io.StringIO(text_of(client.get(f"/umfragen/{poll.id}/ergebnisse.csv")))))
    options = [row[3] for row in rows if row[2] == "single_choice" and row[4] == "count"]
    assert options[:3] == ["'=HYPERLINK(\"http://x\")", "'+1", "Normal"]


RESULT_PATHS = ("ergebnisse", "ergebnisse.csv", "ergebnisse.json")


@pytest.mark.parametrize("path", RESULT_PATHS)
def test_after_close_results_are_hidden_while_open(client, auth, create_poll, region, citizen, moderator, path):
    poll = create_poll(region, results_visibility="after_close")
    assert client.get(f"/umfragen/{poll.id}/{path}").status_code == 403
    auth.login(citizen)
    response = client.get(f"/umfragen/{poll.id}/{path}")
    assert response.status_code == 403
    if path == "ergebnisse":
        assert "nach dem Ende der Umfrage" in text_of(response)
    assert "Ergebnisse ansehen" not in text_of(client.get(f"/umfragen/{poll.id}"))
    auth.logout()
    auth.login(moderator)
    assert client.get(f"/umfragen/{poll.id}/{path}").status_code == 200


@pytest.mark.parametrize("path", RESULT_PATHS)
def test_after_close_results_are_public_once_closed(client, auth, create_poll, region, citizen, path):
    poll = create_poll(region, status="closed", results_visibility="after_close")
    assert client.get(f"/umfragen/{poll.id}/{path}").status_code == 200
    auth.login(citizen)
    assert client.get(f"/umfragen/{poll.id}/{path}").status_code == 200


@pytest.mark.parametrize("path", RESULT_PATHS)
def test_moderators_only_results_stay_hidden_even_when_closed(client, auth, create_poll, region, citizen, moderator,
                                                              foreign_moderator, path):
    poll = create_poll(region, status="closed", results_visibility="moderators")
    assert client.get(f"/umfragen/{poll.id}/{path}").status_code == 403
    auth.login(citizen)
    assert client.get(f"/umfragen/{poll.id}/{path}").status_code == 403
    auth.logout()
    auth.login(foreign_moderator)
    assert client.get(f"/umfragen/{poll.id}/{path}").status_code == 403
    auth.logout()
    auth.login(moderator)
    assert client.get(f"/umfragen/{poll.id}/{path}").status_code == 200


# --- 6. moderator pages: creating and editing polls ---------------------------------------------------------------


def new_poll_data(in_region, **changes):
    """The new-poll form as a browser sends it (every select sends a value, empty inputs send "")."""
    data = {"region": str(in_region.id), "template": "", "kind": "survey", "title": "Digitale Bücherei",
            "description": "Was wünschen Sie sich?", "consultation_id": "0", "audience": "accounts",
            "results_visibility": "after_close", "opens_at": "", "closes_at": ""}
    data.update(changes)
    return data


def test_new_poll_form_is_for_moderators(client, auth, region, citizen, moderator):
    assert client.get("/umfragen/neu").status_code == 302  # to the login
    auth.login(citizen)
    assert client.get("/umfragen/neu").status_code == 403
    assert client.post("/umfragen/neu", data=new_poll_data(region)).status_code == 403
    assert _count_polls(client) == 0
    auth.logout()
    auth.login(moderator)
    response = client.get("/umfragen/neu")
    html = text_of(response)
    assert response.status_code == 200
    for field, label in (("region", "Region"), ("kind", "Art"), ("title", "Titel"),
                         ("audience", "Wer darf teilnehmen?"), ("results_visibility", "Wann sind die Ergebnisse")):
        assert re.search(rf'<label for="{field}">{re.escape(label)}', html), field
    assert f'<option value="{region.id}">Bielefeld</option>' in html
    assert accessibility_problems(html) == []


def _count_polls(client):
    from beteiligung.extensions import db

    return db.session.scalar(select(func.count()).select_from(Poll))


def test_moderator_creates_a_draft(client, auth, db, region, moderator):
    auth.login(moderator)
    response = client.post("/umfragen/neu", data=new_poll_data(region, audience="both", kind="survey"))
    assert response.status_code == 303
    poll = db.session.scalar(select(Poll))
    assert response.headers["Location"].endswith(f"/umfragen/{poll.id}/bearbeiten")
    assert (poll.state, poll.status, poll.kind, poll.title, poll.audience, poll.results_visibility, poll.region_id) \
        == ("draft", "draft", "survey", "Digitale Bücherei", "both", "after_close", region.id)
    assert poll.created_by_id == moderator.id
    html = text_of(client.get(f"/umfragen/{poll.id}/bearbeiten"))
    assert "als Entwurf angelegt" in flash_text(html)


def test_moderator_creates_a_problem_definition_draft(client, auth, db, region, moderator):
    auth.login(moderator)
    response = client.post("/umfragen/neu", data=new_poll_data(region, kind="problem_definition",
                                                                title="Was drückt Sie?"))
    assert response.status_code == 303
    poll = db.session.scalar(select(Poll))
    assert (poll.kind, poll.state, poll.phase) == ("problem_definition", "draft", "collecting")


def test_new_poll_without_title_or_template_is_refused(client, auth, db, region, moderator):
    auth.login(moderator)
    response = client.post("/umfragen/neu", data=new_poll_data(region, title=""))
    html = text_of(response)
    assert response.status_code == 422
    assert "Bitte geben Sie einen Titel an oder wählen Sie eine Vorlage." in html
    assert input_by_id(html, "title").get("aria-invalid") == "true"
    assert count_rows(db, Poll) == 0


@pytest.mark.parametrize("changes", [{"region": "999999"}, {"region": "abc"}, {"template": "sample:gibt-es-nicht"},
                                     {"kind": "quiz"}, {"audience": "alle"},
                                     {"results_visibility": "nie"}, {"title": "x" * 300},
                                     {"opens_at": "morgen"}, {"consultation_id": "abc"}])
def test_new_poll_with_invalid_fields_is_refused(client, auth, db, region, moderator, changes):
    auth.login(moderator)
    response = client.post("/umfragen/neu", data=new_poll_data(region, **changes))
    assert response.status_code == 422
    assert count_rows(db, Poll) == 0


def test_new_poll_in_a_region_the_moderator_does_not_moderate_is_refused(client, auth, db, region, moderator,
                                                                          create_region):
    other = create_region(slug="koeln")
    auth.login(moderator)
    response = client.post("/umfragen/neu", data=new_poll_data(region, region=str(other.id)))
    assert response.status_code == 422
    assert count_rows(db, Poll) == 0


def question_data(kind, text, **fields):
    data = {"question-type": kind, "question-text": text, "question-help_text": "", "question-options": "",
            "question-minimum": "", "question-maximum": "", "question-low_label": "", "question-high_label": "",
            "question-top": "", "question-max_length": ""}
    data.update({f"question-{key}": value for key, value in fields.items()})
    return data


NEW_QUESTIONS = [
    (question_data("single_choice", "Haben Sie einen Bibliotheksausweis?", options="Ja\nNein\r\n\nWeiß nicht\n",
                   required="y", allow_other="y"),
     {"required": True, "allow_other": True, "options": ["Ja", "Nein", "Weiß nicht"]}),
    (question_data("multiple_choice", "Welche Medien leihen Sie aus?", options="Bücher\nFilme\nSpiele",
                   minimum="1", maximum="2"),
     {"settings": {"min": 1, "max": 2}, "options": ["Bücher", "Filme", "Spiele"], "required": False}),
    (question_data("scale", "Wie wichtig ist Ihnen die Onleihe?", minimum="0", maximum="10",
                   low_label="unwichtig", high_label="sehr wichtig"),
     {"settings": {"min": 0, "max": 10, "labels": {"0": "unwichtig", "10": "sehr wichtig"}}, "options": []}),
    (question_data("ranking", "Was soll zuerst kommen?", options="Längere Öffnungszeiten\nMehr E-Books\nCafé",
                   top="2"),
     {"settings": {"top": 2}, "options": ["Längere Öffnungszeiten", "Mehr E-Books", "Café"]}),
    (question_data("text", "Was fehlt Ihnen?", max_length="300", help_text="Bitte ohne Namen."),
     {"settings": {"max_length": 300}, "options": [], "help_text": "Bitte ohne Namen."}),
]


def test_moderator_adds_a_question_of_each_core_type(client, auth, db, create_poll, region, moderator):
    draft = create_poll(region, status="draft", questions=[])
    auth.login(moderator)
    for data, _expected in NEW_QUESTIONS:
        response = client.post(f"/umfragen/{draft.id}/fragen", data=data)
        assert response.status_code == 303, (data["question-type"], text_of(response)[:2000])
        assert response.headers["Location"].endswith(f"/umfragen/{draft.id}/bearbeiten#fragen")
    db.session.expire_all()
    questions = db.session.scalars(select(Question).where(Question.poll_id == draft.id)
                                   .order_by(Question.position)).all()
    assert [q.type for q in questions] == ["single_choice", "multiple_choice", "scale", "ranking", "text"]
    for question, (data, expected) in zip(questions, NEW_QUESTIONS, strict=True):
        assert question.text == data["question-text"]
        for key, value in expected.items():
            actual = [o.label for o in question.options] if key == "options" else getattr(question, key)
            assert actual == value, (question.type, key)
    html = text_of(client.get(f"/umfragen/{draft.id}/bearbeiten"))
    for data, _expected in NEW_QUESTIONS:
        assert f"<strong>{data['question-text']}</strong>" in html
    assert "<li>Mehr E-Books</li>" in html


@pytest.mark.parametrize(("data", "message"), [
    (question_data("single_choice", "Nur eine Antwort?", options="Ja"), "Antwortmöglichkeiten"),
    (question_data("single_choice", "Doppelt?", options="Ja\nJa"), "nur einmal"),
    (question_data("multiple_choice", "Zu viele?", options="A\nB", minimum="2", maximum="1"), "Mindestzahl"),
    (question_data("scale", "Verkehrt?", minimum="5", maximum="1"), "Stufen"),
    (question_data("text", "Mit Optionen?", options="A\nB"), "keine Antwortmöglichkeiten"),
    (question_data("scale", "Mit Sonstiges?", allow_other="y"), "Sonstiges"),
])
def test_invalid_question_is_refused(client, auth, db, create_poll, region, moderator, data, message):
    draft = create_poll(region, status="draft", questions=[])
    auth.login(moderator)
    response = client.post(f"/umfragen/{draft.id}/fragen", data=data)
    html = text_of(response)
    assert response.status_code == 422
    assert message in flash_text(html)
    assert count_rows(db, Question) == 0
    assert input_by_id(html, "question-text")["value"] == data["question-text"]  # the form keeps the input


def test_invalid_question_form_keeps_the_page_accessible(client, auth, create_poll, region, moderator):
    draft = create_poll(region, status="draft", questions=[])
    auth.login(moderator)
    response = client.post(f"/umfragen/{draft.id}/fragen", data=question_data("single_choice", "", options="Ja"))
    html = text_of(response)
    assert response.status_code == 422
    assert "Bitte geben Sie die Frage ein." in html
    assert input_by_id(html, "question-text").get("aria-invalid") == "true"
    assert "question-text-error" in input_by_id(html, "question-text")["aria-describedby"]
    assert accessibility_problems(html) == []


def test_question_and_option_markup_is_escaped(client, auth, db, create_poll, region, moderator):
    draft = create_poll(region, status="draft", questions=[])
    auth.login(moderator)
    data = question_data("single_choice", "Was ist <script>alert(1)</script>?",
                         options="<img src=x onerror=alert(2)>\nNormal")
    assert client.post(f"/umfragen/{draft.id}/fragen", data=data).status_code == 303
    for path in (f"/umfragen/{draft.id}/bearbeiten", f"/umfragen/{draft.id}"):
        html = text_of(client.get(path))
        assert "<script>alert(1)" not in html and "<img src=x" not in html, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text_of(client.get(f"/umfragen/{draft.id}/bearbeiten"))


@pytest.mark.parametrize("data", [question_data("single_choice", "", options="Ja\nNein"),
                                  question_data("gibt_es_nicht", "Unbekannter Typ?"),
                                  question_data("scale", "Zu groß?", minimum="500"),
                                  question_data("ranking", "Top?", options="A\nB", top="abc")])
def test_question_form_errors_are_refused(client, auth, db, create_poll, region, moderator, data):
    draft = create_poll(region, status="draft", questions=[])
    auth.login(moderator)
    response = client.post(f"/umfragen/{draft.id}/fragen", data=data)
    assert response.status_code == 422
    assert "Bitte prüfen Sie die Angaben zur neuen Frage." in flash_text(text_of(response))
    assert count_rows(db, Question) == 0


def question_types_of(db, poll):
    db.session.expire_all()
    return [q.type for q in db.session.scalars(select(Question).where(Question.poll_id == poll.id)
                                               .order_by(Question.position))]


def test_moderator_removes_and_moves_questions(client, auth, db, create_poll, region, moderator):
    draft = create_poll(region, status="draft")
    auth.login(moderator)
    response = client.post(f"/umfragen/{draft.id}/fragen/1", data={"action": "remove"})
    assert response.status_code == 303
    assert question_types_of(db, draft) == ["single_choice", "scale", "ranking", "text"]
    response = client.post(f"/umfragen/{draft.id}/fragen/2", data={"action": "up"})
    assert response.status_code == 303
    assert question_types_of(db, draft) == ["single_choice", "ranking", "scale", "text"]
    assert client.post(f"/umfragen/{draft.id}/fragen/0", data={"action": "up"}).status_code == 303
    assert question_types_of(db, draft) == ["single_choice", "ranking", "scale", "text"]
    # Options survive the rewrite.
    ranking = db.session.scalar(select(Question).where(Question.poll_id == draft.id, Question.type == "ranking"))
    assert [o.label for o in ranking.options] == ["Parkausweis", "Hundesteuer", "Wohnsitz ummelden"]
    assert client.post(f"/umfragen/{draft.id}/fragen/9", data={"action": "remove"}).status_code == 404
    assert client.post(f"/umfragen/{draft.id}/fragen/0", data={"action": "explode"}).status_code == 404
    assert question_types_of(db, draft) == ["single_choice", "ranking", "scale", "text"]


def test_moderator_opens_and_closes_a_poll(client, auth, db, create_poll, region, moderator):
    draft = create_poll(region, status="draft")
    auth.login(moderator)
    response = client.post(f"/umfragen/{draft.id}/status", data={"action": "open"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/umfragen/{draft.id}/bearbeiten")
    assert fresh(db, Poll, draft.id).status == "open"
    assert "jetzt geöffnet" in flash_text(text_of(client.get(f"/umfragen/{draft.id}/bearbeiten")))
    assert client.post(f"/umfragen/{draft.id}/status", data={"action": "close"}).status_code == 303
    assert fresh(db, Poll, draft.id).status == "closed"
    assert client.post(f"/umfragen/{draft.id}/status", data={"action": "nonsense"}).status_code == 400


def test_opening_a_draft_without_questions_is_refused(client, auth, db, create_poll, region, moderator):
    draft = create_poll(region, status="draft", questions=[])
    auth.login(moderator)
    page = f"http://localhost/umfragen/{draft.id}/bearbeiten"
    response = client.post(f"/umfragen/{draft.id}/status", data={"action": "open"}, headers={"Referer": page})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/umfragen/{draft.id}/bearbeiten")
    assert "mindestens eine Frage" in flash_text(text_of(client.get(f"/umfragen/{draft.id}/bearbeiten")))
    assert fresh(db, Poll, draft.id).state == "draft"
    response = client.post(f"/umfragen/{draft.id}/status", data={"action": "open"})
    assert response.status_code == 409
    assert "mindestens eine Frage" in text_of(response)
    assert fresh(db, Poll, draft.id).state == "draft"


def test_citizen_cannot_change_status_or_questions(client, auth, db, poll, citizen):
    auth.login(citizen)
    assert client.post(f"/umfragen/{poll.id}/status", data={"action": "close"}).status_code == 403
    assert client.get(f"/umfragen/{poll.id}/bearbeiten").status_code == 403
    assert client.post(f"/umfragen/{poll.id}/fragen", data=question_data("text", "Neue Frage?")).status_code == 403
    assert client.post(f"/umfragen/{poll.id}/fragen/0", data={"action": "remove"}).status_code == 403
    assert fresh(db, Poll, poll.id).status == "open"
    assert count_rows(db, Question, Question.poll_id == poll.id) == 5


def test_anonymous_visitor_is_sent_to_the_login_for_moderator_pages(client, db, poll):
    for path in ("bearbeiten", "zugangscodes"):
        response = client.get(f"/umfragen/{poll.id}/{path}")
        assert response.status_code == 302, path
        assert "/konto/anmelden" in response.headers["Location"]
    response = client.post(f"/umfragen/{poll.id}/status", data={"action": "close"})
    assert response.status_code == 302
    assert fresh(db, Poll, poll.id).status == "open"


def test_moderator_of_another_region_is_refused(client, auth, db, poll, foreign_moderator):
    auth.login(foreign_moderator)
    assert client.get(f"/umfragen/{poll.id}/bearbeiten").status_code == 403
    assert client.post(f"/umfragen/{poll.id}/bearbeiten", data={"title": "Gekapert"}).status_code == 403
    assert client.post(f"/umfragen/{poll.id}/status", data={"action": "close"}).status_code == 403
    assert client.post(f"/umfragen/{poll.id}/fragen", data=question_data("text", "Fremde Frage?")).status_code == 403
    assert client.post(f"/umfragen/{poll.id}/fragen/0", data={"action": "remove"}).status_code == 403
    assert client.get(f"/umfragen/{poll.id}/zugangscodes").status_code == 403
    stored = fresh(db, Poll, poll.id)
    assert (stored.status, stored.title, len(stored.questions)) == ("open", "Mobilität in der Innenstadt", 5)


def test_questions_are_locked_once_someone_took_part(client, auth, db, create_user, poll, moderator):
    add_ballots(db, create_user, poll, 1)
    before = [q.id for q in poll.questions]
    auth.login(moderator)
    page = f"http://localhost/umfragen/{poll.id}/bearbeiten"
    html = text_of(client.get(f"/umfragen/{poll.id}/bearbeiten"))
    assert "nicht mehr geändert" in html
    assert f'action="/umfragen/{poll.id}/fragen"' not in html
    assert f'action="/umfragen/{poll.id}/fragen/0"' not in html

    response = client.post(f"/umfragen/{poll.id}/fragen", data=question_data("text", "Noch eine Frage?"),
                           headers={"Referer": page})
    assert response.status_code == 303
    assert response.headers["Location"] == page
    assert "bereits Menschen teilgenommen" in flash_text(text_of(client.get(f"/umfragen/{poll.id}/bearbeiten")))

    response = client.post(f"/umfragen/{poll.id}/fragen", data=question_data("text", "Noch eine Frage?"))
    assert response.status_code == 409
    assert "bereits Menschen teilgenommen" in text_of(response)

    response = client.post(f"/umfragen/{poll.id}/fragen/0", data={"action": "remove"})
    assert response.status_code == 409
    db.session.expire_all()
    after = db.session.scalars(select(Question.id).where(Question.poll_id == poll.id)
                               .order_by(Question.position)).all()
    assert after == before
    assert count_rows(db, Answer) > 0


def test_moderator_changes_the_details(client, auth, db, create_poll, region, moderator):
    draft = create_poll(region, status="draft")
    auth.login(moderator)
    data = new_poll_data(region, title="Neuer Titel", results_visibility="moderators")
    del data["region"], data["template"], data["kind"]
    response = client.post(f"/umfragen/{draft.id}/bearbeiten", data=data)
    assert response.status_code == 303
    stored = fresh(db, Poll, draft.id)
    assert (stored.title, stored.results_visibility, stored.state) == ("Neuer Titel", "moderators", "draft")
    bad = client.post(f"/umfragen/{draft.id}/bearbeiten", data=dict(data, title="x"))
    assert bad.status_code == 422
    assert fresh(db, Poll, draft.id).title == "Neuer Titel"


# --- 7. access codes page ----------------------------------------------------------------------------------------


def codes_shown(html):
    return re.findall(r'<span class="code">([^<]*)</span>', html)


def test_moderator_generates_codes(client, auth, db, code_poll, moderator):
    auth.login(moderator)
    response = client.get(f"/umfragen/{code_poll.id}/zugangscodes")
    assert response.status_code == 200
    assert codes_shown(text_of(response)) == []
    assert accessibility_problems(text_of(response)) == []
    response = client.post(f"/umfragen/{code_poll.id}/zugangscodes", data={"count": "5"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/umfragen/{code_poll.id}/zugangscodes")
    html = text_of(client.get(f"/umfragen/{code_poll.id}/zugangscodes"))
    shown = codes_shown(html)
    assert len(shown) == 5 and len(set(shown)) == 5
    assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code) for code in shown), shown
    stored = db.session.scalars(select(AccessCode.code).where(AccessCode.poll_id == code_poll.id)).all()
    assert sorted(code.replace("-", "") for code in shown) == sorted(stored)
    assert "5 Zugangscodes wurden erzeugt." in flash_text(html)
    assert "benutzt" not in html.replace("unbenutzt", "")


@pytest.mark.parametrize("count", ["0", "501", "-3", "abc", "", "1e3"])
def test_invalid_code_count_is_refused(client, auth, db, code_poll, moderator, count):
    auth.login(moderator)
    response = client.post(f"/umfragen/{code_poll.id}/zugangscodes", data={"count": count})
    html = text_of(response)
    assert response.status_code == 422
    assert 'class="field-error"' in html
    assert count_rows(db, AccessCode) == 0


def test_used_codes_are_marked(client, auth, db, code_poll, moderator):
    add_code(db, code_poll, "HKMN2345", used=True)
    add_code(db, code_poll, "PQRS6789")
    auth.login(moderator)
    html = text_of(client.get(f"/umfragen/{code_poll.id}/zugangscodes"))
    items = re.findall(r"<li class=\"(used|)\">(.*?)</li>", html, re.S)
    marks = {re.search(r'<span class="code">([^<]*)</span>', body).group(1): ("(benutzt)" in body, cls)
             for cls, body in items}
    assert marks == {"HKMN-2345": (True, "used"), "PQRS-6789": (False, "")}
    assert "2 Codes, davon 1 unbenutzt." in html


def test_citizen_cannot_see_or_make_codes(client, auth, db, code_poll, citizen):
    add_code(db, code_poll, "HKMN2345")
    auth.login(citizen)
    response = client.get(f"/umfragen/{code_poll.id}/zugangscodes")
    assert response.status_code == 403
    assert "HKMN" not in text_of(response)
    assert client.post(f"/umfragen/{code_poll.id}/zugangscodes", data={"count": "5"}).status_code == 403
    assert count_rows(db, AccessCode) == 1


def test_codes_for_an_accounts_only_poll_are_refused(client, auth, db, poll, moderator):
    auth.login(moderator)
    response = client.post(f"/umfragen/{poll.id}/zugangscodes", data={"count": "5"})
    assert response.status_code == 409
    assert "Zugangscodes um" in flash_text(text_of(response))
    assert count_rows(db, AccessCode) == 0


# --- 8. problem-definition polls --------------------------------------------------------------------------------


@pytest.fixture
def collecting(create_poll, region):
    return create_poll(region, kind="problem_definition", title="Was drückt Sie in Bielefeld?")


PROBLEMS = ["Die Busse fahren abends zu selten.", "Im Bürgerbüro gibt es keine Online-Termine.",
            "Das WLAN in der Stadtbibliothek ist zu langsam."]


@pytest.fixture
def comparing(create_poll, region):
    return create_poll(region, kind="problem_definition", phase="comparing", problems=PROBLEMS,
                       title="Was ist dringender?")


def test_collecting_poll_shows_the_problem_form(client, auth, collecting, citizen):
    assert f'action="/umfragen/{collecting.id}/probleme"' not in text_of(client.get(f"/umfragen/{collecting.id}"))
    auth.login(citizen)
    html = text_of(client.get(f"/umfragen/{collecting.id}"))
    assert f'action="/umfragen/{collecting.id}/probleme"' in html
    assert '<label for="text">Ihr Problem</label>' in html
    assert input_by_id(html, "text")["name"] == "text"
    assert accessibility_problems(html) == []


def test_citizen_submits_a_problem_for_moderation(client, auth, db, collecting, citizen):
    auth.login(citizen)
    response = client.post(f"/umfragen/{collecting.id}/probleme", data={"text": PROBLEMS[0]})
    assert response.status_code == 303
    problem = db.session.scalar(select(Problem))
    assert (problem.poll_id, problem.text, problem.status, problem.author_id) == \
        (collecting.id, PROBLEMS[0], "pending", citizen.id)
    html = text_of(client.get(f"/umfragen/{collecting.id}"))
    assert "geprüft" in flash_text(html)
    assert "Noch keine Probleme freigegeben." in html  # pending problems are not public


@pytest.mark.parametrize("text", ["Zu kurz", "", "          x", "x" * 501])
def test_too_short_or_long_problem_is_refused(client, auth, db, collecting, citizen, text):
    auth.login(citizen)
    page = f"http://localhost/umfragen/{collecting.id}"
    response = client.post(f"/umfragen/{collecting.id}/probleme", data={"text": text}, headers={"Referer": page})
    assert response.status_code == 303
    assert "10 bis 500 Zeichen" in flash_text(text_of(client.get(f"/umfragen/{collecting.id}")))
    assert count_rows(db, Problem) == 0


def add_problem(db, poll, text, status="pending"):
    problem = Problem(poll_id=poll.id, text=text, status=status, moderated_at=utcnow() if status != "pending" else None)
    db.session.add(problem)
    db.session.commit()
    return problem


def test_moderation_page_lists_pending_problems(client, auth, db, collecting, moderator, citizen):
    add_problem(db, collecting, "Zu wenige Mülleimer im Park.")
    add_problem(db, collecting, "Schon freigegebenes Problem.", status="approved")
    auth.login(citizen)
    assert client.get(f"/umfragen/{collecting.id}/probleme/moderation").status_code == 403
    auth.logout()
    auth.login(moderator)
    response = client.get(f"/umfragen/{collecting.id}/probleme/moderation")
    html = text_of(response)
    assert response.status_code == 200
    assert "<p>Zu wenige Mülleimer im Park.</p>" in html
    assert "<p>Schon freigegebenes Problem.</p>" not in html  # (it is offered as a merge target)
    assert "1 Problem" in html
    assert accessibility_problems(html) == []
    approved = text_of(client.get(f"/umfragen/{collecting.id}/probleme/moderation?status=approved"))
    assert "<p>Schon freigegebenes Problem.</p>" in approved
    assert "(1)" in text_of(client.get(f"/umfragen/{collecting.id}"))  # pending count next to the link


def moderate(client, problem, headers=None, **data):
    return client.post(f"/umfragen/probleme/{problem.id}/moderieren",
                       data={"reason": "", "merged_into": "0", **data}, headers=headers or {})


def test_moderator_approves_rejects_and_merges(client, auth, db, collecting, moderator):
    first = add_problem(db, collecting, "Zu wenige Mülleimer im Park.")
    second = add_problem(db, collecting, "Keine Bänke am Spielplatz.")
    third = add_problem(db, collecting, "Der Park hat zu wenig Mülleimer.")
    auth.login(moderator)
    response = moderate(client, first, status="approved")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/umfragen/{collecting.id}/probleme/moderation")
    assert fresh(db, Problem, first.id).status == "approved"

    assert moderate(client, second, status="rejected", reason="Kein Problem der Stadt.").status_code == 303
    rejected = fresh(db, Problem, second.id)
    assert (rejected.status, rejected.reason) == ("rejected", "Kein Problem der Stadt.")

    assert moderate(client, third, status="merged", merged_into=str(first.id), reason="Doppelt.").status_code == 303
    merged = fresh(db, Problem, third.id)
    assert (merged.status, merged.merged_into_id) == ("merged", first.id)
    public = text_of(client.get(f"/umfragen/{collecting.id}"))
    assert "Zu wenige Mülleimer im Park." in public and "Keine Bänke am Spielplatz." not in public


def test_reject_without_reason_is_refused(client, auth, db, collecting, moderator):
    problem = add_problem(db, collecting, "Zu wenige Mülleimer im Park.")
    auth.login(moderator)
    page = f"http://localhost/umfragen/{collecting.id}/probleme/moderation"
    response = moderate(client, problem, headers={"Referer": page}, status="rejected")
    assert response.status_code == 303
    assert "begründen" in flash_text(text_of(client.get(f"/umfragen/{collecting.id}/probleme/moderation")))
    assert fresh(db, Problem, problem.id).status == "pending"
    response = moderate(client, problem, status="rejected", reason="  ")
    assert response.status_code == 422
    assert "begründen" in text_of(response)
    stored = fresh(db, Problem, problem.id)
    assert (stored.status, stored.reason) == ("pending", None)


@pytest.mark.parametrize("merged_into", ["0", "abc", "999999", "self"])
def test_merge_needs_another_approved_problem(client, auth, db, collecting, moderator, merged_into):
    problem = add_problem(db, collecting, "Zu wenige Mülleimer im Park.")
    auth.login(moderator)
    target = str(problem.id) if merged_into == "self" else merged_into
    response = moderate(client, problem, status="merged", merged_into=target, reason="Doppelt.")
    assert response.status_code == 422
    assert fresh(db, Problem, problem.id).status == "pending"


def test_citizen_cannot_moderate_problems(client, auth, db, collecting, citizen):
    problem = add_problem(db, collecting, "Zu wenige Mülleimer im Park.")
    auth.login(citizen)
    assert moderate(client, problem, status="approved").status_code == 403
    assert fresh(db, Problem, problem.id).status == "pending"


def offered_pair(html):
    pair = [int(value) for value in re.findall(r'<input type="hidden" name="pair" value="(\d+)">', html)]
    choices = re.findall(r'<button type="submit" name="choice" value="([^"]+)"', html)
    return pair, choices


def test_comparing_poll_offers_a_pair_as_buttons(client, auth, comparing, citizen):
    html = text_of(client.get(f"/umfragen/{comparing.id}"))
    assert offered_pair(html) == ([], [])  # anonymous: sign in first
    auth.login(citizen)
    html = text_of(client.get(f"/umfragen/{comparing.id}"))
    pair, choices = offered_pair(html)
    ids = {problem.id for problem in comparing_problems(comparing)}
    assert len(pair) == 2 and set(pair) <= ids and pair[0] != pair[1]
    assert choices == [str(pair[0]), str(pair[1]), "undecided"]
    assert ">Kann ich nicht entscheiden</button>" in html
    texts = dict((p.id, p.text) for p in comparing_problems(comparing))
    for problem_id in pair:
        assert f'value="{problem_id}" class="choice">{texts[problem_id]}</button>' in html


def comparing_problems(poll):
    from beteiligung.extensions import db

    return db.session.scalars(select(Problem).where(Problem.poll_id == poll.id).order_by(Problem.id)).all()


def test_citizen_compares_all_pairs(client, auth, db, comparing, citizen):
    auth.login(citizen)
    seen = set()
    for step, pick in enumerate(("first", "undecided", "second")):
        pair, _choices = offered_pair(text_of(client.get(f"/umfragen/{comparing.id}")))
        assert len(pair) == 2, step
        choice = {"first": str(pair[0]), "second": str(pair[1]), "undecided": "undecided"}[pick]
        response = client.post(f"/umfragen/{comparing.id}/vergleich", data={"pair": [str(p) for p in pair],
                                                                            "choice": choice})
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/umfragen/{comparing.id}#vergleich")
        comparison = db.session.scalar(select(Comparison).order_by(Comparison.id.desc()))
        assert (comparison.first_id, comparison.second_id) == tuple(sorted(pair))
        assert comparison.user_id == citizen.id
        expected = {"first": pair[0], "second": pair[1], "undecided": None}[pick]
        assert comparison.winner_id == expected
        seen.add(frozenset(pair))
    assert len(seen) == 3 and count_rows(db, Comparison) == 3
    html = text_of(client.get(f"/umfragen/{comparing.id}"))
    assert "genug Paare verglichen" in html
    assert offered_pair(html) == ([], [])


@pytest.mark.parametrize("tamper", ["third", "junk", "one_id", "same_twice"])
def test_tampered_comparison_is_refused(client, auth, db, comparing, citizen, tamper):
    auth.login(citizen)
    pair, _choices = offered_pair(text_of(client.get(f"/umfragen/{comparing.id}")))
    third = next(p.id for p in comparing_problems(comparing) if p.id not in pair)
    data = {"third": {"pair": [str(p) for p in pair], "choice": str(third)},
            "junk": {"pair": [str(p) for p in pair], "choice": "' OR 1=1"},
            "one_id": {"pair": [str(pair[0])], "choice": str(pair[0])},
            "same_twice": {"pair": [str(pair[0]), str(pair[0])], "choice": str(pair[0])}}[tamper]
    response = client.post(f"/umfragen/{comparing.id}/vergleich", data=data,
                           headers={"Referer": f"http://localhost/umfragen/{comparing.id}"})
    assert response.status_code == 303
    assert count_rows(db, Comparison) == 0
    assert [c for c, _m in flashes(text_of(client.get(f"/umfragen/{comparing.id}")))] == ["error"]


def test_comparing_problems_of_another_poll_is_refused(client, auth, db, create_poll, region, comparing, citizen):
    other = create_poll(region, kind="problem_definition", phase="comparing", problems=["Fremdes Problem A",
                                                                                          "Fremdes Problem B"])
    foreign = [p.id for p in comparing_problems(other)]
    auth.login(citizen)
    response = client.post(f"/umfragen/{comparing.id}/vergleich",
                           data={"pair": [str(p) for p in foreign], "choice": str(foreign[0])},
                           headers={"Referer": f"http://localhost/umfragen/{comparing.id}"})
    assert response.status_code == 303
    assert count_rows(db, Comparison) == 0
    assert "gehören nicht" in flash_text(text_of(client.get(f"/umfragen/{comparing.id}")))


def test_problem_results_show_ranking_table_and_chart(app, client, auth, db, comparing, citizen):
    app.config["POLL_MIN_COMPARISONS"] = 2  # each of the three problems is compared twice below
    auth.login(citizen)
    for _step in range(3):
        pair, _choices = offered_pair(text_of(client.get(f"/umfragen/{comparing.id}")))
        busses = next(p.id for p in comparing_problems(comparing) if p.text == PROBLEMS[0])
        choice = str(busses) if busses in pair else str(min(pair))
        client.post(f"/umfragen/{comparing.id}/vergleich", data={"pair": [str(p) for p in pair], "choice": choice})
    auth.logout()
    response = client.get(f"/umfragen/{comparing.id}/ergebnisse")
    html = text_of(response)
    assert response.status_code == 200
    assert '<th scope="col">Platz</th>' in html
    assert 'role="img"' in html and "<svg" in html
    assert "3 Vergleiche" in html
    rows = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td>", html)
    assert [rank for rank, _text in rows] == ["1", "2", "3"]
    assert rows[0][1] == PROBLEMS[0]  # won both of its comparisons
    assert {text for _rank, text in rows} == set(PROBLEMS)
    assert accessibility_problems(html) == []
    data = client.get(f"/umfragen/{comparing.id}/ergebnisse.json").get_json()
    assert data["total_comparisons"] == 3 and data["ranking"][0]["text"] == PROBLEMS[0]


def test_problem_poll_edit_page_meets_the_accessibility_basics(client, auth, collecting, moderator):
    auth.login(moderator)
    html = text_of(client.get(f"/umfragen/{collecting.id}/bearbeiten"))
    assert "Sammeln beenden, Vergleich starten" in html
    assert accessibility_problems(html) == []


def test_moderator_starts_the_comparison_phase(client, auth, db, collecting, moderator):
    auth.login(moderator)
    assert client.post(f"/umfragen/{collecting.id}/status", data={"action": "comparing"}).status_code == 303
    assert fresh(db, Poll, collecting.id).phase == "comparing"
    html = text_of(client.get(f"/umfragen/{collecting.id}"))
    assert f'action="/umfragen/{collecting.id}/probleme"' not in html


def test_problem_poll_pages_have_unique_ids(client, auth, comparing, citizen):
    auth.login(citizen)
    html = text_of(client.get(f"/umfragen/{comparing.id}"))
    assert offered_pair(html)[0]
    assert duplicate_ids(html) == []
    assert accessibility_problems(html) == []


# --- 9. accessibility and languages -------------------------------------------------------------------------------


@pytest.fixture
def pages(db, create_user, create_poll, region, poll):
    add_ballots(db, create_user, poll, 5, texts_answered=1)
    return {"index": "/umfragen/", "show": f"/umfragen/{poll.id}", "results": f"/umfragen/{poll.id}/ergebnisse",
            "edit": f"/umfragen/{poll.id}/bearbeiten"}


@pytest.mark.parametrize("page", ["index", "show", "results", "edit"])
def test_pages_meet_the_accessibility_basics_for_moderators(client, auth, moderator, pages, page):
    auth.login(moderator)
    response = client.get(pages[page])
    assert response.status_code == 200
    assert accessibility_problems(text_of(response)) == []


@pytest.mark.parametrize("page", ["index", "show", "results"])
def test_pages_meet_the_accessibility_basics_for_citizens(client, auth, citizen, pages, page):
    auth.login(citizen)
    response = client.get(pages[page])
    assert response.status_code == 200
    html = text_of(response)
    assert accessibility_problems(html) == []
    if page == "show":
        assert "<fieldset" in html and "<textarea" in html  # the full form was checked


@pytest.mark.parametrize("page", ["index", "show", "results"])
def test_pages_meet_the_accessibility_basics_for_anonymous_visitors(client, pages, page):
    response = client.get(pages[page])
    assert response.status_code == 200
    assert accessibility_problems(text_of(response)) == []


def test_access_code_form_and_invalid_form_meet_the_accessibility_basics(client, auth, db, code_poll, poll, citizen):
    assert accessibility_problems(text_of(client.get(f"/umfragen/{code_poll.id}"))) == []
    auth.login(citizen)
    response = client.post(f"/umfragen/{poll.id}/teilnehmen", data=take_part_form(poll, single=None))
    assert response.status_code == 422
    assert accessibility_problems(text_of(response)) == []
    assert broken_aria_references(text_of(response)) == []


@pytest.mark.parametrize("page", ["index", "show", "results", "edit"])
def test_aria_references_point_to_existing_elements(client, auth, moderator, pages, page):
    auth.login(moderator)
    html = text_of(client.get(pages[page]))
    assert broken_aria_references(html) == []


def test_aria_references_on_problem_poll_pages(client, auth, comparing, collecting, citizen):
    auth.login(citizen)
    for poll in (comparing, collecting):
        html = text_of(client.get(f"/umfragen/{poll.id}"))
        assert broken_aria_references(html) == [], poll.phase


@pytest.mark.parametrize("page", ["index", "show", "results", "edit"])
def test_pages_render_in_english(client, auth, moderator, pages, page):
    auth.login(moderator)
    response = client.get(pages[page] + "?lang=en")
    assert response.status_code == 200
    assert '<html lang="en">' in text_of(response)
    assert accessibility_problems(text_of(response), lang="en") == []
    again = client.get(pages[page] + "?lang=de")
    assert '<html lang="de">' in text_of(again)


def test_index_lists_polls_with_status(client, create_poll, region, poll):
    create_poll(region, status="closed", title="Alte Umfrage")
    html = text_of(client.get("/umfragen/"))
    titles = re.findall(r'<h2><a href="/umfragen/\d+">(.*?)</a></h2>', html)
    assert sorted(titles) == ["Alte Umfrage", "Mobilität in der Innenstadt"]
    assert "2 Umfragen gefunden" in html
    closed = re.findall(r'<h2><a href="/umfragen/\d+">(.*?)</a></h2>', text_of(client.get("/umfragen/?status=closed")))
    assert closed == ["Alte Umfrage"]
    assert client.get("/umfragen/?region=gibt-es-nicht").status_code == 404


# --- 10. query counts ----------------------------------------------------------------------------------------------


def measure(client, count_queries, path):
    """SQL statements of one request, measured without cached results (the costly case)."""
    from beteiligung.extensions import cache

    cache.clear()
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200, path
    return counter.count


@pytest.fixture
def small_and_large(db, create_user, create_poll, region):
    small = create_poll(region, title="Kleine Umfrage")
    large = create_poll(region, title="Große Umfrage")
    add_ballots(db, create_user, small, 5)
    add_ballots(db, create_user, large, 50)
    assert (fresh(db, Poll, small.id).ballot_count, fresh(db, Poll, large.id).ballot_count) == (5, 50)
    return small, large


@pytest.mark.parametrize("page", ["", "/ergebnisse"])
def test_query_count_does_not_grow_with_ballots_for_anonymous_visitors(client, count_queries, small_and_large,
                                                                       page):
    small, large = small_and_large
    client.get(f"/umfragen/{small.id}{page}")  # warm up
    counts = [measure(client, count_queries, f"/umfragen/{p.id}{page}") for p in (small, large)]
    assert counts[0] == counts[1], counts
    assert "50 Teilnahmen" in text_of(client.get(f"/umfragen/{large.id}/ergebnisse"))


@pytest.mark.parametrize("page", ["", "/ergebnisse"])
def test_query_count_does_not_grow_with_ballots_for_signed_in_citizens(client, auth, count_queries, citizen,
                                                                       small_and_large, page):
    small, large = small_and_large
    auth.login(citizen)
    client.get(f"/umfragen/{small.id}{page}")
    counts = [measure(client, count_queries, f"/umfragen/{p.id}{page}") for p in (small, large)]
    assert counts[0] == counts[1], counts
    assert f'action="/umfragen/{large.id}/teilnehmen"' in text_of(client.get(f"/umfragen/{large.id}"))


def test_query_count_of_results_does_not_grow_with_ballots_for_moderators(client, auth, count_queries, moderator,
                                                                          small_and_large):
    small, large = small_and_large
    auth.login(moderator)
    client.get(f"/umfragen/{small.id}/ergebnisse")
    counts = [measure(client, count_queries, f"/umfragen/{p.id}/ergebnisse") for p in (small, large)]
    assert counts[0] == counts[1], counts
    assert "Geheime Antwort Nummer 49" in text_of(client.get(f"/umfragen/{large.id}/ergebnisse"))
