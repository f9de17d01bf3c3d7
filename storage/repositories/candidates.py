"""Candidates for a story request: the facts matching needs about ambassadors.

Two ways in:

- ``available``: every ambassador who could be offered a story, with channels and
  assignment history, in three statements (the straightforward path);
- ``profiles`` then ``facts_for``: everyone's profile and all-time track record
  from a per-process cache, with an index of who holds which topic, region, language
  and platform, so that matching can single out the few who could make the top; then
  the exact history of just those, read from their assignments.

The cache (one per engine) mirrors, as of the caller's transaction, the ambassadors,
their channels, and per ambassador the counts that never depend on the date (stories
due, on time, open). Every ``profiles`` call checks it in five small statements:

- rows stamped (ambassadors and assignments by ``updated_at``, requests by
  ``updated_at``, channels by ``created_at``) since ``SETTLE`` before the previous
  check are compared with what that check read; the ambassadors concerned are read
  again: an edit, a new row, a write the cache saw and that was rolled back;
- the number of ambassadors, channels and requests must then match the cache's, or
  everything is read again (a row deleted: a removed channel, a deleted account).

This relies on every change to an ambassador, assignment or request moving its
``updated_at`` (the models' ``onupdate`` does, for Core and ORM updates alike), on
channels changing only by insert and delete, and on a write becoming visible within
``SETTLE`` of the time it stamped (transactions are per update and short; the clocks
of several bot processes agree within that). One case is not seen: on SQLite, which
reuses the highest row id, deleting the newest channel or request and adding one
before the next check. The bot deletes neither, except when an account is deleted.
The cache only decides who is worth a closer look; the counts of those who are come
from the database (``facts_for``). Snapshots are immutable and each check builds a
new one, so concurrent callers never see one half updated.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Table, and_, case, func, literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import CandidateFactsDTO
from storage.models import Ambassador, Assignment, Channel, StoryRequest

_R: Table = StoryRequest.__table__  # type: ignore[assignment]
_A: Table = Assignment.__table__  # type: ignore[assignment]
_AMB: Table = Ambassador.__table__  # type: ignore[assignment]
_CH: Table = Channel.__table__  # type: ignore[assignment]

_AVAILABLE = and_(_AMB.c.status == "approved", _AMB.c.paused.is_(False))
_PROFILE = (_AMB.c.id, _AMB.c.topics, _AMB.c.regions, _AMB.c.languages, _AMB.c.capacity)

#: How long after its timestamp a write may still become visible (see the module doc).
SETTLE = timedelta(minutes=15)
#: Ids per statement when reading many at once (both databases allow ~32k parameters).
_CHUNK = 2000

_HOLDS = _A.c.status.in_(("accepted", "published", "overdue"))
_DUE = _A.c.status.in_(("published", "overdue"))
_ON_TIME = and_(_A.c.status == "published", _A.c.published_at <= _R.c.deadline)
_OPEN = _A.c.status == "accepted"


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


#: The counts that do not depend on the date, per ambassador.
_ALL_TIME = (
    select(_A.c.ambassador_id, _count_if(_DUE), _count_if(_ON_TIME), _count_if(_OPEN))
    .join(_R, _R.c.id == _A.c.request_id)
    .group_by(_A.c.ambassador_id)
)
_PEOPLE = select(*_PROFILE, _AMB.c.status, _AMB.c.paused)
_CHANNELS = select(_CH.c.id, _CH.c.ambassador_id, _CH.c.platform, _CH.c.audience).order_by(_CH.c.id)


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


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
        people = (
            await self.session.execute(select(*_PROFILE).where(_AVAILABLE).order_by(_AMB.c.id))
        ).all()
        if not people:
            return []
        channels: dict[int, list[tuple[str, int]]] = {}
        found = await self.session.execute(
            select(_CH.c.ambassador_id, _CH.c.platform, _CH.c.audience)
            .join(_AMB, _AMB.c.id == _CH.c.ambassador_id)
            .where(_AVAILABLE)
            .order_by(_CH.c.id)
        )
        for amb_id, platform, audience in found:
            channels.setdefault(amb_id, []).append((platform, int(audience or 0)))
        stats = await self._history(None, startup_id, month_start, fairness_since)
        return [
            CandidateFactsDTO(
                ambassador_id=row.id,
                topics=tuple(row.topics or ()),
                regions=tuple(row.regions or ()),
                languages=tuple(row.languages or ()),
                channels=tuple(channels.get(row.id, ())),
                capacity=row.capacity,
                **stats.get(row.id, {}),
            )
            for row in people
        ]

    async def profiles(self) -> CandidateProfiles:
        """The cached profiles, brought up to date with what this transaction sees."""
        key = self.session.get_bind()
        mirror = await _refresh(self.session, _MIRRORS.get(key))
        _MIRRORS[key] = mirror
        return mirror.profiles

    async def facts_for(
        self,
        profiles: CandidateProfiles,
        ambassador_ids: Collection[int],
        *,
        startup_id: int,
        month_start: datetime,
        fairness_since: datetime,
    ) -> list[CandidateFactsDTO]:
        """The facts of these ambassadors (those in ``profiles``), by id: the profile
        from the snapshot, every count read from their assignments now."""
        ids = [i for i in sorted(ambassador_ids) if i in profiles.by_id]
        if not ids:
            return []
        stats = await self._history(ids, startup_id, month_start, fairness_since)
        return [replace(profiles.by_id[i], **stats.get(i, _NO_HISTORY)) for i in ids]

    async def _history(
        self, ids: Sequence[int] | None, startup_id: int, month_start: datetime, since: datetime
    ) -> dict[int, dict[str, Any]]:
        """Per ambassador (these, or everyone): stories taken this month, track record,
        open load, and offers in the fairness window (in all, and for this startup)."""
        statement = (
            select(
                _A.c.ambassador_id,
                _count_if(and_(_HOLDS, _A.c.answered_at >= month_start)),
                _count_if(_DUE),
                _count_if(_ON_TIME),
                _count_if(_OPEN),
                _count_if(_A.c.offered_at >= since),
                _count_if(and_(_A.c.offered_at >= since, _R.c.startup_id == startup_id)),
            )
            .join(_R, _R.c.id == _A.c.request_id)
            .group_by(_A.c.ambassador_id)
        )
        batches = (
            [statement]
            if ids is None
            else [statement.where(_A.c.ambassador_id.in_(chunk)) for chunk in _chunks(ids)]
        )
        stats: dict[int, dict[str, Any]] = {}
        for batch in batches:
            for amb_id, *counts in await self.session.execute(batch):
                stats[amb_id] = dict(zip(_HISTORY, map(int, counts), strict=True))
        return stats


_HISTORY = (
    "taken_this_month",
    "accepted_due",
    "published_on_time",
    "open_load",
    "recent_offers",
    "recent_same_startup",
)
_NO_HISTORY: dict[str, Any] = dict.fromkeys(_HISTORY, 0)


# --- the cache ----------------------------------------------------------------------

K = TypeVar("K")
V = TypeVar("V")


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
    #: Every ambassador, channel (-> its ambassador) and request in the database.
    ambassadors: frozenset[int]
    channels: Mapping[int, int]
    channels_of: Mapping[int, tuple[int, ...]]
    requests: frozenset[int]
    #: Per ambassador with any: (stories due, published on time, open).
    all_time: Mapping[int, tuple[int, int, int]]
    #: Rows stamped since ``checked - SETTLE``, as read then: the next check compares.
    recent: _Window
    checked: datetime


_MIRRORS: WeakKeyDictionary[Any, _Mirror] = WeakKeyDictionary()


def _window(start: datetime) -> Any:
    """Rows stamped since ``start`` and the number of rows, in one statement: on
    PostgreSQL one statement sees one snapshot, so the counts agree with the rows."""
    kind = literal_column
    nothing: Any = literal_column("NULL")
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
            kind("'n'"),
            select(func.count()).select_from(_AMB).scalar_subquery(),
            select(func.count()).select_from(_CH).scalar_subquery(),
            nothing,
        ),
        select(
            kind("'m'"), select(func.count()).select_from(_R).scalar_subquery(), nothing, nothing
        ),
    )


async def _read_window(session: AsyncSession, start: datetime) -> tuple[_Window, tuple[int, ...]]:
    """The rows stamped since ``start``, and how many ambassadors, channels and requests
    there are."""
    found: dict[str, dict[int, Any]] = {"a": {}, "c": {}, "x": {}, "r": {}}
    counts = [0, 0, 0]
    for kind, key, owner, stamp in await session.execute(_window(start)):
        if kind == "n":
            counts[0], counts[1] = int(key), int(owner)
        elif kind == "m":
            counts[2] = int(key)
        else:
            found[kind][key] = (owner, stamp) if owner is not None else stamp
    window = _Window(
        ambassadors=found["a"], channels=found["c"], assignments=found["x"], requests=found["r"]
    )
    return window, tuple(counts)


def _differ(now: Mapping[K, V], before: Mapping[K, V]) -> set[K]:
    """Keys whose entry is not the same in both (``before`` already cut to the window
    ``now`` was read for)."""
    found = {k for k, v in now.items() if before.get(k) != v}
    found.update(k for k, v in before.items() if now.get(k) != v)
    return found


def _profile(
    row: Any, channels: Sequence[tuple[str, int]], counts: tuple[int, int, int]
) -> CandidateFactsDTO | None:
    """The row's profile if it could be offered a story, else None."""
    if row.status != "approved" or row.paused or not row.capacity or row.capacity <= 0:
        return None
    return CandidateFactsDTO(
        ambassador_id=row.id,
        topics=tuple(row.topics or ()),
        regions=tuple(row.regions or ()),
        languages=tuple(row.languages or ()),
        channels=tuple(channels),
        capacity=row.capacity,
        accepted_due=counts[0],
        published_on_time=counts[1],
        open_load=counts[2],
    )


