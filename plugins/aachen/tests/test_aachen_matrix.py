"""The question type aachen.matrix: definition, answers (API and page form), results, CSV, small groups."""

import csv
import io
import re

import pytest
from aachen_support import OFFERS, OFFERS_MATRIX, ROLE, SKILLS, SKILLS_MATRIX, FormFields, error_of, ratings
from sqlalchemy import func, select

from beteiligung.plugin_api import Answer, Ballot, Poll

pytestmark = pytest.mark.plugins("aachen")


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


# --- definition ------------------------------------------------------------------------------

def test_a_matrix_question_without_settings_gets_a_five_step_agreement_scale(api, regions, moderator):
    response = api.post("/api/v1/polls", user=moderator, json={
        "region": "aachen", "title": "Medienkompetenz im Kollegium", "questions": [OFFERS_MATRIX]})
    assert response.status_code == 201, response.get_json()
    question = response.get_json()["questions"][0]
    assert question["type"] == "aachen.matrix"
    assert question["settings"] == {"min": 1, "max": 5,
                                    "labels": {"1": "trifft gar nicht zu", "5": "trifft voll zu"}}
    assert [option["label"] for option in question["options"]] == OFFERS


def test_a_matrix_question_keeps_its_own_scale(api, regions, moderator):
    definition = dict(SKILLS_MATRIX, settings={"min": 0, "max": 10, "labels": {"0": "gar nicht", "10": " voll  "}})
    question = api.post("/api/v1/polls", user=moderator, json={
        "region": "aachen", "title": "Medienkompetenz", "questions": [definition]}).get_json()["questions"][0]
    assert question["settings"] == {"min": 0, "max": 10, "labels": {"0": "gar nicht", "10": "voll"}}


@pytest.mark.parametrize(("change", "message"), [
    ({"settings": {"min": 3, "max": 3}}, "2 bis 11 Stufen"),
    ({"settings": {"min": 5, "max": 2}}, "2 bis 11 Stufen"),
    ({"settings": {"min": -1, "max": 4}}, "min muss eine ganze Zahl von 0 bis 9"),
    ({"settings": {"max": 11}}, "max muss eine ganze Zahl von 1 bis 10"),
    ({"settings": {"max": "5"}}, "max muss eine ganze Zahl"),
    ({"settings": {"max": True}}, "max muss eine ganze Zahl"),
    ({"settings": {"labels": ["gar nicht", "voll"]}}, "labels muss ein Objekt sein"),
    ({"settings": {"labels": {"6": "sehr"}}}, "Stufen 1 bis 5"),
    ({"settings": {"labels": {"eins": "sehr"}}}, "Stufen 1 bis 5"),
    ({"settings": {"labels": {"5": "x" * 61}}}, "1 bis 60 Zeichen"),
    ({"settings": {"labels": {"5": 5}}}, "1 bis 60 Zeichen"),
    ({"options": ["Kurse der VHS Aachen"]}, "2 bis 15 Antwortmöglichkeiten"),
    ({"options": [f"Angebot {n}" for n in range(16)]}, "2 bis 15 Antwortmöglichkeiten"),
    ({"allow_other": True}, "nur bei Auswahlfragen"),
])
def test_broken_matrix_definitions_are_refused(api, db, regions, moderator, change, message):
    error = error_of(api.post("/api/v1/polls", user=moderator, json={
        "region": "aachen", "title": "Medienkompetenz", "questions": [dict(OFFERS_MATRIX, **change)]}), 422)
    assert message in " ".join(error["fields"]["questions.0"])
    assert count(db, Poll) == 0


# --- answers ---------------------------------------------------------------------------------

@pytest.fixture
def survey(regions, create_poll):
    aachen, _soest = regions
    return create_poll(region=aachen, questions=[ROLE, SKILLS_MATRIX, OFFERS_MATRIX])


