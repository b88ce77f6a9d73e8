"""What the first outside users ran into with polls: rankings that read the right way round, ties and
"noch zu wenige Vergleiche", the printable access-code sheet, reading a poll before taking part, progress
while comparing, one's own submitted problems, and ranking questions that say how many places they need."""

import csv
import io
import re

import pytest
import segno
from sqlalchemy import select
from test_pages_polls import (
    accessibility_problems,
    add_code,
    broken_aria_references,
    elements,
    flash_text,
    input_by_id,
    offered_pair,
    text_of,
)

from beteiligung.polls import services
from beteiligung.polls.models import AccessCode, Ballot, Comparison, Problem

RANKING = [{"type": "ranking", "text": "Was soll zuerst digital werden?",
            "options": ["Parkausweis", "Hundesteuer", "Wohnsitz ummelden"], "settings": {"top": 2}}]


@pytest.fixture
def region(create_region):
    return create_region(slug="bielefeld", name="Bielefeld")


@pytest.fixture
def citizen(create_user):
    return create_user(pseudonym="Bürgerin Berta")


@pytest.fixture
def moderator(create_user, region):
    return create_user(role="moderator", regions=[region], pseudonym="Moderation BI")


def _rows(html):
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return [re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def _chart_labels(html):
    """The bar labels of the first chart, top to bottom."""
    svg = re.search(r"<svg[^>]*class=\"chart\".*?</svg>", html, re.S).group(0)
    return re.findall(r'class="chart-label"[^>]*>([^<]*)</text>', svg)


# --- 4. a ranking question: longer bars are better, best first ------------------------------------------------


def test_ranking_question_chart_shows_points_best_first(client, db, create_user, create_poll, region):
    poll = create_poll(region, questions=RANKING)
    park, dog, move = (option.id for option in poll.questions[0].options)
    # "Wohnsitz ummelden" is liked most: 4 × place 1; "Parkausweis" 3 × place 2 + once place 1; "Hundesteuer" once.
    ballots = [[move, park]] * 3 + [[park, move], [move, dog]]
    for ranking in ballots:
        services.submit_ballot(services.Participant(user=create_user()), poll, {poll.questions[0].id: ranking})
    db.session.commit()

    body = client.get(f"/api/v1/polls/{poll.id}/results").get_json()
    options = {o["label"]: o for o in body["questions"][0]["options"]}
    assert [o["label"] for o in body["questions"][0]["options"]] == ["Parkausweis", "Hundesteuer",
                                                                      "Wohnsitz ummelden"]  # order kept
    assert {label: o["points"] for label, o in options.items()} == {
        "Wohnsitz ummelden": 4 * 2 + 1, "Parkausweis": 2 + 3, "Hundesteuer": 1}
    assert {label: (o["place"], o["tied"]) for label, o in options.items()} == {
        "Wohnsitz ummelden": (1, False), "Parkausweis": (2, False), "Hundesteuer": (3, False)}
    assert options["Wohnsitz ummelden"]["average_position"] == 1.2  # still there

    html = text_of(client.get(f"/umfragen/{poll.id}/ergebnisse"))
    assert "Punkte (mehr ist besser)" in html and "Durchschnittlicher Platz (kleiner ist besser)" not in html
    assert _chart_labels(html) == ["Wohnsitz ummelden", "Parkausweis", "Hundesteuer"]
    values = re.findall(r'class="chart-value"[^>]*>([^<]*)</text>', html)
    assert values == ["9 Punkte", "5 Punkte", "1 Punkt"]
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', html)]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1] > 0
    rows = _rows(html)
    assert [row[:5] for row in rows] == [["1", "Wohnsitz ummelden", "9", "1,20", "5"],
                                         ["2", "Parkausweis", "5", "1,75", "4"],
                                         ["3", "Hundesteuer", "1", "2,00", "1"]]
    assert accessibility_problems(html) == []

    lines = list(csv.reader(io.StringIO(client.get(f"/umfragen/{poll.id}/ergebnisse.csv").get_data(as_text=True))))
    assert [line[3:] for line in lines if line[4] == "points"] == [
        ["Parkausweis", "points", "5"], ["Hundesteuer", "points", "1"], ["Wohnsitz ummelden", "points", "9"]]


def test_ranking_question_options_with_equal_points_share_their_place(client, db, create_user, create_poll, region):
    poll = create_poll(region, questions=RANKING)
    park, dog, _move = (option.id for option in poll.questions[0].options)
    for ranking in ([park, dog], [dog, park]) * 3:
        services.submit_ballot(services.Participant(user=create_user()), poll, {poll.questions[0].id: ranking})
    db.session.commit()
    options = {o["label"]: o for o in client.get(f"/api/v1/polls/{poll.id}/results").get_json()
               ["questions"][0]["options"]}
    assert {label: (o["points"], o["place"], o["place_to"], o["tied"]) for label, o in options.items()} == {
        "Parkausweis": (9, 1, 2, True), "Hundesteuer": (9, 1, 2, True), "Wohnsitz ummelden": (0, 3, 3, False)}
    rows = _rows(text_of(client.get(f"/umfragen/{poll.id}/ergebnisse")))
    assert [row[:3] for row in rows] == [["1–2", "Parkausweis", "9"], ["1–2", "Hundesteuer", "9"],
                                         ["3", "Wohnsitz ummelden", "0"]]


# --- 4. a problem poll: ties share their place, "noch zu wenige Vergleiche" -----------------------------------


FOURTEEN = [f"Problem Nummer {n} beschreibt etwas, das drückt." for n in range(1, 15)]
THREE = ["Die Busse fahren abends zu selten.", "Im Bürgerbüro gibt es keine Online-Termine.",
         "Das WLAN in der Stadtbibliothek ist zu langsam."]


def _csv(client, path):
    return list(csv.reader(io.StringIO(client.get(path).get_data(as_text=True))))


def test_problem_poll_without_comparisons_shows_one_shared_place_and_too_few_comparisons(client, create_poll,
                                                                                          region):
    poll = create_poll(region, kind="problem_definition", phase="comparing", problems=FOURTEEN)

    body = client.get(f"/api/v1/polls/{poll.id}/results").get_json()
    assert body["enough_data"] is False and body["min_comparisons"] == 10
    assert len(body["ranking"]) == 14
    for item in body["ranking"]:
        assert {"problem_id", "text", "score", "low", "high", "comparisons", "win_rate"} <= set(item)
        assert (item["place"], item["place_to"], item["tied"], item["enough_data"]) == (1, 14, True, False)

    response = client.get(f"/umfragen/{poll.id}/ergebnisse")
    html = text_of(response)
    assert response.status_code == 200
    assert "Noch zu wenige Vergleiche" in html
    assert "mindestens 10-mal verglichen" in html
    rows = _rows(html)
    assert [row[0] for row in rows] == ["1–14"] * 14
    assert all("noch zu wenige Vergleiche" in row[2] for row in rows)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' not in html  # no bars of 14 × "50,0"
    assert accessibility_problems(html) == []

    lines = _csv(client, f"/umfragen/{poll.id}/ergebnisse.csv")
    assert lines[0] == ["rank", "problem_id", "problem", "score", "low", "high", "comparisons", "win_rate",
                        "rank_to", "tied", "enough_data"]
    assert {(line[0], line[8], line[9], line[10]) for line in lines[1:]} == {("1", "14", "1", "0")}
    assert _csv(client, f"/api/v1/polls/{poll.id}/results.csv") == lines


def _compare_all_pairs(db, poll, users, prefer):
    """Each user compares every pair once; the problem with the smaller index in ``prefer`` wins."""
    problems = db.session.scalars(select(Problem).where(Problem.poll_id == poll.id).order_by(Problem.id)).all()
    order = {problem.id: prefer.index(problem.text) for problem in problems}
    for user in users:
        who = services.Participant(user=user)
        for i, first in enumerate(problems):
            for second in problems[i + 1:]:
                winner, loser = sorted((first, second), key=lambda p: order[p.id])
                services.compare(who, poll, winner.id, loser.id)
    db.session.commit()


def test_places_count_once_every_problem_has_enough_comparisons(app, client, db, create_user, create_poll, region):
    app.config["POLL_MIN_COMPARISONS"] = 4
    poll = create_poll(region, kind="problem_definition", phase="comparing", problems=THREE)
    prefer = [THREE[2], THREE[0], THREE[1]]
    _compare_all_pairs(db, poll, [create_user()], prefer)  # 2 comparisons per problem: too few

    body = client.get(f"/api/v1/polls/{poll.id}/results").get_json()
    assert body["enough_data"] is False and body["min_comparisons"] == 4
    assert [item["text"] for item in body["ranking"]] == prefer
    assert [(item["place"], item["tied"], item["enough_data"]) for item in body["ranking"]] == [
        (1, False, False), (2, False, False), (3, False, False)]
    html = text_of(client.get(f"/umfragen/{poll.id}/ergebnisse"))
    assert "Noch zu wenige Vergleiche" in html and 'class="chart"' not in html

    _compare_all_pairs(db, poll, [create_user()], prefer)  # now 4 each: enough
    body = client.get(f"/api/v1/polls/{poll.id}/results").get_json()
    assert body["enough_data"] is True
    assert [(item["place"], item["place_to"], item["tied"], item["enough_data"]) for item in body["ranking"]] == [
        (1, 1, False, True), (2, 2, False, True), (3, 3, False, True)]
    html = text_of(client.get(f"/umfragen/{poll.id}/ergebnisse"))
    assert "noch zu wenige Vergleiche" not in html.lower()
    assert _chart_labels(html) == prefer  # best first, longest bar on top
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', html)]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]
    assert [row[:2] for row in _rows(html)] == [["1", prefer[0]], ["2", prefer[1]], ["3", prefer[2]]]
    lines = _csv(client, f"/umfragen/{poll.id}/ergebnisse.csv")
    assert [(line[0], line[2], line[10]) for line in lines[1:]] == [("1", prefer[0], "1"), ("2", prefer[1], "1"),
                                                                    ("3", prefer[2], "1")]


def test_problems_with_equal_scores_share_a_place_below_the_leader(app, client, db, create_user, create_poll,
                                                                   region):
    app.config["POLL_MIN_COMPARISONS"] = 1
    poll = create_poll(region, kind="problem_definition", phase="comparing", problems=THREE)
    busses, office, wifi = db.session.scalars(select(Problem.id).where(Problem.poll_id == poll.id)
                                              .order_by(Problem.id)).all()
    who = services.Participant(user=create_user())
    services.compare(who, poll, busses, office)
    services.compare(who, poll, busses, wifi)
    services.compare(who, poll, office, wifi, undecided=True)
    db.session.commit()
    body = client.get(f"/api/v1/polls/{poll.id}/results").get_json()
    assert [(item["problem_id"], item["place"], item["place_to"], item["tied"]) for item in body["ranking"]] == [
        (busses, 1, 1, False), (office, 2, 3, True), (wifi, 2, 3, True)]
    assert [row[0] for row in _rows(text_of(client.get(f"/umfragen/{poll.id}/ergebnisse")))] == ["1", "2–3", "2–3"]


# --- 7. the access-code sheet: clean to print, a QR code per code ---------------------------------------------


@pytest.fixture
def code_poll(create_poll, region):
    return create_poll(region, audience="access_codes", title="Workshop Digitale Schule")


def test_code_sheet_prints_only_the_cards_with_a_qr_code_per_unused_code(client, auth, db, code_poll, moderator):
    add_code(db, code_poll, "HKMN2345", used=True)
    auth.login(moderator)
    assert client.post(f"/umfragen/{code_poll.id}/zugangscodes", data={"count": "3"}).status_code == 303
    codes = db.session.scalars(select(AccessCode.code).where(AccessCode.poll_id == code_poll.id,
                                                             AccessCode.used_at.is_(None))
                               .order_by(AccessCode.id)).all()
    response = client.get(f"/umfragen/{code_poll.id}/zugangscodes/druckbogen?page=1")
    html = text_of(response)
    assert response.status_code == 200
    assert 'class="flash' not in html  # "3 Zugangscodes wurden erzeugt." is not printed …
    assert "<nav" not in html and "<header" not in html and "<footer" not in html and "<form" not in html
    assert "Jeder Code gilt" not in html and "Zurück zur Umfrage" not in html
    assert "HKMN-2345" not in html  # used codes are not printed
    shown = re.findall(r'<span class="code">([A-Z2-9]{4}-[A-Z2-9]{4})</span>', html)
    assert shown == [services.format_code(code) for code in codes]
    qrs = re.findall(r'<svg role="img" aria-label="([^"]*)"[^>]*class="qr">(.*?)</svg>', html, re.S)
    assert len(qrs) == 3
    for code, (label, svg) in zip(shown, qrs, strict=True):
        assert label == f"QR-Code: öffnet die Umfrage mit dem Code {code}"
        link = f"http://localhost/umfragen/{code_poll.id}?code={code}"
        expected = segno.make(link, error="m", micro=False).svg_inline(svgclass="qr", lineclass="qr-line", scale=4)
        assert re.search(r' d="([^"]+)"', svg).group(1) == re.search(r' d="([^"]+)"', expected).group(1)
    assert accessibility_problems(html) == [] and broken_aria_references(html) == []
    assert "style=" not in html and "<style" not in html and "<script" not in html
    page = text_of(client.get(f"/umfragen/{code_poll.id}/zugangscodes"))
    assert "3 Zugangscodes wurden erzeugt." in flash_text(page)  # … it waits for the next ordinary page
    assert f'href="/umfragen/{code_poll.id}/zugangscodes/druckbogen?page=1"' in page
    assert "Druckbogen mit den Codes 1 bis 3" in page


def test_code_sheet_is_for_the_regions_moderators_only(client, auth, db, create_user, create_region, create_poll,
                                                       region, code_poll, citizen):
    add_code(db, code_poll, "HKMN2345")
    path = f"/umfragen/{code_poll.id}/zugangscodes/druckbogen"
    response = client.get(path)
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    auth.login(citizen)
    assert client.get(path).status_code == 403
    auth.logout()
    auth.login(create_user(role="moderator", regions=[create_region(slug="aachen")], pseudonym="Fremd"))
    assert client.get(path).status_code == 403
    auth.logout()
    auth.login(create_user(role="moderator", regions=[region], pseudonym="Moderation 2"))
    assert client.get(path).status_code == 200
    assert client.get(path + "?page=2").status_code == 404
    accounts_only = create_poll(region, audience="accounts")
    assert client.get(f"/umfragen/{accounts_only.id}/zugangscodes/druckbogen").status_code == 404


@pytest.mark.parametrize("typed", ["HKMN-2345", "hkmn2345", " hkmn 2345 "])
def test_link_from_the_sheet_fills_in_the_code_without_redeeming_it(client, db, code_poll, typed):
    code = add_code(db, code_poll, "HKMN2345")
    response = client.get(f"/umfragen/{code_poll.id}", query_string={"code": typed})
    html = text_of(response)
    assert response.status_code == 200
    assert input_by_id(html, "code")["value"] == "HKMN-2345"
    assert f'action="/umfragen/{code_poll.id}/teilnehmen"' not in html  # not taking part yet
    with client.session_transaction() as session:
        assert "poll_codes" not in session
    db.session.expire_all()
    assert db.session.get(AccessCode, code.id).used_at is None
    assert db.session.scalar(select(Ballot.id)) is None
    # The person still submits the form; only then the code is taken.
    assert client.post(f"/umfragen/{code_poll.id}/zugangscode", data={"code": "HKMN-2345"}).status_code == 303
    assert f'action="/umfragen/{code_poll.id}/teilnehmen"' in text_of(client.get(f"/umfragen/{code_poll.id}"))


@pytest.mark.parametrize("junk", ["<script>", "ABCD", "HKMN23450000", "O0I1O0I1", "%00", ""])
def test_a_link_with_a_malformed_code_leaves_the_field_empty(client, db, code_poll, junk):
    response = client.get(f"/umfragen/{code_poll.id}", query_string={"code": junk})
    assert response.status_code == 200
    assert input_by_id(text_of(response), "code").get("value") in (None, "")


def test_a_code_link_to_an_accounts_poll_fills_in_nothing(client, db, create_poll, region):
    poll = create_poll(region, audience="accounts")
    html = text_of(client.get(f"/umfragen/{poll.id}", query_string={"code": "HKMN-2345"}))
    assert 'id="code"' not in html and 'value="HKMN' not in html


# --- 7. reading a poll before signing in ------------------------------------------------------------------------


def test_anonymous_visitor_reads_the_questions_without_form_fields(client, create_poll, region):
    poll = create_poll(region)
    response = client.get(f"/umfragen/{poll.id}")
    html = text_of(response)
    assert response.status_code == 200
    preview = re.search(r'<ol class="question-preview">(.*?)</ol>', html, re.S).group(1)
    for question in poll.questions:
        assert question.text in preview
        for option in question.options:
            assert f"<li>{option.label}</li>" in preview
    assert "Skala von 1 (gar nicht) bis 5 (sehr)" in preview
    assert "Bitte vergeben Sie" in preview or "vergeben Sie bitte die Plätze 1 bis 2" in preview
    assert [tag for tag, _attrs in elements(preview) if tag in ("input", "select", "textarea", "form")] == []
    assert re.search(r'<a class="button" href="/konto/anmelden\?next=[^"]*">Anmelden, um teilzunehmen</a>', html)
    assert f'action="/umfragen/{poll.id}/teilnehmen"' not in html
    assert accessibility_problems(html) == []


def test_signed_in_participant_gets_the_form_not_the_preview(client, auth, create_poll, region, citizen):
    poll = create_poll(region)
    auth.login(citizen)
    html = text_of(client.get(f"/umfragen/{poll.id}"))
    assert 'class="question-preview"' not in html
    assert f'action="/umfragen/{poll.id}/teilnehmen"' in html


# --- 7. progress while comparing ----------------------------------------------------------------------------------


def test_pair_page_shows_how_many_pairs_are_done(app, client, auth, db, create_poll, region, citizen):
    poll = create_poll(region, kind="problem_definition", phase="comparing", problems=THREE)
    auth.login(citizen)
    html = text_of(client.get(f"/umfragen/{poll.id}"))
    assert "Verglichen: 0 von 3 Paaren" in html  # three problems make three pairs
    pair, _choices = offered_pair(html)
    client.post(f"/umfragen/{poll.id}/vergleich", data={"pair": [str(p) for p in pair], "choice": str(pair[0])})
    assert "Verglichen: 1 von 3 Paaren" in text_of(client.get(f"/umfragen/{poll.id}"))

    many = create_poll(region, kind="problem_definition", phase="comparing", problems=FOURTEEN)
    assert "Verglichen: 0 von 30 Paaren" in text_of(client.get(f"/umfragen/{many.id}"))  # the limit per person
    app.config["POLL_PAIRS_PER_PARTICIPANT"] = 2
    assert "Verglichen: 0 von 2 Paaren" in text_of(client.get(f"/umfragen/{many.id}"))
    auth.logout()
    assert "Verglichen:" not in text_of(client.get(f"/umfragen/{poll.id}"))


# --- 7. a participant's own problems and what became of them ------------------------------------------------------


def test_participant_sees_own_problems_with_status_and_reason(client, auth, db, create_user, create_poll, region,
                                                               citizen, moderator):
    poll = create_poll(region, kind="problem_definition", problems=["Schon freigegeben: zu wenige Bänke."])
    target = db.session.scalar(select(Problem).where(Problem.poll_id == poll.id))
    auth.login(citizen)
    texts = ["Die Busse fahren abends zu selten.", "Mein Nachbar ist zu laut beim Grillen.",
             "Im Park gibt es zu wenige Bänke.", "Das WLAN in der Bibliothek ist langsam."]
    for text in texts:
        assert client.post(f"/umfragen/{poll.id}/probleme", data={"text": text}).status_code == 303
    auth.logout()
    mine = {p.text: p for p in db.session.scalars(select(Problem).where(Problem.author_id == citizen.id))}
    services.moderate_problem(moderator, mine[texts[0]], "approved")
    services.moderate_problem(moderator, mine[texts[1]], "rejected", "Das ist keine Aufgabe der Stadt.")
    services.moderate_problem(moderator, mine[texts[2]], "merged", "Gibt es schon.", target.id)
    db.session.commit()

    auth.login(citizen)
    html = text_of(client.get(f"/umfragen/{poll.id}"))
    section = re.search(r'<section aria-labelledby="meine-probleme">(.*?)</section>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    assert len(items) == 4 and "Ihre eingereichten Probleme (4)" in section
    by_text = {text: next(item for item in items if text in item) for text in texts}
    assert "freigegeben" in by_text[texts[0]] and "Begründung" not in by_text[texts[0]]
    assert "abgelehnt" in by_text[texts[1]] and "Begründung: Das ist keine Aufgabe der Stadt." in by_text[texts[1]]
    assert "zusammengeführt" in by_text[texts[2]] and "Schon freigegeben: zu wenige Bänke." in by_text[texts[2]]
    assert "wird von der Moderation geprüft" in by_text[texts[3]]
    assert accessibility_problems(html) == []
    auth.logout()

    auth.login(create_user(pseudonym="Jemand anderes"))
    other = text_of(client.get(f"/umfragen/{poll.id}"))
    assert 'id="meine-probleme"' not in other and texts[1] not in other and texts[3] not in other
    auth.logout()
    anonymous = text_of(client.get(f"/umfragen/{poll.id}"))
    assert 'id="meine-probleme"' not in anonymous and texts[1] not in anonymous


def test_a_workshop_participant_sees_the_problems_of_their_code(client, db, create_poll, region):
    poll = create_poll(region, kind="problem_definition", audience="access_codes")
    add_code(db, poll, "HKMN2345")
    client.post(f"/umfragen/{poll.id}/zugangscode", data={"code": "HKMN-2345"})
    client.post(f"/umfragen/{poll.id}/probleme", data={"text": "Die Busse fahren abends zu selten."})
    html = text_of(client.get(f"/umfragen/{poll.id}"))
    assert "Ihre eingereichten Probleme (1)" in html and "wird von der Moderation geprüft" in html


# --- 7. a ranking question says how many places it needs -----------------------------------------------------------


@pytest.mark.parametrize(("required", "top", "expected"), [
    (False, 2, "Diese Frage ist freiwillig. Wenn Sie sie beantworten, vergeben Sie bitte die Plätze 1 bis 2"),
    (False, 3, "Diese Frage ist freiwillig. Wenn Sie sie beantworten, vergeben Sie bitte alle 3 Plätze"),
    (True, 3, "Bitte vergeben Sie alle 3 Plätze"),
    (True, 1, "Bitte vergeben Sie Platz 1,"),
])
def test_ranking_question_says_how_many_places_it_needs(client, auth, create_poll, region, citizen, required, top,
                                                        expected):
    poll = create_poll(region, questions=[dict(RANKING[0], required=required, settings={"top": top})])
    question = poll.questions[0]
    auth.login(citizen)
    html = text_of(client.get(f"/umfragen/{poll.id}"))
    hint = re.search(rf'<p class="hint" id="q{question.id}-places">(.*?)</p>', html, re.S).group(1)
    assert expected in hint
    assert f'q{question.id}-places' in next(attrs["aria-describedby"] for tag, attrs in elements(html)
                                             if tag == "fieldset")
    assert len(re.findall(rf'<select id="q{question.id}_\d"', html)) == top
    assert broken_aria_references(html) == [] and accessibility_problems(html) == []


# --- 7. the demo has a problem poll that still collects ----------------------------------------------------------


def test_demo_has_a_problem_poll_where_a_newcomer_can_submit(runner, client, auth, db, create_user):
    from beteiligung.polls.models import Poll

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    collecting = db.session.scalars(select(Poll).where(Poll.kind == "problem_definition",
                                                       Poll.phase == "collecting")).all()
    collecting = [poll for poll in collecting if poll.status == "open"]
    assert collecting
    poll = collecting[0]
    newcomer = create_user(pseudonym="Neu hier")
    auth.login(newcomer)
    html = text_of(client.get(f"/umfragen/{poll.id}"))
    assert f'action="/umfragen/{poll.id}/probleme"' in html
    response = client.post(f"/umfragen/{poll.id}/probleme", data={"text": "Die Formulare sind zu kompliziert."})
    assert response.status_code == 303
    stored = db.session.scalar(select(Problem).where(Problem.author_id == newcomer.id))
    assert (stored.poll_id, stored.status) == (poll.id, "pending")
    assert "Ihre eingereichten Probleme (1)" in text_of(client.get(f"/umfragen/{poll.id}"))
    before = db.session.scalar(select(db.func.count()).select_from(Poll))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert db.session.scalar(select(db.func.count()).select_from(Poll)) == before
    assert db.session.scalar(select(db.func.count()).select_from(Comparison).where(Comparison.poll_id == poll.id)) == 0
