"""paderborn plugin: catalogue of online services per region

Revision ID: paderborn_0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "paderborn_0001"
down_revision = None
branch_labels = ("paderborn",)
depends_on = "0003_polls"


def upgrade():
    op.create_table(
        "paderborn_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("department", sa.String(length=120), nullable=False),
        sa.Column("online_since", sa.Date(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], ondelete="CASCADE",
                                name=op.f("fk_paderborn_services_region_id_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paderborn_services")),
        sa.UniqueConstraint("region_id", "name", name=op.f("uq_paderborn_services_region_id_name")),
    )
    op.create_index("ix_paderborn_services_region_active", "paderborn_services", ["region_id", "active"])


def downgrade():
    op.drop_index("ix_paderborn_services_region_active", table_name="paderborn_services")
    op.drop_table("paderborn_services")
