"""Candidates for a story request: the facts matching needs about ambassadors.

Two ways in:

- ``available``: every ambassador who could be offered a story, with channels and
  assignment history, in three statements (the straightforward path); ``facts_for``
  is the same for a few ambassadors;
- ``profiles``: everyone's profile and all-time track record from a per-process
  cache, with an index of who holds which topic, region, language and platform, so
  that matching can single out the few who could make the top (and then read those
  with ``facts_for``). The cache decides whom to look at, never what is returned.

The cache (one per engine) mirrors, as of the caller's transaction, the profiles of
those who could be offered a story, their channels, and per ambassador the counts
that do not depend on the date (stories due, on time, open). Each ``profiles`` call
checks it with one statement (and reads again only what changed):

- rows stamped (ambassadors, assignments and requests by ``updated_at``, channels by
  ``created_at``) since ``SETTLE`` before the previous check are compared with what
  that check read; the ambassadors concerned are read again: an edit, a new row, a
  write the cache saw and that was then rolled back;
- the number of requests must match the cache's, or everything is read again (a
  deleted request took its assignments, hence someone's counts, with it).

This relies on every change to an ambassador, assignment or request moving its
``updated_at`` (the models' ``onupdate`` does, for Core and ORM updates alike), on
assignments being deleted only with their request or ambassador, and on a write
becoming visible within ``SETTLE`` of the time it stamped (transactions are per
update and short; the clocks of several bot processes agree within that). Deleted
ambassadors and channels may stay in the cache until that ambassador changes again:
with weights of at least zero that can only make matching look at someone more.
Snapshots are immutable and each check builds a new one, so concurrent callers never
see one half updated.

Statements are built once, with bound parameters (``IN`` lists expanding, padded to
a power of two so that PostgreSQL's driver prepares a few texts only): building and
caching a statement per call cost more than running it.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Table, and_, bindparam, case, func, literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import CandidateFactsDTO
from storage.models import Ambassador, Assignment, Channel, StoryRequest

_R: Table = StoryRequest.__table__  # type: ignore[assignment]
_A: Table = Assignment.__table__  # type: ignore[assignment]
_AMB: Table = Ambassador.__table__  # type: ignore[assignment]
_CH: Table = Channel.__table__  # type: ignore[assignment]

#: How long after its timestamp a write may still become visible (see the module doc).
SETTLE = timedelta(minutes=15)
#: Ids per statement when reading many at once (both databases allow ~32k parameters).
_CHUNK = 2048


def _ids(name: str = "ids") -> Any:
    return bindparam(name, expanding=True)


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


_AVAILABLE = and_(_AMB.c.status == "approved", _AMB.c.paused.is_(False))
_PROFILE = (_AMB.c.id, _AMB.c.topics, _AMB.c.regions, _AMB.c.languages, _AMB.c.capacity)
_CHANNEL = (_CH.c.id, _CH.c.ambassador_id, _CH.c.platform, _CH.c.audience)
_HOLDS = _A.c.status.in_(("accepted", "published", "overdue"))
_DUE = _A.c.status.in_(("published", "overdue"))
_ON_TIME = and_(_A.c.status == "published", _A.c.published_at <= _R.c.deadline)
_OPEN = _A.c.status == "accepted"

#: The counts of ``CandidateFactsDTO``: dated (this month, the fairness window), and
#: all-time. Parameters: month_start, since, startup_id.
_HISTORY = {
    "taken_this_month": _count_if(and_(_HOLDS, _A.c.answered_at >= bindparam("month_start"))),
    "accepted_due": _count_if(_DUE),
    "published_on_time": _count_if(_ON_TIME),
    "open_load": _count_if(_OPEN),
    "recent_offers": _count_if(_A.c.offered_at >= bindparam("since")),
    "recent_same_startup": _count_if(
        and_(_A.c.offered_at >= bindparam("since"), _R.c.startup_id == bindparam("startup_id"))
    ),
}
_ALL_TIME = ("accepted_due", "published_on_time", "open_load")


def _counts(names: Iterable[str]) -> Any:
    return (
        select(_A.c.ambassador_id, *(_HISTORY[name].label(name) for name in names))
        .join(_R, _R.c.id == _A.c.request_id)
        .group_by(_A.c.ambassador_id)
    )


# The straightforward path: everyone available.
_EVERYONE = select(*_PROFILE).where(_AVAILABLE)
_EVERYONES_CHANNELS = (
    select(*_CHANNEL).join(_AMB, _AMB.c.id == _CH.c.ambassador_id).where(_AVAILABLE)
)
_EVERYONES_HISTORY = _counts(_HISTORY)
# A few: profiles with their counts (one statement), and channels.
_SOME_HISTORY = _counts(_HISTORY).where(_A.c.ambassador_id.in_(_ids())).subquery()
_SOME = (
    select(*_PROFILE, *(_SOME_HISTORY.c[name] for name in _HISTORY))
    .select_from(_AMB.outerjoin(_SOME_HISTORY, _SOME_HISTORY.c.ambassador_id == _AMB.c.id))
    .where(_AVAILABLE, _AMB.c.id.in_(_ids()))
)
_SOME_CHANNELS = select(*_CHANNEL).where(_CH.c.ambassador_id.in_(_ids()))
# The cache.
_PEOPLE = select(*_PROFILE, _AMB.c.status, _AMB.c.paused)
_CHANNELS = select(*_CHANNEL)
_ALL_TIME_EVERYONE = _counts(_ALL_TIME)
_ALL_TIME_SOME = _ALL_TIME_EVERYONE.where(_A.c.ambassador_id.in_(_ids())).subquery()
_PEOPLE_SOME = (
    select(*_PEOPLE.selected_columns, *(_ALL_TIME_SOME.c[name] for name in _ALL_TIME))
    .select_from(_AMB.outerjoin(_ALL_TIME_SOME, _ALL_TIME_SOME.c.ambassador_id == _AMB.c.id))
    .where(_AMB.c.id.in_(_ids()))
)
_REQUEST_IDS = select(_R.c.id)
_ASSIGNED_TO = select(_A.c.ambassador_id).where(_A.c.request_id.in_(_ids())).distinct()


def _window_statement() -> Any:
    """Rows stamped since ``start`` and the number of requests, in one statement: on
    PostgreSQL one statement sees one snapshot, so the count agrees with the rows."""
    kind = literal_column
    nothing: Any = literal_column("NULL")
    start: Any = bindparam("start")
    return union_all(
        select(kind("'a'"), _AMB.c.id, nothing, _AMB.c.updated_at).where(
            _AMB.c.updated_at >= start
        ),
        select(kind("'c'"), _CH.c.id, _CH.c.ambassador_id, _CH.c.created_at).where(
            _CH.c.created_at >= start
        ),
        select(kind("'x'"), _A.c.id, _A.c.ambassador_id, _A.c.updated_at).where(
            _A.c.updated_at >= start
        ),
        select(kind("'r'"), _R.c.id, nothing, _R.c.updated_at).where(_R.c.updated_at >= start),
        select(
            kind("'n'"), select(func.count()).select_from(_R).scalar_subquery(), nothing, nothing
        ),
    )


_WINDOW = _window_statement()


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    """``ids`` in sorted chunks, each padded (repeating its last id) to a power of two:
    a few statement texts, which PostgreSQL's driver prepares once each."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        size = 1 << (len(chunk) - 1).bit_length()
        yield chunk + [chunk[-1]] * (size - len(chunk))


