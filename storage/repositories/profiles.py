"""Startup and ambassador profiles (drafts, submissions, decisions)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import AmbassadorDTO, ChannelDTO, StartupDTO
from storage.models import Ambassador, Channel, Startup

_LIST_FIELDS = {"sectors", "needs", "topics", "regions", "languages", "skipped"}

RowT = TypeVar("RowT", Startup, Ambassador)
DtoT = TypeVar("DtoT", StartupDTO, AmbassadorDTO)


class _ProfileRepo(ABC, Generic[RowT, DtoT]):
    """Shared operations; subclasses name the model and build the DTO."""

    model: type[RowT]
    editable: frozenset[str]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @abstractmethod
    def _dto(self, row: RowT) -> DtoT:
        """Turn a row into the DTO handed out of storage/."""

    async def get(self, profile_id: int) -> DtoT | None:
        row = await self.session.get(self.model, profile_id)
        return self._dto(row) if row else None

    async def get_by_user(self, user_id: int) -> DtoT | None:
        row = (
            await self.session.execute(select(self.model).where(self.model.user_id == user_id))
        ).scalar_one_or_none()
        return self._dto(row) if row else None

    async def create_draft(self, user_id: int) -> DtoT:
        row = self.model(user_id=user_id, status="draft")
        self.session.add(row)
        await self.session.flush()
        await self.session.refresh(row)
        return self._dto(row)

    async def update_fields(self, profile_id: int, values: dict[str, Any]) -> None:
        unknown = set(values) - self.editable
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        clean = {k: list(v) if k in _LIST_FIELDS else v for k, v in values.items()}
        await self.session.execute(
            update(self.model).where(self.model.id == profile_id).values(**clean)
        )

    async def transition(
        self,
        profile_id: int,
        *,
        from_statuses: Iterable[str],
        to_status: str,
        values: dict[str, Any] | None = None,
    ) -> bool:
        """Compare-and-set the status; False when someone else changed it first."""
        result = await self.session.execute(
            update(self.model)
            .where(self.model.id == profile_id, self.model.status.in_(list(from_statuses)))
            .values(status=to_status, **(values or {}))
        )
        self.session.expire_all()
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def list_by_status(self, status: str, *, limit: int = 50) -> list[DtoT]:
        rows = await self.session.execute(
            select(self.model)
            .where(self.model.status == status)
            .order_by(self.model.submitted_at, self.model.id)
            .limit(limit)
        )
        return [self._dto(r) for r in rows.scalars()]

    async def count_by_status(self, status: str) -> int:
        stmt = select(func.count()).select_from(self.model).where(self.model.status == status)
        return int((await self.session.execute(stmt)).scalar_one())


class StartupRepo(_ProfileRepo[Startup, StartupDTO]):
    model = Startup
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

    def _dto(self, row: Startup) -> StartupDTO:
        return StartupDTO(
            id=row.id,
            user_id=row.user_id,
            status=row.status,
            company_name=row.company_name,
            sectors=tuple(row.sectors or ()),
            stage=row.stage,
            province=row.province,
            website=row.website,
            description=row.description,
            contact_name=row.contact_name,
            phone=row.phone,
            email=row.email,
            needs=tuple(row.needs or ()),
            skipped=tuple(row.skipped or ()),
            submitted_at=row.submitted_at,
            decided_at=row.decided_at,
            decided_by=row.decided_by,
            reject_reason=row.reject_reason,
        )


class AmbassadorRepo(_ProfileRepo[Ambassador, AmbassadorDTO]):
    model = Ambassador
    editable = frozenset(
        {"display_name", "channels_done", "topics", "regions", "languages", "capacity", "skipped"}
    )

    def _dto(self, row: Ambassador) -> AmbassadorDTO:
        return AmbassadorDTO(
            id=row.id,
            user_id=row.user_id,
            status=row.status,
            display_name=row.display_name,
            channels=tuple(ChannelDTO(c.id, c.platform, c.url, c.audience) for c in row.channels),
            channels_done=row.channels_done,
            topics=tuple(row.topics or ()),
            regions=tuple(row.regions or ()),
            languages=tuple(row.languages or ()),
            capacity=row.capacity,
            skipped=tuple(row.skipped or ()),
            submitted_at=row.submitted_at,
            decided_at=row.decided_at,
            decided_by=row.decided_by,
            reject_reason=row.reject_reason,
        )

    async def add_channel(
        self, ambassador_id: int, *, platform: str, url: str | None, audience: int
    ) -> None:
        self.session.add(
            Channel(ambassador_id=ambassador_id, platform=platform, url=url, audience=audience)
        )
        await self.session.flush()
        self.session.expire_all()

    async def clear_channels(self, ambassador_id: int) -> None:
        await self.session.execute(delete(Channel).where(Channel.ambassador_id == ambassador_id))
        self.session.expire_all()

    async def get_by_user(self, user_id: int) -> AmbassadorDTO | None:
        self.session.expire_all()
        return await super().get_by_user(user_id)

    async def get(self, profile_id: int) -> AmbassadorDTO | None:
        self.session.expire_all()
        return await super().get(profile_id)

    async def remove_channel(self, ambassador_id: int, channel_id: int) -> None:
        await self.session.execute(
            delete(Channel).where(Channel.ambassador_id == ambassador_id, Channel.id == channel_id)
        )
        self.session.expire_all()
