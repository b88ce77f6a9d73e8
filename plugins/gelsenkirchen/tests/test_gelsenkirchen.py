"""The Gelsenkirchen plugin: dashboard, open data from closed polls (CSV + DCAT-AP.de), templates."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from beteiligung_gelsenkirchen.models import Dataset
from beteiligung_gelsenkirchen.views import month_label
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

pytestmark = pytest.mark.plugins("gelsenkirchen")

QUESTION = [{"type": "single_choice", "text": "Welche Daten brauchen Sie zuerst?", "required": True,
             "options": ["Baustellen", "Luftqualität", "Haushalt"]}]


@pytest.fixture
def regions(create_region, enable_plugin):
    home = create_region(slug="gelsenkirchen", name="Gelsenkirchen")
    other = create_region(slug="aachen", name="Aachen")
    enable_plugin(home, "gelsenkirchen")
    return home, other


@pytest.fixture
def moderator(create_user, regions):
    return create_user(role="moderator", regions=list(regions))


def vote(client, api_headers, create_user, poll, index):
    question = poll.questions[0]
    response = client.post(f"/api/v1/polls/{poll.id}/ballots", headers=api_headers(create_user()),
                           json={"answers": [{"question_id": question.id, "value": question.options[index].id}]})
    assert response.status_code == 201


def datasets(db):
    return db.session.scalars(select(Dataset).order_by(Dataset.id)).all()


def test_closing_a_poll_publishes_its_results_as_open_data(client, db, api_headers, create_user, create_poll,
                                                           regions, moderator):
    home, _other = regions
    poll = create_poll(region=home, questions=QUESTION, results_visibility="after_close")
    for index in (0, 0, 1, 2, 0):
        vote(client, api_headers, create_user, poll, index)
    assert client.post(f"/api/v1/polls/{poll.id}/close", headers=api_headers(moderator)).status_code == 200

    [dataset] = datasets(db)
    assert dataset.poll_id == poll.id and dataset.region_id == home.id
    rows = list(csv.reader(io.StringIO(dataset.csv)))
    assert rows[0] == ["question_id", "question", "type", "option", "measure", "value"]
    assert [str(poll.questions[0].id), "Welche Daten brauchen Sie zuerst?", "single_choice", "Baustellen", "count",
            "3"] in rows
    public = client.get(f"/api/v1/polls/{poll.id}/results.csv").get_data(as_text=True)
    assert list(csv.reader(io.StringIO(public))) == rows  # exactly what the public export says

    page = client.get("/gelsenkirchen/gelsenkirchen/offene-daten/").get_data(as_text=True)
    assert dataset.title in page
    download = client.get(f"/gelsenkirchen/gelsenkirchen/offene-daten/{dataset.id}.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.get_data(as_text=True) == dataset.csv


def test_metadata_is_a_dcat_ap_de_record(client, db, api_headers, create_user, create_poll, regions, moderator):
    home, _other = regions
    poll = create_poll(region=home, questions=QUESTION)
    for index in range(5):
        vote(client, api_headers, create_user, poll, index % 3)
    client.post(f"/api/v1/polls/{poll.id}/close", headers=api_headers(moderator))
    [dataset] = datasets(db)

    response = client.get(f"/gelsenkirchen/gelsenkirchen/offene-daten/{dataset.id}.jsonld")
    assert response.mimetype == "application/ld+json"
    record = response.get_json()
    assert record["@type"] == "dcat:Dataset"
    assert record["@context"]["dcatde"] == "http://dcat-ap.de/def/dcatde/"
    assert record["dct:title"] == "Ergebnisse: Mobilität in der Innenstadt"
    assert record["dct:publisher"]["foaf:name"] == "Stadt Gelsenkirchen"
    assert record["dct:license"]["@id"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert record["dcatde:politicalGeocodingURI"]["@id"].endswith("/055130000000")
    [distribution] = record["dcat:distribution"]
    download = distribution["dcat:downloadURL"]["@id"]
    assert download.endswith(f"/gelsenkirchen/gelsenkirchen/offene-daten/{dataset.id}.csv")
    assert distribution["dcat:downloadURL"]["@id"].startswith("http")
    assert distribution["dct:format"]["@id"].endswith("/file-type/CSV")
    catalog = client.get("/gelsenkirchen/gelsenkirchen/offene-daten/katalog.jsonld").get_json()
    assert catalog["@type"] == "dcat:Catalog" and [d["dct:title"] for d in catalog["dcat:dataset"]] == [
        dataset.title]


def test_small_groups_stay_out_of_the_open_data(client, db, api_headers, create_user, create_poll, regions,
                                                moderator):
    home, _other = regions
    poll = create_poll(region=home, questions=QUESTION)
    for index in (0, 1):
        vote(client, api_headers, create_user, poll, index)
    client.post(f"/api/v1/polls/{poll.id}/close", headers=api_headers(moderator))
    rows = list(csv.reader(io.StringIO(datasets(db)[0].csv)))
    assert [row[4] for row in rows[1:]] == ["answers"]  # only the number of answers, no breakdown


def test_moderator_only_results_and_other_regions_are_not_published(client, db, api_headers, create_poll, regions,
                                                                    moderator):
    home, other = regions
    private = create_poll(region=home, questions=QUESTION, results_visibility="moderators")
    elsewhere = create_poll(region=other, questions=QUESTION)
    for poll in (private, elsewhere):
        assert client.post(f"/api/v1/polls/{poll.id}/close", headers=api_headers(moderator)).status_code == 200
    assert datasets(db) == []


def test_a_poll_closed_by_its_date_is_published_once(client, db, runner, api_headers, create_user, create_poll,
                                                     regions):
    from beteiligung.plugin_api import Poll

    home, _other = regions
    poll = create_poll(region=home, questions=QUESTION)
    vote(client, api_headers, create_user, poll, 0)
    db.session.get(Poll, poll.id).closes_at = poll.opened_at - timedelta(minutes=1)
    db.session.commit()
    assert "1 Umfragen" in runner.invoke(args=["polls", "settle"]).output
    assert "0 Umfragen" in runner.invoke(args=["polls", "settle"]).output
    assert [d.poll_id for d in datasets(db)] == [poll.id]


def test_problem_polls_publish_their_ranking(client, db, api_headers, create_user, create_poll, regions, moderator):
    home, _other = regions
    poll = create_poll(region=home, kind="problem_definition", phase="comparing",
                       problems=["Daten nur als PDF", "Baustellendaten veraltet"])
    headers = api_headers(create_user())
    pair = client.get(f"/api/v1/polls/{poll.id}/pair", headers=headers).get_json()["problems"]
    client.post(f"/api/v1/polls/{poll.id}/comparisons", headers=headers,
                json={"winner_id": pair[0]["id"], "loser_id": pair[1]["id"]})
    client.post(f"/api/v1/polls/{poll.id}/close", headers=api_headers(moderator))
    rows = list(csv.reader(io.StringIO(datasets(db)[0].csv)))
    assert rows[0][:3] == ["rank", "problem_id", "problem"] and len(rows) == 3
    assert rows[1][2] == pair[0]["text"]


def test_dashboard_counts_participation_of_the_region(client, db, create_consultation, create_comment, create_user,
                                                      create_poll, api_headers, regions):
    home, other = regions
    author = create_user()
    here = create_consultation(region=home)
    for _ in range(3):
        create_comment(here, author)
    create_comment(create_consultation(region=other), author)
    poll = create_poll(region=home, questions=QUESTION)
    vote(client, api_headers, create_user, poll, 0)

    response = client.get("/gelsenkirchen/gelsenkirchen/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<th scope="row">Sichtbare Beiträge</th><td>3</td>' in html
    assert '<th scope="row">Teilnahmen an Umfragen</th><td>1</td>' in html
    assert html.count('role="img"') == 2  # two accessible charts, each with the table below


def test_month_labels_are_short_german_months():
    assert [month_label(key) for key in ("2025-12", "2026-01", "2026-03")] == ["Dez. 25", "Jan. 26", "März 26"]


def test_dashboard_query_count_does_not_grow(client, create_consultation, create_comment, create_user, regions,
                                             count_queries):
    home, _other = regions
    consultation = create_consultation(region=home)
    author = create_user()
    create_comment(consultation, author)
    with count_queries() as few:
        client.get("/gelsenkirchen/gelsenkirchen/")
    for _ in range(20):
        create_comment(consultation, author)
    with count_queries() as many:
        client.get("/gelsenkirchen/gelsenkirchen/")
    assert few.count == many.count


def test_pages_exist_only_where_enabled(client, db, regions, disable_plugin):
    home, _other = regions
    assert client.get("/gelsenkirchen/aachen/").status_code == 404
    assert client.get("/gelsenkirchen/aachen/offene-daten/").status_code == 404
    disable_plugin(home, "gelsenkirchen")
    assert client.get("/gelsenkirchen/gelsenkirchen/").status_code == 404


def test_a_data_set_of_another_region_is_not_served_here(client, db, regions, enable_plugin):
    home, other = regions
    enable_plugin(other, "gelsenkirchen")
    dataset = Dataset(region_id=other.id, title="Aachen-Daten", csv="a,b\n", rows=1, keywords=[],
                      issued_at=datetime(2026, 1, 1))
    db.session.add(dataset)
    db.session.commit()
    assert client.get(f"/gelsenkirchen/gelsenkirchen/offene-daten/{dataset.id}.csv").status_code == 404
    assert client.get(f"/gelsenkirchen/aachen/offene-daten/{dataset.id}.csv").status_code == 200


def test_templates_are_offered_and_become_polls(client, db, api_headers, regions, moderator):
    keys = [t["key"] for t in client.get("/api/v1/poll-templates?region=gelsenkirchen").get_json()["items"]]
    assert keys == ["gelsenkirchen:datenthemen", "gelsenkirchen:datenwuensche"]
    assert client.get("/api/v1/poll-templates?region=aachen").get_json()["items"] == []
    survey = client.post("/api/v1/polls", headers=api_headers(moderator),
                         json={"region": "gelsenkirchen", "template": "gelsenkirchen:datenwuensche"}).get_json()
    assert len(survey["questions"]) == 6 and survey["kind"] == "survey"
    problems = client.post("/api/v1/polls", headers=api_headers(moderator),
                           json={"region": "gelsenkirchen", "template": "gelsenkirchen:datenthemen"}).get_json()
    listed = client.get(f"/api/v1/polls/{problems['id']}/problems?status=approved",
                        headers=api_headers(moderator)).get_json()
    assert listed["total"] == 8


def test_the_table_comes_with_upgrade_and_goes_with_downgrade(app, db):
    downgrade(revision="gelsenkirchen@base")
    assert "gelsenkirchen_datasets" not in inspect(db.engine).get_table_names()
    upgrade(revision="heads")
    assert "gelsenkirchen_datasets" in inspect(db.engine).get_table_names()


def test_a_poll_nobody_took_part_in_is_not_published(client, db, api_headers, create_user, create_poll, regions,
                                                     moderator):
    home, _other = regions
    empty_survey = create_poll(region=home, questions=QUESTION, title="Niemand hat teilgenommen")
    empty_problems = create_poll(region=home, kind="problem_definition", phase="comparing",
                                 problems=["Daten nur als PDF", "Baustellendaten veraltet"])
    for poll in (empty_survey, empty_problems):
        assert client.post(f"/api/v1/polls/{poll.id}/close", headers=api_headers(moderator)).status_code == 200
    assert datasets(db) == []
    page = client.get("/gelsenkirchen/gelsenkirchen/offene-daten/").get_data(as_text=True)
    assert "Niemand hat teilgenommen" not in page and "Noch keine Datensätze" in page

    one = create_poll(region=home, questions=QUESTION, title="Eine Teilnahme")
    vote(client, api_headers, create_user, one, 0)
    client.post(f"/api/v1/polls/{one.id}/close", headers=api_headers(moderator))
    assert [d.poll_id for d in datasets(db)] == [one.id]  # one participant is enough


def test_a_poll_nobody_took_part_in_that_closes_by_its_date_is_not_published(db, runner, create_poll, regions):
    from beteiligung.plugin_api import Poll

    home, _other = regions
    poll = create_poll(region=home, questions=QUESTION)
    db.session.get(Poll, poll.id).closes_at = poll.opened_at - timedelta(minutes=1)
    db.session.commit()
    assert "1 Umfragen" in runner.invoke(args=["polls", "settle"]).output
    assert datasets(db) == []


def test_the_dashboard_and_the_data_sets_are_found_from_the_region_and_the_plugin_root(client, regions,
                                                                                      enable_plugin):
    home, other = regions
    region_page = client.get("/regionen/gelsenkirchen").get_data(as_text=True)
    assert '<a href="/gelsenkirchen/gelsenkirchen/">Beteiligung in Zahlen</a>' in region_page
    assert '<a href="/gelsenkirchen/gelsenkirchen/offene-daten/">Offene Daten aus beendeten Umfragen</a>' in region_page
    assert "/gelsenkirchen/" not in client.get("/regionen/aachen").get_data(as_text=True)

    response = client.get("/gelsenkirchen/", follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"] == "/gelsenkirchen/gelsenkirchen/"
    enable_plugin(other, "gelsenkirchen")
    chooser = client.get("/gelsenkirchen/")
    assert chooser.status_code == 200
    assert '<a href="/gelsenkirchen/aachen/">Aachen</a>' in chooser.get_data(as_text=True)


def test_plugin_root_is_404_when_enabled_nowhere(client, create_region):
    create_region(slug="gelsenkirchen", name="Gelsenkirchen")
    response = client.get("/gelsenkirchen/")
    assert response.status_code == 404
    assert "in keiner Region aktiviert" in response.get_data(as_text=True)


def test_dashboard_numbers_follow_the_locale(client, db, create_consultation, create_comment, create_user, regions):
    home, _other = regions
    consultation = create_consultation(region=home)
    author = create_user()
    from beteiligung.plugin_api import Comment

    db.session.add_all([Comment(consultation_id=consultation.id, author_id=author.id, body="Beitrag")
                        for _ in range(1234)])
    db.session.commit()
    german = client.get("/gelsenkirchen/gelsenkirchen/?lang=de").get_data(as_text=True)
    english = client.get("/gelsenkirchen/gelsenkirchen/?lang=en").get_data(as_text=True)
    assert '<th scope="row">Sichtbare Beiträge</th><td>1.234</td>' in german
    assert '<th scope="row">Visible comments</th><td>1,234</td>' in english


def test_dashboard_counts_polls_by_the_cores_status_rule(client, db, create_poll, regions):
    home, _other = regions
    create_poll(region=home, questions=QUESTION)
    started = create_poll(region=home, status="draft", questions=QUESTION)
    # open by its date, not yet recorded by the job
    started.opens_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1)
    create_poll(region=home, status="draft", questions=QUESTION)  # a real draft: not public
    db.session.commit()
    html = client.get("/gelsenkirchen/gelsenkirchen/").get_data(as_text=True)
    assert '<th scope="row">Umfragen und Problemsammlungen</th><td>2</td>' in html
