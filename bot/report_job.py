"""The weekly report (issue #7): every Monday at ``WEEKLY_AT`` local time, each
organizer who subscribed (🔔 under /report's chart) gets the report of the 7 days
before (on a Monday: the last ISO week, Monday to Sunday), the message and the chart.

Once per ISO week even with two processes: the first to insert the ``job_runs`` row
``("weekly-report", "<year>-W<week>")`` sends it (``ReportService.claim_week``).
Subscribers who are no longer organizers are skipped. The report is built once; the
chart is drawn once per language, in a worker thread, outside any transaction.
"""

from __future__ import annotations

import logging
from datetime import time

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile

from bot.jobs import ScheduledPass
from bot.services.reports import WEEK
from bot.ui.report_chart import render_chart
from bot.ui.reports import report_text, subscription_kb

log = logging.getLogger(__name__)

#: When the weekly report goes out: Mondays at this local time.
WEEKLY_AT = time(8, 0)
WEEKLY_DAY = "mon"


class WeeklyReportJob(ScheduledPass):
    async def run_once(self, bot: Bot) -> int:
        """Send this week's report to every subscribed organizer (once per ISO week);
        how many got it."""
        async with self.services() as services:
            if not await services.reports.claim_week():
                return 0
            organizers = [
                user_id
                for user_id in await services.reports.weekly_subscribers()
                if await services.organizers.is_organizer(user_id)
            ]
            if not organizers:
                return 0
            report = await services.reports.for_period(WEEK)
            languages = await services.users.languages(organizers, self.translator.default)
        charts: dict[str, bytes] = {}
        sent = 0
        filename = f"report-{report.first_day:%Y%m%d}-{report.last_day:%Y%m%d}.png"
        for user_id in organizers:
            lang = languages[user_id]
            t = self.translator.bind(lang)
            if lang not in charts:
                charts[lang] = await render_chart(report, lang, t)
            try:
                await bot.send_message(user_id, report_text(report, t, lang))
                await bot.send_photo(
                    user_id,
                    BufferedInputFile(charts[lang], filename=filename),
                    reply_markup=subscription_kb(True, t),
                )
            except TelegramAPIError as exc:
                log.warning(
                    "weekly report not delivered", extra={"chat_id": user_id, "error": str(exc)}
                )
                continue
            sent += 1
        log.info("weekly report sent", extra={"count": sent})
        return sent
