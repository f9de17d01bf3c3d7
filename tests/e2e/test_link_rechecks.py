"""Links checked again, end to end: the real bot against the emulator and a loopback
site whose answers change, the fake clock moved by hand and the scheduled passes run
as the sandbox's time jump runs them (``run_scheduled_passes``).

A site down for a moment (503, then 200): Lan hears her link looks broken, an hour
later the re-check finds it working and she hears that too; the stored status is
200. A post removed later (200, then 404 a week on): the 7-day re-check tells her it
no longer opens, and the organizers' /links marks it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web

from bot.time_travel import jump as time_travel
from sandbox import Emulator, SimMessage
from storage.dto import LinkDTO
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.e2e import conftest
from tests.e2e.conftest import ORGANIZER_ID, RunningBot, make_settings, open_organizer_chats
from tests.e2e.flows import t
from tests.e2e.story_flows import LANG, STORY, A, World, seed
from tests.e2e.test_links import NEWS_HOST, loopback_resolver, one_accepted_story

Site = dict[str, int]


@pytest.fixture
async def start_bot(
    emulator: Emulator, migrated_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Callable[[], Awaitable[RunningBot]]]:
    """The bot with link checks on, its checker (first checks and re-checks alike)
    sending ``NEWS_HOST`` to 127.0.0.1 (allowed); the scheduler's own timers stopped,
    so only the passes a test runs are run."""
    real = conftest.create_dispatcher
    running: list[RunningBot] = []

    def create_dispatcher(settings: Any, sessionmaker: Any, **kwargs: Any) -> Any:
        parts = real(settings, sessionmaker, **kwargs)
        parts.link_checks.resolver = loopback_resolver
        parts.link_checks.allow_hosts = frozenset({"127.0.0.1"})
        return parts

    monkeypatch.setattr(conftest, "create_dispatcher", create_dispatcher)

    async def start() -> RunningBot:
        runner = RunningBot(make_settings(emulator, migrated_url, link_check=True), clock)
        await runner.start()
        running.append(runner)
        assert runner.parts is not None
        await runner.parts.scheduler.stop()
        await open_organizer_chats(emulator)
        return runner

    yield start
    for runner in running:
        await runner.stop()


@pytest.fixture
async def site() -> AsyncIterator[tuple[Site, int]]:
    """A loopback news site: path -> the status it answers now (tests change it)."""
    statuses: Site = {}

    async def page(request: web.Request) -> web.Response:
        status = statuses.get(request.path, 404)
        body = f"<html><head><title>Nông Trại Số {status}</title></head><body>{STORY}</body></html>"
        return web.Response(status=status, text=body, content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield statuses, runner.addresses[0][1]
    finally:
        await runner.cleanup()


async def submit_checked(runner: RunningBot, world: World, url: str) -> None:
    """Lan sends ``url`` for her story and confirms; the first check is done."""
    assert runner.parts is not None
    lan = world.ambassadors[A]
    await lan.send("/submit")
    await lan.expect_message()
    await lan.send(f"Bài đây: {url}")
    card = await lan.expect_message()
    await lan.press(t(LANG, "link.btn.confirm"), message=card)
    await lan.expect_edit()
    await world.founder.expect_message()
    await runner.parts.link_checks.wait()


async def jump(runner: RunningBot, delta: timedelta) -> dict[str, bool]:
    """The sandbox's time jump (``bot/time_travel.jump``) on the test's clock."""
    assert runner.parts is not None and runner.bot is not None
    results = await time_travel(runner.clock, delta, runner.parts, runner.bot)
    assert [r.error for r in results if r.error] == []
    return {r.name: r.ran for r in results}


async def stored(world: World, story: int) -> LinkDTO:
    async with world.sessionmaker() as session:
        (link,) = await Repositories.bind(session).links.for_assignment(story)
    return link


def bot_messages_since(world: World, seen: int) -> list[SimMessage]:
    return [m for m in world.ambassadors[A].messages()[seen:] if m.from_bot]


def assert_reads(message: SimMessage, key: str, **params: Any) -> None:
    """``message`` is ``key``'s text (whatever the story's title in it)."""
    head, tail = t(LANG, key, title="\x00", **params).split("\x00")
    assert message.text.startswith(head) and message.text.endswith(tail), message.text
    assert "Nông Trại Số" in message.text


async def test_a_link_down_for_a_moment_is_reported_then_cleared(
    start_bot: Callable[[], Awaitable[RunningBot]], emulator: Emulator, site: tuple[Site, int]
) -> None:
    statuses, port = site
    runner = await start_bot()
    world = await seed(runner, emulator, ambassadors=1)
    story = await one_accepted_story(world, runner.clock)
    lan = world.ambassadors[A]
    url = f"http://{NEWS_HOST}:{port}/bai-viet"
    statuses["/bai-viet"] = 503

    await submit_checked(runner, world, url)
    warning = await lan.expect_message()
    assert url in warning.text and t(LANG, "link.check.http", status=503) in warning.text
    assert warning.button_texts == [t(LANG, "link.btn.fix")]
    assert (await stored(world, story)).check_status == 503

    statuses["/bai-viet"] = 200  # back up
    ran = await jump(runner, timedelta(minutes=59))  # not due yet
    assert ran["link-rechecks"]
    await lan.expect_silence()
    assert (await stored(world, story)).check_status == 503

    await jump(runner, timedelta(minutes=1))  # an hour after the failure
    fine = await lan.expect_message()
    assert_reads(fine, "link.fixed", url=url)
    assert not fine.button_texts
    link = await stored(world, story)
    assert link.check_status == 200 and link.check_error is None
    assert link.title == "Nông Trại Số 200" and link.checked_at == runner.clock()

    await jump(runner, timedelta(days=1))  # working: nothing more until the 7-day check
    await lan.expect_silence()
    assert (await stored(world, story)).checked_at == runner.clock() - timedelta(days=1)


async def test_a_link_removed_later_is_caught_by_the_7_day_check(
    start_bot: Callable[[], Awaitable[RunningBot]], emulator: Emulator, site: tuple[Site, int]
) -> None:
    statuses, port = site
    runner = await start_bot()
    world = await seed(runner, emulator, ambassadors=1)
    story = await one_accepted_story(world, runner.clock)
    lan = world.ambassadors[A]
    url = f"http://{NEWS_HOST}:{port}/bai-viet"
    statuses["/bai-viet"] = 200

    await submit_checked(runner, world, url)
    await lan.expect_silence()  # it works: nothing to say
    submitted = (await stored(world, story)).submitted_at

    del statuses["/bai-viet"]  # the post is taken down: 404
    await jump(runner, timedelta(days=6, hours=23))
    assert (await stored(world, story)).check_status == 200  # not re-checked yet
    seen = len(lan.messages())  # the daily digests meanwhile are not about links
    await jump(runner, timedelta(hours=1))  # 7 days after it was submitted
    assert runner.clock() == submitted + timedelta(days=7)
    (removed,) = [m for m in bot_messages_since(world, seen) if url in m.text]
    reason = t(LANG, "link.check.http", status=404)
    assert_reads(removed, "link.broken_later", url=url, reason=reason)
    assert removed.button_texts == [t(LANG, "link.btn.fix")]
    link = await stored(world, story)
    assert link.check_status == 404 and link.checked_at == runner.clock()

    organizer = emulator.user(id=ORGANIZER_ID)
    organizer.drain()
    await organizer.send("/links")
    listing = await organizer.expect_message()
    assert url in listing.text
    assert t(LANG, "links.check.broken", reason=reason) in listing.text

    # Still gone at the retries: not told again; after the last one, left alone.
    seen = len(lan.messages())
    for hours in (1, 6, 24):
        await jump(runner, timedelta(hours=hours))
        assert (await stored(world, story)).checked_at == runner.clock()
    assert not [m for m in bot_messages_since(world, seen) if url in m.text]
    last = (await stored(world, story)).checked_at
    await jump(runner, timedelta(days=3))
    assert (await stored(world, story)).checked_at == last
