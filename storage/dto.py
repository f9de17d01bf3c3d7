"""Plain data handed out by repositories (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class UserDTO:
    id: int
    language: str
    first_name: str | None
    username: str | None
    role: str | None
    consent_version: str
    consented_at: datetime
    reminder_mode: str = "normal"
    blocked_at: datetime | None = None
    deleted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StartupDTO:
    id: int
    user_id: int
    status: str
    company_name: str | None = None
    sectors: tuple[str, ...] = ()
    stage: str | None = None
    province: str | None = None
    website: str | None = None
    description: str | None = None
    contact_name: str | None = None
    phone: str | None = None
    email: str | None = None
    needs: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: int | None = None
    reject_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ChannelDTO:
    id: int
    platform: str
    url: str | None
    audience: int


@dataclass(frozen=True, slots=True)
class AmbassadorDTO:
    id: int
    user_id: int
    status: str
    display_name: str | None = None
    channels: tuple[ChannelDTO, ...] = field(default_factory=tuple)
    channels_done: bool = False
    topics: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    capacity: int | None = None
    skipped: tuple[str, ...] = ()
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: int | None = None
    reject_reason: str | None = None
    paused: bool = False
    leaderboard: bool = False


@dataclass(frozen=True, slots=True)
class InviteDTO:
    code: str
    created_by: int
    expires_at: datetime
    used_by: int | None


@dataclass(frozen=True, slots=True)
class ReviewDTO:
    subject_type: str
    subject_id: int
    actor_id: int
    decision: str
    reason: str | None
    changed_fields: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoryRequestDTO:
    id: int
    startup_id: int
    status: str
    need: str | None = None
    story: str | None = None
    audiences: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    deadline: datetime | None = None
    wanted: int | None = None
    accepted: int = 0
    skipped: tuple[str, ...] = ()
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: int | None = None
    reject_reason: str | None = None
    created_at: datetime | None = None
    #: The structured brief (``bot.ai.schemas.Brief`` as a dict), "ai" or "own", and
    #: the prompt version that wrote it (None for the startup's own brief).
    brief: dict[str, Any] | None = None
    brief_source: str | None = None
    brief_prompt_version: str | None = None
    campaign_id: int | None = None


@dataclass(frozen=True, slots=True)
class AssignmentDTO:
    id: int
    request_id: int
    ambassador_id: int
    status: str
    score: float
    reasons: tuple[tuple[str, tuple[str, ...]], ...]
    offered_at: datetime
    expires_at: datetime
    offered_by: int | None = None
    answered_at: datetime | None = None
    decline_reason: str | None = None
    published_at: datetime | None = None
    snoozes: int = 0


@dataclass(frozen=True, slots=True)
class CandidateFactsDTO:
    """What the matching query knows about one approved, available ambassador."""

    ambassador_id: int
    topics: tuple[str, ...]
    regions: tuple[str, ...]
    languages: tuple[str, ...]
    channels: tuple[tuple[str, int], ...]  # (platform, audience)
    capacity: int | None
    #: Stories accepted since the start of this month (counts against capacity).
    taken_this_month: int = 0
    #: Accepted stories that are published or overdue, and how many were on time.
    accepted_due: int = 0
    published_on_time: int = 0
    #: Accepted and not yet published.
    open_load: int = 0
    #: Offers since the fairness window began, in total and for the given startup.
    recent_offers: int = 0
    recent_same_startup: int = 0


@dataclass(frozen=True, slots=True)
class ReminderDTO:
    id: int
    assignment_id: int
    kind: str
    seq: int
    due_at: datetime
    loud: bool
    status: str
    attempts: int = 0
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LinkDTO:
    id: int
    assignment_id: int
    request_id: int
    startup_id: int
    ambassador_id: int
    submitted_by: int
    platform: str
    original_url: str
    normalized_url: str
    sponsored: bool
    late: bool
    submitted_at: datetime
    check_status: int | None = None
    check_error: str | None = None
    final_url: str | None = None
    title: str | None = None
    page_published_at: datetime | None = None
    mentions_startup: bool | None = None
    checked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class GroupDTO:
    id: int
    chat_id: int
    title: str
    type: str
    added_by: int | None
    status: str
    confirmed: bool
    bot_is_admin: bool
    member_count: int | None
    tags: tuple[str, ...]
    migrated_from: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class BroadcastDTO:
    id: int
    created_by: int
    status: str
    content: dict[str, Any]
    options: dict[str, Any]
    audience: dict[str, Any]
    scheduled_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    counts: dict[str, Any] | None = None
    progress_chat_id: int | None = None
    progress_message_id: int | None = None
    reported_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeliveryDTO:
    id: int
    broadcast_id: int
    chat_id: int
    kind: str
    group_id: int | None
    status: str
    attempts: int = 0
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    not_before: datetime | None = None
    message_id: int | None = None
    error_reason: str | None = None
    error: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone a broadcast goes to: a private chat (a person) or a group."""

    chat_id: int
    kind: str
    group_id: int | None = None


@dataclass(frozen=True, slots=True)
class DeliveryLine:
    """A recipient as the report and its CSV show it: who, and what happened."""

    chat_id: int
    kind: str
    name: str
    status: str
    reason: str | None
    error: str | None
    sent_at: datetime | None
    acks: int


@dataclass(frozen=True, slots=True)
class AckCounts:
    """Who pressed "Got it": recipient chats with at least one press, and people."""

    recipients: int = 0
    people: int = 0


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    """A broadcast's rows by outcome (``failed`` by reason)."""

    sent: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    planned: int = 0
    claimed: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.sent + sum(self.failed.values()) + self.planned + self.claimed + self.cancelled

    @property
    def left(self) -> int:
        """Still to be sent (planned or in flight)."""
        return self.planned + self.claimed


@dataclass(frozen=True, slots=True)
class UsageRow:
    """AI calls of one feature on one local day (/ai_usage). ``calls`` are real calls
    (with a key configured), ``failed`` those of them that gave no usable answer, and
    ``disabled`` the times the template answered because no key is configured."""

    day: date
    feature: str
    calls: int = 0
    failed: int = 0
    disabled: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True, slots=True)
class PostDraftDTO:
    """One version of a draft post for an assignment (``source`` "ai" or "template")."""

    id: int
    assignment_id: int
    version: int
    platform: str
    language: str
    angle: str
    hook: str
    text: str
    source: str
    prompt_version: str | None = None
    created_at: datetime | None = None
    #: From the assignment (filled by ``drafts_for_request``).
    request_id: int | None = None
    ambassador_id: int | None = None


@dataclass(frozen=True, slots=True)
class CampaignDTO:
    id: int
    name: str
    starts_on: date
    ends_on: date
    active: bool = False
    created_by: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OutcomeDTO:
    id: int
    request_id: int
    asked_at: datetime | None = None
    answered_at: datetime | None = None
    kinds: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class OrganizerDTO:
    """A stored (invited or added) organizer, with their name when they have a profile."""

    user_id: int
    invited_by: int | None = None
    invite_code: str | None = None
    created_at: datetime | None = None
    first_name: str | None = None
    username: str | None = None
