"""region administrators: who administers which region (plugins, settings)

Revision ID: 0004_region_admins
Revises: 0003_polls
Create Date: 2026-11-25 22:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_region_admins'
down_revision = '0003_polls'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('region_admins',
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_region_admins_region_id_regions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_region_admins_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('region_id', 'user_id', name=op.f('pk_region_admins'))
    )
    with op.batch_alter_table('region_admins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_admins_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('region_admins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_admins_user_id'))
    op.drop_table('region_admins')