async def _rows(
    session: AsyncSession, statement: Any, ids: Iterable[int], **params: Any
) -> list[Any]:
    """All rows of ``statement`` for these ids (its ``ids`` parameter), in chunks."""
    found: list[Any] = []
    for chunk in _chunks(ids):
        found += await session.execute(statement, {"ids": chunk, **params})
    return found


@dataclass(frozen=True, slots=True)
class CandidateProfiles:
    """Everyone who could be offered a story (approved, not paused, with a monthly
    capacity): their facts with the all-time counts (stories due, on time, open) and
    without the dated ones (zero), and who holds which code. A snapshot: it never
    changes once handed out."""

    by_id: Mapping[int, CandidateFactsDTO]
    topics: Mapping[str, frozenset[int]]
    regions: Mapping[str, frozenset[int]]
    languages: Mapping[str, frozenset[int]]
    #: Ambassadors with at least one channel on the platform.
    platforms: Mapping[str, frozenset[int]]

    def holding(self, kind: str, codes: Iterable[str]) -> frozenset[int]:
        """Who holds any of ``codes`` among their ``kind`` (topics, regions, languages,
        platforms)."""
        index: Mapping[str, frozenset[int]] = getattr(self, kind)
        found = [index[code] for code in codes if code in index]
        if len(found) == 1:
            return found[0]
        return frozenset().union(*found)


