"""gelsenkirchen plugin: open data sets published from closed polls

Revision ID: gelsenkirchen_0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "gelsenkirchen_0001"
down_revision = None
branch_labels = ("gelsenkirchen",)
depends_on = "0003_polls"


def upgrade():
    op.create_table(
        "gelsenkirchen_datasets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("csv", sa.Text(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["polls.id"], name=op.f("fk_gelsenkirchen_datasets_poll_id_polls"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"],
                                name=op.f("fk_gelsenkirchen_datasets_region_id_regions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gelsenkirchen_datasets")),
        sa.UniqueConstraint("poll_id", name=op.f("uq_gelsenkirchen_datasets_poll_id")),
    )
    op.create_index(op.f("ix_gelsenkirchen_datasets_region_id"), "gelsenkirchen_datasets", ["region_id"])


def downgrade():
    op.drop_index(op.f("ix_gelsenkirchen_datasets_region_id"), table_name="gelsenkirchen_datasets")
    op.drop_table("gelsenkirchen_datasets")
