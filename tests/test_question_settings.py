"""Question types declare their own settings (``settings_fields``): one rule for the API and the page form.

A sample "Bürgerhaushalt" type (a budget to share out, total configurable) and the Wuppertal journey's
``remark_max`` are added through the API and through the moderators' question form.
"""

import re

import pytest
from werkzeug.datastructures import MultiDict

from beteiligung.plugin_api import AnswerError, Cell, DefinitionError, Plugin, QuestionType, Setting, strict_int
from beteiligung.plugin_api import lazy_gettext as _l
from beteiligung.plugins.services import enable_plugin
from beteiligung.polls.forms import QuestionForm, setting_field_name
from beteiligung.polls.models import Question
from beteiligung.testing.fixtures import plugin_entry_point

TOTAL_RULE = "Die Einstellung „Zu verteilender Betrag“ (total) muss eine ganze Zahl von 10 bis 1000000 sein."


class BudgetType(QuestionType):
    """Share out ``settings.total`` among the options (items of a citizens' budget)."""

    label = _l("Bürgerhaushalt")
    has_options = True
    min_options = 2
    value_doc = "object {\"<option id>\": amount}, the amounts add up to settings.total"
    settings_fields = (
        Setting("total", _l("Zu verteilender Betrag"), "int", default=100, min=10, max=1_000_000,
                help=_l("So viel verteilen die Teilnehmenden auf die Vorhaben.")),
        Setting("unit", _l("Einheit"), "choice", default="euro", choices=(("euro", "Euro"), ("points", "Punkte"))),
    )

    def parse(self, question, value):
        if not isinstance(value, dict) or not all(strict_int(amount) and amount >= 0 for amount in value.values()):
            raise AnswerError("Bitte verteilen Sie ganze Beträge.")
        if sum(value.values()) != question.settings["total"]:
            raise AnswerError(f"Bitte verteilen Sie genau {question.settings['total']}.")
        ids = {str(option.id): option.id for option in question.options}
        return [Cell(option_id=ids[key], number=amount) for key, amount in value.items() if key in ids]


class BudgetPlugin(Plugin):
    title = "Bürgerhaushalt (Test)"
    core_version = ">=0.1"
    question_types = {"allocation": BudgetType}


BUDGET = "budget.allocation"


@pytest.fixture
def app_config():
    return {"PLUGIN_ENTRY_POINTS": [plugin_entry_point("budget", "test_question_settings:BudgetPlugin")]}


@pytest.fixture
def region(db, create_region):
    region = create_region(slug="kleve", name="Kleve")
    enable_plugin(None, region, "budget")
    db.session.commit()
    return region


@pytest.fixture
def moderator(create_user, region):
    return create_user(role="moderator", regions=[region])


def budget_question(**settings):
    question = {"type": BUDGET, "text": "Wie verteilen Sie das Budget?", "options": ["Spielplatz", "Radweg"]}
    return dict(question, settings=settings) if settings else question


def test_the_api_stores_declared_settings_and_fills_in_defaults(api, region, moderator):
    response = api.post("/api/v1/polls", user=moderator, json={
        "region": "kleve", "title": "Bürgerhaushalt 2027",
        "questions": [budget_question(total=250000, unit="points"), budget_question()]})
    assert response.status_code == 201, response.get_json()
    first, second = response.get_json()["questions"]
    assert first["settings"] == {"total": 250000, "unit": "points"}
    assert second["settings"] == {"total": 100, "unit": "euro"}  # the defaults, not always 100 by accident


@pytest.mark.parametrize(("settings", "message"), [
    ({"total": 5}, TOTAL_RULE),
    ({"total": "250"}, TOTAL_RULE),
    ({"total": True}, TOTAL_RULE),
    ({"total": 2_000_000}, TOTAL_RULE),
    ({"unit": "dollar"}, "Die Einstellung „Einheit“ (unit) muss eine der Möglichkeiten „euro“, „points“ sein."),
])
def test_the_api_refuses_invalid_settings_in_german(api, region, moderator, settings, message):
    response = api.post("/api/v1/polls", user=moderator, json={
        "region": "kleve", "title": "Bürgerhaushalt 2027", "questions": [budget_question(**settings)]})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["questions.0"] == [message]


def test_a_stored_total_is_what_an_answer_must_add_up_to(api, region, create_poll, create_user):
    poll = create_poll(region, questions=[budget_question(total=300)])
    question = poll.questions[0]
    first, second = (str(option.id) for option in question.options)
    refused = api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(),
                       json={"answers": [{"question_id": question.id, "value": {first: 50, second: 50}}]})
    assert refused.status_code == 422 and "genau 300" in str(refused.get_json())
    taken = api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(),
                     json={"answers": [{"question_id": question.id, "value": {first: 100, second: 200}}]})
    assert taken.status_code == 201, taken.get_json()


def _form(app, **fields):
    data = {"question-type": BUDGET, "question-text": "Wie verteilen Sie das Budget?",
            "question-options": "Spielplatz\nRadweg"}
    data.update({f"question-{key}": value for key, value in fields.items()})
    with app.test_request_context("/", method="POST", data=data):
        form = QuestionForm(MultiDict(data), prefix="question", meta={"csrf": False})
        form.type.choices = [("single_choice", "Einfachauswahl"), (BUDGET, "Bürgerhaushalt")]
        return form, form.validate()


