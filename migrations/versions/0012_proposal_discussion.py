"""proposal discussion: comments on proposals (one comments table for consultations and proposals), the
number of comments per proposal (sort "most commented"), and an optional image per proposal

SQLite cannot make ``comments.consultation_id`` nullable in place: the batch operation copies the table.
migrations/env.py turns SQLite's foreign keys off while migrating, so dropping the old table does not
cascade into comment_votes and comment_reports. (The downgrade drops columns of proposals, which copies
that table on SQLite: its search triggers of 0011 would have to be made again.)

Revision ID: 0012_proposal_discussion
Revises: 0011_search
Create Date: 2026-11-26 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_proposal_discussion'
down_revision = '0011_search'
branch_labels = None
depends_on = None


def upgrade():
    # Only new columns and an index on proposals: SQLite adds them in place, so the search triggers on the
    # table (0011) stay.
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('image', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('image_alt', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('image_width', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('image_height', sa.Integer(), nullable=True))
        batch_op.create_index('ix_proposals_collection_state_comments', ['collection_id', 'state', 'comment_count'],
                              unique=False)
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposal_id', sa.Integer(), nullable=True))
        batch_op.alter_column('consultation_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_comments_proposal_id_proposals'), 'proposals', ['proposal_id'],
                                    ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint('one_subject', '(consultation_id IS NULL) <> (proposal_id IS NULL)')
        batch_op.create_index('ix_comments_proposal_thread_newest', ['proposal_id', 'root_id', 'created_at'],
                              unique=False)
        batch_op.create_index('ix_comments_proposal_thread_top', ['proposal_id', 'root_id', 'score'], unique=False)


def downgrade():
    op.execute("DELETE FROM comments WHERE proposal_id IS NOT NULL")
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_proposal_thread_top')
        batch_op.drop_index('ix_comments_proposal_thread_newest')
        batch_op.drop_constraint('one_subject', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_comments_proposal_id_proposals'), type_='foreignkey')
        batch_op.alter_column('consultation_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('proposal_id')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_proposals_collection_state_comments')
        batch_op.drop_column('image_height')
        batch_op.drop_column('image_width')
        batch_op.drop_column('image_alt')
        batch_op.drop_column('image')
        batch_op.drop_column('comment_count')