def test_a_complete_rating_is_stored_as_one_cell_per_item(api, db, survey, create_user):
    role, skills, offers = survey.questions
    response = api.ballot(survey, create_user(), {skills: ratings(skills, 4, 2, 5),
                                                  offers: ratings(offers, 3, None, 1)})
    assert response.status_code == 201, response.get_json()
    cells = db.session.execute(select(Answer.question_id, Answer.option_id, Answer.number)
                               .order_by(Answer.question_id, Answer.seq)).all()
    assert cells == [(skills.id, skills.options[0].id, 4), (skills.id, skills.options[1].id, 2),
                     (skills.id, skills.options[2].id, 5),
                     (offers.id, offers.options[0].id, 3), (offers.id, offers.options[2].id, 1)]


def test_an_optional_matrix_may_stay_empty(api, db, survey, create_user):
    _role, skills, offers = survey.questions
    assert api.ballot(survey, create_user(), {skills: ratings(skills, 1, 1, 1), offers: {}}).status_code == 201
    assert {row.question_id for row in db.session.scalars(select(Answer))} == {skills.id}


def test_an_empty_object_does_not_answer_a_required_matrix(api, db, survey, create_user):
    role, skills, _offers = survey.questions
    error = error_of(api.ballot(survey, create_user(), {role: role.options[0].id, skills: {}}), 422)
    assert error["fields"] == {f"question_{skills.id}": ["Bitte beantworten Sie diese Frage."]}
    assert count(db, Ballot) == 0


def _refusals(skills, offers):
    first, second, third = (str(option.id) for option in skills.options)
    label = SKILLS[0]
    all_rated = {first: 3, second: 3, third: 3}
    return [
        ([3, 4, 5], "als Objekt"),
        ("4", "als Objekt"),
        (4, "als Objekt"),
        (True, "als Objekt"),
        ({**all_rated, str(offers.options[0].id): 3}, f"Der Eintrag „{offers.options[0].id}“ gehört nicht zu dieser "
                                                      f"Frage."),
        ({**all_rated, "999999": 2}, "„999999“ gehört nicht zu dieser Frage"),
        ({**all_rated, "Videokonferenzen": 2}, "„Videokonferenzen“ gehört nicht zu dieser Frage"),
        ({**all_rated, "9" * 40: 2}, "gehört nicht zu dieser Frage"),
        ({**all_rated, f"0{first}": 4}, f"Der Eintrag „{label}“ ist doppelt bewertet."),
        ({**all_rated, first: 6}, f"Die Bewertung für „{label}“ muss zwischen 1 und 5 liegen."),
        ({**all_rated, first: 0}, f"Die Bewertung für „{label}“ muss zwischen 1 und 5 liegen."),
        ({**all_rated, first: 10 ** 30}, f"Die Bewertung für „{label}“ muss zwischen 1 und 5 liegen."),
        ({**all_rated, first: 3.0}, f"Bitte bewerten Sie „{label}“ mit einer ganzen Zahl von 1 bis 5."),
        ({**all_rated, first: 2.5}, f"Bitte bewerten Sie „{label}“ mit einer ganzen Zahl von 1 bis 5."),
        ({**all_rated, first: True}, f"Bitte bewerten Sie „{label}“ mit einer ganzen Zahl von 1 bis 5."),
        ({**all_rated, first: "3"}, f"Bitte bewerten Sie „{label}“ mit einer ganzen Zahl von 1 bis 5."),
        ({**all_rated, first: None}, f"Bitte bewerten Sie „{label}“ mit einer ganzen Zahl von 1 bis 5."),
        ({**all_rated, first: [3]}, f"Bitte bewerten Sie „{label}“ mit einer ganzen Zahl von 1 bis 5."),
        ({**all_rated, first: {"value": {"nested": [1]}}}, "mit einer ganzen Zahl von 1 bis 5"),
        ({first: 4}, f"Bitte bewerten Sie alle Einträge. Es fehlt: „{SKILLS[1]}“, „{SKILLS[2]}“."),
    ]