def test_the_form_carries_the_chosen_types_settings_into_the_definition(app, db):
    total, unit = setting_field_name(BUDGET, "total"), setting_field_name(BUDGET, "unit")
    form, valid = _form(app, **{total: " 250 ", unit: "points"})
    assert valid, form.errors
    assert form.definition()["settings"] == {"total": 250, "unit": "points"}
    assert [(qtype.key, [field.name for field in fields]) for qtype, fields in form.type_settings()] == [
        (BUDGET, [f"question-{total}", f"question-{unit}"])]


@pytest.mark.parametrize(("raw", "message"), [
    ("zehn", TOTAL_RULE), ("9", TOTAL_RULE), ("2,5", TOTAL_RULE), ("1000001", TOTAL_RULE),
])
def test_the_form_refuses_with_the_types_own_rule(app, db, raw, message):
    name = setting_field_name(BUDGET, "total")
    form, valid = _form(app, **{name: raw})
    assert not valid
    assert form[name].errors == [message]


def test_the_settings_of_a_type_not_chosen_are_ignored(app, db):
    form, valid = _form(app, type="single_choice", options="Ja\nNein", **{setting_field_name(BUDGET, "total"): "x"})
    assert valid, form.errors
    assert "total" not in form.definition()["settings"]


def test_an_empty_field_gives_the_default(app, db):
    form, valid = _form(app, **{setting_field_name(BUDGET, "total"): ""})
    assert valid and "total" not in form.definition()["settings"]


def page_data(kind, text, options="", **settings):
    data = {"question-type": kind, "question-text": text, "question-help_text": "", "question-options": options}
    data.update({f"question-{setting_field_name(kind, key)}": value for key, value in settings.items()})
    return data


def test_the_moderators_page_shows_and_stores_the_settings(client, auth, db, region, moderator, create_poll):
    draft = create_poll(region, status="draft", questions=[])
    auth.login(moderator)
    html = client.get(f"/umfragen/{draft.id}/bearbeiten").get_data(as_text=True)
    assert "Nur für den Fragetyp „Bürgerhaushalt“" in html
    field_id = f"question-{setting_field_name(BUDGET, 'total')}"
    assert re.search(rf'<label for="{field_id}">Zu verteilender Betrag</label>', html)
    assert re.search(rf'<input[^>]*id="{field_id}"[^>]*value="100"', html)  # the default, filled in
    assert "So viel verteilen die Teilnehmenden auf die Vorhaben." in html

    response = client.post(f"/umfragen/{draft.id}/fragen", data=page_data(
        BUDGET, "Wie verteilen Sie 5000 Euro?", "Spielplatz\nRadweg", total="5000", unit="euro"))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    question = db.session.query(Question).filter_by(poll_id=draft.id).one()
    assert question.settings == {"total": 5000, "unit": "euro"}


def test_the_moderators_page_refuses_an_invalid_setting_next_to_its_field(client, auth, db, region, moderator,
                                                                          create_poll):
    draft = create_poll(region, status="draft", questions=[])
    auth.login(moderator)
    response = client.post(f"/umfragen/{draft.id}/fragen", data=page_data(
        BUDGET, "Wie verteilen Sie das Budget?", "Spielplatz\nRadweg", total="viel"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    field_id = f"question-{setting_field_name(BUDGET, 'total')}"
    assert f'<p class="field-error" id="{field_id}-error">{TOTAL_RULE}</p>' in html
    assert re.search(rf'<input[^>]*aria-invalid="true"[^>]*id="{field_id}"', html) or \
        re.search(rf'<input[^>]*id="{field_id}"[^>]*aria-invalid="true"', html)
    assert "<details open>" in html  # the settings are not hidden behind a closed summary
    assert db.session.query(Question).count() == 0


def test_the_settings_of_a_type_are_offered_only_where_the_type_is(client, auth, db, create_region, create_user,
                                                                    create_poll):
    elsewhere = create_region(slug="moers", name="Moers")  # the budget plugin is not enabled here
    draft = create_poll(elsewhere, status="draft", questions=[])
    auth.login(create_user(role="moderator", regions=[elsewhere]))
    html = client.get(f"/umfragen/{draft.id}/bearbeiten").get_data(as_text=True)
    assert "Bürgerhaushalt" not in html and setting_field_name(BUDGET, "total") not in html


@pytest.mark.parametrize(("kwargs", "problem"), [
    ({"key": "Total"}, "Setting key"),
    ({"key": "total", "kind": "float"}, "kind must be"),
    ({"key": "unit", "kind": "choice"}, "needs choices"),
    ({"key": "unit", "kind": "choice", "choices": ((1, "eins"),)}, "needs choices"),
    ({"key": "total", "default": 5, "min": 10}, "muss eine ganze Zahl ab 10 sein"),
])
def test_a_wrong_declaration_fails_when_the_type_is_written(kwargs, problem, app):
    with app.test_request_context(), pytest.raises((ValueError, DefinitionError), match=problem):
        Setting(label="Betrag", **kwargs)


def test_a_text_setting_is_cleaned_and_bounded(app):
    setting = Setting("currency", "Währung", "text", default="Euro", min=1, max=10)
    with app.test_request_context():
        assert setting.clean("  Euro \n  Cent ") == "Euro Cent"
        assert setting.clean(None) == "Euro"
        with pytest.raises(DefinitionError, match="höchstens 10 Zeichen"):
            setting.clean("x" * 11)
        with pytest.raises(DefinitionError):
            setting.clean(5)
