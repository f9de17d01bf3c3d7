"""Exports (issue #7): the rows of each entity a ``ReportScope`` holds, for /export
and ``in2spire export``. Which rows are in scope follows the report's rules
(``storage/repositories/reports.py``, the one place they are defined; ``ExportRepo``
reuses its scope conditions):

- *startups*, *ambassadors*: approved (``decided_at``) within the period (for a
  campaign: the campaign's dates), as the report's registrations;
- *requests*: submitted requests (not drafts): the campaign's, else submitted within
  the period, as the report's pitches; with the outcome (``outcome``: None when not
  asked, an empty tuple when asked and unanswered, else the kind codes ticked;
  ``outcome_at``: when answered; ``outcome_note``), read through an outer join;
- *assignments*: every offer: of the campaign's requests, else offered within the
  period, as the report's offers;
- *links*: of the campaign's requests, else submitted within the period;
- *broadcasts*: created within the period (for a campaign: its dates; broadcasts
  belong to no campaign).

Rows are plain tuples (codes, not labels: the caller translates), joined to readable
names (company, ambassador display name, campaign). Erased people are tombstones:
their profile keeps only the anonymous name ('Startup #id'), and ``deleted`` says so.
Each entity is read with a streamed query in chunks (``yield_per``): nothing loads a
whole table at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import Select, Table, select

from storage.models import Broadcast, Campaign, User
from storage.repositories.reports import _A, _AMB, _L, _O, _R, _S, ReportRepo, ReportScope

_U: Table = User.__table__  # type: ignore[assignment]
_C: Table = Campaign.__table__  # type: ignore[assignment]
_B: Table = Broadcast.__table__  # type: ignore[assignment]

#: Rows fetched per round trip.
CHUNK = 1000
#: The entities, in the order of the sheets / files.
ENTITIES = ("startups", "ambassadors", "requests", "assignments", "links", "broadcasts")
#: Column names per entity (the row tuples follow this order).
COLUMNS: dict[str, tuple[str, ...]] = {
    "startups": (
        "id",
        "company",
        "province",
        "sectors",
        "stage",
        "needs",
        "status",
        "approved_at",
        "deleted",
    ),
    "ambassadors": (
        "id",
        "name",
        "regions",
        "topics",
        "languages",
        "capacity",
        "status",
        "approved_at",
        "deleted",
    ),
    "requests": (
        "id",
        "startup_id",
        "company",
        "province",
        "need",
        "status",
        "campaign",
        "submitted_at",
        "deadline",
        "wanted",
        "accepted",
        "outcome",
        "outcome_at",
        "outcome_note",
    ),
    "assignments": (
        "id",
        "request_id",
        "company",
        "ambassador_id",
        "ambassador",
        "status",
        "offered_at",
        "answered_at",
        "published_at",
        "decline_reason",
    ),
    "links": (
        "id",
        "request_id",
        "company",
        "ambassador",
        "platform",
        "url",
        "submitted_at",
        "late",
        "sponsored",
        "check_status",
        "title",
    ),
    "broadcasts": (
        "id",
        "status",
        "created_at",
        "scheduled_at",
        "started_at",
        "finished_at",
        "sent",
        "failed",
    ),
}


class ExportRepo(ReportRepo):
    """The report's scope conditions, applied to whole rows instead of counts."""

    def _statement(self, entity: str, scope: ReportScope) -> Select[Any]:
        if entity == "startups":
            return (
                select(
                    _S.c.id,
                    _S.c.company_name,
                    _S.c.province,
                    _S.c.sectors,
                    _S.c.stage,
                    _S.c.needs,
                    _S.c.status,
                    _S.c.decided_at,
                    _U.c.deleted_at.is_not(None),
                )
                .select_from(_S.outerjoin(_U, _U.c.id == _S.c.user_id))
                .where(_S.c.status == "approved", self._within(_S.c.decided_at, scope))
                .order_by(_S.c.id)
            )
        if entity == "ambassadors":
            return (
                select(
                    _AMB.c.id,
                    _AMB.c.display_name,
                    _AMB.c.regions,
                    _AMB.c.topics,
                    _AMB.c.languages,
                    _AMB.c.capacity,
                    _AMB.c.status,
                    _AMB.c.decided_at,
                    _U.c.deleted_at.is_not(None),
                )
                .select_from(_AMB.outerjoin(_U, _U.c.id == _AMB.c.user_id))
                .where(_AMB.c.status == "approved", self._within(_AMB.c.decided_at, scope))
                .order_by(_AMB.c.id)
            )
        if entity == "requests":
            return (
                select(
                    _R.c.id,
                    _R.c.startup_id,
                    _S.c.company_name,
                    _S.c.province,
                    _R.c.need,
                    _R.c.status,
                    _C.c.name,
                    _R.c.submitted_at,
                    _R.c.deadline,
                    _R.c.wanted,
                    _R.c.accepted,
                    _O.c.asked_at,
                    _O.c.answered_at,
                    _O.c.kinds,
                    _O.c.note,
                )
                .select_from(
                    _R.join(_S, _S.c.id == _R.c.startup_id)
                    .outerjoin(_C, _C.c.id == _R.c.campaign_id)
                    .outerjoin(_O, _O.c.request_id == _R.c.id)
                )
                .where(_R.c.status != "draft", self._requests_in(scope, _R.c.submitted_at))
                .order_by(_R.c.id)
            )
        if entity == "assignments":
            return (
                select(
                    _A.c.id,
                    _A.c.request_id,
                    _S.c.company_name,
                    _A.c.ambassador_id,
                    _AMB.c.display_name,
                    _A.c.status,
                    _A.c.offered_at,
                    _A.c.answered_at,
                    _A.c.published_at,
                    _A.c.decline_reason,
                )
                .select_from(
                    _A.join(_R, _R.c.id == _A.c.request_id)
                    .join(_S, _S.c.id == _R.c.startup_id)
                    .join(_AMB, _AMB.c.id == _A.c.ambassador_id)
                )
                .where(self._requests_in(scope, _A.c.offered_at))
                .order_by(_A.c.id)
            )
        if entity == "links":
            return (
                select(
                    _L.c.id,
                    _L.c.request_id,
                    _S.c.company_name,
                    _AMB.c.display_name,
                    _L.c.platform,
                    _L.c.original_url,
                    _L.c.submitted_at,
                    _L.c.late,
                    _L.c.sponsored,
                    _L.c.check_status,
                    _L.c.title,
                )
                .select_from(
                    _L.join(_R, _R.c.id == _L.c.request_id)
                    .join(_S, _S.c.id == _L.c.startup_id)
                    .join(_AMB, _AMB.c.id == _L.c.ambassador_id)
                )
                .where(self._links_in(scope))
                .order_by(_L.c.id)
            )
        if entity == "broadcasts":
            return (
                select(
                    _B.c.id,
                    _B.c.status,
                    _B.c.created_at,
                    _B.c.scheduled_at,
                    _B.c.started_at,
                    _B.c.finished_at,
                    _B.c.counts,
                )
                .where(self._within(_B.c.created_at, scope))
                .order_by(_B.c.id)
            )
        raise ValueError(f"unknown entity {entity!r}")

    async def chunks(
        self, entity: str, scope: ReportScope, size: int = CHUNK
    ) -> AsyncIterator[Sequence[tuple[Any, ...]]]:
        """The entity's rows in scope (``COLUMNS[entity]``), ``size`` at a time."""
        statement = self._statement(entity, scope).execution_options(yield_per=size)
        result = await self.session.stream(statement)
        async for part in result.partitions(size):
            if entity == "broadcasts":
                yield [_broadcast_row(tuple(row)) for row in part]
            elif entity == "requests":
                yield [_request_row(tuple(row)) for row in part]
            else:
                yield [tuple(row) for row in part]


def _request_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """(asked_at, answered_at, kinds, note) become (outcome, outcome_at, outcome_note)."""
    asked_at, answered_at, kinds, note = row[-4:]
    if asked_at is None:
        outcome: tuple[str, ...] | None = None
    elif answered_at is None:
        outcome = ()
    else:
        outcome = tuple(kinds or ())
    return (*row[:-4], outcome, answered_at, note if answered_at is not None else None)


def _broadcast_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    counts = row[-1] or {}
    failed = counts.get("failed") or {}
    failed_total = sum(failed.values()) if isinstance(failed, dict) else int(failed or 0)
    return (*row[:-1], counts.get("sent"), failed_total)
