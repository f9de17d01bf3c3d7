"""The group registry: one row per group, found by its current chat id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import GroupDTO
from storage.models import Group
from storage.repositories.rows import dto_from_row, editable_values

_G: Table = Group.__table__  # type: ignore[assignment]

EDITABLE = frozenset(
    {
        "chat_id",
        "title",
        "type",
        "added_by",
        "status",
        "confirmed",
        "bot_is_admin",
        "member_count",
        "tags",
        "migrated_from",
    }
)


def _dto(row: Row[Any]) -> GroupDTO:
    return dto_from_row(GroupDTO, row)


class GroupRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, group_id: int) -> GroupDTO | None:
        row = (await self.session.execute(select(_G).where(_G.c.id == group_id))).first()
        return _dto(row) if row is not None else None

    async def by_chat(self, chat_id: int) -> GroupDTO | None:
        row = (await self.session.execute(select(_G).where(_G.c.chat_id == chat_id))).first()
        return _dto(row) if row is not None else None

    async def add(
        self,
        *,
        chat_id: int,
        title: str,
        type: str,
        added_by: int | None,
        confirmed: bool,
        bot_is_admin: bool,
        now: datetime,
    ) -> GroupDTO:
        row = (
            await self.session.execute(
                insert(_G)
                .values(
                    chat_id=chat_id,
                    title=title,
                    type=type,
                    added_by=added_by,
                    status="active",
                    confirmed=confirmed,
                    bot_is_admin=bot_is_admin,
                    tags=[],
                    created_at=now,
                    updated_at=now,
                )
                .returning(*_G.c)
            )
        ).one()
        return _dto(row)

    async def update(self, group_id: int, now: datetime, **values: Any) -> GroupDTO | None:
        """Set editable columns (tuples stored as lists); the row after, or None."""
        row = (
            await self.session.execute(
                update(_G)
                .where(_G.c.id == group_id)
                .values(updated_at=now, **editable_values(values, EDITABLE))
                .returning(*_G.c)
            )
        ).first()
        return _dto(row) if row is not None else None

    async def delete(self, group_id: int) -> None:
        await self.session.execute(delete(_G).where(_G.c.id == group_id))

    async def page(self, limit: int, offset: int) -> list[GroupDTO]:
        """Active groups first, then by title (case as stored) and id."""
        inactive_last = (_G.c.status != "active").label("inactive")
        rows = await self.session.execute(
            select(_G).order_by(inactive_last, _G.c.title, _G.c.id).limit(limit).offset(offset)
        )
        return [_dto(r) for r in rows]

    async def all(self, ids: Sequence[int] | None = None) -> list[GroupDTO]:
        stmt = select(_G).order_by(_G.c.id)
        if ids is not None:
            stmt = stmt.where(_G.c.id.in_(list(ids)))
        return [_dto(r) for r in await self.session.execute(stmt)]
