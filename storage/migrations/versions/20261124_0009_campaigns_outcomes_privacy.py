"""campaigns, outcomes, privacy

Issue #7: campaigns (one active; pitches belong to one), what came of a request
(asked 30 days after its links), weekly report subscriptions, /deleteme's marker on
users, and the ambassadors' leaderboard opt-in.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 08:53:47.802580
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_campaigns_dates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("name", name=op.f("uq_campaigns_name")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(
            "uq_campaigns_one_active",
            ["active"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    op.create_table(
        "report_subscriptions",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), server_default="weekly", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_report_subscriptions")),
    )
    op.create_table(
        "request_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["story_requests.id"],
            name=op.f("fk_request_outcomes_request_id_story_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_outcomes")),
        sa.UniqueConstraint("request_id", name=op.f("uq_request_outcomes_request_id")),
    )
    with op.batch_alter_table("ambassadors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("leaderboard", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("story_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_story_requests_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_story_requests_campaign_id_campaigns"),
            "campaigns",
            ["campaign_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")

    with op.batch_alter_table("story_requests", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_story_requests_campaign_id_campaigns"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_story_requests_campaign_id"))
        batch_op.drop_column("campaign_id")

    with op.batch_alter_table("ambassadors", schema=None) as batch_op:
        batch_op.drop_column("leaderboard")

    op.drop_table("request_outcomes")
    op.drop_table("report_subscriptions")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_campaigns_one_active",
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    op.drop_table("campaigns")
