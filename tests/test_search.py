"""Issue 12, point 9: full-text search over processes, consultations and polls (page and API).

PostgreSQL searches with the German text search configuration, SQLite with FTS5 (kept in step by the
triggers of migration 0011); these tests run on both and expect the same answers.
"""

from datetime import timedelta

import pytest
from sqlalchemy import event

from beteiligung.discovery.search import QUERY_MAX, fts5_expression, marked, parse, search
from beteiligung.errors import Invalid
from beteiligung.processes import services as processes
from beteiligung.timeutil import utcnow


@pytest.fixture
def region(create_region):
    return create_region(slug="soest", name="Soest")


@pytest.fixture
def other_region(create_region):
    return create_region(slug="aachen", name="Aachen")


@pytest.fixture
def moderator(create_user, region, other_region):
    return create_user(role="moderator", regions=[region, other_region], pseudonym="Moderation")


@pytest.fixture
def make_process(db, moderator, region):
    def make(title="Datenstrategie Soest", summary="Kurz gesagt.", body="Daten.", published=True, region_=None,
             phases=()):
        process = processes.create_process(moderator, region_ or region, title, summary, body, published=published)
        for phase_title, starts_at, ends_at in phases:
            processes.add_phase(moderator, process, phase_title, "", starts_at, ends_at)
        db.session.commit()
        return process

    return make


def days(n):
    return utcnow().replace(microsecond=0) + timedelta(days=n)


def keys(page):
    return [(hit.kind.key, hit.target.id) for hit in page.items]


def api_items(client, **params):
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


# --- finding ---------------------------------------------------------------------------------------------

def test_finds_processes_consultations_and_polls_best_first(db, region, make_process, create_consultation,
                                                            create_poll):
    in_title = make_process(title="Radwegenetz der Innenstadt", body="Ein Konzept.")
    in_body = create_consultation(region=region, title="Verkehr am Markt",
                                  body="Wir sprechen über das Radwegenetz und die Bänke.")
    poll = create_poll(region=region, title="Umfrage zum Radwegenetz")
    make_process(title="Ganz etwas anderes", body="Nichts davon.")

    page = search("Radwegenetz")
    assert page.total == 3
    assert set(keys(page)) == {("process", in_title.id), ("consultation", in_body.id), ("poll", poll.id)}
    # A match in the title weighs more than one in the text.
    assert keys(page)[-1] == ("consultation", in_body.id)
    assert all(hit.rank > 0 for hit in page.items)


def test_words_phrases_exclusion_and_or(db, region, make_process):
    both = make_process(title="Bäume und Bänke am Markt")
    trees = make_process(title="Bäume im Park")
    benches = make_process(title="Bänke im Park")

    assert set(keys(search("Bäume Bänke"))) == {("process", both.id)}
    assert set(keys(search("Bäume -Bänke"))) == {("process", trees.id)}
    assert set(keys(search("Bäume or Bänke"))) == {("process", both.id), ("process", trees.id),
                                                    ("process", benches.id)}
    assert set(keys(search('"Bänke im Park"'))) == {("process", benches.id)}


def test_umlauts_and_case_do_not_matter(db, make_process):
    process = make_process(title="Grünflächen an der Straße")
    assert keys(search("GRÜNFLÄCHEN")) == [("process", process.id)]
    assert keys(search("straße")) == [("process", process.id)]


def test_edits_and_deletions_are_searched_at_once(db, moderator, make_process):
    process = make_process(title="Spielplatz am Bahnhof")
    processes.update_process(moderator, process, title="Skateranlage am Bahnhof")
    db.session.commit()
    assert search("Spielplatz").total == 0
    assert keys(search("Skateranlage")) == [("process", process.id)]
    db.session.delete(process)
    db.session.commit()
    assert search("Skateranlage").total == 0


# --- never found: drafts, unpublished and hidden things -----------------------------------------------------