class CandidateRepo:
    """The facts matching needs about the ambassadors who could be offered a story."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def available(
        self, *, startup_id: int, month_start: datetime, fairness_since: datetime
    ) -> list[CandidateFactsDTO]:
        """Every approved ambassador who is not paused, by id: three statements
        whatever their number (profiles, channels, one aggregate over assignments)."""
        params = {"startup_id": startup_id, "month_start": month_start, "since": fairness_since}
        people = list(await self.session.execute(_EVERYONE))
        if not people:
            return []
        channels = list(await self.session.execute(_EVERYONES_CHANNELS))
        counts = await self.session.execute(_EVERYONES_HISTORY, params)
        stats = {amb_id: values for amb_id, *values in counts}
        return _facts(people, channels, stats)

    async def facts_for(
        self,
        ambassador_ids: Collection[int],
        *,
        startup_id: int,
        month_start: datetime,
        fairness_since: datetime,
    ) -> list[CandidateFactsDTO]:
        """``available``, for these ambassadors only (read now, not from the cache): two
        statements, the profiles with their counts, and the channels."""
        if not ambassador_ids:
            return []
        params = {"startup_id": startup_id, "month_start": month_start, "since": fairness_since}
        rows = await _rows(self.session, _SOME, ambassador_ids, **params)
        channels = await _rows(self.session, _SOME_CHANNELS, ambassador_ids)
        stats = {row.id: row[len(_PROFILE) :] for row in rows}
        return _facts(rows, channels, stats)

    async def profiles(self) -> CandidateProfiles:
        """The cached profiles, brought up to date with what this transaction sees."""
        key = self.session.get_bind()
        mirror = await _refresh(self.session, _MIRRORS.get(key))
        _MIRRORS[key] = mirror
        return mirror.profiles


def _facts(
    people: Sequence[Any], channel_rows: Sequence[Any], stats: Mapping[int, Sequence[Any]]
) -> list[CandidateFactsDTO]:
    """DTOs by id from profile rows, their channel rows and their counts (in
    ``_HISTORY`` order; none: zero)."""
    channels: dict[int, list[tuple[str, int]]] = {}
    for _, amb_id, platform, audience in sorted(channel_rows, key=lambda c: c.id):
        channels.setdefault(amb_id, []).append((platform, int(audience or 0)))
    none = (0,) * len(_HISTORY)
    return [
        CandidateFactsDTO(
            ambassador_id=row.id,
            topics=tuple(row.topics or ()),
            regions=tuple(row.regions or ()),
            languages=tuple(row.languages or ()),
            channels=tuple(channels.get(row.id, ())),
            capacity=row.capacity,
            **{k: int(n or 0) for k, n in zip(_HISTORY, stats.get(row.id, none), strict=True)},
        )
        for row in sorted(people, key=lambda row: row.id)
    ]


# --- the cache ----------------------------------------------------------------------

K = TypeVar("K")
V = TypeVar("V")
_KINDS = ("topics", "regions", "languages", "platforms")
_NONE = (0, 0, 0)


@dataclass(frozen=True, slots=True)
class _Window:
    """Rows stamped at or after some time, as one check read them."""

    ambassadors: Mapping[int, datetime]
    channels: Mapping[int, tuple[int, datetime]]  # id -> (ambassador, created_at)
    assignments: Mapping[int, tuple[int, datetime]]  # id -> (ambassador, updated_at)
    requests: Mapping[int, datetime]

    def since(self, start: datetime) -> _Window:
        return _Window(
            ambassadors={i: s for i, s in self.ambassadors.items() if s >= start},
            channels={i: v for i, v in self.channels.items() if v[1] >= start},
            assignments={i: v for i, v in self.assignments.items() if v[1] >= start},
            requests={i: s for i, s in self.requests.items() if s >= start},
        )


@dataclass(frozen=True, slots=True)
class _Mirror:
    profiles: CandidateProfiles
    #: Every request in the database.
    requests: frozenset[int]
    #: Rows stamped since ``checked - SETTLE``, as read then: the next check compares.
    recent: _Window
    checked: datetime


_MIRRORS: WeakKeyDictionary[Any, _Mirror] = WeakKeyDictionary()


async def _read_window(session: AsyncSession, start: datetime) -> tuple[_Window, int]:
    """The rows stamped since ``start``, and how many requests there are."""
    found: dict[str, dict[int, Any]] = {"a": {}, "c": {}, "x": {}, "r": {}}
    requests = 0
    for kind, key, owner, stamp in await session.execute(_WINDOW, {"start": start}):
        if kind == "n":
            requests = int(key)
        else:
            found[kind][key] = (owner, stamp) if owner is not None else stamp
    window = _Window(
        ambassadors=found["a"], channels=found["c"], assignments=found["x"], requests=found["r"]
    )
    return window, requests


def _differ(now: Mapping[K, V], before: Mapping[K, V]) -> set[K]:
    """Keys whose entry is not the same in both (``before`` already cut to the window
    ``now`` was read for)."""
    found = {k for k, v in now.items() if before.get(k) != v}
    found.update(k for k, v in before.items() if now.get(k) != v)
    return found


def _profile(
    row: Any, channels: Sequence[tuple[str, int]], counts: Sequence[int]
) -> CandidateFactsDTO | None:
    """The row's profile if it could be offered a story, else None."""
    if row.status != "approved" or row.paused or not row.capacity or row.capacity <= 0:
        return None
    return CandidateFactsDTO(
        ambassador_id=row.id,
        # one copy of each code for thousands of profiles
        topics=tuple(map(sys.intern, row.topics or ())),
        regions=tuple(map(sys.intern, row.regions or ())),
        languages=tuple(map(sys.intern, row.languages or ())),
        channels=tuple((sys.intern(platform), audience) for platform, audience in channels),
        capacity=row.capacity,
        accepted_due=int(counts[0] or 0),
        published_on_time=int(counts[1] or 0),
        open_load=int(counts[2] or 0),
    )


