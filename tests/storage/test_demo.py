"""The demo data set (bot/demo.py): what ``seed-demo small`` puts in the database keeps
the model's constraints and the state machine's invariants, is Vietnamese, spreads
over valid provinces and platforms, and is the same for the same seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.demo import DEMO_ORGANIZERS, SIZES, TZ, NotEmpty, build_rows, seed_demo
from bot.provinces import NATIONWIDE, get_province
from bot.reference import is_valid
from bot.services.assignment_states import HOLDS_A_SLOT, Status
from bot.services.broadcasts import REASONS, BroadcastService
from bot.services.link_urls import normalize_link
from bot.services.outcomes import KINDS
from bot.services.reminder_policy import DEFAULT_POLICY, DEFAULT_QUIET, plan
from storage.models import (
    Ambassador,
    Assignment,
    Broadcast,
    BroadcastAck,
    BroadcastDelivery,
    Campaign,
    Channel,
    Group,
    Link,
    Organizer,
    Reminder,
    RequestOutcome,
    ReviewDecision,
    Startup,
    StoryRequest,
    User,
)
from storage.repositories import Repositories

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
VIETNAMESE = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


def _vietnamese(text_: str | None) -> bool:
    return bool(text_) and bool(VIETNAMESE & set(text_.lower()))  # type: ignore[union-attr]


async def _all(session: AsyncSession, model: type) -> list:  # type: ignore[type-arg]
    return list((await session.execute(select(model).order_by(model.id))).scalars())


@pytest.mark.postgres
async def test_small_demo_keeps_the_invariants(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    summary = await seed_demo(sessionmaker, size="small", seed=7, now=NOW)
    size = SIZES["small"]
    assert (summary.startups, summary.ambassadors, summary.requests) == (
        size.startups,
        size.ambassadors,
        size.requests,
    )
    assert (summary.assignments, summary.links, summary.groups) == (
        size.assignments,
        size.links,
        size.groups,
    )
    async with sessionmaker() as s:
        startups = await _all(s, Startup)
        ambassadors = await _all(s, Ambassador)
        requests = {r.id: r for r in await _all(s, StoryRequest)}
        assignments = {a.id: a for a in await _all(s, Assignment)}
        links = await _all(s, Link)
        channels = await _all(s, Channel)
        campaigns = await _all(s, Campaign)
        outcomes = await _all(s, RequestOutcome)
        users = await s.scalar(select(func.count()).select_from(User))
    assert users == size.startups + size.ambassadors
    assert len(links) == size.links and len(assignments) == size.assignments

    # Profiles: valid codes, Vietnamese text, every province a current one.
    for st in startups:
        assert get_province(st.province) is not None
        assert all(is_valid("sectors", c) for c in st.sectors)
        assert all(is_valid("needs", c) for c in st.needs)
        assert is_valid("stages", st.stage)
        assert (st.decided_at is not None) == (st.status in ("approved", "rejected"))
    assert sum(_vietnamese(st.description) for st in startups) == len(startups)
    assert sum(_vietnamese(st.contact_name) for st in startups) > len(startups) / 2
    assert len({st.province for st in startups}) >= 8
    for amb in ambassadors:
        assert all(r == NATIONWIDE or get_province(r) for r in amb.regions)
        assert all(is_valid("sectors", c) for c in amb.topics)
    assert all(is_valid("platforms", ch.platform) for ch in channels)
    assert {ch.platform for ch in channels} >= {"press", "facebook", "tiktok", "youtube"}
    assert [c.active for c in campaigns] == [False, True]
    assert all(_vietnamese(c.name) for c in campaigns)

    approved_startups = {st.id for st in startups if st.status == "approved"}
    approved_ambs = {a.id for a in ambassadors if a.status == "approved"}
    by_request: dict[int, list[Assignment]] = {}
    for a in assignments.values():
        by_request.setdefault(a.request_id, []).append(a)
        assert a.ambassador_id in approved_ambs
    statuses = {a.status for a in assignments.values()}
    assert statuses <= {s.value for s in Status}
    assert {"offered", "accepted", "declined", "expired", "published", "overdue"} <= statuses

    for request in requests.values():
        assert request.startup_id in approved_startups
        assert _vietnamese(request.story)
        own = by_request.get(request.id, [])
        held = [a for a in own if a.status in HOLDS_A_SLOT]
        assert request.accepted == len(held) <= request.wanted
        open_offers = [a for a in own if a.status == "offered"]
        if request.status in ("pending", "rejected"):
            assert not own
        elif request.status == "completed":
            assert request.accepted == request.wanted
            assert all(a.status == "published" for a in held)
        elif request.status == "filled":
            assert request.accepted == request.wanted and not open_offers
        elif request.status == "open":
            assert request.accepted + len(open_offers) <= request.wanted
        elif request.status == "cancelled":
            assert not held and not open_offers
        for a in own:
            assert a.offered_at >= request.created_at
            if a.status == "offered":
                assert a.expires_at > NOW
            if a.status == "expired":
                assert a.expires_at <= NOW
            if a.status == "accepted":
                assert request.deadline > NOW
            if a.status == "overdue":
                assert request.deadline < NOW
            assert (a.published_at is not None) == (a.status == "published")
    assert {r.status for r in requests.values()} >= {"open", "filled", "completed", "cancelled"}
    assert {r.campaign_id for r in requests.values()} >= {1, 2}

    # Links: on published stories only, first at publication, late after the deadline.
    first: dict[int, datetime] = {}
    for link in links:
        a = assignments[link.assignment_id]
        request = requests[link.request_id]
        assert a.status == "published"
        assert (link.request_id, link.ambassador_id) == (a.request_id, a.ambassador_id)
        assert link.startup_id == request.startup_id
        assert link.submitted_at >= a.published_at
        assert link.submitted_at <= NOW
        assert link.late == (link.submitted_at > request.deadline)
        found = normalize_link(link.original_url)
        assert (found.normalized, found.platform) == (link.normalized_url, link.platform)
        first[a.id] = min(first.get(a.id, link.submitted_at), link.submitted_at)
    published = [a for a in assignments.values() if a.status == "published"]
    assert {a.id: a.published_at for a in published} == first
    assert any(link.late for link in links) and not all(link.late for link in links)
    hosts = {link.normalized_url.split("/")[2] for link in links}
    assert {"www.facebook.com"} <= hosts and len(hosts) >= 8
    assert sum(_vietnamese(link.title) for link in links if link.title) > len(links) / 2

    # Outcomes: asked only where the links are in, 30 days after the last one; every
    # request due a day ago asked; answers with 1-3 kinds in button order or "nothing".
    assert len(outcomes) == summary.outcomes
    still_coming = ("offered", "accepted", "overdue")
    coming = {a.request_id for a in assignments.values() if a.status in still_coming}
    last: dict[int, datetime] = {}
    for link in links:
        last[link.request_id] = max(last.get(link.request_id, link.submitted_at), link.submitted_at)
    for o in outcomes:
        assert o.request_id in last and o.request_id not in coming
        assert last[o.request_id] + timedelta(days=30) <= o.asked_at <= NOW
        if o.answered_at is None:
            assert o.kinds == [] and o.note is None
        else:
            assert o.asked_at < o.answered_at <= NOW
            assert 1 <= len(o.kinds) <= 3 and o.kinds == [k for k in KINDS if k in o.kinds]
            assert o.kinds == ["nothing"] or "nothing" not in o.kinds
            assert o.note is None or _vietnamese(o.note)
    due = {r for r, t in last.items() if r not in coming and t + timedelta(days=31) <= NOW}
    assert due and due <= {o.request_id for o in outcomes}
    answered = [o for o in outcomes if o.answered_at is not None]
    assert 0 < len(answered) < len(outcomes)
    assert any(len(o.kinds) > 1 for o in answered) and any(o.kinds == ["nothing"] for o in answered)
    assert sum(o.note is not None for o in answered) >= 3


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    size = SIZES["small"]
    a, b = build_rows(size, seed=5, now=NOW), build_rows(size, seed=5, now=NOW)
    assert a == b
    c = build_rows(size, seed=6, now=NOW)
    assert [s["company_name"] for s in a.startups] != [s["company_name"] for s in c.startups]


@pytest.mark.postgres
async def test_refuses_data_fresh_wipes_all_but_organizers_and_ids_go_on(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as s:
        s.add(Organizer(user_id=42))
    await seed_demo(sessionmaker, size="small", seed=1, now=NOW)
    async with sessionmaker() as s:
        names_1 = list(
            (await s.execute(select(Startup.company_name).order_by(Startup.id))).scalars()
        )
    assert names_1 == [
        r["company_name"] for r in build_rows(SIZES["small"], seed=1, now=NOW).startups
    ]

    with pytest.raises(NotEmpty) as refused:
        await seed_demo(sessionmaker, size="small", seed=2, now=NOW)
    assert "startups" in refused.value.tables

    await seed_demo(sessionmaker, size="small", seed=2, now=NOW, fresh=True)
    async with sessionmaker.begin() as s:
        assert await s.get(Organizer, 42) is not None
        assert await s.scalar(select(func.count()).select_from(Startup)) == SIZES["small"].startups
        # New rows after the demo get fresh ids (PostgreSQL sequences moved past the demo's).
        repos = Repositories.bind(s)
        await repos.users.create(
            user_id=1, language="vi", first_name=None, username=None,
            consent_version="v1", consented_at=NOW,
        )  # fmt: skip
        startup = await repos.startups.create_draft(1)
        assert startup.id == SIZES["small"].startups + 1


@pytest.mark.postgres
async def test_small_demo_reviews_reminders_and_broadcasts(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    summary = await seed_demo(sessionmaker, size="small", seed=7, now=NOW)
    async with sessionmaker() as s:
        startups = await _all(s, Startup)
        ambassadors = await _all(s, Ambassador)
        requests = {r.id: r for r in await _all(s, StoryRequest)}
        assignments = {a.id: a for a in await _all(s, Assignment)}
        reviews = await _all(s, ReviewDecision)
        reminders = await _all(s, Reminder)
        broadcasts = await _all(s, Broadcast)
        deliveries = await _all(s, BroadcastDelivery)
        acks = await _all(s, BroadcastAck)
        groups = {g.id: g for g in await _all(s, Group)}
        users = {u.id: u for u in await _all(s, User)}
        repos = Repositories.bind(s)
        service = BroadcastService(repos, lambda: NOW)
        reports = {b.id: await service.report(b.id) for b in broadcasts}
        listed = (await service.page(0)).items
        histories = {
            ("startup", st.id): await repos.reviews.history("startup", st.id) for st in startups[:5]
        }
    assert (summary.reviews, summary.reminders, summary.broadcasts) == (
        len(reviews),
        len(reminders),
        len(broadcasts),
    )
    assert (summary.deliveries, summary.acks) == (len(deliveries), len(acks))

    # Review decisions: what registration and review write, matching each profile.
    by_subject: dict[tuple[str, int], list[ReviewDecision]] = {}
    for r in reviews:
        by_subject.setdefault((r.subject_type, r.subject_id), []).append(r)
    assert [r.created_at for r in reviews] == sorted(r.created_at for r in reviews)
    for role, profiles in (("startup", startups), ("ambassador", ambassadors)):
        for p in profiles:
            trail = by_subject.get((role, p.id), [])
            if p.status == "draft":
                assert trail == [] and p.decided_by is None
                continue
            assert trail[0].decision == "submitted"
            assert (trail[0].actor_id, trail[0].created_at) == (p.user_id, p.submitted_at)
            if p.status == "pending":
                assert len(trail) == 1 and p.decided_by is None
                continue
            assert len(trail) == 2
            decision = trail[1]
            assert decision.decision == p.status
            assert decision.actor_id == p.decided_by and decision.actor_id in DEMO_ORGANIZERS
            assert decision.created_at == p.decided_at >= p.submitted_at
            assert decision.reason == (p.reject_reason if p.status == "rejected" else None)
            if p.status == "rejected":
                assert _vietnamese(decision.reason)
    decided = {r.decision for r in reviews}
    assert decided == {"submitted", "approved", "rejected"}
    assert len(by_subject) == sum(p.status != "draft" for p in (*startups, *ambassadors))
    for (_, sid), history in histories.items():
        assert [h.decision for h in history] == [
            r.decision for r in by_subject.get(("startup", sid), [])
        ]

    # Reminders: only accepted stories, exactly the real plan still ahead, all planned,
    # messages outside quiet hours.
    accepted = {a.id for a in assignments.values() if a.status == "accepted"}
    planned: dict[int, list[Reminder]] = {}
    for rm in reminders:
        planned.setdefault(rm.assignment_id, []).append(rm)
        assert rm.status == "planned" and rm.attempts == 0 and rm.sent_at is None
        assert rm.due_at > NOW
        if rm.kind != "mark_overdue":
            assert not DEFAULT_QUIET.contains(rm.due_at.astimezone(TZ).time())
    assert accepted and set(planned) == accepted
    for aid, rows in planned.items():
        deadline = requests[assignments[aid].request_id].deadline
        expected = plan(deadline, NOW, TZ, DEFAULT_POLICY, DEFAULT_QUIET)
        got = sorted(rows, key=lambda r: r.due_at)
        assert [(r.kind, r.seq, r.due_at, r.loud) for r in got] == [
            (e.kind.value, e.seq, e.due_at, e.loud) for e in expected
        ]
        assert got[-1].kind == "mark_overdue"
    assert {rm.kind for rm in reminders} >= {"before", "deadline", "overdue", "mark_overdue"}

    # Broadcasts: the last scheduled ahead, one stopped, the rest done; counts are the
    # rows'; failures have a reason; acks only on sent deliveries of ack broadcasts.
    assert len(broadcasts) == SIZES["small"].broadcasts
    assert [b.status for b in broadcasts].count("stopped") == 1
    assert broadcasts[-1].status == "scheduled"
    assert {b.status for b in broadcasts[:-1]} == {"done", "stopped"}
    assert [b.id for b in listed] == [b.id for b in reversed(broadcasts)]
    assert all(_vietnamese(b.content["text"]) for b in broadcasts)
    approved_users = {p.user_id for p in (*startups, *ambassadors) if p.status == "approved"}
    by_broadcast: dict[int, list[BroadcastDelivery]] = {}
    for d in deliveries:
        by_broadcast.setdefault(d.broadcast_id, []).append(d)
        if d.kind == "group":
            group = groups[d.group_id]
            assert group.chat_id == d.chat_id and group.confirmed
            assert d.status != "sent" or group.status == "active"
        else:
            assert d.group_id is None and d.chat_id in approved_users
        if d.status == "failed":
            assert d.error_reason in REASONS and d.error and d.sent_at is None
            assert d.error_reason != "removed" or groups[d.group_id].status == "inactive"
        else:
            assert d.error_reason is None
        assert (d.status == "sent") == (d.sent_at is not None) == (d.message_id is not None)
    failed_reasons = {d.error_reason for d in deliveries if d.status == "failed"}
    assert "blocked" in failed_reasons and failed_reasons <= set(REASONS)
    for b in broadcasts:
        own = by_broadcast[b.id]
        statuses = {d.status for d in own}
        counts, report = reports[b.id].counts, reports[b.id]
        assert counts.total == len(own) and len({d.chat_id for d in own}) == len(own)
        assert b.created_at <= NOW
        if b.status == "scheduled":
            assert b.scheduled_at > NOW and b.started_at is None and b.counts is None
            assert statuses == {"planned"} and all(d.not_before == b.scheduled_at for d in own)
            assert b.reported_at is None
            continue
        assert b.started_at < b.finished_at < b.reported_at <= NOW
        assert b.counts == {
            "sent": counts.sent,
            "failed": counts.failed,
            "planned": 0,
            "claimed": 0,
            "cancelled": counts.cancelled,
        }
        assert counts.sent > 0 and counts.left == 0
        assert all(b.started_at < d.sent_at <= b.finished_at for d in own if d.sent_at)
        if b.status == "done":
            assert statuses <= {"sent", "failed"}
        else:
            assert statuses <= {"sent", "failed", "cancelled"} and counts.cancelled > 0
        if b.options.get("ack"):
            assert report.acks.recipients > 0
    delivered = {d.id: d for d in deliveries}
    acked = {b.id for b in broadcasts if b.options.get("ack")}
    assert acks
    for ack in acks:
        d = delivered[ack.delivery_id]
        assert d.status == "sent" and d.broadcast_id in acked
        assert d.sent_at < ack.acked_at <= NOW and ack.user_id in users
        if d.kind == "private":
            assert ack.user_id == d.chat_id


def test_medium_broadcast_rows_agree_with_their_counts_and_acks() -> None:
    """Without a database, on the bigger set (more failures under ack broadcasts)."""
    rows = build_rows(SIZES["medium"], seed=7, now=NOW)
    assert len(rows.broadcasts) == SIZES["medium"].broadcasts
    deliveries = {d["id"]: d for d in rows.deliveries}
    by_broadcast: dict[int, list[dict[str, Any]]] = {}
    for d in rows.deliveries:
        by_broadcast.setdefault(d["broadcast_id"], []).append(d)
    for b in rows.broadcasts:
        own = by_broadcast[b["id"]]
        if b["status"] == "scheduled":
            assert b["counts"] is None and {d["status"] for d in own} == {"planned"}
            continue
        failed: dict[str, int] = {}
        for d in own:
            if d["status"] == "failed":
                failed[d["error_reason"]] = failed.get(d["error_reason"], 0) + 1
        assert b["counts"] == {
            "sent": sum(d["status"] == "sent" for d in own),
            "failed": failed,
            "planned": 0,
            "claimed": 0,
            "cancelled": sum(d["status"] == "cancelled" for d in own),
        }
    ack_broadcasts = {b["id"] for b in rows.broadcasts if b["options"]["ack"]}
    failed_under_ack = [
        d
        for d in rows.deliveries
        if d["broadcast_id"] in ack_broadcasts and d["status"] == "failed"
    ]
    assert len(failed_under_ack) >= 10  # so the next check means something
    assert rows.acks
    for ack in rows.acks:
        d = deliveries[ack["delivery_id"]]
        assert d["status"] == "sent" and d["broadcast_id"] in ack_broadcasts
        assert d["sent_at"] < ack["acked_at"] <= NOW
    reasons = {d["error_reason"] for d in rows.deliveries if d["status"] == "failed"}
    assert reasons == {"blocked", "removed", "not_found"}
