"""/mydata and /deleteme (issue #7): export everything about a person, erase it all.

A startup and an ambassador are seeded with everything a person can leave behind
(profile, channels, reviews, requests with a brief and an outcome, offers, accepted and
published stories with links, reminders, drafts, AI calls, broadcast deliveries and
"Got it" presses, a group they added, conversation state), next to other people. After
``erase`` every table and every column is scanned for any of the person's values; the
report totals (links, by platform, published stories, requests) do not move, and the
others' data is untouched.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import NotFound
from bot.services.matching import MatchWeights
from bot.services.offers import OfferService
from bot.services.privacy import PrivacyService
from bot.services.users import CONSENT_VERSION, UserService
from storage.dto import Recipient
from storage.fsm import SQLAlchemyStorage
from storage.models import (
    Assignment,
    Base,
    BroadcastDelivery,
    Link,
    Reminder,
    RequestOutcome,
    StoryRequest,
)
from storage.repositories import Repositories
from storage.repositories.privacy import tombstone_id
from tests.conftest import FakeClock
from tests.factories import approved_ambassador, approved_startup, open_request

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BOT = 42
ORG = 900_001
STARTUP_UID = 7_001
AMB_UID = 7_002
OTHER_STARTUP_UID = 7_003
OTHER_AMB_UID = 7_004
GROUP_CHAT = -100_555_000

STARTUP_VALUES = {
    "first_name": "Trần Thị An",
    "username": "an_nongtraiso",
    "company_name": "Nông Trại Số",
    "website": "https://nongtraiso.vn",
    "description": "Cảm biến độ ẩm đất giá rẻ cho ĐBSCL",
    "contact_name": "Chị An Trần",
    "phone": "+84901234567",
    "email": "an@nongtraiso.vn",
    "story": "Câu chuyện riêng về hành trình khởi nghiệp",
    "brief": "Tiêu đề gợi ý bí mật",
    "outcome": "Đã gặp quỹ đầu tư XYZ",
    "reject": "Thiếu giấy phép kinh doanh",
    "fsm": "Đề xuất đang viết dở",
}
AMB_VALUES = {
    "first_name": "Phạm Lan",
    "username": "lan_review_vn",
    "display_name": "Lan Review",
    "channel": "https://www.tiktok.com/@lan.review",
    "channel2": "https://www.youtube.com/@lanreview",
    "draft": "Bản nháp riêng của Lan",
    "reject": "Kênh chưa đủ người theo dõi",
    "fsm": "Lan trả lời dở",
}
OTHER_VALUES = {
    "company_name": "Công ty Khác",
    "story": "Câu chuyện của công ty khác",
    "display_name": "Minh Tech",
    "draft": "Bản nháp của Minh",
}
PUBLISHED_URL = "https://vnexpress.net/nong-trai-so-cam-bien-4800000.html"
PUBLISHED_URL2 = "https://www.tiktok.com/@lan.review/video/7300000000000000001"


def services(repos: Repositories, clock: FakeClock) -> tuple[PrivacyService, OfferService]:
    offers = OfferService(
        repos, clock, tz=VN, offer_ttl=timedelta(hours=24), weights=MatchWeights()
    )
    return PrivacyService(repos, clock, tz=VN, offers=offers), offers


async def person(repos: Repositories, clock: FakeClock, uid: int, first: str, user: str) -> None:
    await UserService(repos, clock).accept_consent(
        user_id=uid, language="vi", first_name=first, username=user
    )


async def offer(
    repos: Repositories, clock: FakeClock, request_id: int, ambassador_id: int, status: str
) -> int:
    made = await repos.assignments.offer(
        request_id=request_id,
        ambassador_id=ambassador_id,
        score=1.0,
        reasons=[["topic", ["agritech"]]],
        offered_at=clock(),
        expires_at=clock() + timedelta(hours=24),
    )
    assert made is not None
    if status in ("accepted", "published"):
        assert await repos.requests.take_slot(request_id) is not None
        await repos.assignments.transition(
            made.id,
            from_statuses=["offered"],
            to_status="accepted",
            values={"answered_at": clock()},
        )
    if status == "published":
        await repos.assignments.transition(
            made.id,
            from_statuses=["accepted"],
            to_status="published",
            values={"published_at": clock()},
        )
    return made.id


async def seed(session: AsyncSession, clock: FakeClock) -> dict[str, int]:
    """Everyone and everything; returns the ids the tests need."""
    repos = Repositories.bind(session)
    s, a = STARTUP_VALUES, AMB_VALUES
    await person(repos, clock, STARTUP_UID, s["first_name"], s["username"])
    await person(repos, clock, AMB_UID, a["first_name"], a["username"])
    await person(repos, clock, OTHER_STARTUP_UID, "Bình", "binh_khac")
    await person(repos, clock, OTHER_AMB_UID, "Minh", "minh_tech")
    sid = await approved_startup(
        repos,
        STARTUP_UID,
        company_name=s["company_name"],
        website=s["website"],
        description=s["description"],
        contact_name=s["contact_name"],
        phone=s["phone"],
        email=s["email"],
        sectors=["agritech"],
        province="can_tho",
    )
    other_sid = await approved_startup(
        repos, OTHER_STARTUP_UID, company_name=OTHER_VALUES["company_name"], sectors=["fintech"]
    )
    profile = {"topics": ["agritech"], "regions": ["can_tho"], "languages": ["vi"], "capacity": 9}
    aid = await approved_ambassador(repos, AMB_UID, display_name=a["display_name"], **profile)
    await repos.ambassadors.add_channel(aid, platform="tiktok", url=a["channel"], audience=12_500)
    await repos.ambassadors.add_channel(aid, platform="youtube", url=a["channel2"], audience=800)
    other_aid = await approved_ambassador(
        repos, OTHER_AMB_UID, display_name=OTHER_VALUES["display_name"], **profile
    )
    await repos.ambassadors.add_channel(
        other_aid, platform="facebook", url="https://facebook.com/minhtech", audience=5_000
    )
    for subject, subject_id, uid, reason in (
        ("startup", sid, STARTUP_UID, s["reject"]),
        ("ambassador", aid, AMB_UID, a["reject"]),
    ):
        await repos.reviews.record(
            subject_type=subject, subject_id=subject_id, actor_id=uid, decision="submitted"
        )
        await repos.reviews.record(
            subject_type=subject,
            subject_id=subject_id,
            actor_id=ORG,
            decision="rejected",
            reason=reason,
        )
    # The startup's requests: one with a published story, one still open.
    done = await open_request(repos, sid, story=s["story"], wanted=1, platforms=["press"])
    await repos.ai.set_brief(done, {"headline": s["brief"]}, source="ai", prompt_version="b1")
    session.add(RequestOutcome(request_id=done, kinds=["investor"], note=s["outcome"]))
    still_open = await open_request(repos, sid, story=s["story"] + " 2", wanted=2)
    # The other startup's requests, which the ambassador works on.
    other_offered = await open_request(repos, other_sid, story=OTHER_VALUES["story"], wanted=1)
    other_accepted = await open_request(repos, other_sid, story=OTHER_VALUES["story"], wanted=1)
    other_done = await open_request(repos, other_sid, story=OTHER_VALUES["story"], wanted=1)

    published = await offer(repos, clock, done, aid, "published")
    await repos.requests.transition(done, from_statuses=["open"], to_status="completed")
    await offer(repos, clock, still_open, other_aid, "accepted")
    await offer(repos, clock, other_offered, aid, "offered")
    accepted = await offer(repos, clock, other_accepted, aid, "accepted")
    other_published = await offer(repos, clock, other_done, aid, "published")
    minh_done = await offer(repos, clock, other_done, other_aid, "offered")

    for assignment_id, url, platform in (
        (published, PUBLISHED_URL, "press"),
        (other_published, PUBLISHED_URL2, "tiktok"),
    ):
        row = await repos.assignments.get(assignment_id)
        assert row is not None
        request = await repos.requests.get(row.request_id)
        assert request is not None
        await repos.links.add(
            assignment_id=assignment_id,
            request_id=row.request_id,
            startup_id=request.startup_id,
            ambassador_id=aid,
            submitted_by=AMB_UID,
            platform=platform,
            original_url=url,
            normalized_url=url,
            sponsored=False,
            late=False,
            submitted_at=clock(),
        )
    due = clock() + timedelta(days=2)
    for assignment_id in (published, accepted, minh_done):
        await repos.reminders.plan(assignment_id, [("before", 24, due, False)])
    await repos.reminders.plan(published, [("before", 48, clock(), False)])
    for assignment_id, text in (
        (published, a["draft"]),
        (accepted, a["draft"] + " 2"),
        (minh_done, OTHER_VALUES["draft"]),
    ):
        await repos.ai.add_draft(
            assignment_id,
            platform="tiktok",
            language="vi",
            angle="góc nhìn",
            hook="mở đầu",
            text=text,
            source="template",
        )
    for uid in (STARTUP_UID, AMB_UID, OTHER_AMB_UID):
        await repos.ai.record_call(
            feature="brief",
            prompt="brief",
            prompt_version="b1",
            model="m",
            status="ok",
            latency_ms=10,
            created_at=clock(),
            user_id=uid,
        )
    group = await repos.groups.add(
        chat_id=GROUP_CHAT,
        title="Nhóm truyền thông",
        type="supergroup",
        added_by=AMB_UID,
        confirmed=False,
        bot_is_admin=False,
        now=clock(),
    )
    broadcast = await repos.broadcasts.create(
        created_by=ORG,
        status="sending",
        content={"text": "Tin mới"},
        options={"ack": True},
        audience={"roles": ["ambassador", "startup"]},
        recipients=[
            Recipient(AMB_UID, "private"),
            Recipient(STARTUP_UID, "private"),
            Recipient(OTHER_AMB_UID, "private"),
            Recipient(GROUP_CHAT, "group", group.id),
        ],
        now=clock(),
    )
    d = BroadcastDelivery.__table__.c
    await session.execute(
        update(BroadcastDelivery)
        .where(d.broadcast_id == broadcast.id, d.chat_id != STARTUP_UID)
        .values(status="sent", message_id=1, sent_at=clock())
    )
    for delivery in await repos.broadcasts.deliveries(broadcast.id):
        if delivery.chat_id in (AMB_UID, GROUP_CHAT, OTHER_AMB_UID):
            await repos.broadcasts.add_ack(
                delivery.id,
                OTHER_AMB_UID if delivery.chat_id == OTHER_AMB_UID else AMB_UID,
                clock(),
            )
    await repos.organizers.create_invite("code-1", created_by=ORG, expires_at=clock())
    return {
        "sid": sid,
        "aid": aid,
        "other_sid": other_sid,
        "other_aid": other_aid,
        "still_open": still_open,
        "other_offered": other_offered,
        "other_accepted": other_accepted,
        "accepted": accepted,
        "minh_done": minh_done,
        "broadcast": broadcast.id,
    }


async def seed_fsm(storage: SQLAlchemyStorage) -> None:
    for chat, user, text in (
        (STARTUP_UID, STARTUP_UID, STARTUP_VALUES["fsm"]),
        (AMB_UID, AMB_UID, AMB_VALUES["fsm"]),
        (GROUP_CHAT, AMB_UID, AMB_VALUES["fsm"] + " (nhóm)"),
        (OTHER_AMB_UID, OTHER_AMB_UID, "Minh đang điền"),
    ):
        key = StorageKey(bot_id=BOT, chat_id=chat, user_id=user)
        await storage.set_state(key, "Form:answer")
        await storage.set_data(key, {"draft": text})


async def world(sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock) -> dict[str, int]:
    async with sessionmaker() as s, s.begin():
        ids = await seed(s, clock)
    await seed_fsm(SQLAlchemyStorage(sessionmaker))
    return ids


async def every_value(session: AsyncSession) -> list[tuple[str, str, Any]]:
    """(table, column, value) for every non-null cell of every table."""
    found = []
    for table in Base.metadata.sorted_tables:
        for row in (await session.execute(select(table))).mappings():
            for column, value in row.items():
                if value is not None:
                    found.append((table.name, column, value))
    return found


def leftovers(
    cells: list[tuple[str, str, Any]], values: dict[str, str], uid: int, allowed: set[str]
) -> list[tuple[str, str, Any]]:
    """Cells still holding one of ``values`` (case-insensitive) or the Telegram id."""
    needles = [v.lower() for v in values.values()]
    # The Telegram id as a whole number: "7002" inside "…05.770023" is not the id.
    uid_re = re.compile(rf"(?<!\d){uid}(?!\d)")
    bad = []
    for table, column, value in cells:
        if isinstance(value, bool | datetime | date):
            continue  # times and flags hold nothing of a person
        if isinstance(value, int):
            if value == uid:
                bad.append((table, column, value))
            continue
        text = (
            value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        )
        if text in allowed:
            continue
        if any(n in text.lower() for n in needles) or uid_re.search(text):
            bad.append((table, column, value))
    return bad


async def report(session: AsyncSession) -> dict[str, Any]:
    """What reports count: links (in all, by platform, by startup and ambassador),
    published stories, requests."""
    link, a, r = Link.__table__.c, Assignment.__table__.c, StoryRequest.__table__.c

    async def counter(*columns: Any) -> Counter[Any]:
        rows = await session.execute(select(*columns, func.count()).group_by(*columns))
        return Counter({tuple(row[:-1]): row[-1] for row in rows})

    return {
        "links": await counter(link.platform),
        "links_by_profile": await counter(link.startup_id, link.ambassador_id, link.request_id),
        "link_urls": sorted((await session.execute(select(link.original_url))).scalars()),
        "published": await counter(a.request_id, a.ambassador_id, a.status),
        "requests": (
            await session.execute(select(func.count()).select_from(StoryRequest))
        ).scalar(),
        "requests_done": await counter(r.startup_id, r.status),
        "acks": await Repositories.bind(session).broadcasts.ack_counts(1),
    }


def published_only(totals: dict[str, Any]) -> dict[str, Any]:
    """The totals that erasure must leave alone (open work is handed on, so the counts
    of offered/accepted assignments and open requests move by design)."""
    kept = dict(totals)
    kept["published"] = Counter(
        {k: v for k, v in totals["published"].items() if k[2] == "published"}
    )
    kept["requests_done"] = Counter(
        {k: v for k, v in totals["requests_done"].items() if k[1] == "completed"}
    )
    return kept


async def test_erasing_an_ambassador_leaves_no_personal_value(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    ids = await world(sessionmaker, clock)
    async with sessionmaker() as s:
        before = await report(s)
        others_before = await others(s)
    clock.advance(timedelta(hours=1))
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        privacy, _ = services(repos, clock)
        erasure = await privacy.erase(AMB_UID)
    assert erasure.role == "ambassador"
    assert erasure.anonymized_name == f"Đại sứ #{ids['aid']}"
    assert [c.assignment.request_id for c in erasure.withdrawn] == [ids["other_offered"]]
    assert [c.assignment.id for c in erasure.released] == [ids["accepted"]]

    async with sessionmaker() as s:
        cells = await every_value(s)
        bad = leftovers(cells, AMB_VALUES, AMB_UID, {PUBLISHED_URL, PUBLISHED_URL2})
        assert bad == []
        assert published_only(await report(s)) == published_only(before)
        assert await others(s) == others_before
        repos = Repositories.bind(s)
        assert await repos.users.get(AMB_UID) is None  # /start: a new person
        tomb = await repos.users.get(tombstone_id("ambassador", ids["aid"]))
        assert tomb is not None and tomb.deleted_at == clock() and tomb.role == "ambassador"
        ambassador = await repos.ambassadors.get(ids["aid"])
        assert ambassador is not None
        assert ambassador.display_name == f"Đại sứ #{ids['aid']}"
        assert ambassador.status == "approved" and ambassador.paused
        assert [(c.platform, c.url, c.audience) for c in ambassador.channels] == [
            ("tiktok", None, 12_500),
            ("youtube", None, 800),
        ]
        # Nobody waits on them: the offer is withdrawn, the story released (its request
        # open again for someone else), their reminders cancelled.
        statuses = {
            request_id: status
            for _, request_id, status in await repos.privacy.assignment_ids(ids["aid"])
        }
        assert statuses[ids["other_offered"]] == "withdrawn"
        assert statuses[ids["other_accepted"]] == "cancelled"
        request = await repos.requests.get(ids["other_accepted"])
        assert request is not None and request.status == "open" and request.accepted == 0
        rm = Reminder.__table__.c
        pending = await s.execute(
            select(func.count())
            .select_from(Reminder)
            .join(Assignment, Assignment.id == rm.assignment_id)
            .where(Assignment.ambassador_id == ids["aid"], rm.status.in_(("planned", "claimed")))
        )
        assert pending.scalar() == 0
        # The "Got it" counts stay.
        assert await repos.broadcasts.ack_counts(ids["broadcast"]) == before["acks"]
    async with sessionmaker() as s, s.begin():
        privacy, _ = services(Repositories.bind(s), clock)
        try:
            await privacy.erase(AMB_UID)
        except NotFound:
            pass
        else:  # pragma: no cover
            raise AssertionError("a second erasure found something")


async def others(session: AsyncSession) -> dict[str, Any]:
    """The other people's data, which erasure must not touch."""
    repos = Repositories.bind(session)
    startup = await repos.startups.get_by_user(OTHER_STARTUP_UID)
    ambassador = await repos.ambassadors.get_by_user(OTHER_AMB_UID)
    assert startup is not None and ambassador is not None
    a = Assignment.__table__.c
    mine = await session.execute(
        select(a.id).where(a.ambassador_id == ambassador.id).order_by(a.id)
    )
    drafts = [await repos.ai.latest_draft(assignment_id) for assignment_id in mine.scalars()]
    return {
        "startup": startup,
        "ambassador": ambassador,
        "users": [await repos.users.get(uid) for uid in (OTHER_STARTUP_UID, OTHER_AMB_UID)],
        "drafts": [d.text for d in drafts if d is not None],
        "fsm": [
            (r["key"], r["state"], r["data"]) for r in await repos.privacy.fsm_rows(OTHER_AMB_UID)
        ],
        "stories": sorted(
            (
                await session.execute(
                    select(StoryRequest.story).where(StoryRequest.startup_id == startup.id)
                )
            ).scalars()
        ),
    }


