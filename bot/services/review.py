"""Organizers' decisions on submitted profiles, with an audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from bot import validators
from bot.clock import Clock
from bot.errors import Conflict, NotFound
from bot.services.forms import Profile
from storage.repositories import Repositories
from storage.repositories.profiles import AmbassadorRepo, StartupRepo

REASON_MAX = 500


@dataclass(frozen=True, slots=True)
class Decision:
    role: str
    profile: Profile
    approved: bool
    reason: str | None


@dataclass(frozen=True, slots=True)
class PendingItem:
    role: str
    profile: Profile
    changed_fields: tuple[str, ...]


class ReviewService:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock

    def _repo(self, role: str) -> StartupRepo | AmbassadorRepo:
        return self.repos.startups if role == "startup" else self.repos.ambassadors

    async def get(self, role: str, profile_id: int) -> PendingItem:
        if role not in ("startup", "ambassador"):
            raise NotFound()
        profile = await self._repo(role).get(profile_id)
        if profile is None:
            raise NotFound()
        changed = await self.repos.reviews.last_changed_fields(role, profile_id)
        return PendingItem(role, profile, changed)

    async def decide(
        self, *, actor_id: int, role: str, profile_id: int, approve: bool, reason: str | None = None
    ) -> Decision:
        """Approve or reject a pending profile; the first decision wins."""
        item = await self.get(role, profile_id)
        if reason is not None:
            reason = validators.clean_text(reason, max_len=REASON_MAX, field="reason")
        moved = await self._repo(role).transition(
            profile_id,
            from_statuses=("pending",),
            to_status="approved" if approve else "rejected",
            values={
                "decided_at": self.clock(),
                "decided_by": actor_id,
                "reject_reason": None if approve else reason,
            },
        )
        if not moved:
            raise Conflict("review.already_decided", status=item.profile.status)
        await self.repos.reviews.record(
            subject_type=role,
            subject_id=profile_id,
            actor_id=actor_id,
            decision="approved" if approve else "rejected",
            reason=reason,
        )
        profile = await self._repo(role).get(profile_id)
        assert profile is not None
        return Decision(role, profile, approve, reason)

    async def pending(self, limit: int = 20) -> tuple[list[PendingItem], int]:
        """Oldest submissions first, across both roles, and the total count."""
        items: list[PendingItem] = []
        total = 0
        for role in ("startup", "ambassador"):
            repo = self._repo(role)
            total += await repo.count_by_status("pending")
            for p in await repo.list_by_status("pending", limit=limit):
                items.append(PendingItem(role, p, ()))
        items.sort(key=lambda i: (i.profile.submitted_at is None, i.profile.submitted_at))
        return items[:limit], total
