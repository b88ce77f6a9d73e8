"""showcase: the Projektschaufenster's projects with their links, materials, and the processes and measures of
their region they relate to

Revision ID: 0017_showcase
Revises: 0016_search_vectors
Create Date: 2026-11-26 09:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017_showcase'
down_revision = '0016_search_vectors'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'showcase_projects',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('summary', sa.String(length=500), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('description_html', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('office', sa.String(length=200), nullable=False),
        sa.Column('contact_name', sa.String(length=120), nullable=False),
        sa.Column('contact_email', sa.String(length=254), nullable=False),
        sa.Column('contact_phone', sa.String(length=40), nullable=False),
        sa.Column('contact_consent', sa.Boolean(), nullable=False),
        sa.Column('published', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('planned', 'running', 'completed')", name=op.f('ck_showcase_projects_status')),
        sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_showcase_projects_period')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_showcase_projects_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_showcase_projects_region_id_regions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_showcase_projects')),
    )
    with op.batch_alter_table('showcase_projects', schema=None) as batch_op:
        batch_op.create_index('ix_showcase_projects_region_published', ['region_id', 'published'], unique=False)
    op.create_table(
        'showcase_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['showcase_projects.id'],
                                name=op.f('fk_showcase_links_project_id_showcase_projects'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_showcase_links')),
    )
    with op.batch_alter_table('showcase_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_showcase_links_project_id'), ['project_id'], unique=False)
    op.create_table(
        'showcase_materials',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('file_name', sa.String(length=100), nullable=False),
        sa.Column('media_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['showcase_projects.id'],
                                name=op.f('fk_showcase_materials_project_id_showcase_projects'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_showcase_materials')),
        sa.UniqueConstraint('file_name', name=op.f('uq_showcase_materials_file_name')),
    )
    with op.batch_alter_table('showcase_materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_showcase_materials_project_id'), ['project_id'], unique=False)
    op.create_table(
        'showcase_project_processes',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('process_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['process_id'], ['processes.id'],
                                name=op.f('fk_showcase_project_processes_process_id_processes'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['project_id'], ['showcase_projects.id'],
                                name=op.f('fk_showcase_project_processes_project_id_showcase_projects'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('project_id', 'process_id', name=op.f('pk_showcase_project_processes')),
    )
    with op.batch_alter_table('showcase_project_processes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_showcase_project_processes_process_id'), ['process_id'], unique=False)
    op.create_table(
        'showcase_project_measures',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('measure_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['measure_id'], ['measures.id'],
                                name=op.f('fk_showcase_project_measures_measure_id_measures'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['project_id'], ['showcase_projects.id'],
                                name=op.f('fk_showcase_project_measures_project_id_showcase_projects'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('project_id', 'measure_id', name=op.f('pk_showcase_project_measures')),
    )
    with op.batch_alter_table('showcase_project_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_showcase_project_measures_measure_id'), ['measure_id'], unique=False)


def downgrade():
    with op.batch_alter_table('showcase_project_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_showcase_project_measures_measure_id'))
    op.drop_table('showcase_project_measures')
    with op.batch_alter_table('showcase_project_processes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_showcase_project_processes_process_id'))
    op.drop_table('showcase_project_processes')
    with op.batch_alter_table('showcase_materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_showcase_materials_project_id'))
    op.drop_table('showcase_materials')
    with op.batch_alter_table('showcase_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_showcase_links_project_id'))
    op.drop_table('showcase_links')
    with op.batch_alter_table('showcase_projects', schema=None) as batch_op:
        batch_op.drop_index('ix_showcase_projects_region_published')
    op.drop_table('showcase_projects')
