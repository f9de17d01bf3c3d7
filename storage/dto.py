"""Plain data handed out by repositories (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class UserDTO:
    id: int
    language: str
    first_name: str | None
    username: str | None
    role: str | None
    consent_version: str
    consented_at: datetime


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
