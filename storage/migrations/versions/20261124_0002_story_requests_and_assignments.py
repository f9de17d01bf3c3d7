"""story requests and assignments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 03:07:43.340151
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "story_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("startup_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("need", sa.String(length=32), nullable=True),
        sa.Column("story", sa.Text(), nullable=True),
        sa.Column("audiences", sa.JSON(), nullable=False),
        sa.Column("platforms", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("wanted", sa.Integer(), nullable=True),
        sa.Column("accepted", sa.Integer(), server_default="0", nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'pending', 'open', 'filled', 'completed', 'rejected',"
            " 'cancelled')",
            name=op.f("ck_story_requests_status"),
        ),
        sa.CheckConstraint("accepted >= 0", name=op.f("ck_story_requests_accepted")),
        sa.ForeignKeyConstraint(
            ["startup_id"],
            ["startups.id"],
            name=op.f("fk_story_requests_startup_id_startups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_requests")),
    )
    with op.batch_alter_table("story_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_story_requests_startup_id"), ["startup_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_story_requests_status"), ["status"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("ambassador_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("offered_by", sa.BigInteger(), nullable=True),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.String(length=32), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('offered', 'accepted', 'declined', 'expired', 'withdrawn', 'published',"
            " 'overdue', 'cancelled')",
            name=op.f("ck_assignments_status"),
        ),
        sa.ForeignKeyConstraint(
            ["ambassador_id"],
            ["ambassadors.id"],
            name=op.f("fk_assignments_ambassador_id_ambassadors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["story_requests.id"],
            name=op.f("fk_assignments_request_id_story_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint(
            "request_id", "ambassador_id", name="uq_assignments_request_ambassador"
        ),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignments_ambassador_id"), ["ambassador_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assignments_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_request_id"), ["request_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_status"), ["status"], unique=False)

    with op.batch_alter_table("ambassadors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("paused", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("ambassadors", schema=None) as batch_op:
        batch_op.drop_column("paused")

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_status"))
        batch_op.drop_index(batch_op.f("ix_assignments_request_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_expires_at"))
        batch_op.drop_index(batch_op.f("ix_assignments_ambassador_id"))

    op.drop_table("assignments")
    with op.batch_alter_table("story_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_requests_status"))
        batch_op.drop_index(batch_op.f("ix_story_requests_startup_id"))

    op.drop_table("story_requests")