def _codes(profile: CandidateFactsDTO | None, kind: str) -> frozenset[str]:
    if profile is None:
        return frozenset()
    if kind == "platforms":
        return frozenset(platform for platform, _ in profile.channels)
    values: tuple[str, ...] = getattr(profile, kind)
    return frozenset(values)


def _listed(channel_rows: Iterable[Any]) -> dict[int, list[tuple[str, int]]]:
    listed: dict[int, list[tuple[str, int]]] = {}
    for c in sorted(channel_rows, key=lambda c: c.id):
        listed.setdefault(c.ambassador_id, []).append((c.platform, int(c.audience or 0)))
    return listed


async def _load_all(session: AsyncSession, started: datetime) -> _Mirror:
    # The window first: whatever changes after it is read is seen by the next check.
    recent, _ = await _read_window(session, started - SETTLE)
    people = (await session.execute(_PEOPLE)).all()
    listed = _listed(await session.execute(_CHANNELS))
    requests = frozenset((await session.execute(_REQUEST_IDS)).scalars())
    all_time = {
        amb_id: (int(due), int(on_time), int(open_))
        for amb_id, due, on_time, open_ in await session.execute(_ALL_TIME_EVERYONE)
    }
    by_id: dict[int, CandidateFactsDTO] = {}
    for row in people:
        profile = _profile(row, listed.get(row.id, ()), all_time.get(row.id, _NONE))
        if profile is not None:
            by_id[row.id] = profile
    index: dict[str, dict[str, set[int]]] = {kind: {} for kind in _KINDS}
    for amb_id, profile in by_id.items():
        for kind in _KINDS:
            for code in _codes(profile, kind):
                index[kind].setdefault(code, set()).add(amb_id)
    frozen = {
        kind: {code: frozenset(members) for code, members in codes.items()}
        for kind, codes in index.items()
    }
    return _Mirror(
        profiles=CandidateProfiles(by_id=by_id, **frozen),
        requests=requests,
        recent=recent,
        checked=started,
    )