def test_every_refusal_has_a_clear_message_and_stores_nothing(api, db, survey, create_user):
    role, skills, offers = survey.questions
    user = create_user()
    for value, message in _refusals(skills, offers):
        error = error_of(api.ballot(survey, user, {role: role.options[2].id, skills: value}), 422)
        assert list(error["fields"]) == [f"question_{skills.id}"], value
        assert message in error["fields"][f"question_{skills.id}"][0], (value, error)
    assert count(db, Ballot) == 0 and count(db, Answer) == 0


def test_duplicate_items_are_refused_even_when_spelled_alike(app, survey):
    from beteiligung.plugin_api import AnswerError

    _role, skills, _offers = survey.questions
    qtype = app.extensions["beteiligung.question_types"].get("aachen.matrix")
    item = skills.options[0].id
    with pytest.raises(AnswerError, match="doppelt bewertet"):
        qtype.parse(skills, {item: 2, str(item): 3})


def test_an_optional_matrix_may_be_rated_in_part(api, survey, create_user):
    _role, skills, offers = survey.questions
    response = api.ballot(survey, create_user(), {skills: ratings(skills, 2, 2, 2),
                                                  offers: ratings(offers, None, 5, None)})
    assert response.status_code == 201


# --- results ---------------------------------------------------------------------------------

def _vote(api, survey, create_user, rows):
    _role, skills, offers = survey.questions
    for skill_values, offer_values in rows:
        answers = {skills: ratings(skills, *skill_values)}
        if any(value is not None for value in offer_values):
            answers[offers] = ratings(offers, *offer_values)
        assert api.ballot(survey, create_user(), answers).status_code == 201


ROWS = [((5, 1, 4), (4, None, None)), ((4, 2, 4), (5, None, 2)), ((5, 1, 3), (4, 3, None)),
        ((3, 2, 4), (3, None, None)), ((5, 1, 5), (4, 5, None)), ((2, 3, 4), (5, None, None))]


def test_results_give_mean_count_and_distribution_per_item(api, survey, create_user, moderator):
    _vote(api, survey, create_user, ROWS)
    data = api.get(f"/api/v1/polls/{survey.id}/results", user=moderator).get_json()
    skills, offers = data["questions"][1], data["questions"][2]
    assert skills["answers"] == 6 and not skills["withheld"]
    assert skills["scale"] == {"min": 1, "max": 5, "labels": {"1": "sehr unsicher", "5": "sehr sicher"}}
    first = skills["options"][0]
    assert (first["label"], first["count"], first["mean"], first["withheld"]) == (SKILLS[0], 6, 4.0, False)
    assert [step["count"] for step in first["distribution"]] == [0, 1, 1, 1, 3]
    assert first["distribution"][4] == {"value": 5, "label": "sehr sicher", "count": 3, "share": 0.5}
    assert [item["mean"] for item in skills["options"]] == [4.0, 1.67, 4.0]
    # The offers: 6 people answered, but "Elternabende" got 2 ratings and "Sprechstunde" 1: both withheld.
    assert offers["answers"] == 6
    by_label = {item["label"]: item for item in offers["options"]}
    assert by_label[OFFERS[0]]["mean"] == 4.17 and by_label[OFFERS[0]]["count"] == 6
    for label, rated in ((OFFERS[1], 2), (OFFERS[2], 1)):
        assert by_label[label] == {"option_id": by_label[label]["option_id"], "label": label, "count": rated,
                                   "share": round(rated / 6, 4), "withheld": True, "mean": None,
                                   "distribution": []}


def test_a_matrix_answered_by_too_few_is_withheld_as_a_whole(api, survey, create_user):
    _vote(api, survey, create_user, ROWS[:4])
    skills = api.get(f"/api/v1/polls/{survey.id}/results").get_json()["questions"][1]
    assert skills["withheld"] and "options" not in skills