@pytest.mark.parametrize("who", ["anonymous", "moderator", "admin"])
def test_drafts_and_unpublished_items_are_never_found(client, auth, db, region, make_process, create_consultation,
                                                      create_poll, create_user, moderator, who):
    make_process(title="Geheimprojekt Prozess", published=False)
    create_consultation(region=region, title="Geheimprojekt Beteiligung", status="draft")
    create_poll(region=region, title="Geheimprojekt Umfrage", status="draft")
    published = make_process(title="Öffentliches Geheimprojekt")
    withdrawn = make_process(title="Zurückgezogenes Geheimprojekt")
    processes.set_published(moderator, withdrawn, False)
    db.session.commit()
    if who != "anonymous":
        auth.login(moderator if who == "moderator" else create_user(role="admin"))

    assert keys(search("Geheimprojekt")) == [("process", published.id)]
    data = api_items(client, q="Geheimprojekt")
    assert [(item["kind"], item["id"]) for item in data["items"]] == [("process", published.id)]
    html = client.get("/suche", query_string={"q": "Geheimprojekt"}).get_data(as_text=True)
    assert "Öffentliches <mark>" in html
    assert "Zurückgezogenes" not in html and "Geheimprojekt Umfrage" not in html


def test_a_scheduled_poll_is_hidden_until_it_opens(db, region, create_poll):
    poll = create_poll(region=region, title="Zukunftsumfrage", status="draft")
    poll.opens_at = days(3)
    db.session.commit()
    assert search("Zukunftsumfrage").total == 0
    poll.opens_at = days(-1)  # its date has come: it is open, whether or not the job has recorded it
    db.session.commit()
    assert keys(search("Zukunftsumfrage")) == [("poll", poll.id)]


# --- filters and pages --------------------------------------------------------------------------------------

def test_filters_by_region_kind_and_status(client, db, region, other_region, make_process, create_consultation,
                                           create_poll):
    running = make_process(title="Parkraum Soest", phases=[("Jetzt", days(-1), days(10))])
    upcoming = make_process(title="Parkraum später", phases=[("Bald", days(5), days(10))])
    finished = make_process(title="Parkraum früher", phases=[("Vorbei", days(-10), days(-5))])
    elsewhere = make_process(title="Parkraum Aachen", region_=other_region)
    closed = create_consultation(region=region, title="Parkraum Beteiligung", status="closed")
    poll = create_poll(region=region, title="Parkraum Umfrage")

    assert set(keys(search("Parkraum", region=other_region))) == {("process", elsewhere.id)}
    assert set(keys(search("Parkraum", kind="poll"))) == {("poll", poll.id)}
    assert set(keys(search("Parkraum", status="open", region=region))) == {("process", running.id),
                                                                           ("poll", poll.id)}
    assert set(keys(search("Parkraum", status="upcoming", region=region))) == {("process", upcoming.id)}
    assert set(keys(search("Parkraum", status="closed"))) == {("process", finished.id),
                                                              ("consultation", closed.id)}
    hit = next(h for h in search("Parkraum", kind="process", status="open").items if h.target.id == running.id)
    assert hit.status == "open"

    data = api_items(client, q="Parkraum", region="aachen", kind="process")
    assert [item["id"] for item in data["items"]] == [elsewhere.id]
    assert data["items"][0]["region"] == {"slug": "aachen", "name": "Aachen"}
    html = client.get("/suche", query_string={"q": "Parkraum", "kind": "consultation", "status": "closed"}
                      ).get_data(as_text=True)
    assert "Parkraum</mark> Beteiligung" in html and "Umfrage" not in html.split("Treffer")[1]


def test_results_are_paginated(app, client, db, make_process):
    app.config["SEARCH_PER_PAGE"] = 2
    for number in range(5):
        make_process(title=f"Laternen Straße {number}")
    first = search("Laternen", per_page=2)
    second = search("Laternen", page=2, per_page=2)
    third = search("Laternen", page=3, per_page=2)
    assert first.total == 5 and first.pages == 3
    assert len(first.items) == 2 and len(second.items) == 2 and len(third.items) == 1
    assert len(set(keys(first) + keys(second) + keys(third))) == 5
    data = api_items(client, q="Laternen", per_page=2, page=3)
    assert (data["total"], data["page"], data["per_page"], len(data["items"])) == (5, 3, 2, 1)
    html = client.get("/suche?q=Laternen&page=2").get_data(as_text=True)
    assert 'rel="prev"' in html and 'rel="next"' in html and "Seite 2 von 3" in html


