"""cameras: capture state, snapshots, health checks, daily uptime; portal id on the registry

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 05:05:56
"""

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "camera_check",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("camera_id", sa.Integer(), nullable=False),
        sa.Column("at", store.types.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("brightness", sa.Float(), nullable=True),
        sa.Column("sharpness", sa.Float(), nullable=True),
        sa.Column("difference", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "status IN ('online', 'stale', 'offline', 'frozen', 'dark', 'unknown')",
            name="ck_camera_check_status",
        ),
        sa.ForeignKeyConstraint(["camera_id"], ["camera.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("camera_check", schema=None) as batch_op:
        batch_op.create_index("ix_camera_check_camera_at", ["camera_id", "at"], unique=False)

    op.create_table(
        "camera_state",
        sa.Column("camera_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("last_attempt_at", store.types.UTCDateTime(), nullable=True),
        sa.Column("last_success_at", store.types.UTCDateTime(), nullable=True),
        sa.Column("status_since", store.types.UTCDateTime(), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", store.types.UTCDateTime(), nullable=True),
        sa.Column("last_snapshot_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("brightness", sa.Float(), nullable=True),
        sa.Column("sharpness", sa.Float(), nullable=True),
        sa.Column("difference", sa.Float(), nullable=True),
        sa.Column("identical_count", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "status IN ('online', 'stale', 'offline', 'frozen', 'dark', 'unknown')",
            name="ck_camera_state_status",
        ),
        sa.ForeignKeyConstraint(["camera_id"], ["camera.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("camera_id"),
    )
    op.create_table(
        "camera_uptime",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("camera_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("checks", sa.Integer(), nullable=False),
        sa.Column("online", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["camera_id"], ["camera.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("camera_id", "day", name="uq_camera_uptime_day"),
    )
    op.create_table(
        "snapshot",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("camera_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", store.types.UTCDateTime(), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("thumb_path", sa.String(length=300), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(["camera_id"], ["camera.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("snapshot", schema=None) as batch_op:
        batch_op.create_index("ix_snapshot_camera_taken", ["camera_id", "taken_at"], unique=False)

    with op.batch_alter_table("camera", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("registry_source", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("camera", schema=None) as batch_op:
        batch_op.drop_column("registry_source")
        batch_op.drop_column("external_id")

    with op.batch_alter_table("snapshot", schema=None) as batch_op:
        batch_op.drop_index("ix_snapshot_camera_taken")

    op.drop_table("snapshot")
    op.drop_table("camera_uptime")
    op.drop_table("camera_state")
    with op.batch_alter_table("camera_check", schema=None) as batch_op:
        batch_op.drop_index("ix_camera_check_camera_at")

    op.drop_table("camera_check")
