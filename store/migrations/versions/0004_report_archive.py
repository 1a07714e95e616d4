"""report archive: queued, running and finished report files (on demand and scheduled)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 05:35:19
"""

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_archive",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("schedule_key", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=True),
        sa.Column("fmt", sa.String(length=4), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("scope_kind", sa.String(length=10), nullable=False),
        sa.Column("scope_code", sa.String(length=32), nullable=True),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(), nullable=False),
        sa.Column("started_at", store.types.UTCDateTime(), nullable=True),
        sa.Column("finished_at", store.types.UTCDateTime(), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=300), nullable=True),
        sa.Column("size_bytes", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("fmt IN ('pdf', 'xlsx', 'csv')", name="ck_report_archive_fmt"),
        sa.CheckConstraint("kind IN ('on_demand', 'weekly', 'monthly')", name="ck_report_archive_kind"),
        sa.CheckConstraint(
            "scope_kind IN ('city', 'kecamatan', 'agency')", name="ck_report_archive_scope_kind"
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name="ck_report_archive_status"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("schedule_key"),
    )
    with op.batch_alter_table("report_archive", schema=None) as batch_op:
        batch_op.create_index("ix_report_archive_created", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_archive", schema=None) as batch_op:
        batch_op.drop_index("ix_report_archive_created")

    op.drop_table("report_archive")
