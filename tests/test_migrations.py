import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text


def test_migrations_create_exactly_the_models_schema(db):
    # Tables of plugin models (the tests' sample plugins among them) come with the plugins' migrations.
    plugin_tables = {mapper.local_table.name for mapper in db.Model.registry.mappers
                     if not mapper.class_.__module__.startswith("beteiligung.")}
    core_tables = {t.name for t in db.metadata.sorted_tables} - plugin_tables

    def core_only(obj, name, type_, reflected, compare_to):
        # Plugin tables come and go with the plugin tests' own migrations. The search's objects are
        # not models (migration 0011): the expression GIN indexes ix_search_* (PostgreSQL) and the FTS5
        # table search_fts with its shadow tables (SQLite; not in core_tables, so skipped as well).
        if type_ == "index" and name and name.startswith("ix_search_"):
            return False
        # PostgreSQL (migration 0016): the stored generated tsvector of each searchable table.
        if type_ == "column" and name == "search_vector":
            return False
        return type_ != "table" or name in core_tables

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": core_only})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_sqlite_runs_with_foreign_keys_and_wal(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


DATA_0011 = [
    "INSERT INTO regions (id, slug, name, theme, description, created_at) "
    "VALUES (901, 'migr', 'Migration', 'Daten', '', '2026-01-01 00:00:00')",
    "INSERT INTO users (id, email, pseudonym, pseudonym_key, password_hash, role, created_at) "
    "VALUES (901, 'm1@example.org', 'Eins', 'eins', 'x', 'citizen', '2026-01-01 00:00:00'), "
    "(902, 'm2@example.org', 'Zwei', 'zwei', 'x', 'citizen', '2026-01-01 00:00:00')",
    "INSERT INTO consultations (id, region_id, title, summary, body, intro_html, published, comment_count, "
    "created_at, updated_at) VALUES (901, 901, 'Alt', '', '', '', true, 2, '2026-01-01 00:00:00', "
    "'2026-01-01 00:00:00')",
    "INSERT INTO comments (id, consultation_id, depth, body, status, official, upvotes, downvotes, score, "
    "created_at) VALUES (901, 901, 0, 'Erster', 'visible', false, 1, 0, 1, '2026-01-02 00:00:00')",
    "INSERT INTO comments (id, consultation_id, parent_id, root_id, depth, body, status, official, upvotes, "
    "downvotes, score, created_at) VALUES (902, 901, 901, 901, 1, 'Antwort', 'visible', false, 0, 0, 0, "
    "'2026-01-03 00:00:00')",
    "INSERT INTO comment_votes (id, comment_id, user_id, value, created_at) "
    "VALUES (901, 901, 902, 1, '2026-01-02 00:00:00')",
    "INSERT INTO comment_reports (id, comment_id, reporter_id, reason, created_at) "
    "VALUES (901, 902, 901, 'Bitte prüfen', '2026-01-03 00:00:00')",
]


def test_proposal_discussion_migration_keeps_comments_votes_and_reports(tmp_path):
    """0012 copies the comments table on SQLite: votes and reports that refer to it must survive (with
    foreign keys on, dropping the old table would delete them), and the new rule holds afterwards."""
    import os

    from flask_migrate import downgrade, upgrade
    from sqlalchemy.exc import IntegrityError

    from beteiligung import create_app
    from beteiligung.extensions import db as _db
    from beteiligung.testing.fixtures import make_test_config

    if os.environ.get("BETEILIGUNG_TEST_DB") == "postgresql":
        pytest.skip("the SQLite copy is what is at risk; PostgreSQL alters the column in place")
    app = create_app(make_test_config("sqlite:///" + str(tmp_path / "migr.db"), BETEILIGUNG_PLUGINS=""))
    with app.app_context():
        upgrade(revision="0011_search")
        with _db.engine.begin() as conn:
            for statement in DATA_0011:
                conn.execute(text(statement))
        upgrade(revision="0012_proposal_discussion")
        with _db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("SELECT id, parent_id, root_id FROM comments ORDER BY id")).all() == [
                (901, None, None), (902, 901, 901)]
            assert conn.execute(text("SELECT comment_id, user_id, value FROM comment_votes")).all() == [(901, 902, 1)]
            assert conn.execute(text("SELECT comment_id, reason FROM comment_reports")).all() == [(902, "Bitte prüfen")]
            schema = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'comments'")).scalar()
            assert "ck_comments_status" in schema and "ck_comments_one_subject" in schema
            with pytest.raises(IntegrityError):  # neither a consultation nor a proposal
                conn.execute(text("INSERT INTO comments (id, depth, body, status, official, upvotes, downvotes, "
                                  "score, created_at) VALUES (903, 0, 'x', 'visible', false, 0, 0, 0, "
                                  "'2026-01-04 00:00:00')"))
            conn.rollback()
            # Deleting the consultation still cascades into its comments and their votes.
            conn.execute(text("DELETE FROM consultations WHERE id = 901"))
            assert conn.execute(text("SELECT count(*) FROM comment_votes")).scalar() == 0
            conn.rollback()
        downgrade(revision="0011_search")
        with _db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM comment_votes")).scalar() == 1
        _db.engine.dispose()


