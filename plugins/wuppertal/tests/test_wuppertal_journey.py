"""The question type "Bürgerreise" (wuppertal.journey): definitions, answers and their refusals, results."""

import csv
import io
import math
from html.parser import HTMLParser

import pytest
from wuppertal_support import UMMELDEN, count, error_of

from beteiligung.plugin_api import Answer, Ballot, Poll

pytestmark = pytest.mark.plugins("wuppertal")

POLLS = "/api/v1/polls"


def journey_poll(create_poll, region, **overrides):
    poll = create_poll(region=region, questions=[dict(UMMELDEN, **overrides)], title="Ummelden in Wuppertal")
    question = poll.questions[0]
    return poll, question, [option.id for option in question.options]


def vote(api, create_user, poll, question, value):
    return api.post(f"{POLLS}/{poll.id}/ballots", user=create_user(),
                    json={"answers": [{"question_id": question.id, "value": value}]})


class Labels(HTMLParser):
    """The form controls of a page and the ids that a <label for> names."""

    def __init__(self):
        super().__init__()
        self.controls, self.labelled, self.legends = [], set(), 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "textarea", "select") and attrs.get("type") not in ("hidden", "submit"):
            self.controls.append(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag == "legend":
            self.legends += 1


# --- definitions ---------------------------------------------------------------------------------

def test_journey_questions_can_be_created_only_where_the_plugin_is_enabled(api, db, world):
    body = {"title": "Ummelden", "questions": [UMMELDEN]}
    here = api.post(POLLS, user=world.moderator, json=dict(body, region="wuppertal"))
    assert here.status_code == 201, here.get_json()
    question = here.get_json()["questions"][0]
    assert question["type"] == "wuppertal.journey"
    assert [option["label"] for option in question["options"]] == UMMELDEN["options"]
    assert question["settings"] == {"min": 1, "max": 5, "labels": {
        "1": "sehr schlecht", "2": "schlecht", "3": "neutral", "4": "gut", "5": "sehr gut"}, "remark_max": 500}
    soest_moderator = world.stranger
    there = error_of(api.post(POLLS, user=soest_moderator, json=dict(body, region="soest")), 422)
    assert "questions.0" in there["fields"]
    assert count(db, Poll) == 1


@pytest.mark.parametrize("settings, options, message", [
    ({"min": 5, "max": 1}, None, "2 bis 11 Stufen"),
    ({"min": 0, "max": 20}, None, "max"),
    ({"min": 1.5}, None, "min"),
    ({"max": True}, None, "max"),
    ({"labels": ["sehr schlecht"]}, None, "labels muss ein Objekt"),
    ({"labels": {"7": "super"}}, None, "Stufen 1 bis 5"),
    ({"labels": {"eins": "schlecht"}}, None, "Stufen 1 bis 5"),
    ({"labels": {"1": ""}}, None, "1 bis 60 Zeichen"),
    ({"labels": {"1": 3}}, None, "1 bis 60 Zeichen"),
    ({}, ["Nur ein Schritt"], "2 bis 12"),
    ({}, [f"Schritt {n}" for n in range(1, 14)], "2 bis 12"),
])
def test_invalid_journey_definitions_are_refused(api, db, world, settings, options, message):
    question = dict(UMMELDEN, settings=settings, options=options or UMMELDEN["options"])
    error = error_of(api.post(POLLS, user=world.moderator,
                              json={"region": "wuppertal", "title": "Ummelden", "questions": [question]}), 422)
    assert message in " ".join(error["fields"]["questions.0"])
    assert count(db, Poll) == 0


def test_a_custom_scale_keeps_its_words(api, world):
    question = dict(UMMELDEN, settings={"min": 1, "max": 3, "labels": {"1": "ärgerlich", "3": "reibungslos"}})
    created = api.post(POLLS, user=world.moderator,
                       json={"region": "wuppertal", "title": "Ummelden", "questions": [question]}).get_json()
    assert created["questions"][0]["settings"] == {"min": 1, "max": 3, "labels": {"1": "ärgerlich",
                                                                                   "3": "reibungslos"},
                                                   "remark_max": 500}
    unlabelled = dict(UMMELDEN, settings={"min": 0, "max": 4})
    created = api.post(POLLS, user=world.moderator,
                       json={"region": "wuppertal", "title": "Ummelden", "questions": [unlabelled]}).get_json()
    assert created["questions"][0]["settings"]["labels"] == {"0": "sehr schlecht", "2": "neutral", "4": "sehr gut"}


def test_the_remark_length_is_a_declared_setting_checked_by_the_api(api, db, world, create_poll, create_user):
    """remark_max (settings_fields): default 500, 50 to 2000, a German refusal naming the setting."""
    short = dict(UMMELDEN, settings={"remark_max": 80})
    created = api.post(POLLS, user=world.moderator,
                       json={"region": "wuppertal", "title": "Ummelden", "questions": [short]})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["questions"][0]["settings"]["remark_max"] == 80
    for wrong in (49, 2001, "80", True, 80.0):
        error = error_of(api.post(POLLS, user=world.moderator, json={
            "region": "wuppertal", "title": "Ummelden",
            "questions": [dict(UMMELDEN, settings={"remark_max": wrong})]}), 422)
        assert error["fields"]["questions.0"] == [
            "Die Einstellung „Höchstzahl Zeichen je Anmerkung (Bürgerreise)“ (remark_max) muss eine ganze Zahl "
            "von 50 bis 2000 sein."], wrong
    poll, question, ids = journey_poll(create_poll, world.wuppertal, settings={"remark_max": 60})
    too_long = vote(api, create_user, poll, question, [{"touchpoint": ids[0], "feeling": 2, "remark": "x" * 61}])
    assert "höchstens 60 Zeichen" in error_of(too_long, 422)["message"] + str(error_of(too_long, 422)["fields"])
    fits = vote(api, create_user, poll, question, [{"touchpoint": ids[0], "feeling": 2, "remark": "x" * 60}])
    assert fits.status_code == 201, fits.get_json()


# --- answers -------------------------------------------------------------------------------------

def test_a_journey_is_stored_as_one_cell_per_rated_touchpoint_in_order(api, db, world, create_poll, create_user):
    poll, question, ids = journey_poll(create_poll, world.wuppertal)
    value = [{"touchpoint": ids[2], "feeling": 1, "remark": "  Sechs Wochen\x00 auf einen Termin gewartet.\r\n "},
             {"touchpoint": ids[0], "feeling": 4},
             {"touchpoint": ids[3], "feeling": 5, "remark": ""}]
    response = vote(api, create_user, poll, question, value)
    assert response.status_code == 201, response.get_json()
    rows = db.session.execute(db.select(Answer.seq, Answer.option_id, Answer.number, Answer.text)
                              .where(Answer.question_id == question.id).order_by(Answer.seq)).all()
    assert [tuple(row) for row in rows] == [(0, ids[0], 4, None),
                                            (1, ids[2], 1, "Sechs Wochen auf einen Termin gewartet."),
                                            (2, ids[3], 5, None)]


OTHER = object()  # replaced by an option of another question
FIRST = object()  # replaced by the first touchpoint's id


def _refusals():
    long_remark = "Der Termin wurde zweimal verschoben. " * 14  # 518 characters
    first = {"touchpoint": FIRST, "feeling": 3}
    return [
        (3, "als Liste"),
        ("sehr gut", "als Liste"),
        (True, "als Liste"),
        ({"touchpoint": FIRST, "feeling": 3}, "als Liste"),
        ([3, 4], "touchpoint, feeling"),
        ([[FIRST, 3]], "touchpoint, feeling"),
        ([None], "touchpoint, feeling"),
        ([dict(first, mood="gut")], "touchpoint, feeling"),
        ([{"touchpoint": OTHER, "feeling": 3}], "gehört nicht zu dieser Frage"),
        ([{"touchpoint": 10**30, "feeling": 3}], "gehört nicht zu dieser Frage"),
        ([{"touchpoint": "1", "feeling": 3}], "gehört nicht zu dieser Frage"),
        ([{"touchpoint": [1], "feeling": 3}], "gehört nicht zu dieser Frage"),
        ([{"touchpoint": {"id": 1}, "feeling": 3}], "gehört nicht zu dieser Frage"),
        ([{"touchpoint": True, "feeling": 3}], "gehört nicht zu dieser Frage"),
        ([{"feeling": 3}], "gehört nicht zu dieser Frage"),
        ([first, dict(first, feeling=4)], "nur einmal"),
        ([dict(first, feeling=0)], "Wert von 1 bis 5"),
        ([dict(first, feeling=6)], "Wert von 1 bis 5"),
        ([dict(first, feeling=10**30)], "Wert von 1 bis 5"),
        ([dict(first, feeling=True)], "Wert von 1 bis 5"),
        ([dict(first, feeling=3.0)], "Wert von 1 bis 5"),
        ([dict(first, feeling="3")], "Wert von 1 bis 5"),
        ([dict(first, feeling=[3])], "Wert von 1 bis 5"),
        ([{"touchpoint": FIRST}], "Wert von 1 bis 5"),
        ([{"touchpoint": FIRST, "remark": "Die Website war unübersichtlich."}], "Anmerkung geschrieben"),
        ([{"touchpoint": FIRST, "feeling": None, "remark": "Zu lange Wartezeit."}], "Anmerkung geschrieben"),
        ([dict(first, remark=5)], "muss ein Text sein"),
        ([dict(first, remark=["zu langsam"])], "muss ein Text sein"),
        ([dict(first, remark={"text": "zu langsam"})], "muss ein Text sein"),
        ([dict(first, remark=long_remark)], "höchstens 500 Zeichen"),
    ]


def _resolve(value, ids, other_id):
    if value is FIRST:
        return ids[0]
    if value is OTHER:
        return other_id
    if isinstance(value, list):
        return [_resolve(item, ids, other_id) for item in value]
    if isinstance(value, dict):
        return {key: _resolve(item, ids, other_id) for key, item in value.items()}
    return value


@pytest.mark.parametrize("value, message", _refusals())
def test_invalid_journey_answers_are_refused_and_nothing_is_stored(api, db, world, create_poll, create_user,
                                                                   value, message):
    gewerbe = dict(UMMELDEN, required=False, text="Gewerbe anmelden: Wie ist es Ihnen ergangen?")
    poll = create_poll(region=world.wuppertal, questions=[UMMELDEN, gewerbe])
    question, other = poll.questions
    ids = [option.id for option in question.options]
    error = error_of(vote(api, create_user, poll, question, _resolve(value, ids, other.options[0].id)), 422)
    assert list(error["fields"]) == [f"question_{question.id}"]
    assert message in error["fields"][f"question_{question.id}"][0]
    assert count(db, Ballot) == 0 and count(db, Answer) == 0
    assert db.session.get(Poll, poll.id).ballot_count == 0


@pytest.mark.parametrize("value", [[], None, {}])
def test_a_required_journey_needs_at_least_one_touchpoint(api, db, world, create_poll, create_user, value):
    poll, question, _ids = journey_poll(create_poll, world.wuppertal)
    error = error_of(vote(api, create_user, poll, question, value), 422)
    assert error["fields"][f"question_{question.id}"] == ["Bitte beantworten Sie diese Frage."]
    assert count(db, Ballot) == 0


def test_parse_refuses_any_junk_with_an_answer_error_only(app, world, create_poll):
    from beteiligung.plugin_api import AnswerError

    _poll, question, ids = journey_poll(create_poll, world.wuppertal)
    qtype = app.extensions["beteiligung.question_types"].get("wuppertal.journey")
    junk = [None, True, False, 0, -1, 2**64, 1.5, math.nan, math.inf, "", "x" * 10000, [], {}, [[]], [{}],
            [[[{"touchpoint": ids[0]}]]], [{"touchpoint": ids[0], "feeling": math.nan}],
            [{"touchpoint": ids[0], "feeling": 3, "remark": 3.5}], [{"touchpoint": None, "feeling": None}],
            [{"touchpoint": ids[0], "feeling": 3}] * 2, [{"touchpoint": float(ids[0]), "feeling": 3}],
            {"touchpoint": {"touchpoint": ids[0]}}, [{"touchpoint": ids[0], "feeling": -(10**100)}]]
    for value in junk:
        try:
            cells = qtype.parse(question, value)
        except AnswerError:
            continue
        assert cells is None, value  # only "not answered" may pass without an error
    # an unpaired surrogate alone is cleaned away, the rating stays
    cells = qtype.parse(question, [{"touchpoint": ids[1], "feeling": 2, "remark": "\ud800"}])
    assert [(c.option_id, c.number, c.text) for c in cells] == [(ids[1], 2, None)]


def test_from_form_never_raises_and_reads_feelings_and_remarks(app, world, create_poll):
    from werkzeug.datastructures import MultiDict

    _poll, question, ids = journey_poll(create_poll, world.wuppertal)
    qtype = app.extensions["beteiligung.question_types"].get("wuppertal.journey")
    name = f"q{question.id}"
    assert qtype.from_form(question, MultiDict()) is None
    assert qtype.from_form(question, MultiDict({f"{name}_{ids[0]}": "", f"{name}_{ids[0]}_remark": "  "})) is None
    form = MultiDict({f"{name}_{ids[0]}": "4", f"{name}_{ids[1]}": "fünf", f"{name}_{ids[2]}": "99999999999",
                      f"{name}_{ids[3]}_remark": "Nur Anmerkung"})
    assert qtype.from_form(question, form) == [
        {"touchpoint": ids[0], "feeling": 4}, {"touchpoint": ids[1], "feeling": "fünf"},
        {"touchpoint": ids[2], "feeling": "99999999999"}, {"touchpoint": ids[3], "remark": "Nur Anmerkung"}]


# --- results -------------------------------------------------------------------------------------

BALLOTS = [  # feelings for the four touchpoints (None: not experienced), remarks on touchpoint 2
    (4, 2, 3, 5), (5, 1, 3, 4), (4, 2, 2, 5), (3, 3, None, 4), (4, 1, None, 5), (5, 2, None, None),
]


@pytest.fixture
def rated(api, world, create_poll, create_user):
    poll, question, ids = journey_poll(create_poll, world.wuppertal)
    for number, feelings in enumerate(BALLOTS):
        value = [{"touchpoint": touchpoint, "feeling": feeling} for touchpoint, feeling in zip(ids, feelings,
                                                                                                 strict=True)
                 if feeling is not None]
        if number < 3:
            value[1]["remark"] = f"Kein freier Termin in den nächsten {number + 3} Wochen."
        assert vote(api, create_user, poll, question, value).status_code == 201
    return poll, question, ids


def test_results_give_mean_negative_share_remarks_and_weakest_per_touchpoint(api, world, rated):
    poll, question, ids = rated
    result = api.get(f"{POLLS}/{poll.id}/results").get_json()["questions"][0]
    assert result["answers"] == 6 and result["withheld"] is False
    first, second, third, fourth = result["touchpoints"]
    assert (first["option_id"], first["count"], first["mean"], first["negative_share"], first["remarks"]) == (
        ids[0], 6, 4.17, 0.0, 0)
    assert (second["count"], second["mean"], second["negative_share"], second["remarks"]) == (6, 1.83, 0.8333, 3)
    assert [d["count"] for d in second["distribution"]] == [2, 3, 1, 0, 0]
    assert second["distribution"][0]["label"] == "sehr schlecht"
    assert second["weakest"] is True and first["weakest"] is False and fourth["weakest"] is False
    # three ratings only: below the small-group rule of 5, nothing about it is published
    assert third["withheld"] is True
    assert (third["count"], third["mean"], third["remarks"], third["distribution"]) == (None, None, None, None)
    assert (fourth["count"], fourth["mean"]) == (5, 4.6)
    assert result["weakest"] == [ids[1]]
    assert result["scale"] == {"min": 1, "max": 5, "midpoint": 3.0, "labels": {
        "1": "sehr schlecht", "2": "schlecht", "3": "neutral", "4": "gut", "5": "sehr gut"}}
    assert "texts_by_option" not in result and "texts" not in result


def test_moderators_get_the_remarks_grouped_by_touchpoint(api, world, rated):
    poll, _question, ids = rated
    result = api.get(f"{POLLS}/{poll.id}/results", user=world.moderator).get_json()["questions"][0]
    assert sorted(result["texts_by_option"][str(ids[1])]) == [
        f"Kein freier Termin in den nächsten {weeks} Wochen." for weeks in (3, 4, 5)]


def test_csv_has_mean_count_and_remarks_per_touchpoint(api, world, rated):
    poll, question, _ids = rated
    rows = list(csv.reader(io.StringIO(api.get(f"{POLLS}/{poll.id}/results.csv").get_data(as_text=True))))
    mine = [row[3:] for row in rows[1:] if row[0] == str(question.id) and row[3]]
    assert mine == [
        ["Informationen finden", "mean", "4.17"], ["Informationen finden", "count", "6"],
        ["Informationen finden", "remarks", "0"],
        ["Termin buchen", "mean", "1.83"], ["Termin buchen", "count", "6"], ["Termin buchen", "remarks", "3"],
        ["Termin im Bürgerbüro", "mean", ""], ["Termin im Bürgerbüro", "count", ""],
        ["Termin im Bürgerbüro", "remarks", ""],
        ["Bestätigung erhalten", "mean", "4.6"], ["Bestätigung erhalten", "count", "5"],
        ["Bestätigung erhalten", "remarks", "0"]]


def test_results_page_shows_the_journey_curve_table_and_remarks_only_to_moderators(client, auth, world, rated):
    poll, _question, _ids = rated
    page = client.get(f"/umfragen/{poll.id}/ergebnisse")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "Stimmungskurve (durchschnittliche" in html and "chart-point-highlight" in html
    assert "1 = sehr schlecht" in html and "Termin im Bürgerbüro: keine Angabe" in html
    assert "<strong>Schwachstellen:</strong> 2. Termin buchen (Durchschnitt 1,83)" in html
    assert "<strong>Schwachstelle</strong>" in html and "83,3 %" in html and "weniger als 5" in html
    assert "Kein freier Termin" not in html
    auth.login(world.moderator)
    html = client.get(f"/umfragen/{poll.id}/ergebnisse").get_data(as_text=True)
    assert "Anmerkungen je Schritt (nur für die Moderation)" in html
    assert "<summary>2. Termin buchen (3)</summary>" in html and "Kein freier Termin in den nächsten 4 Wochen." in html
    assert "Geschriebene Antworten" not in html  # the core's flat list would repeat the remarks
    assert html.count("Kein freier Termin in den nächsten 4 Wochen.") == 1


def test_results_cost_the_same_queries_for_few_or_many_ballots(api, world, rated, create_user, count_queries):
    poll, question, ids = rated
    with count_queries() as few:
        assert api.get(f"{POLLS}/{poll.id}/results").status_code == 200
    for feeling in (1, 2, 3, 4, 5, 5):
        vote(api, create_user, poll, question, [{"touchpoint": ids[2], "feeling": feeling, "remark": "Zu voll."}])
    with count_queries() as many:
        result = api.get(f"{POLLS}/{poll.id}/results").get_json()["questions"][0]
    assert result["touchpoints"][2]["count"] == 9 and result["touchpoints"][2]["remarks"] == 6
    assert many.count == few.count


def test_a_journey_with_too_few_answers_is_withheld_as_a_whole(api, client, world, create_poll, create_user):
    poll, question, ids = journey_poll(create_poll, world.wuppertal)
    vote(api, create_user, poll, question, [{"touchpoint": ids[0], "feeling": 2, "remark": "Schwer zu finden."}])
    result = api.get(f"{POLLS}/{poll.id}/results").get_json()["questions"][0]
    assert result["withheld"] is True and "touchpoints" not in result
    page = client.get(f"/umfragen/{poll.id}/ergebnisse")
    # The curve's title (the menu may name the "Stimmungskurve" in the plugin's navigation entry).
    assert page.status_code == 200 and "Stimmungskurve (durchschnittliche" not in page.get_data(as_text=True)


@pytest.mark.parametrize("means, weakest", [
    ((4.2, 2.0, 2.2, 4.0), [1, 2]),           # the lowest and one within 0.25 of it
    ((4.6, 4.0, 4.25, 4.5), [1, 2]),          # all good: still the weakest steps are named
    ((3.2, 1.6, 2.8, 4.0), [1, 2]),           # 2.8 is far from 1.6 but below the midpoint 3
    ((4.0, 4.0, 4.0, 4.0), [0, 1, 2, 3]),     # all equal
])
def test_the_weakest_touchpoints_are_the_lowest_and_those_below_the_midpoint(app, world, create_poll, means,
                                                                             weakest):
    _poll, question, ids = journey_poll(create_poll, world.wuppertal)
    qtype = app.extensions["beteiligung.question_types"].get("wuppertal.journey")
    cells = []
    for option_id, mean in zip(ids, means, strict=True):
        # 20 ratings with the given mean: the floor for some, one step up for the rest
        low = math.floor(mean)
        ups = round((mean - low) * 20)
        cells += [(option_id, low, 20 - ups)] + ([(option_id, low + 1, ups)] if ups else [])
    summary = qtype.summarize(question, cells, 20)
    assert [entry["mean"] for entry in summary["touchpoints"]] == list(means)
    assert summary["weakest"] == [ids[i] for i in weakest]


def test_a_single_rated_touchpoint_is_weakest_only_below_the_midpoint(app, world, create_poll):
    _poll, question, ids = journey_poll(create_poll, world.wuppertal)
    qtype = app.extensions["beteiligung.question_types"].get("wuppertal.journey")
    assert qtype.summarize(question, [(ids[0], 4, 6)], 6)["weakest"] == []
    assert qtype.summarize(question, [(ids[0], 2, 6)], 6)["weakest"] == [ids[0]]


# --- the page form -------------------------------------------------------------------------------

def test_the_form_has_a_labelled_fieldset_per_touchpoint_and_a_page_submit_is_stored(client, auth, db, world,
                                                                                     create_poll, create_user):
    poll, question, ids = journey_poll(create_poll, world.wuppertal)
    auth.login(create_user())
    html = client.get(f"/umfragen/{poll.id}").get_data(as_text=True)
    parser = Labels()
    parser.feed(html)
    assert parser.controls and all(control["id"] in parser.labelled for control in parser.controls)
    assert parser.legends >= 5  # the question and one per touchpoint
    assert "Schritt 1: Informationen finden" in html and "Schritt 4: Bestätigung erhalten" in html
    assert f'name="q{question.id}_{ids[1]}" value="1"' in html and "1 – sehr schlecht" in html
    assert f'name="q{question.id}_{ids[1]}_remark"' in html
    name = f"q{question.id}"
    response = client.post(f"/umfragen/{poll.id}/teilnehmen", data={
        f"{name}_{ids[0]}": "5", f"{name}_{ids[1]}": "2", f"{name}_{ids[1]}_remark": "Online nur Termine in 6 Wochen.",
        f"{name}_{ids[2]}": "", f"{name}_{ids[3]}": "4"})
    assert response.status_code == 303
    rows = db.session.execute(db.select(Answer.option_id, Answer.number, Answer.text)
                              .where(Answer.question_id == question.id).order_by(Answer.seq)).all()
    assert [tuple(row) for row in rows] == [(ids[0], 5, None), (ids[1], 2, "Online nur Termine in 6 Wochen."),
                                            (ids[3], 4, None)]


def test_a_refused_page_submit_keeps_the_values_and_shows_the_error(client, auth, db, world, create_poll,
                                                                    create_user):
    poll, question, ids = journey_poll(create_poll, world.wuppertal)
    auth.login(create_user())
    name = f"q{question.id}"
    response = client.post(f"/umfragen/{poll.id}/teilnehmen", data={
        f"{name}_{ids[0]}": "4", f"{name}_{ids[2]}_remark": "Die Wartenummer <b>kam</b> nie dran."})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Bitte bewerten Sie auch den Schritt „Termin im Bürgerbüro“" in html
    assert f'id="{name}-error"' in html
    assert f'id="{name}_{ids[0]}-4" name="{name}_{ids[0]}" value="4" checked' in html
    assert "Die Wartenummer &lt;b&gt;kam&lt;/b&gt; nie dran.</textarea>" in html
    assert count(db, Ballot) == 0


# --- disabling -----------------------------------------------------------------------------------

def test_after_disabling_existing_journeys_stay_answerable_and_readable(api, client, db, world, create_poll,
                                                                        create_user, disable_plugin):
    poll, question, ids = journey_poll(create_poll, world.wuppertal)
    for feeling in (1, 2, 4, 4, 5):
        assert vote(api, create_user, poll, question, [{"touchpoint": ids[0], "feeling": feeling}]).status_code == 201
    disable_plugin(world.wuppertal, "wuppertal")
    assert vote(api, create_user, poll, question, [{"touchpoint": ids[0], "feeling": 3}]).status_code == 201
    error_of(vote(api, create_user, poll, question, [{"touchpoint": ids[0], "feeling": 9}]), 422)
    result = api.get(f"{POLLS}/{poll.id}/results").get_json()["questions"][0]
    assert result["touchpoints"][0]["count"] == 6 and result["touchpoints"][0]["mean"] == 3.17
    page = client.get(f"/umfragen/{poll.id}/ergebnisse")
    assert page.status_code == 200 and "Stimmungskurve (durchschnittliche" in page.get_data(as_text=True)
    error = error_of(api.post(POLLS, user=world.moderator,
                              json={"region": "wuppertal", "title": "Neu", "questions": [UMMELDEN]}), 422)
    assert "questions.0" in error["fields"]


def test_the_moderators_question_form_offers_and_stores_the_remark_length(client, auth, db, world, create_poll):
    """The core's page form renders the journey's declared setting and stores it (same rule as the API)."""
    from beteiligung.plugin_api import Question

    field = "question-setting__wuppertal_journey__remark_max"
    draft = create_poll(region=world.wuppertal, status="draft", questions=[])
    auth.login(world.moderator)
    html = client.get(f"/umfragen/{draft.id}/bearbeiten").get_data(as_text=True)
    assert "Höchstzahl Zeichen je Anmerkung (Bürgerreise)" in html and f'id="{field}"' in html
    data = {"question-type": "wuppertal.journey", "question-text": "Wie war Ihr Weg zum Anwohnerparkausweis?",
            "question-options": "Termin buchen\nAntrag stellen\nAusweis abholen", field: "1000"}
    refused = client.post(f"/umfragen/{draft.id}/fragen", data=dict(data, **{field: "20"}))
    assert refused.status_code == 422
    assert "muss eine ganze Zahl von 50 bis 2000 sein" in refused.get_data(as_text=True)
    response = client.post(f"/umfragen/{draft.id}/fragen", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    question = db.session.query(Question).filter_by(poll_id=draft.id).one()
    assert question.settings["remark_max"] == 1000 and question.settings["min"] == 1
