"""comment keyset: a discussion's pages read from indexes that match their sort (id as the last key), and
its number of top-level comments stored on the consultation or proposal (``thread_count``) instead of counted

The four partial indexes over top-level comments (``root_id IS NULL``) replace the thread indexes of 0001
and 0012, which had root_id between the subject and the sort and no id: PostgreSQL sorted every top-level
comment of a discussion for each page. Plain indexes on consultation_id and proposal_id keep finding every
comment of a subject (deleting it, statistics).

``thread_count`` is kept by triggers on comments, in the transaction of the write, for every writer
(services, bulk inserts of the demo data and the benchmarks, plugins, plain SQL): a new top-level comment
adds one, a deleted row takes one away, a comment moved to another subject or level moves its count.
Hiding, restoring and the author's deletion only change the status, so the count stays (the comment keeps
its place). PostgreSQL counts once per statement (transition tables), so a bulk insert updates each
subject once; SQLite counts per row. Existing comments are counted here.

The triggers are not in the models (tests/test_migrations.py compares tables and indexes only). A later
migration that copies the comments table on SQLite (batch_alter_table with a change SQLite cannot make in
place) drops them and must create them again with ``SQLITE_TRIGGERS``.

Revision ID: 0015_comment_keyset
Revises: 0014_poll_tallies
Create Date: 2026-11-26 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_comment_keyset'
down_revision = '0014_poll_tallies'
branch_labels = None
depends_on = None

SUBJECTS = (('consultations', 'consultation_id'), ('proposals', 'proposal_id'))
TOP_LEVEL = sa.text('root_id IS NULL')
NEW_INDEXES = [
    ('ix_comments_consultation_threads_newest', ['consultation_id', 'created_at', 'id']),
    ('ix_comments_consultation_threads_top', ['consultation_id', 'score', 'created_at', 'id']),
    ('ix_comments_proposal_threads_newest', ['proposal_id', 'created_at', 'id']),
    ('ix_comments_proposal_threads_top', ['proposal_id', 'score', 'created_at', 'id']),
]
OLD_INDEXES = [
    ('ix_comments_thread_newest', ['consultation_id', 'root_id', 'created_at']),
    ('ix_comments_thread_top', ['consultation_id', 'root_id', 'score']),
    ('ix_comments_proposal_thread_newest', ['proposal_id', 'root_id', 'created_at']),
    ('ix_comments_proposal_thread_top', ['proposal_id', 'root_id', 'score']),
]


def _sqlite_changes(row, sign, condition=''):
    return ' '.join(f'UPDATE {table} SET thread_count = thread_count {sign} 1 WHERE {condition}id = {row}.{column};'
                    for table, column in SUBJECTS)


SQLITE_TRIGGERS = [
    'CREATE TRIGGER comments_thread_inserted AFTER INSERT ON comments WHEN new.root_id IS NULL BEGIN '
    f"{_sqlite_changes('new', '+')} END",
    'CREATE TRIGGER comments_thread_deleted AFTER DELETE ON comments WHEN old.root_id IS NULL BEGIN '
    f"{_sqlite_changes('old', '-')} END",
    'CREATE TRIGGER comments_thread_moved AFTER UPDATE OF root_id, consultation_id, proposal_id ON comments '
    'WHEN old.root_id IS NOT new.root_id OR old.consultation_id IS NOT new.consultation_id '
    'OR old.proposal_id IS NOT new.proposal_id BEGIN '
    f"{_sqlite_changes('old', '-', 'old.root_id IS NULL AND ')} "
    f"{_sqlite_changes('new', '+', 'new.root_id IS NULL AND ')} END",
]


def _postgresql_changes(rows, sign):
    return ' '.join(
        f'UPDATE {table} AS subject SET thread_count = subject.thread_count {sign} changed.threads '
        f'FROM (SELECT {column} AS id, COUNT(*) AS threads FROM {rows} WHERE root_id IS NULL '
        f'AND {column} IS NOT NULL GROUP BY {column}) AS changed WHERE subject.id = changed.id;'
        for table, column in SUBJECTS)


def _postgresql_row_changes(row, sign):
    return ' '.join(f'UPDATE {table} SET thread_count = thread_count {sign} 1 WHERE id = {row}.{column};'
                    for table, column in SUBJECTS)


POSTGRESQL_TRIGGERS = [
    # Once per statement: the inserted or deleted rows are in a transition table.
    'CREATE FUNCTION comments_count_threads() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    f"IF TG_OP = 'INSERT' THEN {_postgresql_changes('inserted_comments', '+')} "
    f"ELSE {_postgresql_changes('deleted_comments', '-')} END IF; RETURN NULL; END $$",
    'CREATE TRIGGER comments_thread_inserted AFTER INSERT ON comments REFERENCING NEW TABLE AS inserted_comments '
    'FOR EACH STATEMENT EXECUTE FUNCTION comments_count_threads()',
    'CREATE TRIGGER comments_thread_deleted AFTER DELETE ON comments REFERENCING OLD TABLE AS deleted_comments '
    'FOR EACH STATEMENT EXECUTE FUNCTION comments_count_threads()',
    # A move (no code path moves comments today): per row, only when the subject or the level changes.
    'CREATE FUNCTION comments_move_thread() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    f"IF old.root_id IS NULL THEN {_postgresql_row_changes('old', '-')} END IF; "
    f"IF new.root_id IS NULL THEN {_postgresql_row_changes('new', '+')} END IF; RETURN NULL; END $$",
    'CREATE TRIGGER comments_thread_moved AFTER UPDATE OF root_id, consultation_id, proposal_id ON comments '
    'FOR EACH ROW WHEN (old.root_id IS DISTINCT FROM new.root_id '
    'OR old.consultation_id IS DISTINCT FROM new.consultation_id OR old.proposal_id IS DISTINCT FROM new.proposal_id) '
    'EXECUTE FUNCTION comments_move_thread()',
]


def upgrade():
    for table, _column in SUBJECTS:
        op.add_column(table, sa.Column('thread_count', sa.Integer(), server_default='0', nullable=False))
    for name, columns in NEW_INDEXES:
        op.create_index(name, 'comments', columns, unique=False, postgresql_where=TOP_LEVEL, sqlite_where=TOP_LEVEL)
    for _table, column in SUBJECTS:
        op.create_index(f'ix_comments_{column}', 'comments', [column], unique=False)
    for name, _columns in OLD_INDEXES:
        op.drop_index(name, table_name='comments')
    for table, column in SUBJECTS:
        op.execute(f'UPDATE {table} SET thread_count = (SELECT COUNT(*) FROM comments '
                   f'WHERE comments.{column} = {table}.id AND comments.root_id IS NULL)')
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_TRIGGERS if dialect == 'postgresql' else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for action in ('inserted', 'deleted', 'moved'):
        op.execute(f"DROP TRIGGER IF EXISTS comments_thread_{action}{' ON comments' if postgresql else ''}")
    if postgresql:
        op.execute('DROP FUNCTION IF EXISTS comments_count_threads()')
        op.execute('DROP FUNCTION IF EXISTS comments_move_thread()')
    for name, columns in OLD_INDEXES:
        op.create_index(name, 'comments', columns, unique=False)
    for _table, column in SUBJECTS:
        op.drop_index(f'ix_comments_{column}', table_name='comments')
    for name, _columns in NEW_INDEXES:
        op.drop_index(name, table_name='comments')
    # SQLite drops the columns in place (ALTER TABLE DROP COLUMN), once no trigger names them.
    for table, _column in SUBJECTS:
        op.drop_column(table, 'thread_count')