DATA_0013 = [
    "INSERT INTO regions (id, slug, name, theme, description, created_at) "
    "VALUES (901, 'migr', 'Migration', 'Daten', '', '2026-01-01 00:00:00')",
    "INSERT INTO users (id, email, pseudonym, pseudonym_key, password_hash, role, created_at) "
    "VALUES (901, 'm1@example.org', 'Eins', 'eins', 'x', 'citizen', '2026-01-01 00:00:00'), "
    "(902, 'm2@example.org', 'Zwei', 'zwei', 'x', 'citizen', '2026-01-01 00:00:00')",
    "INSERT INTO polls (id, region_id, kind, title, description, state, audience, results_visibility, phase, "
    "ballot_count, created_at) VALUES (901, 901, 'survey', 'Alt', '', 'open', 'accounts', 'live', 'collecting', 2, "
    "'2026-01-01 00:00:00'), (902, 901, 'problem_definition', 'Probleme', '', 'open', 'accounts', 'live', "
    "'comparing', 0, '2026-01-01 00:00:00')",
    "INSERT INTO poll_questions (id, poll_id, position, type, text, help_text, required, allow_other, settings) "
    "VALUES (901, 901, 0, 'single_choice', 'Wie?', '', false, true, '{}'), "
    "(902, 901, 1, 'scale', 'Wie sehr?', '', false, false, '{\"min\": 1, \"max\": 5}')",
    "INSERT INTO poll_options (id, question_id, position, label) VALUES (901, 901, 0, 'Bus'), (902, 901, 1, 'Rad')",
    "INSERT INTO ballots (id, poll_id, user_id, created_at) VALUES (901, 901, 901, '2026-01-02 00:00:00'), "
    "(902, 901, NULL, '2026-01-02 00:00:00')",
    "INSERT INTO ballot_answers (id, ballot_id, poll_id, question_id, seq, option_id, number, text) VALUES "
    "(901, 901, 901, 901, 0, 901, NULL, NULL), (902, 901, 901, 902, 0, NULL, 4, NULL), "
    "(903, 902, 901, 901, 0, NULL, NULL, 'Mit dem Lastenrad'), (904, 902, 901, 902, 0, NULL, 4, NULL)",
    "INSERT INTO poll_problems (id, poll_id, text, status, created_at) VALUES "
    "(901, 902, 'Der Bus fährt zu selten', 'approved', '2026-01-01 00:00:00'), "
    "(902, 902, 'Die Radwege enden im Nichts', 'approved', '2026-01-01 00:00:00')",
    "INSERT INTO poll_comparisons (id, poll_id, user_id, first_id, second_id, winner_id, created_at) VALUES "
    "(901, 902, 901, 901, 902, 901, '2026-01-03 00:00:00'), (902, 902, 902, 901, 902, NULL, '2026-01-03 00:00:00')",
]


def _scratch_database(tmp_path, name):
    """(url, drop) of an empty database of the kind under test: an SQLite file, or a PostgreSQL database
    made next to the test database (dropped by ``drop``)."""
    import os

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    if os.environ.get("BETEILIGUNG_TEST_DB") != "postgresql":
        return "sqlite:///" + str(tmp_path / f"{name}.db"), lambda: None
    server = make_url(os.environ["TEST_DATABASE_URL"])
    database = f"{server.database}_{name}_{os.getpid()}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=database).render_as_string(hide_password=False), drop


