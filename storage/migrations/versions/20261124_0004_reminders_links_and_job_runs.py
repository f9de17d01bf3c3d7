"""reminders, links and job runs

Planned reminders (the scheduler's source of truth), published links (unique by
normalized URL), once-a-day job guards, snooze counts and people's reminder mode.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 05:07:51.567230
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("run_key", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", "run_key", name=op.f("pk_job_runs")),
    )
    op.create_table(
        "links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("startup_id", sa.Integer(), nullable=False),
        sa.Column("ambassador_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.BigInteger(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("original_url", sa.Text(), nullable=False),
        sa.Column("normalized_url", sa.String(length=2048), nullable=False),
        sa.Column("sponsored", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("late", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_status", sa.Integer(), nullable=True),
        sa.Column("check_error", sa.String(length=32), nullable=True),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("page_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mentions_startup", sa.Boolean(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["ambassador_id"],
            ["ambassadors.id"],
            name=op.f("fk_links_ambassador_id_ambassadors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_links_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["story_requests.id"],
            name=op.f("fk_links_request_id_story_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["startup_id"],
            ["startups.id"],
            name=op.f("fk_links_startup_id_startups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_links")),
        sa.UniqueConstraint("normalized_url", name=op.f("uq_links_normalized_url")),
    )
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_links_ambassador_id"), ["ambassador_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_links_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_links_request_id"), ["request_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_links_startup_id"), ["startup_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_links_submitted_at"), ["submitted_at"], unique=False)

    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loud", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="planned", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('before', 'deadline', 'overdue', 'mark_overdue', 'snooze')",
            name=op.f("ck_reminders_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'claimed', 'sent', 'skipped', 'cancelled', 'failed')",
            name=op.f("ck_reminders_status"),
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_reminders_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint(
            "assignment_id", "kind", "seq", name="uq_reminders_assignment_kind_seq"
        ),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminders_assignment_id"), ["assignment_id"], unique=False
        )
        batch_op.create_index("ix_reminders_status_due_at", ["status", "due_at"], unique=False)

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("snoozes", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminder_mode", sa.String(length=8), server_default="normal", nullable=False)
        )
        batch_op.add_column(sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            "reminder_mode", "reminder_mode IN ('normal', 'silent', 'digest')"
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_reminder_mode"), type_="check")
        batch_op.drop_column("blocked_at")
        batch_op.drop_column("reminder_mode")

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_column("snoozes")

    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_reminders_status_due_at")
        batch_op.drop_index(batch_op.f("ix_reminders_assignment_id"))

    op.drop_table("reminders")
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_links_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_links_startup_id"))
        batch_op.drop_index(batch_op.f("ix_links_request_id"))
        batch_op.drop_index(batch_op.f("ix_links_assignment_id"))
        batch_op.drop_index(batch_op.f("ix_links_ambassador_id"))

    op.drop_table("links")
    op.drop_table("job_runs")
