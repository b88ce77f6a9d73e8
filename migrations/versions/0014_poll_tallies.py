"""poll tallies: the results of surveys and problem-definition polls counted as ballots and comparisons
arrive (poll_tallies, poll_pair_tallies), instead of a hot polls.ballot_count and a GROUP BY over every
answer; and a partial index over the written answers for the moderators' results

The existing ballots, answers and comparisons are counted into shard 0 here (as ``flask polls recount``
does). ``polls.ballot_count`` is dropped: the count is now the sum of the poll's "ballots" tally. On
SQLite the column is dropped with ALTER TABLE (3.35+), not by copying the table, so the search triggers on
polls (0011) stay.

Revision ID: 0014_poll_tallies
Revises: 0013_idempotency
Create Date: 2026-11-26 06:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_poll_tallies'
down_revision = '0013_idempotency'
branch_labels = None
depends_on = None


def _text(column):
    return f"COALESCE(CAST({column} AS VARCHAR(20)), '')"


COUNT_ANSWERS = (
    "INSERT INTO poll_tallies (poll_id, cell, shard, question_id, option_id, number, cells, heads, texts) "
    f"SELECT poll_id, 'q' || CAST(question_id AS VARCHAR(20)) || ':' || {_text('option_id')} || ':' "
    f"|| {_text('number')}, 0, question_id, option_id, number, COUNT(*), "
    "SUM(CASE WHEN seq = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN text IS NOT NULL THEN 1 ELSE 0 END) "
    "FROM ballot_answers GROUP BY poll_id, question_id, option_id, number"
)
COUNT_BALLOTS = (
    "INSERT INTO poll_tallies (poll_id, cell, shard, cells, heads, texts) "
    "SELECT poll_id, 'ballots', 0, COUNT(*), 0, 0 FROM ballots GROUP BY poll_id"
)
COUNT_COMPARISONS = (
    "INSERT INTO poll_tallies (poll_id, cell, shard, cells, heads, texts) "
    "SELECT poll_id, 'comparisons', 0, COUNT(*), 0, 0 FROM poll_comparisons GROUP BY poll_id"
)
# Participants as known from the comparisons: those of deleted accounts count as one.
COUNT_PARTICIPANTS = (
    "INSERT INTO poll_tallies (poll_id, cell, shard, cells, heads, texts) "
    "SELECT poll_id, 'participants', 0, COUNT(*), 0, 0 FROM "
    "(SELECT DISTINCT poll_id, user_id, access_code_id FROM poll_comparisons) AS people GROUP BY poll_id"
)
COUNT_PAIRS = (
    "INSERT INTO poll_pair_tallies (poll_id, first_id, second_id, shard, first_wins, second_wins, ties) "
    "SELECT poll_id, first_id, second_id, 0, SUM(CASE WHEN winner_id = first_id THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN winner_id = second_id THEN 1 ELSE 0 END), SUM(CASE WHEN winner_id IS NULL THEN 1 ELSE 0 END) "
    "FROM poll_comparisons GROUP BY poll_id, first_id, second_id"
)


def upgrade():
    op.create_table(
        'poll_tallies',
        sa.Column('poll_id', sa.Integer(), nullable=False),
        sa.Column('cell', sa.String(length=60), nullable=False),
        sa.Column('shard', sa.SmallInteger(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=True),
        sa.Column('option_id', sa.Integer(), nullable=True),
        sa.Column('number', sa.Integer(), nullable=True),
        sa.Column('cells', sa.Integer(), nullable=False),
        sa.Column('heads', sa.Integer(), nullable=False),
        sa.Column('texts', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['option_id'], ['poll_options.id'], name=op.f('fk_poll_tallies_option_id_poll_options'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_tallies_poll_id_polls'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['poll_questions.id'],
                                name=op.f('fk_poll_tallies_question_id_poll_questions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('poll_id', 'cell', 'shard', name=op.f('pk_poll_tallies')),
    )
    with op.batch_alter_table('poll_tallies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_tallies_option_id'), ['option_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_poll_tallies_question_id'), ['question_id'], unique=False)
    op.create_table(
        'poll_pair_tallies',
        sa.Column('poll_id', sa.Integer(), nullable=False),
        sa.Column('first_id', sa.Integer(), nullable=False),
        sa.Column('second_id', sa.Integer(), nullable=False),
        sa.Column('shard', sa.SmallInteger(), nullable=False),
        sa.Column('first_wins', sa.Integer(), nullable=False),
        sa.Column('second_wins', sa.Integer(), nullable=False),
        sa.Column('ties', sa.Integer(), nullable=False),
        sa.CheckConstraint('first_id < second_id', name=op.f('ck_poll_pair_tallies_ordered_pair')),
        sa.ForeignKeyConstraint(['first_id'], ['poll_problems.id'],
                                name=op.f('fk_poll_pair_tallies_first_id_poll_problems'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_pair_tallies_poll_id_polls'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['second_id'], ['poll_problems.id'],
                                name=op.f('fk_poll_pair_tallies_second_id_poll_problems'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('poll_id', 'first_id', 'second_id', 'shard', name=op.f('pk_poll_pair_tallies')),
    )
    with op.batch_alter_table('poll_pair_tallies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_pair_tallies_second_id'), ['second_id'], unique=False)
    op.create_index('ix_ballot_answers_texts', 'ballot_answers', ['question_id', 'id'], unique=False,
                    postgresql_where=sa.text('text IS NOT NULL'), sqlite_where=sa.text('text IS NOT NULL'))
    for statement in (COUNT_ANSWERS, COUNT_BALLOTS, COUNT_COMPARISONS, COUNT_PARTICIPANTS, COUNT_PAIRS):
        op.execute(statement)
    op.drop_column('polls', 'ballot_count')


def downgrade():
    op.add_column('polls', sa.Column('ballot_count', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE polls SET ballot_count = (SELECT COALESCE(SUM(cells), 0) FROM poll_tallies "
               "WHERE poll_tallies.poll_id = polls.id AND poll_tallies.cell = 'ballots')")
    op.drop_index('ix_ballot_answers_texts', table_name='ballot_answers')
    op.drop_table('poll_pair_tallies')
    op.drop_table('poll_tallies')
