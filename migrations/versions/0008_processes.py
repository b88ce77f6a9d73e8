"""processes: a region's participation processes, their phases and the instruments of each phase

Revision ID: 0008_processes
Revises: 0007_notifications
Create Date: 2026-11-26 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_processes'
down_revision = '0007_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'processes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('published', sa.Boolean(), nullable=False),
        sa.Column('template', sa.String(length=120), nullable=True),
        sa.Column('header_image', sa.String(length=200), nullable=True),
        sa.Column('header_image_alt', sa.String(length=300), nullable=True),
        sa.Column('header_image_width', sa.Integer(), nullable=True),
        sa.Column('header_image_height', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_processes_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_processes_region_id_regions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_processes')),
    )
    with op.batch_alter_table('processes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processes_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_processes_region_published', ['region_id', 'published'], unique=False)
    op.create_table(
        'process_phases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('process_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=True),
        sa.Column('ends_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['process_id'], ['processes.id'], name=op.f('fk_process_phases_process_id_processes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_process_phases')),
        sa.UniqueConstraint('process_id', 'position', name=op.f('uq_process_phases_process_id_position')),
    )
    op.create_table(
        'phase_instruments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phase_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('follows_phase_dates', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['phase_id'], ['process_phases.id'],
                                name=op.f('fk_phase_instruments_phase_id_process_phases'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_phase_instruments')),
        sa.UniqueConstraint('kind', 'target_id', name=op.f('uq_phase_instruments_kind_target_id')),
    )
    with op.batch_alter_table('phase_instruments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phase_instruments_phase_id'), ['phase_id'], unique=False)


def downgrade():
    with op.batch_alter_table('phase_instruments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phase_instruments_phase_id'))
    op.drop_table('phase_instruments')
    op.drop_table('process_phases')
    with op.batch_alter_table('processes', schema=None) as batch_op:
        batch_op.drop_index('ix_processes_region_published')
        batch_op.drop_index(batch_op.f('ix_processes_created_at'))
    op.drop_table('processes')