_KINDS = ("topics", "regions", "languages", "platforms")
_NONE = (0, 0, 0)


def _codes(profile: CandidateFactsDTO | None, kind: str) -> frozenset[str]:
    if profile is None:
        return frozenset()
    if kind == "platforms":
        return frozenset(platform for platform, _ in profile.channels)
    values: tuple[str, ...] = getattr(profile, kind)
    return frozenset(values)


async def _all_time(
    session: AsyncSession, ids: Collection[int] | None
) -> dict[int, tuple[int, int, int]]:
    batches = (
        [_ALL_TIME]
        if ids is None
        else [_ALL_TIME.where(_A.c.ambassador_id.in_(chunk)) for chunk in _chunks(ids)]
    )
    found = {}
    for batch in batches:
        for amb_id, due, on_time, open_ in await session.execute(batch):
            found[amb_id] = (int(due), int(on_time), int(open_))
    return found


async def _load_all(session: AsyncSession, started: datetime) -> _Mirror:
    # The window first: whatever changes after it is read is seen by the next check.
    recent, _ = await _read_window(session, started - SETTLE)
    people = (await session.execute(_PEOPLE)).all()
    channel_rows = (await session.execute(_CHANNELS)).all()
    requests = frozenset((await session.execute(select(_R.c.id))).scalars())
    all_time = await _all_time(session, None)
    listed: dict[int, list[tuple[str, int]]] = {}
    channels_of: dict[int, list[int]] = {}
    for c in channel_rows:
        listed.setdefault(c.ambassador_id, []).append((c.platform, int(c.audience or 0)))
        channels_of.setdefault(c.ambassador_id, []).append(c.id)
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
        ambassadors=frozenset(row.id for row in people),
        channels={c.id: c.ambassador_id for c in channel_rows},
        channels_of={amb_id: tuple(chs) for amb_id, chs in channels_of.items()},
        requests=requests,
        all_time=all_time,
        recent=recent,
        checked=started,
    )


