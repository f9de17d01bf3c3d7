"""SQLAlchemy 2 models: the database schema, and nothing else.

Conventions: Telegram ids are BigInteger; every timestamp is a timezone-aware
UTC ``DateTime(timezone=True)``; multi-select answers are JSON lists of taxonomy
codes (dialect-neutral on SQLite and PostgreSQL). Repositories turn rows into
DTOs (``storage.dto``) so nothing outside ``storage/`` touches an ORM object.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always hands back aware UTC datetimes.

    SQLite has no time zone type, so without this a value read back would be
    naive; PostgreSQL's timestamptz already round-trips, this keeps both alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class User(TimestampMixin, Base):
    """A person who accepted the personal-data notice (no row exists before consent)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(8))
    first_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    consent_version: Mapped[str] = mapped_column(String(16))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime())
    role: Mapped[str | None] = mapped_column(String(16))
    #: How reminders reach this person: normal, silent (no sound but the deadline
    #: day's), or one daily digest (/settings).
    reminder_mode: Mapped[str] = mapped_column(String(8), default="normal", server_default="normal")
    #: Set when Telegram answered 403 (blocked the bot): no more reminders until /start.
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: /deleteme (issue #7): personal fields erased; the row stays, anonymized, so
    #: published links and counts keep their place in reports.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("role IN ('startup', 'ambassador')", name="role"),
        CheckConstraint("reminder_mode IN ('normal', 'silent', 'digest')", name="reminder_mode"),
    )


class Organizer(Base):
    """Organizers added by invite (ORGANIZER_IDS from the configuration are not stored)."""

    __tablename__ = "organizers"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    invited_by: Mapped[int | None] = mapped_column(BigInteger)
    invite_code: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OrganizerInvite(Base):
    """A one-time deep-link code (t.me/<bot>?start=org_<code>)."""

    __tablename__ = "organizer_invites"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


PROFILE_STATUS_CHECK = "status IN ('draft', 'pending', 'approved', 'rejected')"


class Startup(TimestampMixin, Base):
    __tablename__ = "startups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    company_name: Mapped[str | None] = mapped_column(String(200))
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    stage: Mapped[str | None] = mapped_column(String(32))
    province: Mapped[str | None] = mapped_column(String(32), index=True)
    website: Mapped[str | None] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(320))
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Optional fields the person chose to skip (so the form does not ask again).
    skipped: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    reject_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (CheckConstraint(PROFILE_STATUS_CHECK, name="status"),)


class Ambassador(TimestampMixin, Base):
    __tablename__ = "ambassadors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    channels_done: Mapped[bool] = mapped_column(default=False)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int | None] = mapped_column(Integer)
    skipped: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    #: /pause: not offered new stories until /resume (accepted ones stay).
    paused: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: /mystats: shown by rank among peers only if they opted in (issue #7).
    leaderboard: Mapped[bool] = mapped_column(default=False, server_default=false())

    channels: Mapped[list[Channel]] = relationship(
        back_populates="ambassador",
        order_by="Channel.id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    __table_args__ = (
        CheckConstraint(PROFILE_STATUS_CHECK, name="status"),
        # The matching cache re-reads what changed recently (storage/repositories/candidates.py).
        Index("ix_ambassadors_updated_at", "updated_at"),
    )


class Channel(Base):
    """One of an ambassador's channels: platform, profile URL, audience size."""

    __tablename__ = "ambassador_channels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ambassador_id: Mapped[int] = mapped_column(
        ForeignKey("ambassadors.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(32))
    url: Mapped[str | None] = mapped_column(String(2048))
    audience: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    ambassador: Mapped[Ambassador] = relationship(back_populates="channels")

    __table_args__ = (Index("ix_ambassador_channels_created_at", "created_at"),)


class ReviewDecision(Base):
    """Audit trail: every submission and every approve/reject, with who, when and why."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int] = mapped_column(BigInteger)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        Index("ix_review_decisions_subject", "subject_type", "subject_id"),
        CheckConstraint("subject_type IN ('startup', 'ambassador')", name="subject_type"),
        CheckConstraint(
            "decision IN ('submitted', 'resubmitted', 'approved', 'rejected')", name="decision"
        ),
    )


REQUEST_STATUS_CHECK = (
    "status IN ('draft', 'pending', 'open', 'filled', 'completed', 'rejected', 'cancelled')"
)
ASSIGNMENT_STATUS_CHECK = (
    "status IN ('offered', 'accepted', 'declined', 'expired', 'withdrawn', 'published',"
    " 'overdue', 'cancelled')"
)


class StoryRequest(TimestampMixin, Base):
    """A startup's pitch: the story it wants told, by how many ambassadors, by when."""

    __tablename__ = "story_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("startups.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    need: Mapped[str | None] = mapped_column(String(32))
    story: Mapped[str | None] = mapped_column(Text)
    audiences: Mapped[list[str]] = mapped_column(JSON, default=list)
    platforms: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    wanted: Mapped[int | None] = mapped_column(Integer)
    #: Accepted (or published/overdue) assignments; raised only by a conditional
    #: UPDATE ... WHERE accepted < wanted, so two accepts cannot both take the last slot.
    accepted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    skipped: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    #: The structured brief (bot/ai/schemas.py ``Brief``) proposed by AI or written by
    #: the startup itself; where it came from and the prompt version that made it.
    brief: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    brief_source: Mapped[str | None] = mapped_column(String(8))
    brief_prompt_version: Mapped[str | None] = mapped_column(String(16))
    #: The campaign the pitch belongs to (the active one when it was created; issue #7).
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )

    __table_args__ = (
        CheckConstraint(REQUEST_STATUS_CHECK, name="status"),
        CheckConstraint("brief_source IN ('ai', 'own')", name="brief_source"),
        CheckConstraint("accepted >= 0", name="accepted"),
        Index("ix_story_requests_updated_at", "updated_at"),
    )


class Assignment(Base):
    """One ambassador's part in one request: an offer, then (maybe) a story.

    Status changes follow ``bot/services/assignment_states.py`` and are applied as
    compare-and-set updates. (request, ambassador) is unique: nobody is offered the
    same request twice.
    """

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("story_requests.id", ondelete="CASCADE"), index=True
    )
    ambassador_id: Mapped[int] = mapped_column(
        ForeignKey("ambassadors.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="offered", index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    #: Top reasons, as [code, [args...]] pairs rendered in the reader's language.
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    offered_by: Mapped[int | None] = mapped_column(BigInteger)  # an organizer, if manual
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str | None] = mapped_column(String(32))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Reminders snoozed so far (at most two; bot/services/reminder_policy.py).
    snoozes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("request_id", "ambassador_id", name="uq_assignments_request_ambassador"),
        CheckConstraint(ASSIGNMENT_STATUS_CHECK, name="status"),
        Index("ix_assignments_updated_at", "updated_at"),
    )


