"""Suggested briefs (issue #6): a structured brief proposed for a pitch, which the
startup uses, edits field by field, or declines in favour of its own text.

Stored on the request (``brief``, ``brief_source``, ``brief_prompt_version``): a
proposal has ``brief`` and no source; ``ai`` means the startup chose it (with its
edits), ``own`` that it keeps its own text. Only a draft can change, and only by its
startup (``PitchService.draft``). Knows nothing of Telegram or of how the
proposal was made.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from bot.ai.schemas import Brief
from bot.errors import Conflict, InvalidInput
from bot.services.pitches import Pitch, PitchService
from storage.dto import StoryRequestDTO
from storage.repositories import Repositories

#: The fields a startup may edit, in the order they are shown, and what a bad value
#: is told.
ERRORS = {
    "title": "brief.error.title",
    "angle": "brief.error.angle",
    "key_messages": "brief.error.key_messages",
    "target_audience": "brief.error.target_audience",
    "call_to_action": "brief.error.call_to_action",
    "hashtags": "brief.error.hashtags",
}
FIELDS = tuple(ERRORS)
_LIST_SPLIT = re.compile(r"[\s,;]+")


def brief_of(request: StoryRequestDTO) -> Brief | None:
    """The stored brief (proposed or chosen), if it still validates."""
    if not request.brief:
        return None
    try:
        return Brief.model_validate(request.brief)
    except ValidationError:
        return None


def chosen_brief(request: StoryRequestDTO) -> Brief | None:
    """The brief ambassadors read: only one the startup chose."""
    return brief_of(request) if request.brief_source == "ai" else None


def _typed_value(field: str, text: str) -> Any:
    """What a typed answer means for ``field``: key messages one per line, hashtags
    separated by spaces or commas, anything else as it is."""
    if field == "key_messages":
        return [line.strip(" -•*\t") for line in text.splitlines() if line.strip(" -•*\t")]
    if field == "hashtags":
        return [tag for tag in _LIST_SPLIT.split(text) if tag]
    return text.strip()


class BriefService:
    def __init__(self, repos: Repositories, pitches: PitchService) -> None:
        self.repos = repos
        self.pitches = pitches

    async def propose(self, request_id: int, brief: Brief, prompt_version: str) -> bool:
        """Store a proposal on a draft; False if the pitch was submitted meanwhile (a
        brief must not change under ambassadors who already read it)."""
        request = await self.repos.requests.get(request_id)
        if request is None or request.status != "draft":
            return False
        await self.repos.requests.update_fields(
            request_id,
            {
                "brief": brief.model_dump(mode="json"),
                "brief_source": None,
                "brief_prompt_version": prompt_version,
            },
        )
        return True

    async def _proposal(self, user_id: int, request_id: int) -> tuple[Pitch, Brief]:
        pitch = await self.pitches.draft(user_id, request_id)
        brief = brief_of(pitch.request)
        if brief is None:
            raise Conflict("brief.error.none")
        return pitch, brief

    async def current(self, user_id: int, request_id: int) -> Brief:
        return (await self._proposal(user_id, request_id))[1]

    async def use(self, user_id: int, request_id: int) -> Brief:
        _, brief = await self._proposal(user_id, request_id)
        await self.repos.requests.update_fields(request_id, {"brief_source": "ai"})
        return brief

    async def keep_own(self, user_id: int, request_id: int) -> None:
        await self._proposal(user_id, request_id)
        await self.repos.requests.update_fields(request_id, {"brief_source": "own"})

    async def edit(self, user_id: int, request_id: int, field: str, text: str) -> Brief:
        """One field typed anew; the whole brief must still be valid."""
        if field not in FIELDS:
            raise InvalidInput("error.stale_button")
        _, brief = await self._proposal(user_id, request_id)
        values = brief.model_dump(mode="json")
        values[field] = _typed_value(field, text)
        try:
            edited = Brief.model_validate(values)
        except ValidationError:
            raise InvalidInput(ERRORS[field]) from None
        if field == "hashtags" and text.strip() and not edited.hashtags:
            raise InvalidInput("brief.error.hashtags")
        await self.repos.requests.update_fields(
            request_id, {"brief": edited.model_dump(mode="json")}
        )
        return edited
