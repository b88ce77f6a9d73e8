"""measures: what became of a process's results, their log of updates and links to the inputs

Revision ID: 0009_measures
Revises: 0008_processes
Create Date: 2026-11-26 02:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009_measures'
down_revision = '0008_processes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'measures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('process_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('description_html', sa.Text(), nullable=False),
        sa.Column('office', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('ends_on', sa.Date(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('planned', 'in_progress', 'done', 'deferred')",
                           name=op.f('ck_measures_status')),
        sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_measures_progress')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_measures_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['process_id'], ['processes.id'], name=op.f('fk_measures_process_id_processes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_measures')),
    )
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measures_process_id'), ['process_id'], unique=False)
    op.create_table(
        'measure_updates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('measure_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=True),
        sa.Column('progress', sa.Integer(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_measure_updates_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_updates_measure_id_measures'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_updates')),
    )
    with op.batch_alter_table('measure_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_updates_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_updates_measure_id'), ['measure_id'], unique=False)
    op.create_table(
        'measure_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('measure_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_links_measure_id_measures'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_links')),
        sa.UniqueConstraint('measure_id', 'kind', 'target_id', name=op.f('uq_measure_links_measure_id_kind_target_id')),
    )
    with op.batch_alter_table('measure_links', schema=None) as batch_op:
        batch_op.create_index('ix_measure_links_kind_target', ['kind', 'target_id'], unique=False)


def downgrade():
    with op.batch_alter_table('measure_links', schema=None) as batch_op:
        batch_op.drop_index('ix_measure_links_kind_target')
    op.drop_table('measure_links')
    with op.batch_alter_table('measure_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_updates_measure_id'))
        batch_op.drop_index(batch_op.f('ix_measure_updates_author_id'))
    op.drop_table('measure_updates')
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measures_process_id'))
    op.drop_table('measures')
