"""link re-checks

Links are checked again after a failure (1 h, 6 h, 24 h later) and once about 7 days
after submission: when (``next_check_at``, indexed for the scheduled pass's claim),
how many checks in a row failed, and whether the ambassador was told it looks
broken. Links recorded before this revision are not re-checked (NULL).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 11:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("check_failures", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("broken_told", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_links_next_check_at"), ["next_check_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_links_next_check_at"))
        batch_op.drop_column("broken_told")
        batch_op.drop_column("check_failures")
        batch_op.drop_column("next_check_at")
