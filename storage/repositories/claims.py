"""Claiming due rows atomically, the way reminders and broadcast deliveries do it.

``picked_ids`` turns the SELECT of due ids into what an ``UPDATE ... WHERE id IN
(...) RETURNING`` claims: on PostgreSQL the SELECT takes ``FOR UPDATE SKIP LOCKED``
inside a materialized CTE, so two processes claiming at the same moment get disjoint
rows without waiting (and the planner cannot re-run a LIMIT subquery inside the
UPDATE's join and claim more than the limit); on SQLite the single writer
serializes claims. Either way the UPDATE must repeat the "due" condition in its own
WHERE, so a row claimed meanwhile is not claimed again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Table, select
from sqlalchemy.ext.asyncio import AsyncSession


def picked_ids(session: AsyncSession, due: Select[Any], table: Table) -> Any:
    """The ids ``due`` (a ``SELECT id ... LIMIT n`` on ``table``) selects, locked and
    skipped as described above, as a scalar subquery for ``id.in_(...)``."""
    if session.get_bind().dialect.name == "postgresql":
        cte = due.with_for_update(of=table, skip_locked=True).cte("picked")
        return select(cte.prefix_with("MATERIALIZED").c.id).scalar_subquery()
    return due.scalar_subquery()
