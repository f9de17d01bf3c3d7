"""Pitches: a startup writes a story request, field by field, then submits it.

Like registration, every valid answer is saved on the draft request at once, so
/cancel or a restart loses nothing. The form is data (``PITCH_FORM``); the
conversation in ``handlers/pitch.py`` walks it. On submit the request goes to
organizers for review (``REVIEW_PITCHES=true``) or straight to matching.

Only approved startups may pitch, and only their own drafts: every method takes
the person's Telegram id and the request id from the conversation, and checks
that the one owns the other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from bot import validators
from bot.clock import Clock
from bot.deadlines import PRESET_DAYS, deadline_in_days, parse_deadline
from bot.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.provinces import NATIONWIDE, get_province
from bot.reference import codes, is_valid
from bot.services.forms import FormField, Kind, province_code
from storage.dto import StartupDTO, StoryRequestDTO
from storage.repositories import Repositories

STORY_MAX = 2000
WANTED_MIN, WANTED_MAX = 1, 10
REASON_MAX = 500

PITCH_FORM: tuple[FormField, ...] = (
    FormField("need", Kind.SINGLE, taxonomy="needs"),
    FormField("story", Kind.LONGTEXT, max_len=STORY_MAX),
    FormField("audiences", Kind.MULTI, taxonomy="audiences"),
    FormField("platforms", Kind.MULTI, taxonomy="platforms", optional=True),
    FormField("regions", Kind.REGIONS),
    FormField("languages", Kind.MULTI, taxonomy="languages"),
    FormField("deadline", Kind.DEADLINE),
    FormField("wanted", Kind.COUNT),
)
#: Asked even when already answered: the default (the startup's province and
#: nationwide) is filled in when the draft is created, but the startup confirms it.
ALWAYS_ASK = frozenset({"regions"})


def pitch_field(name: str) -> FormField:
    for f in PITCH_FORM:
        if f.name == name:
            return f
    raise InvalidInput("error.stale_button")


def is_answered(request: StoryRequestDTO, field: FormField) -> bool:
    if field.name in request.skipped:
        return True
    return getattr(request, field.name) not in (None, "", ())


def next_pitch_field(request: StoryRequestDTO, after: str | None = None) -> FormField | None:
    """The question to ask next: the first unanswered field (resuming), or, while
    walking the form, the next field after ``after`` that is unanswered or must
    be confirmed."""
    if after is None:
        return next((f for f in PITCH_FORM if not is_answered(request, f)), None)
    names = [f.name for f in PITCH_FORM]
    for f in PITCH_FORM[names.index(after) + 1 :]:
        if f.name in ALWAYS_ASK or not is_answered(request, f):
            return f
    return next((f for f in PITCH_FORM if not is_answered(request, f)), None)


def need_choices(startup: StartupDTO) -> tuple[str, ...]:
    """The needs a pitch may serve: the startup's own (all needs if it listed none)."""
    return startup.needs or codes("needs")


@dataclass(frozen=True, slots=True)
class Pitch:
    """A draft (or submitted) request and the startup it belongs to."""

    startup: StartupDTO
    request: StoryRequestDTO


