"""/myreport and /mystats over the emulator (issue #7): the founder sees their
request, who covered it and the links (escaped) with reach by platform; ambassador A
sees their stats and opts in to the leaderboard and out again; each command refuses
the other role, and a forged toggle from the founder changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.reference import label
from bot.ui.callbacks import MineCB
from sandbox import Emulator
from storage.models import Assignment
from storage.repositories import Repositories
from tests.e2e.conftest import RunningBot
from tests.e2e.flows import t
from tests.e2e.story_flows import LANG, A, B, seed
from tests.factories import open_request

URL = "https://example.com/post?a=1&b=<2>"


async def test_myreport_mystats_and_leaderboard(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    world = await seed(running_bot, emulator, ambassadors=2)
    now = running_bot.clock()
    async with world.sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        startup = await repos.startups.get_by_user(world.founder.id)
        lan = await repos.ambassadors.get_by_user(A)
        minh = await repos.ambassadors.get_by_user(B)
        assert startup and lan and minh
        rid = await open_request(repos, startup.id, need="media", deadline=now + timedelta(days=5))
        for amb, status in ((lan.id, "published"), (minh.id, "accepted")):
            offer = await repos.assignments.offer(
                request_id=rid,
                ambassador_id=amb,
                score=1.0,
                reasons=[],
                offered_at=now,
                expires_at=now + timedelta(days=1),
            )
            assert offer is not None
            await s.execute(
                update(Assignment)
                .where(Assignment.id == offer.id)
                .values(status=status, published_at=now if status == "published" else None)
            )
            if status == "published":
                await repos.links.add(
                    assignment_id=offer.id,
                    request_id=rid,
                    startup_id=startup.id,
                    ambassador_id=amb,
                    submitted_by=A,
                    platform="tiktok",
                    original_url=URL,
                    normalized_url=URL,
                    sponsored=False,
                    late=False,
                    submitted_at=now,
                )
        assert await repos.outcomes.claim(rid, now)
        await repos.outcomes.update(
            rid, answered_at=now, kinds=["investor", "media"], note="Quỹ A&B <hẹn gặp>"
        )

    founder, lan_user = world.founder, world.ambassadors[A]
    await founder.send("/myreport")
    report = await founder.expect_message()
    text = report.text or ""
    assert "Nông Trại Số" in text and URL in text
    assert "Lan ✅" in text and "Minh ⏳" in text
    tiktok = label("platforms", "tiktok", LANG)
    total = t(LANG, "mine.report.total", platform=tiktok, links="1", reach="50.000")
    assert total in text.split("\n")  # Lan's TikTok channel: 50,000
    assert "a=1&amp;b=&lt;2&gt;" in (report.html or "")
    kinds = f"{t(LANG, 'outcome.kind.investor')}, {t(LANG, 'outcome.kind.media')}"
    assert t(LANG, "mine.report.outcome", kinds=kinds) in text.split("\n")
    assert "📝 Quỹ A&amp;B &lt;hẹn gặp&gt;" in (report.html or "").split("\n")

    await lan_user.send("/mystats")
    stats = await lan_user.expect_message()
    assert t(LANG, "mine.stats.rate", rate="100%") in (stats.text or "")
    assert t(LANG, "mine.stats.opt_in", peers="0") in (stats.text or "")
    assert stats.button_texts == [t(LANG, "mine.btn.show")]
    answer = await lan_user.press_data(MineCB(action="lb").pack(), message=stats)
    assert answer.text == t(LANG, "mine.lb.on")
    stats = await lan_user.expect_edit()
    assert t(LANG, "mine.stats.rank", rank="1", peers="1") in (stats.text or "")
    assert stats.button_texts == [t(LANG, "mine.btn.hide")]
    answer = await lan_user.press_data(MineCB(action="lb").pack(), message=stats)
    assert answer.text == t(LANG, "mine.lb.off")
    stats = await lan_user.expect_edit()
    assert stats.button_texts == [t(LANG, "mine.btn.show")]

    # The wrong role: told clearly; a forged toggle changes nothing.
    await founder.send("/mystats")
    assert (await founder.expect_message()).text == t(LANG, "mine.error.not_ambassador")
    await lan_user.send("/myreport")
    assert (await lan_user.expect_message()).text == t(LANG, "mine.error.not_startup")
    forged = await founder.press_data(MineCB(action="lb").pack(), message=stats)
    assert forged.show_alert and forged.text == t(LANG, "mine.error.not_ambassador")
    async with world.sessionmaker() as s:
        lan_after = await Repositories.bind(s).ambassadors.get_by_user(A)
        assert lan_after is not None and lan_after.leaderboard is False