async def test_erasing_a_startup_cancels_its_open_work_and_keeps_its_links(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    ids = await world(sessionmaker, clock)
    async with sessionmaker() as s:
        before = await report(s)
        others_before = await others(s)
    async with sessionmaker() as s, s.begin():
        privacy, _ = services(Repositories.bind(s), clock)
        erasure = await privacy.erase(STARTUP_UID)
    assert (erasure.role, erasure.anonymized_name) == ("startup", f"Startup #{ids['sid']}")
    assert [c.request.id for c in erasure.cancelled] == [ids["still_open"]]
    # Minh's accepted story on the cancelled request is closed (Minh is told by the handler).
    assert [a.status for a in erasure.cancelled[0].closed] == ["cancelled"]

    async with sessionmaker() as s:
        bad = leftovers(await every_value(s), STARTUP_VALUES, STARTUP_UID, {PUBLISHED_URL})
        assert bad == []
        after = await report(s)
        assert published_only(after) == published_only(before)
        assert after["requests"] == before["requests"]
        # The other people keep everything, except that Minh's accepted story on the
        # cancelled request is now cancelled (the request is gone, not Minh's data).
        assert await others(s) == others_before
        repos = Repositories.bind(s)
        startup = await repos.startups.get(ids["sid"])
        assert startup is not None
        assert startup.user_id == tombstone_id("startup", ids["sid"])
        assert startup.company_name == f"Startup #{ids['sid']}"
        assert (startup.sectors, startup.province, startup.status) == (
            ("agritech",),
            "can_tho",
            "approved",
        )
        cancelled = await repos.requests.get(ids["still_open"])
        assert cancelled is not None and cancelled.status == "cancelled"
        assert await repos.users.get(STARTUP_UID) is None
        assert await repos.users.get(AMB_UID) is not None


async def test_after_erasure_the_person_starts_over(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await world(sessionmaker, clock)
    async with sessionmaker() as s, s.begin():
        privacy, _ = services(Repositories.bind(s), clock)
        await privacy.erase(STARTUP_UID)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        assert (await repos.privacy.user_row(STARTUP_UID)) is None
        user = await UserService(repos, clock).accept_consent(
            user_id=STARTUP_UID, language="en", first_name="New", username=None
        )
        assert user.consent_version == CONSENT_VERSION and user.role is None
        assert await repos.startups.get_by_user(STARTUP_UID) is None
        fresh = await repos.startups.create_draft(STARTUP_UID)
        assert fresh.company_name is None
        export = await services(repos, clock)[0].export(STARTUP_UID)
        assert [row["id"] for row in export["startup"]["startups"]] == [fresh.id]


async def test_a_person_without_a_profile_and_nobody(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await person(repos, clock, 7_100, "Khách", "khach_vn")
        privacy, _ = services(repos, clock)
        erasure = await privacy.erase(7_100)
        assert (erasure.role, erasure.anonymized_name) == (None, None)
        assert await repos.users.get(7_100) is None
        try:
            await privacy.erase(7_100)
        except NotFound:
            pass
        else:  # pragma: no cover
            raise AssertionError("erased twice")
        nothing = await privacy.export(7_200)
        assert set(nothing) == {"format", "generated_at", "timezone", "telegram_id"}


async def test_export_has_the_persons_data_and_not_others(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    ids = await world(sessionmaker, clock)
    async with sessionmaker() as s:
        privacy, _ = services(Repositories.bind(s), clock)
        amb = await privacy.export(AMB_UID)
        startup = await privacy.export(STARTUP_UID)
    amb_text = json.dumps(amb, ensure_ascii=False)
    startup_text = json.dumps(startup, ensure_ascii=False)
    for value in AMB_VALUES.values():
        assert value in amb_text, value
    for value in STARTUP_VALUES.values():
        assert value in startup_text, value
    for value in (*OTHER_VALUES.values(), "minh_tech", "facebook.com/minhtech"):
        assert value not in amb_text and value not in startup_text
    assert STARTUP_VALUES["phone"] not in amb_text and AMB_VALUES["channel"] not in startup_text
    assert str(ORG) not in amb_text and str(ORG) not in startup_text  # the organizer's id
    assert amb["consent"]["version"] == CONSENT_VERSION
    assert amb["consent"]["accepted_at"] == {
        "utc": "2026-03-02T02:00:00+00:00",
        "local": "2026-03-02T09:00:00+07:00",
    }
    assert amb["user"]["first_name"] == AMB_VALUES["first_name"]
    assert amb["ambassador"]["ambassadors"][0]["id"] == ids["aid"]
    assert len(amb["ambassador"]["links"]) == 2 and len(amb["ambassador"]["post_drafts"]) == 2
    assert {r["key"] for r in amb["fsm_states"]} == {
        f"fsm:{BOT}:{AMB_UID}:{AMB_UID}",
        f"fsm:{BOT}:{GROUP_CHAT}:{AMB_UID}",
    }
    assert len(amb["broadcast_acks"]) == 2 and len(amb["ai_calls"]) == 1
    assert amb["groups_added"][0]["chat_id"] == GROUP_CHAT
    assert [r["note"] for r in startup["startup"]["request_outcomes"]] == [
        STARTUP_VALUES["outcome"]
    ]
    assert [link["original_url"] for link in startup["startup"]["links_about_me"]] == [
        PUBLISHED_URL
    ]
    assert "ambassador_id" not in startup["startup"]["assignments_on_my_requests"][0]