class PitchService:
    def __init__(
        self, repos: Repositories, clock: Clock, *, tz: ZoneInfo, review: bool = False
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.tz = tz
        self.review = review

    # --- who may pitch -------------------------------------------------------------

    async def startup_of(self, user_id: int) -> StartupDTO:
        """The person's approved startup, or a refusal that says why not."""
        startup = await self.repos.startups.get_by_user(user_id)
        if startup is None:
            raise NotAllowed("pitch.error.not_startup")
        if startup.status != "approved":
            raise NotAllowed("pitch.error.not_approved")
        return startup

    async def begin(self, user_id: int) -> Pitch:
        """The draft being written, or a new one with the default regions filled in."""
        startup = await self.startup_of(user_id)
        draft = await self.repos.requests.latest_draft(startup.id)
        if draft is None:
            regions = [startup.province, NATIONWIDE] if startup.province else [NATIONWIDE]
            campaign = await self.repos.campaigns.active()
            draft = await self.repos.requests.create_draft(
                startup.id, regions=regions, campaign_id=campaign.id if campaign else None
            )
        return Pitch(startup, draft)

    async def get(self, user_id: int, request_id: int) -> Pitch:
        """A request of this person's startup, whatever its status."""
        startup = await self.repos.startups.get_by_user(user_id)
        request = await self.repos.requests.get(request_id)
        if startup is None or request is None or request.startup_id != startup.id:
            raise NotAllowed()
        return Pitch(startup, request)

    async def draft(self, user_id: int, request_id: int) -> Pitch:
        pitch = await self.get(user_id, request_id)
        if pitch.request.status != "draft":
            raise Conflict("pitch.error.not_draft")
        if pitch.startup.status != "approved":
            raise NotAllowed("pitch.error.not_approved")
        return pitch

    # --- answers -----------------------------------------------------------------

    async def _save(self, pitch: Pitch, field: FormField, values: dict[str, Any]) -> Pitch:
        request = pitch.request
        if field.name == "story" and request.brief is not None:
            # A brief made from the old story no longer fits: a new one is proposed.
            values = {**values, "brief": None, "brief_source": None, "brief_prompt_version": None}
        if field.name in request.skipped and values.get(field.name) not in (None, [], ()):
            values = {**values, "skipped": [s for s in request.skipped if s != field.name]}
        await self.repos.requests.update_fields(request.id, values)
        changes = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        return replace(pitch, request=replace(request, **changes))  # type: ignore[arg-type]

    async def answer_text(self, user_id: int, request_id: int, name: str, text: str) -> Pitch:
        field = pitch_field(name)
        pitch = await self.draft(user_id, request_id)
        match field.kind:
            case Kind.LONGTEXT:
                story = validators.clean_text(text, max_len=field.max_len, field=field.name)
                return await self._save(pitch, field, {field.name: story})
            case Kind.REGIONS:
                code = province_code(text)
                current = [c for c in pitch.request.regions if c != code]
                return await self._save(pitch, field, {"regions": [*current, code]})
            case Kind.DEADLINE:
                deadline = parse_deadline(text, self.clock(), self.tz)
                return await self._save(pitch, field, {"deadline": deadline})
            case Kind.COUNT:
                return await self._save(pitch, field, {"wanted": parse_wanted(text)})
            case _:
                raise InvalidInput("error.use_buttons")

    async def pick(self, user_id: int, request_id: int, name: str, value: str) -> Pitch:
        """A single-choice button: the need, a deadline preset, how many ambassadors."""
        field = pitch_field(name)
        pitch = await self.draft(user_id, request_id)
        match field.kind:
            case Kind.SINGLE if value in need_choices(pitch.startup):
                return await self._save(pitch, field, {"need": value})
            case Kind.DEADLINE if value.isdigit() and int(value) in PRESET_DAYS:
                deadline = deadline_in_days(int(value), self.clock(), self.tz)
                return await self._save(pitch, field, {"deadline": deadline})
            case Kind.COUNT if value.isdigit():
                return await self._save(pitch, field, {"wanted": parse_wanted(value)})
        raise InvalidInput("error.stale_button")

    async def toggle(self, user_id: int, request_id: int, name: str, code: str) -> Pitch:
        """Flip one item of a multi-choice (audiences, platforms, regions, languages)."""
        field = pitch_field(name)
        if field.kind is Kind.MULTI:
            valid = is_valid(field.taxonomy or "", code)
        elif field.kind is Kind.REGIONS:
            valid = code == NATIONWIDE or get_province(code) is not None
        else:
            valid = False
        if not valid:
            raise InvalidInput("error.stale_button")
        pitch = await self.draft(user_id, request_id)
        current = list(getattr(pitch.request, field.name))
        current = [c for c in current if c != code] if code in current else [*current, code]
        return await self._save(pitch, field, {field.name: current})

    async def finish_multi(self, user_id: int, request_id: int, name: str) -> Pitch:
        """Done on a multi-choice; an optional one left empty counts as skipped."""
        field = pitch_field(name)
        pitch = await self.draft(user_id, request_id)
        if getattr(pitch.request, field.name):
            return pitch
        if field.optional:
            return await self.skip(user_id, request_id, name)
        raise InvalidInput("error.pick_at_least_one")

    async def skip(self, user_id: int, request_id: int, name: str) -> Pitch:
        field = pitch_field(name)
        if not field.optional:
            raise InvalidInput("error.cannot_skip")
        pitch = await self.draft(user_id, request_id)
        skipped = sorted({*pitch.request.skipped, field.name})
        return await self._save(pitch, field, {field.name: [], "skipped": skipped})

    # --- submitting, discarding, reviewing --------------------------------------------

    async def submit(self, user_id: int, request_id: int) -> Pitch:
        """Send the pitch on: to review, or open for matching. The deadline is checked
        again (a draft may have waited days since it was chosen)."""
        pitch = await self.draft(user_id, request_id)
        request = pitch.request
        missing = next_pitch_field(request)
        if missing is not None:
            raise InvalidInput("pitch.error.incomplete")
        assert request.deadline is not None
        if request.deadline <= self.clock():
            raise InvalidInput("error.deadline_past")
        status = "pending" if self.review else "open"
        now = self.clock()
        if not await self.repos.requests.transition(
            request.id, from_statuses=["draft"], to_status=status, values={"submitted_at": now}
        ):
            raise Conflict("pitch.error.not_draft")
        return replace(pitch, request=replace(request, status=status, submitted_at=now))

    async def discard(self, user_id: int, request_id: int) -> None:
        pitch = await self.draft(user_id, request_id)
        await self.repos.requests.transition(
            pitch.request.id, from_statuses=["draft"], to_status="cancelled"
        )

    async def decide(
        self, *, actor_id: int, request_id: int, approve: bool, reason: str | None = None
    ) -> Pitch:
        """An organizer's decision on a pending pitch (the first decision wins)."""
        request = await self.repos.requests.get(request_id)
        if request is None:
            raise NotFound()
        startup = await self.repos.startups.get(request.startup_id)
        assert startup is not None
        if reason is not None:
            reason = validators.clean_text(reason, max_len=REASON_MAX, field="reason")
        now = self.clock()
        if approve and request.deadline is not None and request.deadline <= now:
            raise Conflict("pitch.error.deadline_passed")
        status = "open" if approve else "rejected"
        values = {"decided_at": now, "decided_by": actor_id, "reject_reason": reason}
        if not await self.repos.requests.transition(
            request_id, from_statuses=["pending"], to_status=status, values=values
        ):
            raise Conflict("pitch.error.already_decided")
        return Pitch(startup, replace(request, status=status, **values))  # type: ignore[arg-type]


def parse_wanted(text: str) -> int:
    """How many ambassadors: a whole number from 1 to 10."""
    value = text.strip()
    if not value.isdigit() or not WANTED_MIN <= int(value) <= WANTED_MAX:
        raise InvalidInput("error.wanted_range", min=WANTED_MIN, max=WANTED_MAX)
    return int(value)
