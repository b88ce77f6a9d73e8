"""User text: bidirectional overrides are removed everywhere; Markdown images show their description."""

import pytest
from sqlalchemy import select

from beteiligung.accounts.models import User
from beteiligung.comments.models import Comment
from beteiligung.consultations.models import Consultation
from beteiligung.markup import clean_text, render_markdown
from beteiligung.polls.models import Answer, Poll, Problem
from beteiligung.regions.models import Region

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Rechnung" + RLO + "fdp.exe" shows as "Rechnungexe.pdf"
TRICKS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture
def region(create_region):
    return create_region(slug="wuppertal", name="Wuppertal")


@pytest.fixture
def moderator(create_user, region):
    return create_user(role="moderator", regions=[region], pseudonym="Moderation Wuppertal")


def test_clean_text_removes_every_bidi_embedding_override_and_isolate():
    assert clean_text(f"Rechnung{RLO}fdp.exe") == "Rechnungfdp.exe"
    assert clean_text(f"a{TRICKS}b") == "ab"
    # Marks that only set the direction of one spot stay: right-to-left scripts need them.
    assert clean_text("שלום\u200f 2024") == "שלום\u200f 2024"
    assert clean_text("Straße 12\nBänke") == "Straße 12\nBänke"


def test_a_comment_loses_its_overrides_over_the_api_and_the_page(api, client, auth, db, region, create_consultation,
                                                                   create_user):
    consultation = create_consultation(region)
    author = create_user(pseudonym="Anna")
    response = api.post(f"/api/v1/consultations/{consultation.id}/comments", user=author,
                        json={"body": f"Siehe Anhang Rechnung{RLO}fdp.exe"})
    assert response.status_code == 201
    assert response.get_json()["body"] == "Siehe Anhang Rechnungfdp.exe"

    auth.login(author)
    assert client.post(f"/beteiligungen/{consultation.id}/beitraege",
                       data={"body": f"Zweiter{RLO} Beitrag\u2066 mit\u2069 Trick"}).status_code == 303
    bodies = set(db.session.scalars(select(Comment.body)))
    assert bodies == {"Siehe Anhang Rechnungfdp.exe", "Zweiter Beitrag mit Trick"}
    assert RLO not in client.get(f"/beteiligungen/{consultation.id}").get_data(as_text=True)


def test_a_comment_of_only_overrides_is_empty(api, db, region, create_consultation, create_user):
    consultation = create_consultation(region)
    response = api.post(f"/api/v1/consultations/{consultation.id}/comments", user=create_user(),
                        json={"body": TRICKS + " "})
    assert response.status_code == 422
    assert "body" in response.get_json()["error"]["fields"]


def test_a_pseudonym_loses_its_overrides(client, db):
    response = client.post("/konto/registrieren", data={
        "email": "trick@example.org", "pseudonym": f"Anna{RLO}nimda", "password": "ein langes Passwort",
        "password_confirm": "ein langes Passwort", "accept_terms": "y"})
    assert response.status_code == 303
    assert db.session.scalar(select(User.pseudonym).where(User.email == "trick@example.org")) == "Annanimda"


def test_consultation_and_poll_titles_lose_their_overrides(api, db, region, moderator):
    response = api.post("/api/v1/consultations", user=moderator,
                        json={"region": region.slug, "title": f"Radweg{RLO} Nord", "summary": f"Kurz{RLO}.",
                              "body": f"Text{RLO}."})
    assert response.status_code == 201
    consultation = db.session.get(Consultation, response.get_json()["id"])
    assert (consultation.title, consultation.summary, consultation.body) == ("Radweg Nord", "Kurz.", "Text.")

    response = api.post("/api/v1/polls", user=moderator, json={
        "region": region.slug, "title": f"Umfrage{RLO} Bus", "kind": "survey", "audience": "accounts",
        "results_visibility": "live",
        "questions": [{"type": "single_choice", "text": f"Wie{RLO}?", "required": True,
                       "options": [f"Gut{RLO}", "Schlecht"]}]})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["title"] == "Umfrage Bus"
    assert body["questions"][0]["text"] == "Wie?"
    assert [option["label"] for option in body["questions"][0]["options"]] == ["Gut", "Schlecht"]


def test_problems_and_poll_answers_lose_their_overrides(api, db, region, create_user, create_poll):
    citizen = create_user()
    problems = create_poll(region=region, kind="problem_definition", problems=["Zu wenige Busse"])
    response = api.post(f"/api/v1/polls/{problems.id}/problems", user=citizen,
                        json={"text": f"Der Bahnhof{RLO} ist dunkel"})
    assert response.status_code == 201
    assert db.session.get(Problem, response.get_json()["id"]).text == "Der Bahnhof ist dunkel"

    survey = create_poll(region=region, questions=[
        {"type": "text", "text": "Was noch?", "settings": {"max_length": 500}},
        {"type": "single_choice", "text": "Wie?", "options": ["A", "B"], "allow_other": True}])
    survey = db.session.get(Poll, survey.id)
    text_question, choice_question = survey.questions
    response = api.post(f"/api/v1/polls/{survey.id}/ballots", user=citizen, json={"answers": [
        {"question_id": text_question.id, "value": f"Mehr{RLO} Licht"},
        {"question_id": choice_question.id, "value": {"other": f"Anders{RLO}artig"}}]})
    assert response.status_code == 201, response.get_data(as_text=True)
    stored = [text for text in db.session.scalars(select(Answer.text)) if text]
    assert not any(RLO in value for value in stored)
    assert any("Mehr Licht" in value for value in stored) and any("Andersartig" in value for value in stored)


def test_a_region_name_loses_its_overrides(client, auth, db, create_user):
    auth.login(create_user(role="admin", pseudonym="Admina"))
    response = client.post("/verwaltung/", data={"slug": "neue-region", "name": f"Neue{RLO} Region",
                                                 "theme": f"Thema{RLO}"})
    assert response.status_code == 303
    region = db.session.scalar(select(Region).where(Region.slug == "neue-region"))
    assert (region.name, region.theme) == ("Neue Region", "Thema")


# --- Markdown images ----------------------------------------------------------------------------------------------


def test_a_markdown_image_is_shown_as_its_description():
    assert render_markdown("und ![Karte](x.png) und") == "<p>und [Bild: Karte] und</p>\n"


def test_a_markdown_image_without_description_is_still_noted():
    assert render_markdown("und ![](x.png) und") == "<p>und [Bild ohne Beschreibung] und</p>\n"


def test_a_markdown_image_loads_nothing_and_its_description_is_escaped():
    html = render_markdown('![<img src=x onerror=alert(1)> *Plan*](https://example.net/p.png "Titel")')
    assert html == "<p>[Bild: &lt;img src=x onerror=alert(1)&gt; Plan]</p>\n"
    assert "<img" not in html and "example.net" not in html


def test_a_linked_image_keeps_its_link():
    html = render_markdown("[![Logo](logo.png)](https://www.wuppertal.de)")
    assert html == '<p><a href="https://www.wuppertal.de" rel="nofollow noopener noreferrer">[Bild: Logo]</a></p>\n'


def test_an_image_in_a_consultation_shows_its_description_on_the_page(client, create_consultation, region):
    consultation = create_consultation(region, body="Der Plan: ![Karte der Radwege](karte.png)\n\n## Abschnitt\n\n"
                                                    "Siehe ![](skizze.png).")
    html = client.get(f"/beteiligungen/{consultation.id}").get_data(as_text=True)
    assert "Der Plan: [Bild: Karte der Radwege]" in html
    assert "Siehe [Bild ohne Beschreibung]." in html
    assert "karte.png" not in html