# --- highlighting ---------------------------------------------------------------------------------------------

def test_highlights_are_escaped_and_only_the_marks_are_html(client, db, make_process):
    make_process(title='<script>alert("x")</script> Kanalsanierung <b>jetzt</b>',
                 summary="Die Kanalsanierung & <img src=x onerror=alert(1)> kommt.")
    hit = search("Kanalsanierung").items[0]
    assert "<mark>Kanalsanierung</mark>" in hit.title_html
    assert "<script" not in hit.title_html and "<b>" not in hit.title_html
    assert "&lt;script&gt;" in hit.title_html
    assert "<mark>Kanalsanierung</mark>" in hit.snippet_html and "<img" not in hit.snippet_html

    html = client.get("/suche?q=Kanalsanierung").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "<mark>Kanalsanierung</mark>" in html
    item = api_items(client, q="Kanalsanierung")["items"][0]
    assert "<mark>Kanalsanierung</mark>" in item["title_highlighted"]
    assert "<script" not in item["title_highlighted"]
    assert item["title"].startswith("<script>")  # the plain title is the stored text, for clients to escape


def test_marked_balances_stray_markers():
    assert marked("a\x03b\x02c") == "ab<mark>c</mark>"
    assert marked("<\x02&\x03>") == "&lt;<mark>&amp;</mark>&gt;"


# --- unusable queries: a clear message, never a 500 ---------------------------------------------------------

@pytest.mark.parametrize("q", ['"', '""', "-", "- -", "-Bänke", "***", "(", ")", "NEAR(", "AND", "OR", "NOT",
                               "a:b", "title:x", "'", "\\", "^", "{}", "x*", '"unclosed phrase', "or or",
                               "🙂", "🙂 Bänke", "中文", "ß", "\u200b", "a" * QUERY_MAX, "%", "%%", "_",
                               "SELECT * FROM users; --", "<script>"])
def test_odd_queries_give_results_or_a_message(client, db, make_process, q):
    make_process(title="Bänke am Markt")
    page = client.get("/suche", query_string={"q": q})
    assert page.status_code in (200, 422)
    assert "Suche" in page.get_data(as_text=True)
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert response.get_json()["error"]["fields"]["q"]
        assert page.status_code == 422 and 'role="alert"' in page.get_data(as_text=True)


@pytest.mark.parametrize("q, message", [
    ("", "Bitte geben Sie einen Suchbegriff ein."),
    ("   ", "Bitte geben Sie einen Suchbegriff ein."),
    ("a" * (QUERY_MAX + 1), "Der Suchbegriff ist zu lang"),
    ("x" * 100_000, "Der Suchbegriff ist zu lang"),
    ("Bänke\x00", "Der Suchbegriff enthält ungültige Zeichen."),
    ("-Bänke", "mindestens ein Wort"),
    ("!!! ???", "mindestens ein Wort"),
    (" ".join(f"w{n}" for n in range(20)), "höchstens 12 Wörtern"),
])
def test_unusable_queries_are_explained(client, db, q, message):
    page = client.get("/suche", query_string={"q": q})
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 422
    assert message in response.get_json()["error"]["message"]


def test_unknown_filters_are_refused(client, db, make_process):
    make_process(title="Bänke am Markt")
    for params in ({"region": "nirgendwo"}, {"kind": "rakete"}, {"status": "draft"}):
        response = client.get("/api/v1/search", query_string={"q": "Bänke", **params})
        assert response.status_code == 422, params
        assert client.get("/suche", query_string={"q": "Bänke", **params}).status_code == 422
    assert client.get("/api/v1/search?q=B%C3%A4nke&page=0").status_code == 400
    assert client.get("/api/v1/search").status_code == 422


def test_the_fts5_expression_quotes_every_word():
    _q, clauses = parse('Bänke "am Markt" -Park or Platz NEAR(x)')
    assert fts5_expression(clauses) == '(("bänke" *) AND ("am markt") AND ("platz" *) AND ("near x")) NOT "park" *'
    _q, clauses = parse("Bänke or Platz Markt")
    assert fts5_expression(clauses) == '("bänke" * OR "platz" *) AND ("markt" *)'
    with pytest.raises(Invalid):
        parse("-nur -ausschluss")


