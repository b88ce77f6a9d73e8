"""Issue items 9 and 7 (API): one id parser for URLs, forms and JSON; field errors keyed by path, in German."""

import pytest
from api_support import count, error_of

from beteiligung.comments.models import Comment
from beteiligung.extensions import MAX_ID
from beteiligung.ids import parse_id
from beteiligung.polls.models import Ballot

TOO_LARGE = [str(MAX_ID + 1), "9" * 20, "9" * 5000]


@pytest.mark.parametrize("raw, expected", [
    ("1", 1), ("42", 42), (str(MAX_ID), MAX_ID), (7, 7), (MAX_ID, MAX_ID),
    ("0", None), ("-1", None), ("+1", None), (" 1", None), ("1.0", None), ("1e3", None), ("", None),
    ("²", None), ("٣", None), ("１", None), (str(MAX_ID + 1), None), ("9" * 20, None), ("9" * 5000, None),
    (0, None), (-3, None), (MAX_ID + 1, None), (True, None), (1.0, None), (None, None), (["1"], None),
])
def test_parse_id_takes_ascii_digits_in_the_database_range_only(raw, expected):
    assert parse_id(raw) == expected


@pytest.fixture
def world(create_region, create_user, create_consultation, create_comment):
    region = create_region(slug="soest")
    consultation = create_consultation(region=region)
    anna, bert = create_user(pseudonym="Anna"), create_user(pseudonym="Bert")
    moderator = create_user(role="moderator", regions=[region], pseudonym="Moderation")
    return {"consultation": consultation, "anna": anna, "bert": bert, "moderator": moderator,
            "comment": create_comment(consultation, bert)}


@pytest.mark.parametrize("raw", ["²", "٣", "-1", "0", "1e3", *TOO_LARGE])
def test_form_parent_id_that_is_no_id_is_refused_not_a_500(client, auth, db, world, raw):
    auth.login(world["anna"])

    response = client.post(f"/beteiligungen/{world['consultation'].id}/beitraege",
                           data={"body": "Eine Antwort", "parent_id": raw})

    assert response.status_code == 422
    assert "Ungültige Angabe" in response.get_data(as_text=True)
    assert count(db, Comment) == 1


def test_form_parent_id_of_a_real_comment_is_a_reply(client, auth, db, world):
    auth.login(world["anna"])

    response = client.post(f"/beteiligungen/{world['consultation'].id}/beitraege",
                           data={"body": "Eine Antwort", "parent_id": str(world["comment"].id)})

    assert response.status_code == 303
    assert count(db, Comment, Comment.parent_id == world["comment"].id) == 1


API_PATHS = [
    ("GET", "/api/v1/consultations/{id}"), ("PATCH", "/api/v1/consultations/{id}"),
    ("GET", "/api/v1/consultations/{id}/comments"), ("POST", "/api/v1/consultations/{id}/comments"),
    ("POST", "/api/v1/comments/{id}/votes"), ("DELETE", "/api/v1/comments/{id}/votes"),
    ("POST", "/api/v1/comments/{id}/reports"), ("PATCH", "/api/v1/comments/{id}"),
    ("DELETE", "/api/v1/comments/{id}"), ("GET", "/api/v1/polls/{id}"), ("PATCH", "/api/v1/polls/{id}"),
    ("DELETE", "/api/v1/polls/{id}"), ("POST", "/api/v1/polls/{id}/open"), ("POST", "/api/v1/polls/{id}/close"),
    ("POST", "/api/v1/polls/{id}/access-codes"), ("POST", "/api/v1/polls/{id}/ballots"),
    ("GET", "/api/v1/polls/{id}/results"), ("GET", "/api/v1/polls/{id}/results.csv"),
    ("GET", "/api/v1/polls/{id}/problems"), ("POST", "/api/v1/polls/{id}/problems"),
    ("PATCH", "/api/v1/problems/{id}"), ("GET", "/api/v1/polls/{id}/pair"),
    ("POST", "/api/v1/polls/{id}/comparisons"),
]


@pytest.mark.parametrize("method, path", API_PATHS)
@pytest.mark.parametrize("raw", TOO_LARGE)
def test_an_id_above_the_database_range_is_404_on_every_method(api, world, method, path, raw):
    response = api.open(method, path.format(id=raw), user=world["moderator"], json={"body": "x"})

    assert error_of(response, 404)["code"] == "not_found"


