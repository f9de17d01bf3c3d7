"""The organizer's view of a broadcast while it goes out, and its final report.

A scheduled pass (every ``PROGRESS_SECONDS``) looks at every broadcast that is
sending, or over without a report yet:

- sending: the progress message (bar, sent / failed / left, rate, ETA, Stop) is
  edited when its text changed; a scheduled broadcast that just started gets a new
  one. The rate is measured over the last minute of passes (after a restart, over
  the whole run until samples accumulate).
- done or stopped: once no row is in flight (or the lease of a dead sender ran
  out), the progress message shows the final numbers without Stop, and the report
  is sent with its CSV buttons. ``reported_at`` is set by compare-and-set in the
  same transaction as the send, so the report goes out once even with two bot
  processes, and again on the next pass if Telegram failed.

Edits are one message every few seconds: far inside Telegram's limits, and they
leave the broadcast's own budget alone.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translator
from bot.jobs import ScheduledPass
from bot.services.broadcasts import LEASE, Report
from bot.ui.broadcasts import progress_kb, progress_text, report_kb, report_text
from storage.dto import BroadcastDTO, DeliveryCounts

log = logging.getLogger(__name__)

#: How often the progress message may change.
PROGRESS_SECONDS = 5
#: Samples kept per broadcast for the rate (a minute at the default interval).
SAMPLES = 12

T = Callable[..., str]


class BroadcastProgress(ScheduledPass):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        translator: Translator,
        clock: Clock,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(sessionmaker, settings, translator, clock)
        self.monotonic = monotonic
        self._samples: dict[int, deque[tuple[float, int]]] = {}
        self._shown: dict[int, str] = {}

    async def run_once(self, bot: Bot) -> None:
        async with self.services() as services:
            items = [
                (b, await services.broadcasts.counts(b.id))
                for b in await services.broadcasts.unreported()
            ]
            languages = await services.users.languages(
                [b.created_by for b, _ in items], self.translator.default
            )
        for broadcast, counts in items:
            t = self.translator.bind(languages.get(broadcast.created_by, self.translator.default))
            try:
                if broadcast.status == "sending":
                    await self._progress(bot, broadcast, counts, t)
                else:
                    await self._finish(bot, broadcast, counts, t)
            except TelegramAPIError as exc:  # the organizer's chat: try again next pass
                log.warning(
                    "broadcast progress not shown",
                    extra={"broadcast": broadcast.id, "error": str(exc)},
                )

    # -- sending ------------------------------------------------------------------------

    def rate(self, broadcast: BroadcastDTO, counts: DeliveryCounts) -> float | None:
        """Messages a second, over the recent samples (or the whole run so far)."""
        done = counts.sent + sum(counts.failed.values())
        now = self.monotonic()
        samples = self._samples.setdefault(broadcast.id, deque(maxlen=SAMPLES))
        samples.append((now, done))
        first_at, first_done = samples[0]
        if now - first_at >= 2:
            return (done - first_done) / (now - first_at)
        if broadcast.started_at is not None and done:
            elapsed = (self.clock() - broadcast.started_at).total_seconds()
            return done / elapsed if elapsed > 0 else None
        return None

    async def _progress(
        self, bot: Bot, broadcast: BroadcastDTO, counts: DeliveryCounts, t: T
    ) -> None:
        text = progress_text(broadcast, counts, self.rate(broadcast, counts), t)
        if broadcast.progress_message_id is None:
            await self._new_progress(bot, broadcast, text, t)
        elif self._shown.get(broadcast.id) != text:
            await self._edit(bot, broadcast, text, t, stop_button=True)
        self._shown[broadcast.id] = text

    async def _new_progress(self, bot: Bot, broadcast: BroadcastDTO, text: str, t: T) -> None:
        message = await bot.send_message(
            broadcast.created_by, text, reply_markup=progress_kb(broadcast.id, t)
        )
        async with self.services() as services:
            await services.broadcasts.set_progress_message(
                broadcast.id, message.chat.id, message.message_id
            )

    async def _edit(
        self, bot: Bot, broadcast: BroadcastDTO, text: str, t: T, *, stop_button: bool
    ) -> None:
        assert broadcast.progress_chat_id is not None
        assert broadcast.progress_message_id is not None
        markup = progress_kb(broadcast.id, t) if stop_button else None
        try:
            await bot.edit_message_text(
                text,
                chat_id=broadcast.progress_chat_id,
                message_id=broadcast.progress_message_id,
                reply_markup=markup,
            )
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return
            if stop_button:  # the message is gone (deleted): a new one
                await self._new_progress(bot, broadcast, text, t)

    # -- over -----------------------------------------------------------------------------

    async def _finish(
        self, bot: Bot, broadcast: BroadcastDTO, counts: DeliveryCounts, t: T
    ) -> None:
        ended = broadcast.finished_at or self.clock()
        if counts.claimed and self.clock() - ended < LEASE:  # Stop: sends still in flight
            await self._progress(bot, broadcast, counts, t)
            return
        async with self.services() as services:
            if not await services.broadcasts.mark_reported(broadcast.id):
                return  # another process reported it
            report = await services.broadcasts.report(broadcast.id)
            failed = await services.broadcasts.lines(broadcast.id, only_failed=True, limit=50)
            if broadcast.progress_message_id is not None:
                with contextlib.suppress(TelegramBadRequest):
                    text = progress_text(report.broadcast, report.counts, _average(report), t)
                    await self._edit(bot, broadcast, text, t, stop_button=False)
            await bot.send_message(
                broadcast.created_by,
                report_text(report, failed, t),
                reply_markup=report_kb(report, t),
            )
        self._samples.pop(broadcast.id, None)
        self._shown.pop(broadcast.id, None)


def _average(report: Report) -> float | None:
    """Messages a second over the whole run (the final progress line)."""
    b = report.broadcast
    if b.started_at is None or b.finished_at is None:
        return None
    elapsed = (b.finished_at - b.started_at).total_seconds()
    done = report.counts.sent + sum(report.counts.failed.values())
    return done / elapsed if elapsed > 0 else None
