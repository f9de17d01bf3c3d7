"""What came of a story request (issue #7): 30 days after its links are in, the
startup is asked, with buttons, what it led to; several answers allowed, and an
optional note. Reports count the answers per campaign and per startup.

Telegram-free: who is due, the claim that asks each request once (two processes
never ask twice), and the startup's answers, each re-checked against ownership.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.errors import Conflict, InvalidInput, NotAllowed
from bot.validators import clean_text
from storage.dto import OutcomeDTO
from storage.repositories import Repositories
from storage.repositories.outcomes import DueOutcome

#: What a story may have led to, in the order the buttons show them.
KINDS = ("investor", "partner", "customers", "policy", "media", "nothing")
#: How long after the last link the startup is asked.
AFTER = timedelta(days=30)
NOTE_MAX = 1000


class OutcomeService:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock

    async def due(self, limit: int = 100) -> list[DueOutcome]:
        return await self.repos.outcomes.due(self.clock() - AFTER, limit)

    async def claim(self, request_id: int) -> bool:
        return await self.repos.outcomes.claim(request_id, self.clock())

    async def _own(self, user_id: int, request_id: int) -> OutcomeDTO:
        """The outcome of a request of this person's startup (asked already)."""
        startup = await self.repos.startups.get_by_user(user_id)
        request = await self.repos.requests.get(request_id)
        outcome = await self.repos.outcomes.get(request_id)
        if startup is None or request is None or request.startup_id != startup.id:
            raise NotAllowed()
        if outcome is None:
            raise Conflict("outcome.error.not_asked")
        return outcome

    async def get(self, user_id: int, request_id: int) -> OutcomeDTO:
        return await self._own(user_id, request_id)

    async def toggle(self, user_id: int, request_id: int, kind: str) -> OutcomeDTO:
        """Tick or untick ``kind``; "nothing yet" excludes the others."""
        if kind not in KINDS:
            raise InvalidInput("outcome.error.bad_choice")
        outcome = await self._own(user_id, request_id)
        kinds = [k for k in outcome.kinds if k != kind]
        if kind not in outcome.kinds:
            kinds = [kind] if kind == "nothing" else [k for k in kinds if k != "nothing"] + [kind]
        ordered = [k for k in KINDS if k in kinds]
        await self.repos.outcomes.update(request_id, kinds=ordered)
        return await self._own(user_id, request_id)

    async def note(self, user_id: int, request_id: int, text: str) -> OutcomeDTO:
        await self._own(user_id, request_id)
        clean = clean_text(text, max_len=NOTE_MAX, field="note")
        await self.repos.outcomes.update(request_id, note=clean)
        return await self._own(user_id, request_id)

    async def done(self, user_id: int, request_id: int) -> OutcomeDTO:
        outcome = await self._own(user_id, request_id)
        if not outcome.kinds:
            raise InvalidInput("outcome.error.choose")
        await self.repos.outcomes.update(request_id, answered_at=self.clock())
        return await self._own(user_id, request_id)
