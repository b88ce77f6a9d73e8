"""HTML pages of consultations: listing, filters, drafts, Markdown, script safety, moderation, German UI."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from beteiligung.audit.models import AuditEntry
from beteiligung.comments.models import Comment
from beteiligung.consultations.models import Consultation
from beteiligung.testing.fixtures import AuthActions
from beteiligung.testing.helpers import audit_entries, count_rows, duplicate_ids, elements
from beteiligung.timeutil import utcnow


def unlabelled_fields(html):
    """Text-like inputs and textareas without an id or without a <label for=…> that names that id."""
    found = elements(html)
    label_for = {attrs.get("for") for tag, attrs in found if tag == "label"}
    missing = []
    for tag, attrs in found:
        text_like = tag == "textarea" or (tag == "input" and attrs.get("type", "text") in (
            "text", "email", "password", "search", "url", "tel", "number", "datetime-local"))
        if text_like and (not attrs.get("id") or attrs["id"] not in label_for):
            missing.append((tag, attrs.get("name"), attrs.get("id")))
    return missing


def assert_no_live_script(html):
    """No script element, no on* event handler attribute, no javascript: URL anywhere on the page."""
    for tag, attrs in elements(html):
        assert tag not in ("script", "iframe", "object", "embed"), (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, attrs)
            if name in ("href", "src", "action", "formaction") and value:
                assert not re.sub(r"\s", "", value).lower().startswith(("javascript:", "data:text")), (tag, attrs)


def article_titles(html):
    return re.findall(r'<article class="card">\s*<h2><a href="/beteiligungen/\d+">(.*?)</a></h2>', html)


# --- the list of consultations --------------------------------------------------------------------------------


def test_index_lists_published_consultations_with_region_status_and_count(client, create_region,
                                                                          create_consultation):
    region = create_region(name="Wuppertal")
    create_consultation(region, title="Digitales Rathaus", summary="Anträge online stellen.")
    create_consultation(region, status="closed", title="Alte Parkuhren")
    response = client.get("/beteiligungen/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert sorted(article_titles(html)) == ["Alte Parkuhren", "Digitales Rathaus"]
    assert "2 Beteiligungen gefunden" in html
    assert "Anträge online stellen." in html
    assert "Wuppertal" in html
    assert ">Offen<" in html and ">Abgeschlossen<" in html


def test_index_filters_by_region(client, create_region, create_consultation):
    aachen, soest = create_region(slug="aachen"), create_region(slug="soest")
    create_consultation(aachen, title="Digitale Schule")
    create_consultation(soest, title="Rufbus auf dem Land")
    response = client.get("/beteiligungen/?region=soest")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert article_titles(html) == ["Rufbus auf dem Land"]
    assert '<option value="soest" selected>' in html


@pytest.mark.parametrize(("status", "expected"), [("open", ["Offen A"]), ("closed", ["Zu B"]),
                                                  ("upcoming", ["Bald C"])])
def test_index_filters_by_status(client, create_region, create_consultation, status, expected):
    region = create_region()
    create_consultation(region, title="Offen A")
    create_consultation(region, status="closed", title="Zu B")
    create_consultation(region, status="upcoming", title="Bald C")
    response = client.get(f"/beteiligungen/?status={status}")
    assert response.status_code == 200
    assert article_titles(response.get_data(as_text=True)) == expected


def test_index_combines_region_and_status_filters(client, create_region, create_consultation):
    aachen, soest = create_region(slug="aachen"), create_region(slug="soest")
    create_consultation(aachen, title="Aachen offen")
    create_consultation(aachen, status="closed", title="Aachen zu")
    create_consultation(soest, status="closed", title="Soest zu")
    response = client.get("/beteiligungen/?region=aachen&status=closed")
    assert response.status_code == 200
    assert article_titles(response.get_data(as_text=True)) == ["Aachen zu"]


def test_index_is_paginated_by_twenty_with_links(client, create_region, create_consultation):
    region = create_region()
    for n in range(23):
        create_consultation(region, title=f"Vorhaben Nummer {n:02d}")
    first = client.get("/beteiligungen/")
    html = first.get_data(as_text=True)
    assert first.status_code == 200
    assert len(article_titles(html)) == 20
    assert "23 Beteiligungen gefunden" in html
    assert "Seite 1 von 2" in html
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html).group(1)
    assert "page=2" in next_link

    second = client.get(next_link.replace("&amp;", "&"))
    html2 = second.get_data(as_text=True)
    assert second.status_code == 200
    assert len(article_titles(html2)) == 3
    assert 'rel="prev"' in html2
    assert set(article_titles(html)).isdisjoint(article_titles(html2))
    assert len(set(article_titles(html)) | set(article_titles(html2))) == 23


def test_index_with_nonsense_page_number_shows_first_page(client, create_consultation):
    create_consultation(title="Einzige Beteiligung")
    response = client.get("/beteiligungen/?page=abc")
    assert response.status_code == 200
    assert article_titles(response.get_data(as_text=True)) == ["Einzige Beteiligung"]


def test_regions_page_lists_regions_with_links(client, create_region):
    create_region(slug="gelsenkirchen", name="Gelsenkirchen", theme="Digitale Daten")
    response = client.get("/regionen")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Gelsenkirchen" in html and "Digitale Daten" in html
    assert 'href="/beteiligungen/?region=gelsenkirchen"' in html


# --- drafts ---------------------------------------------------------------------------------------------------


@pytest.fixture
def draft(create_region, create_consultation):
    region = create_region(slug="paderborn")
    return create_consultation(region, status="draft", title="Geheimer Entwurf")


def test_draft_is_invisible_to_anonymous_visitors(client, draft):
    assert "Geheimer Entwurf" not in client.get("/beteiligungen/").get_data(as_text=True)
    response = client.get(f"/beteiligungen/{draft.id}")
    assert response.status_code == 404
    assert "Geheimer Entwurf" not in response.get_data(as_text=True)
    assert "Diese Beteiligung gibt es nicht" in response.get_data(as_text=True)


def test_draft_is_invisible_to_citizens(client, auth, create_user, draft):
    auth.login(create_user())
    assert "Geheimer Entwurf" not in client.get("/beteiligungen/").get_data(as_text=True)
    assert "Geheimer Entwurf" not in client.get("/beteiligungen/?status=draft").get_data(as_text=True)
    response = client.get(f"/beteiligungen/{draft.id}")
    assert response.status_code == 404
    assert "Geheimer Entwurf" not in response.get_data(as_text=True)


def test_draft_is_invisible_to_moderator_of_another_region(client, auth, create_user, create_region, draft):
    auth.login(create_user(role="moderator", regions=[create_region()]))
    assert "Geheimer Entwurf" not in client.get("/beteiligungen/").get_data(as_text=True)
    assert client.get(f"/beteiligungen/{draft.id}").status_code == 404


def test_draft_is_visible_to_moderator_of_its_region(client, auth, create_user, draft):
    auth.login(create_user(role="moderator", regions=[draft.region]))
    listing = client.get("/beteiligungen/?status=draft").get_data(as_text=True)
    assert article_titles(listing) == ["Geheimer Entwurf"]
    response = client.get(f"/beteiligungen/{draft.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Geheimer Entwurf</h1>" in html
    assert "Entwurf: nur für die Moderation sichtbar." in html
    assert ">Veröffentlichen</button>" in html


# --- Markdown body --------------------------------------------------------------------------------------------


def test_markdown_body_is_rendered_with_sections_and_anchors(client, create_consultation):
    consultation = create_consultation(body=(
        "Die Stadt plant **Sensoren** an Laternen.\n\n- Licht\n- Luft\n\n"
        "## Öffentliche Plätze\n\nWo sollen Sensoren hängen?\n\n"
        "## Kosten & Finanzierung\n\nRund *40.000 Euro*.\n\n"
        "## Kosten & Finanzierung\n\nZweiter Abschnitt mit gleichem Titel."))
    response = client.get(f"/beteiligungen/{consultation.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>Sensoren</strong>" in html
    assert "<li>Licht</li>" in html
    assert "<em>40.000 Euro</em>" in html
    anchors = [section.anchor for section in consultation.sections]
    assert len(set(anchors)) == 3
    # Readable anchors made from the headings (umlauts spelled out), unique even for equal headings.
    assert "oeffentliche-plaetze" in anchors[0]
    assert "kosten-finanzierung" in anchors[1] and "kosten-finanzierung" in anchors[2]
    titles = ["Öffentliche Plätze", "Kosten &amp; Finanzierung", "Kosten &amp; Finanzierung"]
    for anchor, title in zip(anchors, titles, strict=True):
        assert re.fullmatch(r"[a-z0-9-]+", anchor)
        assert f'<section class="section" id="{anchor}" aria-labelledby="{anchor}-titel">' in html
        assert f'<h2 id="{anchor}-titel">{title}</h2>' in html
        assert f'<a href="#{anchor}">{title}</a>' in html
    assert "## " not in html


# Regression (was a bug during development): section anchors are bare slugs of the heading, so a heading such as '##
# Diskussion' or '## Inhalt' duplicates the page's own ids (#diskussion, #inhalt: skip link and aria-labelledby
# break)
def test_section_anchors_never_collide_with_the_pages_own_ids(client, create_consultation):
    consultation = create_consultation(
        body="Intro.\n\n## Inhalt\n\nA\n\n## Diskussion\n\nB\n\n## Beitrag schreiben\n\nC")
    response = client.get(f"/beteiligungen/{consultation.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert duplicate_ids(html) == []
    assert html.count('id="inhalt"') == 1


# --- script in user text --------------------------------------------------------------------------------------

EVIL_BODY = (
    "<script>alert('body')</script>\n\n"
    "<img src=x onerror=alert('img')>\n\n"
    "[Klick mich](javascript:alert('link'))\n\n"
    "<a href=\"javascript:alert('raw')\">roh</a>\n\n"
    "## Abschnitt <script>alert('heading')</script>\n\n"
    "<iframe src=\"https://evil.example\"></iframe> [data](data:text/html;base64,PHNjcmlwdD4=)"
)


def test_script_in_body_title_and_summary_is_never_live(client, create_consultation):
    consultation = create_consultation(title="<script>alert('title')</script>",
                                       summary="<img src=x onerror=alert('summary')>", body=EVIL_BODY)
    for path in (f"/beteiligungen/{consultation.id}", "/"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert_no_live_script(html)
        assert "<script>alert(" not in html
        assert "<img src=x onerror" not in html
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(&#39;summary&#39;)&gt;" in html


def test_script_in_comments_is_shown_as_text(client, auth, create_user, create_consultation, create_comment):
    consultation = create_consultation()
    author = create_user(pseudonym="Harmlos")
    comment = create_comment(consultation, author, body="<script>alert('c')</script> <img src=x onerror=alert(1)>")
    create_comment(consultation, create_user(), body="<a href=\"javascript:alert(2)\">hier</a>", parent=comment)
    auth.login(create_user(role="moderator", regions=[consultation.region]))
    response = client.get(f"/beteiligungen/{consultation.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert_no_live_script(html)
    assert "&lt;script&gt;alert(&#39;c&#39;)&lt;/script&gt;" in html
    assert "&lt;a href=&#34;javascript:alert(2)&#34;&gt;hier&lt;/a&gt;" in html


def test_script_in_consultation_created_through_the_form_is_never_live(client, auth, db, create_user,
                                                                       create_region):
    region = create_region()
    auth.login(create_user(role="moderator", regions=[region]))
    response = client.post("/beteiligungen/neu", data={
        "region": str(region.id), "title": "Titel <script>alert(1)</script>",
        "summary": "<b onmouseover=alert(2)>fett</b>", "body": EVIL_BODY, "published": "y"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert_no_live_script(html)
    assert "Titel &lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- moderators create, edit, publish -------------------------------------------------------------------------


def _consultation_form(region, **changes):
    data = {"region": str(region.id), "title": "Smarte Straßenbeleuchtung",
            "summary": "Laternen, die sich nach dem Verkehr richten.",
            "body": "Einleitung.\n\n## Technik\n\nSensoren.\n\n## Datenschutz\n\nKeine Kameras.",
            "opens_at": "", "closes_at": "", "published": "y"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_moderator_creates_consultation_in_own_region(client, auth, db, create_user, create_region):
    region = create_region()
    moderator = create_user(role="moderator", regions=[region])
    auth.login(moderator)
    form = client.get("/beteiligungen/neu")
    assert form.status_code == 200
    assert "<h1>Neue Beteiligung</h1>" in form.get_data(as_text=True)

    response = client.post("/beteiligungen/neu", data=_consultation_form(
        region, opens_at="2020-01-01T10:00", closes_at="2099-12-31T18:00"))
    assert response.status_code == 303
    consultation = db.session.scalar(select(Consultation))
    assert urlsplit(response.headers["Location"]).path == f"/beteiligungen/{consultation.id}"
    assert consultation.region_id == region.id
    assert consultation.published is True
    assert consultation.status == "open"
    assert consultation.created_by_id == moderator.id
    assert [s.title for s in consultation.sections] == ["Technik", "Datenschutz"]

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Die Beteiligung wurde angelegt." in page
    assert "<h1>Smarte Straßenbeleuchtung</h1>" in page

    [entry] = audit_entries(db, "consultation.created")
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.region_id) == (
        moderator.id, "consultations", consultation.id, region.id)


def test_consultation_form_refuses_end_before_start_with_field_message(client, auth, db, create_user,
                                                                       create_region):
    region = create_region()
    auth.login(create_user(role="moderator", regions=[region]))
    response = client.post("/beteiligungen/neu", data=_consultation_form(
        region, opens_at="2030-05-01T10:00", closes_at="2030-04-01T10:00"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<p class="field-error" id="closes_at-error">Das Ende muss nach dem Beginn liegen.</p>' in html
    assert count_rows(db, Consultation) == 0


def test_consultation_form_refuses_malformed_date_with_german_message(client, auth, db, create_user,
                                                                     create_region):
    region = create_region()
    auth.login(create_user(role="moderator", regions=[region]))
    response = client.post("/beteiligungen/neu", data=_consultation_form(region, opens_at="morgen früh"))
    assert response.status_code == 422
    assert '<p class="field-error" id="opens_at-error">Kein gültiges Datum mit Zeit.</p>' in \
        response.get_data(as_text=True)
    assert count_rows(db, Consultation) == 0


def test_consultation_form_refuses_missing_title(client, auth, db, create_user, create_region):
    region = create_region()
    auth.login(create_user(role="moderator", regions=[region]))
    response = client.post("/beteiligungen/neu", data=_consultation_form(region, title=""))
    assert response.status_code == 422
    assert "Bitte geben Sie einen Titel an." in response.get_data(as_text=True)
    assert count_rows(db, Consultation) == 0


def test_moderator_cannot_create_in_another_region(client, auth, db, create_user, create_region):
    own, other = create_region(), create_region()
    auth.login(create_user(role="moderator", regions=[own]))
    response = client.post("/beteiligungen/neu", data=_consultation_form(other))
    assert response.status_code == 403
    assert f'<option value="{other.id}"' not in response.get_data(as_text=True)
    assert count_rows(db, Consultation) == 0


def test_citizen_gets_403_on_new_consultation(client, auth, db, create_user, create_region):
    region = create_region()
    auth.login(create_user())
    response = client.get("/beteiligungen/neu")
    assert response.status_code == 403
    assert "Fehlercode: 403" in response.get_data(as_text=True)
    response = client.post("/beteiligungen/neu", data=_consultation_form(region))
    assert response.status_code == 403
    assert count_rows(db, Consultation) == 0


def test_moderator_edits_consultation_in_own_region(client, auth, db, create_user, create_consultation):
    consultation = create_consultation(title="Alter Titel")
    moderator = create_user(role="moderator", regions=[consultation.region])
    auth.login(moderator)
    form = client.get(f"/beteiligungen/{consultation.id}/bearbeiten")
    assert form.status_code == 200
    assert 'value="Alter Titel"' in form.get_data(as_text=True)

    response = client.post(f"/beteiligungen/{consultation.id}/bearbeiten", data=_consultation_form(
        consultation.region, title="Neuer Titel", body="Neu.\n\n## Ablauf\n\nSo geht es."))
    assert response.status_code == 303
    db.session.expire_all()
    stored = db.session.get(Consultation, consultation.id)
    assert stored.title == "Neuer Titel"
    [section] = stored.sections
    assert section.title == "Ablauf"
    page = client.get(f"/beteiligungen/{consultation.id}").get_data(as_text=True)
    assert "Die Änderungen wurden gespeichert." in page
    assert "<h1>Neuer Titel</h1>" in page
    assert f'id="{section.anchor}"' in page
    assert "<h2" in page and ">Ablauf</h2>" in page and ">Standorte</h2>" not in page

    [entry] = audit_entries(db, "consultation.updated")
    assert (entry.actor_id, entry.target_id, entry.region_id) == (moderator.id, consultation.id,
                                                                  consultation.region_id)
    assert "title" in entry.details["fields"]


def test_moderator_unpublishes_and_publishes_with_audit(client, auth, db, create_user, create_consultation):
    consultation = create_consultation(title="Ein Vorhaben")
    moderator = create_user(role="moderator", regions=[consultation.region])
    auth.login(moderator)
    response = client.post(f"/beteiligungen/{consultation.id}/veroeffentlichen", data={"published": "0"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).published is False
    page = client.get(f"/beteiligungen/{consultation.id}").get_data(as_text=True)
    assert "Die Beteiligung ist jetzt nicht mehr öffentlich." in page
    [unpublished] = audit_entries(db, "consultation.unpublished")
    assert (unpublished.actor_id, unpublished.target_id) == (moderator.id, consultation.id)

    auth.logout()
    assert client.get(f"/beteiligungen/{consultation.id}").status_code == 404
    auth.login(moderator)

    response = client.post(f"/beteiligungen/{consultation.id}/veroeffentlichen", data={"published": "1"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).published is True
    assert "Die Beteiligung ist jetzt veröffentlicht." in client.get(
        f"/beteiligungen/{consultation.id}").get_data(as_text=True)
    [published] = audit_entries(db, "consultation.published")
    assert (published.actor_id, published.target_id) == (moderator.id, consultation.id)


def test_moderator_of_another_region_gets_403_on_edit(client, auth, db, create_user, create_region,
                                                      create_consultation):
    consultation = create_consultation(title="Fremdes Vorhaben")
    auth.login(create_user(role="moderator", regions=[create_region()]))
    assert client.get(f"/beteiligungen/{consultation.id}/bearbeiten").status_code == 403
    response = client.post(f"/beteiligungen/{consultation.id}/bearbeiten",
                           data=_consultation_form(consultation.region, title="Übernommen"))
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).title == "Fremdes Vorhaben"
    assert count_rows(db, AuditEntry) == 0


def test_moderator_of_another_region_gets_403_on_publish(client, auth, db, create_user, create_region,
                                                         create_consultation):
    consultation = create_consultation()
    auth.login(create_user(role="moderator", regions=[create_region()]))
    response = client.post(f"/beteiligungen/{consultation.id}/veroeffentlichen", data={"published": "0"})
    assert response.status_code == 403
    assert "nicht Moderatorin oder Moderator der Region" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).published is True
    assert count_rows(db, AuditEntry) == 0


def test_citizen_gets_403_on_edit_and_publish(client, auth, db, create_user, create_consultation):
    consultation = create_consultation(title="Bürgerhaushalt")
    auth.login(create_user())
    assert client.get(f"/beteiligungen/{consultation.id}/bearbeiten").status_code == 403
    assert client.post(f"/beteiligungen/{consultation.id}/veroeffentlichen",
                       data={"published": "0"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).published is True


def test_moderation_buttons_are_shown_only_to_the_regions_moderators(client, auth, create_user, create_region,
                                                                     create_consultation):
    consultation = create_consultation()
    edit_link = f'href="/beteiligungen/{consultation.id}/bearbeiten"'
    assert edit_link not in client.get(f"/beteiligungen/{consultation.id}").get_data(as_text=True)
    auth.login(create_user(role="moderator", regions=[create_region()]))
    assert edit_link not in client.get(f"/beteiligungen/{consultation.id}").get_data(as_text=True)
    auth.logout()
    auth.login(create_user(role="moderator", regions=[consultation.region]))
    assert edit_link in client.get(f"/beteiligungen/{consultation.id}").get_data(as_text=True)


# --- closed consultations -------------------------------------------------------------------------------------


@pytest.fixture
def closed_with_comment(db, create_user, create_consultation, create_comment):
    consultation = create_consultation()
    create_comment(consultation, create_user(), body="Ein Beitrag aus der offenen Phase.")
    consultation.opens_at = utcnow() - timedelta(days=30)
    consultation.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return consultation


def test_closed_consultation_shows_comments_without_comment_form(client, auth, create_user, closed_with_comment):
    auth.login(create_user())
    response = client.get(f"/beteiligungen/{closed_with_comment.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ein Beitrag aus der offenen Phase." in html
    assert "Diese Beteiligung ist abgeschlossen." in html
    assert f'action="/beteiligungen/{closed_with_comment.id}/beitraege"' not in html
    assert elements(html, "textarea") == []
    assert ">Zustimmen</button>" not in html


def test_closed_consultation_refuses_posted_comment(client, auth, db, create_user, closed_with_comment):
    auth.login(create_user())
    response = client.post(f"/beteiligungen/{closed_with_comment.id}/beitraege", data={"body": "Zu spät."})
    assert response.status_code == 409
    assert "Diese Beteiligung ist abgeschlossen" in response.get_data(as_text=True)
    assert count_rows(db, Comment) == 1
    assert db.session.scalar(select(Comment.body).where(Comment.body == "Zu spät.")) is None


def test_closed_consultation_refusal_from_the_page_goes_back_with_message(client, auth, db, create_user,
                                                                          closed_with_comment):
    auth.login(create_user())
    page = f"http://localhost/beteiligungen/{closed_with_comment.id}"
    response = client.post(f"/beteiligungen/{closed_with_comment.id}/beitraege", data={"body": "Zu spät."},
                           headers={"Referer": page})
    assert response.status_code == 303
    html = client.get(urlsplit(response.headers["Location"]).path).get_data(as_text=True)
    assert "es können keine Beiträge mehr abgegeben werden" in html
    assert count_rows(db, Comment) == 1


def test_upcoming_consultation_has_no_comment_form_and_refuses_comments(client, auth, db, create_user,
                                                                        create_consultation):
    consultation = create_consultation(status="upcoming")
    auth.login(create_user())
    html = client.get(f"/beteiligungen/{consultation.id}").get_data(as_text=True)
    assert "Diese Beteiligung hat noch nicht begonnen." in html
    assert elements(html, "textarea") == []
    response = client.post(f"/beteiligungen/{consultation.id}/beitraege", data={"body": "Zu früh."})
    assert response.status_code == 409
    assert count_rows(db, Comment) == 0


def test_anonymous_visitor_is_invited_to_log_in_instead_of_a_form(client, create_consultation):
    consultation = create_consultation()
    html = client.get(f"/beteiligungen/{consultation.id}").get_data(as_text=True)
    assert elements(html, "textarea") == []
    assert f'href="/konto/anmelden?next=/beteiligungen/{consultation.id}"' in html
    assert "Melden Sie sich an" in html


def test_unknown_consultation_is_404_in_german(client):
    response = client.get("/beteiligungen/999999")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="de">' in html
    assert "Diese Beteiligung gibt es nicht oder sie ist nicht veröffentlicht." in html


# --- German, accessible markup --------------------------------------------------------------------------------


@pytest.fixture
def pages(create_user, create_region, create_consultation, create_comment, db):
    """Every page with forms, and who should look at it."""
    from beteiligung.comments.models import CommentReport

    region = create_region()
    consultation = create_consultation(region)
    citizen, other = create_user(), create_user()
    moderator = create_user(role="moderator", regions=[region])
    admin = create_user(role="admin")
    mine = create_comment(consultation, citizen, body="Mein Beitrag.")
    theirs = create_comment(consultation, other, body="Ein anderer Beitrag.", section=consultation.sections[0])
    create_comment(consultation, other, body="Eine Antwort.", parent=mine)
    db.session.add(CommentReport(comment_id=theirs.id, reporter_id=citizen.id, reason="Beleidigend"))
    db.session.commit()
    show = f"/beteiligungen/{consultation.id}"
    return [
        (None, "/"), (None, "/regionen"), (None, show), (None, "/konto/anmelden"), (None, "/konto/registrieren"),
        (citizen, show), (citizen, f"/beitraege/{mine.id}/bearbeiten"), (citizen, f"/beitraege/{theirs.id}/melden"),
        (moderator, show), (moderator, "/beteiligungen/neu"), (moderator, f"{show}/bearbeiten"),
        (moderator, f"/beitraege/{theirs.id}/ausblenden"), (moderator, "/moderation/meldungen"),
        (admin, "/verwaltung/"), (admin, "/verwaltung/konten"), (admin, "/verwaltung/protokoll"),
    ]


def test_pages_are_german_with_skip_link_and_labelled_fields(app, pages):
    for user, path in pages:
        client = app.test_client()
        if user is not None:
            AuthActions(client).login(user)
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert '<html lang="de">' in html, path
        assert '<a class="skip-link" href="#inhalt">Zum Inhalt springen</a>' in html, path
        assert '<main id="inhalt"' in html, path
        assert "Beteiligung NRW" in html, path
        assert unlabelled_fields(html) == [], path
        assert duplicate_ids(html) == [], path
        assert len(elements(html, "h1")) == 1, path


def test_show_page_comment_forms_have_distinct_labelled_textareas(client, auth, create_user, create_consultation,
                                                                  create_comment):
    consultation = create_consultation()
    first = create_comment(consultation, create_user(), body="Erster.")
    create_comment(consultation, create_user(), body="Zweiter.", parent=first)
    auth.login(create_user())
    html = client.get(f"/beteiligungen/{consultation.id}").get_data(as_text=True)
    textareas = elements(html, "textarea")
    # One for the consultation, one per section (2), one per comment to reply to (2).
    assert len(textareas) == 5
    assert len({attrs["id"] for _tag, attrs in textareas}) == 5
    assert unlabelled_fields(html) == []
    assert "Ihr Beitrag zum Abschnitt „Standorte“" in html
    assert "Ihre Antwort" in html


# Regression (was a bug during development): templates/macros/forms.html field() passes None for aria-describedby,
# aria-invalid and required; WTForms renders them as the string 'None' (aria-describedby="None", aria-
# invalid="None", and required="None" which marks optional fields such as the summary as required)
def test_form_fields_have_no_bogus_aria_or_required_attributes(client, auth, create_user, create_region):
    region = create_region()
    auth.login(create_user(role="moderator", regions=[region]))
    response = client.get("/beteiligungen/neu")
    assert response.status_code == 200
    fields = {attrs["id"]: attrs for tag, attrs in elements(response.get_data(as_text=True))
              if tag in ("input", "textarea", "select") and attrs.get("id")}
    for field_id, attrs in fields.items():
        assert "None" not in attrs.values(), (field_id, attrs)
        assert attrs.get("aria-invalid") in (None, "true", "false"), field_id
    assert "required" not in fields["summary"]
    assert "required" not in fields["opens_at"]
    assert "required" in fields["title"]


def test_english_is_available_on_request(client, create_consultation):
    response = client.get("/beteiligungen/?lang=en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert '<html lang="de">' in client.get("/beteiligungen/?lang=de").get_data(as_text=True)


def test_error_fields_are_tied_to_their_messages(client, auth, create_user, create_region):
    region = create_region()
    auth.login(create_user(role="moderator", regions=[region]))
    html = client.post("/beteiligungen/neu", data=_consultation_form(region, title="")).get_data(as_text=True)
    [(_tag, title)] = [(t, a) for t, a in elements(html, "input") if a.get("id") == "title"]
    assert title.get("aria-invalid") == "true"
    assert "title-error" in title.get("aria-describedby", "").split()
    assert 'id="title-error"' in html


def test_unknown_region_filter_is_not_found(client, create_consultation):
    create_consultation()

    response = client.get("/beteiligungen/?region=gibt-es-nicht")

    assert response.status_code == 404
    assert "nicht gefunden" in response.get_data(as_text=True)