def test_poll_tallies_migration_counts_the_existing_ballots_and_comparisons(tmp_path):
    """0014 counts what is stored into the tallies (equal to a recount), drops polls.ballot_count, and
    its downgrade gives the count back."""
    from flask_migrate import downgrade, upgrade

    from beteiligung import create_app
    from beteiligung.extensions import db as _db
    from beteiligung.polls.models import Poll
    from beteiligung.polls.services import tallies
    from beteiligung.testing.fixtures import make_test_config

    url, drop = _scratch_database(tmp_path, "tallies")
    try:
        app = create_app(make_test_config(url, BETEILIGUNG_PLUGINS=""))
        with app.app_context():
            upgrade(revision="0013_idempotency")
            with _db.engine.begin() as conn:
                for statement in DATA_0013:
                    conn.execute(text(statement))
            upgrade(revision="heads")
            survey, problems = _db.session.get(Poll, 901), _db.session.get(Poll, 902)
            assert tallies.differences(survey) == [] and tallies.differences(problems) == []
            assert survey.ballot_count == 2
            assert sorted(tallies.answer_cells(survey), key=str) == sorted([
                (901, 901, None, 1, 1, 0), (901, None, None, 1, 1, 1), (902, None, 4, 2, 2, 0)], key=str)
            assert tallies.pair_counts(problems) == [(901, 902, 1, 0, 1)]
            assert tallies.counters(problems) == {"comparisons": 2, "participants": 2}
            _db.session.remove()
            downgrade(revision="0013_idempotency")
            with _db.engine.connect() as conn:
                counts = conn.execute(text("SELECT id, ballot_count FROM polls ORDER BY id")).all()
                assert counts == [(901, 2), (902, 0)]
            _db.engine.dispose()
    finally:
        drop()


def test_search_vectors_migration_stores_the_expression_of_0011_and_goes_back(tmp_path):
    """0016 (PostgreSQL): the generated column of existing rows equals the index expression of 0011 (empty
    texts as well), new and changed rows follow, and the downgrade brings back the expression indexes."""
    import os

    from flask_migrate import downgrade, upgrade

    from beteiligung import create_app
    from beteiligung.extensions import db as _db
    from beteiligung.testing.fixtures import make_test_config

    if os.environ.get("BETEILIGUNG_TEST_DB") != "postgresql":
        pytest.skip("PostgreSQL only: SQLite keeps its FTS5 table")
    expression = ("setweight(to_tsvector('german', title), 'A') || setweight(to_tsvector('german', summary), 'B') "
                  "|| setweight(to_tsvector('german', body), 'C')")
    url, drop = _scratch_database(tmp_path, "vectors")
    try:
        app = create_app(make_test_config(url, BETEILIGUNG_PLUGINS=""))
        with app.app_context():
            upgrade(revision="0015_comment_keyset")
            with _db.engine.begin() as conn:
                for statement in DATA_0011[:3]:  # a region, two users, a consultation with empty texts
                    conn.execute(text(statement))
                conn.execute(text("INSERT INTO consultations (id, region_id, title, summary, body, intro_html, "
                                  "published, comment_count, created_at, updated_at) VALUES (902, 901, "
                                  "'Radwege in der Altstadt', 'Sichere Radwege', 'Mehr Fahrradstraßen.', '', true, "
                                  "0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
            upgrade(revision="0016_search_vectors")
            compare = text(f"SELECT id, search_vector IS NOT DISTINCT FROM ({expression}), "  # noqa: S608 (constant)
                           "search_vector @@ to_tsquery('german', 'radweg') FROM consultations ORDER BY id")
            with _db.engine.begin() as conn:
                indexes = set(conn.scalars(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_search%'")))
                assert indexes == {f"ix_search_{t}_vector" for t in ("processes", "consultations", "polls",
                                                                       "proposals")}
                assert conn.execute(compare).all() == [(901, True, False), (902, True, True)]
                conn.execute(text("UPDATE consultations SET body = 'Ein Radweg.' WHERE id = 901"))
                assert conn.execute(compare).all() == [(901, True, True), (902, True, True)]
            downgrade(revision="0015_comment_keyset")
            with _db.engine.connect() as conn:
                indexes = set(conn.scalars(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_search%'")))
                assert indexes == {f"ix_search_{t}" for t in ("processes", "consultations", "polls", "proposals")}
                assert conn.scalar(text("SELECT count(*) FROM information_schema.columns "
                                        "WHERE column_name = 'search_vector'")) == 0
            _db.engine.dispose()
    finally:
        drop()
