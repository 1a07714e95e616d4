"""camera_state.http_validator: the last frame's ETag or Last-Modified, for conditional GETs

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 15:20:00

Nullable: cameras start with plain GETs and learn their validator from the next frame.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("camera_state") as batch:
        batch.add_column(sa.Column("http_validator", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("camera_state") as batch:
        batch.drop_column("http_validator")