async def _refresh(session: AsyncSession, mirror: _Mirror | None) -> _Mirror:
    started = datetime.now(UTC)
    if mirror is None:
        return await _load_all(session, started)
    window, (ambassadors, channels, requests) = await _read_window(session, mirror.checked - SETTLE)
    before = mirror.recent
    people = _differ(window.ambassadors, before.ambassadors)
    for i in _differ(window.channels, before.channels):
        # The channel's ambassador, and on a reused id the one it belonged to before.
        people.update(v[0] for v in (window.channels.get(i), before.channels.get(i)) if v)
        if i in mirror.channels:
            people.add(mirror.channels[i])
    counted = {
        v[0]
        for i in _differ(window.assignments, before.assignments)
        for v in (window.assignments.get(i), before.assignments.get(i))
        if v
    }
    known_requests = mirror.requests | window.requests.keys()
    if requests != len(known_requests):
        return await _load_all(session, started)  # a request was deleted
    changed_requests = _differ(window.requests, before.requests)
    if changed_requests:  # a deadline moved, say: their assignments' on-time counts
        for chunk in _chunks(changed_requests):
            found = await session.execute(
                select(_A.c.ambassador_id).where(_A.c.request_id.in_(chunk)).distinct()
            )
            counted.update(found.scalars())
    updated = mirror
    if counted:
        updated = await _recount(session, updated, counted)
    if people:
        updated = await _reread(session, updated, people)
    if ambassadors != len(updated.ambassadors) or channels != len(updated.channels):
        return await _load_all(session, started)  # an ambassador or a channel was deleted
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


