"""What every repository does with rows: guarded updates, compare-and-set, DTOs.

Statuses everywhere (profiles, requests, assignments) change by compare-and-set,
so two people acting at once cannot both win; editable columns are checked against
a whitelist; rows become frozen DTOs by column name, JSON lists becoming tuples.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import MISSING, fields
from functools import cache
from typing import Any, ClassVar, TypeVar

from sqlalchemy import Executable, Row, Table, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

DtoT = TypeVar("DtoT")


async def insert_or_none(session: AsyncSession, statement: Executable) -> Row[Any] | None:
    """Run an ``INSERT ... RETURNING`` in a savepoint; ``None`` when a unique
    constraint refuses it (a duplicate), the update's transaction carrying on."""
    try:
        async with session.begin_nested():
            return (await session.execute(statement)).one()
    except IntegrityError:
        return None


def editable_values(values: Mapping[str, Any], editable: frozenset[str]) -> dict[str, Any]:
    """``values`` ready for an UPDATE: only editable columns, tuples stored as lists."""
    unknown = set(values) - editable
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


class StatusRepo:
    """Base of the repositories whose rows have an ``id`` and a ``status``."""

    table: ClassVar[Table]
    #: Columns ``update_fields`` may change (none unless a subclass says so).
    editable: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def update_fields(self, row_id: int, values: dict[str, Any]) -> None:
        clean = editable_values(values, self.editable)
        t = self.table
        await self.session.execute(update(t).where(t.c.id == row_id).values(**clean))

    async def transition(
        self,
        row_id: int,
        *,
        from_statuses: Iterable[str],
        to_status: str,
        values: dict[str, Any] | None = None,
    ) -> bool:
        """Compare-and-set the status; False when someone else changed it first."""
        t = self.table
        result = await self.session.execute(
            update(t)
            .where(t.c.id == row_id, t.c.status.in_(list(from_statuses)))
            .values(status=to_status, **(values or {}))
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


@cache
def _defaults(cls: type) -> tuple[tuple[str, Any], ...]:
    return tuple((f.name, f.default) for f in fields(cls))


def dto_from_row(cls: type[DtoT], row: Row[Any], **given: Any) -> DtoT:
    """A DTO from the row's columns of the same names (``given`` wins).

    JSON lists become tuples; a NULL where the DTO defaults to ``()`` becomes ``()``.
    """
    columns = row._mapping
    values: dict[str, Any] = {}
    for name, default in _defaults(cls):  # type: ignore[arg-type]
        if name in given:
            values[name] = given[name]
        elif name in columns:
            value = columns[name]
            if isinstance(value, list):
                value = tuple(value)
            elif value is None and default is not MISSING and isinstance(default, tuple):
                value = default
            values[name] = value
    return cls(**values)
