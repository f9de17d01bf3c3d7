"""What came of a request, over the emulator: the daily pass asks the startup once,
30 days after the links are in; ticks (with "nothing yet" excluding the rest), a
typed note, Done; someone else's forged press is refused."""

from __future__ import annotations

from datetime import timedelta

from bot.ui.callbacks import OutcomeCB
from sandbox import Emulator
from storage.db import create_sessionmaker
from storage.repositories import Repositories
from tests.e2e.conftest import RunningBot
from tests.e2e.flows import t
from tests.services.test_outcomes import FOUNDER, NOW, OTHER_FOUNDER, seed

LANG = "vi"


async def test_asked_once_then_ticks_note_and_done(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    running_bot.clock.now = NOW
    async with create_sessionmaker(running_bot.engine)() as s, s.begin():
        ids = await seed(s)
    founder = emulator.user(id=FOUNDER, first_name="An", language_code=LANG)
    other = emulator.user(id=OTHER_FOUNDER, first_name="Bình", language_code=LANG)
    for person in (founder, other):
        await person.send("/start")
        await person.expect_message()
    assert running_bot.parts is not None and running_bot.bot is not None
    job = running_bot.parts.outcomes

    assert await job.run_once(running_bot.bot) == 0  # too early
    running_bot.clock.advance(timedelta(days=31))
    assert await job.run_once(running_bot.bot) == 1
    assert await job.run_once(running_bot.bot) == 0  # asked once
    question = await founder.expect_message()
    assert "Nông Trại Số" in question.text and "Nước tưới thông minh" in question.text

    await founder.press("☐ " + t(LANG, "outcome.kind.investor"), message=question)
    question = await founder.expect_edit()
    assert "☑ " + t(LANG, "outcome.kind.investor") in question.button_texts
    await founder.press(t(LANG, "outcome.btn.note"), message=question)
    assert (await founder.expect_message()).html == t(LANG, "outcome.ask_note")
    await founder.send("Một quỹ đã gọi điện")
    again = await founder.expect_message()
    assert "Một quỹ đã gọi điện" in again.text
    await founder.press(t(LANG, "outcome.btn.done"), message=again)
    done = await founder.expect_edit()
    assert done.html == t(
        LANG, "outcome.thanks", kinds=t(LANG, "outcome.kind.investor")
    ) + "\n" + t(LANG, "outcome.note_saved", note="Một quỹ đã gọi điện")
    async with create_sessionmaker(running_bot.engine)() as s:
        outcome = await Repositories.bind(s).outcomes.get(ids["r1"])
    assert outcome is not None and outcome.kinds == ("investor",)
    assert outcome.answered_at is not None
    # /myreport shows the answer on the request's lines.
    await founder.send("/myreport")
    lines = (await founder.expect_message()).html.split("\n")
    assert t(LANG, "mine.report.outcome", kinds=t(LANG, "outcome.kind.investor")) in lines
    assert t(LANG, "mine.report.outcome_note", note="Một quỹ đã gọi điện") in lines


async def test_someone_else_cannot_answer(running_bot: RunningBot, emulator: Emulator) -> None:
    running_bot.clock.now = NOW
    async with create_sessionmaker(running_bot.engine)() as s, s.begin():
        ids = await seed(s)
    other = emulator.user(id=OTHER_FOUNDER, first_name="Bình", language_code=LANG)
    await other.send("/start")
    reply = await other.expect_message()
    running_bot.clock.advance(timedelta(days=31))
    assert running_bot.parts is not None and running_bot.bot is not None
    await running_bot.parts.outcomes.run_once(running_bot.bot)
    forged = await other.press_data(
        OutcomeCB(action="toggle", id=ids["r1"], kind="media").pack(), message=reply
    )
    assert forged.show_alert and forged.text == t(LANG, "error.not_allowed")