async def _recount(session: AsyncSession, mirror: _Mirror, ids: set[int]) -> _Mirror:
    """``mirror`` with these ambassadors' all-time counts read again."""
    found = await _all_time(session, ids)
    all_time = {k: v for k, v in mirror.all_time.items() if k not in ids} | found
    changes: dict[int, CandidateFactsDTO | None] = {}
    for amb_id in ids:
        profile = mirror.profiles.by_id.get(amb_id)
        if profile is not None:
            due, on_time, open_ = found.get(amb_id, _NONE)
            changes[amb_id] = replace(
                profile, accepted_due=due, published_on_time=on_time, open_load=open_
            )
    return replace(mirror, profiles=_with(mirror.profiles, changes), all_time=all_time)


async def _reread(session: AsyncSession, mirror: _Mirror, ids: set[int]) -> _Mirror:
    """``mirror`` with these ambassadors (and all their channels) read again."""
    people: list[Any] = []
    channel_rows: list[Any] = []
    for chunk in _chunks(ids):
        people += (await session.execute(_PEOPLE.where(_AMB.c.id.in_(chunk)))).all()
        channel_rows += (
            await session.execute(_CHANNELS.where(_CH.c.ambassador_id.in_(chunk)))
        ).all()
    channel_rows.sort(key=lambda c: c.id)
    channels = dict(mirror.channels)
    channels_of = dict(mirror.channels_of)
    for amb_id in ids:
        for i in channels_of.pop(amb_id, ()):
            channels.pop(i, None)
    listed: dict[int, list[tuple[str, int]]] = {}
    for c in channel_rows:
        listed.setdefault(c.ambassador_id, []).append((c.platform, int(c.audience or 0)))
        channels_of[c.ambassador_id] = (*channels_of.get(c.ambassador_id, ()), c.id)
        channels[c.id] = c.ambassador_id
    found = {row.id: row for row in people}
    changes = {
        amb_id: (
            _profile(row, listed.get(amb_id, ()), mirror.all_time.get(amb_id, _NONE))
            if (row := found.get(amb_id)) is not None
            else None
        )
        for amb_id in ids
    }
    return replace(
        mirror,
        profiles=_with(mirror.profiles, changes),
        ambassadors=(mirror.ambassadors - ids) | found.keys(),
        channels=channels,
        channels_of=channels_of,
    )
