"""ai

The AI foundation (issue #6): one row per AI call (for /ai_usage), the structured
brief of a story request with its source and prompt version, and post drafts per
assignment.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 08:10:48.466157
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ai_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feature", sa.String(length=32), nullable=False),
        sa.Column("prompt", sa.String(length=32), nullable=False),
        sa.Column("prompt_version", sa.String(length=16), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=True),
        sa.Column("completion_tokens", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('ok', 'disabled', 'timeout', 'error', 'invalid')",
            name=op.f("ck_ai_calls_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_calls")),
    )
    with op.batch_alter_table("ai_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ai_calls_created_at"), ["created_at"], unique=False)

    op.create_table(
        "post_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("angle", sa.String(length=200), nullable=False),
        sa.Column("hook", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("prompt_version", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('ai', 'template')", name=op.f("ck_post_drafts_source")),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_post_drafts_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_drafts")),
    )
    with op.batch_alter_table("post_drafts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_post_drafts_assignment_id"), ["assignment_id"], unique=False
        )

    with op.batch_alter_table("story_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("brief", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("brief_source", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("brief_prompt_version", sa.String(length=16), nullable=True))
        batch_op.create_check_constraint("brief_source", "brief_source IN ('ai', 'own')")


def downgrade() -> None:
    with op.batch_alter_table("story_requests", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_story_requests_brief_source"), type_="check")
        batch_op.drop_column("brief_prompt_version")
        batch_op.drop_column("brief_source")
        batch_op.drop_column("brief")

    with op.batch_alter_table("post_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_drafts_assignment_id"))

    op.drop_table("post_drafts")
    with op.batch_alter_table("ai_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_calls_created_at"))

    op.drop_table("ai_calls")
