"""Published links end to end: the real bot over HTTP against the emulator.

Two ambassadors accept a story. Lan sends /submit and one message with two links (a
Facebook post with utm_ parameters, and a news article hidden behind words: a
text_link entity), marks the second as sponsored and confirms: the startup gets
the links, her story is published. Minh sends the same article: refused, with where
it was recorded. A forged "Submit link" for Lan's story is refused. The organizer
exports a CSV (BOM, each link once) and browses /links. Finally the background
check: a link answering 404 on a loopback server is reported to its ambassador, who
replaces it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web

from bot.clock import system_clock
from bot.i18n import default_translator
from bot.link_checks import LinkChecks, install
from bot.ui.callbacks import LinkCB
from sandbox import Emulator, SimMessage, SimUser
from sandbox.entities import utf16_len
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.e2e import conftest
from tests.e2e.conftest import ORGANIZER_ID, RunningBot, make_settings, open_organizer_chats
from tests.e2e.flows import t
from tests.e2e.story_flows import FOUNDER, LANG, STORY, A, B, World, seed, submit_pitch

#: A news site name the fake resolver sends to the loopback test server.
NEWS_HOST = "tin.nongtraiso-test.vn"
FACEBOOK = "https://m.facebook.com/nongtraiso/posts/123?utm_source=zalo&utm_medium=social"
FACEBOOK_NORMALIZED = "https://www.facebook.com/nongtraiso/posts/123"
ARTICLE = "https://vnexpress.net/nong-trai-so-tiet-kiem-nuoc-4790000.html"
TUOITRE = "https://tuoitre.vn/nong-trai-so-2026.htm"


async def loopback_resolver(host: str) -> list[str]:
    return ["127.0.0.1"] if host == NEWS_HOST else []


@pytest.fixture
async def start_bot(
    emulator: Emulator, migrated_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Callable[..., Awaitable[tuple[RunningBot, LinkChecks]]]]:
    """Start the bot with a ``LinkChecks`` whose resolver sends ``NEWS_HOST`` to
    127.0.0.1 (allowed), whatever ``create_dispatcher`` wires itself."""
    installed: list[LinkChecks] = []
    running: list[tuple[RunningBot, LinkChecks]] = []
    real = conftest.create_dispatcher

    def create_dispatcher(settings: Any, sessionmaker: Any, **kwargs: Any) -> Any:
        parts = real(settings, sessionmaker, **kwargs)
        checks = install(
            parts.dispatcher,
            sessionmaker,
            settings,
            default_translator(settings.default_language),
            kwargs.get("clock", system_clock),
            resolver=loopback_resolver,
            allow_hosts=frozenset({"127.0.0.1"}),
        )
        installed.append(checks)
        return parts

    monkeypatch.setattr(conftest, "create_dispatcher", create_dispatcher)

    async def start(*, link_check: bool) -> tuple[RunningBot, LinkChecks]:
        runner = RunningBot(make_settings(emulator, migrated_url, link_check=link_check), clock)
        await runner.start()
        running.append((runner, installed[-1]))
        await open_organizer_chats(emulator)
        return running[-1]

    yield start
    for runner, checks in running:
        await checks.close()
        await runner.stop()


async def accept_both(world: World) -> None:
    """The founder pitches for two ambassadors; Lan and Minh accept."""
    await submit_pitch(world.founder, wanted=2)
    for user_id in (A, B):
        person = world.ambassadors[user_id]
        offer = await person.expect_message()
        await person.press(t(LANG, "offer.btn.accept"), message=offer)
        await person.expect_edit()
        await person.expect_message()  # the full brief
        await world.founder.expect_message()  # "… accepted"


async def story_id(world: World, user_id: int) -> int:
    async with world.sessionmaker() as session:
        repos = Repositories.bind(session)
        ambassador = await repos.ambassadors.get_by_user(user_id)
        assert ambassador is not None
        (assignment,) = await repos.assignments.for_ambassador(
            ambassador.id, ["accepted", "overdue", "published"]
        )
        return assignment.id


def link_message(before: str, words: str, after: str, url: str) -> tuple[str, list[dict[str, Any]]]:
    """``before words after`` with ``words`` a text_link to ``url``."""
    text = f"{before}{words}{after}"
    entity = {"type": "text_link", "offset": utf16_len(before), "length": utf16_len(words)}
    return text, [{**entity, "url": url}]


async def test_submit_confirm_duplicate_forged_export_and_list(
    start_bot: Callable[..., Awaitable[tuple[RunningBot, LinkChecks]]], emulator: Emulator
) -> None:
    runner, _ = await start_bot(link_check=False)
    world = await seed(runner, emulator, ambassadors=2)
    await accept_both(world)
    lan, minh, founder = world.ambassadors[A], world.ambassadors[B], world.founder
    lan_story = await story_id(world, A)

    # /submit: one story, so the question comes at once.
    await lan.send("/submit")
    ask = await lan.expect_message()
    assert "Nông Trại Số" in ask.text and ask.html is not None and "/cancel" in ask.html
    await lan.send("Chưa có link đâu, mai nhé 🙏")
    assert (await lan.expect_message()).html == t(LANG, "link.error.none")
    text, entities = link_message(f"Bài đây 🎉 {FACEBOOK} và ", "bài trên báo", " nhé!", ARTICLE)
    await lan.send(text, entities=entities)
    card = await lan.expect_message()
    assert FACEBOOK_NORMALIZED in card.text and ARTICLE in card.text and "utm_" not in card.text
    assert card.button_texts == [
        t(LANG, "link.btn.editorial", n=1),
        t(LANG, "link.btn.editorial", n=2),
        t(LANG, "link.btn.confirm"),
        t(LANG, "link.btn.cancel"),
    ]
    await lan.press(t(LANG, "link.btn.editorial", n=2), message=card)
    toggled = await lan.expect_edit()
    assert t(LANG, "link.btn.sponsored", n=2) in toggled.button_texts
    answer = await lan.press(t(LANG, "link.btn.confirm"), message=toggled)
    assert answer.text == t(LANG, "link.recorded_toast")
    done = await lan.expect_edit()
    assert done.buttons == [] and FACEBOOK_NORMALIZED in done.text
    assert t(LANG, "link.thanks_published") in done.text
    assert t(LANG, "link.startup_told") in done.text
    news = await founder.expect_message()
    assert "Lan" in news.text and FACEBOOK_NORMALIZED in news.text and ARTICLE in news.text
    assert t(LANG, "links.mark.sponsored") in news.text
    # a card already confirmed does nothing any more
    stale = await lan.press_data(LinkCB(action="confirm", id=lan_story).pack(), message=done)
    assert stale.show_alert and stale.text == t(LANG, "error.stale_button")

    async with world.sessionmaker() as session:
        repos = Repositories.bind(session)
        story = await repos.assignments.get(lan_story)
        assert story is not None and story.status == "published" and story.published_at
        links = await repos.links.for_assignment(lan_story)
        assert [(x.normalized_url, x.platform, x.sponsored, x.late) for x in links] == [
            (FACEBOOK_NORMALIZED, "facebook", False, False),
            (ARTICLE, "press", True, False),
        ]
        assert links[0].original_url == FACEBOOK and links[0].submitted_by == A
        reminders = await repos.reminders.for_assignment(lan_story)
        assert reminders and {r.status for r in reminders} == {"cancelled"}

    # Minh, from his /assignments card, sends the same article: refused, with where.
    await minh.send("/assignments")
    minh_card = await minh.expect_message()
    assert t(LANG, "link.btn.submit") in minh_card.button_texts
    # A forged "Submit link" for Lan's story first.
    forged = await minh.press_data(LinkCB(action="start", id=lan_story).pack(), message=minh_card)
    assert forged.show_alert and forged.text == t(LANG, "error.not_allowed")
    await minh.press(t(LANG, "link.btn.submit"), message=minh_card)
    await minh.expect_message()  # "send the links"
    await minh.send(ARTICLE + "?utm_campaign=share")
    refused = await minh.expect_message()
    assert refused.text.startswith(t(LANG, "link.none_valid"))
    assert "Nông Trại Số" in refused.text and "#1" in refused.text
    assert "09:00 02/03/2026" in refused.text  # when it was recorded (local time)
    # still asked for links: he forwards his channel's post instead
    post = f"Nông Trại Số tiết kiệm 30% nước 👉 {TUOITRE}"
    await minh.forward(post, from_chat_title="Kênh của Minh")
    minh_links = await minh.expect_message()
    await minh.press(t(LANG, "link.btn.confirm"), message=minh_links)
    assert TUOITRE in (await minh.expect_edit()).text
    assert "Minh" in (await founder.expect_message()).text
    async with world.sessionmaker() as session:
        assert await Repositories.bind(session).links.count() == 3

    # The organizer exports everything: a CSV with a BOM, each link once.
    organizer = emulator.user(id=ORGANIZER_ID)
    await organizer.send("/export")
    question = await organizer.expect_message()
    periods = ("7d", "30d", "month", "all")
    assert question.button_texts[:4] == [t(LANG, f"links.export.{p}") for p in periods]
    assert question.button_texts[4:] == [t(LANG, "export.btn.full")]
    await organizer.press(t(LANG, "links.export.all"), message=question)
    sent = await organizer.expect_message()
    assert sent.document is not None and sent.document["file_name"].endswith(".csv")
    everything = t(LANG, "links.export.all")
    assert sent.caption == t(LANG, "links.export.caption", count=3, period=everything)
    raw = emulator.world.files[sent.document["file_id"]].data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == t(LANG, "links.csv.submitted_at") and len(rows[0]) == 11
    urls = [row[5] for row in rows[1:]]
    assert sorted(urls) == sorted([FACEBOOK_NORMALIZED, ARTICLE, TUOITRE])
    by_url = {row[5]: row for row in rows[1:]}
    assert by_url[ARTICLE][1] == "Nông Trại Số" and by_url[ARTICLE][3] == "Lan"
    assert by_url[ARTICLE][7] == t(LANG, "links.csv.yes")
    assert by_url[FACEBOOK_NORMALIZED][6] == FACEBOOK
    assert by_url[FACEBOOK_NORMALIZED][0] == "2026-03-02 09:00"

    # /links: newest first, with a button per line to see one startup's links.
    await organizer.send("/links")
    listing = await organizer.expect_message()
    assert listing.text.index(ARTICLE) < listing.text.index(FACEBOOK_NORMALIZED)
    await organizer.press(listing.button_texts[0], message=listing)
    filtered = await organizer.expect_edit()
    assert filtered.text.startswith("🔗 Liên kết cho Nông Trại Số")
    assert t(LANG, "links.btn.all") in filtered.button_texts
    # ambassadors cannot page through the organizers' list, forged or not
    peek = await lan.press_data(LinkCB(action="list", value=".0").pack(), message=done)
    assert peek.show_alert and peek.text == t(LANG, "error.not_allowed")


async def start_site(status_by_path: dict[str, int]) -> tuple[web.AppRunner, int]:
    async def page(request: web.Request) -> web.Response:
        status = status_by_path.get(request.path, 404)
        body = f"<html><head><title>Nông Trại Số {status}</title></head><body>{STORY}</body></html>"
        return web.Response(status=status, text=body, content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, runner.addresses[0][1]


async def one_accepted_story(world: World, clock: FakeClock) -> int:
    """Lan holds an accepted story of the founder's (set up directly)."""
    async with world.sessionmaker() as session, session.begin():
        repos = Repositories.bind(session)
        startup = await repos.startups.get_by_user(FOUNDER)
        ambassador = await repos.ambassadors.get_by_user(A)
        assert startup is not None and ambassador is not None
        request = await repos.requests.create_draft(
            startup.id, need="media", story=STORY, deadline=clock() + timedelta(days=7), wanted=1
        )
        await repos.requests.transition(request.id, from_statuses=["draft"], to_status="open")
        offer = await repos.assignments.offer(
            request_id=request.id,
            ambassador_id=ambassador.id,
            score=1.0,
            reasons=[],
            offered_at=clock(),
            expires_at=clock() + timedelta(days=1),
        )
        assert offer is not None
        await repos.assignments.transition(
            offer.id, from_statuses=["offered"], to_status="accepted"
        )
        return offer.id


