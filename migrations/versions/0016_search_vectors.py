"""search vectors: on PostgreSQL the weighted German tsvector of every searchable table is a stored
generated column ``search_vector`` with a GIN index (``ix_search_<table>_vector``), instead of the
expression GIN indexes ``ix_search_<table>`` of 0011

The search ranks every hit with ``ts_rank``; on an expression it computed ``to_tsvector`` of title,
summary and text again for each hit at every search. The column holds exactly the expression of 0011
(title A, summary B, text C; the same NULL and empty-text behaviour), and PostgreSQL keeps it in step on
every INSERT and UPDATE, whoever writes. The search (beteiligung.discovery.search) matches and ranks on
the column.

Operators: adding a STORED generated column rewrites the table (and rebuilds its indexes) under an
ACCESS EXCLUSIVE lock: processes, consultations, polls and proposals can be neither read nor written
until it is done, and the time grows with the size of each table (and its texts); the downgrade takes
the same lock to build the expression indexes again. Disk: each row grows by its tsvector (about the
size of its text), plus the new GIN indexes instead of the old ones.

SQLite is unchanged (FTS5, migration 0011). Neither the column nor its index are in the models:
tests/test_migrations.py ignores the column ``search_vector`` and the indexes named ``ix_search_…``.

Revision ID: 0016_search_vectors
Revises: 0015_comment_keyset
Create Date: 2026-11-26 07:20:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016_search_vectors'
down_revision = '0015_comment_keyset'
branch_labels = None
depends_on = None

# (table, title column, summary column or None, text column) as of this revision (as in 0011).
KINDS = [
    ('processes', 'title', 'summary', 'body'),
    ('consultations', 'title', 'summary', 'body'),
    ('polls', 'title', None, 'description'),
    ('proposals', 'title', None, 'body'),
]


def vector(title, summary, text):
    """The weighted tsvector: exactly the index expression of 0011."""
    parts = [f"setweight(to_tsvector('german', {title}), 'A')"]
    if summary is not None:
        parts.append(f"setweight(to_tsvector('german', {summary}), 'B')")
    parts.append(f"setweight(to_tsvector('german', {text}), 'C')")
    return " || ".join(parts)


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, title, summary, text in KINDS:
        # The old index first: the rewrite of the table then has one index fewer to rebuild.
        op.execute(f"DROP INDEX IF EXISTS ix_search_{table}")
        op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
                   f"GENERATED ALWAYS AS ({vector(title, summary, text)}) STORED")
        op.execute(f"CREATE INDEX ix_search_{table}_vector ON {table} USING gin (search_vector)")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, title, summary, text in KINDS:
        op.execute(f"DROP INDEX IF EXISTS ix_search_{table}_vector")
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        op.execute(f"CREATE INDEX ix_search_{table} ON {table} USING gin (({vector(title, summary, text)}))")
