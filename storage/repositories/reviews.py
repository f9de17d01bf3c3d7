from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import ReviewDTO
from storage.models import ReviewDecision


class ReviewRepo:
    """The audit trail of submissions and decisions."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        *,
        subject_type: str,
        subject_id: int,
        actor_id: int,
        decision: str,
        reason: str | None = None,
        changed_fields: list[str] | None = None,
    ) -> None:
        self.session.add(
            ReviewDecision(
                subject_type=subject_type,
                subject_id=subject_id,
                actor_id=actor_id,
                decision=decision,
                reason=reason,
                changed_fields=changed_fields or [],
            )
        )
        await self.session.flush()

    async def history(self, subject_type: str, subject_id: int) -> list[ReviewDTO]:
        rows = await self.session.execute(
            select(ReviewDecision)
            .where(
                ReviewDecision.subject_type == subject_type,
                ReviewDecision.subject_id == subject_id,
            )
            .order_by(ReviewDecision.id)
        )
        return [
            ReviewDTO(
                r.subject_type,
                r.subject_id,
                r.actor_id,
                r.decision,
                r.reason,
                tuple(r.changed_fields or ()),
                r.created_at,
            )
            for r in rows.scalars()
        ]

    async def last_changed_fields(self, subject_type: str, subject_id: int) -> tuple[str, ...]:
        rows = await self.session.execute(
            select(ReviewDecision.changed_fields)
            .where(
                ReviewDecision.subject_type == subject_type,
                ReviewDecision.subject_id == subject_id,
                ReviewDecision.decision == "resubmitted",
            )
            .order_by(ReviewDecision.id.desc())
            .limit(1)
        )
        value = rows.scalar()
        return tuple(value or ())
