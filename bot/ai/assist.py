"""AI assistance running beside the conversation (issue #6), never in its way.

A handler hands over what the prompt needs (values it already read) and returns at
once; the call runs as a background task (``TaskRegistry``: no update's session,
waited for at shutdown), at most ``CONCURRENCY`` at a time across the process. When
it ends, a short unit of work stores the result and the bot writes to the person.

With no key, on a timeout, an error or output that fails validation, the person
keeps the deterministic path: for a brief, their own text (and a quiet, silent
note when AI was on but failed); for drafts and the rest, the template result.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.ai.client import AIClient
from bot.ai.schemas import Brief
from bot.background import TaskRegistry
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translator
from bot.jobs import unit_of_work
from bot.notifications import safe_send
from bot.provinces import region_label
from bot.reference import codes, label, labels
from bot.ui.ai_brief import proposal_kb, proposal_text
from storage.dto import StartupDTO, StoryRequestDTO

log = logging.getLogger(__name__)

#: AI calls in flight at once, across the process.
CONCURRENCY = 32
#: Seconds ``close`` waits for calls in flight at shutdown.
SHUTDOWN_GRACE = 25.0


def brief_variables(request: StoryRequestDTO, startup: StartupDTO, lang: str) -> dict[str, Any]:
    """What the brief prompt is given: the pitch and its startup, as data."""
    return {
        "language": lang,
        "company": startup.company_name or "",
        "sector": labels("sectors", startup.sectors, lang),
        "province": region_label(startup.province, lang) if startup.province else "",
        "need": label("needs", request.need, lang) if request.need else "",
        "story": request.story or "",
        "audiences": labels("audiences", request.audiences, lang),
        "platform_choices": [
            {"code": code, "label": label("platforms", code, lang)} for code in codes("platforms")
        ],
    }


class AIAssist:
    def __init__(
        self,
        client: AIClient,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        translator: Translator,
        clock: Clock,
        *,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.client = client
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.translator = translator
        self.clock = clock
        self.tasks = TaskRegistry("ai")
        self._slots = asyncio.Semaphore(concurrency)

    @property
    def enabled(self) -> bool:
        return self.client.enabled

    async def wait(self) -> None:
        await self.tasks.wait()

    async def close(self, grace: float = SHUTDOWN_GRACE) -> None:
        await self.tasks.close(grace)
        await self.client.close()

    async def generate(self, prompt: str, variables: dict[str, Any], output: Any, **kw: Any) -> Any:
        async with self._slots:
            return await self.client.generate(prompt, variables, output, **kw)

    # -- the brief of a pitch ----------------------------------------------------------

    def propose_brief(
        self, bot: Bot, request: StoryRequestDTO, startup: StartupDTO, lang: str
    ) -> None:
        """Suggest a structured brief for this pitch, later, in its own message."""
        if not self.enabled or not request.story:
            return
        variables = brief_variables(request, startup, lang)
        self.tasks.spawn(self._propose_brief(bot, request.id, startup.user_id, lang, variables))

    async def _propose_brief(
        self, bot: Bot, request_id: int, user_id: int, lang: str, variables: dict[str, Any]
    ) -> None:
        t = self.translator.bind(lang)
        try:
            result = await self.generate(
                "brief", variables, Brief, feature="brief", user_id=user_id
            )
            if not result.ok:
                await safe_send(bot, user_id, t("brief.ai.unavailable"), disable_notification=True)
                return
            async with unit_of_work(self.sessionmaker, self.settings, self.clock) as services:
                if not await services.briefs.propose(
                    request_id, result.value, result.prompt_version
                ):
                    return  # submitted or discarded meanwhile: the brief stays as it is
                await bot.send_message(
                    user_id,
                    proposal_text(result.value, lang, t),
                    reply_markup=proposal_kb(request_id, t),
                )
        except TelegramAPIError as exc:
            log.warning("brief proposal not delivered", extra={"error": str(exc)})
        except Exception:
            log.exception("brief proposal failed", extra={"request_id": request_id})