# --- the page --------------------------------------------------------------------------------------------------

def test_the_search_page_and_the_box_in_the_header(client, db):
    home = client.get("/beteiligungen/").get_data(as_text=True)
    assert 'role="search"' in home and 'for="site-search-q"' in home and 'action="/suche"' in home
    page = client.get("/suche")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'method="get"' in html
    for field in ("search-q", "search-region", "search-kind", "search-status"):
        assert f'for="{field}"' in html and f'id="{field}"' in html
    assert "Treffer" not in html  # no search yet: no count, no message


def test_no_results_say_so(client, db):
    html = client.get("/suche?q=Zeppelinlandeplatz").get_data(as_text=True)
    assert "0 Treffer" in html and "Nichts gefunden" in html


def test_searching_writes_nothing(client, db, make_process):
    make_process(title="Brunnen am Rathaus")
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        assert client.get("/suche?q=Brunnen").status_code == 200
        assert client.get("/api/v1/search?q=Brunnen").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert statements and not {"INSERT", "UPDATE", "DELETE", "REPLACE"} & set(statements)


# --- proposals -------------------------------------------------------------------------------------------------

@pytest.fixture
def make_proposal(db, region, create_user):
    from beteiligung.proposals.models import Proposal, ProposalCollection

    author = create_user(pseudonym="Vorschlagende")
    collections = {}

    def make(title, state="published", published_collection=True, region_=None, body="Mein Vorschlag."):
        key = (published_collection, (region_ or region).id)
        if key not in collections:
            collections[key] = ProposalCollection(region=region_ or region, title="Ideen für die Stadt",
                                                  published=published_collection)
        proposal = Proposal(collection=collections[key], author=author, title=title, body=body, state=state)
        db.session.add(proposal)
        db.session.commit()
        return proposal

    return make


def test_published_proposals_are_found_hidden_pending_and_merged_ones_never(client, db, make_proposal,
                                                                             other_region):
    shown = make_proposal("Trinkbrunnen am Markt")
    for state in ("pending", "hidden", "merged"):
        make_proposal(f"Trinkbrunnen {state}", state=state)
    make_proposal("Trinkbrunnen im Entwurf", published_collection=False)
    elsewhere = make_proposal("Trinkbrunnen in Aachen", region_=other_region)

    assert set(keys(search("Trinkbrunnen"))) == {("proposal", shown.id), ("proposal", elsewhere.id)}
    assert keys(search("Trinkbrunnen", region=other_region)) == [("proposal", elsewhere.id)]
    assert set(keys(search("Trinkbrunnen", kind="proposal", status="open"))) == {("proposal", shown.id),
                                                                                 ("proposal", elsewhere.id)}
    assert search("Trinkbrunnen", status="closed").total == 0
    item = next(i for i in api_items(client, q="Trinkbrunnen", region="soest")["items"])
    assert (item["kind"], item["id"], item["url"]) == ("proposal", shown.id, f"/vorschlaege/{shown.id}")
    assert item["region"]["slug"] == "soest"
    html = client.get("/suche?q=Trinkbrunnen").get_data(as_text=True)
    assert "Vorschlag" in html and "1 Treffer" not in html
    assert "Trinkbrunnen</mark> hidden" not in html and "Trinkbrunnen</mark> pending" not in html

    shown.state = "hidden"  # hidden by the moderation afterwards
    db.session.commit()
    assert keys(search("Trinkbrunnen")) == [("proposal", elsewhere.id)]


# --- the database objects of migrations 0011 and 0016 ----------------------------------------------------------

def test_the_query_uses_the_index_of_the_migration_or_the_fts_table(db):
    """PostgreSQL: the search matches on the stored column of the GIN index of migration 0016 (or on
    the very expression of an expression index; else the index is never used); SQLite: the triggers
    that keep search_fts in step exist for every kind."""
    from sqlalchemy import bindparam, func, literal_column, select, text

    from beteiligung.discovery.search import search_kinds

    with db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            for kind in search_kinds().values():
                query = func.websearch_to_tsquery(literal_column("'german'"), bindparam("q", "radweg"))
                statement = select(kind.model.id).where(kind.document().op("@@")(query))
                compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
                plan = "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {compiled}"))
                index = f"ix_search_{kind.model.__tablename__}" + ("_vector" if kind.vector_column else "")
                assert f"{index} " in plan, plan
        else:
            triggers = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
            for kind in search_kinds().values():
                table = kind.model.__tablename__
                assert {f"search_{table}_{action}" for action in ("insert", "update", "delete")} <= triggers


