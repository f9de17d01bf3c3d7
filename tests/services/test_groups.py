"""The group registry: added by an organizer or not, removed and re-added, rights,
titles, migration to a supergroup (twice, or after the new id appeared), tags and
their rules, and the organizers' pages."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import InvalidInput, NotFound
from bot.services.groups import MAX_TAGS, GroupService, normalize_tag, parse_tags
from storage.repositories import Repositories
from tests.conftest import FakeClock

ORG, SOMEONE = 10, 20
OLD, NEW = -4001, -1004001


def service(session: AsyncSession, clock: FakeClock) -> GroupService:
    return GroupService(Repositories.bind(session), clock)


async def test_added_by_organizer_is_confirmed_and_by_others_is_not(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        groups = service(s, clock)
        first = await groups.bot_added(-1, "Hà Nội", "group", ORG, True, False)
        second = await groups.bot_added(-2, "Press", "supergroup", SOMEONE, False, True)
        assert first.news and first.group.confirmed and first.group.added_by == ORG
        assert second.news and not second.group.confirmed and second.group.bot_is_admin
        # An organizer adding it again later confirms it; no news while it is active.
        again = await groups.bot_added(-2, "Press", "supergroup", ORG, True, True)
        assert not again.news and again.group.confirmed and again.group.id == second.group.id
        confirmed = await groups.confirm(first.group.id)
        assert confirmed.confirmed
        with pytest.raises(NotFound):
            await groups.confirm(999)


async def test_removed_then_readded_rights_and_title(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        groups = service(s, clock)
        added = (await groups.bot_added(-1, "Old", "group", ORG, True, False)).group
        assert (await groups.rights_changed(-1, True)).bot_is_admin  # type: ignore[union-attr]
        assert (await groups.title_changed(-1, "New")).title == "New"  # type: ignore[union-attr]
        removed = await groups.bot_removed(-1)
        assert removed is not None and removed.status == "inactive" and not removed.bot_is_admin
        back = await groups.bot_added(-1, "New", "group", SOMEONE, False, False)
        assert back.news and back.group.status == "active" and back.group.id == added.id
        assert back.group.confirmed  # confirmed once, stays confirmed
        assert await groups.bot_removed(-999) is None  # unknown group: nothing to do
        left = await groups.mark_left(added.id)
        assert left.status == "inactive" and not left.confirmed


async def test_migrate_keeps_one_row_with_its_tags(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        groups = service(s, clock)
        added = (await groups.bot_added(OLD, "Basic", "group", ORG, True, False)).group
        await groups.add_tags(added.id, ["hanoi", "press"])
        moved = await groups.migrate(OLD, NEW)
        assert moved is not None and moved.id == added.id
        assert (moved.chat_id, moved.type, moved.migrated_from) == (NEW, "supergroup", OLD)
        assert moved.tags == ("hanoi", "press")
        again = await groups.migrate(OLD, NEW)  # the send path may report it too
        assert again == moved
        assert await groups.by_chat(OLD) is None


async def test_migrate_merges_into_a_row_for_the_new_id(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        groups = service(s, clock)
        old = (await groups.bot_added(OLD, "Basic", "group", ORG, True, False)).group
        await groups.add_tags(old.id, ["hanoi"])
        new = (await groups.bot_added(NEW, "Basic", "supergroup", SOMEONE, False, False)).group
        await groups.add_tags(new.id, ["press"])
        merged = await groups.migrate(OLD, NEW)
        assert merged is not None and merged.id == new.id and merged.confirmed
        assert merged.tags == ("press", "hanoi") and merged.migrated_from == OLD
        assert await groups.by_chat(OLD) is None


def test_tag_rules() -> None:
    assert normalize_tag("Hà Nội") == "ha-noi"
    assert normalize_tag("#TechFest-2025") == "techfest-2025"
    assert normalize_tag("Đà_Nẵng") == "da_nang"
    for bad in ("", "-x", "a" * 33, "tag!", "_x"):
        with pytest.raises(InvalidInput):
            normalize_tag(bad)
    assert parse_tags("hanoi, Press  hanoi") == ["hanoi", "press"]


async def test_tags_add_remove_limit(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        groups = service(s, clock)
        gid = (await groups.bot_added(-1, "G", "group", ORG, True, False)).group.id
        g = await groups.add_tags(gid, ["hanoi", "Press", "hanoi"])
        assert g.tags == ("hanoi", "press")
        g = await groups.remove_tags(gid, ["HANOI"])
        assert g.tags == ("press",)
        with pytest.raises(InvalidInput) as err:
            await groups.add_tags(gid, [f"t{i}" for i in range(MAX_TAGS)])
        assert err.value.code == "group.error.too_many_tags"
        assert (await groups.get(gid)).tags == ("press",)
        with pytest.raises(InvalidInput):
            await groups.add_tags(gid, ["bad tag!"])


async def test_pages_active_first(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        groups = service(s, clock)
        for i in range(7):
            await groups.bot_added(-100 - i, f"Group {i}", "supergroup", ORG, True, False)
        await groups.bot_removed(-100)
        first = await groups.page(0)
        assert [g.title for g in first.items] == [f"Group {i}" for i in range(1, 6)]
        assert first.has_next
        second = await groups.page(1)
        assert [g.title for g in second.items] == ["Group 6", "Group 0"]
        assert not second.has_next
        await groups.record_member_count(first.items[0].id, 42)
        assert (await groups.get(first.items[0].id)).member_count == 42