REMINDER_KIND_CHECK = "kind IN ('before', 'deadline', 'overdue', 'mark_overdue', 'snooze')"
REMINDER_STATUS_CHECK = "status IN ('planned', 'claimed', 'sent', 'skipped', 'cancelled', 'failed')"


class Reminder(Base):
    """A planned send (or action) for an accepted story: the source of truth for what
    the scheduler does. Claimed atomically by one process at a time (planned ->
    claimed), then sent, skipped (superseded by a later one while the bot was down),
    cancelled (link submitted, story released...) or failed (recipient blocked)."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    #: Hours before the deadline ("before"), the overdue or snooze number, or 0.
    seq: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Sent with sound even in the silent mode (the deadline day's reminder).
    loud: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(16), default="planned", server_default="planned")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        UniqueConstraint("assignment_id", "kind", "seq", name="uq_reminders_assignment_kind_seq"),
        CheckConstraint(REMINDER_KIND_CHECK, name="kind"),
        CheckConstraint(REMINDER_STATUS_CHECK, name="status"),
        # The claim loop's one query: due rows of a status, oldest first.
        Index("ix_reminders_status_due_at", "status", "due_at"),
    )


class Link(Base):
    """A published link, recorded once (its normalized URL is unique), with where it
    belongs and, once checked, what the page looked like."""

    __tablename__ = "links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[int] = mapped_column(
        ForeignKey("story_requests.id", ondelete="CASCADE"), index=True
    )
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("startups.id", ondelete="CASCADE"), index=True
    )
    ambassador_id: Mapped[int] = mapped_column(
        ForeignKey("ambassadors.id", ondelete="CASCADE"), index=True
    )
    submitted_by: Mapped[int] = mapped_column(BigInteger)
    platform: Mapped[str] = mapped_column(String(32))
    original_url: Mapped[str] = mapped_column(Text)
    normalized_url: Mapped[str] = mapped_column(String(2048), unique=True)
    sponsored: Mapped[bool] = mapped_column(default=False, server_default=false())
    late: Mapped[bool] = mapped_column(default=False, server_default=false())
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    check_status: Mapped[int | None] = mapped_column(Integer)
    check_error: Mapped[str | None] = mapped_column(String(32))
    final_url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(String(300))
    page_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mentions_startup: Mapped[bool | None] = mapped_column()
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the link is checked again (None: never); see ``bot/services/link_rechecks.py``.
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: Checks in a row that found it failing (reset when one finds it working).
    check_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The ambassador was told it looks broken, and not yet that it works again.
    broken_told: Mapped[bool] = mapped_column(default=False, server_default=false())


class JobRun(Base):
    """One row per run of a once-a-day job: the insert is the lock, so two bot
    processes never both send the same digest."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FsmRecord(Base):
    """aiogram FSM state and data for one storage key (survives restarts)."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Set by the storage itself (no onupdate: that would expire the row after
    #: each write and cost a SELECT on the next read in the same update).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProcessedUpdate(Base):
    """update_ids already taken in webhook mode, so a re-sent update runs once."""

    __tablename__ = "processed_updates"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Group(Base):
    """A group or supergroup the bot was added to (the broadcast registry).

    ``chat_id`` follows the group through a migration to a supergroup (same row, new
    id; the old one is kept in ``migrated_from``). A group that removed the bot is
    ``inactive``; re-adding it makes it ``active`` again. Only groups an organizer
    added (or confirmed) are ``confirmed`` for broadcasts.
    """

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    title: Mapped[str] = mapped_column(String(255), default="", server_default="")
    type: Mapped[str] = mapped_column(String(16))
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    confirmed: Mapped[bool] = mapped_column(default=False, server_default=false())
    bot_is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    member_count: Mapped[int | None] = mapped_column(Integer)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    migrated_from: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        CheckConstraint("type IN ('group', 'supergroup')", name="type"),
        CheckConstraint("status IN ('active', 'inactive')", name="status"),
    )


BROADCAST_STATUS_CHECK = (
    "status IN ('draft', 'scheduled', 'sending', 'done', 'stopped', 'cancelled')"
)
DELIVERY_STATUS_CHECK = "status IN ('planned', 'claimed', 'sent', 'failed', 'cancelled')"
DELIVERY_REASON_CHECK = "error_reason IN ('blocked', 'removed', 'not_found', 'other')"


class Broadcast(Base):
    """One message an organizer sends to many chats (issue #5).

    ``content`` is what to send (``{"text", "parse_mode" or "entities", "photo" or
    "document", "caption"}``), ``options`` how (``{"pin", "silent", "ack"}``),
    ``audience`` what the organizer chose (kept for the report; the recipients
    themselves are the delivery rows, written before the first send).
    """

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="draft", server_default="draft")
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Counts by outcome cached when the broadcast finishes (the rows are the truth).
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The organizer's progress message, edited while sending (issue #5).
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    #: When the final report went out (set once: compare-and-set from NULL).
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (CheckConstraint(BROADCAST_STATUS_CHECK, name="status"),)


class BroadcastDelivery(Base):
    """One recipient of a broadcast: claimed by one sender at a time like a reminder
    (planned -> claimed -> sent | failed; planned -> cancelled when stopped)."""

    __tablename__ = "broadcast_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Indexed by the unique (broadcast_id, chat_id) below.
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="planned", server_default="planned")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Not before this time (Telegram's retry_after, or a back-off after a 5xx).
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error_reason: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("broadcast_id", "chat_id", name="uq_broadcast_deliveries_broadcast_chat"),
        CheckConstraint("kind IN ('private', 'group')", name="kind"),
        CheckConstraint(DELIVERY_STATUS_CHECK, name="status"),
        CheckConstraint(DELIVERY_REASON_CHECK, name="error_reason"),
        # The claim's one query: claimable rows of a status, by time.
        Index("ix_broadcast_deliveries_status_not_before", "status", "not_before"),
    )


class BroadcastAck(Base):
    """Someone pressed "Got it" under a delivered broadcast message: one row per
    person and recipient chat (in a group, each member who pressed counts)."""

    __tablename__ = "broadcast_acks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("broadcast_deliveries.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(BigInteger)
    acked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        UniqueConstraint("delivery_id", "user_id", name="uq_broadcast_acks_delivery_user"),
    )


AI_CALL_STATUS_CHECK = "status IN ('ok', 'disabled', 'timeout', 'error', 'invalid')"


class AICall(Base):
    """One call of the AI client (issue #6), failed ones included: what it cost and how
    it went, for /ai_usage. No user text is stored."""

    __tablename__ = "ai_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feature: Mapped[str] = mapped_column(String(32))
    prompt: Mapped[str] = mapped_column(String(32))
    prompt_version: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    __table_args__ = (CheckConstraint(AI_CALL_STATUS_CHECK, name="status"),)


class PostDraft(Base):
    """A draft post for one assignment (AI-written or from the template); every
    regeneration ("another angle", "shorter") is a new version."""

    __tablename__ = "post_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    platform: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    angle: Mapped[str] = mapped_column(String(200))
    hook: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(8))
    prompt_version: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (CheckConstraint("source IN ('ai', 'template')", name="source"),)


class Campaign(Base):
    """A named period of work ("Techfest Vietnam 2025"); at most one is active, and new
    pitches belong to it (issue #7)."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    #: Local dates in TIMEZONE, inclusive.
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        # At most one active campaign (a partial unique index on both dialects).
        Index(
            "uq_campaigns_one_active",
            "active",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )


class RequestOutcome(Base):
    """What came of a request, asked 30 days after its links are in (issue #7):
    several kinds may be ticked, with an optional note."""

    __tablename__ = "request_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("story_requests.id", ondelete="CASCADE"), unique=True
    )
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Codes: investor, partner, customers, policy, media, nothing.
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)


class ReportSubscription(Base):
    """An organizer who gets the weekly report (Monday 08:00 local time)."""

    __tablename__ = "report_subscriptions"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16), default="weekly", server_default="weekly")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
