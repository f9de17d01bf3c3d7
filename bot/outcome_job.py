"""Asking startups what came of their stories, 30 days after the links are in.

A daily pass (at ``ASK_AT`` local time, so nobody is asked at night) finds the due
requests (``OutcomeService.due``), claims each (one row per request: two processes
never ask twice) and sends the question with its buttons. A startup that blocked the
bot is not asked again; its request stays claimed.
"""

from __future__ import annotations

import logging
from datetime import time

from aiogram import Bot

from bot.jobs import ScheduledPass
from bot.notifications import safe_send
from bot.offer_notifications import recipient
from bot.ui.outcomes import question_kb, question_text

log = logging.getLogger(__name__)

#: When the daily pass runs (local time).
ASK_AT = time(10, 0)


class OutcomeJob(ScheduledPass):
    async def run_once(self, bot: Bot) -> int:
        """Ask every due request once; how many questions were sent."""
        asked = 0
        async with self.services() as services:
            for due in await services.outcomes.due():
                if not await services.outcomes.claim(due.request_id):
                    continue
                outcome = await services.outcomes.get(due.user_id, due.request_id)
                _, t = await recipient(services, self.translator, due.user_id)
                text = question_text(
                    due.request_id, due.company or "", due.story or "", due.links, t
                )
                if await safe_send(bot, due.user_id, text, reply_markup=question_kb(outcome, t)):
                    asked += 1
        if asked:
            log.info("outcome questions sent", extra={"count": asked})
        return asked
