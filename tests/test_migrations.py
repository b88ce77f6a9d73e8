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
