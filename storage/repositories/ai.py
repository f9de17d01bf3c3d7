"""AI calls (what they cost, for /ai_usage), story briefs and post drafts (issue #6).

``usage`` aggregates in SQL, per local day and feature, the same way on SQLite and
PostgreSQL: the day of a row is a ``CASE`` over the UTC instants at which the local
days of the window start (computed here, so a time zone offset or a DST change is
exact), grouped in an outer query (PostgreSQL does not treat two copies of an
expression with bound parameters as the same GROUP BY expression).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Row, Table, case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import PostDraftDTO, UsageRow
from storage.models import AICall, Assignment, PostDraft, StoryRequest
from storage.repositories.rows import dto_from_row

_C: Table = AICall.__table__  # type: ignore[assignment]
_D: Table = PostDraft.__table__  # type: ignore[assignment]
_A: Table = Assignment.__table__  # type: ignore[assignment]
_R: Table = StoryRequest.__table__  # type: ignore[assignment]

AI_STATUSES = frozenset({"ok", "disabled", "timeout", "error", "invalid"})
FAILED_STATUSES = ("timeout", "error", "invalid")
DRAFT_SOURCES = frozenset({"ai", "template"})
BRIEF_SOURCES = frozenset({"ai", "own"})
#: The longest window ``usage`` accepts (one CASE branch per day).
MAX_USAGE_DAYS = 400


def _draft(row: Row[Any]) -> PostDraftDTO:
    return dto_from_row(PostDraftDTO, row)


def day_starts(since: datetime, until: datetime, tz: tzinfo) -> list[tuple[date, datetime]]:
    """The local days touching [since, until) and the UTC instant each one starts."""
    if since.tzinfo is None or until.tzinfo is None:
        raise ValueError("since and until must be aware datetimes")
    first = since.astimezone(tz).date()
    last = (until - timedelta(microseconds=1)).astimezone(tz).date()
    if (last - first).days >= MAX_USAGE_DAYS:
        raise ValueError(f"at most {MAX_USAGE_DAYS} days")
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [(d, datetime.combine(d, time(), tzinfo=tz).astimezone(UTC)) for d in days]


class AIRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- calls -------------------------------------------------------------------------

    async def record_call(
        self,
        *,
        feature: str,
        prompt: str,
        prompt_version: str,
        model: str,
        status: str,
        latency_ms: int,
        created_at: datetime,
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        user_id: int | None = None,
    ) -> None:
        if status not in AI_STATUSES:
            raise ValueError(f"unknown AI call status {status!r}")
        await self.session.execute(
            insert(_C).values(
                feature=feature[:32],
                prompt=prompt[:32],
                prompt_version=prompt_version[:16],
                model=model[:64],
                status=status,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                latency_ms=max(0, latency_ms),
                user_id=user_id,
                created_at=created_at,
            )
        )

    async def usage(self, since: datetime, until: datetime, tz: tzinfo = UTC) -> list[UsageRow]:
        """Calls in [since, until) per local day (in ``tz``) and feature, oldest day
        first, features alphabetically; days and features without calls are absent."""
        starts = day_starts(since, until, tz)
        created = _C.c.created_at
        # Index i for rows at or after the start of day i (the last branch that holds).
        bucket = case(
            *((created >= start, index) for index, (_, start) in reversed(list(enumerate(starts)))),
            else_=0,
        )
        inner = (
            select(
                bucket.label("day"),
                _C.c.feature,
                _C.c.status,
                _C.c.prompt_tokens,
                _C.c.completion_tokens,
            )
            .where(created >= since, created < until)
            .subquery()
        )
        status = inner.c.status
        statement = (
            select(
                inner.c.day,
                inner.c.feature,
                func.sum(case((status != "disabled", 1), else_=0)).label("calls"),
                func.sum(case((status.in_(FAILED_STATUSES), 1), else_=0)).label("failed"),
                func.sum(case((status == "disabled", 1), else_=0)).label("disabled"),
                func.coalesce(func.sum(inner.c.prompt_tokens), 0).label("prompt_tokens"),
                func.coalesce(func.sum(inner.c.completion_tokens), 0).label("completion_tokens"),
            )
            .group_by(inner.c.day, inner.c.feature)
            .order_by(inner.c.day, inner.c.feature)
        )
        rows = (await self.session.execute(statement)).all()
        return [
            UsageRow(
                day=starts[int(r.day)][0],
                feature=r.feature,
                calls=int(r.calls or 0),
                failed=int(r.failed or 0),
                disabled=int(r.disabled or 0),
                prompt_tokens=int(r.prompt_tokens or 0),
                completion_tokens=int(r.completion_tokens or 0),
            )
            for r in rows
        ]

    # --- briefs ------------------------------------------------------------------------

    async def set_brief(
        self,
        request_id: int,
        brief: Mapping[str, Any] | None,
        *,
        source: str | None,
        prompt_version: str | None = None,
    ) -> None:
        """Store (or clear, with None) a request's structured brief."""
        if source is not None and source not in BRIEF_SOURCES:
            raise ValueError(f"unknown brief source {source!r}")
        await self.session.execute(
            update(_R)
            .where(_R.c.id == request_id)
            .values(
                brief=dict(brief) if brief is not None else None,
                brief_source=source if brief is not None else None,
                brief_prompt_version=prompt_version if brief is not None else None,
            )
        )

    # --- drafts ------------------------------------------------------------------------

    async def add_draft(
        self,
        assignment_id: int,
        *,
        platform: str,
        language: str,
        angle: str,
        hook: str,
        text: str,
        source: str,
        prompt_version: str | None = None,
        created_at: datetime | None = None,
    ) -> PostDraftDTO:
        """A new draft, numbered one more than the assignment's latest."""
        if source not in DRAFT_SOURCES:
            raise ValueError(f"unknown draft source {source!r}")
        next_version = (
            select(func.coalesce(func.max(_D.c.version), 0) + 1)
            .where(_D.c.assignment_id == assignment_id)
            .scalar_subquery()
        )
        values: dict[str, Any] = {
            "assignment_id": assignment_id,
            "version": next_version,
            "platform": platform,
            "language": language,
            "angle": angle[:200],
            "hook": hook[:300],
            "text": text,
            "source": source,
            "prompt_version": prompt_version,
        }
        if created_at is not None:
            values["created_at"] = created_at
        row = (await self.session.execute(insert(_D).values(**values).returning(*_D.c))).one()
        return _draft(row)

    async def latest_draft(self, assignment_id: int) -> PostDraftDTO | None:
        row = (
            await self.session.execute(
                select(_D)
                .where(_D.c.assignment_id == assignment_id)
                .order_by(_D.c.version.desc(), _D.c.id.desc())
                .limit(1)
            )
        ).first()
        return _draft(row) if row is not None else None

    async def drafts_for_request(self, request_id: int) -> list[PostDraftDTO]:
        """Every draft of every assignment of a request, oldest first (with the
        ambassador, so a new draft can take an angle nobody else took)."""
        rows = (
            await self.session.execute(
                select(_D, _A.c.request_id, _A.c.ambassador_id)
                .join(_A, _A.c.id == _D.c.assignment_id)
                .where(_A.c.request_id == request_id)
                .order_by(_D.c.id)
            )
        ).all()
        return [_draft(r) for r in rows]
