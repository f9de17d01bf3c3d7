"""broadcast progress and acks

The organizer's progress message (edited while sending) and when the final report
went out; "Got it" presses, one per person and recipient chat.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 07:41:18.606697
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "broadcast_acks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["broadcast_deliveries.id"],
            name=op.f("fk_broadcast_acks_delivery_id_broadcast_deliveries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_acks")),
        sa.UniqueConstraint("delivery_id", "user_id", name="uq_broadcast_acks_delivery_user"),
    )
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progress_chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("progress_message_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("reported_at")
        batch_op.drop_column("progress_message_id")
        batch_op.drop_column("progress_chat_id")

    op.drop_table("broadcast_acks")
