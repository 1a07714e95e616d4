"""data version: one counter per data domain, bumped by its writers (statistics cache keys)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00

Numbered 0007 with 0006 reserved for work in progress elsewhere; until 0006 exists it follows
0005 directly. When 0006 lands, this file's down_revision becomes "0006".
"""

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("domain", sa.String(length=32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("domain"),
    )


def downgrade() -> None:
    op.drop_table("data_version")