async def _refresh(session: AsyncSession, mirror: _Mirror | None) -> _Mirror:
    started = datetime.now(UTC)
    if mirror is None:
        return await _load_all(session, started)
    window, requests = await _read_window(session, mirror.checked - SETTLE)
    before = mirror.recent
    people = _differ(window.ambassadors, before.ambassadors)
    people.update(
        v[0]
        for i in _differ(window.channels, before.channels)
        for v in (window.channels.get(i), before.channels.get(i))
        if v
    )
    # whose assignments changed: their counts
    people.update(
        v[0]
        for i in _differ(window.assignments, before.assignments)
        for v in (window.assignments.get(i), before.assignments.get(i))
        if v
    )
    new_requests = window.requests.keys() - mirror.requests
    known_requests = mirror.requests | new_requests if new_requests else mirror.requests
    if requests != len(known_requests):
        # A request was deleted, and its assignments with it: whose counts changed is
        # no longer in the database.
        return await _load_all(session, started)
    changed_requests = _differ(window.requests, before.requests)
    if changed_requests:  # a deadline moved, say: their assignments' on-time counts
        people.update(row[0] for row in await _rows(session, _ASSIGNED_TO, changed_requests))
    updated = await _reread(session, mirror, people) if people else mirror
    return replace(
        updated,
        requests=known_requests,
        recent=window.since(started - SETTLE),
        checked=started,
    )


def _with(
    profiles: CandidateProfiles, changes: Mapping[int, CandidateFactsDTO | None]
) -> CandidateProfiles:
    """``profiles`` with these ambassadors' entries replaced (None: no longer there)."""
    by_id = dict(profiles.by_id)
    index = {kind: dict(getattr(profiles, kind)) for kind in _KINDS}
    for amb_id, after in changes.items():
        before = by_id.pop(amb_id, None)
        if after is not None:
            by_id[amb_id] = after
        for kind in _KINDS:
            was, now = _codes(before, kind), _codes(after, kind)
            codes = index[kind]
            for code in was - now:
                members = codes[code] - {amb_id}
                if members:
                    codes[code] = members
                else:
                    del codes[code]
            for code in now - was:
                codes[code] = codes.get(code, frozenset()) | {amb_id}
    return CandidateProfiles(by_id=by_id, **index)


async def _reread(session: AsyncSession, mirror: _Mirror, ids: set[int]) -> _Mirror:
    """``mirror`` with these ambassadors read again: profile, channels and counts (two
    statements)."""
    found = {row.id: row for row in await _rows(session, _PEOPLE_SOME, ids)}
    listed = _listed(await _rows(session, _SOME_CHANNELS, ids))
    changes = {
        amb_id: (
            _profile(row, listed.get(amb_id, ()), row[-len(_ALL_TIME) :])
            if (row := found.get(amb_id)) is not None
            else None
        )
        for amb_id in ids
    }
    return replace(mirror, profiles=_with(mirror.profiles, changes))
