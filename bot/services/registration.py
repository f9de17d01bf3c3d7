"""Registration and profile editing for startups and ambassadors.

Every answer is saved on the person's draft profile as soon as it is valid, so
/cancel or a restart loses nothing; the conversation resumes at the first
unanswered field (``forms.next_field``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot import validators
from bot.clock import Clock
from bot.errors import Conflict, InvalidInput, NotFound
from bot.provinces import NATIONWIDE, get_province
from bot.reference import is_valid
from bot.services.forms import (
    MAX_CHANNELS,
    FormField,
    Kind,
    Profile,
    can_skip,
    contact_missing,
    get_field,
    next_field,
    parse_text_answer,
)
from storage.dto import AmbassadorDTO
from storage.repositories import Repositories
from storage.repositories.profiles import AmbassadorRepo, StartupRepo

ROLES = ("startup", "ambassador")


@dataclass(frozen=True, slots=True)
class SaveResult:
    profile: Profile
    #: True when this change sent an approved profile back to review.
    back_to_review: bool = False


class RegistrationService:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock

    def _repo(self, role: str) -> StartupRepo | AmbassadorRepo:
        if role == "startup":
            return self.repos.startups
        if role == "ambassador":
            return self.repos.ambassadors
        raise NotFound("error.not_found")

    async def current(self, user_id: int) -> tuple[str, Profile] | None:
        """The person's profile and its role, if they started one."""
        startup = await self.repos.startups.get_by_user(user_id)
        if startup is not None:
            return "startup", startup
        ambassador = await self.repos.ambassadors.get_by_user(user_id)
        if ambassador is not None:
            return "ambassador", ambassador
        return None

    async def get(self, user_id: int, role: str) -> Profile:
        profile = await self._repo(role).get_by_user(user_id)
        if profile is None:
            raise NotFound("reg.error.no_profile")
        return profile

    async def begin(self, user_id: int, role: str) -> Profile:
        """Start (or resume) registration as ``role``; one role per person."""
        existing = await self.current(user_id)
        if existing is not None:
            existing_role, profile = existing
            if existing_role != role:
                raise Conflict("reg.error.other_role", role=existing_role)
            return profile
        await self.repos.users.set_role(user_id, role)
        return await self._repo(role).create_draft(user_id)

    async def _save(
        self, before: Profile, role: str, field: FormField, values: dict[str, Any]
    ) -> SaveResult:
        """Write ``values`` and hand back the profile as it now is (without re-reading it)."""
        if field.name in before.skipped and values.get(field.name) is not None:
            values = {**values, "skipped": [s for s in before.skipped if s != field.name]}
        await self._repo(role).update_fields(before.id, values)
        back = await self._maybe_back_to_review(role, before, field)
        changes = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        if back:
            changes["status"] = "pending"
        return SaveResult(replace(before, **changes), back)  # type: ignore[arg-type]

    async def _maybe_back_to_review(self, role: str, before: Profile, field: FormField) -> bool:
        if before.status != "approved" or not field.review:
            return False
        moved = await self._repo(role).transition(
            before.id,
            from_statuses=("approved",),
            to_status="pending",
            values={"submitted_at": self.clock()},
        )
        if moved:
            await self.repos.reviews.record(
                subject_type=role,
                subject_id=before.id,
                actor_id=before.user_id,
                decision="resubmitted",
                changed_fields=[field.name],
            )
        return moved

    async def answer_text(self, user_id: int, role: str, field_name: str, text: str) -> SaveResult:
        field = get_field(role, field_name)
        value = parse_text_answer(field, text)
        profile = await self.get(user_id, role)
        if field.kind is Kind.REGIONS:
            current = list(getattr(profile, field.name))
            if value not in current:
                current = [c for c in current if c != NATIONWIDE] + [value]
            return await self._save(profile, role, field, {field.name: current})
        return await self._save(profile, role, field, {field.name: value})

    async def pick(self, user_id: int, role: str, field_name: str, code: str) -> SaveResult:
        """A single-choice button (stage, province)."""
        field = get_field(role, field_name)
        valid_single = field.kind is Kind.SINGLE and is_valid(field.taxonomy or "", code)
        valid_province = field.kind is Kind.PROVINCE and get_province(code) is not None
        if not (valid_single or valid_province):
            raise InvalidInput("error.stale_button")
        return await self._save(await self.get(user_id, role), role, field, {field.name: code})

    async def toggle(self, user_id: int, role: str, field_name: str, code: str) -> SaveResult:
        """Flip one item of a multi-select (sectors, needs, topics, regions, languages)."""
        field = get_field(role, field_name)
        multi_ok = (
            field.kind is Kind.MULTI
            and bool(field.taxonomy)
            and is_valid(field.taxonomy or "", code)
        )
        region_ok = field.kind is Kind.REGIONS and (
            code == NATIONWIDE or get_province(code) is not None
        )
        if not (multi_ok or region_ok):
            raise InvalidInput("error.stale_button")
        profile = await self.get(user_id, role)
        current = list(getattr(profile, field.name))
        if code in current:
            current.remove(code)
        elif field.kind is Kind.REGIONS and code == NATIONWIDE:
            current = [NATIONWIDE]
        else:
            current = [c for c in current if c != NATIONWIDE] + [code]
        return await self._save(profile, role, field, {field.name: current})

    async def finish_multi(self, user_id: int, role: str, field_name: str) -> Profile:
        field = get_field(role, field_name)
        profile = await self.get(user_id, role)
        if not getattr(profile, field.name):
            raise InvalidInput("error.pick_at_least_one")
        return profile

    async def skip(self, user_id: int, role: str, field_name: str) -> SaveResult:
        field = get_field(role, field_name)
        profile = await self.get(user_id, role)
        if not can_skip(profile, field):
            raise InvalidInput("error.cannot_skip")
        skipped = sorted({*profile.skipped, field.name})
        return await self._save(profile, role, field, {field.name: None, "skipped": skipped})

    # --- ambassador channels -------------------------------------------------

    @staticmethod
    def check_channel_url(platform: str, text: str) -> str:
        if not is_valid("platforms", platform):
            raise InvalidInput("error.stale_button")
        return validators.normalize_profile_url(platform, text)

    async def add_channel(
        self, user_id: int, *, platform: str, url: str | None, audience_text: str
    ) -> SaveResult:
        audience = validators.parse_audience(audience_text)
        profile = await self.get(user_id, "ambassador")
        assert isinstance(profile, AmbassadorDTO)
        if len(profile.channels) >= MAX_CHANNELS:
            raise InvalidInput("error.too_many_channels", max=MAX_CHANNELS)
        if url and any(c.url == url for c in profile.channels):
            raise InvalidInput("error.channel_duplicate")
        await self.repos.ambassadors.add_channel(
            profile.id, platform=platform, url=url, audience=audience
        )
        field = get_field("ambassador", "channels")
        back = await self._maybe_back_to_review("ambassador", profile, field)
        return SaveResult(await self.get(user_id, "ambassador"), back)

    async def remove_channel(self, user_id: int, channel_id: int) -> SaveResult:
        profile = await self.get(user_id, "ambassador")
        assert isinstance(profile, AmbassadorDTO)
        if not any(c.id == channel_id for c in profile.channels):
            raise InvalidInput("error.stale_button")
        await self.repos.ambassadors.remove_channel(profile.id, channel_id)
        field = get_field("ambassador", "channels")
        back = await self._maybe_back_to_review("ambassador", profile, field)
        return SaveResult(await self.get(user_id, "ambassador"), back)

    async def finish_channels(self, user_id: int) -> Profile:
        profile = await self.get(user_id, "ambassador")
        assert isinstance(profile, AmbassadorDTO)
        if not profile.channels:
            raise InvalidInput("error.need_a_channel")
        await self.repos.ambassadors.update_fields(profile.id, {"channels_done": True})
        return await self.get(user_id, "ambassador")

    # --- submission ------------------------------------------------------------

    async def submit(self, user_id: int, role: str) -> Profile:
        profile = await self.get(user_id, role)
        missing = next_field(profile, role)
        if missing is not None:
            raise InvalidInput("reg.error.incomplete", field=missing.name)
        if contact_missing(profile):
            raise InvalidInput("error.contact_required")
        moved = await self._repo(role).transition(
            profile.id,
            from_statuses=("draft", "rejected"),
            to_status="pending",
            values={"submitted_at": self.clock(), "reject_reason": None},
        )
        if not moved:
            raise Conflict("reg.error.already_submitted")
        await self.repos.reviews.record(
            subject_type=role, subject_id=profile.id, actor_id=user_id, decision="submitted"
        )
        return await self.get(user_id, role)
