"""complaint.rev: the data version a complaint was last written under (incremental statistics)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 12:40:00

Existing rows get 0: readers load them whole once (store/stats_columns.py), and from then on
read only rows whose rev is newer than the version they hold.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rev", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.create_index("ix_complaint_rev", ["rev"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_rev")
        batch_op.drop_column("rev")
