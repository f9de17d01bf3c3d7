"""indexes for the matching cache

The candidate cache (storage/repositories/candidates.py) re-reads, on every ranking,
the rows stamped since its previous check: these indexes make that a range lookup.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 05:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ambassadors", schema=None) as batch_op:
        batch_op.create_index("ix_ambassadors_updated_at", ["updated_at"], unique=False)
    with op.batch_alter_table("ambassador_channels", schema=None) as batch_op:
        batch_op.create_index("ix_ambassador_channels_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("story_requests", schema=None) as batch_op:
        batch_op.create_index("ix_story_requests_updated_at", ["updated_at"], unique=False)
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_updated_at", ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_updated_at")
    with op.batch_alter_table("story_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_story_requests_updated_at")
    with op.batch_alter_table("ambassador_channels", schema=None) as batch_op:
        batch_op.drop_index("ix_ambassador_channels_created_at")
    with op.batch_alter_table("ambassadors", schema=None) as batch_op:
        batch_op.drop_index("ix_ambassadors_updated_at")
