"""Once-a-day jobs: the first process to insert (name, run_key) runs the job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import JobRun

_J: Table = JobRun.__table__  # type: ignore[assignment]


class JobRunRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, name: str, run_key: str, when: datetime) -> bool:
        """True for the one caller that records this run; False if it already ran."""
        try:
            async with self.session.begin_nested():
                await self.session.execute(
                    insert(_J).values(name=name, run_key=run_key, started_at=when)
                )
        except IntegrityError:
            return False
        return True