async def submit(person: SimUser, text: str) -> SimMessage:
    await person.send(text)
    card = await person.expect_message()
    await person.press(t(LANG, "link.btn.confirm"), message=card)
    return await person.expect_edit()


async def test_a_broken_link_is_reported_and_replaced(
    start_bot: Callable[..., Awaitable[tuple[RunningBot, LinkChecks]]], emulator: Emulator
) -> None:
    runner, checks = await start_bot(link_check=True)
    site, port = await start_site({"/bai-viet": 200})
    try:
        world = await seed(runner, emulator, ambassadors=1)
        story = await one_accepted_story(world, runner.clock)
        lan = world.ambassadors[A]

        await lan.send("/submit")
        await lan.expect_message()
        gone = f"http://{NEWS_HOST}:{port}/bai-cu"
        await lan.send_photo(caption=f"Ảnh chụp bài: {gone}")  # links in a caption count too
        card = await lan.expect_message()
        await lan.press(t(LANG, "link.btn.confirm"), message=card)
        await lan.expect_edit()
        await world.founder.expect_message()
        await checks.wait()
        warning = await lan.expect_message()
        assert gone in warning.text and t(LANG, "link.check.http", status=404) in warning.text
        assert warning.button_texts == [t(LANG, "link.btn.fix")]

        # "Send the right link": it replaces the broken one.
        await lan.press(t(LANG, "link.btn.fix"), message=warning)
        ask = await lan.expect_message()
        assert gone in ask.text
        right = f"http://{NEWS_HOST}:{port}/bai-viet"
        done = await submit(lan, right)
        assert right in done.text and t(LANG, "link.replaced", url=gone) in done.text
        assert t(LANG, "link.thanks_more") in done.text  # the story was already published
        await world.founder.expect_message()
        await checks.wait()
        await lan.expect_silence()

        async with world.sessionmaker() as session:
            (link,) = await Repositories.bind(session).links.for_assignment(story)
        assert link.normalized_url == right and link.check_status == 200
        assert link.title == "Nông Trại Số 200" and link.mentions_startup is True
        assert link.checked_at is not None and link.check_error is None
    finally:
        await site.cleanup()
