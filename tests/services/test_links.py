"""Submitting links: what a message would record (valid, invalid, already recorded and
where), confirming (sponsored flags, late, the publish transition, reminders stop),
a second batch, replacing a broken link, someone else's story, two people sending
the same link at once; organizers' lists and the export periods."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import InvalidInput, NotAllowed
from bot.services.assignment_states import InvalidTransition
from bot.services.link_check import LinkCheck
from bot.services.links import LinkLine, LinkService
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.factories import add_users, approved_ambassador, approved_startup, open_request

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FOUNDER, LAN, MINH = 1, 2, 3


@dataclass
class World:
    request_id: int
    startup_id: int
    ambassadors: dict[int, int]  # user id -> ambassador id
    stories: dict[int, int]  # user id -> assignment id


async def world(sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock) -> World:
    """One request due in 7 days, accepted by Lan and Minh."""
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, [FOUNDER, LAN, MINH], clock())
        startup = await approved_startup(repos, FOUNDER, company_name="Nông Trại Số")
        request_id = await open_request(
            repos, startup, need="media", wanted=2, deadline=clock() + timedelta(days=7)
        )
        ambassadors, stories = {}, {}
        for user_id in (LAN, MINH):
            amb = await approved_ambassador(repos, user_id, display_name=f"amb{user_id}")
            offer = await repos.assignments.offer(
                request_id=request_id,
                ambassador_id=amb,
                score=1.0,
                reasons=[],
                offered_at=clock(),
                expires_at=clock() + timedelta(days=1),
            )
            assert offer is not None
            assert await repos.assignments.transition(
                offer.id, from_statuses=["offered"], to_status="accepted"
            )
            await repos.reminders.plan(
                offer.id, [("before", 1, clock() + timedelta(days=5), False)]
            )
            ambassadors[user_id], stories[user_id] = amb, offer.id
    return World(request_id, startup, ambassadors, stories)


def service(repos: Repositories, clock: FakeClock) -> LinkService:
    return LinkService(repos, clock, tz=VN)


async def test_prepare_sorts_valid_invalid_and_known_links(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    w = await world(sessionmaker, clock)
    async with sessionmaker() as s, s.begin():
        links = service(Repositories.bind(s), clock)
        await links.confirm(LAN, w.stories[LAN], [("https://vnexpress.net/bai-1.html", False)])
    text = (
        "Bài đây: https://www.facebook.com/nongtraiso/posts/123?utm_source=zalo&fbclid=abc "
        "và bản báo https://vnexpress.net/bai-1.html, cả ftp://x.vn/a và http://127.0.0.1/a"
    )
    entities = [{"type": "text_link", "offset": 0, "length": 3, "url": "https://kenh14.vn/p/9"}]
    async with sessionmaker() as s:
        links = service(Repositories.bind(s), clock)
        prepared = await links.prepare(MINH, w.stories[MINH], text, entities)
    valid = [(d.normalized, d.platform) for d in prepared.valid]
    assert valid == [
        ("https://kenh14.vn/p/9", "press"),
        ("https://www.facebook.com/nongtraiso/posts/123", "facebook"),
    ]
    refused = {d.original: d for d in prepared.refused}
    assert refused["http://127.0.0.1/a"].error == "error.link_host"
    known = refused["https://vnexpress.net/bai-1.html"].duplicate
    assert known is not None and not known.mine
    assert known.company == "Nông Trại Số" and known.link.request_id == w.request_id
    assert known.link.submitted_at == clock()
    # ftp:// is not a web link: not even a candidate
    assert "ftp://x.vn/a" not in {d.original for d in prepared.drafts}


async def test_prepare_refuses_nothing_found_too_many_and_others_stories(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    w = await world(sessionmaker, clock)
    async with sessionmaker() as s:
        links = service(Repositories.bind(s), clock)
        with pytest.raises(InvalidInput) as none:
            await links.prepare(LAN, w.stories[LAN], "đã đăng rồi nhé", None)
        assert none.value.code == "link.error.none"
        many = " ".join(f"https://a.vn/{i}" for i in range(11))
        with pytest.raises(InvalidInput) as too_many:
            await links.prepare(LAN, w.stories[LAN], many, None)
        assert too_many.value.code == "link.error.too_many"
        with pytest.raises(NotAllowed):  # Minh's story id, forged by Lan
            await links.prepare(LAN, w.stories[MINH], "https://a.vn/1", None)
        with pytest.raises(NotAllowed):  # the founder is no ambassador
            await links.prepare(FOUNDER, w.stories[LAN], "https://a.vn/1", None)
        with pytest.raises(NotAllowed):
            await links.confirm(LAN, w.stories[MINH], [("https://a.vn/1", False)])


async def test_confirm_publishes_stops_reminders_and_keeps_flags(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    w = await world(sessionmaker, clock)
    clock.advance(timedelta(days=2))
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        done = await service(repos, clock).confirm(
            LAN,
            w.stories[LAN],
            [("https://youtu.be/abcdefgh?si=x", True), ("https://vnexpress.net/a.html", False)],
        )
    assert done.published_now and done.story.assignment.status == "published"
    assert [(link.normalized_url, link.sponsored, link.late) for link in done.stored] == [
        ("https://www.youtube.com/watch?v=abcdefgh", True, False),
        ("https://vnexpress.net/a.html", False, False),
    ]
    first = done.stored[0]
    assert first.original_url == "https://youtu.be/abcdefgh?si=x"
    assert first.platform == "youtube" and first.submitted_by == LAN
    assert (first.request_id, first.startup_id) == (w.request_id, w.startup_id)
    assert first.ambassador_id == w.ambassadors[LAN]
    async with sessionmaker() as s:
        repos = Repositories.bind(s)
        story = await repos.assignments.get(w.stories[LAN])
        assert story is not None and story.status == "published"
        assert story.published_at == clock()
        reminders = await repos.reminders.for_assignment(w.stories[LAN])
        assert {r.status for r in reminders} == {"cancelled"}
        assert LinkService.check_targets(done)[0].company_names == ("Nông Trại Số",)


async def test_late_links_publish_an_overdue_story(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    w = await world(sessionmaker, clock)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        assert await repos.assignments.transition(
            w.stories[LAN], from_statuses=["accepted"], to_status="overdue"
        )
    clock.advance(timedelta(days=9))
    async with sessionmaker() as s, s.begin():
        done = await service(Repositories.bind(s), clock).confirm(
            LAN, w.stories[LAN], [("https://a.vn/late", False)]
        )
    assert done.published_now and done.stored[0].late


async def test_a_second_batch_is_recorded_and_the_story_stays_published(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    w = await world(sessionmaker, clock)
    async with sessionmaker() as s, s.begin():
        await service(Repositories.bind(s), clock).confirm(
            LAN, w.stories[LAN], [("https://a.vn/1", False)]
        )
    published_at = clock()
    clock.advance(timedelta(days=10))
    async with sessionmaker() as s, s.begin():
        links = service(Repositories.bind(s), clock)
        stories = await links.stories_for(LAN)
        assert [(st.assignment.id, st.assignment.status) for st in stories] == [
            (w.stories[LAN], "published")
        ]
        prepared = await links.prepare(LAN, w.stories[LAN], "https://a.vn/1 https://a.vn/2", None)
        again = prepared.refused[0].duplicate
        assert again is not None and again.mine  # "you already sent this one"
        done = await links.confirm(LAN, w.stories[LAN], [("https://a.vn/2", True)])
    assert not done.published_now and done.stored[0].late
    async with sessionmaker() as s:
        repos = Repositories.bind(s)
        story = await repos.assignments.get(w.stories[LAN])
        assert story is not None and story.published_at == published_at
        assert len(await repos.links.for_assignment(w.stories[LAN])) == 2


async def test_cancelled_story_takes_no_links(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    w = await world(sessionmaker, clock)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        assert await repos.assignments.transition(
            w.stories[LAN], from_statuses=["accepted"], to_status="cancelled"
        )
    async with sessionmaker() as s:
        with pytest.raises(InvalidTransition) as refused:
            await service(Repositories.bind(s), clock).confirm(
                LAN, w.stories[LAN], [("https://a.vn/1", False)]
            )
        assert refused.value.code == "assignment.error.cancelled"


async def test_replacing_a_broken_link(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    w = await world(sessionmaker, clock)
    async with sessionmaker() as s, s.begin():
        links = service(Repositories.bind(s), clock)
        (broken,) = (
            await links.confirm(LAN, w.stories[LAN], [("https://a.vn/typo", False)])
        ).stored
        checked = await links.record_check(
            broken.id, LinkCheck(status=404, final_url=broken.normalized_url)
        )
        assert checked is not None and checked.check_status == 404 and checked.checked_at
    async with sessionmaker() as s, s.begin():
        links = service(Repositories.bind(s), clock)
        with pytest.raises(NotAllowed):  # not Minh's link
            await links.fixable(MINH, broken.id)
        story, link = await links.fixable(LAN, broken.id)
        assert link.id == broken.id and story.assignment.id == w.stories[LAN]
        done = await links.confirm(
            LAN, w.stories[LAN], [("https://a.vn/right", False)], replaces=broken.id
        )
        assert done.replaced is not None and done.replaced.id == broken.id
    async with sessionmaker() as s:
        repos = Repositories.bind(s)
        assert [
            link.normalized_url for link in await repos.links.for_assignment(w.stories[LAN])
        ] == ["https://a.vn/right"]
        assert await service(repos, clock).record_check(broken.id, LinkCheck(200, None)) is None


async def test_two_ambassadors_send_the_same_link_at_once(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    """The unique URL decides: one records it, the other is told where it already is."""
    w = await world(sessionmaker, clock)
    go = asyncio.Event()

    async def send(user_id: int) -> int:
        await go.wait()
        async with sessionmaker() as s, s.begin():
            done = await service(Repositories.bind(s), clock).confirm(
                user_id,
                w.stories[user_id],
                [("https://tuoitre.vn/bai-chung.htm?utm_medium=x", False)],
            )
            await asyncio.sleep(0.05)
            if done.stored:
                return 1
            (lost,) = done.duplicates
            assert lost.duplicate is not None and not lost.duplicate.mine
            assert lost.duplicate.company == "Nông Trại Số"
            return 0

    tasks = [asyncio.create_task(send(LAN)), asyncio.create_task(send(MINH))]
    go.set()
    assert sorted(await asyncio.gather(*tasks)) == [0, 1]
    async with sessionmaker() as s:
        repos = Repositories.bind(s)
        assert await repos.links.count() == 1
        stories = [await repos.assignments.get(w.stories[u]) for u in (LAN, MINH)]
        statuses = {story.status for story in stories if story is not None}
        assert statuses == {"published", "accepted"}  # the loser's story is not published


async def test_organizer_lists_and_export_periods(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    w = await world(sessionmaker, clock)  # 2026-03-02 09:00 in Vietnam
    for day, (user_id, url) in enumerate(
        [(LAN, "https://a.vn/1"), (MINH, "https://a.vn/2"), (LAN, "https://a.vn/3")]
    ):
        async with sessionmaker() as s, s.begin():
            await service(Repositories.bind(s), clock).confirm(
                user_id, w.stories[user_id], [(url, False)]
            )
        if day < 2:
            clock.advance(timedelta(days=20))
    # links on 02/03, 22/03 and 11/04; now is 11/04
    async with sessionmaker() as s:
        links = LinkService(Repositories.bind(s), clock, tz=VN, page_size=2)
        first = await links.recent()
        assert [line.link.normalized_url for line in first.items] == [
            "https://a.vn/3",
            "https://a.vn/2",
        ]
        assert first.has_next and first.items[0].company == "Nông Trại Số"
        assert first.items[0].ambassador == f"amb{LAN}"
        second = await links.recent(1)
        assert [line.link.normalized_url for line in second.items] == ["https://a.vn/1"]
        assert not second.has_next
        mine = await links.recent(ambassador_id=w.ambassadors[MINH])
        assert [line.link.normalized_url for line in mine.items] == ["https://a.vn/2"]
        assert await links.filter_name("s", w.startup_id) == "Nông Trại Số"
        with pytest.raises(InvalidInput):
            await links.recent(-1)

        def urls(lines: list[LinkLine]) -> list[str]:
            return [line.link.normalized_url for line in lines]

        assert urls(await links.export("7d")) == ["https://a.vn/3"]
        assert urls(await links.export("30d")) == ["https://a.vn/2", "https://a.vn/3"]
        assert urls(await links.export("month")) == ["https://a.vn/3"]
        assert urls(await links.export("all")) == [f"https://a.vn/{i}" for i in (1, 2, 3)]
        with pytest.raises(InvalidInput):
            await links.export("year")
