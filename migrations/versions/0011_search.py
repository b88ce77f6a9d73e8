"""search: full-text search over processes, consultations, polls and proposals

PostgreSQL: one expression GIN index per table on the weighted German tsvector (title A, summary B,
text C); the search (beteiligung.discovery.search) uses the identical expression, so the index serves it.

SQLite: an FTS5 virtual table ``search_fts`` (one row per searchable item, rowid = id * 16 + the kind's
code) kept in step with the content by triggers on the tables: every writer (services, API, CLI,
plugins, plain SQL) updates it, and nothing can forget to. A new searchable kind's migration creates
its triggers the same way (see ``sqlite_triggers`` below).

Neither the index nor the virtual table and its triggers are in the models: tests/test_migrations.py
ignores objects named ``search_…`` / ``ix_search_…``.

Revision ID: 0011_search
Revises: 0010_proposals
Depends on: 0010_proposals
Create Date: 2026-11-26 02:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011_search'
down_revision = '0010_proposals'
branch_labels = None
# Proposals (0010) are searched too: their table must exist first. (The lead may chain the migrations
# 0009, 0010, 0011 in a row; then this is implied.)
depends_on = None

# (table, kind, code, title column, summary expression, text expression) as of this revision.
KINDS = [
    ('processes', 'process', 1, 'title', 'summary', 'body'),
    ('consultations', 'consultation', 2, 'title', 'summary', 'body'),
    ('polls', 'poll', 3, 'title', "''", 'description'),
    ('proposals', 'proposal', 4, 'title', "''", 'body'),
]


def sqlite_triggers(table, kind, code, title, summary, text):
    """The statements that keep search_fts in step with one table (SQLite)."""
    def values(row):
        return (f"{row}.id * 16 + {code}, '{kind}', {row}.id, {row}.{title}, "
                + (summary if summary.startswith("'") else f"{row}.{summary}") + f", {row}.{text}")

    columns = "rowid, kind, target_id, title, summary, body"
    # Only a change of the searched text rewrites the row (not every new comment's count).
    watched = ", ".join(name for name in (title, summary, text) if not name.startswith("'"))
    return [
        f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO search_fts ({columns}) VALUES ({values('new')}); END",
        f"CREATE TRIGGER search_{table}_update AFTER UPDATE OF {watched} ON {table} BEGIN "
        f"DELETE FROM search_fts WHERE rowid = old.id * 16 + {code}; "
        f"INSERT INTO search_fts ({columns}) VALUES ({values('new')}); END",
        f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN "
        f"DELETE FROM search_fts WHERE rowid = old.id * 16 + {code}; END",
        f"INSERT INTO search_fts ({columns}) SELECT {values(table)} FROM {table}",
    ]


def postgresql_vector(title, summary, text):
    parts = [f"setweight(to_tsvector('german', {title}), 'A')"]
    if not summary.startswith("'"):
        parts.append(f"setweight(to_tsvector('german', {summary}), 'B')")
    parts.append(f"setweight(to_tsvector('german', {text}), 'C')")
    return " || ".join(parts)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        for table, _kind, _code, title, summary, text in KINDS:
            op.execute(f"CREATE INDEX ix_search_{table} ON {table} USING gin "
                       f"(({postgresql_vector(title, summary, text)}))")
    elif dialect == 'sqlite':
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(kind UNINDEXED, target_id UNINDEXED, title, "
                   "summary, body, tokenize = 'unicode61 remove_diacritics 2')")
        for kind in KINDS:
            for statement in sqlite_triggers(*kind):
                op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        for table, *_rest in KINDS:
            op.execute(f"DROP INDEX IF EXISTS ix_search_{table}")
    elif dialect == 'sqlite':
        for table, *_rest in KINDS:
            for action in ('insert', 'update', 'delete'):
                op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{action}")
        op.execute("DROP TABLE IF EXISTS search_fts")
