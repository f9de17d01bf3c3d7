"""The group registry: which groups the bot is in, who may broadcast to them, tags.

Telegram tells the bot when it is added, removed, promoted or demoted
(``my_chat_member``), when a group is renamed and when a basic group becomes a
supergroup (a new chat id). This service keeps one row per group through all of it.
It knows nothing of Telegram: handlers pass ids, titles and flags.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from bot.clock import Clock
from bot.errors import InvalidInput, NotFound
from bot.services.request_lists import Page
from storage.dto import GroupDTO
from storage.repositories import Repositories

MAX_TAGS = 10
PAGE_SIZE = 5
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_SPACES = re.compile(r"\s+")


def normalize_tag(raw: str) -> str:
    """``"#Hà Nội"`` -> ``"ha-noi"``; raises InvalidInput if the result is not a tag."""
    text = raw.strip().lstrip("#").replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _SPACES.sub("-", text)
    if not TAG_RE.match(text):
        raise InvalidInput("group.error.bad_tag", tag=raw.strip()[:40])
    return text


def parse_tags(text: str) -> list[str]:
    """Tags typed in one message, separated by spaces or commas; order kept, no repeats."""
    seen: dict[str, None] = {}
    for part in re.split(r"[\s,]+", text.strip()):
        if part:
            seen.setdefault(normalize_tag(part), None)
    return list(seen)


@dataclass(frozen=True, slots=True)
class Added:
    group: GroupDTO
    #: True when the group is new or was inactive: organizers are told.
    news: bool


class GroupService:
    def __init__(self, repos: Repositories, clock: Clock, page_size: int = PAGE_SIZE) -> None:
        self.repos = repos
        self.clock = clock
        self.page_size = page_size

    # -- what Telegram reports --------------------------------------------------------

    async def bot_added(
        self,
        chat_id: int,
        title: str,
        type: str,
        by_user: int | None,
        is_organizer: bool,
        is_admin: bool,
    ) -> Added:
        """The bot joined (or re-joined) a group. An organizer's add confirms it."""
        now = self.clock()
        found = await self.repos.groups.by_chat(chat_id)
        if found is None:
            group = await self.repos.groups.add(
                chat_id=chat_id,
                title=title,
                type=type,
                added_by=by_user,
                confirmed=is_organizer,
                bot_is_admin=is_admin,
                now=now,
            )
            return Added(group, news=True)
        news = found.status != "active"
        values: dict[str, object] = {
            "title": title,
            "type": type,
            "status": "active",
            "bot_is_admin": is_admin,
            "confirmed": found.confirmed or is_organizer,
        }
        if news:
            values["added_by"] = by_user
        updated = await self.repos.groups.update(found.id, now, **values)
        assert updated is not None
        return Added(updated, news=news)

    async def bot_removed(self, chat_id: int) -> GroupDTO | None:
        """Kicked or left: the group stays known, inactive."""
        return await self._update_chat(chat_id, status="inactive", bot_is_admin=False)

    async def rights_changed(self, chat_id: int, is_admin: bool) -> GroupDTO | None:
        return await self._update_chat(chat_id, bot_is_admin=is_admin)

    async def title_changed(self, chat_id: int, title: str) -> GroupDTO | None:
        return await self._update_chat(chat_id, title=title)

    async def migrate(self, old_id: int, new_id: int) -> GroupDTO | None:
        """A basic group became a supergroup: same group, new chat id. Safe to call
        twice (service message and a send's ``migrate_to_chat_id``); if a row for the
        new id appeared first, the old row's tags and confirmation are merged into it."""
        now = self.clock()
        old = await self.repos.groups.by_chat(old_id)
        new = await self.repos.groups.by_chat(new_id)
        if old is None:
            return new
        if new is not None:
            await self.repos.groups.delete(old.id)
            tags = list(dict.fromkeys(new.tags + old.tags))[:MAX_TAGS]
            return await self.repos.groups.update(
                new.id,
                now,
                tags=tags,
                confirmed=new.confirmed or old.confirmed,
                migrated_from=old_id,
                added_by=new.added_by if new.added_by is not None else old.added_by,
            )
        return await self.repos.groups.update(
            old.id, now, chat_id=new_id, type="supergroup", migrated_from=old_id
        )

    async def record_member_count(self, group_id: int, count: int) -> None:
        await self.repos.groups.update(group_id, self.clock(), member_count=count)

    # -- organizers' actions ----------------------------------------------------------

    async def get(self, group_id: int) -> GroupDTO:
        group = await self.repos.groups.get(group_id)
        if group is None:
            raise NotFound("group.error.not_found")
        return group

    async def by_chat(self, chat_id: int) -> GroupDTO | None:
        return await self.repos.groups.by_chat(chat_id)

    async def confirm(self, group_id: int) -> GroupDTO:
        await self.get(group_id)
        updated = await self.repos.groups.update(group_id, self.clock(), confirmed=True)
        assert updated is not None
        return updated

    async def mark_left(self, group_id: int) -> GroupDTO:
        """The bot is leaving on an organizer's request: inactive and unconfirmed."""
        await self.get(group_id)
        updated = await self.repos.groups.update(
            group_id, self.clock(), status="inactive", confirmed=False, bot_is_admin=False
        )
        assert updated is not None
        return updated

    async def set_tags(self, group_id: int, tags: Iterable[str]) -> GroupDTO:
        clean = list(dict.fromkeys(normalize_tag(t) for t in tags))
        if len(clean) > MAX_TAGS:
            raise InvalidInput("group.error.too_many_tags", limit=MAX_TAGS)
        await self.get(group_id)
        updated = await self.repos.groups.update(group_id, self.clock(), tags=clean)
        assert updated is not None
        return updated

    async def add_tags(self, group_id: int, tags: Iterable[str]) -> GroupDTO:
        group = await self.get(group_id)
        return await self.set_tags(group_id, [*group.tags, *tags])

    async def remove_tags(self, group_id: int, tags: Iterable[str]) -> GroupDTO:
        group = await self.get(group_id)
        gone = {normalize_tag(t) for t in tags}
        return await self.set_tags(group_id, [t for t in group.tags if t not in gone])

    async def page(self, page: int = 0) -> Page[GroupDTO]:
        page = max(page, 0)
        rows = await self.repos.groups.page(self.page_size + 1, page * self.page_size)
        return Page(tuple(rows[: self.page_size]), page, len(rows) > self.page_size)

    # -- helpers ----------------------------------------------------------------------

    async def _update_chat(self, chat_id: int, **values: object) -> GroupDTO | None:
        found = await self.repos.groups.by_chat(chat_id)
        if found is None:
            return None
        return await self.repos.groups.update(found.id, self.clock(), **values)