def test_csv_has_ratings_mean_and_a_count_per_step_for_every_item(api, survey, create_user):
    _vote(api, survey, create_user, ROWS)
    _role, skills, offers = survey.questions
    response = api.get(f"/api/v1/polls/{survey.id}/results.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    mine = [row[3:] for row in rows if row[0] == str(skills.id) and row[3]]
    assert mine[:7] == [[SKILLS[0], "ratings", "6"], [SKILLS[0], "mean", "4.0"], [SKILLS[0], "count:1", "0"],
                        [SKILLS[0], "count:2", "1"], [SKILLS[0], "count:3", "1"], [SKILLS[0], "count:4", "1"],
                        [SKILLS[0], "count:5", "3"]]
    assert len(mine) == 3 * 7
    withheld = [row[3:] for row in rows if row[0] == str(offers.id) and row[3] == OFFERS[1]]
    assert withheld == [[OFFERS[1], "ratings", "2"], [OFFERS[1], "mean", ""]] + [
        [OFFERS[1], f"count:{n}", ""] for n in range(1, 6)]


def test_results_need_the_same_queries_for_few_and_many_ballots(api, survey, create_user, count_queries, moderator):
    def measure():
        with count_queries() as counter:
            assert api.get(f"/umfragen/{survey.id}/ergebnisse").status_code == 200
        return counter.count

    _vote(api, survey, create_user, ROWS)
    few = measure()
    _vote(api, survey, create_user, ROWS * 2)
    assert measure() == few


def test_results_page_shows_a_chart_of_the_means_and_the_table(api, client, survey, create_user):
    _vote(api, survey, create_user, ROWS)
    html = client.get(f"/umfragen/{survey.id}/ergebnisse").get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "Mittelwerte: Wie sicher fühlen Sie sich bei diesen Tätigkeiten?" in html
    assert "Dokumente gemeinsam online bearbeiten: 4,0 von 5" in html  # the chart's description
    assert '<th scope="row">Videokonferenzen leiten</th>' in html
    assert "<td>1,67</td>" in html
    assert "nicht ausgewiesen (weniger als 5 Bewertungen)" in html
    assert 'style="' not in html and "<script" not in html


# --- the page form ---------------------------------------------------------------------------

def test_the_form_is_a_table_with_a_labelled_radio_per_item_and_step(client, auth, survey, create_user):
    _role, skills, offers = survey.questions
    auth.login(create_user())
    html = client.get(f"/umfragen/{survey.id}").get_data(as_text=True)
    assert "<caption>Bitte bewerten Sie jeden Eintrag" in html
    for label in SKILLS + OFFERS:
        assert f'<th scope="row">{label}</th>' in html
    page = FormFields(html)
    radios = [field for field in page.inputs if field["name"].startswith(f"q{skills.id}_")]
    assert len(radios) == 3 * 5  # required: no "keine Angabe"
    assert {field["name"] for field in radios} == {f"q{skills.id}_{option.id}" for option in skills.options}
    optional = [field for field in page.inputs if field["name"].startswith(f"q{offers.id}_")]
    assert len(optional) == 3 * 6 and sum("checked" in field for field in optional) == 3
    assert all(field["id"] in page.label_for for field in page.inputs)
    first = skills.options[0]
    label = re.search(f'<label class="visually-hidden" for="q{skills.id}_{first.id}-5">(.*?)</label>', html)
    assert label and re.sub(r"<[^>]+>", "", label.group(1)) == f"{SKILLS[0]} – 5 (sehr sicher)"


def test_a_page_submit_stores_the_ratings(api, db, client, auth, survey, create_user):
    role, skills, offers = survey.questions
    auth.login(create_user())
    form = {f"q{role.id}": str(role.options[1].id), f"q{offers.id}_{offers.options[0].id}": "5",
            f"q{offers.id}_{offers.options[1].id}": ""}
    form.update({f"q{skills.id}_{option.id}": str(value) for option, value in zip(skills.options, (2, 4, 3),
                                                                                   strict=True)})
    response = client.post(f"/umfragen/{survey.id}/teilnehmen", data=form)
    assert response.status_code == 303
    cells = db.session.execute(select(Answer.option_id, Answer.number).where(Answer.question_id.in_(
        (skills.id, offers.id))).order_by(Answer.question_id, Answer.seq)).all()
    assert cells == [(skills.options[0].id, 2), (skills.options[1].id, 4), (skills.options[2].id, 3),
                     (offers.options[0].id, 5)]


def test_a_refused_page_submit_keeps_the_ratings_and_names_the_missing_items(db, client, auth, survey, create_user):
    _role, skills, offers = survey.questions
    auth.login(create_user())
    kept = f"q{skills.id}_{skills.options[0].id}"
    response = client.post(f"/umfragen/{survey.id}/teilnehmen", data={
        kept: "4", f"q{offers.id}_{offers.options[2].id}": "2"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="q{skills.id}-error"' in html
    assert f"Bitte bewerten Sie alle Einträge. Es fehlt: „{SKILLS[1]}“, „{SKILLS[2]}“." in html
    page = FormFields(html)
    checked = {(field["name"], field["value"]) for field in page.inputs if "checked" in field}
    assert (kept, "4") in checked and (f"q{offers.id}_{offers.options[2].id}", "2") in checked
    assert count(db, Ballot) == 0


@pytest.mark.parametrize("junk", ["abc", "3.5", "-1", "9999", " ", "٣", "<b>4</b>"])
def test_junk_form_input_is_refused_with_a_message_not_an_error_page(db, client, auth, survey, create_user, junk):
    _role, skills, _offers = survey.questions
    auth.login(create_user())
    data = {f"q{skills.id}_{option.id}": "3" for option in skills.options}
    data[f"q{skills.id}_{skills.options[1].id}"] = junk
    data["q999999_1"] = "5"
    response = client.post(f"/umfragen/{survey.id}/teilnehmen", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="q{skills.id}-error"' in html
    assert count(db, Ballot) == 0


JUNK = [None, True, False, 0, -1, 10 ** 100, 3.5, float("nan"), float("inf"), "", "3", "{}", [], [1, 2], [[3]],
        [{"item": 1, "value": 3}], {}, {"": 3}, {"-1": 3}, {" 1": 3}, {"1.0": 3}, {None: 3}, {(1, 2): 3}, {3.0: 3},
        {"x": {"y": [None, {"z": float("nan")}]}}, {"1": {"1": 1}}, {"1": [None]}, {"1": float("-inf")}]


def test_parse_refuses_any_junk_with_an_answer_error_only(app, survey):
    from beteiligung.plugin_api import AnswerError

    _role, skills, offers = survey.questions
    qtype = app.extensions["beteiligung.question_types"].get("aachen.matrix")
    first = skills.options[0].id
    for question in (skills, offers):
        for value in [*JUNK, {first: float("nan")}, {str(first): -3}, {str(first): 2 ** 64}]:
            try:
                cells = qtype.parse(question, value)
            except AnswerError as error:
                assert str(error)
            else:
                assert cells is None, value


def test_from_form_never_raises_and_reads_only_this_questions_fields(app, survey):
    from werkzeug.datastructures import MultiDict

    _role, skills, _offers = survey.questions
    qtype = app.extensions["beteiligung.question_types"].get("aachen.matrix")
    first, second = (f"q{skills.id}_{option.id}" for option in skills.options[:2])
    assert qtype.from_form(skills, MultiDict()) is None
    assert qtype.from_form(skills, MultiDict({first: "", second: "  "})) is None
    assert qtype.from_form(skills, MultiDict([(first, "4"), (first, "2"), (second, "x" * 5000),
                                              (f"q{skills.id}_999", "3"), (f"q{skills.id}", "3")])) == {
        str(skills.options[0].id): 4, str(skills.options[1].id): "x" * 5000}


def test_the_answer_format_is_documented_in_the_openapi_description(client, regions):
    description = client.get("/api/v1/openapi.json").get_json()["info"]["description"]
    assert "`aachen.matrix`: object {\"<option id>\": rating}" in description
