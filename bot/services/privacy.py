"""People's rights over their data (issue #7): /mydata and /deleteme, without Telegram.

- ``export`` gathers everything stored about one person from every table (their
  profile, channels, requests, assignments, reminders, drafts, links, broadcast
  deliveries and "Got it" presses, AI calls, organizer records, conversation state:
  the database's FSM rows and, with Redis, the person's Redis keys) as JSON-ready
  data; every time is given in UTC and in ``TIMEZONE``. Other people's identities are
  left out (the organizer who decided, the ambassadors on a request).
- ``erase`` does, inside the caller's transaction: open work is closed through the
  offer state machine first (an ambassador's open offers withdrawn and accepted
  stories released, so their requests find someone else; a startup's unfinished
  requests cancelled), then personal fields are erased or anonymized and the person's
  own user row deleted (``storage/repositories/privacy.py``), with every conversation
  state of theirs (all bots, chats and topics): the database's FSM rows in the same
  transaction, Redis keys last (``Conversations``). Published links and all counts
  stay, under "Startup #<id>" / "Ambassador #<id>". The caller tells whoever is
  concerned from the returned ``Erasure``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import Conflict, NotFound
from bot.services.assignment_states import Status
from bot.services.offers import CancelResult, ClosedOffer, OfferService
from bot.services.users import CONSENT_VERSION
from storage.repositories import Repositories
from storage.repositories.privacy import tombstone_id

EXPORT_FORMAT = "in2spire-mydata/1"
#: How an erased profile is named in reports, in the bot's default language.
ANONYMOUS_NAMES: Mapping[str, Mapping[str, str]] = {
    "startup": {"vi": "Startup #{id}", "en": "Startup #{id}"},
    "ambassador": {"vi": "Đại sứ #{id}", "en": "Ambassador #{id}"},
}
#: Requests still in progress: cancelled when their startup erases its data.
UNFINISHED_REQUESTS = ("draft", "pending", "open", "filled")
#: Columns naming someone else (an organizer), left out of an export.
_OTHERS = frozenset({"decided_by", "offered_by", "claimed_by"})


class Conversations(Protocol):
    """Conversation state kept outside the database (``storage.fsm.conversations_in``:
    Redis), read for /mydata and deleted on /deleteme."""

    async def states_of(self, user_id: int) -> list[dict[str, Any]]: ...

    async def forget(self, user_id: int) -> int: ...


def anonymous_name(role: str, profile_id: int, language: str) -> str:
    names = ANONYMOUS_NAMES[role]
    return names.get(language, names["en"]).format(id=profile_id)


@dataclass(frozen=True, slots=True)
class Erasure:
    """What an erasure did, for the messages that follow it."""

    #: startup / ambassador, or None for someone without a profile.
    role: str | None
    #: The name the profile now has in reports (None without a profile).
    anonymized_name: str | None
    #: An ambassador's open offers, withdrawn (each with the offers that replace it).
    withdrawn: tuple[ClosedOffer, ...] = ()
    #: An ambassador's accepted stories, given back (each with its replacements).
    released: tuple[ClosedOffer, ...] = ()
    #: A startup's unfinished requests, cancelled (with the assignments they closed).
    cancelled: tuple[CancelResult, ...] = ()


class PrivacyService:
    def __init__(
        self,
        repos: Repositories,
        clock: Clock,
        *,
        tz: ZoneInfo,
        offers: OfferService,
        default_language: str = "vi",
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.tz = tz
        self.offers = offers
        self.default_language = default_language

    # --- /mydata ---------------------------------------------------------------------

    def _time(self, value: datetime) -> dict[str, str]:
        return {"utc": value.isoformat(), "local": value.astimezone(self.tz).isoformat()}

    def _plain(self, value: Any) -> Any:
        """JSON-ready: times in UTC and local, dates as ISO, nested lists and dicts."""
        if isinstance(value, datetime):
            return self._time(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Mapping):
            return {str(k): self._plain(v) for k, v in value.items() if k not in _OTHERS}
        if isinstance(value, list | tuple):
            return [self._plain(v) for v in value]
        return value

    async def export(
        self, user_id: int, conversations: Conversations | None = None
    ) -> dict[str, Any]:
        """Everything stored about ``user_id`` (empty sections left out), with the
        conversation state ``conversations`` holds for them."""
        privacy = self.repos.privacy
        user = await privacy.user_row(user_id)
        data: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "generated_at": self._time(self.clock()),
            "timezone": str(self.tz),
            "telegram_id": user_id,
        }
        if user is not None:
            data["consent"] = {
                "version": user["consent_version"],
                "accepted_at": self._time(user["consented_at"]),
                "current_version": CONSENT_VERSION,
            }
            data["user"] = user
        startup = await privacy.startup_rows(user_id)
        if startup:
            data["startup"] = startup
        ambassador = await privacy.ambassador_rows(user_id)
        if ambassador:
            data["ambassador"] = ambassador
        others = await privacy.other_rows(user_id)
        if conversations is not None:
            outside = await conversations.states_of(user_id)
            others["fsm_states"] = [*others.get("fsm_states", []), *outside]
        data.update({k: v for k, v in others.items() if v})
        plain: dict[str, Any] = self._plain(data)
        return plain

    # --- /deleteme -------------------------------------------------------------------

    async def erase(self, user_id: int, conversations: Conversations | None = None) -> Erasure:
        """Erase ``user_id``'s personal data (see the module doc); one transaction,
        the caller's, and last the conversation state ``conversations`` holds for
        them. ``NotFound`` if nothing is stored about them."""
        privacy = self.repos.privacy
        user = await privacy.user_row(user_id)
        if user is None:
            raise NotFound()
        now = self.clock()
        startup = await self.repos.startups.get_by_user(user_id)
        ambassador = await self.repos.ambassadors.get_by_user(user_id)

        withdrawn: list[ClosedOffer] = []
        released: list[ClosedOffer] = []
        cancelled: list[CancelResult] = []
        if ambassador is not None:
            # Paused first, so the replacements asked below are other people.
            await self.repos.ambassadors.update_fields(ambassador.id, {"paused": True})
            for assignment_id, request_id, status in await privacy.assignment_ids(ambassador.id):
                try:
                    if status == Status.OFFERED:
                        withdrawn.append(
                            await self.offers.withdraw(assignment_id, request_id=request_id)
                        )
                    elif status in (Status.ACCEPTED, Status.OVERDUE):
                        released.append(await self.offers.release(assignment_id, ambassador.id))
                except Conflict:  # answered or closed meanwhile
                    continue
        if startup is not None:
            for request_id in await privacy.request_ids(startup.id, UNFINISHED_REQUESTS):
                try:
                    cancelled.append(await self.offers.cancel_request(request_id))
                except Conflict:
                    continue

        role: str | None = None
        name: str | None = None
        tomb: int | None = None
        if startup is not None:
            role, tomb = "startup", tombstone_id("startup", startup.id)
            name = anonymous_name(role, startup.id, self.default_language)
            await privacy.add_tombstone(tomb, {**user, "role": role}, now)
            await privacy.anonymize_startup(startup.id, tomb_id=tomb, name=name, now=now)
        if ambassador is not None:
            role, tomb = "ambassador", tombstone_id("ambassador", ambassador.id)
            name = anonymous_name(role, ambassador.id, self.default_language)
            await privacy.add_tombstone(tomb, {**user, "role": role}, now)
            await privacy.anonymize_ambassador(ambassador.id, tomb_id=tomb, name=name, now=now)
        await privacy.rekey(user_id, tomb if tomb is not None else 0)
        await privacy.forget_id(user_id, tomb)
        await privacy.delete_user(user_id)
        if conversations is not None:
            await conversations.forget(user_id)
        return Erasure(role, name, tuple(withdrawn), tuple(released), tuple(cancelled))
