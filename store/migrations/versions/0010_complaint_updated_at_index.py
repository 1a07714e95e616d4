"""index on complaint.updated_at: the figures' as-of time (max(updated_at)) without a table scan

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 13:45:00

Every page header shows when the newest complaint data changed; at a million complaints the
unindexed max() read the whole table on each page view (about 0.3 s on SQLite).
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.create_index("ix_complaint_updated_at", ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_updated_at")
