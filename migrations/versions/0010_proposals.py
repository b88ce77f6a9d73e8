"""proposals: proposal collections (a phase instrument), proposals and their supports

Revision ID: 0010_proposals
Revises: 0009_measures
Create Date: 2026-11-26 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_proposals'
down_revision = '0009_measures'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'proposal_collections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('description_html', sa.Text(), nullable=False),
        sa.Column('categories_text', sa.Text(), nullable=False),
        sa.Column('premoderated', sa.Boolean(), nullable=False),
        sa.Column('published', sa.Boolean(), nullable=False),
        sa.Column('opens_at', sa.DateTime(), nullable=True),
        sa.Column('closes_at', sa.DateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_proposal_collections_created_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_proposal_collections_region_id_regions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_collections')),
    )
    with op.batch_alter_table('proposal_collections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_collections_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_proposal_collections_region_published', ['region_id', 'published'], unique=False)
    op.create_table(
        'proposals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('collection_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('category', sa.String(length=80), nullable=True),
        sa.Column('place', sa.String(length=200), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('hidden_reason', sa.Text(), nullable=True),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('answer_html', sa.Text(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('support_count', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("state IN ('pending', 'published', 'hidden', 'merged')", name=op.f('ck_proposals_state')),
        sa.CheckConstraint("status IN ('submitted', 'in_review', 'accepted', 'rejected', 'implemented')",
                           name=op.f('ck_proposals_status')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_proposals_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['collection_id'], ['proposal_collections.id'],
                                name=op.f('fk_proposals_collection_id_proposal_collections'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['merged_into_id'], ['proposals.id'],
                                name=op.f('fk_proposals_merged_into_id_proposals'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals')),
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index('ix_proposals_collection_state_created', ['collection_id', 'state', 'created_at'],
                              unique=False)
        batch_op.create_index('ix_proposals_collection_state_supports', ['collection_id', 'state', 'support_count'],
                              unique=False)
    op.create_table(
        'proposal_supports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'],
                                name=op.f('fk_proposal_supports_proposal_id_proposals'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_proposal_supports_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_supports')),
        sa.UniqueConstraint('proposal_id', 'user_id', name=op.f('uq_proposal_supports_proposal_id_user_id')),
    )
    with op.batch_alter_table('proposal_supports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_supports_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('proposal_supports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_supports_user_id'))
    op.drop_table('proposal_supports')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_proposals_collection_state_supports')
        batch_op.drop_index('ix_proposals_collection_state_created')
        batch_op.drop_index(batch_op.f('ix_proposals_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_proposals_author_id'))
    op.drop_table('proposals')
    with op.batch_alter_table('proposal_collections', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_collections_region_published')
        batch_op.drop_index(batch_op.f('ix_proposal_collections_created_at'))
    op.drop_table('proposal_collections')