@pytest.mark.parametrize("raw", ["٣", "²", "1e3"])
def test_an_id_in_other_digits_is_404_not_another_id(api, world, raw):
    assert error_of(api.get(f"/api/v1/consultations/{raw}"), 404)["code"] == "not_found"


def test_a_method_the_url_does_not_have_is_405_with_allow_for_large_ids_too(api, world):
    for raw in ("1", str(MAX_ID + 1)):
        response = api.open("PUT", f"/api/v1/polls/{raw}", user=world["moderator"], json={})

        assert error_of(response, 405)["code"] == "method_not_allowed"
        assert response.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH"


def test_pages_answer_405_with_allow_too(client, world):
    response = client.get(f"/beteiligungen/{world['consultation'].id}/beitraege")

    assert response.status_code == 405
    assert response.headers["Allow"] == "OPTIONS, POST"


@pytest.mark.parametrize("value, message", [
    (MAX_ID + 1, "Unbekannte Id."), (10**20, "Unbekannte Id."), (0, "Unbekannte Id."),
    ("²", "Ganze Zahl erwartet."), ("5", "Ganze Zahl erwartet."), (True, "Ganze Zahl erwartet."),
    (1.0, "Ganze Zahl erwartet."),
])
def test_json_ids_go_through_the_same_parser(api, db, world, value, message):
    response = api.post(f"/api/v1/consultations/{world['consultation'].id}/comments", user=world["anna"],
                        json={"body": "Antwort", "parent_id": value})

    error = error_of(response, 422)
    assert error["fields"] == {"parent_id": [message]}
    assert count(db, Comment) == 1


# --- item 7: field errors are German sentences keyed by the field's path ----------------------------


@pytest.fixture
def survey(create_poll):
    return create_poll()


@pytest.mark.parametrize("answers, fields", [
    ([1], {"answers.0": ["Objekt erwartet."]}),
    (["x", {"question_id": "eins", "value": 1}], {"answers.0": ["Objekt erwartet."],
                                                 "answers.1.question_id": ["Ganze Zahl erwartet."]}),
    ([{"value": 1}], {"answers.0.question_id": ["Pflichtangabe fehlt."]}),
    ([{"question_id": 1}], {"answers.0.value": ["Pflichtangabe fehlt."]}),
    ({"0": {}}, {"answers": ["Liste erwartet."]}),
])
def test_ballot_field_errors_are_german_sentences_keyed_by_path(api, db, world, survey, answers, fields):
    response = api.post(f"/api/v1/polls/{survey.id}/ballots", user=world["anna"], json={"answers": answers})

    error = error_of(response, 422)
    assert error["fields"] == fields
    assert count(db, Ballot) == 0


def test_no_error_message_is_a_program_repr(api, world, survey):
    bodies = [
        ("POST", f"/api/v1/polls/{survey.id}/ballots", {"answers": [[], 3, None, {"question_id": []}]}),
        ("POST", "/api/v1/polls", {"region": "soest", "title": "T", "questions": [
            {"type": 1, "text": None, "options": [1, {}], "settings": [], "required": "ja"}, "frage"]}),
        ("POST", "/api/v1/consultations", {"region": ["soest"], "title": {}, "opens_at": "morgen"}),
        ("PATCH", f"/api/v1/comments/{world['comment'].id}", {"hidden": "vielleicht", "reason": 5}),
    ]
    for method, url, body in bodies:
        error = error_of(api.open(method, url, user=world["moderator"], json=body), 422)
        for path, messages in error["fields"].items():
            assert isinstance(path, str) and path and not path.startswith(("{", "["))
            assert "_schema" not in path
            for message in messages:
                assert isinstance(message, str)
                assert not any(mark in message for mark in ("{", "}", "[", "]", "'")), message
                assert not any(word in message for word in ("Invalid", "Missing", "Not a valid", "Must be")), message


def test_lengths_and_choices_are_refused_in_german(api, world):
    error = error_of(api.post("/api/v1/polls", user=world["moderator"], json={
        "region": "soest", "title": "T", "kind": "quiz", "audience": "alle",
        "questions": [{"type": "text", "text": "?"}] * 51}), 422)

    assert error["fields"] == {"questions": ["Höchstens 50 Einträge erlaubt."]}
    error = error_of(api.post("/api/v1/polls", user=world["moderator"], json={
        "region": "soest", "title": "T", "kind": "quiz"}), 422)
    assert error["fields"] == {"kind": ["Erlaubt: survey, problem_definition."]}
