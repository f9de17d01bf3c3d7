"""Startup and ambassador profiles (drafts, submissions, decisions)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Row, Table, bindparam, delete, func, insert, select, update

from storage.dto import AmbassadorDTO, ChannelDTO, StartupDTO
from storage.models import Ambassador, Assignment, Channel, Link, Startup
from storage.repositories.rows import StatusRepo, dto_from_row

_CHANNELS: Table = Channel.__table__  # type: ignore[assignment]
_SELECT_CHANNELS = (
    select(_CHANNELS)
    .where(_CHANNELS.c.ambassador_id.in_(bindparam("ids", expanding=True)))
    .order_by(_CHANNELS.c.id)
)

DtoT = TypeVar("DtoT", StartupDTO, AmbassadorDTO)


class _ProfileRepo(StatusRepo, ABC, Generic[DtoT]):
    """Shared operations; subclasses name the table and build the DTO.

    Profiles are read and written on every step of a registration, so the
    statements are plain Core on the table, built once per class: no ORM identity
    map to keep in sync, no per-call statement building (docs/benchmarks.md).
    """

    _by_id: ClassVar[Any]
    _by_user: ClassVar[Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        t = cls.table
        cls._by_id = select(t).where(t.c.id == bindparam("id"))
        cls._by_user = select(t).where(t.c.user_id == bindparam("user_id"))

    @abstractmethod
    async def _dtos(self, rows: Sequence[Row[Any]]) -> list[DtoT]:
        """Turn rows into the DTOs handed out of storage/."""

    async def _one(self, statement: Any, params: dict[str, Any]) -> DtoT | None:
        row = (await self.session.execute(statement, params)).first()
        return (await self._dtos([row]))[0] if row is not None else None

    async def get(self, profile_id: int) -> DtoT | None:
        return await self._one(self._by_id, {"id": profile_id})

    async def get_by_user(self, user_id: int) -> DtoT | None:
        return await self._one(self._by_user, {"user_id": user_id})

    async def create_draft(self, user_id: int) -> DtoT:
        statement = insert(self.table).values(user_id=user_id, status="draft")
        row = (await self.session.execute(statement.returning(*self.table.c))).one()
        return (await self._dtos([row]))[0]

    async def list_by_status(self, status: str, *, limit: int = 50) -> list[DtoT]:
        t = self.table
        rows = await self.session.execute(
            select(t).where(t.c.status == status).order_by(t.c.submitted_at, t.c.id).limit(limit)
        )
        return await self._dtos(rows.all())

    async def _most(self, counted: Any, *conditions: Any, limit: int) -> list[DtoT]:
        """Approved profiles with the most rows where ``counted`` (a column naming
        this profile) matches and ``conditions`` hold; most first, then by id."""
        t = self.table
        n = select(func.count()).where(counted == t.c.id, *conditions).scalar_subquery()
        rows = await self.session.execute(
            select(t).where(t.c.status == "approved").order_by(n.desc(), t.c.id).limit(limit)
        )
        return await self._dtos(rows.all())

    async def count_by_status(self, status: str) -> int:
        t = self.table
        stmt = select(func.count()).select_from(t).where(t.c.status == status)
        return int((await self.session.execute(stmt)).scalar_one())


class StartupRepo(_ProfileRepo[StartupDTO]):
    table = Startup.__table__  # type: ignore[assignment]

    async def most_covered(self, limit: int) -> list[StartupDTO]:
        """Approved startups with the most published links (the sandbox's demo
        personas: their /myreport has something to show)."""
        return await self._most(Link.startup_id, limit=limit)

    editable = frozenset(
        {
            "company_name",
            "sectors",
            "stage",
            "province",
            "website",
            "description",
            "contact_name",
            "phone",
            "email",
            "needs",
            "skipped",
        }
    )

    async def _dtos(self, rows: Sequence[Row[Any]]) -> list[StartupDTO]:
        return [dto_from_row(StartupDTO, row) for row in rows]


class AmbassadorRepo(_ProfileRepo[AmbassadorDTO]):
    table = Ambassador.__table__  # type: ignore[assignment]

    async def busiest(self, limit: int) -> list[AmbassadorDTO]:
        """Approved ambassadors with the most stories being written (the sandbox's
        demo personas: their reminders show when the clock jumps)."""
        return await self._most(
            Assignment.ambassador_id, Assignment.status == "accepted", limit=limit
        )

    editable = frozenset(
        {
            "display_name",
            "channels_done",
            "topics",
            "regions",
            "languages",
            "capacity",
            "skipped",
            "paused",
        }
    )

    async def toggle_leaderboard(self, ambassador_id: int) -> bool:
        """Flip the leaderboard opt-in in one UPDATE; the new value."""
        await self.session.execute(
            update(Ambassador)
            .where(Ambassador.id == ambassador_id)
            .values(leaderboard=~Ambassador.leaderboard)
            .execution_options(synchronize_session=False)
        )
        value = await self.session.scalar(
            select(Ambassador.leaderboard).where(Ambassador.id == ambassador_id)
        )
        return bool(value)

    async def display_names(self, ambassador_ids: Iterable[int]) -> dict[int, str | None]:
        """Display names of these ambassadors, in one query (lists and cards)."""
        ids = list(set(ambassador_ids))
        if not ids:
            return {}
        t = self.table
        rows = await self.session.execute(select(t.c.id, t.c.display_name).where(t.c.id.in_(ids)))
        return {row.id: row.display_name for row in rows}

    async def _dtos(self, rows: Sequence[Row[Any]]) -> list[AmbassadorDTO]:
        """Ambassadors with their channels (one more query for all of them)."""
        if not rows:
            return []
        found = await self.session.execute(_SELECT_CHANNELS, {"ids": [r.id for r in rows]})
        channels: dict[int, list[ChannelDTO]] = {}
        for c in found:
            channels.setdefault(c.ambassador_id, []).append(
                ChannelDTO(c.id, c.platform, c.url, c.audience)
            )
        return [
            dto_from_row(AmbassadorDTO, row, channels=tuple(channels.get(row.id, ())))
            for row in rows
        ]

    async def add_channel(
        self, ambassador_id: int, *, platform: str, url: str | None, audience: int
    ) -> None:
        await self.session.execute(
            insert(_CHANNELS).values(
                ambassador_id=ambassador_id, platform=platform, url=url, audience=audience
            )
        )

    async def clear_channels(self, ambassador_id: int) -> None:
        c = _CHANNELS.c
        await self.session.execute(delete(_CHANNELS).where(c.ambassador_id == ambassador_id))

    async def remove_channel(self, ambassador_id: int, channel_id: int) -> None:
        c = _CHANNELS.c
        await self.session.execute(
            delete(_CHANNELS).where(c.ambassador_id == ambassador_id, c.id == channel_id)
        )