def test_the_stored_vector_is_the_expression_of_0011_and_follows_every_write(db, region, make_process,
                                                                              create_consultation, create_poll,
                                                                              make_proposal):
    """PostgreSQL: migration 0016's generated column holds exactly the weighted expression (empty texts
    and all), for rows written by the ORM and by plain SQL, before and after an update."""
    from sqlalchemy import select, text

    from beteiligung.discovery.search import search_kinds

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite searches its FTS5 table")
    make_process(title="Radweg am Kanal", summary="", body="")
    make_process(title="Radweg", summary="Kurz: Radwege und Gehwege.", body="Lang: der Radweg.")
    create_consultation(region=region, title="Radweg Nord")
    create_poll(region=region, title="Radweg Süd")
    make_proposal("Radweg West", body="")
    db.session.execute(text("UPDATE processes SET summary = 'Geändert: Fahrradstraße' WHERE title = 'Radweg'"))
    db.session.commit()
    for kind in search_kinds().values():
        table = kind.model.__tablename__
        assert kind.vector_column == "search_vector"
        generated = db.session.scalar(text(
            "SELECT is_generated FROM information_schema.columns WHERE table_name = :t AND column_name = :c"),
            {"t": table, "c": kind.vector_column})
        assert generated == "ALWAYS"
        rows = db.session.execute(select(kind.model.id, kind.document().is_not_distinct_from(kind.vector()),
                                         kind.document().op("@@")(text("to_tsquery('german', 'radweg')")))).all()
        assert rows and all(same and found for _id, same, found in rows), (table, rows)
    changed = db.session.scalar(text("SELECT search_vector @@ to_tsquery('german', 'fahrradstraße') "
                                     "FROM processes WHERE title = 'Radweg'"))
    assert changed is True


def test_the_number_of_statements_does_not_grow_with_the_hits(client, db, make_process, make_proposal):
    """Ranked, counted and paged in one statement; objects and highlights per kind, not per hit."""
    per_page = 20

    def statements(path):
        seen = []

        def remember(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", remember)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", remember)
        return seen

    for number in range(per_page + 1):
        make_process(title=f"Streusalz {number}")
        make_proposal(f"Streusalz Vorschlag {number}")
    few = {path: statements(path) for path in ("/suche?q=Streusalz", "/api/v1/search?q=Streusalz")}
    kinds_before = {item["kind"] for item in api_items(client, q="Streusalz")["items"]}
    for number in range(per_page + 1, 3 * per_page):
        make_process(title=f"Streusalz {number}")
        make_proposal(f"Streusalz Vorschlag {number}")
    # Objects and highlights are loaded per kind on the page: the same kinds, the same statements.
    assert {item["kind"] for item in api_items(client, q="Streusalz")["items"]} == kinds_before
    for path, before in few.items():
        after = statements(path)
        assert len(after) == len(before), (path, before, after)
        # No COUNT over all hits beside the ranked page (the page counts them with a window).
        assert not [s for s in after if "count(*) AS count_1" in s], after
    assert search("Streusalz").total == 6 * per_page


def test_a_page_beyond_the_end_still_knows_the_total(make_process):
    for number in range(3):
        make_process(title=f"Pflastersteine {number}")
    beyond = search("Pflastersteine", page=5, per_page=2)
    assert (beyond.items, beyond.total) == ([], 3)
    assert search("Pflastersteine", page=2, per_page=2).total == 3
    assert search("Zeppelinlandeplatz", page=1).total == 0


def test_the_search_page_in_english(client, db, make_process):
    make_process(title="Bänke am Markt")
    html = client.get("/suche?q=B%C3%A4nke&lang=en").get_data(as_text=True)
    assert "Search term" in html and "1 result" in html and "Participation process · " in html
    html = client.get("/suche?q=%22&lang=en").get_data(as_text=True)
    assert "Please enter at least one word to search for." in html
